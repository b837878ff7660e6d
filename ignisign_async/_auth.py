"""The app secret becomes a JWT, kept and renewed before it expires.

:class:`TokenManager` holds the current token and its expiry (read from the JWT's ``exp``):

* a token is renewed when less than ``min(60 s, a quarter of its lifetime)`` remains;
* under concurrency exactly one fetch is in flight, and every caller waiting on it shares its
  outcome, failure included: an auth outage costs one fetch (with the policy's retries) for all
  the waiters, not one each;
* the lifetime is ``exp - iat`` counted from the local clock at receipt when the JWT has an
  ``iat`` (so a client clock ahead of the server's does not matter), else ``exp - now``;
* a 401 on a call made with token T drops T -- only if T is still the current token, so a burst
  of 401s for an old token costs one renewal, not one each;
* every fetch is numbered when it starts, so a caller can tell a token fetched after its 401
  (the server refuses fresh tokens: give up) from one whose fetch was already under way (a
  revocation caught it in flight: renew again), see :meth:`TokenManager.fetched_since`;
* a token whose lifetime cannot be read, or is not positive (already expired by the local clock,
  NaN), is kept :data:`SHORT_LIFETIME` seconds: never as eternal, never "fetch on every call".

The token never leaves this module except as the value of an ``Authorization`` header.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Awaitable, Callable
from typing import Final, Protocol

import anyio

from ._errors import APIError, APIResponseValidationError, AuthenticationError
from ._secrets import Secret

__all__ = [
    "AUTH_PATH",
    "ReplayBook",
    "TokenManager",
    "TokenSource",
    "auth_body",
    "auth_failure",
    "jwt_expiry",
    "renew_at",
    "token_from_answer",
    "token_lifetime",
]

REFRESH_MARGIN: Final = 60.0
SHORT_LIFETIME: Final = 120.0
"""Seconds a token is taken to live when its claims do not say (renewed after 90 s)."""
UNREADABLE_EXP_LIFETIME: Final = SHORT_LIFETIME
MAX_401_REPLAYS: Final = 3
AUTH_PATH: Final = "/v3/auth/app-api"


class TokenSource(Protocol):
    """What the send pipeline needs from a token holder (:class:`TokenManager` is one)."""

    async def get(self) -> str:
        """A token valid for a while yet, fetched if needed."""
        ...

    def invalidate(self, token: str) -> None:
        """Forget ``token`` if it is still the current one (a 401 was answered to it)."""
        ...

    @property
    def fetches(self) -> int:
        """How many token fetches have started so far."""
        ...

    def fetched_since(self, mark: int) -> bool:
        """Whether the current token comes from a fetch started after ``mark`` fetches."""
        ...

    def redact(self, text: str) -> str:
        """``text`` without the token currently held."""
        ...


def _claims(token: str) -> dict[str, object]:
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (seconds since the epoch), or ``None`` if unreadable."""
    return _number(_claims(token).get("exp"))


def token_lifetime(token: str, *, now: float) -> float:
    """How long a token received at ``now`` (local clock) lives, in seconds.

    ``exp - iat`` when both are there (immune to clock skew), else ``exp - now``; when that is
    unreadable or not positive, :data:`SHORT_LIFETIME`.
    """
    claims = _claims(token)
    exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
    if exp is None:
        return SHORT_LIFETIME
    lifetime = exp - iat if iat is not None and exp > iat else exp - now
    return lifetime if lifetime > 0 else SHORT_LIFETIME


class _Flight:
    """One token fetch in progress: the callers waiting on it share its outcome."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.error: Exception | None = None


def renew_at(token: str, now: float) -> float:
    """When ``token``, received at ``now``, should be renewed (seconds since the epoch)."""
    lifetime = token_lifetime(token, now=now)
    return now + lifetime - min(REFRESH_MARGIN, lifetime / 4)


class TokenManager:
    """Single-flight holder of the API token. ``fetch`` posts the app secret and returns a JWT."""

    __slots__ = (
        "_clock",
        "_fetch",
        "_fetches",
        "_flight",
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
        self._flight: _Flight | None = None
        self._fetches = 0
        self._token_fetch: int | None = None
        self.auth_count = 0
        """How many times a token was fetched (for tests and benchmarks)."""

    def __repr__(self) -> str:
        state = "no token" if self._token is None else "token held"
        return f"<TokenManager {state}>"

    def _current(self) -> str | None:
        token = self._token
        if token is not None and self._clock() < self._refresh_at:
            return token
        return None

    async def get(self) -> str:
        """A token that is valid for a while yet, fetching one if needed (one fetch at a time).

        A caller that arrives while a fetch is in flight waits for it and shares its outcome:
        its token, or its error.
        """
        while True:
            token = self._current()
            if token is not None:
                return token
            flight = self._flight
            if flight is None:
                return await self._fetch_once()
            await flight.done.wait()
            if flight.error is not None:
                raise flight.error
            # fetched (or the fetching caller was cancelled): look again

    async def _fetch_once(self) -> str:
        flight = self._flight = _Flight()
        if self._lock is None:
            self._lock = anyio.Lock()
        try:
            async with self._lock:
                self._fetches += 1
                number = self._fetches
                token = await self._fetch()
                self.auth_count += 1
                self._store(token)
                self._token_fetch = number
                return token
        except Exception as exc:
            flight.error = exc
            raise
        finally:
            self._flight = None
            flight.done.set()

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

    def redact(self, text: str) -> str:
        """``text`` with the token currently held replaced by ``[redacted]``."""
        token = self._token
        if token and token in text:
            return text.replace(token, "[redacted]")
        return text

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
        self._flight = None


class ReplayBook:
    """The 401 bookkeeping of one call: when a 401 drops the token and replays the call.

    Two 401s in a row end the call, unless the token of the replay was fetched before the first
    401 (a revocation caught that fetch in flight): a token fetched after a 401 and refused is a
    real refusal. At most :data:`MAX_401_REPLAYS` replays per call.
    """

    __slots__ = ("_fresh", "_mark", "_replayed", "_replays")

    def __init__(self) -> None:
        self._replayed = False  # the last attempt was the replay of a 401
        self._replays = 0
        self._mark = 0  # token fetches started when the last 401 came
        self._fresh = True

    def observe(self, tokens: TokenSource) -> None:
        """Note, once the attempt's token is in hand, whether it was fetched after the last 401."""
        self._fresh = tokens.fetched_since(self._mark)

    def should_replay(self, status_code: int, with_token: bool) -> bool:
        """Whether this answer, to an attempt made with a token or not, calls for a replay."""
        return (
            status_code == 401
            and with_token
            and (not self._replayed or not self._fresh)
            and self._replays < MAX_401_REPLAYS
        )

    def replay(self, tokens: TokenSource, token: str) -> None:
        """Drop ``token`` and count the replay."""
        self._mark = tokens.fetches
        tokens.invalidate(token)
        self._replayed = True
        self._replays += 1

    def retried(self) -> None:
        """A retry came between: a 401 after it is a new expiry or revocation."""
        self._replayed = False


def auth_failure(exc: APIError) -> APIError:
    """The error a failed auth call raises: 5xx and 429 as they are, others as authentication."""
    if exc.status_code >= 500 or exc.status_code == 429:
        return exc
    return AuthenticationError(
        f"Authentication failed: {exc.message}",
        status_code=exc.status_code,
        code=exc.code,
        context=exc.context,
        body=exc.body,
        request=exc.request,
        response_headers=exc.response_headers,
    )


def token_from_answer(content: bytes | bytearray, *, request: str) -> str:
    """The ``jwtToken`` of the auth endpoint's answer.

    Nothing of a bad answer is kept in the error (it may hold a token), nor in this frame.
    """
    token = _jwt_of(content)
    del content
    if token is None:
        raise APIResponseValidationError(
            "The authentication answer is not JSON holding a jwtToken", request=request
        )
    return token


def _jwt_of(content: bytes | bytearray) -> str | None:
    try:
        data = json.loads(content)
    except ValueError:
        return None
    token = data.get("jwtToken") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def auth_body(
    app_id: str, app_env: str, secret: Secret
) -> Callable[[], tuple[dict[str, str], bytes]]:
    """The auth call's body factory: the JSON holding the secret, built when an attempt is sent
    (nothing holds it in the clear meanwhile)."""

    def build() -> tuple[dict[str, str], bytes]:
        return {"Content-Type": "application/json"}, json.dumps(
            {"appId": app_id, "appEnv": app_env, "secret": secret.reveal()}
        ).encode()

    return build
