"""The ring a download to a path passes through: slots handed over in order, drained byte-exact
through ``sendfile`` or ``os.write``."""

from __future__ import annotations

import errno
import os
import pathlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ignisign_async._spool import Spool


def drained(spool: Spool, path: pathlib.Path, chunks: list[bytes]) -> bytes:
    """Push ``chunks``, draining each full slot as soon as it is returned; the file's bytes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for chunk in chunks:
            for slot in spool.push(chunk):
                spool.drain(fd, slot)
        last = spool.flush()
        if last is not None:
            spool.drain(fd, last)
    finally:
        os.close(fd)
        spool.close()
    return path.read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=300), max_size=30),
    slot_size=st.integers(min_value=1, max_value=128),
    slots=st.integers(min_value=1, max_value=4),
    sendfile=st.booleans(),
)
def test_bytes_arrive_in_order_whatever_the_chunking(
    tmp_path_factory: pytest.TempPathFactory,
    sizes: list[int],
    slot_size: int,
    slots: int,
    sendfile: bool,
) -> None:
    body = os.urandom(sum(sizes))
    chunks, at = [], 0
    for size in sizes:
        chunks.append(body[at : at + size])
        at += size
    spool = Spool(slots=slots, slot_size=slot_size, sendfile=sendfile)
    path = tmp_path_factory.mktemp("spool") / "body"
    assert drained(spool, path, chunks) == body


def test_full_slots_are_returned_as_they_fill() -> None:
    spool = Spool(slots=2, slot_size=4)
    try:
        assert list(spool.push(b"abc")) == []
        assert list(spool.push(b"defghij")) == [(0, 4), (4, 4)]  # the ring went round
        assert spool.flush() == (0, 2)
        assert spool.flush() is None
    finally:
        spool.close()


def test_linux_drains_through_sendfile(tmp_path: pathlib.Path) -> None:
    spool = Spool(slots=2, slot_size=8)
    assert spool.uses_sendfile is pytest.importorskip("sys").platform.startswith("linux")
    assert drained(spool, tmp_path / "body", [b"x" * 20]) == b"x" * 20


def test_a_file_system_refusing_sendfile_gets_plain_writes(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = Spool(slots=2, slot_size=8)
    if not spool.uses_sendfile:
        pytest.skip("no sendfile here")
    calls: list[int] = []

    def refuse(*args: Any) -> int:
        calls.append(1)
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "sendfile", refuse)
    assert drained(spool, tmp_path / "body", [b"abcdefghij", b"klmnopqrstu"]) == (
        b"abcdefghijklmnopqrstu"
    )
    assert calls == [1]  # tried once, then plain writes
    assert not spool.uses_sendfile


def test_other_sendfile_errors_are_raised(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = Spool(slots=1, slot_size=4)
    if not spool.uses_sendfile:
        spool.close()
        pytest.skip("no sendfile here")

    def full(*args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "sendfile", full)
    with pytest.raises(OSError, match="No space left"):
        drained(spool, tmp_path / "body", [b"abcd"])
