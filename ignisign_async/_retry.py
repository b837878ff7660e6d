"""Which failures are retried, and how long to wait before the next attempt.

The rules, in one place:

* retried statuses: 408, 429, 500, 502, 503, 504; retried errors: connect errors and timeouts;
* a non-idempotent route (creating something, consuming a token, uploading) is retried only when
  the request provably never reached the server (connect phase, pool timeout) or the server
  refused it without acting (429) -- never after a 5xx, a read timeout or a dropped connection;
* the wait is exponential backoff with full jitter (``uniform(0, min(cap, base * 2**n))``), or the
  server's ``Retry-After`` (seconds or HTTP date) when ``0 < value <= max_retry_after``; a
  ``Retry-After`` of 0, negative or in the past counts for nothing (the backoff applies: an
  instant retry is never what a failing server needs); a longer one is not slept through: the
  error is raised with ``retry_after`` set.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Final, final

import attrs
import httpx

__all__ = ["RetryPolicy", "RETRY_STATUSES", "parse_retry_after", "never_sent"]

RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})

_NEVER_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def never_sent(exc: BaseException) -> bool:
    """Whether a transport error happened before any byte of the request left."""
    return isinstance(exc, _NEVER_SENT)


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or ``None``."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@final
@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How many times to retry, and the backoff between attempts."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0

    def __attrs_post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    def retries_status(self, status_code: int, *, idempotent: bool) -> bool:
        """Whether an answer with this status may be retried for such a route."""
        if status_code == 429:
            return True
        return idempotent and status_code in RETRY_STATUSES

    def retries_error(self, exc: BaseException, *, idempotent: bool) -> bool:
        """Whether a transport error (or an attempt timeout) may be retried for such a route."""
        if never_sent(exc):
            return True
        return idempotent and isinstance(exc, (httpx.TransportError, TimeoutError))

    def wait_after_error(
        self, exc: BaseException, *, retries: int, idempotent: bool, time_left: float | None
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or ``None``: give up.

        ``retries`` is how many retries the call made so far; ``time_left`` what remains of its
        deadline (``None``: no deadline). A wait that would end past the deadline is no retry.
        """
        if retries >= self.max_retries or not self.retries_error(exc, idempotent=idempotent):
            return None
        wait = self.backoff(retries)
        return wait if _fits(wait, time_left) else None

    def wait_after_status(
        self,
        status_code: int,
        *,
        retry_after: float | None,
        retries: int,
        idempotent: bool,
        time_left: float | None,
    ) -> float | None:
        """Seconds to wait before retrying after an error answer, or ``None``: give up.

        The server's ``Retry-After`` wins over the backoff; one above :attr:`max_retry_after`
        is not slept through.
        """
        if retries >= self.max_retries or not self.retries_status(
            status_code, idempotent=idempotent
        ):
            return None
        if retry_after is not None and retry_after > self.max_retry_after:
            return None
        # none, 0, negative or a past date: the backoff (never an instant retry)
        counts = retry_after is not None and retry_after > 0
        wait = retry_after if counts and retry_after is not None else self.backoff(retries)
        return wait if _fits(wait, time_left) else None

    def backoff(self, retry_index: int) -> float:
        """Full-jitter exponential backoff before retry number ``retry_index`` (0-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2.0**retry_index))
        return random.uniform(0.0, ceiling)


def _fits(wait: float, time_left: float | None) -> bool:
    return time_left is None or wait < time_left
