"""Token chaos: short-lived tokens, revoked at random, during a fault campaign.

The user never sees a 401, and the client asks for a token no more than once per expiry or
revocation (plus the first one).
"""

from __future__ import annotations

import time

import anyio
import httpx
import pytest

from ignisign_async import AsyncIgnisign, AuthenticationError
from ignisign_async._auth import TokenManager
from ignisign_async._retry import RetryPolicy
from ignisign_async.testing._jwt import TokenIssuer
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

from ._campaign import Report, Settings, campaign
from .conftest import Where

pytestmark = pytest.mark.usefixtures("quiet_uvicorn", "small_backoff")

LIFETIME = 2.0
"""The emulator's token lifetime; ``exp`` is whole seconds, so a token lives (1 s, 2 s]."""
SHORTEST_REFRESH = 0.75 * (LIFETIME - 1.0)
"""The SDK renews a token when a quarter of its lifetime is left: never sooner than this."""


class TokenLog:
    """When the emulator issued each token and revoked them all (one monotonic clock)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[float, str]] = []
        issue, revoke_all = TokenIssuer.issue, TokenIssuer.revoke_all

        def logged_issue(issuer: TokenIssuer, app_id: str, app_env: str) -> str:
            token = issue(issuer, app_id, app_env)
            self.events.append((time.monotonic(), "issue"))
            return token

        def logged_revoke_all(issuer: TokenIssuer) -> None:
            revoke_all(issuer)
            self.events.append((time.monotonic(), "revoke"))

        monkeypatch.setattr(TokenIssuer, "issue", logged_issue)
        monkeypatch.setattr(TokenIssuer, "revoke_all", logged_revoke_all)

    def needless_fetches(self) -> list[float]:
        """Tokens fetched while the one before was neither revoked nor due for renewal: the
        seconds after the previous token at which each came (none expected)."""
        needless = []
        previous: float | None = None
        revoked = False
        for at, kind in self.events:
            if kind == "revoke":
                revoked = True
                continue
            # 2% slack: the SDK's epoch clock and this monotonic one may drift that much
            if previous is not None and not revoked and at - previous < 0.98 * SHORTEST_REFRESH:
                needless.append(round(at - previous, 3))
            previous, revoked = at, False
        return needless


@pytest.fixture
def token_log(monkeypatch: pytest.MonkeyPatch) -> TokenLog:
    return TokenLog(monkeypatch)


def assert_bounded_auth(report: Report, log: TokenLog) -> None:
    """No 401 reaches the user; every token after the first replaces a revoked or expiring one."""
    assert [o.error for o in report.outcomes if isinstance(o.error, AuthenticationError)] == []
    assert report.revocations >= 3
    issued = sum(kind == "issue" for _, kind in log.events)
    assert issued >= report.auth_fetches >= 2
    assert log.needless_fetches() == []


async def chaos(where: Where, backend: str, settings: Settings) -> Report:
    report = await campaign(where, backend, settings, token_lifetime=LIFETIME)
    assert report.problems == []
    assert (report.duplicates, report.lost) == (0, 0)
    return report


async def test_quick_token_chaos(where: Where, anyio_backend: str, token_log: TokenLog) -> None:
    settings = Settings(seed=31337, operations=100, pace=0.01, revoke_every=(0.1, 0.3))
    report = await chaos(where, anyio_backend, settings)
    assert_bounded_auth(report, token_log)


@pytest.mark.slow
async def test_full_token_chaos(where: Where, anyio_backend: str, token_log: TokenLog) -> None:
    settings = Settings(seed=99, operations=500, pace=0.02, revoke_every=(0.4, 1.2))
    report = await chaos(where, anyio_backend, settings)
    assert_bounded_auth(report, token_log)


def test_the_token_log_finds_a_needless_fetch() -> None:
    log = TokenLog.__new__(TokenLog)
    log.events = [(0.0, "issue"), (0.2, "revoke"), (0.3, "issue"), (0.4, "issue")]
    assert log.needless_fetches() == [0.1]
    log.events = [(0.0, "issue"), (0.8, "issue"), (1.0, "revoke"), (1.1, "issue")]
    assert log.needless_fetches() == []


async def test_a_token_revoked_between_two_attempts_is_replaced_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """401 (revoked) -> replay with a new token -> 503 -> retry: revoked again meanwhile -> 401.

    The second 401 follows a retry, not the replay: it is a new revocation and is recovered from
    like the first (found by the token chaos campaign over a socket).
    """
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, retry_index: 0.0)
    tokens: list[str] = []
    answers = [401, 503, 401, 200]
    seen: list[tuple[int, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            tokens.append(make_jwt(nonce=len(tokens)))
            return httpx.Response(200, json={"jwtToken": tokens[-1]})
        status = answers.pop(0)
        seen.append((status, request.headers["authorization"].removeprefix("Bearer ")))
        if status == 200:
            return httpx.Response(200, json=[])
        return httpx.Response(status, json={"code": "INVALID_AUTH_JWT_TOKEN", "message": "x"})

    transport = httpx.MockTransport(handler)
    async with AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport
    ) as client:
        assert await client.signature_profiles.list() == []
    assert seen == [(401, tokens[0]), (503, tokens[1]), (401, tokens[1]), (200, tokens[2])]


async def test_two_401s_in_a_row_still_raise() -> None:
    """The replay stays single for consecutive 401s: a refused app does not loop."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        return httpx.Response(401, json={"code": "INVALID_AUTH_JWT_TOKEN", "message": "no"})

    transport = httpx.MockTransport(handler)
    async with AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport, max_retries=5
    ) as client:
        with pytest.raises(AuthenticationError):
            await client.signature_profiles.list()
        assert client._auth.auth_count == 2


async def test_a_revocation_that_catches_a_fetch_in_flight_is_recovered_from() -> None:
    """Y renews the expiring T1; T2 is issued, then every token is revoked. X, whose call with
    T1 gets its 401 while Y's fetch is under way, replays with T2 (fetched before that 401) and
    gets a 401 again: the revocation caught T2, so X renews once more instead of giving up."""
    tokens: list[str] = []
    revoked: set[str] = set()
    seen: list[tuple[str, int, str]] = []
    x_sent, fetching, x_replayed = anyio.Event(), anyio.Event(), anyio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            tokens.append(make_jwt(nonce=len(tokens)))
            if len(tokens) == 2:  # Y's renewal: the revocation hits just after issuing T2
                revoked.update(tokens)
                fetching.set()
            return httpx.Response(200, json={"jwtToken": tokens[-1]})
        who = "X" if "signers" in request.url.path else "Y"
        token = request.headers["authorization"].removeprefix("Bearer ")
        if who == "X" and token == tokens[0]:
            x_sent.set()
            await fetching.wait()
        if len(tokens) > 1 and token == tokens[1]:
            if who == "Y":
                await x_replayed.wait()
            else:
                x_replayed.set()
        status = 401 if token in revoked else 200
        seen.append((who, status, token))
        if status == 401:
            return httpx.Response(401, json={"code": "INVALID_AUTH_JWT_TOKEN", "message": "no"})
        page = {"signers": [], "total": 0} if who == "X" else []
        return httpx.Response(200, json=page)

    transport = httpx.MockTransport(handler)
    now = [time.time()]
    async with AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        transport=transport,
        _tokens=lambda fetch: TokenManager(fetch, clock=lambda: now[0]),
    ) as client:
        await client.signature_profiles.list()
        seen.clear()
        async with anyio.create_task_group() as group:
            group.start_soon(client.signers.list)
            await x_sent.wait()
            now[0] += 3590  # T1 is due for renewal: Y renews it
            group.start_soon(client.signature_profiles.list)
    t1, t2, t3 = tokens[:3]
    assert [(status, token) for who, status, token in seen if who == "X"] == [
        (401, t1),
        (401, t2),
        (200, t3),
    ]
    assert [(status, token) for who, status, token in seen if who == "Y"] == [(401, t2), (200, t3)]
    assert len(tokens) == 3
