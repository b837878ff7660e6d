"""The sync facade end to end against the emulator: the core workflow, webhooks, threads."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ignisign_async import Ignisign, NotFoundError, WebhookVerificationError
from ignisign_async.models import SignatureRequestEvent
from ignisign_async.testing import FakeIgnisign

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def publish_one(fake: FakeIgnisign, client: Ignisign) -> tuple[str, str, str]:
    """A published request with one signer and one PDF: (request id, document id, signer id)."""
    profile_id = fake.default_signature_profile_id
    signer = client.signers.create(
        signature_profile_id=profile_id, first_name="Ada", last_name="Lovelace", email="a@b.co"
    )
    request = client.signature_requests.init(profile_id)
    request_id = request.signature_request_id
    assert request_id is not None
    document = client.documents.init(signature_request_id=request_id, label="Contract")
    client.documents.provide_file(
        document.document_id, PDF, file_name="contract.pdf", content_type="application/pdf"
    )
    client.signature_requests.update(
        request_id,
        title="Deal",
        document_ids=[document.document_id],
        signer_ids=[signer.signer_id],
        expiration_date=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7),
        expiration_date_is_activated=True,
    )
    client.signature_requests.publish(request_id)
    return request_id, document.document_id, signer.signer_id


def test_the_core_workflow(
    fake_ignisign: FakeIgnisign, ignisign_sync_client: Ignisign, tmp_path: Path
) -> None:
    fake, client = fake_ignisign, ignisign_sync_client
    assert len(client.signature_profiles.list()) == 4
    request_id, document_id, signer_id = publish_one(fake, client)
    assert str(client.signature_requests.get(request_id).status) == "IN_PROGRESS"
    fake.sign(request_id)
    assert str(client.signature_requests.get(request_id).status) == "COMPLETED"

    signatures = client.proofs.list_signatures(document_id)
    assert [s.signer_id for s in signatures] == [signer_id]
    result = client.proofs.download_signature_proof(document_id, tmp_path / "proof.pdf")
    assert result.path == tmp_path / "proof.pdf"
    assert (tmp_path / "proof.pdf").read_bytes().startswith(b"%PDF-")
    with client.proofs.stream_asic(document_id) as stream:
        assert stream.content_type == "application/vnd.etsi.asic-e+zip"
        data = b"".join(stream.iter_bytes(4096))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("contract.pdf") == PDF
    original = io.BytesIO()
    client.documents.download_original(document_id, original)
    assert original.getvalue() == PDF

    assert [r.id for r in client.signature_requests.iter_all()] == [request_id]
    assert [s.signer_id for s in client.signers.iter_all()] == [signer_id]
    statuses = client.signature_requests.statuses([request_id])
    assert [str(s.status) for s in statuses.signature_requests] == ["COMPLETED"]
    with pytest.raises(NotFoundError) as missing:
        client.signers.summary("0" * 24)
    assert missing.value.code == "SIGNER_NOT_FOUND"


def test_webhooks_consumed_by_sync_and_async_callbacks(
    fake_ignisign: FakeIgnisign, ignisign_sync_client: Ignisign
) -> None:
    fake, client = fake_ignisign, ignisign_sync_client
    bodies: list[bytes] = []

    async def collect(url: str, body: bytes) -> int:
        bodies.append(body)
        return 200

    fake.webhook_sender = collect
    client.webhooks.create(url="https://app.example.com/ignisign")
    router = client.webhook_router()
    seen: list[tuple[str, str, str]] = []
    statuses: list[str] = []

    @router.on_signature_request(action="COMPLETED")
    def completed(event: SignatureRequestEvent) -> None:  # a plain function may call the client
        seen.append(("sync", threading.current_thread().name, str(event.action)))
        request_id = event.content.signature_request_id
        statuses.append(str(client.signature_requests.get(request_id).status))

    @router.on(None)
    async def everything(event: Any) -> None:
        seen.append(("async", threading.current_thread().name, str(event.action)))

    def broken(event: Any) -> None:
        raise ValueError("boom")

    registration = router.add(broken, "SIGNATURE_REQUEST", "COMPLETED")
    assert router.registrations[-1] is registration
    request_id, _, _ = publish_one(fake, client)
    fake.sign(request_id)
    results = [router.consume(body) for body in bodies]

    assert statuses == ["COMPLETED"]
    assert ("sync", "MainThread", "COMPLETED") in seen
    assert {t for kind, t, _ in seen if kind == "async"} == {"MainThread"}
    assert len([s for s in seen if s[0] == "async"]) == len(bodies)
    failed = [r for r in results if not r.ok]
    assert [(f.failed[0].callback, str(f.failed[0].exception)) for f in failed] == [
        (broken, "boom")
    ]
    assert router.remove(registration) is True
    with pytest.raises(WebhookVerificationError):
        router.consume(bodies[0])  # the token is spent
    assert repr(router).endswith(": 2 callback(s)>")
    assert router.client is client


def test_threads_against_the_emulator(
    fake_ignisign: FakeIgnisign, ignisign_sync_client: Ignisign
) -> None:
    fake, client = fake_ignisign, ignisign_sync_client
    profile_id = fake.default_signature_profile_id
    errors: list[BaseException] = []

    def create(index: int) -> None:
        try:
            for n in range(5):
                client.signers.create(
                    signature_profile_id=profile_id,
                    first_name=f"T{index}",
                    last_name=f"N{n}",
                    email=f"t{index}.{n}@example.com",
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(list(client.signers.iter_all())) == 20
    assert fake.auth_requests == 1
