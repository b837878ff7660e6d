"""The app secret becomes a JWT, kept and renewed before it expires.

:class:`TokenManager` holds the current token and its expiry (read from the JWT's ``exp``):

* a token is renewed when less than ``min(60 s, a quarter of its lifetime)`` remains;
* under concurrency exactly one renewal is in flight: the lock is created lazily inside the
  running event loop and the token is checked again once the lock is held;
* a 401 on a call made with token T drops T -- only if T is still the current token, so a burst
  of 401s for an old token costs one renewal, not one each;
* every fetch is numbered when it starts, so a caller can tell a token fetched after its 401
  (the server refuses fresh tokens: give up) from one whose fetch was already under way (a
  revocation caught it in flight: renew again), see :meth:`TokenManager.fetched_since`;
* a token whose ``exp`` cannot be read is treated as short-lived, never as eternal.

The token never leaves this module except as the value of an ``Authorization`` header.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Awaitable, Callable
from typing import Final, Protocol

import anyio

__all__ = ["TokenManager", "TokenSource", "jwt_expiry", "renew_at"]

REFRESH_MARGIN: Final = 60.0
UNREADABLE_EXP_LIFETIME: Final = 120.0


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (seconds since the epoch), or ``None`` if unreadable."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return None
    return float(exp)


def renew_at(token: str, now: float) -> float:
    """When ``token``, received at ``now``, should be renewed (seconds since the epoch)."""
    exp = jwt_expiry(token)
    lifetime = UNREADABLE_EXP_LIFETIME if exp is None else max(0.0, exp - now)
    return now + lifetime - min(REFRESH_MARGIN, lifetime / 4)


class TokenSource(Protocol):
    """What the client asks of its token holder (:class:`TokenManager`, or the sync facade's)."""

    auth_count: int

    @property
    def token(self) -> str | None:
        """The token held now (valid or not), or ``None``: what error messages redact."""

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far."""

    async def get(self) -> str:
        """A token that is valid for a while yet."""

    def fetched_since(self, mark: int) -> bool:
        """Whether the current token comes from a fetch started after ``mark`` fetches."""

    def invalidate(self, token: str) -> None:
        """Forget ``token`` if it is still the current one (a 401 was answered to it)."""


class TokenManager:
    """Single-flight holder of the API token. ``fetch`` posts the app secret and returns a JWT."""

    __slots__ = (
        "_clock",
        "_fetch",
        "_fetches",
        "_lock",
        "_refresh_at",
        "_token",
        "_token_fetch",
        "auth_count",
    )

    def __init__(
        self,
        fetch: Callable[[], Awaitable[str]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock: anyio.Lock | None = None
        self._fetches = 0
        self._token_fetch: int | None = None
        self.auth_count = 0
        """How many times a token was fetched (for tests and benchmarks)."""

    def __repr__(self) -> str:
        state = "no token" if self._token is None else "token held"
        return f"<TokenManager {state}>"

    @property
    def token(self) -> str | None:
        """The token held now (valid or not), or ``None``: what error messages redact."""
        return self._token

    def _current(self) -> str | None:
        token = self._token
        if token is not None and self._clock() < self._refresh_at:
            return token
        return None

    async def get(self) -> str:
        """A token that is valid for a while yet, fetching one if needed (one fetch at a time)."""
        token = self._current()
        if token is not None:
            return token
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            token = self._current()
            if token is not None:
                return token
            self._fetches += 1
            number = self._fetches
            token = await self._fetch()
            self.auth_count += 1
            self._store(token)
            self._token_fetch = number
            return token

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far."""
        return self._fetches

    def fetched_since(self, mark: int) -> bool:
        """Whether the current token comes from a fetch started after ``mark`` fetches had
        started (``True`` when that is not known)."""
        return self._token_fetch is None or self._token_fetch > mark

    def _store(self, token: str) -> None:
        self._token = token
        self._refresh_at = renew_at(token, self._clock())

    def invalidate(self, token: str) -> None:
        """Forget ``token`` if it is still the current one (a 401 was answered to it)."""
        if self._token == token:
            self._token = None
            self._refresh_at = 0.0

    def reset(self) -> None:
        """Forget the token and the lock (after a fork, or when moving to another event loop)."""
        self._token = None
        self._refresh_at = 0.0
        self._lock = None
