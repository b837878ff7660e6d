"""The memory a download to a path passes through: a ring of fixed slots, filled on the event
loop and drained to the file by the writer thread.

On Linux the ring is a ``memfd`` and a full slot goes to the file with one ``sendfile`` call:
one GIL release per slot, and the kernel copies it into the page cache in small steps (on some
virtual machines one large ``write`` costs several times the CPU of the same bytes in 64 KiB
writes). Elsewhere, or where the file system refuses ``sendfile``, the slot is written with
``os.write``.
"""

from __future__ import annotations

import errno
import mmap
import os
import sys
from collections.abc import Iterator
from typing import Final, final

__all__ = ["SLOT_SIZE", "SLOTS", "Spool"]

SLOT_SIZE: Final = 4 << 20
"""Bytes per slot: one hand-off to the writer thread and one ``sendfile`` call each."""

SLOTS: Final = 3
"""Slots in the ring, hence full slots that may wait for the writer (memory: 12 MiB)."""

_NO_SENDFILE: Final = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP})

Slot = tuple[int, int]
"""A full slot: its offset in the ring and the bytes it holds."""


@final
class Spool:
    """A ring of ``slots`` slots of ``slot_size`` bytes, and the way to drain one to a file.

    The event loop calls :meth:`push` and :meth:`flush`; the writer thread calls :meth:`drain`
    on each slot they give, in order. A slot is filled again only after the ring went round, so
    the caller keeps fewer than ``slots`` slots handed over and not drained yet (the
    write-behind's capacity) before it asks :meth:`push` for more.

    ::

        spool = Spool(slots=3, slot_size=4 << 20)
        for slot in spool.push(chunk):
            spool.drain(fd, slot)
    """

    __slots__ = ("_fill", "_map", "_memfd", "_slot", "_slot_size", "_slots")

    def __init__(
        self, *, slots: int = SLOTS, slot_size: int = SLOT_SIZE, sendfile: bool = True
    ) -> None:
        memfd = _memfd() if sendfile else -1
        try:
            if memfd >= 0:
                os.ftruncate(memfd, slots * slot_size)
            self._map = mmap.mmap(memfd, slots * slot_size)
        except BaseException:
            if memfd >= 0:
                os.close(memfd)
            raise
        self._memfd = memfd
        self._slots = slots
        self._slot_size = slot_size
        self._slot = 0
        self._fill = 0

    @property
    def uses_sendfile(self) -> bool:
        """Whether slots go to the file through ``sendfile`` (else ``os.write``)."""
        return self._memfd >= 0

    def push(self, chunk: bytes) -> Iterator[Slot]:
        """Copy ``chunk`` into the ring, yielding each slot it fills (usually none).

        Filling resumes only when the caller asks for the next slot, so a chunk larger than the
        ring never overwrites a slot the caller has not handed over and seen drained in turn.
        """
        size, start = len(chunk), 0
        while start < size:
            base = self._slot * self._slot_size
            take = min(size - start, self._slot_size - self._fill)
            at = base + self._fill
            self._map[at : at + take] = (
                chunk if take == size else memoryview(chunk)[start : start + take]
            )
            self._fill += take
            start += take
            if self._fill == self._slot_size:
                self._slot = (self._slot + 1) % self._slots
                self._fill = 0
                yield (base, self._slot_size)

    def flush(self) -> Slot | None:
        """The slot being filled, if it holds anything (the end of the body)."""
        if not self._fill:
            return None
        slot = (self._slot * self._slot_size, self._fill)
        self._slot = (self._slot + 1) % self._slots
        self._fill = 0
        return slot

    def drain(self, fd: int, slot: Slot) -> None:
        """Write a slot to ``fd`` at its current position (writer thread)."""
        offset, length = slot
        end = offset + length
        if self._memfd >= 0:
            try:
                while offset < end:
                    offset += os.sendfile(fd, self._memfd, offset, end - offset)
                return
            except OSError as exc:
                if exc.errno not in _NO_SENDFILE:
                    raise
                self._close_memfd()  # a file system that refuses it: plain writes from now on
        with memoryview(self._map) as ring:
            while offset < end:
                with ring[offset:end] as rest:
                    offset += os.write(fd, rest)

    def close(self) -> None:
        """Release the ring (once the writer thread is done with it)."""
        self._map.close()
        self._close_memfd()

    def _close_memfd(self) -> None:
        memfd, self._memfd = self._memfd, -1
        if memfd >= 0:
            os.close(memfd)


def _memfd() -> int:
    """A new memfd on Linux, else -1."""
    create = getattr(os, "memfd_create", None)
    if create is None or not sys.platform.startswith("linux"):
        return -1
    try:
        return int(create("ignisign-download", os.MFD_CLOEXEC))
    except OSError:
        return -1
