"""How the sync facade runs the async core: a private event loop in each calling thread.

:class:`SyncRuntime` is the engine under :class:`ignisign_async.Ignisign`. The first call a thread
makes creates, for that thread only, an asyncio event loop and an
:class:`~ignisign_async.AsyncIgnisign` built inside it (its own connection pool); every call then
runs its coroutine right there with ``loop.run_until_complete``. Nothing bound to a loop is ever
shared between threads; the API token is, through :mod:`.tokens`.

Why not one event-loop thread per client (an anyio blocking portal)? Every call would pay a
thread hop. Measured on the 2-core reference machine against an in-process transport
(``benchmarks/sync_overhead.py``, median per call over the async core's own ~190 µs): running in
place adds about 21 µs, ``asyncio.run_coroutine_threadsafe`` to a loop thread 65 to 105 µs, an
anyio portal 130 to 210 µs.

A thread cannot run a second event loop while one already runs in it (Jupyter, a sync function
called from async code, a callback running inside one of our own calls). Such calls go to a
*helper thread* that runs one loop forever. The helper also serves every call when the loop
cannot be chosen per thread: a caller-owned ``http_client`` or a transport that may hold
connections bound to one loop; only ``transport=None`` (one pool per thread),
``httpx.MockTransport`` and transports whose class sets ``loop_free = True`` (the emulator's
does) are known to be usable from several loops.
A call made *from* the helper's own loop would wait for itself: it raises ``RuntimeError``.

After ``os.fork()`` the child abandons everything the parent's runtime held -- loops, clients,
the helper thread object -- without running any cleanup (their sockets and loop descriptors are
the parent's, and finalizing the helper would wait forever for a thread that does not exist in
the child); they are parked in :data:`_GRAVEYARD` so that garbage collection never finalizes
them, and the child starts afresh on its next call. A client built on a caller's transport or
``http_client`` cannot start afresh (those may hold the parent's connections): in the child it
refuses every call with a clear ``RuntimeError``.
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

import httpx

from .tokens import SharedTokens, ThreadSharedTokenManager

if TYPE_CHECKING:
    from .._auth import TokenSource
    from .._client import AsyncIgnisign

__all__ = ["SyncRuntime", "Pin", "View", "loop_free_transport", "TokenFactory", "ClientFactory"]

_T = TypeVar("_T")

TokenFactory = Callable[[Callable[[], Awaitable[str]]], "TokenSource"]
"""What ``AsyncIgnisign(_tokens=...)`` takes: builds a client's token source from its fetch."""
ClientFactory = Callable[[TokenFactory], "AsyncIgnisign"]
"""Builds one loop's async client, given the token source factory it must use."""

_get_running_loop: Final = asyncio.events._get_running_loop

OWN_LOOP_MESSAGE: Final = (
    "this sync Ignisign client was called from its own event loop thread (from a callback or "
    "a transport running inside one of its calls); waiting there would deadlock. Call it from "
    "another thread, or use AsyncIgnisign with 'await' in async code."
)
CLOSED_MESSAGE: Final = "this client is closed; create a new one"
FORKED_MESSAGE: Final = (
    "this client cannot be used after os.fork(): its transport or http_client came from the "
    "parent process and may hold the parent's connections. Create the client in the child "
    "(or let it build its own pool: no transport, no http_client)"
)


def _in_async_context() -> bool:
    """Whether an event loop (asyncio, or Trio through sniffio) runs in this thread."""
    if _get_running_loop() is not None:
        return True
    sniffio = sys.modules.get("sniffio")
    return sniffio is not None and (
        sniffio.thread_local.name is not None
        or sniffio.current_async_library_cvar.get() is not None
    )


def loop_free_transport(
    transport: httpx.AsyncBaseTransport | None, http_client: httpx.AsyncClient | None
) -> bool:
    """Whether each thread may build its own client from these arguments.

    ``None`` gives every thread its own pool; a mock or the emulator keeps no connection and
    closing it is harmless (each thread's client closes it once). Anything else may hold
    connections bound to the loop that opened them, and to the process: such a client is not
    usable after ``os.fork()`` either. A transport says it is loop-free with a class attribute
    ``loop_free = True``.
    """
    if http_client is not None:
        return False
    if transport is None or isinstance(transport, httpx.MockTransport):
        return True
    return getattr(type(transport), "loop_free", False) is True


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


class _HelperThread(threading.Thread):
    """The thread of a :class:`_Helper` (recognised by type)."""


@final
class _Helper:
    """A daemon thread running one event loop forever, for callers that cannot run one."""

    __slots__ = ("loop", "thread")

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = _HelperThread(target=self.loop.run_forever, name="ignisign-sync", daemon=True)
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


async def _settle_and_close(client: AsyncIgnisign) -> None:
    """On the helper's loop: let calls in flight finish, then close the client."""
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current]
    if pending:
        await asyncio.wait(pending)
    try:
        await client.aclose()
    finally:
        await asyncio.get_running_loop().shutdown_asyncgens()


@final
class _Slot:
    """An event loop, the async client built inside it, and who may run it."""

    __slots__ = ("client", "closed", "helper", "lock", "loop", "pid", "thread", "views")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        client: AsyncIgnisign,
        thread: threading.Thread,
        helper: _Helper | None,
    ) -> None:
        self.loop = loop
        self.client = client
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
                self.helper.run(_settle_and_close(self.client))
            finally:
                self.helper.stop()
            return
        with self.lock:
            if self.closed:
                return
            self.closed = True
            loop = self.loop
            try:
                loop.run_until_complete(self.client.aclose())
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()


@final
class Pin:
    """One loop's client, held by an iterator or a download: all its steps run on that loop."""

    __slots__ = ("_runtime", "_slot", "client")

    def __init__(self, runtime: SyncRuntime, slot: _Slot, client: AsyncIgnisign) -> None:
        self._runtime = runtime
        self._slot = slot
        self.client = client

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run one step on the pinned loop."""
        slot = self._slot
        problem: str | None = None
        if slot.pid != os.getpid():
            problem = "it was opened before os.fork(); open it again in this process"
        elif slot.closed or self._runtime.closed:
            problem = CLOSED_MESSAGE
        elif slot.helper is None:
            if threading.current_thread() is not slot.thread:
                problem = (
                    f"it was opened in thread {slot.thread.name!r}; use it in that thread, "
                    "or open it in this one"
                )
            elif _in_async_context():
                problem = "an event loop now runs in its thread; use it outside of async code"
        elif _get_running_loop() is slot.loop:
            problem = OWN_LOOP_MESSAGE
        if problem is not None:
            coro.close()
            raise RuntimeError(f"cannot use this iterator or download: {problem}")
        return slot.run(coro)


_GRAVEYARD: Final[list[object]] = []
"""What forked children inherited from their parent's runtimes; never finalized (see above)."""

_RUNTIMES: Final[weakref.WeakSet[SyncRuntime]] = weakref.WeakSet()


class SyncRuntime:
    """The loops, threads and async clients behind one sync client and its ``with_options`` copies.

    ``factory`` builds an :class:`AsyncIgnisign` with the token source it is given (all share
    one token); it is called inside the loop that will run the client: once per calling thread
    (``per_thread=True``), or once on the helper thread.
    Construction builds the first client right away, so bad arguments raise here.
    """

    __slots__ = (
        "__weakref__",
        "_closed",
        "_closed_message",
        "_factory",
        "_helper_slot",
        "_local",
        "_lock",
        "_per_thread",
        "_pid",
        "_slots",
        "_tokens",
        "home",
    )

    def __init__(self, factory: ClientFactory, *, per_thread: bool) -> None:
        self._factory = factory
        self._per_thread = per_thread
        self._closed = False
        self._closed_message = CLOSED_MESSAGE
        self._pid = os.getpid()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots: list[_Slot] = []
        self._helper_slot: _Slot | None = None
        self._tokens = SharedTokens()
        _RUNTIMES.add(self)
        self.home: AsyncIgnisign = self._slot().client
        """The first client built: the source of settings; calls never go through it alone."""

    def __repr__(self) -> str:
        mode = "a loop per thread" if self._per_thread else "one helper loop"
        state = "closed" if self._closed else f"{len(self._slots)} loop(s) in threads"
        return f"<SyncRuntime {mode}, {state}>"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def per_thread(self) -> bool:
        """Whether calling threads run their calls in place (else all go to the helper)."""
        return self._per_thread

    # -- running ----------------------------------------------------------------------------

    def call(self, view: View | None, fn: Callable[[AsyncIgnisign], Coroutine[Any, Any, _T]]) -> _T:
        """Run ``fn(client)`` to completion on the right loop for this thread; return its result."""
        slot = self._slot()
        return slot.run(fn(slot.client_for(view)))

    def pin(self, view: View | None) -> Pin:
        """The loop this thread's calls run on, held for an iterator or a download."""
        slot = self._slot()
        return Pin(self, slot, slot.client_for(view))

    def _slot(self) -> _Slot:
        if self._pid != os.getpid():
            self._forget_parent()
        if self._closed:
            raise RuntimeError(self._closed_message)
        if self._per_thread and not _in_async_context():
            try:
                slot: _Slot = self._local.slot
            except AttributeError:
                return self._new_local_slot()
            return slot
        slot_ = self._helper_slot or self._start_helper()
        if _get_running_loop() is slot_.loop:
            raise RuntimeError(OWN_LOOP_MESSAGE)
        return slot_

    def _token_source(self, fetch: Callable[[], Awaitable[str]]) -> ThreadSharedTokenManager:
        return ThreadSharedTokenManager(fetch, self._tokens)

    async def _build(self) -> AsyncIgnisign:
        return self._factory(self._token_source)

    def _new_local_slot(self) -> _Slot:
        loop = asyncio.new_event_loop()
        try:
            client = loop.run_until_complete(self._build())
        except BaseException:
            loop.close()
            raise
        slot = _Slot(loop, client, threading.current_thread(), None)
        with self._lock:
            closed = self._closed
            if not closed:
                self._slots.append(slot)
                dead = [s for s in self._slots if not s.thread.is_alive()]
                self._slots = [s for s in self._slots if s not in dead]
        if closed:
            slot.close()
            raise RuntimeError(CLOSED_MESSAGE)
        self._local.slot = slot
        for other in dead:  # loops of threads that ended: nobody can use them any more
            with contextlib.suppress(Exception):
                other.close()
        return slot

    def _start_helper(self) -> _Slot:
        with self._lock:
            if self._closed:
                raise RuntimeError(CLOSED_MESSAGE)
            slot = self._helper_slot
            if slot is None:
                helper = _Helper()
                try:
                    client = helper.run(self._build())
                except BaseException:
                    helper.stop()
                    raise
                slot = self._helper_slot = _Slot(helper.loop, client, helper.thread, helper)
            return slot

    @staticmethod
    def on_helper_thread() -> bool:
        """Whether the current thread is a helper's (its loop may not block)."""
        return isinstance(threading.current_thread(), _HelperThread)

    # -- closing ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close every client and loop this runtime created, in every thread. Idempotent.

        Calls in flight in other threads finish first. A thread's next call raises
        ``RuntimeError``.
        """
        if self._pid != os.getpid():
            self._forget_parent()
        with self._lock:
            if self._closed:
                return
            slots = list(self._slots)
            if self._helper_slot is not None:
                slots.append(self._helper_slot)
            running = _get_running_loop()
            if running is not None and any(running is slot.loop for slot in slots):
                raise RuntimeError(
                    "close() was called from inside one of this client's own calls; "
                    "close it once the call returned"
                )
            self._closed = True
            self._slots = []
            self._helper_slot = None
        if _in_async_context():  # this thread cannot run the loops: close them from another
            errors: list[BaseException] = []
            closer = threading.Thread(
                target=_close_all, args=(slots, errors), name="ignisign-sync-close"
            )
            closer.start()
            closer.join()
            if errors:
                raise errors[0]
        else:
            errors = []
            _close_all(slots, errors)
            if errors:
                raise errors[0]

    # -- fork -------------------------------------------------------------------------------

    def _forget_parent(self) -> None:
        """In a forked child: drop the parent's loops, clients and threads, cleaning up nothing."""
        _GRAVEYARD.append((self._local, self._slots, self._helper_slot, self._tokens))
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots = []
        self._helper_slot = None
        self._tokens = SharedTokens()
        self._pid = os.getpid()
        if not self._per_thread:  # a caller's transport or http_client: the parent's connections
            self._closed = True
            self._closed_message = FORKED_MESSAGE


def _close_all(slots: list[_Slot], errors: list[BaseException]) -> None:
    for slot in slots:
        try:
            slot.close()
        except Exception as exc:
            errors.append(exc)


def _after_fork_in_child() -> None:
    for runtime in list(_RUNTIMES):
        runtime._forget_parent()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
