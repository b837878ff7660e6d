"""A download progress bar for terminals: bytes, rate and time left, redrawn in place."""

from __future__ import annotations

import os
import shutil
import time
from typing import Final, TextIO

__all__ = ["ProgressBar", "human_bytes"]

_UNITS: Final = ("B", "KiB", "MiB", "GiB", "TiB")
_REDRAW_EVERY: Final = 0.1


def human_bytes(count: float) -> str:
    """``1536`` -> ``"1.5 KiB"``."""
    for unit in _UNITS:
        if abs(count) < 1024 or unit == _UNITS[-1]:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class ProgressBar:
    """``progress(done, total)`` callback drawing one line on ``stream`` (a terminal).

    ``[########----------]  42%  1.2 MiB / 2.9 MiB  3.4 MiB/s  ETA 0:01``; without a known
    total, the bytes and the rate only. :meth:`finish` draws the last state and ends the line.
    """

    def __init__(self, stream: TextIO, label: str) -> None:
        self._stream = stream
        self._label = label
        self._start = time.monotonic()
        self._last_draw = 0.0
        self._done = 0
        self._total: int | None = None

    def __call__(self, done: int, total: int | None) -> None:
        self._done, self._total = done, total
        now = time.monotonic()
        if now - self._last_draw >= _REDRAW_EVERY:
            self._last_draw = now
            self._draw(now)

    def finish(self) -> None:
        """Draw the final state and move to the next line."""
        self._draw(time.monotonic())
        self._stream.write("\n")
        self._stream.flush()

    def line(self, now: float, width: int = 80) -> str:
        """The bar at time ``now`` (``time.monotonic()``), the label shortened to fit ``width``."""
        stats = self._stats(now)
        room = max(width - 1 - len(stats) - 2, 8)
        label = self._label if len(self._label) <= room else "..." + self._label[3 - room :]
        return f"{label}  {stats}"

    def _stats(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-6)
        rate = self._done / elapsed
        parts = []
        total = self._total
        if total:
            fraction = min(self._done / total, 1.0)
            filled = int(20 * fraction)
            parts.append(f"[{'#' * filled}{'-' * (20 - filled)}] {fraction:4.0%}")
            parts.append(f"{human_bytes(self._done)} / {human_bytes(total)}")
        else:
            parts.append(human_bytes(self._done))
        parts.append(f"{human_bytes(rate)}/s")
        if total and rate > 0:
            parts.append(f"ETA {_clock(max(total - self._done, 0) / rate)}")
        return "  ".join(parts)

    def _draw(self, now: float) -> None:
        try:
            width = os.get_terminal_size(self._stream.fileno()).columns or 80
        except (AttributeError, OSError, ValueError):
            width = shutil.get_terminal_size((80, 24)).columns
        self._stream.write("\r" + self.line(now, width)[: width - 1].ljust(width - 1))
        self._stream.flush()
