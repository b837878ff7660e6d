"""``ignisign requests list|get|watch|close``: the environment's signature requests."""

from __future__ import annotations

import argparse
import datetime as _dt
from typing import Any

import anyio

from .. import AsyncIgnisign
from ..models import SignatureRequest, SignatureRequestContext, SignatureRequestStatus
from ._context import Context, add_command, api_command
from ._failures import CommandError

__all__ = ["register"]

_STATUSES = [s.value for s in SignatureRequestStatus]


def _status(value: str) -> str:
    upper = value.upper()
    if upper not in _STATUSES:
        raise argparse.ArgumentTypeError(
            f"unknown status {value!r} (choose from {', '.join(_STATUSES)})"
        )
    return upper


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``requests list``, ``get``, ``watch`` and ``close``."""
    group = add_command(commands, "requests", common, "signature requests")
    actions = group.add_subparsers(title="commands", metavar="COMMAND")
    listing = add_command(
        actions, "list", common, "signature requests (the first page, unless --all)"
    )
    listing.add_argument(
        "--status",
        type=_status,
        action="append",
        metavar="S",
        help="only requests in this status (repeatable)",
    )
    pages = listing.add_mutually_exclusive_group()
    pages.add_argument("--all", action="store_true", help="every page, not only the first")
    pages.add_argument("--page", type=int, default=1, help="which page (default 1)")
    listing.set_defaults(handler=requests_list)

    get = add_command(actions, "get", common, "a request with its signers and documents")
    get.add_argument("signature_request_id", metavar="ID")
    get.set_defaults(handler=requests_get)

    watch = add_command(
        actions, "watch", common, "print a request's status changes until it is over"
    )
    watch.add_argument("signature_request_id", metavar="ID")
    watch.add_argument(
        "--interval", type=_positive, default=2.0, help="seconds between checks (default 2)"
    )
    watch.add_argument("--timeout", type=_positive, help="give up after this many seconds")
    watch.set_defaults(handler=requests_watch)

    close = add_command(actions, "close", common, "close (cancel) a request")
    close.add_argument("signature_request_id", metavar="ID")
    close.set_defaults(handler=requests_close)


def _row(request: SignatureRequest) -> list[object]:
    return [
        request.id,
        request.status,
        request.title,
        request.created_at,
        request.doc_label or request.doc_file_name,
    ]


async def _matching(
    context: Context, client: AsyncIgnisign
) -> tuple[list[SignatureRequest], str | None]:
    """The requests to show (JSON lines printed as they come), and a note on what was left out."""
    wanted = set(context.option("status") or ())
    out = context.out
    found: list[SignatureRequest] = []
    if context.option("all"):
        async for request in client.signature_requests.iter_all():
            if not wanted or request.status.value in wanted:
                found.append(request)
                if out.json_mode:
                    out.json_line(request)
        return found, None
    page = await client.signature_requests.list(page=context.option("page", 1))
    found = [r for r in page.items if not wanted or r.status.value in wanted]
    if out.json_mode:
        for request in found:
            out.json_line(request)
    note = None
    if page.total > len(page.items):
        shown = f"{len(page.items)} of {page.total} requests"
        note = f"page {page.page}: {shown} (--all for every page)"
    return found, note


@api_command
async def requests_list(context: Context, client: AsyncIgnisign) -> int:
    """A table, or one JSON line per request; ``--all`` walks every page."""
    found, note = await _matching(context, client)
    out = context.out
    if not out.json_mode:
        out.table(
            ["ID", "STATUS", "TITLE", "CREATED", "DOCUMENT"],
            [_row(r) for r in found],
            status_column=1,
            empty="no signature requests",
        )
        if note:
            out.note(note)
    return 0


def _signer_name(signer: Any) -> str:
    name = " ".join(part for part in (signer.first_name, signer.last_name) if part)
    return f"{name} <{signer.email}>" if signer.email else name or signer.signer_id


def _print_context(context: Context, request: SignatureRequestContext) -> None:
    out = context.out
    out.fields(
        [
            ("id", request.id),
            ("title", request.title),
            ("status", request.status),
            ("profile", f"{request.signature_profile.name} ({request.signature_profile_id})"),
            ("created", request.created_at),
            ("expires", request.expiration_date if request.expiration_date_is_activated else None),
            ("signed by", f"{len(request.signed_by)} of {len(request.signer_ids)}"),
            ("proof", request.signature_proof_status),
        ]
    )
    if request.signers:
        out.say("")
        out.table(
            ["SIGNER", "NAME", "STATUS"],
            [[s.signer_id, _signer_name(s), s.status] for s in request.signers],
            status_column=2,
        )
    if request.documents:
        out.say("")
        out.table(
            ["DOCUMENT", "LABEL", "FILE", "STATUS"],
            [[d.id, d.label, d.file_name, d.status] for d in request.documents],
            status_column=3,
        )


@api_command
async def requests_get(context: Context, client: AsyncIgnisign) -> int:
    """The request's context."""
    request = await client.signature_requests.get(context.args.signature_request_id)
    if context.out.json_mode:
        context.out.document(request)
    else:
        _print_context(context, request)
    return 0


@api_command
async def requests_watch(context: Context, client: AsyncIgnisign) -> int:
    """One line (or JSON line) per status change, until a terminal status or ``--timeout``."""
    request_id = context.args.signature_request_id
    timeout: float | None = context.option("timeout")
    out = context.out
    last: SignatureRequestStatus | None = None
    with anyio.move_on_after(timeout if timeout is not None else float("inf")) as scope:
        while True:
            request = await client.signature_requests.get(request_id)
            if request.status != last:
                last = request.status
                now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
                signed = {"signed_by": len(request.signed_by), "signers": len(request.signer_ids)}
                if out.json_mode:
                    out.json_line(
                        {
                            "signature_request_id": request_id,
                            "status": request.status,
                            "at": now,
                            **signed,
                        }
                    )
                else:
                    out.say(
                        f"{now.isoformat()}  {out.style.status(request.status.value)}  "
                        f"signed {signed['signed_by']}/{signed['signers']}"
                    )
            if request.status.is_closed:
                return 0
            await anyio.sleep(context.args.interval)
    assert scope.cancelled_caught
    raise CommandError(
        "TIMEOUT", f"{request_id} is still {last.value if last else 'unknown'} after {timeout} s"
    )


@api_command
async def requests_close(context: Context, client: AsyncIgnisign) -> int:
    """Close the request; prints its id."""
    closed = await client.signature_requests.close(context.args.signature_request_id)
    if context.out.json_mode:
        context.out.document(closed)
    else:
        context.out.say(f"closed {closed.signature_request_id}")
    return 0
