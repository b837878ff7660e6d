"""Where a download's bytes go: the target checked up front, a temporary file beside the final
path, and a worker thread that writes batches while the next one arrives."""

from __future__ import annotations

import collections
import contextlib
import io
import itertools
import os
import pathlib
from collections.abc import Awaitable, Callable
from typing import IO, Final, final

import anyio
import anyio.to_thread

__all__ = ["TempFile", "WRITE_QUEUE", "check_target", "write_behind", "write_file"]

WRITE_QUEUE: Final = 2
"""Batches that may wait for the writer thread (memory in flight: about 4 MiB)."""


async def write_behind(
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
