"""Content decoding in bounded steps: a body's bytes as sent become its bytes as meant.

httpx inflates each chunk read off the wire in one go, so 64 KiB of gzip can become 64 MiB in
memory at once. Here every step yields at most :data:`STEP` bytes, whatever the encoding::

    decoder = Decoder.for_header(response.headers.get("Content-Encoding"))
    async for raw in response.aiter_raw():
        for piece in decoder.feed(raw):
            ...
    for piece in decoder.flush():
        ...

``identity`` (or no header) passes chunks through untouched; ``gzip``, ``x-gzip`` and
``deflate`` are inflated; several encodings are undone in reverse order. Any other encoding is a
:class:`ValueError` (the SDK only asks for these: ``Accept-Encoding: gzip, deflate``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Final, Protocol, final

__all__ = ["ACCEPT_ENCODING", "STEP", "Decoder", "Rechunk"]

STEP: Final = 1 << 16
"""The most bytes one decoding step produces."""

ACCEPT_ENCODING: Final = "gzip, deflate"
"""The encodings the SDK asks for: the ones it decodes in bounded steps."""


class _Stage(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def flush(self) -> Iterator[bytes]: ...


class _Inflate:
    """One zlib stream (gzip or deflate), inflated at most :data:`STEP` bytes at a time."""

    __slots__ = ("_gzip", "_obj", "_started")

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._started = False
        self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and data and not self._gzip:
            self._started = True
            try:  # a "deflate" body is zlib-wrapped by the standard, raw by many servers
                zlib.decompressobj().decompress(data[:2])
            except zlib.error:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            while True:
                out = self._obj.decompress(data, STEP)
                data = self._obj.unconsumed_tail
                if out:
                    yield out
                if not data and len(out) < STEP:
                    return
        except zlib.error as exc:
            raise ValueError(f"the body is not valid {self._name} data: {exc}") from None

    def flush(self) -> Iterator[bytes]:
        try:
            rest = self._obj.flush()
        except zlib.error as exc:
            raise ValueError(f"the body is not valid {self._name} data: {exc}") from None
        for start in range(0, len(rest), STEP):
            yield rest[start : start + STEP]

    @property
    def _name(self) -> str:
        return "gzip" if self._gzip else "deflate"


@final
class Decoder:
    """Undoes a ``Content-Encoding`` in bounded steps (see the module's docstring)."""

    __slots__ = ("_stages",)

    def __init__(self, stages: list[_Stage]) -> None:
        self._stages = stages

    @classmethod
    def for_header(cls, header: str | None) -> Decoder:
        """The decoder for a ``Content-Encoding`` header (``None``: identity)."""
        stages: list[_Stage] = []
        for token in reversed((header or "").split(",")):
            name = token.strip().lower()
            if name in ("", "identity"):
                continue
            if name in ("gzip", "x-gzip"):
                stages.append(_Inflate(gzip=True))
            elif name == "deflate":
                stages.append(_Inflate(gzip=False))
            else:
                raise ValueError(
                    f"the answer uses a content encoding the SDK does not decode: {name!r}"
                )
        return cls(stages)

    @property
    def identity(self) -> bool:
        """Whether chunks pass through untouched."""
        return not self._stages

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of one chunk as sent, none over :data:`STEP` (identity: the chunk)."""
        return self._through(0, data)

    def flush(self) -> Iterator[bytes]:
        """What is left once the body ended."""
        for index, stage in enumerate(self._stages):
            for piece in stage.flush():
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._stages):
            if data:
                yield data
            return
        for piece in self._stages[index].feed(data):
            yield from self._through(index + 1, piece)


@final
class Rechunk:
    """Cuts decoded pieces into chunks of one size (``None``: passes them on as they come)."""

    __slots__ = ("_buffer", "_size")

    def __init__(self, size: int | None) -> None:
        self._size = size
        self._buffer = bytearray()

    def push(self, data: bytes) -> Iterator[bytes]:
        size = self._size
        if size is None or (not self._buffer and len(data) == size):
            yield data
            return
        buffer = self._buffer
        buffer += data
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]

    def rest(self) -> Iterator[bytes]:
        if self._buffer:
            yield bytes(self._buffer)
            self._buffer.clear()
