"""Date strings as the API reads them: the ISO 8601 forms of ``@IsDateString``, their instant.

The vendor validates date fields with class-validator's ``@IsDateString`` (reference section 7),
which checks the ISO 8601 *syntax* without a calendar: ``1990``, ``1990-05``, ``1990-05-17``,
``19900517``, week dates ``2030-W05-3``, ordinal dates ``2030-045``, each optionally followed by a
time (``T`` or a space; ``hh``, ``hh:mm``, ``hh:mm:ss``, a fraction, ``24:00``) and a zone (``Z``,
``+hh``, ``+hh:mm``, ``+hhmm``). Months are 01-12, days 01-31, hours 00-23, minutes and seconds
00-59. A day past the end of its month (``2030-02-30``) passes the check; its instant rolls over
into the next month, as a JavaScript ``Date`` built from it does (``2030-03-02``)::

    parse_instant("2030-01-01T10:00:00Z")     # 1893492000.0
    parse_instant("2030-13-45")               # ValueError: not an ISO 8601 date
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Final

__all__ = ["is_date_string", "parse_instant"]

_FORM: Final = re.compile(
    r"""
    (?P<year>[+-]?\d{4})
    (?:
        (?P<sep>-?)
        (?:
            (?P<month>\d{2})(?:(?P=sep)(?P<day>\d{2}))?
          | W(?P<week>\d{2})(?:-?(?P<weekday>\d))?
          | (?P<ordinal>\d{3})
        )
        (?:
            [T\x20]
            (?P<hour>\d{2})
            (?:(?P<tsep>:?)(?P<minute>\d{2})(?:(?P=tsep)(?P<second>\d{2}))?)?
            (?:[.,](?P<fraction>\d+))?
            (?P<zone>[zZ]|[+-]\d{2}(?::?\d{2})?)?
        )?
    )?
    """,
    re.VERBOSE,
)
_EPOCH_ORDINAL: Final = _dt.date(1970, 1, 1).toordinal()
_DAYS_PER_400_YEARS: Final = 146097


def is_date_string(value: str) -> bool:
    """Whether ``value`` is a date string the API accepts (see the module)."""
    try:
        parse_instant(value)
    except ValueError:
        return False
    return True


def parse_instant(value: str) -> float:
    """The instant of a date string in epoch seconds (UTC unless a zone says otherwise)."""
    match = _FORM.fullmatch(value)
    if match is None or _ambiguous(match):
        raise ValueError(f"not an ISO 8601 date: {value!r}")
    parts = match.groupdict()
    days = _day_number(parts)
    seconds = _time_of_day(parts)
    return (days - _EPOCH_ORDINAL) * 86400.0 + seconds - _zone_offset(parts["zone"])


def _ambiguous(match: re.Match[str]) -> bool:
    """``YYYYMM`` is not ISO 8601, and a time needs a whole date."""
    parts = match.groupdict()
    if parts["month"] is not None and parts["day"] is None:
        return not parts["sep"] or parts["hour"] is not None
    return parts["week"] is not None and parts["weekday"] is None and parts["hour"] is not None


def _check(value: int, low: int, high: int, what: str) -> int:
    if not low <= value <= high:
        raise ValueError(f"{what} {value} is out of range")
    return value


def _day_number(parts: dict[str, str | None]) -> int:
    """Days since 0001-01-01 (proleptic Gregorian, day 1), for any year."""
    year = int(parts["year"] or 0)
    if parts["week"] is not None:
        week = _check(int(parts["week"]), 1, 53, "week")
        weekday = _check(int(parts["weekday"] or 1), 1, 7, "weekday")
        january_4 = _ordinal(year, 1, 4)
        monday_of_week_1 = january_4 - (january_4 - 1) % 7  # toordinal 1 is a Monday
        return monday_of_week_1 + (week - 1) * 7 + weekday - 1
    if parts["ordinal"] is not None:
        return _ordinal(year, 1, 1) + _check(int(parts["ordinal"]), 1, 366, "day of year") - 1
    month = _check(int(parts["month"] or 1), 1, 12, "month")
    day = _check(int(parts["day"] or 1), 1, 31, "day")
    return _ordinal(year, month, 1) + day - 1  # 02-30 rolls over into March, as in JavaScript


def _ordinal(year: int, month: int, day: int) -> int:
    """``date(year, month, day).toordinal()``, also for years before 1 (400-year cycles)."""
    cycles = 0
    while year < 1:
        year += 400
        cycles += 1
    while year > 9999:
        year -= 400
        cycles -= 1
    return _dt.date(year, month, day).toordinal() - cycles * _DAYS_PER_400_YEARS


def _time_of_day(parts: dict[str, str | None]) -> float:
    if parts["hour"] is None:
        return 0.0
    hour = int(parts["hour"])
    minute = int(parts["minute"] or 0)
    second = int(parts["second"] or 0)
    fraction = float(f"0.{parts['fraction']}") if parts["fraction"] else 0.0
    if hour == 24 and minute == 0 and second == 0 and not fraction:
        return 86400.0  # 24:00 is the end of the day: the next day's midnight
    _check(hour, 0, 23, "hour")
    _check(minute, 0, 59, "minute")
    _check(second, 0, 59, "second")
    unit = 1 if parts["second"] is not None else 60 if parts["minute"] is not None else 3600
    return hour * 3600 + minute * 60 + second + fraction * unit


def _zone_offset(zone: str | None) -> float:
    if zone is None or zone in ("Z", "z"):
        return 0.0
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours = _check(int(digits[:2]), 0, 23, "zone hour")
    minutes = _check(int(digits[2:] or 0), 0, 59, "zone minute")
    return sign * (hours * 3600 + minutes * 60)
