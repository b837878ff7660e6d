"""Shared fixtures: every async test runs on asyncio and on Trio (anyio's pytest plugin)."""

from __future__ import annotations

import base64
import inspect
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


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    """Mark every ``async def`` test for anyio, so it runs on asyncio and on Trio.

    Runs before anyio's own hook, which then requests the ``anyio_backend`` fixture.
    """
    if (
        isinstance(collector, (pytest.Module, pytest.Class))
        and collector.funcnamefilter(name)
        and inspect.iscoroutinefunction(obj)
    ):
        pytest.mark.anyio(obj)


@pytest.fixture(params=["httpx", "aiohttp"])
def http_backend(request: pytest.FixtureRequest) -> str:
    """The transport a test's client runs on (``aiohttp`` runs on asyncio only)."""
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the Trio runs of ``http_backend="aiohttp"`` (and of the reliability tests'
    ``where="socket-aiohttp"``): aiohttp has no Trio support."""
    dropped = []
    for item in items:
        params = getattr(item, "callspec", None)
        params = params.params if params is not None else {}
        on_aiohttp = (
            params.get("http_backend") == "aiohttp" or params.get("where") == "socket-aiohttp"
        )
        if on_aiohttp and params.get("anyio_backend") == "trio":
            dropped.append(item)
    if dropped:
        chosen = set(dropped)
        items[:] = [item for item in items if item not in chosen]
        config.hook.pytest_deselected(items=dropped)
