"""A scripted transport for the core's tests: answers auth, records every request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async._retry import RetryPolicy
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

Handler = Callable[[httpx.Request], "httpx.Response | Awaitable[httpx.Response]"]

PROFILES_PATH = f"/v3/applications/{APP_ID}/envs/{APP_ENV}/signature-profiles"

PROFILE: dict[str, Any] = {
    "_id": "65f1a2b3c4d5e6f708192a3b",
    "appId": APP_ID,
    "appEnv": APP_ENV,
    "orgId": "org_1",
    "name": "Simple by side",
    "status": "PUBLISHED",
    "integrationMode": "BY_SIDE",
    "signatureMethodRef": "SIMPLE_STD",
    "idProofings": [],
    "authMethods": ["SIMPLE"],
    "documentTypes": ["PDF", "FILE"],
    "defaultLanguage": "EN",
    "documentRequestActivated": False,
    "languageCanBeChanged": True,
    "statementsEnabled": False,
    "createdByDefault": True,
    "authSessionEnabled": False,
}


class ScriptedAPI:
    """Answers ``POST /v3/auth/app-api`` with fresh JWTs and everything else with ``handler``."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.auth_requests: list[httpx.Request] = []
        self.tokens: list[str] = []
        self.token_lifetime = 3600.0
        self.handler: Handler = lambda request: httpx.Response(200, json=[PROFILE])
        self.auth_handler: Handler | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            self.auth_requests.append(request)
            if self.auth_handler is not None:
                result = self.auth_handler(request)
                return result if isinstance(result, httpx.Response) else await result
            token = make_jwt(lifetime=self.token_lifetime, nonce=len(self.tokens))
            self.tokens.append(token)
            return httpx.Response(200, json={"jwtToken": token})
        self.requests.append(request)
        result = self.handler(request)
        return result if isinstance(result, httpx.Response) else await result

    def script(self, *responses: httpx.Response | BaseException) -> None:
        """Answer the next requests with these, in order (exceptions are raised)."""
        queue = list(responses)

        def handler(request: httpx.Request) -> httpx.Response:
            item = queue.pop(0) if queue else httpx.Response(200, json=[PROFILE])
            if isinstance(item, BaseException):
                raise item
            return item

        self.handler = handler


@pytest.fixture
def api() -> ScriptedAPI:
    return ScriptedAPI()


@pytest.fixture
def make_client(api: ScriptedAPI) -> Callable[..., AsyncIgnisign]:
    def factory(**options: Any) -> AsyncIgnisign:
        options.setdefault("transport", httpx.MockTransport(api))
        return AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, **options)

    return factory


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make backoff instant; returns the list of retry indexes it was asked for."""
    calls: list[int] = []

    def backoff(self: RetryPolicy, retry_index: int) -> float:
        calls.append(retry_index)
        return 0.0

    monkeypatch.setattr(RetryPolicy, "backoff", backoff)
    return calls


class VirtualClock:
    """A monotonic clock that moves only when the SDK sleeps (its backoff), or when told to."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def install(self, client: AsyncIgnisign) -> AsyncIgnisign:
        """Make ``client`` (and its ``with_options`` copies) measure deadlines on this clock."""
        client._shared.clock = self
        client._shared.sleep = self.sleep
        return client


@pytest.fixture
def virtual_clock() -> VirtualClock:
    return VirtualClock()
