"""Where a download's bytes go: the target checked up front, a temporary file beside the final
path, and one worker thread that writes batches while the next ones arrive."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import IO, Final, Generic, TypeVar, final

import anyio
import anyio.from_thread
import anyio.to_thread

__all__ = [
    "Batches",
    "TempFile",
    "WRITE_BATCH",
    "WRITE_QUEUE",
    "check_target",
    "write_behind",
    "write_file",
]

WRITE_BATCH: Final = 1 << 20
"""Bytes gathered before one write to a file object (one thread hop per MiB, not per chunk)."""

WRITE_QUEUE: Final = 2
"""Batches that may wait for the writer thread (memory in flight: about 3 MiB)."""

T = TypeVar("T")


async def write_behind(
    write: Callable[[T], None],
    produce: Callable[[Callable[[T], Awaitable[None]]], Awaitable[int]],
    *,
    capacity: int = WRITE_QUEUE,
) -> int:
    """Run ``produce(deliver)`` while one worker thread runs ``write`` on each delivered item.

    Reading the network and writing the disk overlap. One thread serves the whole download: the
    loop wakes it only when it sleeps, and it wakes the loop only when ``capacity`` items wait.
    The first failure (reading or writing) stops both and is raised as itself; a write in
    progress always completes first, and the thread is done when this returns.
    """
    handoff = _Handoff[T](capacity)
    errors: list[Exception] = []
    size = 0

    def writer() -> None:
        try:
            handoff.serve(write)
        except Exception as exc:
            errors.append(exc)
            anyio.from_thread.run_sync(tasks.cancel_scope.cancel)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(anyio.to_thread.run_sync, writer)
        drained = False
        try:
            size = await produce(handoff.deliver)
            drained = True
        except Exception as exc:
            errors.append(exc)
            tasks.cancel_scope.cancel()
        finally:
            handoff.close(drain=drained)
    if errors:
        raise errors[0]
    return size


class _Handoff(Generic[T]):
    """Items passed from the event loop to one worker thread, in order, ``capacity`` at most."""

    def __init__(self, capacity: int) -> None:
        self._items: queue.SimpleQueue[T | object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._capacity = capacity
        self._pending = 0  # delivered and not written yet
        self._room: anyio.Event | None = None  # set when the loop waits for the writer
        self._stopped = False

    async def deliver(self, item: T) -> None:
        """Hand ``item`` over (event loop); wait while ``capacity`` items are not written yet."""
        room = None
        with self._lock:
            self._pending += 1
            if self._pending >= self._capacity:
                room = self._room = anyio.Event()
        self._items.put(item)
        if room is not None:
            await room.wait()

    def close(self, *, drain: bool) -> None:
        """No more items (event loop): write those handed over if ``drain``, else drop them."""
        self._stopped = not drain
        self._items.put(_END)

    def serve(self, write: Callable[[T], None]) -> None:
        """Write each item until :meth:`close` (worker thread)."""
        while (item := self._items.get()) is not _END and not self._stopped:
            write(item)  # type: ignore[arg-type]
            del item
            with self._lock:
                self._pending -= 1
                room = self._room if self._pending < self._capacity else None
                if room is not None:
                    self._room = None
            if room is not None:
                anyio.from_thread.run_sync(room.set)


_END: Final = object()
"""Put after the last item: the writer thread returns."""


async def check_target(to: object) -> pathlib.Path | IO[bytes]:
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
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot save to {str(path)!r}: folder {str(parent)!r} is not writable")


@final
class TempFile:
    """A file written beside its final path, renamed into place only when complete."""

    __slots__ = ("_fd", "final", "path")

    def __init__(self, fd: int, path: pathlib.Path, final: pathlib.Path) -> None:
        self._fd: int | None = fd
        self.path = path
        self.final = final

    @classmethod
    def beside(cls, final: pathlib.Path) -> TempFile:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        for _ in range(100):
            path = final.with_name(f".{final.name[:200]}.{os.urandom(4).hex()}.part")
            try:
                fd = os.open(path, flags, 0o666)
            except FileExistsError:
                continue
            return cls(fd, path, final)
        raise FileExistsError(f"could not create a temporary file beside {str(final)!r}")

    def fileno(self) -> int:
        """The open file descriptor (until :meth:`commit` or :meth:`discard`)."""
        fd = self._fd
        if fd is None:
            raise ValueError("the temporary file is closed")
        return fd

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


def write_file(sink: IO[bytes], chunks: list[bytes]) -> None:
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


@final
class Batches:
    """Chunks gathered into lists of about :data:`WRITE_BATCH` bytes (no copying)."""

    __slots__ = ("_pending", "_size")

    def __init__(self) -> None:
        self._pending: list[bytes] = []
        self._size = 0

    def push(self, chunk: bytes) -> list[list[bytes]]:
        self._pending.append(chunk)
        self._size += len(chunk)
        return [self._take()] if self._size >= WRITE_BATCH else []

    def flush(self) -> list[bytes] | None:
        return self._take() if self._pending else None

    def _take(self) -> list[bytes]:
        batch, self._pending, self._size = self._pending, [], 0
        return batch
