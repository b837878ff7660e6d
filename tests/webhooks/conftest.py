"""An IgniSign stand-in for webhook tests: authentication and the token-check endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

from .samples import TOKEN

CHECK_PATH = "/v3/tokens/webhook-verification/checking-consumption"


class TokenAPI:
    """Answers auth and token checks; tokens are single use, as on IgniSign."""

    def __init__(self) -> None:
        self.valid: set[str] = {TOKEN}
        self.consumed: set[str] = set()
        self.requests: list[httpx.Request] = []
        self.check_status = 200
        self.jwt = make_jwt()

    @property
    def checks(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == CHECK_PATH]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": self.jwt})
        if request.url.path == CHECK_PATH and request.method == "POST":
            if self.check_status != 200:
                return httpx.Response(
                    self.check_status, json={"message": "down", "code": "INTERNAL_SERVER_ERROR"}
                )
            token = json.loads(request.content)["token"]
            valid = token in self.valid and token not in self.consumed
            self.consumed.add(token)
            return httpx.Response(
                200,
                json={
                    "isValid": valid,
                    "notFound": token not in self.valid,
                    "alreadyConsumed": not valid and token in self.valid,
                    "badTarget": False,
                    "isExpired": False,
                    "badRelatedId": False,
                    "haveBeenConsumed": valid,
                },
            )
        return httpx.Response(404, json={"message": "no route", "code": "NOT_FOUND"})


@pytest.fixture
def api() -> TokenAPI:
    return TokenAPI()


@pytest.fixture
def make_client(api: TokenAPI) -> Callable[..., AsyncIgnisign]:
    def make(**options: object) -> AsyncIgnisign:
        options.setdefault("app_id", APP_ID)
        options.setdefault("app_env", APP_ENV)
        options.setdefault("secret", SECRET)
        return AsyncIgnisign(transport=httpx.MockTransport(api.handle), **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def client(make_client: Callable[..., AsyncIgnisign]) -> AsyncIterator[AsyncIgnisign]:
    async with make_client() as client:
        yield client
