"""Downloads that stream in constant memory, and multipart upload bodies read off the event loop.

A download is an async context manager around one response whose body is not read yet::

    async with client.proofs.stream_signature_proof(document_id) as stream:
        print(stream.content_type, stream.content_length, stream.file_name)
        result = await stream.save("proof.pdf", progress=lambda done, total: print(done, total))

Disk writes never block the event loop: chunks are gathered into ~1 MiB batches, and a worker
thread writes each batch while the next one arrives (one thread hop per MiB, not per chunk, and
no waiting on it; at most a few MiB in flight). Saving to a path writes a temporary file beside
it and renames it into place only once the whole body arrived.

Uploads are ``multipart/form-data`` bodies built by :func:`file_upload`; a file on disk is read in
1 MiB slices in a worker thread, never whole.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import functools
import io
import itertools
import mimetypes
import os
import pathlib
import re
import unicodedata
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from typing import IO, TYPE_CHECKING, Final, Protocol, TypeAlias, TypeVar, Union, final
from urllib.parse import quote, unquote

import anyio
import anyio.to_thread
import httpx

from ._errors import DownloadError
from ._types import FileInput
from .models._base import model

if TYPE_CHECKING:
    from ._client import AsyncIgnisign, BodyFactory
    from ._routes import Route

__all__ = [
    "DownloadStream",
    "DownloadResult",
    "ProgressCallback",
    "SaveTarget",
    "open_download",
    "download",
    "file_upload",
]

ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]
"""Called as ``progress(bytes_done, total_or_None)``: after each chunk, and once at the end."""

SaveTarget: TypeAlias = Union[str, "os.PathLike[str]", IO[bytes]]
"""Where a download goes: a path, or a binary file object open for writing."""

WRITE_BATCH: Final = 1 << 20
"""Bytes gathered before one worker-thread write (one thread hop per MiB, not per chunk)."""

WRITE_QUEUE: Final = 2
"""Batches that may wait for the writer thread (memory in flight: about 4 MiB)."""

READ_SLICE: Final = 1 << 20
"""Bytes read from an upload source per worker-thread call."""

_OCTET_STREAM: Final = "application/octet-stream"
_R = TypeVar("_R")


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
        self._announced = _parse_length(headers.get("Content-Length"))
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
        target = await _check_target(to)
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
        written = await self._pump(functools.partial(_write_file, target), progress, inline=inline)
        return DownloadResult(path=None, bytes_written=written)

    async def _save_to_path(
        self, path: pathlib.Path, progress: ProgressCallback | None
    ) -> DownloadResult:
        temp = await anyio.to_thread.run_sync(_TempFile.beside, path)
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
            return await _write_behind(write, lambda deliver: self._batches(deliver, progress))

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


async def _write_behind(
    write: Callable[[list[bytes]], None],
    produce: Callable[[Callable[[list[bytes]], Awaitable[None]]], Awaitable[int]],
) -> int:
    """Run ``produce(deliver)`` while a worker thread runs ``write`` on each delivered batch.

    Reading the network and writing the disk overlap, so the thread hops cost no waiting; at
    most :data:`WRITE_QUEUE` batches wait for the writer. The first failure (reading or
    writing) stops both and is raised as itself; a write in progress always completes first.
    """
    send, receive = anyio.create_memory_object_stream[list[bytes]](WRITE_QUEUE)
    errors: list[Exception] = []
    size = 0

    async def writer() -> None:
        try:
            with receive:
                async for batch in receive:
                    await anyio.to_thread.run_sync(write, batch)
        except Exception as exc:
            errors.append(exc)
            tasks.cancel_scope.cancel()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(writer)
        try:
            with send:
                size = await produce(send.send)
        except Exception as exc:
            errors.append(exc)
            tasks.cancel_scope.cancel()
    if errors:
        raise errors[0]
    return size


def open_download(
    client: AsyncIgnisign, route: Route, *ids: str
) -> contextlib.AbstractAsyncContextManager[DownloadStream]:
    """Start a download: an async context manager yielding a :class:`DownloadStream`.

    Failures before the first byte are retried like any GET; the response is closed on exit,
    also on error and on cancellation.
    """
    return _open_download(client, route, ids)


@contextlib.asynccontextmanager
async def _open_download(
    client: AsyncIgnisign, route: Route, ids: tuple[str, ...]
) -> AsyncIterator[DownloadStream]:
    async with client._stream(route, *ids) as response:
        request = f"{route.method} {response.request.url.path}"
        stream = DownloadStream(response, read_timeout=client._read_timeout, request=request)
        try:
            yield stream
        finally:
            stream._closed = True
            with anyio.CancelScope(shield=True):
                await response.aclose()


async def download(
    client: AsyncIgnisign,
    route: Route,
    *ids: str,
    to: SaveTarget,
    progress: ProgressCallback | None = None,
) -> DownloadResult:
    """Download a body straight to ``to``, a path or a binary file object.

    Same behaviour as :meth:`DownloadStream.save`; ``to`` and ``progress`` are checked before
    any request is sent.
    """
    target = await _check_target(to)
    _check_progress(progress)
    async with open_download(client, route, *ids) as stream:
        stream._claim()
        return await stream._save(target, progress)


# -- download helpers ---------------------------------------------------------------------


def _parse_length(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit() or not value.isascii():
        return None
    return int(value)


_DISPOSITION_PARAM = re.compile(
    r';\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.DOTALL
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_content_disposition(header: str | None) -> str | None:
    """The file name of a ``Content-Disposition`` header, reduced to a safe base name.

    ``filename*=UTF-8''...`` (RFC 6266/5987) wins over ``filename="..."``. Directory parts,
    control characters, ``.`` and ``..`` are removed: the name is never usable as a path.
    """
    if not header:
        return None
    params: dict[str, str] = {}
    _kind, _, rest = header.partition(";")
    for name, raw in _DISPOSITION_PARAM.findall(";" + rest):
        key = name.lower()
        value = raw.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params.setdefault(key, value)
    name = None
    extended = params.get("filename*")
    if extended is not None:
        name = _decode_ext_value(extended)
    if name is None:
        name = params.get("filename")
    if name is None:
        return None
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        return None
    return name


def _decode_ext_value(value: str) -> str | None:
    charset, sep, rest = value.partition("'")
    _language, sep2, encoded = rest.partition("'")
    if not sep or not sep2:
        return None
    try:
        encoding = codecs.lookup(charset.strip() or "utf-8").name
        return unquote(encoded, encoding=encoding, errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


async def _check_target(to: object) -> pathlib.Path | IO[bytes]:
    """Validate where a download goes, before any byte is read."""
    if isinstance(to, (str, os.PathLike)):
        path = pathlib.Path(to)
        await anyio.to_thread.run_sync(_check_path_target, path)
        return path
    if isinstance(to, io.TextIOBase):
        raise TypeError("to must be opened in binary mode ('wb'), not text mode")
    write = getattr(to, "write", None)
    if not callable(write):
        raise TypeError(
            f"to must be a path or a binary file object open for writing, got {type(to).__name__}"
        )
    mode = getattr(to, "mode", None)
    if isinstance(mode, str) and "b" not in mode:
        raise TypeError(f"to must be opened in binary mode, got mode {mode!r}")
    writable = getattr(to, "writable", None)
    if callable(writable) and not writable():
        raise ValueError("to is not open for writing")
    return to  # type: ignore[return-value]


def _check_path_target(path: pathlib.Path) -> None:
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a directory; give a file path")
    parent = path.parent
    if not parent.is_dir():
        raise ValueError(f"cannot save to {str(path)!r}: folder {str(parent)!r} does not exist")


def _check_progress(progress: object) -> None:
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable or None, got {type(progress).__name__}")


@final
class _TempFile:
    """A file written beside its final path, renamed into place only when complete."""

    __slots__ = ("_fd", "final", "path")

    def __init__(self, fd: int, path: pathlib.Path, final: pathlib.Path) -> None:
        self._fd: int | None = fd
        self.path = path
        self.final = final

    @classmethod
    def beside(cls, final: pathlib.Path) -> _TempFile:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        for _ in range(100):
            path = final.with_name(f".{final.name[:200]}.{os.urandom(4).hex()}.part")
            try:
                fd = os.open(path, flags, 0o666)
            except FileExistsError:
                continue
            return cls(fd, path, final)
        raise FileExistsError(f"could not create a temporary file beside {str(final)!r}")

    def write(self, chunks: list[bytes]) -> None:
        """Write every chunk: one ``writev`` call per batch where the OS has it, no joining."""
        fd = self._fd
        assert fd is not None
        views = collections.deque(memoryview(chunk) for chunk in chunks if chunk)
        while views:
            if _WRITEV is not None:
                count = _WRITEV(fd, list(itertools.islice(views, _IOV_MAX)))
            else:
                count = os.write(fd, views[0])
            while count:
                head = views[0]
                if count >= len(head):
                    count -= len(head)
                    views.popleft()
                else:
                    views[0] = head[count:]
                    count = 0

    def _close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def commit(self) -> None:
        """Close and rename into place."""
        self._close()
        os.replace(self.path, self.final)

    def discard(self) -> None:
        """Close and remove (after a failure or a cancellation)."""
        self._close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


_WRITEV: Final = getattr(os, "writev", None)
_IOV_MAX: Final = 512


def _write_file(sink: IO[bytes], chunks: list[bytes]) -> None:
    """Write a batch to a caller's file object in one call (one GIL release, not one per chunk)."""
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    written = sink.write(data)
    if written is not None and written < len(data):  # a raw, unbuffered stream
        view = memoryview(data)[written:]
        while view:
            more = sink.write(view)
            if not more:
                raise OSError("the file object stopped accepting data")
            view = view[more:]


# -- uploads ------------------------------------------------------------------------------


def file_upload(
    file: FileInput,
    *,
    file_name: str | None = None,
    content_type: str | None = None,
    field: str = "file",
) -> BodyFactory:
    """A ``multipart/form-data`` body with one file part, rebuilt fresh for every attempt.

    ``file`` is a path, ``bytes``, or a binary file object. A path is read in slices in a worker
    thread; a seekable file object is rewound to where it stood for each attempt; a
    non-seekable one can be sent once only. The part's content type is guessed from the file
    name when not given. Bad input raises ``ValueError``/``TypeError`` here, before any request.
    """
    if file_name is not None:
        if not isinstance(file_name, str):
            raise TypeError(f"file_name must be a str, got {type(file_name).__name__}")
        if not file_name.strip():
            raise ValueError("file_name must be a non-empty string")
    if content_type is not None:
        if not isinstance(content_type, str):
            raise TypeError(f"content_type must be a str, got {type(content_type).__name__}")
        if not content_type.strip() or _CONTROL.search(content_type) or not content_type.isascii():
            raise ValueError(f"content_type is not a valid media type: {content_type!r}")
    source: _Source
    if isinstance(file, (bytes, bytearray, memoryview)):
        source = _BytesSource(bytes(file) if not isinstance(file, bytes) else file)
        default_name = "file"
    elif isinstance(file, (str, os.PathLike)):
        source, default_name = _path_source(file)
    elif isinstance(file, io.TextIOBase):
        raise TypeError("file must be opened in binary mode ('rb'), not text mode")
    elif callable(getattr(file, "read", None)):
        mode = getattr(file, "mode", None)
        if isinstance(mode, str) and "b" not in mode:
            raise TypeError(f"file must be opened in binary mode, got mode {mode!r}")
        source = _FileObjectSource(file)
        raw_name = getattr(file, "name", None)
        default_name = os.path.basename(raw_name) if isinstance(raw_name, str) else ""
        default_name = default_name or "file"
    else:
        raise TypeError(
            f"file must be a path, bytes or a binary file object, got {type(file).__name__}"
        )
    name = file_name if file_name is not None else default_name
    media = content_type or mimetypes.guess_type(name, strict=False)[0] or _OCTET_STREAM
    return _MultipartFactory(source, field=field, file_name=name, content_type=media)


def _path_source(file: str | os.PathLike[str]) -> tuple[_Source, str]:
    path = pathlib.Path(file)
    try:
        stat = path.stat()
    except (OSError, ValueError):
        stat = None
    if stat is None or not path.is_file():
        what = "not an existing file" if stat is None else "a directory"
        if stat is not None and not path.is_dir():
            what = "not a regular file"
        hint = " (pass bytes to upload in-memory content)" if isinstance(file, str) else ""
        raise ValueError(f"file {_short(str(file))!r} is {what}{hint}")
    return _PathSource(path, stat.st_size), path.name


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "..."


class _Source(Protocol):
    """Where upload bytes come from: their size if known, and one pass over them per ``open``."""

    @property
    def size(self) -> int | None: ...

    def open(self) -> AsyncIterator[bytes]: ...


class _BytesSource:
    """Bytes already in memory, sent as they are."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    async def _read(self) -> AsyncIterator[bytes]:
        if self.data:
            yield self.data

    def open(self) -> AsyncIterator[bytes]:
        return self._read()


class _PathSource:
    """A file on disk, re-opened for each slice: nothing stays open between reads."""

    def __init__(self, path: pathlib.Path, size: int) -> None:
        self.path = path
        self.size = self._length = size

    def open(self) -> AsyncIterator[bytes]:
        return self._read()

    async def _read(self) -> AsyncIterator[bytes]:
        offset = 0
        size = self._length
        while offset < size:
            count = min(READ_SLICE, size - offset)
            data = await anyio.to_thread.run_sync(_read_at, self.path, offset, count)
            if len(data) < count:
                raise OSError(
                    f"{self.path.name!r} shrank while it was being uploaded "
                    f"({offset + len(data)} of {size} bytes)"
                )
            offset += count
            yield data


def _read_at(path: pathlib.Path, offset: int, count: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(count)


class _FileObjectSource:
    """A caller's file object: rewound for each attempt when seekable, else sent once."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.started = False
        self.inline = isinstance(file, io.BytesIO)
        self.start: int | None = None
        self.size: int | None = None
        seekable = getattr(file, "seekable", None)
        try:
            if callable(seekable) and seekable():
                start = file.tell()
                end = file.seek(0, os.SEEK_END)
                file.seek(start)
                self.start, self.size = start, max(end - start, 0)
        except (OSError, ValueError):
            self.start = self.size = None

    def open(self) -> AsyncIterator[bytes]:
        if self.start is None and self.started:
            raise RuntimeError(
                "this upload's file object is not seekable and was already partly sent; "
                "it cannot be sent again (pass a path or bytes to allow retries)"
            )
        return self._read()

    async def _read(self) -> AsyncIterator[bytes]:
        file = self.file
        if self.start is not None:
            await self._call(file.seek, self.start)
        remaining: int | None = self.size
        while remaining is None or remaining > 0:
            count = READ_SLICE if remaining is None else min(READ_SLICE, remaining)
            self.started = True
            data = await self._call(file.read, count)
            if isinstance(data, str):
                raise TypeError("file must be opened in binary mode: read() returned str")
            if not data:
                if remaining is not None:
                    raise OSError(
                        f"the file object ended {remaining} bytes early while it was being uploaded"
                    )
                return
            if remaining is not None:
                remaining -= len(data)
            yield bytes(data)

    async def _call(self, func: Callable[[int], _R], arg: int) -> _R:
        if self.inline:
            return func(arg)
        return await anyio.to_thread.run_sync(func, arg)


@final
class _MultipartFactory:
    """The :data:`BodyFactory` of one upload: headers and a fresh body per attempt."""

    __slots__ = ("_content_type", "_disposition", "_source")

    def __init__(self, source: _Source, *, field: str, file_name: str, content_type: str) -> None:
        self._source = source
        self._disposition = f"form-data; name={_quote_param(field)}; {_filename_params(file_name)}"
        self._content_type = content_type

    def __call__(self) -> tuple[Mapping[str, str], AsyncIterator[bytes]]:
        boundary = os.urandom(16).hex()
        head = (
            f"--{boundary}\r\n"
            f"Content-Disposition: {self._disposition}\r\n"
            f"Content-Type: {self._content_type}\r\n\r\n"
        ).encode("ascii")
        tail = f"\r\n--{boundary}--\r\n".encode("ascii")
        body = self._source.open()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        if self._source.size is not None:
            headers["Content-Length"] = str(len(head) + self._source.size + len(tail))
        return headers, _framed(head, body, tail)


async def _framed(head: bytes, body: AsyncIterator[bytes], tail: bytes) -> AsyncIterator[bytes]:
    yield head
    async for chunk in body:
        yield chunk
    yield tail


_PARAM_ESCAPES = re.compile(r'["\\\x00-\x1f\x7f]')


def _escape_char(ch: str) -> str:
    return "\\\\" if ch == "\\" else f"%{ord(ch):02X}"


def _quote_param(value: str) -> str:
    """A quoted-string for a multipart header, escaping as browsers do (``"``, CR, LF -> %XX)."""
    return '"' + _PARAM_ESCAPES.sub(lambda m: _escape_char(m.group(0)), value) + '"'


def _filename_params(name: str) -> str:
    """``filename="..."``, plus ``filename*=UTF-8''...`` when the name is not plain ASCII."""
    if name.isascii():
        return f"filename={_quote_param(name)}"
    fallback = "".join(
        ch if ch.isascii() else "_"
        for ch in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(ch)
    )
    return f"filename={_quote_param(fallback)}; filename*=UTF-8''{quote(name, safe='')}"
