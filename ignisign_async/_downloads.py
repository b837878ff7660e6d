"""Downloads that stream in constant memory.

A download is an async context manager around one response whose body is not read yet::

    async with client.proofs.stream_signature_proof(document_id) as stream:
        print(stream.content_type, stream.content_length, stream.file_name)
        result = await stream.save("proof.pdf", progress=lambda done, total: print(done, total))

Disk writes never block the event loop (see :mod:`._files`): one worker thread per download
writes while the next bytes arrive. Saving to a path copies the body into a ring of 4 MiB slots
(see :mod:`._spool`), written to a temporary file beside the target and renamed into place only
once the whole body arrived; a file object receives ~1 MiB batches.
"""

from __future__ import annotations

import contextlib
import functools
import io
import pathlib
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from typing import IO, TYPE_CHECKING, Final, TypeVar, final

import anyio
import anyio.to_thread
import httpx

from ._args import max_bytes_arg, progress_arg
from ._decoding import Decoder, Rechunk
from ._download_handle import OpenDownload
from ._download_types import DownloadResult, ProgressCallback, SaveTarget
from ._errors import DownloadError
from ._files import Batches, TempFile, check_target, write_behind, write_file
from ._headers import parse_content_disposition, parse_length
from ._spool import SLOTS, Spool

if TYPE_CHECKING:
    from ._pipeline import Pipeline, Streamed
    from ._routes import Route

__all__ = ["DownloadStream", "open_download", "download"]

T = TypeVar("T")

_OCTET_STREAM: Final = "application/octet-stream"


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
        "_max_bytes",
        "_received",
        "_request",
        "_response",
        "_started",
        "_streamed",
        "content_length",
        "content_type",
        "file_name",
    )

    content_type: str
    content_length: int | None
    file_name: str | None

    def __init__(self, streamed: Streamed, *, request: str, max_bytes: int | None) -> None:
        response = streamed.response
        headers = response.headers
        self._streamed = streamed
        self._response = response
        self._max_bytes = max_bytes
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
        progress_arg(progress)
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
        """The decoded body in ``chunk_size`` pieces (``None``: as decoded, at most 64 KiB each).

        Each read is bounded by the read timeout and the call's deadline; decoding runs in
        bounded steps, so memory stays flat whatever the encoding.
        """
        pieces = Rechunk(chunk_size)
        response = self._response
        encoding = None if response.is_stream_consumed else response.headers.get("Content-Encoding")
        try:  # a body an in-process transport loaded already is decoded already
            decoder = Decoder.for_header(encoding)
        except ValueError as exc:
            raise self._undecodable(exc) from None
        plain = decoder.identity and chunk_size is None and not response.is_stream_consumed
        if plain and self._streamed.read_bound() is None:  # nothing to bound per read: fast
            async for chunk in self._plain_chunks():
                yield chunk
            return
        raw = self._raw()
        try:
            while True:
                data = await self._next_raw(raw)
                if data is None:
                    break
                for piece in self._decode(decoder.feed, data):
                    for chunk in pieces.push(piece):
                        yield chunk
            for piece in self._decode(lambda _: decoder.flush(), b""):
                for chunk in pieces.push(piece):
                    yield chunk
            for chunk in pieces.rest():
                yield chunk
        finally:
            await raw.aclose()
        self._check_complete()

    async def _plain_chunks(self) -> AsyncIterator[bytes]:
        """A body sent as is, read with no bound per read (httpx's read timeout applies)."""
        cap = self._max_bytes
        try:
            async for data in self._response.aiter_raw():
                self._received += len(data)
                if cap is not None and self._received > cap:
                    raise self._too_large(self._received)
                yield data
        except httpx.HTTPError as exc:
            raise self._interrupted(exc) from exc
        self._check_complete()

    async def _raw(self) -> AsyncGenerator[bytes, None]:
        response = self._response
        if response.is_stream_consumed:  # an in-process transport that loaded it already
            if response.content:
                yield response.content
            return
        async for data in response.aiter_raw():
            yield data

    async def _next_raw(self, raw: AsyncGenerator[bytes, None]) -> bytes | None:
        bound = self._streamed.read_bound()
        try:
            with anyio.fail_after(bound) if bound is not None else contextlib.nullcontext():
                return await raw.__anext__()
        except StopAsyncIteration:
            return None
        except (httpx.HTTPError, TimeoutError) as exc:
            raise self._interrupted(exc) from exc

    def _decode(self, step: Callable[[bytes], Iterator[bytes]], data: bytes) -> Iterator[bytes]:
        try:
            for piece in step(data):
                self._received += len(piece)
                if self._max_bytes is not None and self._received > self._max_bytes:
                    raise self._too_large(self._received)
                yield piece
        except ValueError as exc:
            raise self._undecodable(exc) from None

    def _too_large(self, size: int, what: str = "stopped after") -> DownloadError:
        return DownloadError(
            f"Download larger than max_bytes={self._max_bytes} ({self._request}): {what} "
            f"{size} bytes; pass a larger max_bytes (or None) to accept it",
            received=self._received,
            expected=self._announced,
        )

    def _undecodable(self, exc: ValueError) -> DownloadError:
        return DownloadError(
            f"Download cannot be decoded ({self._request}): {exc}",
            received=self._received,
            expected=self._announced,
        )

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
            spool = Spool()
            try:
                drain = functools.partial(spool.drain, temp.fileno())
                written = await write_behind(
                    drain,
                    lambda deliver: self._batches(spool.push, spool.flush, deliver, progress),
                    capacity=SLOTS,
                )
            finally:
                spool.close()  # the writer thread is done with it
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
        """Copy the body to ``write`` in ~1 MiB batches, from a worker thread unless ``inline``."""
        batches = Batches()

        async def deliver(batch: list[bytes]) -> None:
            write(batch)

        def produce(deliver: Callable[[list[bytes]], Awaitable[None]]) -> Awaitable[int]:
            return self._batches(batches.push, batches.flush, deliver, progress)

        return await (produce(deliver) if inline else write_behind(write, produce))

    async def _batches(
        self,
        push: Callable[[bytes], Iterable[T]],
        flush: Callable[[], T | None],
        deliver: Callable[[T], Awaitable[None]],
        progress: ProgressCallback | None,
    ) -> int:
        """Gather the body with ``push`` and ``deliver`` each full batch; return the size."""
        total = self.content_length
        done = 0
        async for chunk in self._chunks(None):
            done += len(chunk)
            for batch in push(chunk):
                await deliver(batch)
            if progress is not None:
                progress(done, total)
        last = flush()
        if last is not None:
            await deliver(last)
        if progress is not None and (total is None or not done):
            progress(done, done if total is None else total)  # else the last chunk told it
        return done

    def _refuse_announced_excess(self) -> None:
        announced, cap = self.content_length, self._max_bytes
        if cap is not None and announced is not None and announced > cap:
            raise self._too_large(announced, "announced")

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
        if timed_out and self._streamed.deadline_passed():
            reason = "the call's deadline was reached"
        return DownloadError(
            f"Download interrupted after {received}{of} bytes: {reason} ({self._request})",
            received=received,
            expected=expected,
        )


def open_download(
    pipeline: Pipeline, route: Route, *ids: str, max_bytes: int | None = None
) -> contextlib.AbstractAsyncContextManager[DownloadStream]:
    """Start a download: an async context manager yielding a :class:`DownloadStream`.

    Failures before the first byte are retried like any GET; the response is closed on exit,
    also on error and on cancellation. ``max_bytes`` caps the (decoded) body: a larger one
    raises :class:`~ignisign_async.DownloadError`, before any byte is read when its size is
    announced.
    """
    max_bytes_arg(max_bytes)
    return OpenDownload(_open_download(pipeline, route, ids, max_bytes), DownloadStream)


@contextlib.asynccontextmanager
async def _open_download(
    pipeline: Pipeline, route: Route, ids: tuple[str, ...], max_bytes: int | None
) -> AsyncIterator[DownloadStream]:
    async with pipeline.stream(route, *ids) as streamed:
        request = f"{route.method} {streamed.response.request.url.path}"
        stream = DownloadStream(streamed, request=request, max_bytes=max_bytes)
        try:
            stream._refuse_announced_excess()
            yield stream
        finally:
            stream._closed = True


async def download(
    pipeline: Pipeline,
    route: Route,
    *ids: str,
    to: SaveTarget,
    progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> DownloadResult:
    """Download a body straight to ``to``, a path or a binary file object.

    Same behaviour as :meth:`DownloadStream.save`; ``to``, ``progress`` and ``max_bytes`` are
    checked before any request is sent.
    """
    target = await check_target(to)
    progress_arg(progress)
    async with open_download(pipeline, route, *ids, max_bytes=max_bytes) as stream:
        stream._claim()
        return await stream._save(target, progress)
