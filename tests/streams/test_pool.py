"""Downloads over real sockets with a pool of one connection: nothing is ever leaked (on the pool
of either ``http_backend``).

A leaked connection would make the next request wait for the pool until its (short) pool
timeout and fail; each test therefore downloads again on the same one-connection pool after the
interrupted download.
"""

from __future__ import annotations

import io
import json
import pathlib
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import anyio
import httpx
import pytest
import uvicorn

from ignisign_async import AsyncIgnisign, DownloadError
from ignisign_async._backends import backend_transport
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

from .conftest import files

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]

MIB = 1 << 20
BLOCK = bytes(range(256)) * 256  # 64 KiB
BIG = 64 * MIB


async def proof_server(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
    """``bench-<n>``: n bytes; ``short-<n>``: announces n bytes, sends half, then returns."""
    if scope["type"] != "http":
        return
    if scope["method"] == "POST":
        body = json.dumps({"jwtToken": make_jwt()}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
        return
    document = scope["path"].split("/")[3]
    kind, _, size_text = document.partition("-")
    size = int(size_text)
    headers = [(b"content-type", b"application/pdf"), (b"content-length", size_text.encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    remaining = size if kind == "bench" else size // 2
    while remaining > 0:
        piece = BLOCK[: min(len(BLOCK), remaining)]
        remaining -= len(piece)
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    if kind == "bench":
        await send({"type": "http.response.body", "body": b""})


def expected(size: int) -> bytes:
    return (BLOCK * (size // len(BLOCK) + 1))[:size]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(proof_server, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
async def client(server_url: str, http_backend: str) -> AsyncIterator[AsyncIgnisign]:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    timeout = httpx.Timeout(10.0, pool=2.0)
    if http_backend == "aiohttp":  # the SDK's aiohttp pool, shrunk to one connection
        options: dict[str, Any] = {"transport": backend_transport("aiohttp", limits)}
    else:
        options = {"http_client": httpx.AsyncClient(limits=limits, timeout=timeout)}
    client = AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        base_url=server_url,
        timeout=timeout,
        max_retries=0,
        **options,
    )
    async with client:
        yield client
    if "http_client" in options:
        await options["http_client"].aclose()


async def still_works(client: AsyncIgnisign) -> None:
    """A whole download on the same one-connection pool (a leak fails it with a pool timeout)."""
    with anyio.fail_after(20):
        buffer = io.BytesIO()
        result = await client.proofs.download_signature_proof(f"bench-{MIB}", buffer)
    assert result.bytes_written == MIB
    assert buffer.getvalue() == expected(MIB)


async def test_a_whole_download_over_a_socket(
    client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    result = await client.proofs.download_signature_proof(f"bench-{5 * MIB}", tmp_path / "p.pdf")
    assert result.bytes_written == 5 * MIB
    assert (tmp_path / "p.pdf").read_bytes() == expected(5 * MIB)
    await still_works(client)


async def test_cancelling_midway_releases_the_connection(
    client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    with anyio.CancelScope() as scope:
        async with client.proofs.stream_signature_proof(f"bench-{BIG}") as stream:
            async for _ in stream.iter_bytes():
                scope.cancel()
    assert scope.cancelled_caught
    await still_works(client)


async def test_cancelling_a_save_releases_the_connection(
    client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    with anyio.CancelScope() as scope:

        def progress(done: int, total: int | None) -> None:
            if done > 2 * MIB:
                scope.cancel()

        await client.proofs.download_signature_proof(
            f"bench-{BIG}", tmp_path / "p.pdf", progress=progress
        )
    assert scope.cancelled_caught
    assert files(tmp_path) == []
    await still_works(client)


async def test_leaving_the_block_early_releases_the_connection(client: AsyncIgnisign) -> None:
    async with client.proofs.stream_signature_proof(f"bench-{BIG}") as stream:
        await stream.iter_bytes().__anext__()
    with pytest.raises(LookupError):
        async with client.proofs.stream_signature_proof(f"bench-{BIG}") as stream:
            raise LookupError
    await still_works(client)


async def test_a_body_cut_short_by_the_server_raises(
    client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    with pytest.raises(DownloadError) as caught:
        await client.proofs.download_signature_proof(f"short-{4 * MIB}", tmp_path / "p.pdf")
    assert caught.value.expected == 4 * MIB
    assert caught.value.received < 4 * MIB
    assert files(tmp_path) == []
    await still_works(client)
