"""Webhook events: emission, delivery records and verification tokens.

Every event the emulator emits (reference 9.1: ``appId, appEnv, verificationToken, topic,
action, msgNature, content, error``) is appended to ``FakeIgnisign.webhook_events`` at once, and
one delivery record (``IgnisignWebhookEvent``, reference 7.9) per registered endpoint is created
``PENDING`` and queued for delivery (:mod:`._delivery`: after the API answer, in the background,
with retries). With no sender (the default), events are only recorded and deliveries stay
``PENDING``.

Each body carries its own single-use verification token: the one in ``webhook_events`` is minted
for tests that feed bodies to a router by hand; each POST (a retry, a resend, a duplicate) has
its own.
"""

from __future__ import annotations

import http
import json
import secrets
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from ._delivery import DeliveryQueue, Outcome, Sender
from ._http import FakeError

if TYPE_CHECKING:
    from ._state import State

__all__ = ["Delivery", "DeliveryAttempt", "DeliveryStatus", "WebhookHub"]

DeliveryStatus = Literal["PENDING", "SUCCESS", "FAILED"]
"""``IGNISIGN_WEBHOOK_EVENT_STATUS``: where one delivery stands."""

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
        self._tokens: dict[str, _Token] = {}
        self.queue = DeliveryQueue(self, state.lock, state.clock)

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
            self.queue.add(delivery.id, webhook.url)
        return body

    def resend(self, delivery: Delivery, url: str) -> None:
        """Queue ``delivery`` again (``resend_event``): ``PENDING`` until the POST is made."""
        delivery.status = "PENDING"
        delivery.response = None
        self.queue.add(delivery.id, url)

    def payload(self, delivery_id: str) -> bytes | None:
        """The body of one POST of a delivery, with a fresh token; ``None`` if it is gone."""
        delivery = self.deliveries.get(delivery_id)
        if delivery is None:
            return None
        return json.dumps(dict(delivery.event, verificationToken=self._mint())).encode()

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

    # -- outcomes (called by the delivery queue, lock held) ------------------------------------

    def record(self, delivery_id: str, url: str, payload: bytes, outcome: Outcome) -> None:
        """Note one POST: in ``attempts``, and on its record (``SUCCESS`` on a 2xx, else FAILED)."""
        status, error = outcome.status, outcome.error
        self.attempts.append(
            DeliveryAttempt(url=url, body=json.loads(payload), status=status, error=error)
        )
        delivery = self.deliveries.get(delivery_id)
        if delivery is None:
            return
        delivery.status = "SUCCESS" if outcome.ok else "FAILED"
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
