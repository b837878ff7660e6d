"""``client.webhooks``: webhook endpoints, their delivery records, and the token check."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator

from .._args import enum_arg, page_arg
from .._errors import APIResponseValidationError
from .._routes import Route
from .._types import NOT_GIVEN, NotGiven
from ..models.webhook_topics import WebhookEventFilter
from ..models.webhooks import (
    RemovedWebhook,
    ResentFailedEvents,
    ResentWebhookEvent,
    TokenCheckResult,
    WebhookEndpoint,
    WebhookEventPage,
    WebhookEventRecord,
    _WebhookEndpointsAnswer,
)
from ._base import Resource, body, paginate

__all__ = ["Webhooks"]

_E = "/v3/applications/{appId}/envs/{appEnv}"
_W = "/v3/webhooks/{webhookId}"
LIST = Route("GET", f"{_E}/webhooks")
CREATE = Route("POST", f"{_E}/webhooks")
UPDATE = Route("PUT", _W)
REMOVE = Route("DELETE", _W)
LIST_EVENTS = Route("GET", f"{_W}/events")
GET_EVENT = Route("GET", f"{_W}/events/{{eventId}}")
RESEND_EVENT = Route("POST", f"{_W}/events/{{eventId}}/resend")
CHECK_TOKEN = Route(
    "POST", "/v3/tokens/webhook-verification/checking-consumption", idempotent=False
)


class Webhooks(Resource):
    """Where IgniSign sends events, and what it delivered::

    endpoint = await client.webhooks.create(url="https://example.com/ignisign")
    async for record in client.webhooks.iter_events(endpoint.id, filter="FAILED"):
        await client.webhooks.resend_event(endpoint.id, record.id)

    Incoming events are consumed with ``client.webhook_router()``.
    """

    __slots__ = ()

    async def list(self) -> builtins.list[WebhookEndpoint]:
        """The environment's webhook endpoints."""
        return await self._request(LIST, cast=builtins.list[WebhookEndpoint])

    async def create(self, *, url: str, description: str | None = None) -> WebhookEndpoint:
        """Add an endpoint; returns it (picked by URL when the server answers with every
        endpoint of the environment)."""
        payload = body(url=url, description=_omit_none(description))
        answer = await self._request(CREATE, json=payload, cast=_WebhookEndpointsAnswer)
        return _pick(answer, url=url, request=f"POST {CREATE.path}")

    async def update(
        self, webhook_id: str, *, url: str, description: str | None = None
    ) -> WebhookEndpoint:
        """Change an endpoint's URL and description; returns it as it now is."""
        payload = body(url=url, description=_omit_none(description))
        answer = await self._request(UPDATE, webhook_id, json=payload, cast=_WebhookEndpointsAnswer)
        return _pick(answer, webhook_id=webhook_id, url=url, request=f"PUT {UPDATE.path}")

    async def remove(self, webhook_id: str) -> RemovedWebhook:
        """Delete an endpoint; ``endpoint`` is the removed one when the server sends it back."""
        answer = await self._request(REMOVE, webhook_id, cast=_WebhookEndpointsAnswer)
        removed = [e for e in answer.endpoints if e.id == webhook_id]
        if not removed and answer.single:
            removed = list(answer.endpoints)
        return RemovedWebhook(webhook_id=webhook_id, endpoint=removed[0] if removed else None)

    async def list_events(
        self,
        webhook_id: str,
        filter: WebhookEventFilter | str | None = None,
        page: int | None = None,
    ) -> WebhookEventPage:
        """One page of an endpoint's delivery records; ``filter`` and ``page`` are sent only
        when given (``ALL``, ``SUCCESS`` or ``FAILED``; pages start at 1)."""
        params: dict[str, object] = {}
        if filter is not None:
            params["filter"] = enum_arg(WebhookEventFilter, filter, name="filter")
        if page is not None:
            params["page"] = page_arg(page)
        return await self._request(LIST_EVENTS, webhook_id, params=params, cast=WebhookEventPage)

    async def iter_events(
        self, webhook_id: str, filter: WebhookEventFilter | str | None = None
    ) -> AsyncIterator[WebhookEventRecord]:
        """Every delivery record of an endpoint, fetching pages lazily."""
        if filter is not None:
            filter = enum_arg(WebhookEventFilter, filter, name="filter")

        async def fetch(page: int) -> WebhookEventPage:
            return await self.list_events(webhook_id, filter=filter, page=page)

        async for record in paginate(fetch, key=lambda record: record.id):
            yield record

    async def get_event(self, webhook_id: str, event_id: str) -> WebhookEventRecord:
        """One delivery record."""
        return await self._request(GET_EVENT, webhook_id, event_id, cast=WebhookEventRecord)

    async def resend_event(self, webhook_id: str, event_id: str) -> ResentWebhookEvent:
        """Deliver an event again. The server's answer carries nothing: the result holds the
        ids the resend was accepted for."""
        await self._request(RESEND_EVENT, webhook_id, event_id, json={})
        return ResentWebhookEvent(webhook_id=webhook_id, event_id=event_id)

    async def check_token(self, token: str) -> TokenCheckResult:
        """Check a webhook event's verification token, which consumes it (never sent twice).

        ``client.webhook_router()`` does this for every event it consumes.
        """
        if not isinstance(token, str):
            raise TypeError(f"token must be a str, got {type(token).__name__}")
        if not token:
            raise ValueError("token must be a non-empty string")
        client = self._client
        payload = {"token": token, "appId": client.app_id, "appEnv": client.app_env}
        return await self._request(CHECK_TOKEN, json=payload, cast=TokenCheckResult)

    async def resend_failed(self, webhook_id: str) -> ResentFailedEvents:
        """Deliver again, once each, every event of an endpoint whose delivery FAILED::

            resent = await client.webhooks.resend_failed(webhook_id)   # after a callback fix

        The FAILED records are all listed first, then resent oldest first (so that a callback
        tracking a status ends on the latest). A resent event is PENDING, then SUCCESS or FAILED
        again: calling this twice never resends one twice unless its new delivery failed too. If
        a resend call fails, the error is raised and the events not resent yet stay FAILED.
        """
        listed = [record async for record in self.iter_events(webhook_id, filter="FAILED")]
        listed.reverse()  # IgniSign lists the newest first: ties keep that order, reversed
        failed = [r.id for r in sorted(listed, key=_oldest_first)]
        for event_id in failed:
            await self.resend_event(webhook_id, event_id)
        return ResentFailedEvents(webhook_id=webhook_id, event_ids=tuple(failed))


def _oldest_first(record: WebhookEventRecord) -> tuple[bool, float]:
    when = record.created_at
    return when is None, 0.0 if when is None else when.timestamp()


def _omit_none(value: str | None) -> str | NotGiven:
    return NOT_GIVEN if value is None else value


def _pick(
    answer: _WebhookEndpointsAnswer,
    *,
    request: str,
    url: str,
    webhook_id: str | None = None,
) -> WebhookEndpoint:
    endpoints = answer.endpoints
    if answer.single:
        return endpoints[0]
    if webhook_id is not None:
        for endpoint in endpoints:
            if endpoint.id == webhook_id:
                return endpoint
    matching = [e for e in endpoints if e.url == url]
    if matching:
        return matching[-1]
    raise APIResponseValidationError(
        "The answer lists the webhook endpoints but not the one this call wrote",
        request=request,
        body=None,
    )
