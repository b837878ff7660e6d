"""``signature_requests.wait`` on the emulator: completion, expiry, cancellation, failure,
timeouts, cancellation of the wait itself, flaky polls, and the backoff schedule."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import logging
import pickle
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from ignisign_async import (
    AsyncIgnisign,
    IgnisignError,
    InternalServerError,
    NotFoundError,
    SignatureRequestCancelledError,
    SignatureRequestExpiredError,
    SignatureRequestFailedError,
    SignatureRequestNotCompletedError,
    WaitTimeoutError,
)
from ignisign_async.models import SignatureRequestStatus
from ignisign_async.resources import _waiting
from ignisign_async.testing import FakeIgnisign

from .conftest import ADA, PDF, count, profile_id

FAST = 0.02
"""A poll interval that keeps the tests quick."""


class _Polls(httpx.AsyncBaseTransport):
    """The emulator, counting context reads and setting ``polled`` at the first one."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.polled = anyio.Event()
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/context"):
            self.count += 1
            self.polled.set()
        return response


async def _published(client: AsyncIgnisign, fake: FakeIgnisign, **options: Any) -> str:
    sent = await client.signature_requests.send(
        documents=[PDF], signers=[ADA], title="W", signature_profile_id=profile_id(fake), **options
    )
    return sent.signature_request_id


async def _wait_while(
    fake: FakeIgnisign, act: Callable[[str], object], **wait_options: Any
) -> tuple[Any, _Polls, str]:
    """Start waiting on a fresh request; once the wait has polled, ``act(request_id)`` (awaited
    when it returns an awaitable)."""
    polls = _Polls(fake.transport)
    async with fake.client(transport=polls) as client:
        request_id = await _published(client, fake)
        polls.polled = anyio.Event()
        outcome: list[Any] = []

        async def waiter() -> None:
            try:
                outcome.append(await client.signature_requests.wait(request_id, **wait_options))
            except IgnisignError as exc:
                outcome.append(exc)

        async with anyio.create_task_group() as group:
            group.start_soon(waiter)
            await polls.polled.wait()
            result = act(request_id)
            if inspect.isawaitable(result):
                await result
    return outcome[0], polls, request_id


async def test_completion_returns_the_final_context(fake: FakeIgnisign) -> None:
    context, polls, request_id = await _wait_while(fake, fake.sign, poll_interval=FAST)
    assert context.id == request_id
    assert context.status is SignatureRequestStatus.COMPLETED
    assert len(context.signed_by) == 1
    assert polls.count >= 2  # polled while in progress, then saw it completed


async def test_an_already_closed_request_returns_at_once(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    request_id = await _published(client, fake)
    fake.sign(request_id)
    fake.clear_requests()
    context = await client.signature_requests.wait(request_id)  # default 5 s interval: no sleep
    assert context.status is SignatureRequestStatus.COMPLETED
    assert count(fake, "GET", "/context") == 1


@pytest.mark.parametrize(
    ("act", "error", "status"),
    [
        ("expire", SignatureRequestExpiredError, SignatureRequestStatus.EXPIRED),
        ("close", SignatureRequestCancelledError, SignatureRequestStatus.CANCELLED),
    ],
)
async def test_expired_and_cancelled_raise_unless_asked(
    fake: FakeIgnisign, act: str, error: type[SignatureRequestNotCompletedError], status: Any
) -> None:
    async def end(request_id: str) -> None:
        if act == "expire":
            fake.expire(request_id)  # its expiration date is reached
        else:
            async with fake.client() as other:  # closed by another client, as elsewhere
                await other.signature_requests.close(request_id)

    raised, _, request_id = await _wait_while(fake, end, poll_interval=FAST)
    assert isinstance(raised, error)
    assert isinstance(raised, SignatureRequestNotCompletedError)
    assert raised.status is status
    assert raised.signature_request_id == request_id
    assert raised.context is not None
    assert raised.context.status is status
    assert str(status) in str(raised)

    returned, _, _ = await _wait_while(fake, end, poll_interval=FAST, raise_on_failure=False)
    assert returned.status is status


async def test_expiry_when_the_expiration_date_passes() -> None:
    now = [1_900_000_000.0]
    fake = FakeIgnisign(clock=lambda: now[0])
    async with fake.client() as client:
        sent = await client.signature_requests.send(
            documents=[PDF],
            signers=[ADA],
            title="Soon",
            signature_profile_id=profile_id(fake),
            expiration_date=_at(now[0] + 86_400),
        )
        now[0] += 2 * 86_400  # the emulator's clock passes the expiration date
        with pytest.raises(SignatureRequestExpiredError) as info:
            await client.signature_requests.wait(sent.signature_request_id, poll_interval=FAST)
    assert info.value.status is SignatureRequestStatus.EXPIRED


def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


class _Rewrite(httpx.AsyncBaseTransport):
    """The emulator, with every context read answering ``status`` (the emulator has no way to
    make a request FAILED)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, status: str) -> None:
        self.inner = inner
        self.status = status

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/context"):
            return response
        await response.aread()
        body = {**json.loads(response.content), "status": self.status}
        return httpx.Response(200, json=body)


async def test_failed_raises(fake: FakeIgnisign) -> None:
    async with fake.client() as setup:
        request_id = await _published(setup, fake)
    async with fake.client(transport=_Rewrite(fake.transport, "FAILED")) as client:
        with pytest.raises(SignatureRequestFailedError) as info:
            await client.signature_requests.wait(request_id)
        context = await client.signature_requests.wait(request_id, raise_on_failure=False)
    assert info.value.status is SignatureRequestStatus.FAILED
    assert context.status is SignatureRequestStatus.FAILED


async def test_an_unknown_status_is_not_terminal(fake: FakeIgnisign) -> None:
    async with fake.client() as setup:
        request_id = await _published(setup, fake)
    async with fake.client(transport=_Rewrite(fake.transport, "ON_HOLD")) as client:
        with pytest.raises(WaitTimeoutError) as info:
            await client.signature_requests.wait(request_id, timeout=0.2, poll_interval=FAST)
    assert info.value.status is not None
    assert info.value.status.value == "ON_HOLD"


async def test_timeout(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    request_id = await _published(client, fake)
    with pytest.raises(WaitTimeoutError) as info:
        await client.signature_requests.wait(request_id, timeout=0.2, poll_interval=FAST)
    error = info.value
    assert isinstance(error, TimeoutError)
    assert error.status is SignatureRequestStatus.IN_PROGRESS
    assert error.context is not None
    assert error.signature_request_id == request_id
    assert "not closed within 0.2 s; last status IN_PROGRESS" in str(error)
    assert count(fake, "GET", "/context") >= 2


async def test_timeout_while_no_poll_answers(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    request_id = await _published(client, fake)
    fake.faults.delay(30, method="GET", path="*/context")
    with pytest.raises(WaitTimeoutError, match="no poll answered") as info:
        await client.signature_requests.wait(request_id, timeout=0.2)
    assert info.value.status is None
    assert info.value.context is None


async def test_the_clients_deadline_bounds_a_wait_without_timeout(fake: FakeIgnisign) -> None:
    async with fake.client() as setup:
        request_id = await _published(setup, fake)
    async with fake.client(deadline=0.2) as client:
        with pytest.raises(WaitTimeoutError, match=r"within 0\.2 s"):
            await client.signature_requests.wait(request_id, poll_interval=FAST)
        # an explicit timeout wins over the deadline (which still bounds each poll)
        with pytest.raises(WaitTimeoutError, match=r"within 0\.5 s"):
            await client.signature_requests.wait(request_id, timeout=0.5, poll_interval=FAST)


async def test_cancelling_the_wait_stops_polling(fake: FakeIgnisign) -> None:
    polls = _Polls(fake.transport)
    async with fake.client(transport=polls) as client:
        request_id = await _published(client, fake)
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as group:

                async def cancel_after_a_poll() -> None:
                    await polls.polled.wait()
                    scope.cancel()

                group.start_soon(cancel_after_a_poll)
                await client.signature_requests.wait(request_id, poll_interval=FAST)
        assert scope.cancelled_caught
        seen = polls.count
        await anyio.sleep(5 * FAST)
        assert polls.count == seen  # nothing polls once the wait is cancelled


async def test_flaky_polls_are_tolerated(
    fake: FakeIgnisign, caplog: pytest.LogCaptureFixture
) -> None:
    async with fake.client(max_retries=0) as client:
        request_id = await _published(client, fake)
        fake.sign(request_id)
        fake.faults.fail_next(count=_waiting.MAX_POLL_FAILURES - 1, status=503, path="*/context")
        with caplog.at_level(logging.WARNING, logger="ignisign_async"):
            context = await client.signature_requests.wait(request_id, poll_interval=FAST)
    assert context.status is SignatureRequestStatus.COMPLETED
    assert caplog.text.count(f"polling signature request {request_id} failed") == 4


async def test_too_many_failed_polls_in_a_row_end_the_wait(fake: FakeIgnisign) -> None:
    async with fake.client(max_retries=0) as client:
        request_id = await _published(client, fake)
        fake.faults.fail_next(count=_waiting.MAX_POLL_FAILURES, status=503, path="*/context")
        with pytest.raises(InternalServerError):
            await client.signature_requests.wait(request_id, poll_interval=FAST)


async def test_an_unknown_request_fails_at_once(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    with pytest.raises(NotFoundError):
        await client.signature_requests.wait("a" * 24, poll_interval=FAST)
    assert count(fake, "GET", "/context") == 1


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"signature_request_id": ""}, ValueError, "non-empty"),
        ({"signature_request_id": 5}, TypeError, "must be a str"),
        ({"timeout": 0}, ValueError, "timeout must be a positive"),
        ({"timeout": float("inf")}, ValueError, "timeout must be a positive"),
        ({"timeout": "10"}, TypeError, "timeout must be a number"),
        ({"poll_interval": -1}, ValueError, "poll_interval must be a positive"),
        ({"poll_interval": None}, TypeError, "poll_interval must be a number"),
        ({"raise_on_failure": "no"}, TypeError, "raise_on_failure must be a bool"),
    ],
)
async def test_bad_arguments_fail_before_any_request(
    fake: FakeIgnisign,
    client: AsyncIgnisign,
    arguments: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    arguments = {"signature_request_id": "r" * 24, **arguments}
    request_id = arguments.pop("signature_request_id")
    with pytest.raises(error, match=match):
        await client.signature_requests.wait(request_id, **arguments)
    assert fake.requests == []


async def test_polls_back_off_with_jitter_up_to_the_interval(
    fake: FakeIgnisign, client: AsyncIgnisign, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id = await _published(client, fake)
    slept: list[float] = []
    real_sleep = anyio.sleep

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 12:
            fake.sign(request_id)
        await real_sleep(0)

    monkeypatch.setattr(_waiting.anyio, "sleep", sleep)
    context = await client.signature_requests.wait(request_id, poll_interval=8.0)
    assert context.status is SignatureRequestStatus.COMPLETED
    assert len(slept) == 12
    ceilings = [1.0, 2.0, 4.0] + [8.0] * 9
    for seconds, ceiling in zip(slept, ceilings, strict=True):
        assert ceiling / 2 <= seconds <= ceiling
    assert len(set(slept)) > 1  # jittered, not a fixed schedule


async def test_backoff_starts_over_when_the_request_moves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeIgnisign()
    async with fake.client() as client:
        signers = [ADA, {**ADA, "email": "alan@example.com"}]
        sent = await client.signature_requests.send(
            documents=[PDF], signers=signers, title="Two", signature_profile_id=profile_id(fake)
        )
        slept: list[float] = []
        real_sleep = anyio.sleep

        async def sleep(seconds: float) -> None:
            slept.append(seconds)
            if len(slept) == 5:
                fake.sign(sent.signature_request_id, sent.signer_ids[0])  # one of two signs
            if len(slept) == 8:
                fake.sign(sent.signature_request_id, sent.signer_ids[1])
            await real_sleep(0)

        monkeypatch.setattr(_waiting.anyio, "sleep", sleep)
        await client.signature_requests.wait(sent.signature_request_id, poll_interval=8.0)
    assert slept[4] > 4.0  # at the cap by then
    assert slept[5] <= 1.0  # a new signature: short again


async def test_wait_errors_pickle_with_their_state(fake: FakeIgnisign) -> None:
    raised, _, request_id = await _wait_while(fake, fake.expire, poll_interval=FAST)
    copy = pickle.loads(pickle.dumps(raised))
    assert type(copy) is SignatureRequestExpiredError
    assert (copy.signature_request_id, copy.status) == (request_id, raised.status)
    assert copy.context == raised.context
    timeout = pickle.loads(pickle.dumps(WaitTimeoutError("t", signature_request_id=request_id)))
    assert isinstance(timeout, TimeoutError)
    assert timeout.signature_request_id == request_id
