"""Multipart upload bodies read off the event loop, and the SHA-256 of a file.

Uploads are ``multipart/form-data`` bodies built by :func:`file_upload`; a file on disk is read in
1 MiB slices in a worker thread, never whole. :func:`file_sha256` reads the same kinds of file
(a path, bytes, a binary file object) the same way.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import pathlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import IO, Final, Protocol, TypeVar, final

import anyio
import anyio.to_thread

from ._headers import CONTROL_CHARS, filename_params, quote_param
from ._types import BodyFactory, FileInput

__all__ = ["READ_SLICE", "file_sha256", "file_source", "file_upload"]

READ_SLICE: Final = 1 << 20
"""Bytes read from an upload source per worker-thread call."""

_OCTET_STREAM: Final = "application/octet-stream"
_R = TypeVar("_R")


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
        if (
            not content_type.strip()
            or CONTROL_CHARS.search(content_type)
            or not content_type.isascii()
        ):
            raise ValueError(f"content_type is not a valid media type: {content_type!r}")
    source, default_name = file_source(file)
    name = file_name if file_name is not None else default_name
    media = content_type or mimetypes.guess_type(name, strict=False)[0] or _OCTET_STREAM
    return _MultipartFactory(source, field=field, file_name=name, content_type=media)


def file_source(file: FileInput) -> tuple[_Source, str]:
    """Where the bytes of ``file`` come from, and the file's name (``"file"`` when unknown).

    ``file`` is a path, ``bytes`` or a binary file object; anything else is a ``TypeError``.
    """
    if isinstance(file, (bytes, bytearray, memoryview)):
        return _BytesSource(bytes(file) if not isinstance(file, bytes) else file), "file"
    if isinstance(file, (str, os.PathLike)):
        return _path_source(file)
    if isinstance(file, io.TextIOBase):
        raise TypeError("file must be opened in binary mode ('rb'), not text mode")
    if callable(getattr(file, "read", None)):
        mode = getattr(file, "mode", None)
        if isinstance(mode, str) and "b" not in mode:
            raise TypeError(f"file must be opened in binary mode, got mode {mode!r}")
        raw_name = getattr(file, "name", None)
        name = os.path.basename(raw_name) if isinstance(raw_name, str) else ""
        return _FileObjectSource(file), name or "file"
    raise TypeError(
        f"file must be a path, bytes or a binary file object, got {type(file).__name__}"
    )


async def file_sha256(file: FileInput) -> str:
    """The SHA-256 of a file, in lower-case hex, as
    :meth:`~ignisign_async.resources.documents.Documents.provide_private_content` wants it.

    ``file`` is a path, ``bytes`` or a binary file object (read from where it stands). It is read
    and hashed in 1 MiB slices in worker threads: memory stays flat and the event loop never
    blocks.
    """
    source, _name = file_source(file)
    digest = hashlib.sha256()
    async for chunk in source.open():
        await anyio.to_thread.run_sync(digest.update, chunk)
    return digest.hexdigest()


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
        self._disposition = f"form-data; name={quote_param(field)}; {filename_params(file_name)}"
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
