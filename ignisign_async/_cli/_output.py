"""What the command line prints: tables and key/value blocks for people, JSON for scripts.

``--json`` prints one JSON document, or one JSON object per line (JSON Lines) for listings.
Colour is used only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org).
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import os
import pathlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TextIO

import attrs

from .. import Model

__all__ = ["Output", "Style", "color_enabled", "jsonable"]

_CODES: Final = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}
_STATUS_COLORS: Final = {
    "COMPLETED": "green",
    "SUCCESS": "green",
    "PUBLISHED": "green",
    "IN_PROGRESS": "yellow",
    "READY": "yellow",
    "PENDING": "yellow",
    "DRAFT": "dim",
    "FAILED": "red",
    "EXPIRED": "red",
    "CANCELLED": "red",
    "ERROR": "red",
}


def color_enabled(stream: TextIO) -> bool:
    """Whether to colour ``stream``: a terminal, ``NO_COLOR`` unset or empty, ``TERM`` not dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@attrs.frozen
class Style:
    """ANSI styling that is a no-op when disabled."""

    enabled: bool

    def paint(self, text: str, color: str) -> str:
        """``text`` in ``color`` (a key of the palette: red, green, yellow, dim, bold)."""
        if not self.enabled or not text:
            return text
        return f"\x1b[{_CODES[color]}m{text}\x1b[0m"

    def status(self, text: str) -> str:
        """A status value, coloured by what it means (green done, red failed...)."""
        color = _STATUS_COLORS.get(text)
        return self.paint(text, color) if color else text


def jsonable(value: object) -> Any:
    """A JSON-ready form of a model, enum, date or container (snake_case keys).

    Models give their own ``to_dict()``; enums their value; datetimes ISO 8601 (``Z`` for UTC, as
    ``to_dict`` writes them), dates ``YYYY-MM-DD``; containers are encoded item by item.
    """
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, _dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, pathlib.PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def text(value: object) -> str:
    """A table cell: enums by value, datetimes to the second, ``-`` for nothing."""
    if value is None or value == "" or value == ():
        return "-"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, _dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("\n", " ")


class Output:
    """Where a command writes: ``stdout`` for results, ``stderr`` for notes and errors."""

    def __init__(self, stdout: TextIO, stderr: TextIO, *, json_mode: bool) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.json_mode = json_mode
        self.style = Style(color_enabled(stdout))
        self.err_style = Style(color_enabled(stderr))

    def document(self, value: object) -> None:
        """One JSON document on stdout."""
        self.stdout.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def json_line(self, value: object) -> None:
        """One JSON Lines record on stdout, flushed at once (listings stream)."""
        self.stdout.write(json.dumps(jsonable(value), ensure_ascii=False) + "\n")
        self.stdout.flush()

    def say(self, line: str = "") -> None:
        """A line for people on stdout."""
        self.stdout.write(line + "\n")
        self.stdout.flush()

    def note(self, line: str) -> None:
        """A remark on stderr (never mixed into the results)."""
        self.stderr.write(self.err_style.paint(line, "dim") + "\n")
        self.stderr.flush()

    def error(self, code: str, message: str) -> None:
        """The one-line error: ``error: CODE: message``."""
        one_line = " ".join(message.split())
        self.stderr.write(f"{self.err_style.paint('error', 'red')}: {code}: {one_line}\n")
        self.stderr.flush()

    def fields(self, pairs: Iterable[tuple[str, object]]) -> None:
        """A key/value block, keys aligned."""
        rows = [(key, text(value)) for key, value in pairs]
        width = max((len(key) for key, _ in rows), default=0)
        for key, value in rows:
            shown = self.style.status(value) if key == "status" else value
            self.say(f"{self.style.paint(key.ljust(width), 'bold')}  {shown}")

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        status_column: int = -1,
        empty: str = "nothing to show",
    ) -> None:
        """Columns aligned under bold headers; ``status_column`` is coloured by status.

        No rows: ``empty`` as a note on stderr, and nothing on stdout.
        """
        if not rows:
            self.note(empty)
            return
        cells = [[text(value) for value in row] for row in rows]
        widths = [len(h) for h in headers]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
        head = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
        self.say(self.style.paint(head, "bold"))
        for row in cells:
            parts = []
            for index, (cell, width) in enumerate(zip(row, widths, strict=False)):
                padded = cell.ljust(width)
                if index == status_column:
                    padded = self.style.status(cell) + " " * (width - len(cell))
                parts.append(padded)
            self.say("  ".join(parts).rstrip())
