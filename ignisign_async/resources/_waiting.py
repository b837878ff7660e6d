"""``signature_requests.wait``: poll a request until it is closed (reference 10.2).

A request is over once its status is in the closed set (``COMPLETED``, ``EXPIRED``, ``FAILED``,
``CANCELLED``). Polls back off exponentially from ``poll_interval / 8`` to ``poll_interval``, each
sleep drawn from the upper half of the current delay (jitter), and start short again whenever the
request moves (a status change or a new signature). A poll that fails for a passing reason (a
connection error, a timeout, 429, 5xx, once the core's own retries are spent) is logged and
retried at the next tick; five in a row end the wait with that error.

The wait runs inside an anyio cancel scope: cancelling the caller cancels the poll in flight and
the sleep, and ``timeout`` (or else the client's ``deadline``) bounds the whole wait.
"""

from __future__ import annotations

import logging
import math
import random
from typing import TYPE_CHECKING, Final

import anyio

from .._errors import (
    APIConnectionError,
    InternalServerError,
    RateLimitError,
    SignatureRequestCancelledError,
    SignatureRequestExpiredError,
    SignatureRequestFailedError,
    SignatureRequestNotCompletedError,
    WaitTimeoutError,
)
from ..models.enums import SignatureRequestStatus

if TYPE_CHECKING:
    from .._client import AsyncIgnisign
    from ..models.signature_requests import SignatureRequestContext

__all__ = ["wait", "MAX_POLL_FAILURES"]

logger = logging.getLogger("ignisign_async")

MAX_POLL_FAILURES: Final = 5
"""Consecutive failed polls (each after the core's retries) that end a wait."""

_PASSING: Final = (APIConnectionError, InternalServerError, RateLimitError)

_UNSUCCESSFUL: Final[dict[SignatureRequestStatus, type[SignatureRequestNotCompletedError]]] = {
    SignatureRequestStatus.CANCELLED: SignatureRequestCancelledError,
    SignatureRequestStatus.EXPIRED: SignatureRequestExpiredError,
    SignatureRequestStatus.FAILED: SignatureRequestFailedError,
}


def check_wait_arguments(
    signature_request_id: object,
    timeout: object,
    poll_interval: object,
    raise_on_failure: object,
) -> None:
    """``TypeError``/``ValueError`` for a bad argument of ``wait``, before any request."""
    if not isinstance(signature_request_id, str):
        raise TypeError(
            f"signature_request_id must be a str, got {type(signature_request_id).__name__}"
        )
    if not signature_request_id.strip():
        raise ValueError("signature_request_id must be a non-empty string")
    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if value is None and name == "timeout":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    if not isinstance(raise_on_failure, bool):
        raise TypeError(f"raise_on_failure must be a bool, got {type(raise_on_failure).__name__}")


class _Watch:
    """The polls of one wait, and the request as last seen."""

    def __init__(self, client: AsyncIgnisign, request_id: str, poll_interval: float) -> None:
        self.client = client
        self.request_id = request_id
        self.poll_interval = poll_interval
        self.last: SignatureRequestContext | None = None
        self.final: SignatureRequestContext | None = None

    async def run(self) -> None:
        base = self.poll_interval / 8
        delay = base
        failures = 0
        while True:
            try:
                context = await self.client.signature_requests.get(self.request_id)
            except _PASSING as exc:
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise
                logger.warning("polling signature request %s failed: %s", self.request_id, exc)
            else:
                failures = 0
                if self._moved(context):
                    delay = base
                self.last = context
                if context.status.is_closed:
                    self.final = context
                    return
            await anyio.sleep(random.uniform(delay / 2, delay))
            delay = min(self.poll_interval, delay * 2)

    def _moved(self, context: SignatureRequestContext) -> bool:
        last = self.last
        return last is not None and (
            last.status is not context.status or len(last.signed_by) != len(context.signed_by)
        )


async def wait(
    client: AsyncIgnisign,
    signature_request_id: str,
    *,
    timeout: float | None,  # noqa: ASYNC109 (the documented argument; applied as a cancel scope)
    poll_interval: float,
    raise_on_failure: bool,
) -> SignatureRequestContext:
    """Poll until the request is closed; see :meth:`SignatureRequests.wait`."""
    check_wait_arguments(signature_request_id, timeout, poll_interval, raise_on_failure)
    limit = timeout if timeout is not None else client.deadline
    watch = _Watch(client, signature_request_id, float(poll_interval))
    with anyio.move_on_after(math.inf if limit is None else limit):
        await watch.run()
    context = watch.final
    if context is None:
        last = watch.last
        seen = f"; last status {last.status}" if last is not None else "; no poll answered"
        raise WaitTimeoutError(
            f"signature request {signature_request_id} was not closed within {limit:g} s{seen}",
            signature_request_id=signature_request_id,
            status=None if last is None else last.status,
            context=last,
        )
    error = _UNSUCCESSFUL.get(context.status)
    if error is not None and raise_on_failure:
        raise error(
            f"signature request {signature_request_id} ended {context.status} without being "
            "completed",
            signature_request_id=signature_request_id,
            status=context.status,
            context=context,
        )
    return context
