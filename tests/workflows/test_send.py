"""``signature_requests.send`` end to end on the emulator: profiles, documents, signers, options."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path

import anyio
import httpx
import pytest

from ignisign_async import AsyncIgnisign, NewDocument, NewSigner
from ignisign_async.models import (
    IntegrationMode,
    SentSignatureRequest,
    SignatureLanguage,
    SignatureRequestStatus,
    Statement,
    StatementTarget,
)
from ignisign_async.testing import FakeIgnisign

from .conftest import ADA, EMBEDDED, PDF, count, profile_id, world


async def test_by_side_one_pdf_one_new_signer(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    sent = await client.signature_requests.send(
        documents=[PDF], signers=[ADA], title="Lease", signature_profile_id=profile_id(fake)
    )
    # the documented order: profile, inputs, signer, init, document, file, update, publish, read
    steps = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests if "auth" not in r.path]
    assert steps == [
        ("GET", "signature-profiles"),
        ("GET", "signer-inputs-constraints"),
        ("POST", "signers"),
        ("POST", "signature-requests"),
        ("POST", "init-documents"),
        ("POST", "file"),
        ("PUT", sent.signature_request_id),
        ("POST", "publish"),
        ("GET", "context"),
    ]
    assert isinstance(sent, SentSignatureRequest)
    assert sent.status is SignatureRequestStatus.IN_PROGRESS
    assert sent.integration_mode is IntegrationMode.BY_SIDE
    assert sent.signature_profile_id == profile_id(fake)
    assert sent.signers == ()
    assert sent.session_tokens == {}
    assert [s.signer_id for s in sent.new_signers] == list(sent.signer_ids)
    context = await client.signature_requests.get(sent.signature_request_id)
    assert context.title == "Lease"
    assert list(context.document_ids) == list(sent.document_ids)
    assert list(context.signer_ids) == list(sent.signer_ids)
    (document,) = context.documents
    assert document.label == "document-1.pdf"
    signer = await client.signers.summary(sent.signer_ids[0])
    assert (signer.first_name, signer.last_name, signer.email) == ("Ada", "Lovelace", ADA["email"])


async def test_embedded_profile_gives_session_tokens_kept_out_of_repr(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    existing = await client.signers.create(
        signature_profile_id=profile_id(fake, EMBEDDED),
        first_name="Grace",
        last_name="Hopper",
        external_id="grace",
    )
    sent = await client.signature_requests.send(
        documents=[PDF],
        signers=[existing.signer_id, {"first_name": "Ada", "last_name": "Lovelace"}],
        title="Embedded",
        signature_profile_id=profile_id(fake, EMBEDDED),
    )
    assert sent.integration_mode is IntegrationMode.EMBEDDED
    assert set(sent.session_tokens) == set(sent.signer_ids)
    assert all(sent.session_tokens.values())
    by_id = {s.signer_id: s for s in sent.signers}
    assert by_id[existing.signer_id].signer_external_id == "grace"
    shown = repr(sent) + str(sent)
    for token in sent.session_tokens.values():
        assert token not in shown
    (new,) = sent.new_signers
    assert new.auth_secret
    assert new.auth_secret not in shown
    # the tokens are the ones the platform gave: they match the LAUNCHED webhook's
    launched = [
        e
        for e in fake.webhook_events
        if e["topic"] == "SIGNATURE_REQUEST" and e["action"] == "LAUNCHED"
    ]
    tokens = {s["signerId"]: s["token"] for s in launched[-1]["content"]["signers"]}
    assert tokens == sent.session_tokens


async def test_every_kind_of_document_and_signer(
    fake: FakeIgnisign, client: AsyncIgnisign, tmp_path: Path
) -> None:
    path = tmp_path / "lease.pdf"
    path.write_bytes(PDF + b"%lease")
    existing = await client.signers.create(
        signature_profile_id=profile_id(fake), **{**ADA, "email": "grace@example.com"}
    )
    with path.open("rb") as handle:
        sent = await client.signature_requests.send(
            documents=[
                path,  # a Path
                str(path),  # a str path
                PDF + b"%bytes",  # bytes
                handle,  # a file object
                ("annex.txt", b"plain text annex"),  # a (file_name, data) pair
                ("scan.pdf", io.BytesIO(PDF + b"%scan")),  # a pair with a file object
                NewDocument(
                    file=PDF + b"%new", label="Terms", description="Read me", external_id="t-1"
                ),
                {"file": PDF + b"%map", "file_name": "mapped.pdf", "label": "Mapped"},
            ],
            signers=[
                existing.signer_id,  # an id
                existing_twin := NewSigner(first_name="Ada", last_name="L", email="a@b.co"),
                {"first_name": "Alan", "last_name": "Turing", "email": "alan@example.com"},
            ],
            title="Everything",
            signature_profile_id=profile_id(fake),
        )
    assert existing_twin.email == "a@b.co"
    assert len(sent.document_ids) == 8
    assert len(set(sent.document_ids)) == 8
    assert sent.signer_ids[0] == existing.signer_id
    assert len(sent.new_signers) == 2
    context = await client.signature_requests.get(sent.signature_request_id)
    documents = {d.id: d for d in context.documents}
    labels = [documents[i].label for i in sent.document_ids]
    assert labels == [
        "lease.pdf",
        "lease.pdf",
        "document-3.pdf",
        "lease.pdf",
        "annex.txt",
        "scan.pdf",
        "Terms",
        "Mapped",
    ]
    files = [await client.documents.get(i) for i in sent.document_ids]
    assert [f.file_size for f in files] == [
        len(PDF) + 6,
        len(PDF) + 6,
        len(PDF) + 6,
        len(PDF) + 6,
        16,
        len(PDF) + 5,
        len(PDF) + 4,
        len(PDF) + 4,
    ]
    assert files[4].mime_type == "text/plain"
    terms = files[6]
    assert (terms.description, terms.external_id) == ("Read me", "t-1")
    async with client.documents.stream_original(sent.document_ids[3]) as stream:
        assert b"".join([c async for c in stream.iter_bytes()]) == PDF + b"%lease"
    assert count(fake, "POST", "/signers") == 3  # the one made above, then two by send


async def test_options_reach_the_request(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    before = dt.datetime.now(dt.timezone.utc)
    sent = await client.signature_requests.send(
        documents=[PDF],
        signers=[ADA],
        title="Options",
        signature_profile_id=profile_id(fake),
        description="All of them",
        expires_in=dt.timedelta(days=3),
        language="FR",
        external_id="deal-7",
        statements=[{"target": "SIGNATURE_REQUEST", "label_md": "I agree"}],
    )
    context = await client.signature_requests.get(sent.signature_request_id)
    assert (context.description, context.external_id) == ("All of them", "deal-7")
    assert context.language is SignatureLanguage.FR
    assert context.expiration_date_is_activated is True
    assert context.expiration_date is not None
    after = dt.datetime.now(dt.timezone.utc)
    window = context.expiration_date - dt.timedelta(days=3)
    assert before - dt.timedelta(seconds=1) <= window <= after + dt.timedelta(seconds=1)
    (statement,) = context.statements
    assert statement.label_md == "I agree"
    assert statement.signature_request_id == sent.signature_request_id


async def test_expiration_date_and_statement_models(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=9)
    sent = await client.signature_requests.send(
        documents=[PDF],
        signers=[ADA],
        title="Dated",
        signature_profile_id=profile_id(fake),
        expiration_date=when,
        statements=[Statement(target=StatementTarget.SIGNATURE_REQUEST, label_md="Yes")],
    )
    context = await client.signature_requests.get(sent.signature_request_id)
    assert context.expiration_date == when
    update = next(r for r in fake.requests if r.method == "PUT")
    assert update.json["expirationDateIsActivated"] is True
    # nothing left out is sent
    assert not {"description", "language", "externalId"} & set(update.json)


async def test_the_only_published_profile_needs_no_id(fake: FakeIgnisign) -> None:
    async with fake.client() as client:
        for name, pid in fake.signature_profile_ids.items():
            if name != EMBEDDED:
                await client.signature_profiles.set_status(pid, "ARCHIVED")
        sent = await client.signature_requests.send(
            documents=[PDF], signers=[{"first_name": "A", "last_name": "B"}], title="One"
        )
    assert sent.signature_profile_id == profile_id(fake, EMBEDDED)


async def test_existing_signers_only_skip_the_inputs_read(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    signer = await client.signers.create(signature_profile_id=profile_id(fake), **ADA)
    sent = await client.signature_requests.send(
        documents=[PDF], signers=[signer], title="Reuse", signature_profile_id=profile_id(fake)
    )
    assert sent.signer_ids == (signer.signer_id,)
    assert sent.new_signers == ()
    assert count(fake, "GET", "/signer-inputs-constraints") == 0


async def test_progress_covers_every_document_and_only_grows(
    fake: FakeIgnisign, client: AsyncIgnisign, tmp_path: Path
) -> None:
    big = PDF + b"%" + b"x" * (3 << 20)  # several read slices
    path = tmp_path / "big.pdf"
    path.write_bytes(big)
    seen: list[tuple[int, int | None]] = []
    sent = await client.signature_requests.send(
        documents=[path, big, ("c.pdf", io.BytesIO(big))],
        signers=[ADA],
        title="Progress",
        signature_profile_id=profile_id(fake),
        progress=lambda done, total: seen.append((done, total)),
        max_concurrent_uploads=2,
    )
    total = 3 * len(big)
    assert seen[0] == (0, total)
    assert seen[-1] == (total, total)
    assert all(t == total for _, t in seen)
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)
    assert len(set(dones)) == len(dones)
    assert len(seen) > 4  # reported as the files are read, not once at the end
    assert len(sent.document_ids) == 3


async def test_progress_of_a_file_of_unknown_size() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = data

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            n = min(len(buffer), len(self._data))
            buffer[:n], self._data = self._data[:n], self._data[n:]
            return n

    fake = FakeIgnisign()
    seen: list[tuple[int, int | None]] = []
    async with fake.client() as client:
        await client.signature_requests.send(
            documents=[("piped.pdf", Pipe(PDF)), PDF],
            signers=[ADA],
            title="Pipe",
            signature_profile_id=profile_id(fake),
            progress=lambda done, total: seen.append((done, total)),
        )
    assert {t for _, t in seen} == {None}
    assert seen[-1] == (2 * len(PDF), None)


async def test_a_failing_progress_callback_fails_the_send_and_closes(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    def progress(done: int, total: int | None) -> None:
        if done:
            raise RuntimeError("display broke")

    with pytest.raises(RuntimeError, match="display broke") as info:
        await client.signature_requests.send(
            documents=[PDF],
            signers=[ADA],
            title="Broken",
            signature_profile_id=profile_id(fake),
            progress=progress,
        )
    created = info.value.created  # type: ignore[attr-defined]
    assert created.failed_step == "upload documents[0]"
    assert created.request_closed
    state = await world(fake)
    assert list(state.requests.values()) == [SignatureRequestStatus.CANCELLED]


async def test_a_failed_status_read_after_publishing_keeps_the_request(
    fake: FakeIgnisign, caplog: pytest.LogCaptureFixture
) -> None:
    async with fake.client(max_retries=0) as client:
        fake.faults.fail_next(status=503, method="GET", path="*/context")
        with caplog.at_level(logging.WARNING, logger="ignisign_async"):
            sent = await client.signature_requests.send(
                documents=[PDF], signers=[ADA], title="X", signature_profile_id=profile_id(fake)
            )
    assert sent.status is None
    assert "is published; reading its status failed" in caplog.text
    state = await world(fake)
    assert state.requests == {sent.signature_request_id: SignatureRequestStatus.IN_PROGRESS}


class _UploadGate(httpx.AsyncBaseTransport):
    """Holds each upload until ``bound`` are in flight together; records the peak."""

    def __init__(self, inner: httpx.AsyncBaseTransport, bound: int) -> None:
        self.inner = inner
        self.bound = bound
        self.in_flight = self.peak = 0
        self.full = anyio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/file"):
            return await self.inner.handle_async_request(request)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        if self.in_flight >= self.bound:
            self.full.set()
        try:
            await self.full.wait()
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1


@pytest.mark.parametrize("bound", [1, 3])
async def test_uploads_run_concurrently_up_to_the_bound(fake: FakeIgnisign, bound: int) -> None:
    gate = _UploadGate(fake.transport, bound)
    async with fake.client(transport=gate) as client:
        with anyio.fail_after(10):  # fewer than `bound` uploads at once would hang at the gate
            sent = await client.signature_requests.send(
                documents=[PDF] * 5,
                signers=[ADA],
                title="Many",
                signature_profile_id=profile_id(fake),
                max_concurrent_uploads=bound,
            )
    assert gate.peak == bound
    assert len(set(sent.document_ids)) == 5
