"""Webhook endpoints, delivery records and the token check (reference sections 7.1 and 7.9).

The events themselves, as IgniSign POSTs them to the application, are in
:mod:`ignisign_async.models.webhook_events`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, final

from ._base import Model, model
from .enums import AppEnv
from .pagination import PaginationData
from .webhook_events import IgnisignErrorInfo
from .webhook_topics import WebhookEventStatus, WebhookMessageNature, WebhookTopic

__all__ = [
    "WebhookEndpoint",
    "RemovedWebhook",
    "WebhookDeliveryResponse",
    "WebhookEventRecord",
    "WebhookEventPage",
    "ResentWebhookEvent",
    "TokenCheckResult",
    "ResentFailedEvents",
]


@final
@model
class WebhookEndpoint(Model):
    """A URL IgniSign POSTs the application's events to::

    endpoint = await client.webhooks.create(url="https://example.com/ignisign")
    endpoint.id
    """

    id: str
    url: str
    description: str | None = None
    is_disabled: bool | None = None
    created_at: _dt.datetime | None = None


@final
@model
class _WebhookEndpointsAnswer(Model):
    """What adding, updating or removing an endpoint answers: one endpoint (the vendor
    documentation) or the environment's endpoints (the Node SDK's type). Both become a list."""

    endpoints: tuple[WebhookEndpoint, ...]
    single: bool = False
    """Whether the server answered with one object (the endpoint the call wrote)."""

    @staticmethod
    def _wire_shape(data: Any) -> Any:
        if isinstance(data, list):
            return {"endpoints": data}
        if isinstance(data, Mapping):
            return {"endpoints": [data], "single": True}
        return data


@final
@model
class RemovedWebhook(Model):
    """The answer to removing an endpoint.

    ``endpoint`` is the removed endpoint when the server sends it back, ``None`` when it answers
    with the endpoints that remain instead (both shapes are documented).
    """

    webhook_id: str
    endpoint: WebhookEndpoint | None = None


@final
@model
class WebhookDeliveryResponse(Model):
    """How the application's endpoint answered one delivery."""

    status: int | None = None
    status_text: str | None = None


@final
@model
class WebhookEventRecord(Model):
    """One delivery of an event to one endpoint, as IgniSign recorded it.

    ``action`` is the topic's action (``"LAUNCHED"``...), a plain string because its enum depends
    on the topic; ``content`` is the event's JSON content as sent::

        page = await client.webhooks.list_events(webhook_id, filter="FAILED")
        for record in page.items:
            print(record.topic, record.action, record.response)
    """

    id: str
    app_id: str
    app_env: AppEnv
    webhook_id: str
    topic: WebhookTopic
    action: str
    msg_nature: WebhookMessageNature
    status: WebhookEventStatus
    content: object = None
    error: IgnisignErrorInfo | None = None
    response: WebhookDeliveryResponse | None = None
    created_at: _dt.datetime | None = None


@final
@model
class WebhookEventPage(Model):
    """One page of an endpoint's delivery records; ``items`` are the records."""

    events: tuple[WebhookEventRecord, ...]
    search_data: PaginationData

    @property
    def items(self) -> tuple[WebhookEventRecord, ...]:
        """The records of this page."""
        return self.events

    @property
    def total(self) -> int:
        """How many records match, over every page."""
        return self.search_data.total

    @property
    def page(self) -> int:
        """This page's number (from 1)."""
        return self.search_data.page


@final
@model
class ResentWebhookEvent(Model):
    """Acknowledges ``client.webhooks.resend_event``: the server accepted to deliver the event
    again. Its answer carries nothing more, so this holds the ids the call was made with."""

    webhook_id: str
    event_id: str


@final
@model
class TokenCheckResult(Model):
    """The verdict on a webhook event's verification token (the check consumes the token).

    ``is_valid`` is the answer; the other flags say why a token was refused::

        result = await client.webhooks.check_token(token)
        if not result.is_valid:
            print(result.already_consumed, result.is_expired)
    """

    is_valid: bool = False
    have_been_consumed: bool = False
    not_found: bool = False
    already_consumed: bool = False
    bad_target: bool = False
    is_expired: bool = False
    bad_related_id: bool = False
    error_str: object = None
    context: object = None


@final
@model
class ResentFailedEvents(Model):
    """What ``client.webhooks.resend_failed(webhook_id)`` resent: each FAILED event, once::

    resent = client.webhooks.resend_failed(webhook_id)
    print(f"{len(resent.event_ids)} event(s) delivered again")
    """

    webhook_id: str
    event_ids: tuple[str, ...]
