"""``fake.transport``: an httpx transport that hands requests to the emulator in-process.

It calls the pipeline directly rather than going through ``httpx.ASGITransport``, for two
reasons: ``ASGITransport`` collects the whole response body before returning (a 1 GiB proof
would sit in memory), whereas here the body streams chunk by chunk as the client reads it; and
an injected disconnect becomes ``httpx.RemoteProtocolError``, the error a real dropped
connection gives. httpx enforces no timeout on such a transport: the SDK bounds each attempt
itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import httpx

from ._app import Emulator
from ._http import DropConnection, FakeError, Request, Response, error_response

__all__ = ["FakeTransport"]


class _BodyStream(httpx.AsyncByteStream):
    def __init__(self, response: Response) -> None:
        self._iterator: AsyncIterator[bytes] = response.iter_body()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._iterator:
            yield chunk

    async def aclose(self) -> None:
        close = getattr(self._iterator, "aclose", None)
        if close is not None:
            await close()


class FakeTransport(httpx.AsyncBaseTransport):
    """Route httpx requests to an :class:`Emulator`, whatever the URL's host."""

    loop_free = True
    """Holds nothing bound to an event loop: usable from several loops at once (sync facade)."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator

    def __repr__(self) -> str:
        return "<FakeTransport (in-process FakeIgnisign)>"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limit = self._emulator.max_body_size
        body = bytearray()
        async for chunk in request.stream:  # type: ignore[union-attr]
            body += chunk
            if len(body) > limit:
                error = FakeError("BAD_REQUEST", f"The body exceeds {limit} bytes", status=413)
                return _to_httpx(error_response(error, self._emulator.state.clock()))
        raw_path, _, query_string = request.url.raw_path.decode("ascii").partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        headers = {key.lower(): value for key, value in request.headers.items()}
        fake_request = Request(request.method, raw_path, query, headers, bytes(body))
        try:
            response = await self._emulator.handle(fake_request)
        except DropConnection:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        return _to_httpx(response)


def _to_httpx(response: Response) -> httpx.Response:
    return httpx.Response(response.status, headers=response.headers, stream=_BodyStream(response))
