"""``ignisign send FILE... --to "Ada Lovelace <ada@example.com>"``: the one-call workflow.

Files are uploaded, signers created, the request published, through
``client.signature_requests.send``; on a failure midway, that method closes the draft it made.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ._context import Context, add_command, api_command
from ._failures import UsageError
from ._progress import ProgressBar

if TYPE_CHECKING:
    from .. import AsyncIgnisign

__all__ = ["parse_duration", "parse_recipient", "register"]

_DURATION: Final = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(value: str) -> _dt.timedelta:
    """``"7d"`` -> 7 days (units: s, m, h, d, w)."""
    match = _DURATION.match(value)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 30m, 12h, 7d or 2w, got {value!r}"
        )
    amount, unit = int(match.group(1)), match.group(2).lower()
    return _dt.timedelta(**{_UNITS[unit]: amount})


def parse_recipient(value: str) -> dict[str, str]:
    """``"Ada Lovelace <ada@example.com>"`` -> first name, last name and email."""
    name, email = parseaddr(value)
    if "@" not in email or " " in email.strip():
        raise argparse.ArgumentTypeError(
            f'expected "First Last <email>" or an email address, got {value!r}'
        )
    signer = {"email": email}
    first, _, last = name.strip().partition(" ")
    if first:
        signer["first_name"] = first
    if last.strip():
        signer["last_name"] = last.strip()
    return signer


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``send``."""
    send = add_command(
        commands, "send", common, "send files for signature in one call (upload, signers, publish)"
    )
    send.add_argument("files", nargs="+", metavar="FILE", help="documents to sign")
    send.add_argument(
        "--to",
        dest="signers",
        action="append",
        required=True,
        type=parse_recipient,
        metavar='"NAME <EMAIL>"',
        help="a signer (repeat for several)",
    )
    send.add_argument("--title", help="the request's title (default: the first file's name)")
    send.add_argument("--description", help="the request's description")
    send.add_argument(
        "--profile",
        metavar="ID",
        help="signature profile id (default: the application's only published profile)",
    )
    send.add_argument(
        "--expires",
        type=parse_duration,
        metavar="DURATION",
        help="expire after this long: 30m, 12h, 7d, 2w",
    )
    send.set_defaults(handler=send_command)


def _files(names: list[str]) -> list[str]:
    for name in names:
        if not Path(name).is_file():
            raise UsageError(f"no such file: {name}")
    return names


@api_command
async def send_command(context: Context, client: AsyncIgnisign) -> int:
    """Send; prints the request id, its status and what was created."""
    args = context.args
    files = _files(args.files)
    options: dict[str, Any] = {}
    if args.profile:
        options["signature_profile_id"] = args.profile
    if args.expires:
        options["expires_in"] = args.expires
    if args.description:
        options["description"] = args.description
    stderr = context.out.stderr
    bar = ProgressBar(stderr, "uploading") if stderr.isatty() else None
    sent = await client.signature_requests.send(
        documents=files,
        signers=args.signers,
        title=args.title or Path(files[0]).name,
        progress=bar,
        **options,
    )
    if bar is not None:
        bar.finish()
    out = context.out
    if out.json_mode:
        out.document(sent)
        return 0
    out.fields(
        [
            ("signature request", sent.signature_request_id),
            ("status", sent.status),
            ("profile", f"{sent.signature_profile_id} ({sent.integration_mode.value})"),
            ("documents", ", ".join(sent.document_ids)),
            ("signers", ", ".join(sent.signer_ids)),
        ]
    )
    if sent.signers:
        out.note(f"{len(sent.signers)} signature session tokens: see them with --json")
    return 0
