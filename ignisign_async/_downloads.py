"""Downloads that stream in constant memory.

A download is an async context manager around one response whose body is not read yet::

    async with client.proofs.stream_signature_proof(document_id) as stream:
        print(stream.content_type, stream.content_length, stream.file_name)
        result = await stream.save("proof.pdf", progress=lambda done, total: print(done, total))

Disk writes never block the event loop (see :mod:`._files`): chunks are gathered into ~1 MiB
batches, and a worker thread writes each batch while the next one arrives. Saving to a path
writes a temporary file beside it and renames it into place only once the whole body arrived.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import pathlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import IO, TYPE_CHECKING, Final, TypeAlias, Union, final

import anyio
import anyio.to_thread
import httpx

from ._errors import DownloadError
from ._files import TempFile, check_target, write_behind, write_file
from ._headers import parse_content_disposition, parse_length
from .models._base import model

if TYPE_CHECKING:
    from ._pipeline import Pipeline
    from ._routes import Route

__all__ = [
    "DownloadStream",
    "DownloadResult",
    "ProgressCallback",
    "SaveTarget",
    "open_download",
    "download",
]

ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]
"""Called as ``progress(bytes_done, total_or_None)``: after each chunk, and once at the end."""

SaveTarget: TypeAlias = Union[str, "os.PathLike[str]", IO[bytes]]
"""Where a download goes: a path, or a binary file object open for writing."""

WRITE_BATCH: Final = 1 << 20
"""Bytes gathered before one worker-thread write (one thread hop per MiB, not per chunk)."""

_OCTET_STREAM: Final = "application/octet-stream"


@final
@model
class DownloadResult:
    """What a finished download wrote::

        result = await client.proofs.download_signature_proof(document_id, "proof.pdf")
        print(result.path, result.bytes_written)     # proof.pdf 183204

    ``path`` is ``None`` when the download went to a file object.
    """

    path: pathlib.Path | None
    bytes_written: int


@final
class DownloadStream:
    """A download in progress: headers are known, the body is still on the wire.

    Read it once, either chunk by chunk or straight to a file::

        async with client.documents.stream_original(document_id) as stream:
            async for chunk in stream.iter_bytes():
                digest.update(chunk)

        async with client.proofs.stream_asic(document_id) as stream:
            await stream.save(stream.file_name or "proof.asice")

    ``content_type`` falls back to ``application/octet-stream``; ``content_length`` is ``None``
    when the server did not announce a size; ``file_name`` comes from ``Content-Disposition``
    with any directory part removed. A body shorter than its announced size, or a connection
    lost midway, raises :class:`~ignisign_async.DownloadError` (a download is never restarted
    midway, which could duplicate bytes).
    """

    __slots__ = (
        "_announced",
        "_closed",
        "_identity",
        "_read_timeout",
        "_received",
        "_request",
        "_response",
        "_started",
        "content_length",
        "content_type",
        "file_name",
    )

    content_type: str
    content_length: int | None
    file_name: str | None

    def __init__(
        self, response: httpx.Response, *, read_timeout: float | None, request: str
    ) -> None:
        headers = response.headers
        self._response = response
        self._read_timeout = read_timeout
        self._request = request
        self._started = False
        self._closed = False
        self._announced = parse_length(headers.get("Content-Length"))
        encoding = headers.get("Content-Encoding", "").strip().lower()
        self._identity = encoding in ("", "identity")
        self._received = 0
        self.content_type = headers.get("Content-Type") or _OCTET_STREAM
        self.content_length = self._announced if self._identity else None
        self.file_name = parse_content_disposition(headers.get("Content-Disposition"))

    def __repr__(self) -> str:
        return (
            f"<DownloadStream {self._request} content_type={self.content_type!r} "
            f"content_length={self.content_length!r} file_name={self.file_name!r}>"
        )

    def iter_bytes(self, chunk_size: int = 65536) -> AsyncIterator[bytes]:
        """The body, in chunks of ``chunk_size`` bytes (the last one may be shorter)."""
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size <= 0:
            raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}")
        self._claim()
        return self._chunks(chunk_size)

    async def save(
        self, to: SaveTarget, *, progress: ProgressCallback | None = None
    ) -> DownloadResult:
        """Write the whole body to ``to``: a path, or a binary file object open for writing.

        A path is written through a temporary file in the same folder, renamed into place
        once the body is complete; on failure or cancellation no file is left under that name.
        A file object is written from its current position and left open.
        """
        target = await check_target(to)
        _check_progress(progress)
        self._claim()
        return await self._save(target, progress)

    # -- internals ----------------------------------------------------------------------

    def _claim(self) -> None:
        if self._started:
            raise RuntimeError(
                "this download's body was already read; open a new download to read it again"
            )
        if self._closed:
            raise RuntimeError("this download is closed; read it inside its 'async with' block")
        self._started = True

    async def _chunks(self, chunk_size: int | None) -> AsyncIterator[bytes]:
        iterator = self._response.aiter_bytes(chunk_size)
        assert isinstance(iterator, AsyncGenerator)
        timeout = self._read_timeout
        try:
            while True:
                try:
                    if timeout is None:
                        chunk = await iterator.__anext__()
                    else:
                        with anyio.fail_after(timeout):
                            chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    break
                except (httpx.HTTPError, TimeoutError) as exc:
                    raise self._interrupted(exc) from exc
                self._received += len(chunk)
                yield chunk
        finally:
            await iterator.aclose()
        self._check_complete()

    async def _save(
        self, target: pathlib.Path | IO[bytes], progress: ProgressCallback | None
    ) -> DownloadResult:
        if isinstance(target, pathlib.Path):
            return await self._save_to_path(target, progress)
        inline = isinstance(target, io.BytesIO)  # memory: no thread needed
        written = await self._pump(functools.partial(write_file, target), progress, inline=inline)
        return DownloadResult(path=None, bytes_written=written)

    async def _save_to_path(
        self, path: pathlib.Path, progress: ProgressCallback | None
    ) -> DownloadResult:
        temp = await anyio.to_thread.run_sync(TempFile.beside, path)
        finished = False
        try:
            written = await self._pump(temp.write, progress, inline=False)
            await anyio.to_thread.run_sync(temp.commit)
            finished = True
        finally:
            if not finished:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(temp.discard)
        return DownloadResult(path=path, bytes_written=written)

    async def _pump(
        self,
        write: Callable[[list[bytes]], None],
        progress: ProgressCallback | None,
        *,
        inline: bool,
    ) -> int:
        """Copy the body to ``write`` in ~1 MiB batches; return the size.

        ``inline``: call ``write`` on the event loop (memory); otherwise a worker thread writes
        each batch while the next one is read from the network.
        """
        if not inline:
            return await write_behind(write, lambda deliver: self._batches(deliver, progress))

        async def deliver(batch: list[bytes]) -> None:
            write(batch)

        return await self._batches(deliver, progress)

    async def _batches(
        self,
        deliver: Callable[[list[bytes]], Awaitable[None]],
        progress: ProgressCallback | None,
    ) -> int:
        total = self.content_length
        done = 0
        pending: list[bytes] = []
        pending_size = 0
        async for chunk in self._chunks(None):
            pending.append(chunk)
            pending_size += len(chunk)
            done += len(chunk)
            if pending_size >= WRITE_BATCH:
                await deliver(pending)
                pending = []
                pending_size = 0
            if progress is not None:
                progress(done, total)
        if pending:
            await deliver(pending)
        if progress is not None:
            progress(done, total if total is not None else done)
        return done

    def _raw_received(self) -> int | None:
        """Bytes of the body as sent (before any content decoding), ``None`` if unknown."""
        if self._identity:
            return self._received
        raw = self._response.num_bytes_downloaded
        return raw if raw or not self._received else None  # else: a body httpx pre-loaded

    def _check_complete(self) -> None:
        expected = self._announced
        received = self._raw_received()
        if expected is not None and received is not None and received != expected:
            relation = "fewer" if received < expected else "more"
            raise DownloadError(
                f"Download incomplete: received {received} bytes, {relation} than the "
                f"{expected} announced ({self._request})",
                received=received,
                expected=expected,
            )

    def _interrupted(self, exc: BaseException) -> DownloadError:
        received = self._raw_received() or 0
        expected = self._announced
        of = f" of {expected}" if expected is not None else ""
        timed_out = isinstance(exc, (TimeoutError, httpx.TimeoutException))
        reason = "read timed out" if timed_out else type(exc).__name__
        return DownloadError(
            f"Download interrupted after {received}{of} bytes: {reason} ({self._request})",
            received=received,
            expected=expected,
        )


def open_download(
    pipeline: Pipeline, route: Route, *ids: str
) -> contextlib.AbstractAsyncContextManager[DownloadStream]:
    """Start a download: an async context manager yielding a :class:`DownloadStream`.

    Failures before the first byte are retried like any GET; the response is closed on exit,
    also on error and on cancellation.
    """
    return _open_download(pipeline, route, ids)


@contextlib.asynccontextmanager
async def _open_download(
    pipeline: Pipeline, route: Route, ids: tuple[str, ...]
) -> AsyncIterator[DownloadStream]:
    async with pipeline.stream(route, *ids) as response:
        request = f"{route.method} {response.request.url.path}"
        stream = DownloadStream(response, read_timeout=pipeline.read_timeout, request=request)
        try:
            yield stream
        finally:
            stream._closed = True
            with anyio.CancelScope(shield=True):
                await response.aclose()


async def download(
    pipeline: Pipeline,
    route: Route,
    *ids: str,
    to: SaveTarget,
    progress: ProgressCallback | None = None,
) -> DownloadResult:
    """Download a body straight to ``to``, a path or a binary file object.

    Same behaviour as :meth:`DownloadStream.save`; ``to`` and ``progress`` are checked before
    any request is sent.
    """
    target = await check_target(to)
    _check_progress(progress)
    async with open_download(pipeline, route, *ids) as stream:
        stream._claim()
        return await stream._save(target, progress)


def _check_progress(progress: object) -> None:
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable or None, got {type(progress).__name__}")
