"""Webhook events: emission, delivery records, delivery through a pluggable sender, tokens.

Every event the emulator emits (reference 9.1: ``appId, appEnv, verificationToken, topic,
action, msgNature, content, error``) is appended to ``FakeIgnisign.webhook_events`` at once, and
one delivery record (``IgnisignWebhookEvent``, reference 7.9) per registered endpoint is queued.

Delivery design: queued deliveries are sent by the configured *sender* -- an async callable
``sender(url, body) -> HTTP status`` -- outside the state lock, once the triggering request's
answer is computed, and by ``await fake.deliver_pending()``. In-process, that is before the
triggering call returns (tests see the deliveries as soon as the call is done); over a socket,
before the answer is written. A sender may call back into the same emulator (to check the
token, as the SDK's router does): only one drain runs at a time, so events are delivered in
order and a nested request never re-enters delivery. With no sender (the default), events are
only recorded and deliveries stay ``PENDING``.

Each body carries its own single-use verification token: the one in ``webhook_events`` is minted
for tests that feed bodies to a router by hand; each delivery (and each resend) has its own.
"""

from __future__ import annotations

import collections
import http
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import httpx

from ._http import FakeError

if TYPE_CHECKING:
    from ._state import State

__all__ = ["Delivery", "DeliveryAttempt", "Sender", "WebhookHub", "asgi_sender", "http_sender"]

DeliveryStatus = Literal["PENDING", "SUCCESS", "FAILED"]
"""``IGNISIGN_WEBHOOK_EVENT_STATUS``: where one delivery stands."""

Sender = Callable[[str, bytes], Awaitable[int]]
"""``await sender(url, body)`` POSTs one JSON body and returns the HTTP status it got."""

_NATURES: Final = {
    "FINALIZED": "SUCCESS",
    "COMPLETED": "SUCCESS",
    "GENERATED": "SUCCESS",
    "ADV_GENERATED": "SUCCESS",
    "PROVIDED": "SUCCESS",
    "CANCELLED": "WARNING",
    "EXPIRED": "WARNING",
    "FAILED": "ERROR",
}


@attrs.define(kw_only=True)
class Delivery:
    """One ``IgnisignWebhookEvent``: an event bound for one endpoint, and how it went."""

    id: str
    created_at: str
    webhook_id: str
    event: dict[str, Any]
    status: DeliveryStatus = "PENDING"
    response: dict[str, Any] | None = None

    def wire(self) -> dict[str, Any]:
        body = self.event
        out: dict[str, Any] = {
            "_id": self.id,
            "appId": body["appId"],
            "appEnv": body["appEnv"],
            "webhookId": self.webhook_id,
            "topic": body["topic"],
            "action": body["action"],
            "msgNature": body["msgNature"],
            "content": body["content"],
            "status": self.status,
            "_createdAt": self.created_at,
        }
        if "error" in body:
            out["error"] = body["error"]
        if self.response is not None:
            out["response"] = self.response
        return out


@attrs.frozen(kw_only=True)
class DeliveryAttempt:
    """One POST the sender made: where, what, and the status it got (``None``: it raised)."""

    url: str
    body: dict[str, Any]
    status: int | None
    error: str | None = None


@attrs.define
class _Token:
    app_id: str
    app_env: str
    consumed: bool = False


class WebhookHub:
    """Events, delivery records, the outbox and the verification tokens of one emulator."""

    def __init__(self, state: State) -> None:
        self._state = state
        self.events: list[dict[str, Any]] = []
        self.deliveries: dict[str, Delivery] = {}
        self.attempts: list[DeliveryAttempt] = []
        self.sender: Sender | None = None
        self._outbox: collections.deque[tuple[str, str, bytes]] = collections.deque()
        self._tokens: dict[str, _Token] = {}
        self._draining = False

    # -- emission (called with the state lock held) -----------------------------------------

    def emit(
        self,
        topic: str,
        action: str,
        content: dict[str, Any],
        *,
        error: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record one event and queue it for every registered endpoint."""
        config = self._state.config
        body: dict[str, Any] = {
            "appId": config.app_id,
            "appEnv": config.app_env,
            "verificationToken": self._mint(),
            "topic": topic,
            "action": action,
            "msgNature": "ERROR" if error else _NATURES.get(action, "INFO"),
            "content": content,
        }
        if error is not None:
            body["error"] = error
        self.events.append(body)
        for webhook in self._state.webhooks.values():
            delivery = Delivery(
                id=self._state.new_id(),
                created_at=self._state.now_iso(),
                webhook_id=webhook.id,
                event=body,
            )
            self.deliveries[delivery.id] = delivery
            self._enqueue(delivery, webhook.url)
        return body

    def resend(self, delivery: Delivery, url: str) -> None:
        """Queue ``delivery`` again, with a new token (the old one may have been consumed)."""
        delivery.status = "PENDING"
        delivery.response = None
        self._enqueue(delivery, url)

    def _enqueue(self, delivery: Delivery, url: str) -> None:
        payload = dict(delivery.event, verificationToken=self._mint())
        self._outbox.append((delivery.id, url, json.dumps(payload).encode()))

    def _mint(self) -> str:
        token = secrets.token_urlsafe(24)
        config = self._state.config
        self._tokens[token] = _Token(config.app_id, config.app_env)
        return token

    # -- token check (reference 9.3 step 5) ---------------------------------------------------

    def check_token(self, token: str, app_id: str, app_env: str) -> dict[str, Any]:
        """``IgnisignTechnicalToken_CheckAndConsumeDto``: valid once, then ``alreadyConsumed``."""
        answer = {
            "isValid": False,
            "notFound": False,
            "alreadyConsumed": False,
            "badTarget": False,
            "isExpired": False,
            "badRelatedId": False,
            "haveBeenConsumed": False,
        }
        record = self._tokens.get(token)
        if record is None:
            answer["notFound"] = True
        elif (record.app_id, record.app_env) != (app_id, app_env):
            answer["badTarget"] = True
        elif record.consumed:
            answer["alreadyConsumed"] = True
        else:
            record.consumed = True
            answer["isValid"] = True
            answer["haveBeenConsumed"] = True
        return answer

    # -- delivery (outside the lock) ----------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._outbox)

    async def deliver_pending(self) -> int:
        """Send every queued delivery through the sender, in order; how many were sent."""
        lock = self._state.lock
        with lock:
            if self._draining or self.sender is None or not self._outbox:
                return 0
            self._draining = True
        sent = 0
        try:
            while True:
                with lock:
                    sender = self.sender
                    if sender is None or not self._outbox:
                        break
                    delivery_id, url, payload = self._outbox.popleft()
                status: int | None = None
                error: str | None = None
                try:
                    status = int(await sender(url, payload))
                except Exception as exc:  # a failing endpoint is a FAILED delivery, not a crash
                    error = f"{type(exc).__name__}: {exc}"
                with lock:
                    self._record(delivery_id, url, payload, status, error)
                sent += 1
        finally:
            with lock:
                self._draining = False
        return sent

    def _record(
        self, delivery_id: str, url: str, payload: bytes, status: int | None, error: str | None
    ) -> None:
        self.attempts.append(
            DeliveryAttempt(url=url, body=json.loads(payload), status=status, error=error)
        )
        delivery = self.deliveries.get(delivery_id)
        if delivery is None:
            return
        delivery.status = "SUCCESS" if status is not None and 200 <= status < 300 else "FAILED"
        if status is not None:
            try:
                text = http.HTTPStatus(status).phrase
            except ValueError:
                text = ""
            delivery.response = {"status": status, "statusText": text}
        else:
            delivery.response = {"statusText": error or "no answer"}

    def delivery(self, webhook_id: str, delivery_id: str) -> Delivery:
        delivery = self.deliveries.get(delivery_id)
        if delivery is None or delivery.webhook_id != webhook_id:
            raise FakeError(
                "WEBHOOK_EVENT_NOT_FOUND",
                f"No webhook event with id {delivery_id!r}",
                context={"id": delivery_id},
            )
        return delivery


def http_sender(*, timeout: float = 10.0) -> Sender:
    """A sender that POSTs each body to its endpoint URL over HTTP(S) with httpx::

    fake.webhook_sender = http_sender(timeout=5)
    """

    async def send(url: str, body: bytes) -> int:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(
                url, content=body, headers={"content-type": "application/json"}
            )
            return response.status_code

    return send


def asgi_sender(app: Callable[..., Awaitable[None]]) -> Sender:
    """A sender that POSTs each body to an ASGI app in-process (the URL's path is kept)::

    fake.webhook_sender = asgi_sender(router.asgi())
    """
    transport = httpx.ASGITransport(app=app)

    async def send(url: str, body: bytes) -> int:
        async with httpx.AsyncClient(transport=transport, base_url="http://webhook") as client:
            path = httpx.URL(url).raw_path.decode("ascii")
            response = await client.post(
                path, content=body, headers={"content-type": "application/json"}
            )
            return response.status_code

    return send
