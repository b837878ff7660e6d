"""``ignisign proofs download``: a proof or the original file, atomically, with a progress bar.

The file is written through a temporary file in the target's folder and renamed into place once
complete (the SDK's ``DownloadStream.save``): an interrupted download leaves nothing behind. The
bar is drawn on stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ._context import Context, add_command, api_command
from ._failures import UsageError
from ._progress import ProgressBar

if TYPE_CHECKING:
    from .. import AsyncIgnisign, DownloadResult, DownloadStream

__all__ = ["register"]

_KINDS: Final = ("proof", "xades", "asic", "original")
_EXTENSIONS: Final = {"proof": ".pdf", "xades": ".xml", "asic": ".asice", "original": ""}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``proofs download``."""
    group = add_command(commands, "proofs", common, "signature proofs and signed documents")
    actions = group.add_subparsers(title="commands", metavar="COMMAND")
    download = add_command(
        actions, "download", common, "download a document's proof (or its original file)"
    )
    download.add_argument("document_id", metavar="DOC_ID")
    download.add_argument(
        "--kind",
        choices=_KINDS,
        default="proof",
        help="proof (PDF signature proof, default), xades, asic (ASiC-E) or original",
    )
    download.add_argument(
        "--signature-id",
        metavar="ID",
        help="xades: whose signature (default: the document's only one)",
    )
    download.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="file or folder to write ('-': stdout; default: the server's file name)",
    )
    download.set_defaults(handler=proofs_download)


async def _signature_id(client: AsyncIgnisign, document_id: str, given: str | None) -> str:
    if given:
        return given
    signatures = await client.proofs.list_signatures(document_id)
    if len(signatures) == 1:
        return signatures[0].id
    ids = ", ".join(s.id for s in signatures) or "none"
    raise UsageError(f"--kind xades needs --signature-id (signatures of {document_id}: {ids})")


async def _opener(
    client: AsyncIgnisign, kind: str, document_id: str, signature_id: str | None
) -> Callable[[], AbstractAsyncContextManager[DownloadStream]]:
    if kind == "xades":
        chosen = await _signature_id(client, document_id, signature_id)
        return lambda: client.proofs.stream_xades(document_id, chosen)
    streams = {
        "proof": client.proofs.stream_signature_proof,
        "asic": client.proofs.stream_asic,
        "original": client.documents.stream_original,
    }
    return lambda: streams[kind](document_id)


def _target(output: str | None, stream: DownloadStream, document_id: str, kind: str) -> Path:
    default = stream.file_name or f"{document_id}-{kind}{_EXTENSIONS[kind]}"
    if output is None:
        return Path(default)
    path = Path(output)
    return path / default if path.is_dir() else path


async def _save(context: Context, stream: DownloadStream, target: Path | None) -> DownloadResult:
    if target is None:
        binary = getattr(context.out.stdout, "buffer", None) or sys.stdout.buffer
        result = await stream.save(binary)
        binary.flush()
        return result
    stderr = context.out.stderr
    if not stderr.isatty():
        return await stream.save(target)
    bar = ProgressBar(stderr, target.name)
    result = await stream.save(target, progress=bar)
    bar.finish()
    return result


@api_command
async def proofs_download(context: Context, client: AsyncIgnisign) -> int:
    """Stream the file to disk (or stdout); prints where it went."""
    args = context.args
    if args.signature_id and args.kind != "xades":
        raise UsageError("--signature-id goes with --kind xades")
    if args.output == "-" and context.out.json_mode:
        raise UsageError("--json prints the result on stdout: write the file with -o PATH")
    open_stream = await _opener(client, args.kind, args.document_id, args.signature_id)
    async with open_stream() as stream:
        target = (
            None
            if args.output == "-"
            else _target(args.output, stream, args.document_id, args.kind)
        )
        result = await _save(context, stream, target)
        content_type = stream.content_type
    out = context.out
    summary = {
        "document_id": args.document_id,
        "kind": args.kind,
        "path": str(result.path) if result.path else None,
        "bytes_written": result.bytes_written,
        "content_type": content_type,
    }
    if out.json_mode:
        out.document(summary)
    elif result.path is not None:
        out.say(f"saved {result.path} ({result.bytes_written:,} bytes, {content_type})")
    return 0
