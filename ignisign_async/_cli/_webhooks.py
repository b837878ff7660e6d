"""``ignisign webhooks list|events|resend|resend-failed`` and ``ignisign check-token``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ._context import Context, add_command, api_command
from ._failures import UsageError

if TYPE_CHECKING:
    from .. import AsyncIgnisign
    from ..models import WebhookEventRecord

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``webhooks`` commands and ``check-token``."""
    group = add_command(commands, "webhooks", common, "webhook endpoints and their deliveries")
    actions = group.add_subparsers(title="commands", metavar="COMMAND")
    listing = add_command(actions, "list", common, "the environment's webhook endpoints")
    listing.set_defaults(handler=webhooks_list)

    events = add_command(actions, "events", common, "an endpoint's deliveries, newest first")
    events.add_argument("webhook_id", metavar="ID")
    events.add_argument("--failed", action="store_true", help="only the failed deliveries")
    pages = events.add_mutually_exclusive_group()
    pages.add_argument("--all", action="store_true", help="every page, not only the first")
    pages.add_argument("--page", type=int, default=1, help="which page (default 1)")
    events.set_defaults(handler=webhooks_events)

    resend = add_command(actions, "resend", common, "deliver one event to its endpoint again")
    resend.add_argument("webhook_id", metavar="ID")
    resend.add_argument("event_id", metavar="EVENT_ID")
    resend.set_defaults(handler=webhooks_resend)

    resend_failed = add_command(
        actions, "resend-failed", common, "deliver every failed event of an endpoint again, once"
    )
    resend_failed.add_argument("webhook_id", metavar="ID")
    resend_failed.set_defaults(handler=webhooks_resend_failed)

    check = add_command(
        commands,
        "check-token",
        common,
        "check a webhook event's verification token (the check consumes it)",
    )
    check.add_argument("token", metavar="TOKEN", help="the token, or '-' to read it from stdin")
    check.set_defaults(handler=check_token)


@api_command
async def webhooks_list(context: Context, client: AsyncIgnisign) -> int:
    """One row (or JSON line) per endpoint."""
    endpoints = await client.webhooks.list()
    out = context.out
    if out.json_mode:
        for endpoint in endpoints:
            out.json_line(endpoint)
        return 0
    out.table(
        ["ID", "URL", "DESCRIPTION", "DISABLED", "CREATED"],
        [[e.id, e.url, e.description, e.is_disabled, e.created_at] for e in endpoints],
        empty="no webhook endpoints",
    )
    return 0


def _event_row(record: WebhookEventRecord) -> list[object]:
    answered = record.response.status if record.response else None
    return [record.id, record.created_at, record.topic, record.action, record.status, answered]


@api_command
async def webhooks_events(context: Context, client: AsyncIgnisign) -> int:
    """The endpoint's delivery records; ``--failed`` only those that failed."""
    args = context.args
    out = context.out
    kind = "FAILED" if args.failed else None
    records: list[WebhookEventRecord] = []
    note = None
    if args.all:
        async for record in client.webhooks.iter_events(args.webhook_id, filter=kind):
            records.append(record)
            if out.json_mode:
                out.json_line(record)
    else:
        page = await client.webhooks.list_events(args.webhook_id, filter=kind, page=args.page)
        records = list(page.items)
        if out.json_mode:
            for record in records:
                out.json_line(record)
        if page.total > len(records):
            note = f"page {page.page}: {len(records)} of {page.total} events (--all for every page)"
    if not out.json_mode:
        out.table(
            ["EVENT", "CREATED", "TOPIC", "ACTION", "STATUS", "HTTP"],
            [_event_row(r) for r in records],
            status_column=4,
            empty="no failed events" if args.failed else "no events",
        )
        if note:
            out.note(note)
    return 0


@api_command
async def webhooks_resend(context: Context, client: AsyncIgnisign) -> int:
    """Ask IgniSign to deliver one event again."""
    resent = await client.webhooks.resend_event(context.args.webhook_id, context.args.event_id)
    if context.out.json_mode:
        context.out.document(resent)
    else:
        context.out.say(f"resent event {resent.event_id} to endpoint {resent.webhook_id}")
    return 0


@api_command
async def webhooks_resend_failed(context: Context, client: AsyncIgnisign) -> int:
    """Ask IgniSign to deliver every failed event of the endpoint again, once each."""
    resent = await client.webhooks.resend_failed(context.args.webhook_id)
    out = context.out
    if out.json_mode:
        out.document(resent)
        return 0
    count = len(resent.event_ids)
    plural = "" if count == 1 else "s"
    out.say(f"resent {count} failed event{plural} of endpoint {resent.webhook_id}")
    for event_id in resent.event_ids:
        out.say(f"  {event_id}")
    return 0


def _token(given: str) -> str:
    token = (sys.stdin.read() if given == "-" else given).strip()
    if not token:
        raise UsageError("the token is empty")
    return token


@api_command
async def check_token(context: Context, client: AsyncIgnisign) -> int:
    """IgniSign's verdict on the token; exit 0 whatever the verdict (it is in the output)."""
    result = await client.webhooks.check_token(_token(context.args.token))
    out = context.out
    if out.json_mode:
        out.document(result)
        return 0
    reasons = [
        label
        for flag, label in (
            (result.already_consumed, "already consumed"),
            (result.is_expired, "expired"),
            (result.not_found, "not found"),
            (result.bad_target, "bad target"),
            (result.bad_related_id, "bad related id"),
        )
        if flag
    ]
    if result.is_valid:
        out.say(out.style.paint("valid", "green"))
    else:
        out.say(out.style.paint("invalid", "red") + (f": {', '.join(reasons)}" if reasons else ""))
    return 0
