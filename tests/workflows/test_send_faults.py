"""A fault at each step of ``send`` in turn: no draft left open, nothing made twice, and an error
that says what was created.

Every step's first request is failed (503 past the retries, a 400, or a dropped connection
before or after the server acted). Idempotent reads and the update are retried by the core and
the send succeeds; a non-idempotent step is never re-sent, so the send fails, closes its request
and lists what it created.
"""

from __future__ import annotations

import json
import logging

import anyio
import httpx
import pytest

from ignisign_async import (
    APIConnectionError,
    AsyncIgnisign,
    BadRequestError,
    IgnisignError,
    InternalServerError,
)
from ignisign_async.models import SentSignatureRequest, SignatureRequestStatus
from ignisign_async.testing import FakeIgnisign

from .conftest import ADA, PDF, count, profile_id, world

STEPS: list[tuple[str, str, str, str]] = [
    # (name, method, path glob, the failed_step send reports)
    ("profiles", "GET", "*/signature-profiles", "list signature profiles"),
    ("inputs", "GET", "*/signer-inputs-constraints", "check signer inputs"),
    ("signer", "POST", "*/envs/*/signers", "create signers[1]"),
    ("init", "POST", "*/envs/*/signature-requests", "init request"),
    ("document", "POST", "*/init-documents", "init documents[0]"),
    ("upload", "POST", "/v3/documents/*/file", "upload documents["),  # either: concurrent
    ("update", "PUT", "/v3/signature-requests/*", "update"),
    ("publish", "POST", "/v3/signature-requests/*/publish", "publish"),
    ("status", "GET", "/v3/signature-requests/*/context", ""),
]
FAULTS = ["503", "400", "drop-before", "drop-after"]
NON_IDEMPOTENT = {
    "/signers": 2,
    "/signature-requests": 1,
    "/init-documents": 2,
    "/file": 2,
    "/publish": 1,
}
"""The most POSTs each creation step may make in these sends (two new signers, two files)."""


def inject(fake: FakeIgnisign, fault: str, method: str, path: str) -> None:
    if fault == "503":
        fake.faults.fail_next(count=3, status=503, method=method, path=path)  # past 2 retries
    elif fault == "400":
        fake.faults.fail_next(status=400, method=method, path=path)
    else:
        when = "before" if fault == "drop-before" else "after"
        fake.faults.disconnect_next(method=method, path=path, when=when)


async def send(client: AsyncIgnisign, fake: FakeIgnisign, existing: str) -> SentSignatureRequest:
    return await client.signature_requests.send(
        documents=[PDF, ("annex.pdf", PDF + b"%annex")],
        signers=[existing, ADA, {**ADA, "email": "alan@example.com"}],
        title="Faulty",
        signature_profile_id=profile_id(fake),
    )


def retried(method: str, fault: str) -> bool:
    """Whether the core replays this failure (idempotent route, transient failure)."""
    return method in ("GET", "PUT") and fault.startswith("drop")


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    ("step", "method", "path", "failed_step"), STEPS, ids=[s[0] for s in STEPS]
)
async def test_a_fault_at_each_step(
    fake: FakeIgnisign,
    step: str,
    method: str,
    path: str,
    failed_step: str,
    fault: str,
) -> None:
    async with fake.client() as client:
        existing = await client.signers.create(signature_profile_id=profile_id(fake), **ADA)
        fake.clear_requests()
        inject(fake, fault, method, path)
        outcome: SentSignatureRequest | IgnisignError
        try:
            outcome = await send(client, fake, existing.signer_id)
        except IgnisignError as exc:
            outcome = exc
    for suffix, most in NON_IDEMPOTENT.items():
        assert count(fake, "POST", suffix) <= most, suffix  # nothing sent twice
    state = await world(fake)
    lost_answer = fault == "drop-after" and method == "POST"

    if retried(method, fault) or step == "status":
        assert isinstance(outcome, SentSignatureRequest), outcome
        assert state.requests == {outcome.signature_request_id: SignatureRequestStatus.IN_PROGRESS}
        read = not (step == "status" and not retried(method, fault))
        assert outcome.status is (SignatureRequestStatus.IN_PROGRESS if read else None)
        return

    assert isinstance(outcome, IgnisignError)
    expected = {"503": InternalServerError, "400": BadRequestError}.get(fault, APIConnectionError)
    assert isinstance(outcome, expected)
    created = outcome.created
    assert created is not None
    assert created.failed_step.startswith(failed_step)
    # no draft left open -- except when the answer to init itself was lost: its id never came
    drafts = state.with_status(SignatureRequestStatus.DRAFT)
    if step == "init" and lost_answer:
        assert len(drafts) == 1
        assert created.signature_request_id is None
    else:
        assert drafts == []
    if created.signature_request_id is not None:
        assert created.request_closed
        assert state.requests[created.signature_request_id] is SignatureRequestStatus.CANCELLED
    if step in ("profiles", "inputs", "signer"):
        assert state.requests == {}
    else:
        assert len(state.requests) == (1 if step != "init" or lost_answer else 0)
    # the signers the error names exist; only a lost answer leaves one it cannot name
    made = state.signer_ids - {existing.signer_id}
    assert set(created.signer_ids) <= made
    unnamed = made - set(created.signer_ids)
    assert len(unnamed) == (1 if step == "signer" and lost_answer else 0)
    expected_signers = 0 if step in ("profiles", "inputs", "signer") else 2
    assert len(created.signer_ids) == expected_signers
    expected_documents = {"upload": 2, "update": 2, "publish": 2}.get(step, 0)
    assert len(created.document_ids) == expected_documents
    # the note says it all in the traceback
    notes = getattr(outcome, "__notes__", [""])
    assert f"failed at {created.failed_step}: " in notes[-1]
    assert ("may have been applied" in notes[-1]) is (method == "POST" and fault.startswith("drop"))


class _FailSecond(httpx.AsyncBaseTransport):
    """The emulator, with the second request to a path ending in ``suffix`` answered 503."""

    def __init__(self, inner: httpx.AsyncBaseTransport, suffix: str) -> None:
        self.inner = inner
        self.suffix = suffix
        self.seen = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith(self.suffix):
            self.seen += 1
            if self.seen == 2:
                body = {"message": "down", "status": 503, "code": "INTERNAL_ERROR"}
                return httpx.Response(503, content=json.dumps(body).encode())
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize(
    ("suffix", "failed_step", "signers", "documents", "requests"),
    [
        ("/signers", "create signers[1]", 1, 0, 0),
        ("/init-documents", "init documents[1]", 2, 1, 1),
        ("/file", "upload documents[1]", 2, 2, 1),
    ],
)
async def test_a_fault_at_the_second_of_several(
    fake: FakeIgnisign,
    suffix: str,
    failed_step: str,
    signers: int,
    documents: int,
    requests: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with fake.client(transport=_FailSecond(fake.transport, suffix)) as client:
        with (
            caplog.at_level(logging.WARNING, logger="ignisign_async"),
            pytest.raises(InternalServerError) as info,
        ):
            await client.signature_requests.send(
                documents=[PDF, PDF + b"%2"],
                signers=[ADA, {**ADA, "email": "alan@example.com"}],
                title="Second",
                signature_profile_id=profile_id(fake),
                max_concurrent_uploads=1,
            )
    created = info.value.created
    assert created is not None
    assert created.failed_step == failed_step
    assert len(created.signer_ids) == signers
    assert len(created.document_ids) == documents
    state = await world(fake)
    assert set(created.signer_ids) == state.signer_ids
    assert len(state.requests) == requests
    assert state.with_status(SignatureRequestStatus.DRAFT) == []
    assert f"stopped at {failed_step}" in caplog.text


async def test_a_close_that_fails_too_is_reported(
    fake: FakeIgnisign, caplog: pytest.LogCaptureFixture
) -> None:
    fake.faults.fail_next(status=400, method="POST", path="*/publish")
    fake.faults.fail_next(status=400, method="POST", path="*/close")
    async with fake.client() as client:
        with (
            caplog.at_level(logging.WARNING, logger="ignisign_async"),
            pytest.raises(BadRequestError) as info,
        ):
            await client.signature_requests.send(
                documents=[PDF], signers=[ADA], title="T", signature_profile_id=profile_id(fake)
            )
    created = info.value.created
    assert created is not None
    assert created.signature_request_id is not None
    assert created.request_closed is False
    assert "could not close signature request" in caplog.text
    assert "(NOT closed)" in info.value.__notes__[-1]
    state = await world(fake)
    assert state.requests == {created.signature_request_id: SignatureRequestStatus.DRAFT}


class _Announce(httpx.AsyncBaseTransport):
    """The emulator, setting ``arrived`` when a request to a path ending in ``suffix`` comes in."""

    def __init__(self, inner: httpx.AsyncBaseTransport, suffix: str) -> None:
        self.inner = inner
        self.suffix = suffix
        self.arrived = anyio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(self.suffix):
            self.arrived.set()
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("POST", "/file"), ("POST", "/publish"), ("GET", "/context")],
    ids=["upload", "publish", "status"],
)
async def test_a_cancelled_send_closes_its_request(
    fake: FakeIgnisign, method: str, suffix: str
) -> None:
    fake.faults.delay(60, method=method, path=f"*{suffix}")  # applied, then the answer is held
    announce = _Announce(fake.transport, suffix)
    async with fake.client(transport=announce) as client, anyio.create_task_group() as group:
        scope = anyio.CancelScope()

        async def sender() -> None:
            with scope:
                await client.signature_requests.send(
                    documents=[PDF], signers=[ADA], title="T", signature_profile_id=profile_id(fake)
                )

        group.start_soon(sender)
        await announce.arrived.wait()
        scope.cancel()
    assert scope.cancelled_caught
    state = await world(fake)
    # the caller never got the request: the clean-up closed it, published or not
    assert list(state.requests.values()) == [SignatureRequestStatus.CANCELLED]
