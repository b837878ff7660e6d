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
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import httpx

from .loops import (
    CLOSED_MESSAGE,
    OWN_LOOP_MESSAGE,
    Helper,
    HelperThread,
    Release,
    Slot,
    View,
    close_all,
    get_running_loop,
    in_async_context,
)
from .tokens import SharedTokens, ThreadSharedTokenManager

if TYPE_CHECKING:
    from .._auth import TokenSource
    from .._client import AsyncIgnisign

__all__ = ["SyncRuntime", "Pin", "View", "loop_free_transport", "TokenFactory", "ClientFactory"]

_T = TypeVar("_T")

TokenFactory = Callable[[Callable[[], Awaitable[str]]], "TokenSource"]
"""What ``AsyncIgnisign(_tokens=...)`` takes: builds a client's token source from its fetch."""
ClientFactory = Callable[[TokenFactory], "tuple[AsyncIgnisign, Release | None]"]
"""Builds one loop's async client, given the token source factory it must use, and what closes
what it was built on (``None``: closing the client closes everything)."""

FORKED_MESSAGE: Final = (
    "this client cannot be used after os.fork(): its transport or http_client came from the "
    "parent process and may hold the parent's connections. Create the client in the child "
    "(or let it build its own pool: no transport, no http_client)"
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
class Pin:
    """One loop's client, held by an iterator or a download: all its steps run on that loop."""

    __slots__ = ("_runtime", "_slot", "client")

    def __init__(self, runtime: SyncRuntime, slot: Slot, client: AsyncIgnisign) -> None:
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
            elif in_async_context():
                problem = "an event loop now runs in its thread; use it outside of async code"
        elif get_running_loop() is slot.loop:
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
    (``per_thread=True``), or once on the helper thread. ``fork_safe``: whether a forked child may
    start afresh (else the client refuses every call there: it would share the parent's sockets).
    Construction builds the first client right away, so bad arguments raise here.
    """

    __slots__ = (
        "__weakref__",
        "_closed",
        "_closed_message",
        "_factory",
        "_fork_safe",
        "_helper_slot",
        "_local",
        "_lock",
        "_per_thread",
        "_pid",
        "_slots",
        "_tokens",
        "home",
    )

    def __init__(self, factory: ClientFactory, *, per_thread: bool, fork_safe: bool) -> None:
        self._factory = factory
        self._per_thread = per_thread
        self._fork_safe = fork_safe
        self._closed = False
        self._closed_message = CLOSED_MESSAGE
        self._pid = os.getpid()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots: list[Slot] = []
        self._helper_slot: Slot | None = None
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

    def _slot(self) -> Slot:
        if self._pid != os.getpid():
            self._forget_parent()
        if self._closed:
            raise RuntimeError(self._closed_message)
        if self._per_thread and not in_async_context():
            slot: Slot | None = getattr(self._local, "slot", None)
            # built outside any ``except``: a bad argument's ValueError comes alone, unchained
            return self._new_local_slot() if slot is None else slot
        slot_ = self._helper_slot or self._start_helper()
        if get_running_loop() is slot_.loop:
            raise RuntimeError(OWN_LOOP_MESSAGE)
        return slot_

    def _token_source(self, fetch: Callable[[], Awaitable[str]]) -> ThreadSharedTokenManager:
        return ThreadSharedTokenManager(fetch, self._tokens)

    async def _build(self) -> tuple[AsyncIgnisign, Release | None]:
        return self._factory(self._token_source)

    def _new_local_slot(self) -> Slot:
        loop = asyncio.new_event_loop()
        try:
            built = loop.run_until_complete(self._build())
        except BaseException:
            loop.close()
            raise
        slot = Slot(loop, built, threading.current_thread(), None)
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

    def _start_helper(self) -> Slot:
        with self._lock:
            if self._closed:
                raise RuntimeError(CLOSED_MESSAGE)
            slot = self._helper_slot
            if slot is None:
                helper = Helper()
                try:
                    built = helper.run(self._build())
                except BaseException:
                    helper.stop()
                    raise
                slot = self._helper_slot = Slot(helper.loop, built, helper.thread, helper)
            return slot

    @staticmethod
    def on_helper_thread() -> bool:
        """Whether the current thread is a helper's (its loop may not block)."""
        return isinstance(threading.current_thread(), HelperThread)

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
            running = get_running_loop()
            if running is not None and any(running is slot.loop for slot in slots):
                raise RuntimeError(
                    "close() was called from inside one of this client's own calls; "
                    "close it once the call returned"
                )
            self._closed = True
            self._slots = []
            self._helper_slot = None
        if in_async_context():  # this thread cannot run the loops: close them from another
            errors: list[BaseException] = []
            closer = threading.Thread(
                target=close_all, args=(slots, errors), name="ignisign-sync-close"
            )
            closer.start()
            closer.join()
            if errors:
                raise errors[0]
        else:
            errors = []
            close_all(slots, errors)
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
        if not self._fork_safe:  # a caller's transport or http_client: the parent's connections
            self._closed = True
            self._closed_message = FORKED_MESSAGE


def _after_fork_in_child() -> None:
    for runtime in list(_RUNTIMES):
        runtime._forget_parent()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
