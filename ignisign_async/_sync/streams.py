"""``with client.proofs.stream_*(...) as stream:``: a download opened from sync code."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

if TYPE_CHECKING:
    from .._client import AsyncIgnisign
    from .._downloads import DownloadStream
    from .runtime import Pin, SyncRuntime, View

__all__ = ["StreamContext"]

_T = TypeVar("_T")
_S = TypeVar("_S")


async def _enter(manager: contextlib.AbstractAsyncContextManager[_T]) -> _T:
    return await manager.__aenter__()


async def _exit(
    manager: contextlib.AbstractAsyncContextManager[Any],
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> bool | None:
    return await manager.__aexit__(exc_type, exc, tb)


class StreamContext(contextlib.AbstractContextManager[_S]):
    """``with client.proofs.stream_asic(document_id) as stream:`` -- a download, from sync code.

    Entering opens the async download on this thread's loop and wraps it in ``twin``; the
    stream's methods and the exit run on that same loop.
    """

    __slots__ = ("_manager", "_open", "_pin", "_runtime", "_twin", "_view")

    def __init__(
        self,
        runtime: SyncRuntime,
        view: View | None,
        twin: Callable[[DownloadStream, Pin], _S],
        open_: Callable[[AsyncIgnisign], contextlib.AbstractAsyncContextManager[DownloadStream]],
    ) -> None:
        self._runtime = runtime
        self._view = view
        self._twin = twin
        self._open = open_
        self._pin: Pin | None = None
        self._manager: contextlib.AbstractAsyncContextManager[DownloadStream] | None = None

    def __enter__(self) -> _S:
        if self._pin is not None:
            raise RuntimeError("this download was already opened; call the method again")
        pin = self._runtime.pin(self._view)
        manager = self._open(pin.client)
        stream = pin.run(_enter(manager))
        self._pin, self._manager = pin, manager
        return self._twin(stream, pin)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._pin is not None
        assert self._manager is not None
        return self._pin.run(_exit(self._manager, exc_type, exc, tb))

    def __iter__(self) -> NoReturn:
        raise TypeError(_STREAM_HINT)

    def __getattr__(self, name: str) -> NoReturn:
        if not name.startswith("_") and hasattr(self._twin, name):
            raise AttributeError(f"{name!r} belongs to the stream: {_STREAM_HINT}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


_STREAM_HINT: Final = (
    "stream_*() gives a context manager, to enter with `with`: `with"
    " client.proofs.stream_signature_proof(document_id) as stream: stream.save(path)`;"
    " download_*(..., to) does it in one call"
)
