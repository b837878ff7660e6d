"""One API token for all the threads of a sync client.

The sync facade (:class:`ignisign_async.Ignisign`) gives every calling thread its own
:class:`~ignisign_async.AsyncIgnisign` in its own event loop. Those clients must not share
anything bound to a loop, but they can share the token: :class:`SharedTokens` keeps it behind a
``threading.Lock`` and :class:`ThreadSharedTokenManager` (one per client) consults it.

* every call takes the shared token while it is valid (one uncontended lock, ~0.2 µs);
* when it is not, exactly one thread fetches a new token; the others wait for it on their own loops
  (woken through ``call_soon_threadsafe``, never by blocking a loop);
* a 401 answered to token T drops T everywhere, so no thread replays a token known to be bad;
* a fetch that fails wakes the waiters, which then try themselves (each gets its own error).

Only the facade's asyncio loops ever run this code.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable

from ._auth import TokenManager

__all__ = ["SharedTokens", "ThreadSharedTokenManager"]


async def _no_fetch() -> str:
    raise AssertionError("the shared ledger never fetches by itself")


class _Flight:
    """A token fetch in progress, the loops waiting for it to end, and its error if it failed
    (shared with the waiters: an auth outage costs one fetch, not one per thread)."""

    __slots__ = ("error", "waiters")

    def __init__(self) -> None:
        self.waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self.error: Exception | None = None


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class SharedTokens:
    """The token of one sync client, shared by its per-thread async clients (thread-safe).

    Like :class:`TokenManager`, it numbers the fetches it starts and knows which one produced
    the current token, so that a 401 replay reads the same facts in every thread.
    """

    __slots__ = ("_flight", "_ledger", "_lock")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ledger = TokenManager(_no_fetch)  # token, expiry and fetch numbers; under _lock
        self._flight: _Flight | None = None

    def __repr__(self) -> str:
        with self._lock:
            state = "token held" if self._ledger._current() is not None else "no token"
        return f"<SharedTokens {state}>"

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far, in every thread."""
        return self._ledger.fetches

    def current(self) -> tuple[str, int | None] | None:
        """The shared token, if it is valid for a while yet, and the number of its fetch."""
        with self._lock:
            token = self._ledger._current()
            return None if token is None else (token, self._ledger._token_fetch)

    async def obtain(self, fetch: Callable[[], Awaitable[str]]) -> tuple[str, int | None, bool]:
        """A valid token, its fetch's number, and whether this call fetched it (on this loop)."""
        while True:
            with self._lock:
                ledger = self._ledger
                token = ledger._current()
                if token is not None:
                    return token, ledger._token_fetch, False
                flight = self._flight
                if flight is None:
                    mine = self._flight = _Flight()
                    ledger._fetches += 1
                    number = ledger._fetches
                else:
                    loop = asyncio.get_running_loop()
                    waiter = loop.create_future()
                    flight.waiters.append((loop, waiter))
            if flight is not None:
                await waiter
                if flight.error is not None:
                    raise flight.error
                continue
            try:
                token = await fetch()
            except BaseException as exc:
                if isinstance(exc, Exception):
                    mine.error = exc
                self._land(mine, None, number)
                raise
            self._land(mine, token, number)
            return token, number, True

    def invalidate(self, token: str) -> None:
        """Forget ``token`` if it is still the shared one (the API answered 401 to it)."""
        with self._lock:
            self._ledger.invalidate(token)

    def _land(self, flight: _Flight, token: str | None, number: int) -> None:
        with self._lock:
            if token is not None:
                self._ledger._store(token)
                self._ledger._token_fetch = number
            if self._flight is flight:
                self._flight = None
            waiters = flight.waiters
        for loop, waiter in waiters:
            with contextlib.suppress(RuntimeError):  # that loop was closed meanwhile
                loop.call_soon_threadsafe(_wake, waiter)


class ThreadSharedTokenManager(TokenManager):
    """The token manager of one per-thread client: always the shared token, fetched once."""

    __slots__ = ("_shared_tokens",)

    def __init__(self, fetch: Callable[[], Awaitable[str]], shared: SharedTokens) -> None:
        super().__init__(fetch)
        self._shared_tokens = shared

    async def get(self) -> str:
        current = self._shared_tokens.current()
        if current is None:
            token, number, fetched = await self._shared_tokens.obtain(self._fetch)
            if fetched:
                self.auth_count += 1
        else:
            token, number = current
        if token is not self._token:
            self._store(token)  # this client's copy: what its error messages redact
        self._token_fetch = number
        return token

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far, in every thread of the sync client."""
        return self._shared_tokens.fetches

    def invalidate(self, token: str) -> None:
        super().invalidate(token)
        self._shared_tokens.invalidate(token)
