"""Shared fixtures: every async test runs on asyncio and on Trio (anyio's pytest plugin)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import pytest

APP_ID = "appId_1111-2222-3333-4444-5555"
APP_ENV = "DEVELOPMENT"
SECRET = "sk_development_SECRET-abcd-efgh-ijkl-mnop"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_jwt(exp: float | None = None, *, lifetime: float = 3600.0, nonce: int = 0) -> str:
    """A three-segment JWT whose payload carries ``exp`` (unsigned: only exp is ever read)."""

    def seg(obj: object) -> str:
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    claims: dict[str, object] = {"n": nonce}
    if exp is not None or lifetime is not None:
        claims["exp"] = int(exp if exp is not None else time.time() + lifetime)
    return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def jwt_factory() -> Callable[..., str]:
    return make_jwt


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every ``async def`` test under anyio, hence on asyncio and on Trio."""
    import inspect

    for item in items:
        func = getattr(item, "function", None)
        if func is not None and inspect.iscoroutinefunction(func):
            item.add_marker(pytest.mark.anyio)
