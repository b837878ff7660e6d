"""A fake of the API whose answers are streamed chunk by chunk, and which records every request.

``api.serve(method, path, answer)`` queues one answer; :func:`streamed` builds a body that is
sent in chunks and can be cut short, fail midway or stall, and that records being closed::

    api.serve("GET", f"{D}/signature-proof", streamed(PAYLOAD, headers={"content-type": ...}))
    result = await client.proofs.download_signature_proof("doc1", tmp_path / "proof.pdf")
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import attrs
import httpx
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async._retry import RetryPolicy
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

DOC = "65f1a2b3c4d5e6f708192a3b"
SIG = "65f1a2b3c4d5e6f708192a3c"
D = f"/v3/documents/{DOC}"
PAYLOAD = os.urandom(3 * (1 << 20) + 12345)
"""A few MiB, not a multiple of any chunk or batch size."""

DOCUMENT_JSON: dict[str, Any] = {
    "_id": DOC,
    "appId": APP_ID,
    "appEnv": APP_ENV,
    "status": "PROVIDED",
    "signatureRequestId": "65f1a2b3c4d5e6f708192a30",
    "documentNature": "PDF",
    "fileName": "contract.pdf",
}

Answer = Callable[[httpx.Request], httpx.Response]


def files(folder: pathlib.Path) -> list[str]:
    """The names in ``folder`` (a temporary file left behind would show here)."""
    return sorted(path.name for path in folder.iterdir())


class Body(httpx.AsyncByteStream):
    """A response body sent in ``chunk``-sized pieces; knows whether it was closed.

    ``stop_at``: end quietly after that many bytes (a truncated body); ``fail_at``: raise a
    ``ReadError`` there; ``stall_at``: wait forever there.
    """

    def __init__(
        self,
        data: bytes,
        *,
        chunk: int = 65536,
        stop_at: int | None = None,
        fail_at: int | None = None,
        stall_at: int | None = None,
    ) -> None:
        self.data = data
        self.chunk = chunk
        self.stop_at = stop_at
        self.fail_at = fail_at
        self.stall_at = stall_at
        self.sent = 0
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        end = len(self.data) if self.stop_at is None else self.stop_at
        while self.sent < end:
            if self.fail_at is not None and self.sent >= self.fail_at:
                raise httpx.ReadError("connection reset by peer")
            if self.stall_at is not None and self.sent >= self.stall_at:
                await anyio.sleep_forever()
            piece = self.data[self.sent : min(self.sent + self.chunk, end)]
            self.sent += len(piece)
            await anyio.lowlevel.checkpoint()
            yield piece

    async def aclose(self) -> None:
        self.closed = True


def streamed(
    data: bytes = PAYLOAD,
    *,
    headers: dict[str, str] | None = None,
    length: bool = True,
    status: int = 200,
    **body_options: int,
) -> tuple[Answer, list[Body]]:
    """An answer streaming ``data`` (with its ``Content-Length`` unless ``length=False``), and the
    list of bodies it handed out (one per request it answered)."""
    bodies: list[Body] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = Body(data, **body_options)
        bodies.append(body)
        sent_headers = dict(headers or {})
        if length:
            sent_headers["content-length"] = str(len(data))
        return httpx.Response(status, headers=sent_headers, stream=body)

    return answer, bodies


def error(status: int, code: str = "ERROR") -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"status": status, "code": code, "message": code})

    return answer


@attrs.frozen
class Received:
    """One request as the server received it; ``chunks`` are the body's pieces as they came."""

    method: str
    path: str
    query: str
    headers: httpx.Headers
    chunks: tuple[bytes, ...]

    @property
    def content(self) -> bytes:
        return b"".join(self.chunks)


class StreamApi(httpx.AsyncBaseTransport):
    """A transport answering what was queued per (method, path); it records every request but
    authentication, with the request body's chunks as the client streamed them."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], list[Answer]] = {}
        self.received: list[Received] = []
        self.auth_calls = 0

    def serve(self, method: str, path: str, answer: Answer) -> None:
        """Queue ``answer`` for ``method path``; the last one queued keeps answering."""
        self.answers.setdefault((method, path), []).append(answer)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.received]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raw_path = request.url.raw_path.decode("ascii")
        path, _, query = raw_path.partition("?")
        chunks = [chunk async for chunk in request.stream]  # type: ignore[union-attr]
        if path == "/v3/auth/app-api":
            self.auth_calls += 1
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        self.received.append(Received(request.method, path, query, request.headers, tuple(chunks)))
        queue = self.answers.get((request.method, path))
        if not queue:
            return httpx.Response(404, json={"code": "NOT_FOUND", "message": path})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request)


@pytest.fixture
def api() -> StreamApi:
    return StreamApi()


def make_client(api: StreamApi, **options: Any) -> AsyncIgnisign:
    options.setdefault("max_retries", 2)
    return AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=api, **options)


@pytest.fixture
async def client(api: StreamApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncIgnisign]:
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, retry_index: 0.0)
    async with make_client(api) as client:
        yield client
