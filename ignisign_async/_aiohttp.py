"""The ``aiohttp`` backend: httpx-aiohttp's transport, its failures classified by what was sent.

The SDK re-sends a non-idempotent call only after a failure that provably happened before any
byte of it left (``httpx.ConnectError``, ``ConnectTimeout``, ``PoolTimeout``). httpx-aiohttp maps
every ``aiohttp.ClientConnectionError`` -- a disconnect after the body was sent included -- to
``httpx.ConnectTimeout``, so its exceptions cannot be trusted for that. Here an aiohttp trace
records how far each attempt went (waiting for a pooled connection, connecting, request handed to
the socket), and the failure is raised as the httpx exception of that phase::

    http = httpx.AsyncClient(transport=AiohttpTransport(limits=httpx.Limits()))

aiohttp runs on asyncio only: on Trio a request raises ``RuntimeError`` (and ``AsyncIgnisign``
refuses ``http_backend="aiohttp"`` at construction).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any, Final, final

import httpx

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
    """Opening a connection (or about to take a pooled one): nothing was sent."""
    QUEUED = "QUEUED"
    """Waiting for a free connection of the pool: nothing was sent."""
    SENT = "SENT"
    """The request line and headers were handed to the socket: the server may have it."""


@final
class _Attempt:
    """The phase of one attempt, moved forward by the trace hooks."""

    __slots__ = ("phase",)

    def __init__(self) -> None:
        self.phase = Phase.CONNECTING


_CURRENT: ContextVar[_Attempt | None] = ContextVar("ignisign_aiohttp_attempt", default=None)


class _TraceContext(SimpleNamespace):
    """aiohttp builds one per request, in the task that sends it: it picks up that attempt."""

    def __init__(self, trace_request_ctx: object = None) -> None:
        super().__init__(attempt=_CURRENT.get())


def _mover(phase: Phase) -> Callable[..., Any]:
    async def hook(session: object, context: SimpleNamespace, params: object) -> None:
        attempt = context.attempt
        if attempt is not None and attempt.phase is not Phase.SENT:
            attempt.phase = phase

    return hook


class _SecondSend(Exception):
    """aiohttp was about to send the request again within one attempt (it re-sends GET, PUT and
    DELETE once after a connection failure): refused, the SDK alone decides what is re-sent."""


async def _on_headers_sent(session: object, context: SimpleNamespace, params: object) -> None:
    # aiohttp calls this just before the headers are buffered for the socket, never after a
    # byte of them left: an attempt that fails in an earlier phase provably sent nothing.
    attempt = context.attempt
    if attempt is None:
        return
    if attempt.phase is Phase.SENT:
        raise _SecondSend
    attempt.phase = Phase.SENT


def _trace() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig(trace_config_ctx_factory=_TraceContext)
    trace.on_connection_queued_start.append(_mover(Phase.QUEUED))
    trace.on_connection_queued_end.append(_mover(Phase.CONNECTING))
    trace.on_request_headers_sent.append(_on_headers_sent)
    return trace


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
    if phase is Phase.QUEUED:
        kind = httpx.PoolTimeout if timed_out else httpx.ConnectError
    elif phase is Phase.CONNECTING:
        kind = httpx.ConnectTimeout if timed_out else httpx.ConnectError
    else:
        kind = _sent_error(cause)
    return kind(message)


@final
class _ClassifiedBody(httpx.AsyncByteStream):
    """The answer's body: a failure while reading it is a read-phase error."""

    __slots__ = ("_inner",)

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except (httpx.TransportError, *_NETWORK) as exc:
            error = classify(exc, Phase.SENT)
            raise error from _aiohttp_cause(exc)

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        except (httpx.TransportError, *_NETWORK) as exc:
            raise classify(exc, Phase.SENT) from _aiohttp_cause(exc)


def _session_factory(limits: httpx.Limits) -> Callable[[], aiohttp.ClientSession]:
    """Builds the session on the first request (in the running loop), with the phase trace."""
    ssl_context = httpx.create_ssl_context()  # certifi, as httpx's own pool

    def make() -> aiohttp.ClientSession:
        keepalive = limits.keepalive_expiry
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            keepalive_timeout=5.0 if keepalive is None else keepalive,
            ssl=ssl_context,
        )
        return aiohttp.ClientSession(
            connector=connector, trace_configs=[_trace()], trust_env=True, auto_decompress=False
        )

    return make


@final
class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx-aiohttp's transport, with every aiohttp failure raised as the httpx error of its phase.

    ``limits.max_connections`` bounds the pool (aiohttp keeps every idle connection alive for
    ``keepalive_expiry`` seconds); httpx's connect, pool and read timeouts are enforced by aiohttp.
    """

    def __init__(self, *, limits: httpx.Limits) -> None:
        self._inner = _HttpxAiohttpTransport(limits=limits, client=_session_factory(limits))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(ASYNCIO_ONLY) from None
        attempt = _Attempt()
        token = _CURRENT.set(attempt)
        try:
            response = await self._inner.handle_async_request(request)
        except (httpx.TransportError, *_NETWORK) as exc:
            raise classify(exc, attempt.phase) from _aiohttp_cause(exc)
        except _SecondSend:
            raise httpx.ReadError("The connection failed after the request was sent") from None
        finally:
            _CURRENT.reset(token)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_ClassifiedBody(response.stream),
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
