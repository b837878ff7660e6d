"""Webhook delivery: the outbox, the background worker, retries with backoff, and chaos.

Every POST the emulator makes to a registered endpoint goes through one :class:`DeliveryQueue`:

* *after the API answer*: a request only queues deliveries; once its answer is computed, the
  pipeline *kicks* the queue, which starts a worker task in the running event loop (asyncio or
  Trio; on a socket, uvicorn's loop) if none runs. The worker POSTs what is due, one delivery at
  a time, sleeping until the next one falls due, and ends when the queue is empty;
* ``await fake.deliver_pending()`` steps the queue by hand: every delivery queued when it is
  called is POSTed once, now, whatever its delay (a failure is queued again for its retry);
* each POST carries a fresh verification token (a retry or a duplicate too: the app may have
  consumed the previous one before failing);
* a failed POST (no 2xx, or the sender raised) is retried with exponential backoff,
  :class:`RetryPolicy`; the platform's own policy is undocumented (reference 9.5), so this one is
  the emulator's choice;
* chaos for users' tests, :class:`Chaos`: a random delay per POST, duplicates (a second POST of
  the same record with a fresh token, as ``resend_event`` does) and reordering, from one seed.

Delays and backoffs are measured on the emulator's clock (``FakeIgnisign(clock=...)``), so a test
with a clock of its own steps retries by moving it and calling ``deliver_pending``.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import random
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final, Protocol

import anyio
import attrs

__all__ = ["Chaos", "DeliveryQueue", "Outcome", "Queued", "RetryPolicy", "Sender"]

logger = logging.getLogger("ignisign_async.testing")

Sender = Callable[[str, bytes], Awaitable[int]]
"""``await sender(url, body)`` POSTs one JSON body and returns the HTTP status it got."""

_POLL: Final = 0.05
"""How long the worker sleeps at most before looking at the queue again (seconds)."""

_IN_DELIVERY: Final = contextvars.ContextVar("ignisign_fake_in_delivery", default=False)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How failed deliveries are retried: ``attempts`` POSTs in all, the first included.

    The n-th retry waits ``min(first_delay * factor ** (n - 1), max_delay)`` seconds.
    """

    attempts: int = 5
    first_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 60.0

    def __attrs_post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise TypeError("attempts must be an int")
        if self.attempts < 1:
            raise ValueError("attempts must be >= 1 (1: no retry)")
        for name in ("first_delay", "factor", "max_delay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait before the next POST, after ``failed_attempts`` failures."""
        return float(min(self.first_delay * self.factor ** (failed_attempts - 1), self.max_delay))


@attrs.frozen(kw_only=True)
class Chaos:
    """Seeded disorder: ``delay`` range (seconds), ``duplicate`` probability, ``reorder``."""

    delay: tuple[float, float] = (0.0, 0.0)
    duplicate: float = 0.0
    reorder: bool = False
    rng: random.Random = attrs.field(factory=random.Random, eq=False, repr=False)

    @classmethod
    def build(
        cls,
        *,
        delay: float | tuple[float, float],
        duplicate: float,
        reorder: bool,
        seed: int | None,
    ) -> Chaos:
        """Check the arguments of ``fake.webhook_chaos`` and build the chaos they describe."""
        pair = (0.0, delay) if isinstance(delay, (int, float)) else tuple(delay)
        if len(pair) != 2:
            raise ValueError(f"delay must be seconds >= 0 or a (low, high) pair, got {delay!r}")
        low, high = pair
        for value in (low, high):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"delay must be seconds >= 0 or a (low, high) pair, got {delay!r}")
        if low > high:
            raise ValueError(f"delay: low {low} is above high {high}")
        if isinstance(duplicate, bool) or not isinstance(duplicate, (int, float)):
            raise TypeError("duplicate must be a probability (a float)")
        if not 0.0 <= duplicate <= 1.0:
            raise ValueError(f"duplicate must be between 0 and 1, got {duplicate!r}")
        if not isinstance(reorder, bool):
            raise TypeError("reorder must be a bool")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError("seed must be an int or None")
        return cls(
            delay=(float(low), float(high)),
            duplicate=float(duplicate),
            reorder=reorder,
            rng=random.Random(seed),
        )

    def draw_delay(self) -> float:
        low, high = self.delay
        return low if low == high else self.rng.uniform(low, high)

    def copies(self) -> int:
        return 2 if self.duplicate and self.rng.random() < self.duplicate else 1


@attrs.define(kw_only=True)
class Queued:
    """One POST to make: which delivery record, where, when, and which attempt it is."""

    seq: int
    due: float
    delivery_id: str
    url: str
    attempt: int = 1


@attrs.frozen(kw_only=True)
class Outcome:
    """What one POST got: an HTTP status, or the error the sender raised."""

    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Records(Protocol):
    """What the queue needs from the hub: the sender, bodies and somewhere to record outcomes."""

    sender: Sender | None

    def payload(self, delivery_id: str) -> bytes | None: ...

    def record(self, delivery_id: str, url: str, payload: bytes, outcome: Outcome) -> None: ...


class DeliveryQueue:
    """The outbox of one emulator, its worker and :meth:`deliver_pending` (see the module)."""

    def __init__(self, records: Records, lock: threading.RLock, clock: Callable[[], float]) -> None:
        self._records = records
        self._lock = lock
        self._clock = clock
        self._items: list[Queued] = []
        self._seq = itertools.count(1)
        self.retry = RetryPolicy()
        self.chaos = Chaos()
        self._worker: object | None = None
        self._busy: object | None = None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._items)

    def add(self, delivery_id: str, url: str) -> None:
        """Queue the POSTs of one delivery (two under a chaos duplicate). Lock held."""
        now = self._clock()
        for _ in range(self.chaos.copies()):
            self._put(delivery_id, url, due=now + self.chaos.draw_delay(), attempt=1)

    def _put(self, delivery_id: str, url: str, *, due: float, attempt: int) -> None:
        item = Queued(
            seq=next(self._seq), due=due, delivery_id=delivery_id, url=url, attempt=attempt
        )
        self._items.append(item)

    def _take(self, *, now: float | None, max_seq: int | None) -> Queued | None:
        candidates = [
            i
            for i in self._items
            if (now is None or i.due <= now) and (max_seq is None or i.seq <= max_seq)
        ]
        if not candidates:
            return None
        if self.chaos.reorder:
            item = self.chaos.rng.choice(candidates)
        else:
            item = min(candidates, key=lambda i: (i.due, i.seq))
        self._items.remove(item)
        return item

    # -- the worker -------------------------------------------------------------------------

    def kick(self) -> None:
        """After an answer: start the worker in the running event loop, if there is work."""
        with self._lock:
            if self._records.sender is None or not self._items or _alive(self._worker):
                return
            handle = _spawn(self._work)
            if handle is not None:
                self._worker = handle

    async def _work(self) -> None:
        me = _current_loop()
        try:
            while True:
                with self._lock:
                    if self._records.sender is None or not self._items:
                        self._release(me)
                        return
                    now = self._clock()
                    item = None if _alive(self._busy) else self._take(now=now, max_seq=None)
                    if item is not None:
                        self._busy = me
                    else:
                        wait = min(max(min(i.due for i in self._items) - now, 0.001), _POLL)
                if item is None:
                    await anyio.sleep(wait)
                else:
                    await self._send(item)
        except Exception:  # pragma: no cover - a bug here must not kill the user's event loop
            logger.exception("FakeIgnisign: the webhook delivery worker failed")
        finally:
            with self._lock:
                self._release(me)

    def _release(self, loop: object) -> None:
        if self._worker is not None and _same_loop(self._worker, loop):
            self._worker = None

    # -- stepping by hand -------------------------------------------------------------------

    async def deliver_pending(self) -> int:
        """POST once, now, every delivery queued at this moment; how many POSTs were made.

        A POST the worker has in flight is waited for first (deliveries keep their order).
        """
        if _IN_DELIVERY.get():
            return 0  # called from an endpoint the emulator is delivering to: no re-entry
        with self._lock:
            if self._records.sender is None:
                return 0
            last = max((i.seq for i in self._items), default=0)
        sent = 0
        me = _current_loop()
        while True:
            with self._lock:
                if self._records.sender is None:
                    break
                item = None
                if not _alive(self._busy):
                    item = self._take(now=None, max_seq=last)
                    if item is None:
                        break
                    self._busy = me
            if item is None:
                await anyio.sleep(0.001)  # the worker's POST in flight comes first
                continue
            await self._send(item)
            sent += 1
        return sent

    # -- one POST -----------------------------------------------------------------------------

    async def _send(self, item: Queued) -> None:
        token = _IN_DELIVERY.set(True)
        done = False
        try:
            with self._lock:
                sender = self._records.sender
                payload = self._records.payload(item.delivery_id)
            if sender is None or payload is None:
                done = True  # the sender was removed, or the record is gone
                return
            try:
                outcome = Outcome(status=int(await sender(item.url, payload)), error=None)
            except Exception as exc:  # a failing endpoint is a FAILED delivery, not a crash
                outcome = Outcome(status=None, error=f"{type(exc).__name__}: {exc}")
            with self._lock:
                done = True
                self._records.record(item.delivery_id, item.url, payload, outcome)
                if not outcome.ok and item.attempt < self.retry.attempts:
                    due = self._clock() + self.retry.delay(item.attempt)
                    self._put(item.delivery_id, item.url, due=due, attempt=item.attempt + 1)
        finally:
            with self._lock:
                if not done:  # cancelled mid-POST: the app may not have it, send it again
                    self._items.insert(0, item)
                self._busy = None
            _IN_DELIVERY.reset(token)


# -- event loops ------------------------------------------------------------------------------


def _current_loop() -> object:
    """The running asyncio loop, or the Trio run's token."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        import trio

        return trio.lowlevel.current_trio_token()


def _same_loop(handle: object, loop: object) -> bool:
    return handle is loop or (isinstance(handle, asyncio.Task) and handle.get_loop() is loop)


def _alive(handle: object | None) -> bool:
    """Whether a worker (or a POST in flight) can still make progress."""
    if handle is None:
        return False
    if isinstance(handle, asyncio.Task):
        return not handle.done() and handle.get_loop().is_running()
    if isinstance(handle, asyncio.AbstractEventLoop):
        return handle.is_running()
    return True  # a Trio run: its system tasks end (and clean up) with it


def _spawn(work: Callable[[], Coroutine[Any, Any, None]]) -> object | None:
    """Start ``work()`` in the background of the running loop; a handle, or ``None``."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        return loop.create_task(work())
    try:
        import trio

        token = trio.lowlevel.current_trio_token()
        trio.lowlevel.spawn_system_task(work)
    except (ImportError, RuntimeError):
        return None
    return token
