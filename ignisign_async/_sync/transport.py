"""The facade's I/O through httpx's blocking transports, under the async core.

A private loop of the sync facade runs one call at a time in its thread, so the async core can do
its I/O through a blocking transport there: nothing else waits on that loop. :class:`SyncBridge`
is an ``httpx.AsyncBaseTransport`` that sends each request through an ``httpx.BaseTransport`` or
a caller's ``httpx.Client`` (``client.send(request, stream=True)``: its proxies, certificates,
event hooks, auth and mounts apply) and hands the response body over chunk by chunk, read
blockingly as the core asks for it (downloads stay in constant memory).

The bridge holds nothing bound to an event loop (``loop_free``): each thread's loop may use it.
By default the facade gives every thread a bridge over its own ``httpx.HTTPTransport`` (or, when
the environment names proxies, its own ``httpx.Client``, which applies them: the environment is
trusted as ``AsyncIgnisign`` trusts it), closed with the client. A caller's transport or client
is shared by every thread (httpx's sync pools are thread-safe) and never closed by the SDK.

A request body that is an async stream (a streamed upload) cannot be read by a blocking send in
the loop's own thread (it would wait for the loop it blocks): such a request is sent from a worker
thread, which pulls each chunk from the loop as the transport writes it (constant memory).
"""

from __future__ import annotations

import functools
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Final, TypeGuard, cast, final

import anyio.from_thread
import anyio.to_thread
import httpx

from .._backends import resolve_http_backend
from .loops import Release
from .runtime import SyncRuntime, TokenFactory, loop_free_transport

if TYPE_CHECKING:
    from .._client import AsyncIgnisign

__all__ = ["SyncBridge", "TwinFactory", "runtime_for", "sync_bridge"]


class _Body(httpx.AsyncByteStream):
    """A response body read blockingly, as raw chunks, when the core iterates it."""

    __slots__ = ("_response",)

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._response.stream
        assert isinstance(stream, httpx.SyncByteStream)
        for chunk in stream:
            yield chunk

    async def aclose(self) -> None:
        self._response.close()


async def _next_chunk(chunks: AsyncIterator[bytes]) -> bytes | None:
    try:
        return await chunks.__anext__()
    except StopAsyncIteration:
        return None


class _PulledBody(httpx.SyncByteStream):
    """An async request body, read from a worker thread one chunk at a time on its loop."""

    __slots__ = ("_chunks",)

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._chunks = stream.__aiter__()

    def __iter__(self) -> Iterator[bytes]:
        while (chunk := anyio.from_thread.run(_next_chunk, self._chunks)) is not None:
            yield chunk


@final
class SyncBridge(httpx.AsyncHTTPTransport):
    """An async transport doing its I/O through a blocking ``send`` in the calling thread.

    It is an ``httpx.AsyncHTTPTransport`` for what that promises the core: httpx's timeouts are
    enforced below it (by the blocking transport, on every socket operation), so the SDK adds no
    bound of its own to an attempt, which it could not apply to a blocking call anyway. It opens
    no pool of its own.
    """

    loop_free: Final = True
    """Usable from several event loops: it holds nothing bound to one (see :mod:`.runtime`)."""

    __slots__ = ("_close", "_name", "_send")

    def __init__(  # no super().__init__(): the blocking transport holds the pool
        self,
        send: Callable[[httpx.Request], httpx.Response],
        *,
        close: Callable[[], None] | None,
        name: str,
    ) -> None:
        self._send = send
        self._close = close
        self._name = name

    def __repr__(self) -> str:
        return f"<SyncBridge over {self._name}>"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if isinstance(request.stream, httpx.SyncByteStream):  # bytes: the usual case
            response = self._send(request)
        else:  # a streamed upload: the loop must stay free to produce its chunks
            request.stream = _PulledBody(request.stream)
            response = await anyio.to_thread.run_sync(self._send, request)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Body(response),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        if self._close is not None:
            self._close()

    async def __aenter__(self) -> SyncBridge:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


def _client_send(client: httpx.Client) -> Callable[[httpx.Request], httpx.Response]:
    defaults = client.headers

    def send(request: httpx.Request) -> httpx.Response:
        headers = request.headers
        for name, value in defaults.multi_items():  # the client's own headers, unless set
            if name not in headers:
                headers[name] = value
        # never follow a redirect: it would re-send the body (the app secret) to another host
        return client.send(request, stream=True, follow_redirects=False)

    return send


def sync_bridge(
    transport: httpx.BaseTransport | None = None, http_client: httpx.Client | None = None
) -> SyncBridge:
    """A bridge over the caller's ``transport`` or ``http_client`` (left open), else over a new
    ``httpx.Client`` of its own (closed with the bridge)."""
    if transport is not None:
        return SyncBridge(transport.handle_request, close=None, name=repr(transport))
    if http_client is not None:
        return SyncBridge(_client_send(http_client), close=None, name="the caller's httpx.Client")
    if urllib.request.getproxies():  # the environment names proxies: httpx.Client applies them
        own = httpx.Client(trust_env=True, follow_redirects=False)
        send = functools.partial(own.send, stream=True, follow_redirects=False)
        return SyncBridge(send, close=own.close, name="its own httpx.Client")
    pool = httpx.HTTPTransport(trust_env=True)  # else the transport alone: the core's client
    return SyncBridge(pool.handle_request, close=pool.close, name="its own httpx.HTTPTransport")


TwinFactory = Callable[
    ["httpx.AsyncBaseTransport | None", "httpx.AsyncClient | None", "str | None", TokenFactory],
    "AsyncIgnisign",
]
"""Builds one loop's async client from a transport or client (or a backend for its own pool)
and a token source factory."""


def runtime_for(
    factory: TwinFactory,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    http_client: httpx.Client | httpx.AsyncClient | None,
    http_backend: str | None = None,
) -> SyncRuntime:
    """The runtime of a sync client built with these arguments.

    Nothing given: each thread's client on a bridge over its own pool (a forked child opens its
    own). A blocking transport or ``httpx.Client``: one bridge over it, shared by every thread's
    loop (refused in a forked child: it holds the parent's connections). An async transport or
    client: as ``AsyncIgnisign`` takes it, run in place only when it is loop-free. The
    ``aiohttp`` backend (argument or ``IGNISIGN_HTTP_BACKEND``): each thread's loop its own pool.
    """
    own = transport is None and http_client is None
    if resolve_http_backend(http_backend, own_pool=own) == "aiohttp":
        return SyncRuntime(
            lambda tokens: (factory(None, None, "aiohttp", tokens), None),
            per_thread=True,
            fork_safe=True,
        )
    if own:
        return SyncRuntime(
            lambda tokens: _on_bridge(factory, sync_bridge(), tokens),
            per_thread=True,
            fork_safe=True,
        )
    if _blocking(transport) or isinstance(http_client, httpx.Client):
        if transport is not None and http_client is not None:
            raise ValueError("pass transport or http_client, not both")
        sync_client = http_client if isinstance(http_client, httpx.Client) else None
        bridge = sync_bridge(transport if _blocking(transport) else None, sync_client)
        return SyncRuntime(
            lambda tokens: _on_bridge(factory, bridge, tokens), per_thread=True, fork_safe=False
        )
    async_transport = cast("httpx.AsyncBaseTransport | None", transport)
    async_client = http_client
    in_place = loop_free_transport(async_transport, async_client)
    return SyncRuntime(
        lambda tokens: (factory(async_transport, async_client, None, tokens), None),
        per_thread=in_place,
        fork_safe=in_place,
    )


def _on_bridge(
    factory: TwinFactory, bridge: SyncBridge, tokens: TokenFactory
) -> tuple[AsyncIgnisign, Release | None]:
    """A loop's client on ``bridge``, given as its transport: the core sends each request
    straight to it (no ``httpx.AsyncClient.send`` around it) and closes it with the client."""
    return factory(bridge, None, None, tokens), None


def _blocking(transport: object) -> TypeGuard[httpx.BaseTransport]:
    """A sync-only transport (``MockTransport`` is both: its async side is used)."""
    return isinstance(transport, httpx.BaseTransport) and not isinstance(
        transport, httpx.AsyncBaseTransport
    )
