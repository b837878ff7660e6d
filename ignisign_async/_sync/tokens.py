"""One API token for all the threads of a sync client.

The sync facade (:class:`ignisign_async.Ignisign`) gives every calling thread its own
:class:`~ignisign_async.AsyncIgnisign` in its own event loop. Those clients must not share
anything bound to a loop, but they can share the token: :class:`SharedTokens` keeps it behind a
``threading.Lock`` and :class:`ThreadSharedTokenManager` (one per client, handed to it through
``AsyncIgnisign(_tokens=...)``) consults it.

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
import time
from collections.abc import Awaitable, Callable

from .._auth import renew_at

__all__ = ["SharedTokens", "ThreadSharedTokenManager"]


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

    Like :class:`~ignisign_async._auth.TokenManager`, it numbers the fetches it starts and knows
    which one produced the current token, so that a 401 replay reads the same facts in every
    thread. Everything but ``_flight``'s waiting is done under ``_lock``.
    """

    __slots__ = ("_fetches", "_flight", "_lock", "_renew_at", "_token", "_token_fetch")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self._fetches = 0
        self._token_fetch: int | None = None
        self._flight: _Flight | None = None

    def __repr__(self) -> str:
        state = "no token" if self.current() is None else "token held"
        return f"<SharedTokens {state}>"

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far, in every thread."""
        return self._fetches

    @property
    def waiting(self) -> int:
        """How many loops wait for the fetch in flight (0 when none is)."""
        with self._lock:
            return 0 if self._flight is None else len(self._flight.waiters)

    def _valid(self) -> str | None:
        token = self._token
        return token if token is not None and time.time() < self._renew_at else None

    def current(self) -> tuple[str, int | None] | None:
        """The shared token, if it is valid for a while yet, and the number of its fetch."""
        with self._lock:
            token = self._valid()
            return None if token is None else (token, self._token_fetch)

    async def obtain(self, fetch: Callable[[], Awaitable[str]]) -> tuple[str, int | None, bool]:
        """A valid token, its fetch's number, and whether this call fetched it (on this loop)."""
        while True:
            with self._lock:
                token = self._valid()
                if token is not None:
                    return token, self._token_fetch, False
                flight = self._flight
                if flight is None:
                    mine = self._flight = _Flight()
                    self._fetches += 1
                    number = self._fetches
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
            if self._token == token:
                self._token = None
                self._renew_at = 0.0

    def _land(self, flight: _Flight, token: str | None, number: int) -> None:
        with self._lock:
            if token is not None:
                self._token = token
                self._renew_at = renew_at(token, time.time())
                self._token_fetch = number
            if self._flight is flight:
                self._flight = None
            waiters = flight.waiters
        for loop, waiter in waiters:
            with contextlib.suppress(RuntimeError):  # that loop was closed meanwhile
                loop.call_soon_threadsafe(_wake, waiter)


class ThreadSharedTokenManager:
    """The token source of one per-thread client: always the shared token, fetched once.

    It has what the client asks of a :class:`~ignisign_async._auth.TokenSource`.
    """

    __slots__ = ("_fetch", "_shared", "_token", "_token_fetch", "auth_count")

    def __init__(self, fetch: Callable[[], Awaitable[str]], shared: SharedTokens) -> None:
        self._fetch = fetch
        self._shared = shared
        self._token: str | None = None
        self._token_fetch: int | None = None
        self.auth_count = 0
        """How many tokens this client fetched itself (for tests and benchmarks)."""

    def __repr__(self) -> str:
        return f"<ThreadSharedTokenManager {'no token' if self._token is None else 'token held'}>"

    def redact(self, text: str) -> str:
        """``text`` without the token this client last used (valid or not)."""
        token = self._token
        return text.replace(token, "[redacted]") if token and token in text else text

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far, in every thread of the sync client."""
        return self._shared.fetches

    async def get(self) -> str:
        """The shared token, fetching it on this loop when no thread holds a valid one."""
        current = self._shared.current()
        if current is None:
            token, number, fetched = await self._shared.obtain(self._fetch)
            if fetched:
                self.auth_count += 1
        else:
            token, number = current
        self._token = token
        self._token_fetch = number
        return token

    def fetched_since(self, mark: int) -> bool:
        """Whether this client's token comes from a fetch started after ``mark`` fetches had
        started, in any thread (``True`` when that is not known)."""
        return self._token_fetch is None or self._token_fetch > mark

    def invalidate(self, token: str) -> None:
        """Forget ``token`` here and in every thread (the API answered 401 to it)."""
        if self._token == token:
            self._token = None
        self._shared.invalidate(token)
