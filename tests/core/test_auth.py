"""Authentication: one token for many calls, refresh before expiry, 401 recovery."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import anyio
import httpx
import pytest

from ignisign_async import APIResponseValidationError, AsyncIgnisign, AuthenticationError
from ignisign_async._auth import TokenManager, jwt_expiry
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

from .conftest import PROFILE, ScriptedAPI


def test_jwt_expiry_reads_base64url_without_padding() -> None:
    for exp in (
        1_700_000_000,
        1_700_000_001,
        1_700_000_012,
    ):  # payload lengths vary: padding varies
        assert jwt_expiry(make_jwt(exp=exp)) == float(exp)


@pytest.mark.parametrize("token", ["abc", "a.b", "a.!!!.c", "a.eyJmb28iOjF9.c", "a.WzFd.c"])
def test_jwt_without_readable_exp(token: str) -> None:
    assert jwt_expiry(token) is None


async def test_unreadable_exp_is_short_lived_not_eternal() -> None:
    now = [1000.0]
    fetched: list[str] = []

    async def fetch() -> str:
        fetched.append("t")
        return "opaque-token"

    manager = TokenManager(fetch, clock=lambda: now[0])
    await manager.get()
    now[0] += 30
    await manager.get()
    assert len(fetched) == 1
    now[0] += 3600
    await manager.get()
    assert len(fetched) == 2


async def test_auth_request_shape(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async with make_client() as client:
        await client.signature_profiles.list()
    (auth,) = api.auth_requests
    assert auth.method == "POST"
    assert auth.url.path == "/v3/auth/app-api"
    assert json.loads(auth.content) == {"appId": APP_ID, "appEnv": APP_ENV, "secret": SECRET}
    assert "authorization" not in auth.headers
    assert api.requests[0].headers["authorization"] == f"Bearer {api.tokens[0]}"


async def test_one_auth_for_100_concurrent_calls_on_cold_client(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async def slow_auth(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.05)
        return httpx.Response(200, json={"jwtToken": make_jwt()})

    api.auth_handler = slow_auth
    async with make_client() as client, anyio.create_task_group() as tg:
        for _ in range(100):
            tg.start_soon(client.signature_profiles.list)
    assert len(api.auth_requests) == 1
    assert len(api.requests) == 100


async def test_refresh_shortly_before_expiry(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    now = [time.time()]
    api.token_lifetime = 3600
    client = make_client(_tokens=lambda fetch: TokenManager(fetch, clock=lambda: now[0]))
    async with client:
        await client.signature_profiles.list()
        exp = jwt_expiry(api.tokens[0])
        assert exp is not None
        now[0] = exp - 61  # 61 s of life left: outside the 60 s margin, the token is kept
        await client.signature_profiles.list()
        assert len(api.auth_requests) == 1
        now[0] = exp - 30  # 30 s of life left: less than the 60 s margin, renewed first
        await client.signature_profiles.list()
    assert len(api.auth_requests) == 2
    assert api.requests[-1].headers["authorization"] == f"Bearer {api.tokens[1]}"


async def test_short_lived_tokens_are_not_renewed_on_every_call(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.token_lifetime = 20  # shorter than the 60 s margin: margin shrinks to a quarter
    async with make_client() as client:
        for _ in range(5):
            await client.signature_profiles.list()
    assert len(api.auth_requests) == 1


async def test_401_drops_token_reauths_and_replays_once(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.script(
        httpx.Response(401, json={"code": "OUTDATED_AUTH_JWT_TOKEN", "message": "expired"}),
        httpx.Response(200, json=[PROFILE]),
    )
    async with make_client() as client:
        profiles = await client.signature_profiles.list()
    assert profiles[0].name == "Simple by side"
    assert len(api.auth_requests) == 2
    first, second = api.requests
    assert first.headers["authorization"] == f"Bearer {api.tokens[0]}"
    assert second.headers["authorization"] == f"Bearer {api.tokens[1]}"


async def test_second_401_raises_authentication_error(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], no_backoff: list[int]
) -> None:
    body = {"code": "INVALID_AUTH_JWT_TOKEN", "message": "bad token", "status": 401}
    api.script(httpx.Response(401, json=body), httpx.Response(401, json=body))
    async with make_client() as client:
        with pytest.raises(AuthenticationError) as info:
            await client.signature_profiles.list()
    assert info.value.code == "INVALID_AUTH_JWT_TOKEN"
    assert len(api.requests) == 2
    assert len(api.auth_requests) == 2
    assert no_backoff == []


async def test_401_for_an_old_token_does_not_drop_a_newer_one() -> None:
    tokens = iter(["t1", "t2", "t3"])

    async def fetch() -> str:
        return next(tokens)

    manager = TokenManager(fetch)
    old = await manager.get()
    manager.invalidate(old)
    new = await manager.get()
    manager.invalidate(old)  # a late 401 for t1
    assert await manager.get() == new == "t2"


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "AUTHENTICATION_FAILED"), (404, "APP_NOT_FOUND"), (400, "API_AUTH_BAD_REQUEST")],
)
async def test_failed_auth_raises_with_server_code_and_is_not_looped(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], status: int, code: str
) -> None:
    api.auth_handler = lambda request: httpx.Response(
        status, json={"code": code, "message": f"refused {SECRET}", "status": status}
    )
    async with make_client() as client:
        with pytest.raises(AuthenticationError) as info:
            await client.signature_profiles.list()
        with pytest.raises(AuthenticationError):
            await client.signature_profiles.list()
    assert info.value.code == code
    assert info.value.status_code == status
    assert SECRET not in str(info.value)
    assert len(api.auth_requests) == 2  # one per call: never retried in a loop
    assert api.requests == []


async def test_auth_answer_without_token(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.auth_handler = lambda request: httpx.Response(200, json={"token": "x"})
    async with make_client() as client:
        with pytest.raises(APIResponseValidationError, match="jwtToken"):
            await client.signature_profiles.list()


class _CountingTransport(httpx.AsyncBaseTransport):
    """Passes requests on, counting the statuses of the answers; an auth answer takes
    ``auth_transit`` seconds of the virtual clock to arrive."""

    def __init__(self, inner: httpx.AsyncBaseTransport, now: list[float], auth_transit: float):
        self.inner = inner
        self.now = now
        self.auth_transit = auth_transit
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        if request.url.path == "/v3/auth/app-api":
            self.now[0] += self.auth_transit
        return response


async def test_a_short_lived_token_is_renewed_before_the_server_refuses_it() -> None:
    """Several lifetimes of a 5-minute token, a call every 3 s: never a 401 on the wire.

    Each token reaches the client 5 s after it was issued (a slow answer); without the refresh
    margin the client would use it until 5 s past its expiry, and the server would refuse it
    (the 401 replay would then hide that from the caller).
    """
    from ignisign_async.testing import FakeIgnisign

    now = [1_700_000_000.0]
    fake = FakeIgnisign(token_lifetime=300, clock=lambda: now[0])
    counting = _CountingTransport(fake.transport, now, auth_transit=5)
    client = AsyncIgnisign(
        app_id=fake.app_id,
        app_env=fake.app_env,
        secret=fake.secret,
        base_url="https://fake.ignisign.invalid",
        transport=counting,
        _tokens=lambda fetch: TokenManager(fetch, clock=lambda: now[0]),
    )
    async with client:
        for _ in range(4 * 100):
            await client.signature_profiles.list()
            now[0] += 3
    assert 401 not in counting.statuses
    assert 4 <= fake.auth_requests <= 6  # about one token per lifetime
