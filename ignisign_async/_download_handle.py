"""What ``stream_*()`` returns before it is entered, and the hint it gives when misused."""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from typing import Any, Final, NoReturn, TypeVar, final

__all__ = ["OpenDownload"]

_S = TypeVar("_S")

_HINT: Final = (
    "stream_*() gives an async context manager, to enter with `async with`:"
    " `async with client.proofs.stream_signature_proof(document_id) as stream:"
    " await stream.save(path)`; download_*(..., to) does it in one call"
)


@final
class OpenDownload(contextlib.AbstractAsyncContextManager[_S]):
    """What ``stream_*()`` returns: ``async with`` it to get the download stream.

    Awaited, iterated or asked for one of the stream's attributes (``kind``'s) instead, it says
    so, rather than showing an internal type."""

    __slots__ = ("_kind", "_manager")

    def __init__(self, manager: contextlib.AbstractAsyncContextManager[_S], kind: type[_S]) -> None:
        self._manager = manager
        self._kind = kind

    async def __aenter__(self) -> _S:
        return await self._manager.__aenter__()

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        return await self._manager.__aexit__(*exc_info)

    def __await__(self) -> Generator[Any, None, _S]:
        raise TypeError(_HINT)

    def __aiter__(self) -> NoReturn:
        raise TypeError(_HINT)

    def __getattr__(self, name: str) -> NoReturn:
        if not name.startswith("_") and hasattr(self._kind, name):
            raise AttributeError(f"{name!r} belongs to the stream: {_HINT}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
