"""The sync facade on httpx's blocking transports: its own, a caller's ``httpx.Client`` or
``httpx.BaseTransport``, against the emulator served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ignisign_async._sync.transport import SyncBridge
from ignisign_async.testing import FakeIgnisign
from tests.reliability.conftest import served
from tests.sync.test_runtime import in_child, posix_fork


@pytest.fixture
def fake() -> FakeIgnisign:
    return FakeIgnisign()


@pytest.fixture
def url(fake: FakeIgnisign) -> Iterator[str]:
    with served(fake) as base_url:
        yield base_url


def test_a_callers_httpx_client_keeps_its_settings_and_stays_open(
    fake: FakeIgnisign, url: str
) -> None:
    seen: list[str] = []
    http = httpx.Client(
        headers={"X-Trace": "legacy-42"},
        event_hooks={"request": [lambda request: seen.append(request.url.path)]},
    )
    client = fake.sync_client(transport=None, http_client=http, base_url=url)
    assert len(client.signature_profiles.list()) == 4
    assert seen == [
        "/v3/auth/app-api",
        f"/v3/applications/{fake.app_id}/envs/DEVELOPMENT/signature-profiles",
    ]
    assert {r.headers.get("x-trace") for r in fake.requests} == {"legacy-42"}
    assert fake.requests[-1].headers["user-agent"].startswith("ignisign-async/")  # the SDK's
    client.close()
    assert not http.is_closed  # the caller's to close
    assert http.get(f"{url}/v3/healthcheck").status_code == 200
    http.close()


def test_a_callers_sync_transport_serves_every_thread(fake: FakeIgnisign, url: str) -> None:
    transport = httpx.HTTPTransport()
    client = fake.sync_client(transport=transport, base_url=url)
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda: counts.append(len(client.signature_profiles.list())))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert counts == [4] * 4
    assert client._runtime.per_thread  # each thread in place: no helper thread hop
    client.close()
    with httpx.Client(transport=transport) as http:  # still open: the caller's
        assert http.get(f"{url}/v3/healthcheck").status_code == 200


def test_the_default_pool_is_a_blocking_transport_of_its_own(fake: FakeIgnisign, url: str) -> None:
    client = fake.sync_client(transport=None, base_url=url)
    assert client.health().is_alive
    http = client._runtime.home._shared.http
    assert isinstance(http._transport, SyncBridge)
    client.close()
    assert http.is_closed  # closing the facade released the pool it opened


class CountingTransport(httpx.BaseTransport):
    """A blocking transport whose answer to a download is produced chunk by chunk, counted."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.produced = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/file"):
            return self.inner.handle_request(request)

        def body() -> Iterator[bytes]:
            for _ in range(64):
                self.produced += 1
                yield b"\x25" * 65536

        headers = {"content-type": "application/pdf", "content-length": str(64 * 65536)}
        return httpx.Response(200, headers=headers, stream=_Stream(body()))


class _Stream(httpx.SyncByteStream):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


def test_a_download_through_a_blocking_transport_is_read_as_it_comes(
    fake: FakeIgnisign, url: str
) -> None:
    transport = CountingTransport(httpx.HTTPTransport())
    client = fake.sync_client(transport=transport, base_url=url)
    with client.documents.stream_original("doc-1") as stream:
        chunks = stream.iter_bytes()
        assert len(next(chunks)) == 65536
        assert transport.produced < 64  # not read ahead: constant memory
        assert sum(map(len, chunks)) == 63 * 65536
    assert transport.produced == 64
    client.close()


@posix_fork
def test_a_callers_client_is_refused_after_fork_the_own_one_starts_afresh(
    fake: FakeIgnisign, url: str
) -> None:
    http = httpx.Client()
    callers = fake.sync_client(transport=None, http_client=http, base_url=url)
    own = fake.sync_client(transport=None, base_url=url)
    assert callers.health().is_alive
    assert own.health().is_alive

    def child() -> bool:
        with pytest.raises(RuntimeError, match=r"cannot be used after os\.fork"):
            callers.health()
        return own.health().is_alive and os.getpid() > 0

    assert in_child(child) == 0
    assert callers.health().is_alive
    assert own.health().is_alive
    callers.close()
    own.close()
    http.close()


class BodyCounting(httpx.BaseTransport):
    """Passes requests on, counting the chunks of each streamed body as the socket takes them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.chunks: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/file"):
            original = request.stream
            assert isinstance(original, httpx.SyncByteStream)

            def counted() -> Iterator[bytes]:
                for chunk in original:
                    self.chunks.append(len(chunk))
                    yield chunk

            request.stream = _Stream(counted())
        return self.inner.handle_request(request)


def test_an_upload_from_a_path_streams_through_a_blocking_transport(
    fake: FakeIgnisign, url: str, tmp_path: Path
) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * (3 * 4096) + b"\n%%EOF\n"  # about 3 MiB
    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    transport = BodyCounting(httpx.HTTPTransport())
    client = fake.sync_client(transport=transport, base_url=url)
    request = client.signature_requests.init(fake.default_signature_profile_id)
    assert request.signature_request_id is not None
    document = client.documents.init(signature_request_id=request.signature_request_id, label="C")
    client.documents.provide_file(document.document_id, path, content_type="application/pdf")
    assert len(transport.chunks) > 3  # read from the file as it was sent, not in one piece
    assert max(transport.chunks) < len(pdf) // 2
    saved = io.BytesIO()
    client.documents.download_original(document.document_id, saved)
    assert saved.getvalue() == pdf
    client.close()
