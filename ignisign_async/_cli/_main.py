"""``ignisign``: the parser of every command, and the one place failures become exit codes."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import TextIO

from .._version import __version__
from . import _account, _local, _proofs, _requests, _send, _webhooks
from ._context import Context, Handler, Parser, common_options
from ._failures import EXIT_USAGE, UsageError, describe
from ._output import Output

__all__ = ["build_parser", "main"]

_DESCRIPTION = """\
The IgniSign API from a shell: look at requests, fetch proofs, resend webhooks, send documents.
Configuration: IGNISIGN_APP_ID, IGNISIGN_APP_ENV, IGNISIGN_APP_SECRET (and IGNISIGN_BASE_URL),
or --app-id, --env, --secret-file, --base-url. Exit codes: 0 done, 1 API or network error,
2 usage or configuration error."""


def build_parser() -> argparse.ArgumentParser:
    """The ``ignisign`` parser with every command."""
    common = common_options()
    parser = Parser(
        prog="ignisign",
        description=_DESCRIPTION,
        parents=[common],
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ignisign {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in (_local, _account, _requests, _proofs, _send, _webhooks):
        module.register(commands, common)
    return parser


@contextlib.contextmanager
def _sdk_logging(debug: bool, stream: TextIO) -> Iterator[None]:
    """``--debug``: the SDK's log on stderr. Otherwise its warnings are not printed past the
    one-line error (a handler the user set up, e.g. with ``IGNISIGN_LOG``, still gets them)."""
    logger = logging.getLogger("ignisign_async")
    handler: logging.Handler = logging.NullHandler()
    level = logger.level
    if debug:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _silence(stream: TextIO) -> None:
    """Point a closed pipe at /dev/null, so that the interpreter's last flush does not fail."""
    try:
        fileno = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def _parse(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, out: Output
) -> argparse.Namespace | int:
    try:
        return parser.parse_args(argv)
    except UsageError as exc:
        out.error(exc.code, str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ``ignisign`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    out = Output(stdout, stderr, json_mode=False)
    parser = build_parser()
    args = _parse(parser, argv, out)
    if isinstance(args, int):
        return args
    handler = getattr(args, "handler", None)
    if handler is None:  # no command, or a group without its subcommand
        usage_parser = getattr(args, "usage_parser", parser)
        stderr.write(usage_parser.format_help())
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    out.json_mode = bool(getattr(args, "json", False))
    with _sdk_logging(debug, stderr):
        return _run(handler, Context(args, out), debug=debug)


def _run(handler: Handler, context: Context, *, debug: bool) -> int:
    """The command, its failures turned into one line and an exit code."""
    try:
        code: int = handler(context)
    except KeyboardInterrupt:
        context.out.stderr.write("\n")
        return 130
    except BrokenPipeError:  # `ignisign ... | head`: the reader left; say nothing more
        _silence(context.out.stdout)
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=context.out.stderr)
        status, error_code, message = describe(exc)
        context.out.error(error_code, message)
        return status
    return code
