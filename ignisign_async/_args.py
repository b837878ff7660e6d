"""Argument validators shared by the resources and the webhook router.

Each one checks a caller's argument before any request is sent and raises a clear
``ValueError``/``TypeError`` naming the argument; most return the value in the form the API wants.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs

from ._errors import APIResponseValidationError
from ._serde import format_datetime, structure, unstructure, wire_name
from ._types import NotGiven
from .models._base import ApiEnum
from .models.enums import COUNTRIES

__all__ = [
    "bool_arg",
    "country_arg",
    "date_arg",
    "datetime_arg",
    "enum_arg",
    "mapping_arg",
    "max_bytes_arg",
    "model_arg",
    "optional_enum_arg",
    "page_arg",
    "progress_arg",
    "strings_arg",
    "wire_value",
]

_E = TypeVar("_E", bound=ApiEnum)
_M = TypeVar("_M")


def enum_arg(cls: type[_E], value: _E | str, *, name: str) -> _E:
    """Accept an enum member or its string value; refuse values the SDK does not know."""
    if isinstance(value, cls) and value.known:
        return value
    if isinstance(value, str) and value in cls._value2member_map_:
        return cls._value2member_map_[value]  # type: ignore[return-value]
    allowed = ", ".join(m.value for m in cls)
    shown = value.value if isinstance(value, ApiEnum) else value  # not a member's look-alike repr
    raise ValueError(f"{name} must be one of {allowed}; got {shown!r}")


def wire_value(value: Any) -> Any:
    """A Python value as JSON: enum values, ISO dates, models unstructured, lists element-wise."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.datetime):
        return format_datetime(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [wire_value(v) for v in value]
    if hasattr(type(value), "__attrs_attrs__"):
        return unstructure(value)
    return value


def mapping_arg(value: Mapping[str, Any], *, name: str) -> Mapping[str, Any]:
    """Check that an argument is a mapping."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping, got {type(value).__name__}")
    return value


def optional_enum_arg(cls: type[_E], value: _E | str | NotGiven, *, name: str) -> _E | NotGiven:
    """:func:`enum_arg` for an optional argument left ``NOT_GIVEN``."""
    if isinstance(value, NotGiven):
        return value
    return enum_arg(cls, value, name=name)


def bool_arg(value: bool, *, name: str) -> bool:
    """Check that a flag is a real ``bool`` (``"false"`` would otherwise be sent as true)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def page_arg(page: int) -> int:
    """Check a page number (pages start at 1)."""
    if isinstance(page, bool) or not isinstance(page, int):
        raise TypeError(f"page must be an int, got {type(page).__name__}")
    if page < 1:
        raise ValueError(f"page must be >= 1 (pages start at 1), got {page}")
    return page


def country_arg(value: str | NotGiven, *, name: str) -> str | NotGiven:
    """An ISO 3166-1 alpha-2 code the API accepts (case-insensitive), upper-cased."""
    if isinstance(value, NotGiven):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    code = value.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(
            f"{name} must be an ISO 3166-1 alpha-2 country code the API knows, got {value!r}"
        )
    return code


def date_arg(value: _dt.date | NotGiven, *, name: str) -> _dt.date | NotGiven:
    """A calendar date (a ``datetime`` is refused: the API wants a day, not an instant)."""
    if isinstance(value, NotGiven):
        return value
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")
    return value


def datetime_arg(value: _dt.datetime | NotGiven, *, name: str) -> _dt.datetime | NotGiven:
    """A timezone-aware ``datetime`` (naive ones are ambiguous and refused)."""
    if isinstance(value, NotGiven):
        return value
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime.datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, e.g. datetime(..., tzinfo=timezone.utc)")
    return value


def strings_arg(value: Sequence[str] | NotGiven, *, name: str) -> list[str] | NotGiven:
    """A list of strings (a lone string is refused: it is not a list of ids)."""
    if isinstance(value, NotGiven):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of strings, got {type(value).__name__}")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must hold strings, got {type(item).__name__}")
    return items


def model_arg(cls: type[_M], value: _M | Mapping[str, Any], *, name: str) -> _M:
    """Accept a model, or a mapping with its snake_case (or wire) keys, checked like a model.

    Enum fields accept members or their string values; values the SDK does not know are refused.
    """
    if isinstance(value, cls):
        model = value
    elif isinstance(value, Mapping):
        fields = {f.name: f for f in attrs.fields(cast(Any, cls))}
        aliases = {wire_name(f): f.name for f in fields.values()}
        data: dict[str, Any] = {}
        for key, item in value.items():
            field_name = key if key in fields else aliases.get(key)
            if field_name is None:
                allowed = ", ".join(fields)
                raise TypeError(f"{name}: unexpected key {key!r} (expected some of {allowed})")
            data[wire_name(fields[field_name])] = wire_value(item)
        try:
            model = structure(data, cls)
        except APIResponseValidationError as exc:
            detail = str(exc).split(": ", 1)[-1]
            raise TypeError(f"{name}: {detail}") from None
    else:
        raise TypeError(f"{name} must be a {cls.__name__} or a mapping, got {type(value).__name__}")
    _refuse_unknown_enums(model, name=name)
    return model


def _refuse_unknown_enums(value: object, *, name: str) -> None:
    if isinstance(value, ApiEnum):
        if not value.known:
            allowed = ", ".join(m.value for m in type(value))
            raise ValueError(f"{name}: {value.value!r} is not one of {allowed}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_unknown_enums(item, name=name)
    elif attrs.has(type(value)):
        for field in attrs.fields(cast(Any, type(value))):
            _refuse_unknown_enums(getattr(value, field.name), name=name)


def max_bytes_arg(max_bytes: object) -> None:
    """Refuse a ``max_bytes`` that is not a positive int or ``None``."""
    if max_bytes is None:
        return
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"max_bytes must be a positive int or None, got {max_bytes!r}")


def progress_arg(progress: object) -> None:
    """Refuse a ``progress`` that is neither callable nor ``None``."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable or None, got {type(progress).__name__}")
