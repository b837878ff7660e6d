"""The ``aiohttp`` backend: httpx-aiohttp's transport, its failures classified by what was sent.

The SDK re-sends a non-idempotent call only after a failure that provably happened before any
byte of it left (``httpx.ConnectError``, ``ConnectTimeout``, ``PoolTimeout``). httpx-aiohttp maps
every ``aiohttp.ClientConnectionError`` -- a disconnect after the body was sent included -- to
``httpx.ConnectTimeout``, so its exceptions cannot be trusted for that. Here the pool records how
far each attempt went (still connecting, or a connection handed to the request), and the failure
is raised as the httpx exception of that phase::

    http = httpx.AsyncClient(transport=AiohttpTransport(limits=httpx.Limits()))

aiohttp runs on asyncio only: on Trio a request raises ``RuntimeError`` (and ``AsyncIgnisign``
refuses ``http_backend="aiohttp"`` at construction).
"""

from __future__ import annotations

import asyncio
import enum
import math
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from typing import Any, Final, final

import anyio
import httpx
from anyio.lowlevel import checkpoint_if_cancelled

try:
    import aiohttp
    from httpx_aiohttp import AiohttpTransport as _HttpxAiohttpTransport
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "http_backend='aiohttp' needs the aiohttp extra: pip install 'ignisign-async[aiohttp]'"
    ) from exc

from ._backends import ASYNCIO_ONLY

__all__ = ["AiohttpTransport", "Phase", "classify"]


class Phase(enum.Enum):
    """How far an attempt went before it failed: that decides whether it may be re-sent."""

    CONNECTING = "CONNECTING"
    """Waiting for a pooled connection or opening one: nothing was sent."""
    SENT = "SENT"
    """A connection was handed to the request: from here on the server may receive it."""


@final
class _Attempt:
    """The phase of one attempt, moved forward by the connector."""

    __slots__ = ("phase",)

    def __init__(self) -> None:
        self.phase = Phase.CONNECTING


_CURRENT: ContextVar[_Attempt | None] = ContextVar("ignisign_aiohttp_attempt", default=None)


class _SecondSend(Exception):
    """aiohttp was about to send the request again within one attempt (it re-sends GET, PUT and
    DELETE once after a connection failure): refused, the SDK alone decides what is re-sent."""


class _PhaseConnector(aiohttp.TCPConnector):
    """aiohttp's TCP pool, marking the attempt in flight once it hands a connection over.

    ``connect`` runs in the task that sends the request, so the attempt is the one set by
    :meth:`AiohttpTransport.handle_async_request`. A failure before it returned (pool wait,
    DNS, TCP or TLS handshake) provably sent nothing; any later one may have reached the server.
    """

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:  # noqa: ASYNC109
        attempt = _CURRENT.get()
        if attempt is not None and attempt.phase is Phase.SENT:
            raise _SecondSend
        connection = await super().connect(req, traces, timeout)
        if attempt is not None:
            attempt.phase = Phase.SENT
        return connection


_TIMEOUTS: Final = (asyncio.TimeoutError, TimeoutError)
_NETWORK: Final = (aiohttp.ClientError, OSError, *_TIMEOUTS)


def _aiohttp_cause(exc: BaseException) -> BaseException:
    """The aiohttp (or OS) error behind httpx-aiohttp's mapped one."""
    if isinstance(exc, httpx.TransportError) and exc.__cause__ is not None:
        return exc.__cause__
    return exc


def _callers_error(cause: BaseException) -> BaseException | None:
    """An error raised by the request body itself (e.g. a file that shrank), unwrapped."""
    inner = cause.__cause__
    wrapped = isinstance(cause, aiohttp.ClientConnectionError) and inner is not None
    if wrapped and not isinstance(inner, _NETWORK):
        return inner
    return None


def _sent_error(cause: BaseException) -> type[httpx.TransportError]:
    if isinstance(cause, _TIMEOUTS):
        return httpx.ReadTimeout
    if isinstance(
        cause,
        (aiohttp.ServerDisconnectedError, aiohttp.ClientResponseError, aiohttp.ClientPayloadError),
    ):
        return httpx.RemoteProtocolError
    return httpx.ReadError


def classify(exc: BaseException, phase: Phase) -> BaseException:
    """The httpx exception for an aiohttp failure in ``phase`` (what was sent decides)."""
    cause = _aiohttp_cause(exc)
    callers = _callers_error(cause)
    if callers is not None:
        return callers
    timed_out = isinstance(cause, _TIMEOUTS)
    message = str(cause) or type(cause).__name__
    kind: type[httpx.TransportError]
    if phase is Phase.CONNECTING:
        kind = httpx.ConnectTimeout if timed_out else httpx.ConnectError
    else:
        kind = _sent_error(cause)
    return kind(message)


@final
class _ClassifiedBody(httpx.AsyncByteStream):
    """The answer's body: a failure while reading it is a read-phase error; a cancelled reader
    stops at the next chunk."""

    __slots__ = ("_inner",)

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
                # While data keeps arriving, aiohttp hands each chunk over without the task
                # ever waiting on an unfinished future, and anyio delivers a cancellation only to
                # a task that waits on one: a cancelled reader would read the whole body.
                await checkpoint_if_cancelled()
        except (httpx.TransportError, *_NETWORK) as exc:
            error = classify(exc, Phase.SENT)
            raise error from _aiohttp_cause(exc)

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        except (httpx.TransportError, *_NETWORK) as exc:
            raise classify(exc, Phase.SENT) from _aiohttp_cause(exc)


def _streamed(request: httpx.Request) -> bool:
    try:
        request.content  # noqa: B018 (raises for a body that is not in memory)
    except httpx.RequestNotRead:
        return True
    return False


@final
class _WatchedBody(httpx.AsyncByteStream):
    """A streamed request body: each chunk handed to aiohttp must be written within ``timeout``
    seconds (the scope around the attempt is cancelled otherwise); none applies once the whole
    body is handed over (the read timeout then does)."""

    __slots__ = ("_inner", "_scope", "_timeout")

    def __init__(self, inner: httpx.AsyncByteStream, scope: anyio.CancelScope, timeout: float):
        self._inner = inner
        self._scope = scope
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        scope = self._scope
        async for chunk in self._inner:
            scope.deadline = anyio.current_time() + self._timeout
            yield chunk
        scope.deadline = math.inf

    async def aclose(self) -> None:
        await self._inner.aclose()


def _session_factory(limits: httpx.Limits) -> Callable[[], aiohttp.ClientSession]:
    """Builds the session on the first request (in the running loop), with the phase trace."""
    ssl_context = httpx.create_ssl_context()  # certifi, as httpx's own pool

    def make() -> aiohttp.ClientSession:
        keepalive = limits.keepalive_expiry
        connector = _PhaseConnector(
            limit=limits.max_connections or 0,
            keepalive_timeout=5.0 if keepalive is None else keepalive,
            ssl=ssl_context,
        )
        # No trust_env: it would read ~/.netrc in a worker thread on every request (and could
        # add an Authorization of its own); proxies come from the SDK (``proxy``).
        return aiohttp.ClientSession(connector=connector, auto_decompress=False)

    return make


@final
class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx-aiohttp's transport, with every aiohttp failure raised as the httpx error of its phase.

    ``limits.max_connections`` bounds the pool (aiohttp keeps every idle connection alive for
    ``keepalive_expiry`` seconds); httpx's connect, pool and read timeouts are enforced by aiohttp.
    A streamed request body gets httpx's write timeout per chunk (aiohttp has none of its own).
    ``proxy``: an HTTP proxy for every request.
    """

    def __init__(self, *, limits: httpx.Limits, proxy: httpx.Proxy | None = None) -> None:
        self._inner = _HttpxAiohttpTransport(
            limits=limits, proxy=proxy, client=_session_factory(limits)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(ASYNCIO_ONLY) from None
        attempt = _Attempt()
        token = _CURRENT.set(attempt)
        write = request.extensions.get("timeout", {}).get("write")
        try:
            if write is None or not _streamed(request):
                response = await self._inner.handle_async_request(request)
            else:
                response = await self._send_watched(request, write)
        except httpx.WriteTimeout:  # ours (httpx-aiohttp raises none)
            raise
        except (httpx.TransportError, *_NETWORK) as exc:
            raise classify(exc, attempt.phase) from _aiohttp_cause(exc)
        except _SecondSend:
            raise httpx.ReadError("The connection failed after the request was sent") from None
        finally:
            _CURRENT.reset(token)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _ClassifiedBody(response.stream)
        return response

    async def _send_watched(self, request: httpx.Request, write: float) -> httpx.Response:
        """Send a streamed body under httpx's write timeout (aiohttp has none of its own)."""
        assert isinstance(request.stream, httpx.AsyncByteStream)
        with anyio.CancelScope() as scope:
            request.stream = _WatchedBody(request.stream, scope, write)
            return await self._inner.handle_async_request(request)
        raise httpx.WriteTimeout("Timed out writing the request body")

    async def aclose(self) -> None:
        await self._inner.aclose()
