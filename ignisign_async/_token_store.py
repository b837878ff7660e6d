"""Where the clients of a fleet share their API token: the :class:`TokenStore` protocol.

A store is four blocking key-value operations and three settings. The client builds the keys
(``<app_env>:<app_id>:token`` and ``<app_env>:<app_id>:lock``: never the secret), runs every
operation in a worker thread (so one store serves asyncio, Trio and the sync facade's loops
alike) and bounds each one by ``timeout``; a store that fails or is slow is left alone for
``retry_after`` seconds while the client fetches its own tokens. See
:class:`~ignisign_async.RedisTokenStore` for the fleet-wide one and :class:`MemoryTokenStore` for
the clients of one process.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from typing import Final, Protocol, final, runtime_checkable

__all__ = ["MemoryTokenStore", "TokenStore", "check_store_settings"]

DEFAULT_TIMEOUT: Final = 0.5
DEFAULT_LOCK_TTL: Final = 10.0
DEFAULT_RETRY_AFTER: Final = 30.0


@runtime_checkable
class TokenStore(Protocol):
    """What ``AsyncIgnisign(token_store=...)`` and ``Ignisign(token_store=...)`` accept.

    Every method may block (the client calls it from a worker thread) and may raise any
    ``Exception``: the client then fetches its own token and leaves the store alone for a while.
    A minimal implementation over some shared key-value service::

        class MyStore:
            timeout = 0.5        # seconds one operation may take
            lock_ttl = 10.0      # how long a token fetch may hold the fleet's lock
            retry_after = 30.0   # how long a failing store is left alone

            def get(self, key): ...
            def put(self, key, value, ttl): ...
            def put_if_absent(self, key, value, ttl): ...
            def delete_if_equal(self, key, value): ...
    """

    @property
    def timeout(self) -> float:
        """Seconds one operation may take before the client gives up on it."""
        ...

    @property
    def lock_ttl(self) -> float:
        """Seconds a token fetch may hold the fleet's lock (a crashed holder frees it then)."""
        ...

    @property
    def retry_after(self) -> float:
        """Seconds a store that failed is left alone before the client tries it again."""
        ...

    def get(self, key: str) -> str | None:
        """The value under ``key``, or ``None`` when there is none (or it expired)."""
        ...

    def put(self, key: str, value: str, ttl: float) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds, replacing what was there."""
        ...

    def put_if_absent(self, key: str, value: str, ttl: float) -> bool:
        """Store ``value`` for ``ttl`` seconds only if ``key`` holds nothing; whether it did."""
        ...

    def delete_if_equal(self, key: str, value: str) -> bool:
        """Delete ``key`` only if it still holds ``value``, atomically; whether it did."""
        ...


def check_store_settings(store: TokenStore) -> None:
    """Raise ``ValueError`` unless the store's three settings are positive numbers."""
    for name in ("timeout", "lock_ttl", "retry_after"):
        value = getattr(store, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"the token store's {name} must be a number > 0, got {value!r}")


def check_settings(*, timeout: float, lock_ttl: float, retry_after: float) -> None:
    """The constructor-side check of the three settings (``ValueError`` when one is wrong)."""
    for name, value in (("timeout", timeout), ("lock_ttl", lock_ttl), ("retry_after", retry_after)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a number > 0, got {value!r}")


_MEMORY_STORES: weakref.WeakSet[MemoryTokenStore] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for store in list(_MEMORY_STORES):
        store._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@final
class MemoryTokenStore:
    """A :class:`TokenStore` in this process's memory (thread-safe): one token for several
    clients of one process, e.g. one per event loop or thread, and a reference for custom stores::

        store = MemoryTokenStore()
        a = AsyncIgnisign(token_store=store)
        b = AsyncIgnisign(token_store=store)   # takes the token a fetched
    """

    __slots__ = ("__weakref__", "_entries", "_lock", "lock_ttl", "retry_after", "timeout")

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        retry_after: float = DEFAULT_RETRY_AFTER,
    ) -> None:
        check_settings(timeout=timeout, lock_ttl=lock_ttl, retry_after=retry_after)
        self.timeout = float(timeout)
        self.lock_ttl = float(lock_ttl)
        self.retry_after = float(retry_after)
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, float]] = {}
        _MEMORY_STORES.add(self)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()  # another thread may have held it at the fork

    def __repr__(self) -> str:
        with self._lock:
            count = sum(1 for _, until in self._entries.values() if until > time.monotonic())
        return f"<MemoryTokenStore {count} live key(s)>"

    def _live(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[1] <= time.monotonic():
            del self._entries[key]
            return None
        return entry[0]

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key)

    def put(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (value, time.monotonic() + ttl)

    def put_if_absent(self, key: str, value: str, ttl: float) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._entries[key] = (value, time.monotonic() + ttl)
            return True

    def delete_if_equal(self, key: str, value: str) -> bool:
        with self._lock:
            if self._live(key) != value:
                return False
            del self._entries[key]
            return True
