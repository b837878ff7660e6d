"""``IGNISIGN_LOG=debug|info``: the SDK's log lines on stderr with no logging set up.

Read once, when ``ignisign_async`` is imported (as ``OPENAI_LOG`` and ``STRIPE_LOG`` are): a
handler writing to the current ``sys.stderr`` is attached to the ``ignisign_async`` logger, which
is set to that level. Any other value leaves logging alone. The handler is attached once
however many times this runs; records still propagate to handlers the application sets up.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Final, TextIO

__all__ = ["setup_logging", "LOG_VARIABLE"]

LOG_VARIABLE: Final = "IGNISIGN_LOG"
_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}
_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)
        self.setFormatter(logging.Formatter(_FORMAT))

    @property
    def stream(self) -> TextIO:
        return sys.stderr


def setup_logging(value: str | None = None) -> None:
    """Attach the stderr handler if ``value`` (default: ``$IGNISIGN_LOG``) is debug or info."""
    if value is None:
        value = os.environ.get(LOG_VARIABLE, "")
    level = _LEVELS.get(value.strip().lower())
    if level is None:
        return
    logger = logging.getLogger("ignisign_async")
    logger.setLevel(level)
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        logger.addHandler(_StderrHandler())
