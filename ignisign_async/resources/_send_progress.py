"""Upload progress for ``signature_requests.send``: one ``progress(done, total)`` over every file.

Each file goes to ``documents.provide_file`` wrapped in a reader that counts what the upload
reads. Counts only grow: when an attempt is re-sent (the core re-reads the file from its start),
the bytes already counted are not counted twice. The callback always runs in the event loop's
thread, even when the file is read in a worker thread.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import AsyncIterator
from typing import IO, Any, cast

import anyio
import anyio.from_thread
import anyio.to_thread

from .._types import FileInput
from ._send_inputs import DocumentPlan
from ._send_types import SendProgress

__all__ = ["Tally", "counted"]


class Tally:
    """The bytes uploaded so far, per document, reported as one sum."""

    def __init__(self, progress: SendProgress, total: int | None) -> None:
        self._progress = progress
        self._total = total
        self._done: list[int] = []
        self._reported = -1
        self._thread = threading.get_ident()

    def start(self, documents: int) -> None:
        """Reset the counts for ``documents`` files and report ``(0, total)``."""
        self._done = [0] * documents
        self._report()

    def update(self, index: int, count: int) -> None:
        """Document ``index`` has ``count`` bytes read in the current attempt."""
        if count <= self._done[index]:
            return
        self._done[index] = count
        if threading.get_ident() == self._thread:
            self._report()
            return
        try:
            anyio.from_thread.run_sync(self._report)
        except RuntimeError:  # not a worker thread of this event loop
            self._report()

    def _report(self) -> None:
        done = sum(self._done)
        if done != self._reported:
            self._reported = done
            self._progress(done, self._total)


class _CountingBytes(io.BytesIO):
    """In-memory content; read inline by the upload (no thread hop)."""

    def __init__(self, data: bytes, tally: Tally, index: int) -> None:
        super().__init__(data)
        self._tally = tally
        self._index = index

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self._tally.update(self._index, self.tell())
        return data


class _CountingReader:
    """A binary file object that reports how far the upload has read it."""

    mode = "rb"

    def __init__(self, raw: IO[bytes], tally: Tally, index: int) -> None:
        self._raw = raw
        self._tally = tally
        self._index = index
        self._count = 0
        self._start: int | None = None
        try:
            if raw.seekable():
                self._start = raw.tell()
        except (OSError, ValueError, AttributeError):
            self._start = None

    @property
    def name(self) -> Any:
        return getattr(self._raw, "name", None)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._start is not None

    def tell(self) -> int:
        return self._raw.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if self._start is not None:
            self._count = self._raw.tell() - self._start
        else:
            self._count += len(data)
        self._tally.update(self._index, self._count)
        return data


def _open(path: str | os.PathLike[str]) -> IO[bytes]:
    return open(path, "rb")


@contextlib.asynccontextmanager
async def counted(document: DocumentPlan, tally: Tally | None) -> AsyncIterator[FileInput]:
    """The document's file as ``provide_file`` takes it, counting what is read when ``tally``."""
    file = document.file
    if tally is None:
        yield file
    elif isinstance(file, bytes):
        yield _CountingBytes(file, tally, document.index)
    elif isinstance(file, (str, os.PathLike)):
        handle = await anyio.to_thread.run_sync(_open, file)
        try:
            yield cast(IO[bytes], _CountingReader(handle, tally, document.index))
        finally:
            handle.close()
    else:
        yield cast(IO[bytes], _CountingReader(file, tally, document.index))
