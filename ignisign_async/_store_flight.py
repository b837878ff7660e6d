"""A fleet's single flight: the token fetch of one client goes through a shared token store.

:class:`StoreFlight` sits *beneath* the in-process single flight (:class:`TokenManager`, or the
sync facade's shared ledger): it runs only when the local token is missing or due, so a warm
token costs no store round trip. Then:

1. the stored token is taken when there is one;
2. else the fleet's lock is taken (``put_if_absent`` of a random owner with ``lock_ttl``), the
   store read once more (a token may have landed meanwhile), the token fetched from the API and
   stored for its lifetime less the refresh margin, and the lock released by compare-and-delete;
3. a client that finds the lock taken polls the store (10 ms, doubling, at most 200 ms, with
   jitter) until the token lands or the lock is free to take. Polling rather than pub/sub: a
   waiter needs no connection of its own in subscriber mode, cannot miss a release that
   happened before it subscribed, and sees a crashed owner's lock expire the same way it sees
   a token land; a fetch lasts tens of milliseconds, so a waiter makes a handful of reads. A
   waiter that saw no token for two lock lifetimes (owners that keep failing or stalling)
   fetches its own.

A 401 drops the stored token only if it still is the one refused (compare-and-delete). Any store
failure, or an operation slower than the store's ``timeout``, makes the client fetch its own
token: the store is then left alone for ``retry_after`` seconds (one warning per outage, one
line when it answers again), so a store that is down or slow never fails a call.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import secrets
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

import anyio
import anyio.to_thread

from ._auth import renew_at
from ._errors import redact_tokens
from ._token_store import TokenStore, check_store_settings

__all__ = ["StoreFlight", "store_ttl"]

logger = logging.getLogger("ignisign_async")

_T = TypeVar("_T")

FIRST_POLL: Final = 0.01
MAX_POLL: Final = 0.2


class _Unavailable:
    """Sentinel: the store failed or was too slow, or is being left alone for a while."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNAVAILABLE"


UNAVAILABLE: Final = _Unavailable()


def store_ttl(token: str, now: float) -> float:
    """How long ``token`` may stay in a store: its lifetime less the refresh margin (the rule
    of :func:`~ignisign_async._auth.renew_at`), so a stored token is never one a client would
    renew."""
    return renew_at(token, now) - now


class _Guard:
    """The health of one store, shared by every client of the process that uses it."""

    __slots__ = ("_lock", "_store", "down_until", "outage")

    def __init__(self, store: TokenStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.down_until = 0.0
        self.outage = False

    async def run(self, operation: Callable[..., _T], *args: Any) -> _T | _Unavailable:
        """``operation(*args)`` in a worker thread, bounded by the store's timeout."""
        if self.down_until and time.monotonic() < self.down_until:
            return UNAVAILABLE
        call = functools.partial(operation, *args)
        try:
            with anyio.fail_after(self._store.timeout):
                result = await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
        except Exception as exc:  # a store's failure is never the call's
            self._failed(exc)
            return UNAVAILABLE
        if self.outage:
            self._recovered()
        return result

    def reset_lock(self) -> None:
        """A fresh lock (in a forked child)."""
        self._lock = threading.Lock()

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self.down_until = time.monotonic() + self._store.retry_after
            first = not self.outage
            self.outage = True
        reason = "timed out" if isinstance(exc, TimeoutError) else redact_tokens(str(exc))
        if first:
            logger.warning(
                "token store %r unavailable (%s: %s); fetching tokens directly, "
                "trying the store again in %g s",
                self._store,
                type(exc).__name__,
                reason,
                self._store.retry_after,
            )
        else:
            logger.debug("token store %r still unavailable (%s)", self._store, type(exc).__name__)

    def _recovered(self) -> None:
        with self._lock:
            was_out = self.outage
            self.outage = False
            self.down_until = 0.0
        if was_out:
            logger.info("token store %r answers again", self._store)


_GUARDS: weakref.WeakKeyDictionary[Any, _Guard] = weakref.WeakKeyDictionary()
_GUARDS_LOCK = threading.Lock()


def _after_fork_in_child() -> None:
    """A lock another thread held at the fork stays held in the child: new ones."""
    global _GUARDS_LOCK
    _GUARDS_LOCK = threading.Lock()
    for guard in list(_GUARDS.values()):
        guard.reset_lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _guard_for(store: TokenStore) -> _Guard:
    try:
        with _GUARDS_LOCK:
            guard = _GUARDS.get(store)
            if guard is None:
                guard = _GUARDS[store] = _Guard(store)
            return guard
    except TypeError:  # a store that cannot be weakly referenced or hashed: one per client
        return _Guard(store)


class StoreFlight:
    """The store-backed token fetch of one client (see the module's docstring)::

    flight = StoreFlight(store, app_id="appId_...", app_env="DEVELOPMENT")
    token = await flight.obtain(fetch_from_the_api)
    """

    __slots__ = ("_guard", "_lock_key", "_store", "_token_key")

    def __init__(self, store: TokenStore, *, app_id: str, app_env: str) -> None:
        if not isinstance(store, TokenStore):
            raise TypeError(
                "token_store must implement ignisign_async.TokenStore (get, put, "
                "put_if_absent, delete_if_equal, timeout, lock_ttl, retry_after), "
                f"got {type(store).__name__}"
            )
        check_store_settings(store)
        self._store = store
        self._guard = _guard_for(store)
        self._token_key = f"{app_env}:{app_id}:token"
        self._lock_key = f"{app_env}:{app_id}:lock"

    def __repr__(self) -> str:
        return f"<StoreFlight {self._store!r}>"

    @property
    def store(self) -> TokenStore:
        """The store this flight reads and writes."""
        return self._store

    async def obtain(self, fetch: Callable[[], Awaitable[str]]) -> str:
        """The fleet's token: the stored one, else one fetched by one client of the fleet."""
        guard, store = self._guard, self._store
        token = await guard.run(store.get, self._token_key)
        if isinstance(token, str):
            return token
        if token is UNAVAILABLE:
            return await fetch()
        owner = secrets.token_hex(16)
        delay = FIRST_POLL
        give_up_at = time.monotonic() + 2 * store.lock_ttl
        while True:
            won = await guard.run(store.put_if_absent, self._lock_key, owner, store.lock_ttl)
            if won is UNAVAILABLE:
                return await fetch()
            if won:
                return await self._fetch_as_owner(fetch, owner)
            await anyio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, MAX_POLL, store.lock_ttl / 4)
            token = await guard.run(store.get, self._token_key)
            if isinstance(token, str):
                return token
            if token is UNAVAILABLE or time.monotonic() > give_up_at:
                return await fetch()  # the lock outlived two of its lifetimes: fetch our own

    async def _fetch_as_owner(self, fetch: Callable[[], Awaitable[str]], owner: str) -> str:
        guard, store = self._guard, self._store
        try:
            landed = await guard.run(store.get, self._token_key)
            if isinstance(landed, str):  # stored between our first read and our lock
                return landed
            token = await fetch()
            ttl = store_ttl(token, time.time())
            if ttl > 0:
                await guard.run(store.put, self._token_key, token, ttl)
            return token
        finally:
            with anyio.CancelScope(shield=True):
                await guard.run(store.delete_if_equal, self._lock_key, owner)

    async def discard(self, token: str) -> None:
        """Drop ``token`` from the store if it is still the stored one (the API refused it)."""
        await self._guard.run(self._store.delete_if_equal, self._token_key, token)
