"""The pool of either backend: shared by ``with_options`` copies, released on close; redirects
never followed; ``deadline``; uploads streamed, over a raw socket on 127.0.0.1."""

from __future__ import annotations

import io
import json
import socket
import threading

import anyio
import pytest

from ignisign_async import APIError, APITimeoutError, AuthenticationError
from ignisign_async._routes import Route
from tests.streams.conftest import DOCUMENT_JSON

from .conftest import sdk
from .rawserver import RawServer, answer_ok, raw_server, redirect_to, stall

GET = Route("GET", "/v3/things", authenticated=False)
MIB = 1 << 20


async def test_with_options_copies_share_one_pool(http_backend: str) -> None:
    with raw_server(answer_ok) as server:
        async with sdk(http_backend, server.url) as client:
            copy = client.with_options(timeout=20.0, max_retries=0)
            for each in (client, copy, client, copy):
                await each._request(GET)
        assert len(server.requests) == 4
        assert server.connections == 1


async def test_closing_releases_the_pool(http_backend: str) -> None:
    with raw_server(answer_ok) as server:
        client = sdk(http_backend, server.url)
        async with client:
            await client._request(GET)
            assert server.ended == 0  # the connection is kept alive
        assert await anyio.to_thread.run_sync(server.wait_ended, 1)  # the server saw it close
        with pytest.raises(RuntimeError, match="closed"):
            await client._request(GET)


async def test_a_redirect_is_never_followed(http_backend: str) -> None:
    with raw_server(answer_ok) as other, raw_server(redirect_to(other.url)) as api:
        async with sdk(http_backend, api.url, max_retries=0) as client:
            with pytest.raises(AuthenticationError) as caught:
                await client.signature_profiles.list()  # the auth request is redirected
            assert caught.value.status_code == 307
            with pytest.raises(APIError) as caught:
                await client._request(GET)
            assert caught.value.status_code == 307
    assert len(api.requests) == 2
    assert other.connections == 0


async def test_a_deadline_bounds_a_stalled_call(http_backend: str) -> None:
    with raw_server(stall) as server:
        async with sdk(http_backend, server.url, timeout=30.0, max_retries=3) as client:
            with anyio.fail_after(10), pytest.raises(APITimeoutError, match="deadline"):
                await client.with_options(deadline=0.3)._request(GET)
    assert len(server.requests) == 1


class GatedFile(io.RawIOBase):
    """An unseekable file that gives 1 MiB, then more only once the server has received it:
    an SDK that read the whole file before sending would wait forever."""

    def __init__(self, size: int, received_first: threading.Event) -> None:
        self.left = size
        self.received_first = received_first

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            return 0
        if self.left < 4 * MIB and not self.received_first.wait(10):
            raise OSError("the server never received the first MiB: the upload is not streamed")
        count = min(len(buffer), self.left, MIB)
        buffer[:count] = b"%" * count
        self.left -= count
        return count


def counting_upload(received_first: threading.Event, totals: list[int]) -> object:
    """Read a chunked upload as it comes, flag its first MiB, answer a document."""

    def behaviour(server: RawServer, conn: socket.socket) -> None:
        _, rest = server.read_head(conn)
        total = len(rest)
        data = rest[-16:]
        while not data.endswith(b"0\r\n\r\n"):
            chunk = conn.recv(1 << 16)
            if not chunk:
                return
            total += len(chunk)
            data = (data + chunk)[-16:]
            if total >= MIB:
                received_first.set()
        totals.append(total)
        body = json.dumps(DOCUMENT_JSON).encode()
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
        conn.sendall(head % len(body) + body)

    return behaviour


async def test_an_upload_is_streamed(http_backend: str) -> None:
    size = 5 * MIB
    received_first = threading.Event()
    totals: list[int] = []
    with raw_server(counting_upload(received_first, totals)) as server:  # type: ignore[arg-type]
        async with sdk(http_backend, server.url, max_retries=0) as client:
            file = io.BufferedReader(GatedFile(size, received_first))
            with anyio.fail_after(30):
                document = await client.documents.provide_file("d1", file, file_name="a.pdf")
    assert document.id == DOCUMENT_JSON["_id"]
    assert received_first.is_set()
    assert totals[0] > size
