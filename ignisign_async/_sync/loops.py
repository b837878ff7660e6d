"""The loops of the sync facade: where one thread's calls run, and the helper thread's.

A :class:`Slot` is an asyncio event loop and the :class:`~ignisign_async.AsyncIgnisign` built in
it: run in place by the thread that made it, or forever by a :class:`Helper` thread for callers
that cannot run a loop themselves. :class:`View` holds a ``with_options`` copy's settings, applied
once to each loop's client. :mod:`.runtime` decides which slot serves a call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

if TYPE_CHECKING:
    from .._client import AsyncIgnisign

__all__ = [
    "CLOSED_MESSAGE",
    "OWN_LOOP_MESSAGE",
    "Helper",
    "HelperThread",
    "Release",
    "Slot",
    "View",
    "close_all",
    "get_running_loop",
    "in_async_context",
]

_T = TypeVar("_T")

get_running_loop: Final = asyncio.events._get_running_loop
"""The running loop of this thread, or ``None`` (no exception to catch: it runs on every call)."""

OWN_LOOP_MESSAGE: Final = (
    "this sync Ignisign client was called from its own event loop thread (from a callback or "
    "a transport running inside one of its calls); waiting there would deadlock. Call it from "
    "another thread, or use AsyncIgnisign with 'await' in async code."
)
CLOSED_MESSAGE: Final = "this client is closed; create a new one"


def in_async_context() -> bool:
    """Whether an event loop (asyncio, or Trio through sniffio) runs in this thread."""
    if get_running_loop() is not None:
        return True
    sniffio = sys.modules.get("sniffio")
    return sniffio is not None and (
        sniffio.thread_local.name is not None
        or sniffio.current_async_library_cvar.get() is not None
    )


@final
class View:
    """The settings of a ``with_options`` copy, applied once to each loop's client."""

    __slots__ = ("__weakref__", "_apply", "_parent")

    def __init__(
        self, apply: Callable[[AsyncIgnisign], AsyncIgnisign], parent: View | None
    ) -> None:
        self._apply = apply
        self._parent = parent

    def apply(self, client: AsyncIgnisign) -> AsyncIgnisign:
        """The copy of ``client`` with these settings."""
        base = client if self._parent is None else self._parent.apply(client)
        return self._apply(base)


class HelperThread(threading.Thread):
    """The thread of a :class:`Helper` (recognised by type)."""


@final
class Helper:
    """A daemon thread running one event loop forever, for callers that cannot run one."""

    __slots__ = ("loop", "thread")

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = HelperThread(target=self.loop.run_forever, name="ignisign-sync", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # interrupted while waiting (Ctrl-C): stop the call too
            raise

    def stop(self) -> None:
        """Stop the loop, wait for the thread, close the loop (the loop must be idle)."""
        loop = self.loop
        with contextlib.suppress(RuntimeError):  # already closed
            loop.call_soon_threadsafe(loop.stop)
        self.thread.join()
        loop.close()


Release = Callable[[], Awaitable[None]]
"""Closes what a slot's client was built on and does not close itself (its ``http_client``)."""


async def close_client(client: AsyncIgnisign, release: Release | None) -> None:
    """Close ``client``, then what it was built on."""
    try:
        await client.aclose()
    finally:
        if release is not None:
            await release()


async def settle_and_close(client: AsyncIgnisign, release: Release | None) -> None:
    """On the helper's loop: let calls in flight finish, then close the client."""
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current]
    if pending:
        await asyncio.wait(pending)
    try:
        await close_client(client, release)
    finally:
        await asyncio.get_running_loop().shutdown_asyncgens()


@final
class Slot:
    """An event loop, the async client built inside it, and who may run it."""

    __slots__ = ("client", "closed", "helper", "lock", "loop", "pid", "release", "thread", "views")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        built: tuple[AsyncIgnisign, Release | None],
        thread: threading.Thread,
        helper: Helper | None,
    ) -> None:
        self.loop = loop
        self.client, self.release = built
        self.thread = thread
        self.helper = helper
        """The helper running this loop forever, or ``None``: ``thread`` runs it in place."""
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.closed = False
        self.views: weakref.WeakKeyDictionary[View, AsyncIgnisign] = weakref.WeakKeyDictionary()

    def client_for(self, view: View | None) -> AsyncIgnisign:
        if view is None:
            return self.client
        client = self.views.get(view)
        if client is None:
            client = self.views[view] = view.apply(self.client)
        return client

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        if self.helper is not None:
            return self.helper.run(coro)
        with self.lock:
            if self.closed:
                coro.close()
                raise RuntimeError(CLOSED_MESSAGE)
            loop = self.loop
            task = loop.create_task(coro)
            try:
                return loop.run_until_complete(task)
            except BaseException:
                if not task.done():  # interrupted (Ctrl-C): cancel the call, let it unwind
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        loop.run_until_complete(task)
                raise

    def close(self) -> None:
        """Close the client and the loop (from any thread, once no call runs on it)."""
        if self.helper is not None:
            if self.closed:
                return
            self.closed = True
            try:
                self.helper.run(settle_and_close(self.client, self.release))
            finally:
                self.helper.stop()
            return
        with self.lock:
            if self.closed:
                return
            self.closed = True
            loop = self.loop
            try:
                loop.run_until_complete(close_client(self.client, self.release))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()


def close_all(slots: list[Slot], errors: list[BaseException]) -> None:
    for slot in slots:
        try:
            slot.close()
        except Exception as exc:
            errors.append(exc)
