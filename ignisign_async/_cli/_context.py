"""What every command shares: the global options, the client built from them, the output.

Configuration comes from the ``IGNISIGN_*`` variables, or from ``--app-id``, ``--env``,
``--base-url`` and ``--secret-file``. The secret itself is never taken on the command line, where
``ps`` and shell histories would show it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn

import anyio
import attrs

from .. import AsyncIgnisign
from ..models.enums import AppEnv
from ._failures import ConfigError, UsageError
from ._output import Output

__all__ = ["Context", "Handler", "Parser", "add_command", "api_command", "common_options"]

APP_ENVS = ("DEVELOPMENT", "STAGING", "PRODUCTION")

Handler = Callable[["Context"], int]
"""A command: runs with the parsed arguments and returns the exit code."""


class Parser(argparse.ArgumentParser):
    """``argparse`` that raises :class:`UsageError` (one line, exit 2) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


class _RefuseSecret(argparse.Action):
    """``--secret``: refused without echoing its value (argv shows in ``ps`` and histories)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any, **__: Any) -> None:
        raise ConfigError(
            "the app secret is never read from the command line (ps and shell histories show "
            "it): set IGNISIGN_APP_SECRET or pass --secret-file PATH"
        )


def _env_name(value: str) -> str:
    return value.upper()


def common_options() -> argparse.ArgumentParser:
    """The options every command accepts, before or after its name."""
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    group = common.add_argument_group("global options")
    keep = argparse.SUPPRESS  # a subcommand must not reset what the main parser read
    group.add_argument("--app-id", default=keep, help="application id (IGNISIGN_APP_ID)")
    group.add_argument(
        "--env",
        type=_env_name,
        choices=APP_ENVS,
        default=keep,
        help="environment (IGNISIGN_APP_ENV)",
    )
    group.add_argument("--base-url", default=keep, help="API root (IGNISIGN_BASE_URL)")
    group.add_argument(
        "--secret-file",
        default=keep,
        metavar="PATH",
        help="file holding the app secret, '-' for stdin (default: IGNISIGN_APP_SECRET)",
    )
    group.add_argument("--json", action="store_true", default=keep, help="print JSON")
    group.add_argument(
        "--debug",
        action="store_true",
        default=keep,
        help="show tracebacks and the SDK's debug log on stderr",
    )
    for name in ("--secret", "--app-secret"):
        group.add_argument(name, nargs="?", action=_RefuseSecret, help=argparse.SUPPRESS)
    return common


def add_command(
    commands: Any, name: str, common: argparse.ArgumentParser, help_text: str
) -> argparse.ArgumentParser:
    """A subcommand parser with the global options; ``commands`` is an ``add_subparsers`` result."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, parents=[common], help=help_text, description=help_text, allow_abbrev=False
    )
    parser.set_defaults(usage_parser=parser)
    return parser


@attrs.define
class Context:
    """The parsed command line and where to print."""

    args: argparse.Namespace
    out: Output

    def option(self, name: str, default: Any = None) -> Any:
        """A parsed option, ``default`` when it was not given."""
        return getattr(self.args, name, default)

    def make_client(self) -> AsyncIgnisign:
        """A client from the flags and the ``IGNISIGN_*`` variables; :class:`ConfigError` if not."""
        app_id = self.option("app_id") or os.environ.get("IGNISIGN_APP_ID")
        app_env = self.option("env") or os.environ.get("IGNISIGN_APP_ENV")
        secret_file = self.option("secret_file")
        secret = _read_secret(secret_file) if secret_file else os.environ.get("IGNISIGN_APP_SECRET")
        if not app_id:
            raise ConfigError("no application id: set IGNISIGN_APP_ID or pass --app-id")
        if not app_env:
            raise ConfigError("no environment: set IGNISIGN_APP_ENV or pass --env")
        if not secret:
            raise ConfigError("no app secret: set IGNISIGN_APP_SECRET or pass --secret-file PATH")
        try:
            return AsyncIgnisign(
                app_id, AppEnv(app_env.upper()), secret, base_url=self.option("base_url")
            )
        except ValueError as exc:
            raise ConfigError(str(exc)) from None


def _read_secret(path: str) -> str:
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"cannot read the secret file {path!r}: {reason}") from None
    secret = raw.strip()
    if not secret or "\n" in secret:
        raise ConfigError(f"the secret file {path!r} must hold the secret alone, on one line")
    return secret


def api_command(
    function: Callable[[Context, AsyncIgnisign], Awaitable[int]],
) -> Handler:
    """A command that talks to the API: the client is built first, and closed after."""

    def run(context: Context) -> int:
        client = context.make_client()

        async def main() -> int:
            async with client:
                return await function(context, client)

        return anyio.run(main)

    run.__name__ = run.__qualname__ = function.__name__
    run.__doc__ = function.__doc__
    return run
