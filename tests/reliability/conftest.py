"""Fixtures of the reliability tests: the emulator on a real socket, clients wired to it, figures.

``served(fake)`` runs a :class:`FakeIgnisign` under uvicorn on ``127.0.0.1`` (a free port, a
background thread) and gives its base URL; ``connect(fake, where)`` builds a client on the
emulator either in-process or over that socket. Every request such a client sends carries the
current operation's tag (``X-Reliability-Op``, from a context variable), which the emulator records:
that is how the campaign knows which attempts each operation made.

Tests marked ``slow`` (the full fault campaigns) run only when asked for with ``-m slow``
(``nox -s reliability``); the figures of every campaign are printed in the terminal summary.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import pathlib
import random
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any, Final, Literal

import httpx
import pytest
import uvicorn

from ignisign_async import AsyncIgnisign
from ignisign_async._backends import backend_transport
from ignisign_async._retry import RetryPolicy
from ignisign_async.testing import FakeIgnisign

Where = Literal["in-process", "socket", "socket-aiohttp"]
OP_HEADER: Final = "x-reliability-op"
IN_PROCESS_URL: Final = "https://fake.ignisign.invalid"
DEFAULT_TIMEOUT: Final = httpx.Timeout(5.0)

current_op: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_op", default=None)
"""The tag of the operation the current task runs (copied into every request it sends)."""

FIGURES: list[str] = []
"""Lines printed in the terminal summary (campaign figures)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect this folder's ``slow`` tests unless the ``-m`` expression names them."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    here = pathlib.Path(__file__).parent
    slow = [i for i in items if i.get_closest_marker("slow") and here in i.path.parents]
    if slow:
        chosen = set(slow)
        items[:] = [item for item in items if item not in chosen]
        config.hook.pytest_deselected(items=slow)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@contextlib.contextmanager
def served(fake: FakeIgnisign) -> Iterator[str]:
    """Serve ``fake.app`` with uvicorn on 127.0.0.1 (free port) in a thread; yield its URL."""
    with served_app(fake.app) as url:
        yield url


@contextlib.contextmanager
def served_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (free port) in a thread; yield its URL."""
    # IPPROTO_TCP: asyncio disables Nagle only on sockets that say they are TCP (else ~40 ms of
    # delayed ACK per answer on a kept-alive connection).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="critical", lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        started = threading.Event()
        for _ in range(1000):
            if server.started:
                break
            started.wait(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        server.force_exit = True  # answers an injected delay still holds are not waited for
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def emulator_url(fake: FakeIgnisign, where: Where) -> Iterator[str | None]:
    """``None`` (in-process) or the URL of ``fake`` served on a socket for the block."""
    if where == "in-process":
        yield None
    else:
        with served(fake) as url:
            yield url


async def _tag(request: httpx.Request) -> None:
    op = current_op.get()
    if op is not None:
        request.headers[OP_HEADER] = op


def http_client(
    fake: FakeIgnisign,
    base_url: str | None,
    *,
    timeout: httpx.Timeout,
    max_connections: int = 100,
    http_backend: str = "httpx",
) -> httpx.AsyncClient:
    """The httpx client a test hands to the SDK: in-process (``base_url`` None) or a socket."""
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=None)
    hooks: dict[str, list[Any]] = {"request": [_tag]}
    if base_url is None:
        return httpx.AsyncClient(
            transport=fake.transport, timeout=timeout, limits=limits, event_hooks=hooks
        )
    transport = backend_transport(http_backend, limits)
    return httpx.AsyncClient(transport=transport, timeout=timeout, limits=limits, event_hooks=hooks)


def backend_of(where: Where) -> str:
    """The ``http_backend`` of a socket ``where`` (``socket-aiohttp``: aiohttp, else httpx)."""
    return "aiohttp" if where == "socket-aiohttp" else "httpx"


@contextlib.asynccontextmanager
async def connect(
    fake: FakeIgnisign,
    base_url: str | None,
    *,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    max_connections: int = 100,
    http_backend: str = "httpx",
    **options: Any,
) -> AsyncIterator[AsyncIgnisign]:
    """An ``AsyncIgnisign`` on ``fake``: in-process when ``base_url`` is None, else over HTTP
    (through the pool of ``http_backend``)."""
    async with http_client(
        fake,
        base_url,
        timeout=timeout,
        max_connections=max_connections,
        http_backend=http_backend,
    ) as http:
        client = AsyncIgnisign(
            app_id=fake.app_id,
            app_env=fake.app_env,
            secret=fake.secret,
            base_url=base_url or IN_PROCESS_URL,
            http_client=http,
            timeout=timeout,
            **options,
        )
        async with client:
            yield client


@pytest.fixture(params=["in-process", "socket", "socket-aiohttp"])
def where(request: pytest.FixtureRequest) -> Where:
    """Where the emulator runs: in the test's process, or behind uvicorn on a socket (reached
    through httpx's pool, or aiohttp's: ``socket-aiohttp``, asyncio only)."""
    value: Where = request.param
    return value


@pytest.fixture
def quiet_uvicorn() -> Iterator[None]:
    """uvicorn logs the disconnects the emulator injects on purpose; they are no error."""
    logger = logging.getLogger("uvicorn.error")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@pytest.fixture
def small_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the jitter, shrink the scale: a campaign retries hundreds of times."""

    def backoff(self: RetryPolicy, retry_index: int) -> float:
        return random.uniform(0.0, min(0.05, 0.005 * 2.0**retry_index))

    monkeypatch.setattr(RetryPolicy, "backoff", backoff)
