"""Webhook endpoints, their delivery records, and the token check (#42-#49)."""

from __future__ import annotations

from typing import Any

from ._dtos import EVENTS_QUERY, TOKEN_CHECK, WEBHOOK_ENDPOINT
from ._routing import Call, E, Routes
from ._state import Webhook

__all__ = ["routes", "webhook_view"]

routes = Routes()


def webhook_view(webhook: Webhook) -> dict[str, Any]:
    """``IgnisignWebhook``."""
    out: dict[str, Any] = {"_id": webhook.id, "url": webhook.url, "_createdAt": webhook.created_at}
    if webhook.description is not None:
        out["description"] = webhook.description
    return out


@routes.get(f"{E}/webhooks")
def list_webhooks(call: Call) -> object:
    return [webhook_view(w) for w in call.state.webhooks.values()]


@routes.post(f"{E}/webhooks", body=WEBHOOK_ENDPOINT)
def create_webhook(call: Call) -> object:
    state = call.state
    webhook = Webhook(
        id=state.new_id(),
        created_at=state.now_iso(),
        url=call.body["url"],
        description=call.body.get("description"),
    )
    state.webhooks[webhook.id] = webhook
    return webhook_view(webhook)


@routes.put("/v3/webhooks/{webhookId}", body=WEBHOOK_ENDPOINT)
def update_webhook(call: Call) -> object:
    webhook = call.state.webhook(call.params["webhookId"])
    webhook.url = call.body["url"]
    webhook.description = call.body.get("description")
    return webhook_view(webhook)


@routes.delete("/v3/webhooks/{webhookId}")
def remove_webhook(call: Call) -> object:
    webhook = call.state.webhook(call.params["webhookId"])
    del call.state.webhooks[webhook.id]
    return webhook_view(webhook)


@routes.get("/v3/webhooks/{webhookId}/events", query=EVENTS_QUERY)
def list_events(call: Call) -> object:
    state = call.state
    webhook = state.webhook(call.params["webhookId"])
    wanted = call.query.get("filter", "ALL")
    events = [
        d
        for d in reversed(state.hub.deliveries.values())
        if d.webhook_id == webhook.id and (wanted == "ALL" or d.status == wanted)
    ]
    chunk, search = state.page(events, call.query.get("page"))
    return {"events": [d.wire() for d in chunk], "searchData": search}


@routes.get("/v3/webhooks/{webhookId}/events/{eventId}")
def get_event(call: Call) -> object:
    webhook = call.state.webhook(call.params["webhookId"])
    return call.state.hub.delivery(webhook.id, call.params["eventId"]).wire()


@routes.post("/v3/webhooks/{webhookId}/events/{eventId}/resend")
def resend_event(call: Call) -> object:
    state = call.state
    webhook = state.webhook(call.params["webhookId"])
    delivery = state.hub.delivery(webhook.id, call.params["eventId"])
    state.hub.resend(delivery, webhook.url)
    return delivery.wire()


@routes.post(
    "/v3/tokens/webhook-verification/checking-consumption", body=TOKEN_CHECK, auth="optional"
)
def check_token(call: Call) -> object:
    body = call.body
    return call.state.hub.check_token(body["token"], body["appId"], body["appEnv"])
