"""How a failure reads on the command line: one ``error: CODE: message`` line and an exit code.

Exit codes: 0 done, 1 an API, network or file error, 2 a usage or configuration error.
"""

from __future__ import annotations

from typing import Final

from .. import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    DownloadError,
    IgnisignError,
    WebhookError,
)

__all__ = ["EXIT_FAILURE", "EXIT_USAGE", "CommandError", "ConfigError", "UsageError", "describe"]

EXIT_FAILURE: Final = 1
EXIT_USAGE: Final = 2


class UsageError(Exception):
    """The command line is wrong (exit 2)."""

    code = "USAGE"


class ConfigError(UsageError):
    """The configuration (``IGNISIGN_*`` variables, flags, secret file) is missing or wrong."""

    code = "CONFIG"


class CommandError(Exception):
    """A command could not do its job for a reason of its own (exit 1), e.g. a watch timed out."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _api_error(exc: APIError) -> tuple[int, str, str]:
    code = exc.code or f"HTTP_{exc.status_code}"
    where = f"{exc.status_code} {exc.request}" if exc.request else str(exc.status_code)
    return EXIT_FAILURE, code, f"{exc.message} ({where})"


def describe(exc: BaseException) -> tuple[int, str, str]:
    """``(exit code, error code, message)`` for an exception a command raised."""
    while len(getattr(exc, "exceptions", ())) == 1:  # a task group's group of one
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    if isinstance(exc, UsageError):
        return EXIT_USAGE, exc.code, str(exc)
    if isinstance(exc, CommandError):
        return EXIT_FAILURE, exc.code, str(exc)
    if isinstance(exc, APIError):
        return _api_error(exc)
    simple: tuple[tuple[type[BaseException], str], ...] = (
        (APITimeoutError, "TIMEOUT"),
        (APIConnectionError, "CONNECTION"),
        (APIResponseValidationError, "BAD_RESPONSE"),
        (DownloadError, "DOWNLOAD"),
    )
    for kind, code in simple:
        if isinstance(exc, kind):
            return EXIT_FAILURE, code, str(exc)
    if isinstance(exc, WebhookError):
        return EXIT_FAILURE, exc.code, str(exc)
    if isinstance(exc, IgnisignError):
        return EXIT_FAILURE, "ERROR", str(exc)
    if isinstance(exc, (ValueError, TypeError)):
        # The SDK checks its arguments before any request: these are bad input.
        return EXIT_USAGE, "USAGE", str(exc)
    if isinstance(exc, OSError):
        return EXIT_FAILURE, "FILE", str(exc)
    message = f"{type(exc).__name__}: {exc} (run with --debug for the traceback)"
    return EXIT_FAILURE, "INTERNAL", message
