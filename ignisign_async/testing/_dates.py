"""Date strings as the API reads them: the ISO 8601 forms it accepts, and their instant.

parse_instant("2030-01-01T10:00:00Z")     # 1893492000.0
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Final

__all__ = ["ISO_DATE", "parse_instant"]

ISO_DATE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
"""The date and date-time strings ``DateString`` fields accept."""

_FRACTION: Final = re.compile(r"\.(\d+)")


def parse_instant(value: str) -> float:
    """An ISO-8601 date or date-time (``Z``, offsets, any fraction) in epoch seconds (UTC)."""
    text = value.strip().replace(" ", "T")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
    if re.fullmatch(r".*[+-]\d{4}", text) and "T" in text:
        text = text[:-2] + ":" + text[-2:]
    moment = _dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.timestamp()
