"""Downloads: the four endpoints byte for byte, headers, integrity, retries, cancellation."""

from __future__ import annotations

import gzip
import io
import pathlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio
import httpx
import pytest

from ignisign_async import (
    AsyncIgnisign,
    DownloadError,
    DownloadResult,
    DownloadStream,
    NotFoundError,
)
from ignisign_async._downloads import download, open_download
from ignisign_async._headers import parse_content_disposition
from ignisign_async._routes import Route

from .conftest import (
    DOC,
    PAYLOAD,
    SIG,
    Body,
    D,
    StreamApi,
    error,
    files,
    make_client,
    streamed,
)

MIB = 1 << 20


class Endpoint:
    """One download of the API: its sub-client methods, ids, path and natural content type."""

    def __init__(
        self, resource: str, name: str, ids: tuple[str, ...], path: str, content_type: str
    ) -> None:
        self.resource, self.name, self.ids = resource, name, ids
        self.path, self.content_type = path, content_type

    def stream(self, client: AsyncIgnisign) -> AbstractAsyncContextManager[DownloadStream]:
        method: Callable[..., Any] = getattr(getattr(client, self.resource), f"stream_{self.name}")
        return method(*self.ids)  # type: ignore[no-any-return]

    async def download(self, client: AsyncIgnisign, to: Any, **kwargs: Any) -> DownloadResult:
        method = getattr(getattr(client, self.resource), f"download_{self.name}")
        return await method(*self.ids, to, **kwargs)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return self.name


ENDPOINTS = [
    Endpoint("proofs", "signature_proof", (DOC,), f"{D}/signature-proof", "application/pdf"),
    Endpoint("proofs", "xades", (DOC, SIG), f"{D}/signatures/{SIG}/xades", "application/xml"),
    Endpoint("proofs", "asic", (DOC,), f"{D}/asics", "application/vnd.etsi.asic-e+zip"),
    Endpoint("documents", "original", (DOC,), f"{D}/file", "application/pdf"),
]
PROOF = ENDPOINTS[0]
PROOF_ROUTE = Route("GET", "/v3/documents/{documentId}/signature-proof")


def open_for_writing(path: pathlib.Path) -> io.BufferedWriter:
    return open(path, "wb")


def serve(api: StreamApi, endpoint: Endpoint = PROOF, **options: Any) -> list[Body]:
    headers = {"content-type": endpoint.content_type, **options.pop("headers", {})}
    answer, bodies = streamed(headers=headers, **options)
    api.serve("GET", endpoint.path, answer)
    return bodies


def assert_one_get(api: StreamApi, endpoint: Endpoint = PROOF) -> None:
    [request] = api.received
    assert (request.method, request.path, request.query) == ("GET", endpoint.path, "")
    assert request.content == b""
    assert request.headers["authorization"].startswith("Bearer ")


# -- byte-exact, all four endpoints ---------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=repr)
async def test_stream_gives_every_byte_and_the_headers(
    api: StreamApi, client: AsyncIgnisign, endpoint: Endpoint
) -> None:
    disposition = {"content-disposition": 'attachment; filename="artifact.bin"'}
    bodies = serve(api, endpoint, headers=disposition)
    async with endpoint.stream(client) as stream:
        assert stream.content_type == endpoint.content_type
        assert stream.content_length == len(PAYLOAD)
        assert stream.file_name == "artifact.bin"
        assert not bodies[0].closed
        received = b"".join([chunk async for chunk in stream.iter_bytes()])
    assert received == PAYLOAD
    assert bodies[0].closed
    assert_one_get(api, endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=repr)
async def test_download_to_a_path_is_byte_exact(
    api: StreamApi, client: AsyncIgnisign, endpoint: Endpoint, tmp_path: pathlib.Path
) -> None:
    bodies = serve(api, endpoint)
    result = await endpoint.download(client, str(tmp_path / "out.bin"))
    assert result == DownloadResult(path=tmp_path / "out.bin", bytes_written=len(PAYLOAD))
    assert (tmp_path / "out.bin").read_bytes() == PAYLOAD
    assert files(tmp_path) == ["out.bin"]  # no temporary file left
    assert bodies[0].closed
    assert_one_get(api, endpoint)


async def test_download_replaces_an_existing_file(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "proof.pdf"
    target.write_bytes(b"an older proof")
    serve(api)
    await client.proofs.download_signature_proof(DOC, target)
    assert target.read_bytes() == PAYLOAD


async def test_download_to_a_binary_file_writes_from_its_position_and_leaves_it_open(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    serve(api)
    with open_for_writing(tmp_path / "out.bin") as file:
        file.write(b"header:")
        result = await client.proofs.download_signature_proof(DOC, file)
        assert not file.closed
    assert result == DownloadResult(path=None, bytes_written=len(PAYLOAD))
    assert (tmp_path / "out.bin").read_bytes() == b"header:" + PAYLOAD


async def test_download_to_bytesio(api: StreamApi, client: AsyncIgnisign) -> None:
    serve(api)
    buffer = io.BytesIO()
    result = await client.proofs.download_signature_proof(DOC, buffer)
    assert buffer.getvalue() == PAYLOAD
    assert result.bytes_written == len(PAYLOAD)


async def test_stream_save_to_a_path(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    serve(api, headers={"content-disposition": "attachment; filename=proof.pdf"})
    async with client.proofs.stream_signature_proof(DOC) as stream:
        assert stream.file_name is not None
        result = await stream.save(tmp_path / stream.file_name)
    assert result == DownloadResult(path=tmp_path / "proof.pdf", bytes_written=len(PAYLOAD))
    assert (tmp_path / "proof.pdf").read_bytes() == PAYLOAD


async def test_iter_bytes_chunk_size(api: StreamApi, client: AsyncIgnisign) -> None:
    serve(api)
    async with client.proofs.stream_signature_proof(DOC) as stream:
        sizes = [len(chunk) async for chunk in stream.iter_bytes(chunk_size=100_000)]
    assert sum(sizes) == len(PAYLOAD)
    assert set(sizes[:-1]) == {100_000}
    assert 0 < sizes[-1] <= 100_000


async def test_open_download_and_download_with_a_route(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    serve(api)
    async with open_download(client._pipeline, PROOF_ROUTE, DOC) as stream:
        assert b"".join([c async for c in stream.iter_bytes()]) == PAYLOAD
    result = await download(client._pipeline, PROOF_ROUTE, DOC, to=tmp_path / "p.pdf")
    assert (tmp_path / "p.pdf").read_bytes() == PAYLOAD
    assert result.bytes_written == len(PAYLOAD)
    assert api.paths() == [f"GET {PROOF.path}"] * 2


# -- headers ------------------------------------------------------------------------------


async def test_missing_headers_fall_back(api: StreamApi, client: AsyncIgnisign) -> None:
    answer, _ = streamed(b"data", length=False)
    api.serve("GET", PROOF.path, answer)
    async with client.proofs.stream_signature_proof(DOC) as stream:
        assert stream.content_type == "application/octet-stream"
        assert stream.content_length is None
        assert stream.file_name is None
        assert b"".join([c async for c in stream.iter_bytes()]) == b"data"
        assert "signature-proof" in repr(stream)


async def test_a_compressed_body_is_decoded_and_its_length_unknown(
    api: StreamApi, client: AsyncIgnisign
) -> None:
    packed = gzip.compress(PAYLOAD)
    headers = {"content-encoding": "gzip", "content-type": "application/pdf"}
    answer, _ = streamed(packed, headers=headers)
    api.serve("GET", PROOF.path, answer)
    async with client.proofs.stream_signature_proof(DOC) as stream:
        assert stream.content_length is None  # the decoded size is not announced
        assert b"".join([c async for c in stream.iter_bytes()]) == PAYLOAD


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="proof.pdf"', "proof.pdf"),
        ("attachment; filename=proof.pdf", "proof.pdf"),
        ("ATTACHMENT; FileName = proof.pdf ", "proof.pdf"),
        ("attachment; filename*=UTF-8''na%C3%AFve%20proof.pdf", "naïve proof.pdf"),
        ("attachment; filename=\"fallback.pdf\"; filename*=utf-8'fr'r%C3%A9el.pdf", "réel.pdf"),
        ("attachment; filename*=bogus''x.pdf; filename=\"plain.pdf\"", "plain.pdf"),
        ('attachment; filename="a \\"quoted\\" name.pdf"', 'a "quoted" name.pdf'),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ("attachment; filename=C:\\Users\\x\\proof.pdf", "proof.pdf"),
        ("attachment; filename*=UTF-8''..%2F..%2Fescape.pdf", "escape.pdf"),
        ('attachment; filename="bell\x07.pdf"', "bell.pdf"),
        ('attachment; filename=".."', None),
        ('attachment; filename="dir/"', None),
        ("attachment", None),
        ("inline; name=x", None),
        ("", None),
        (None, None),
    ],
)
def test_content_disposition_file_name(header: str | None, name: str | None) -> None:
    assert parse_content_disposition(header) == name


# -- integrity and retries ----------------------------------------------------------------


async def test_a_truncated_body_raises_and_leaves_no_file(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    bodies = serve(api, stop_at=MIB)
    with pytest.raises(DownloadError) as caught:
        await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    assert (caught.value.received, caught.value.expected) == (MIB, len(PAYLOAD))
    assert "fewer" in str(caught.value)
    assert files(tmp_path) == []
    assert bodies[0].closed
    assert_one_get(api)


async def test_a_failed_download_keeps_the_previous_file(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "proof.pdf"
    target.write_bytes(b"the previous proof")
    serve(api, stop_at=MIB)
    with pytest.raises(DownloadError):
        await client.proofs.download_signature_proof(DOC, target)
    assert target.read_bytes() == b"the previous proof"
    assert files(tmp_path) == ["proof.pdf"]


async def test_a_truncated_stream_raises_at_its_end(api: StreamApi, client: AsyncIgnisign) -> None:
    serve(api, stop_at=MIB + 1)
    received: list[bytes] = []

    async def read_all() -> None:
        async with client.proofs.stream_signature_proof(DOC) as stream:
            async for chunk in stream.iter_bytes():
                received.append(chunk)

    with pytest.raises(DownloadError):
        await read_all()
    assert b"".join(received) == PAYLOAD[: MIB + 1]


async def test_a_longer_body_than_announced_raises(api: StreamApi, client: AsyncIgnisign) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "10"}, stream=Body(b"x" * 20))

    api.serve("GET", PROOF.path, answer)
    with pytest.raises(DownloadError, match="more"):
        await client.proofs.download_signature_proof(DOC, io.BytesIO())


async def test_a_failure_midway_raises_without_restarting(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    bodies = serve(api, fail_at=2 * MIB)
    with pytest.raises(DownloadError) as caught:
        await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    assert isinstance(caught.value.__cause__, httpx.ReadError)
    assert caught.value.received == 2 * MIB
    assert "interrupted" in str(caught.value)
    assert files(tmp_path) == []
    assert bodies[0].closed
    assert_one_get(api)  # never restarted: the retries (max_retries=2) are not used


async def test_a_failure_before_the_first_byte_is_retried(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    api.serve("GET", PROOF.path, error(503))
    serve(api)
    result = await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    assert result.bytes_written == len(PAYLOAD)
    assert (tmp_path / "proof.pdf").read_bytes() == PAYLOAD
    assert api.paths() == [f"GET {PROOF.path}"] * 2


async def test_an_error_answer_raises_and_writes_nothing(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    api.serve("GET", PROOF.path, error(404, "DOCUMENT_NOT_FOUND"))
    with pytest.raises(NotFoundError) as caught:
        await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    assert caught.value.code == "DOCUMENT_NOT_FOUND"
    assert files(tmp_path) == []


async def test_a_stalled_body_hits_the_read_timeout_in_process(
    api: StreamApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(api, stall_at=MIB)
    async with make_client(api, timeout=0.2) as client:
        assert client._pipeline.read_timeout == 0.2  # in process: httpx enforces no read timeout
        with pytest.raises(DownloadError, match="read timed out") as caught:
            await client.proofs.download_signature_proof(DOC, io.BytesIO())
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert caught.value.received == MIB


# -- cancellation -------------------------------------------------------------------------


async def test_cancelling_a_save_removes_the_temporary_file_and_closes_the_response(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    bodies = serve(api)
    with anyio.CancelScope() as scope:

        def progress(done: int, total: int | None) -> None:
            if done >= MIB + 1:
                scope.cancel()

        await client.proofs.download_signature_proof(DOC, tmp_path / "p.pdf", progress=progress)
    assert scope.cancelled_caught
    assert files(tmp_path) == []
    assert bodies[0].closed
    assert 0 < bodies[0].sent < len(PAYLOAD)


async def test_cancelling_a_stalled_stream_closes_the_response(
    api: StreamApi, client: AsyncIgnisign
) -> None:
    bodies = serve(api, ENDPOINTS[1], stall_at=MIB)
    received: list[int] = []
    stalled = anyio.Event()

    async def reader() -> None:
        async with client.proofs.stream_xades(DOC, SIG) as stream:
            async for chunk in stream.iter_bytes():
                received.append(len(chunk))
                if sum(received) == MIB:
                    stalled.set()  # the next read waits forever

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(reader)
        await stalled.wait()
        tasks.cancel_scope.cancel()
    [body] = bodies
    assert body.closed
    assert sum(received) == MIB


# -- progress -----------------------------------------------------------------------------


async def test_progress_reaches_the_total(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    serve(api)
    calls: list[tuple[int, int | None]] = []
    await client.proofs.download_signature_proof(
        DOC, tmp_path / "p.pdf", progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert {total for _, total in calls} == {len(PAYLOAD)}
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert done[0] > 0
    assert len(calls) <= len(PAYLOAD) // 65536 + 2  # at most once per chunk, plus the end
    assert calls.count(calls[-1]) == 1  # the end is told once


async def test_progress_without_a_length(api: StreamApi, client: AsyncIgnisign) -> None:
    answer, _ = streamed(length=False)
    api.serve("GET", PROOF.path, answer)
    calls: list[tuple[int, int | None]] = []
    async with client.proofs.stream_signature_proof(DOC) as stream:
        await stream.save(io.BytesIO(), progress=lambda d, t: calls.append((d, t)))
    assert {total for _, total in calls[:-1]} == {None}
    assert calls[-1] == (len(PAYLOAD), len(PAYLOAD))  # the end: done and total agree
    assert calls[-2] == (len(PAYLOAD), None)


async def test_a_failing_progress_callback_aborts_the_download(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    serve(api)

    def progress(done: int, total: int | None) -> None:
        raise KeyError("stop")

    with pytest.raises(KeyError):
        await client.proofs.download_signature_proof(DOC, tmp_path / "p.pdf", progress=progress)
    assert files(tmp_path) == []


# -- misuse -------------------------------------------------------------------------------


async def test_a_body_can_be_read_once(api: StreamApi, client: AsyncIgnisign) -> None:
    serve(api)
    async with client.proofs.stream_signature_proof(DOC) as stream:
        chunks = stream.iter_bytes()
        await chunks.__anext__()
        with pytest.raises(RuntimeError, match="already read"):
            await stream.save(io.BytesIO())
        with pytest.raises(RuntimeError, match="already read"):
            stream.iter_bytes()


async def test_a_stream_cannot_be_read_after_its_block(
    api: StreamApi, client: AsyncIgnisign
) -> None:
    serve(api)
    async with client.proofs.stream_signature_proof(DOC) as stream:
        pass
    with pytest.raises(RuntimeError, match="inside its 'async with' block"):
        stream.iter_bytes()


async def test_chunk_size_is_checked(api: StreamApi, client: AsyncIgnisign) -> None:
    serve(api)
    async with client.proofs.stream_signature_proof(DOC) as stream:
        for bad in (0, -1, 1.5, True):
            with pytest.raises(ValueError, match="chunk_size"):
                stream.iter_bytes(chunk_size=bad)  # type: ignore[arg-type]
        assert b"".join([c async for c in stream.iter_bytes()]) == PAYLOAD


@pytest.mark.parametrize(
    ("make_target", "exception", "message"),
    [
        (lambda tmp: tmp, ValueError, "is a directory"),
        (lambda tmp: tmp / "missing" / "p.pdf", ValueError, "does not exist"),
        (lambda tmp: open(tmp / "t.txt", "w"), TypeError, "binary mode"),  # noqa: SIM115
        (
            lambda tmp: open(tmp / "r.bin", "xb").close() or open(tmp / "r.bin", "rb"),  # noqa: SIM115
            ValueError,
            "not open for writing",
        ),
        (lambda tmp: 42, TypeError, "path or a binary file object"),
        (lambda tmp: io.StringIO(), TypeError, "binary mode"),
    ],
)
async def test_bad_targets_are_refused_before_any_request(
    api: StreamApi,
    client: AsyncIgnisign,
    tmp_path: pathlib.Path,
    make_target: Callable[[pathlib.Path], Any],
    exception: type[Exception],
    message: str,
) -> None:
    serve(api)
    target = make_target(tmp_path)
    try:
        with pytest.raises(exception, match=message):
            await client.proofs.download_signature_proof(DOC, target)
    finally:
        if hasattr(target, "close"):
            target.close()
    assert api.received == []
    assert api.auth_calls == 0


async def test_a_bad_progress_is_refused_before_any_request(
    api: StreamApi, client: AsyncIgnisign
) -> None:
    with pytest.raises(TypeError, match="progress"):
        await client.proofs.download_signature_proof(DOC, io.BytesIO(), progress=5)  # type: ignore[arg-type]
    assert api.received == []


# -- disk errors --------------------------------------------------------------------------


class FullDisk(io.RawIOBase):
    """A writable binary file that fails once ``room`` bytes were written."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.written + len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.written += len(data)
        return len(data)


async def test_a_write_error_is_raised_as_itself(api: StreamApi, client: AsyncIgnisign) -> None:
    bodies = serve(api)
    with pytest.raises(OSError, match="No space left") as caught:
        await client.proofs.download_signature_proof(DOC, FullDisk(2 * MIB))
    assert type(caught.value) is OSError  # not wrapped in an exception group
    assert bodies[0].closed


async def test_one_chunk_larger_than_the_ring_is_saved_byte_exact(
    api: StreamApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    body = bytes(range(256)) * (53 * 1024 + 1)  # 13.25 MiB + 256 bytes: the ring is 12 MiB
    serve(api, data=body, chunk=len(body))
    result = await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    assert result.bytes_written == len(body)
    assert (tmp_path / "proof.pdf").read_bytes() == body


async def test_a_write_error_to_a_path_leaves_no_file(
    api: StreamApi,
    client: AsyncIgnisign,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(api, data=bytes(9 * MIB))  # three slots of the ring: 4, 4 and 1 MiB
    calls: list[int] = []

    def write(self: Any, fd: int, slot: tuple[int, int]) -> None:
        calls.append(slot[1])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("ignisign_async._spool.Spool.drain", write)
    with pytest.raises(OSError, match="No space left"):
        await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    assert files(tmp_path) == []
    assert calls == [4 * MIB, 4 * MIB]
