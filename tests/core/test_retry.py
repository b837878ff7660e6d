"""Retries, backoff, Retry-After, idempotency and deadlines."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import anyio
import httpx
import pytest

from ignisign_async import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncIgnisign,
    InternalServerError,
    RateLimitError,
)
from ignisign_async._auth import TokenManager
from ignisign_async._retry import RetryPolicy, parse_retry_after
from ignisign_async._routes import Route

from .conftest import PROFILE, ScriptedAPI, VirtualClock

CREATE = Route("POST", "/v3/applications/{appId}/envs/{appEnv}/signers")


def ok() -> httpx.Response:
    return httpx.Response(200, json=[PROFILE])


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_idempotent_call_retried_on_each_retryable_status(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int], status: int
) -> None:
    api.script(httpx.Response(status), httpx.Response(status), ok())
    async with make_client() as client:
        profiles = await client.signature_profiles.list()
    assert len(profiles) == 1
    assert len(api.requests) == 3
    assert no_backoff == [0, 1]


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422, 501])
async def test_other_statuses_are_not_retried(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int], status: int
) -> None:
    api.script(httpx.Response(status, json={"code": "X", "message": "no"}))
    async with make_client() as client:
        with pytest.raises(APIError) as info:
            await client.signature_profiles.list()
    assert info.value.status_code == status
    assert len(api.requests) == 1


async def test_gives_up_after_max_retries(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    api.script(*[httpx.Response(503) for _ in range(10)])
    async with make_client(max_retries=3) as client:
        with pytest.raises(InternalServerError) as info:
            await client.signature_profiles.list()
    assert info.value.status_code == 503
    assert len(api.requests) == 4


async def test_max_retries_zero(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    api.script(httpx.Response(503), ok())
    async with make_client(max_retries=0) as client:
        with pytest.raises(InternalServerError):
            await client.signature_profiles.list()
    assert len(api.requests) == 1


def test_backoff_is_full_jitter_and_capped() -> None:
    policy = RetryPolicy()
    for index, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        samples = [policy.backoff(index) for _ in range(200)]
        assert all(0.0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling / 2  # spread over the whole range, not a fixed delay


def test_parse_retry_after_both_forms() -> None:
    assert parse_retry_after({"retry-after": "7"}) == 7.0
    assert parse_retry_after({"retry-after": " 1.5 "}) == 1.5
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after({"retry-after": date}, now=now) <= 31  # type: ignore[operator]
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after({"retry-after": past}, now=now) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


async def test_retry_after_seconds_is_honoured(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(anyio, "sleep", fake_sleep)
    api.script(httpx.Response(429, headers={"Retry-After": "3"}), ok())
    async with make_client() as client:
        await client.signature_profiles.list()
    assert slept == [3.0]


async def test_retry_after_http_date_is_honoured(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(anyio, "sleep", fake_sleep)
    date = email.utils.formatdate(time.time() + 20, usegmt=True)
    api.script(httpx.Response(503, headers={"Retry-After": date}), ok())
    async with make_client() as client:
        await client.signature_profiles.list()
    assert len(slept) == 1
    assert 17 <= slept[0] <= 21


@pytest.mark.parametrize("value", ["0", "-5", "past-date"])
async def test_retry_after_of_zero_negative_or_past_falls_back_to_the_backoff(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    monkeypatch: pytest.MonkeyPatch,
    virtual_clock: VirtualClock,
    value: str,
) -> None:
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, index: 0.25 * (index + 1))
    if value == "past-date":
        value = email.utils.formatdate(time.time() - 30, usegmt=True)
    api.script(*[httpx.Response(503, headers={"Retry-After": value}) for _ in range(2)], ok())
    async with virtual_clock.install(make_client()) as client:
        await client.signature_profiles.list()
    assert virtual_clock.sleeps == [0.25, 0.5]  # the backoff, not an instant retry
    assert len(api.requests) == 3


async def test_retry_after_above_cap_raises_without_sleeping(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(anyio, "sleep", fake_sleep)
    api.script(httpx.Response(429, headers={"Retry-After": "3600"}, json={"code": "X"}))
    async with make_client() as client:
        with pytest.raises(RateLimitError) as info:
            await client.signature_profiles.list()
    assert info.value.retry_after == 3600.0
    assert slept == []
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(500), httpx.Response(502), httpx.Response(503), httpx.Response(504)],
)
async def test_post_not_resent_after_a_server_error(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    failure: httpx.Response,
) -> None:
    api.script(failure, httpx.Response(200, json={}))
    async with make_client() as client:
        with pytest.raises(InternalServerError):
            await client._request(CREATE, json={"firstName": "Ada"})
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteTimeout("write timed out"),
    ],
)
async def test_post_not_resent_after_it_may_have_reached_the_server(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    error: Exception,
) -> None:
    api.script(error, httpx.Response(200, json={}))
    async with make_client() as client:
        with pytest.raises(APIConnectionError):
            await client._request(CREATE, json={"firstName": "Ada"})
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect"), httpx.PoolTimeout("pool")],
)
async def test_post_resent_after_errors_before_sending(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    error: Exception,
) -> None:
    api.script(error, httpx.Response(200, json={}))
    async with make_client() as client:
        await client._request(CREATE, json={"firstName": "Ada"})
    assert len(api.requests) == 2
    assert api.requests[0].content == api.requests[1].content == b'{"firstName":"Ada"}'


async def test_post_resent_after_429(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    api.script(httpx.Response(429), httpx.Response(200, json={}))
    async with make_client() as client:
        await client._request(CREATE, json={"firstName": "Ada"})
    assert len(api.requests) == 2


@pytest.mark.parametrize("error", [httpx.ReadTimeout("t"), httpx.RemoteProtocolError("gone")])
async def test_get_retried_after_transport_errors(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    error: Exception,
) -> None:
    api.script(error, ok())
    async with make_client() as client:
        await client.signature_profiles.list()
    assert len(api.requests) == 2


async def test_connection_error_after_retries_is_typed(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    api.script(*[httpx.ConnectError("refused") for _ in range(3)])
    async with make_client() as client:
        with pytest.raises(APIConnectionError) as info:
            await client.signature_profiles.list()
    assert not isinstance(info.value, APITimeoutError)
    assert "GET /v3/applications/" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


async def test_each_attempt_is_bounded_on_in_process_transports(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(5)
        return ok()

    api.handler = slow
    async with make_client(timeout=0.05, max_retries=1) as client:
        with anyio.fail_after(3):
            with pytest.raises(APITimeoutError):
                await client.signature_profiles.list()
    assert len(api.requests) == 2  # a GET that timed out is retried once


async def test_post_not_resent_after_attempt_timeout(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(5)
        return ok()

    api.handler = slow
    async with make_client(timeout=0.05) as client:
        with pytest.raises(APITimeoutError):
            await client._request(CREATE, json={})
    assert len(api.requests) == 1


async def test_deadline_stops_retrying(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    monkeypatch: pytest.MonkeyPatch,
    virtual_clock: VirtualClock,
) -> None:
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, index: 0.2)
    api.script(*[httpx.Response(503) for _ in range(20)])
    async with virtual_clock.install(make_client(max_retries=10, deadline=0.5)) as client:
        with pytest.raises(InternalServerError):
            await client.signature_profiles.list()
    # attempts at 0.0, 0.2 and 0.4 s; a third wait would end past the 0.5 s deadline
    assert len(api.requests) == 3
    assert virtual_clock.sleeps == [0.2, 0.2]


async def test_a_deadline_already_spent_sends_nothing_more(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    monkeypatch: pytest.MonkeyPatch,
    virtual_clock: VirtualClock,
) -> None:
    def backoff(self: RetryPolicy, index: int) -> float:
        virtual_clock.now += 1.0  # time passes while the attempt fails
        return 0.0

    monkeypatch.setattr(RetryPolicy, "backoff", backoff)
    api.script(*[httpx.Response(503) for _ in range(20)])
    async with virtual_clock.install(make_client(max_retries=10, deadline=0.5)) as client:
        with pytest.raises(APITimeoutError, match="deadline"):
            await client.signature_profiles.list()
    assert len(api.requests) == 1


async def test_deadline_bounds_a_slow_attempt(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(5)
        return ok()

    api.handler = slow
    async with make_client(timeout=30) as client:
        quick = client.with_options(deadline=0.1)
        with anyio.fail_after(3):
            with pytest.raises(APITimeoutError, match="deadline"):
                await quick.signature_profiles.list()


class _SlowSocketTransport(httpx.AsyncHTTPTransport):
    """Looks like a socket transport (httpx enforces its timeouts) but answers slowly."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert request.extensions["timeout"]["read"] == 0.05  # what httpcore would enforce
        await request.aread()
        await anyio.sleep(0.3)
        return httpx.Response(200, json={"documentId": "d1"})


async def test_over_a_socket_uploads_keep_per_phase_timeouts_and_json_calls_a_whole_bound(
    no_backoff: list[int],
) -> None:
    """Over a socket an upload gets no whole-attempt bound (its time grows with its size):
    httpx's per-phase timeouts apply. A JSON call's attempt is bounded as a whole by the read
    timeout (a trickling server cannot stretch it), and a ``deadline`` bounds any call."""
    from ignisign_async import AsyncIgnisign as Client
    from tests.conftest import APP_ENV, APP_ID, SECRET

    upload = Route("POST", "/v3/documents/{documentId}/file")
    client = Client(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        transport=_SlowSocketTransport(),
        timeout=0.05,
        max_retries=0,
        _tokens=lambda fetch: _StaticTokens(),
    )
    async with client:
        await client._request(upload, "d1", body=lambda: ({}, b"x" * 10))
        with pytest.raises(APITimeoutError, match="timed out"):
            await client._request(CREATE, json={})
        with pytest.raises(APITimeoutError, match="deadline"):
            await client.with_options(deadline=0.1)._request(upload, "d1", body=lambda: ({}, b"x"))


class _StaticTokens(TokenManager):
    """Always the same token, never fetched."""

    def __init__(self) -> None:
        super().__init__(self._never)

    async def _never(self) -> str:
        raise AssertionError("no token fetch expected")

    async def get(self) -> str:
        return "t"
