"""``send`` and ``wait`` in the sync facade (``Ignisign``), blocking, against the emulator."""

from __future__ import annotations

import inspect
import threading
from pathlib import Path

import pytest

from ignisign_async import (
    InternalServerError,
    SignatureRequestExpiredError,
    WaitTimeoutError,
)
from ignisign_async.models import IntegrationMode, SignatureRequestStatus
from ignisign_async.resources.signature_requests import SignatureRequests
from ignisign_async.sync.signature_requests import SignatureRequests as SyncSignatureRequests
from ignisign_async.testing import FakeIgnisign

from .conftest import ADA, EMBEDDED, PDF, count, profile_id


def test_the_sync_methods_have_the_async_signatures() -> None:
    for name in ("send", "wait"):
        expected = inspect.signature(getattr(SignatureRequests, name))
        got = inspect.signature(getattr(SyncSignatureRequests, name))
        assert list(got.parameters) == list(expected.parameters)
        assert [p.default for p in got.parameters.values()] == [
            p.default for p in expected.parameters.values()
        ]


def _signing_when_polled(fake: FakeIgnisign, request_id: str) -> threading.Thread:
    """A thread that signs the request once a wait has polled it at least once."""
    polled = threading.Event()

    def sign() -> None:
        while not polled.is_set():
            if count(fake, "GET", f"/{request_id}/context") >= 1:
                polled.set()
            else:
                polled.wait(0.005)
        fake.sign(request_id)

    thread = threading.Thread(target=sign, daemon=True)
    thread.start()
    return thread


def test_send_then_wait_blocking(tmp_path: Path) -> None:
    fake = FakeIgnisign()
    path = tmp_path / "lease.pdf"
    path.write_bytes(PDF)
    seen: list[tuple[int, int | None]] = []
    with fake.sync_client() as client:
        sent = client.signature_requests.send(
            documents=[path, ("annex.pdf", PDF)],
            signers=[ADA],
            title="Sync",
            signature_profile_id=profile_id(fake),
            progress=lambda done, total: seen.append((done, total)),
        )
        assert sent.status is SignatureRequestStatus.IN_PROGRESS
        thread = _signing_when_polled(fake, sent.signature_request_id)
        context = client.signature_requests.wait(sent.signature_request_id, poll_interval=0.02)
        thread.join(5)
    assert context.status is SignatureRequestStatus.COMPLETED
    assert seen[-1] == (2 * len(PDF), 2 * len(PDF))
    assert len(sent.document_ids) == 2


def test_progress_runs_in_the_calling_thread(tmp_path: Path) -> None:
    fake = FakeIgnisign()
    path = tmp_path / "big.pdf"
    path.write_bytes(PDF + b"x" * (2 << 20))
    threads: set[int] = set()
    with fake.sync_client() as client:
        client.signature_requests.send(
            documents=[path],
            signers=[ADA],
            title="Threads",
            signature_profile_id=profile_id(fake),
            progress=lambda done, total: threads.add(threading.get_ident()),
        )
    assert threads == {threading.get_ident()}


def test_embedded_tokens_and_failures_keep_their_types() -> None:
    fake = FakeIgnisign()
    with fake.sync_client(max_retries=0) as client:
        sent = client.signature_requests.send(
            documents=[PDF],
            signers=[{"first_name": "Ada", "last_name": "Lovelace"}],
            title="Embedded",
            signature_profile_id=profile_id(fake, EMBEDDED),
        )
        assert sent.integration_mode is IntegrationMode.EMBEDDED
        assert set(sent.session_tokens) == set(sent.signer_ids)

        fake.faults.fail_next(status=503, method="POST", path="*/publish")
        with pytest.raises(InternalServerError) as info:
            client.signature_requests.send(
                documents=[PDF], signers=[ADA], title="X", signature_profile_id=profile_id(fake)
            )
        created = info.value.created
        assert created is not None
        assert created.failed_step == "publish"
        assert created.request_closed

        with pytest.raises(ValueError, match="documents must not be empty"):
            client.signature_requests.send(documents=[], signers=[ADA], title="X")

        fake.expire(sent.signature_request_id)
        with pytest.raises(SignatureRequestExpiredError):
            client.signature_requests.wait(sent.signature_request_id)
        other = client.signature_requests.send(
            documents=[PDF], signers=[ADA], title="Y", signature_profile_id=profile_id(fake)
        )
        with pytest.raises(WaitTimeoutError):
            client.signature_requests.wait(
                other.signature_request_id, timeout=0.1, poll_interval=0.02
            )
