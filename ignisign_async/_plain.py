"""Models to and from plain data: what :class:`~ignisign_async.models.Model` methods call.

* :func:`to_plain` gives JSON-ready data (``str``, ``int``, ``float``, ``bool``, ``None``, lists
  and dicts only): datetimes as ISO-8601 with ``Z``, dates as ``YYYY-MM-DD``, enums as their
  values. Keys are the attribute names, or with ``wire=True`` the API's names (``_id``,
  ``signerId``...). Every field is there, ``None`` ones included.
* :func:`from_plain` reads the API's form through the same structuring as responses (the
  attribute-name form is renamed to it first), so the same rules and the same checks apply.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import Any, TypeVar, get_origin

import attrs

from ._serde import converter, explain, format_datetime, wire_name
from ._structuring import fields_of, is_model, optional_of, sequence_of

__all__ = ["to_plain", "from_plain", "wire_keys"]

_T = TypeVar("_T")
_SCALARS = (str, int, float, bool, type(None))


def to_plain(value: Any, *, wire: bool = False) -> Any:
    """``value`` (a model, or anything inside one) as JSON-ready data."""
    if isinstance(value, _SCALARS) and not isinstance(value, enum.Enum):
        return value
    if attrs.has(type(value)):
        return {
            (wire_name(field) if wire else field.name): to_plain(
                getattr(value, field.name), wire=wire
            )
            for field in attrs.fields(type(value))
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.datetime):
        return format_datetime(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): to_plain(item, wire=wire) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain(item, wire=wire) for item in value]
    raise TypeError(f"{type(value).__name__} is not JSON-ready data")


def from_plain(data: object, cls: type[_T], *, wire: bool = True) -> _T:
    """``cls`` from its plain form, or ``ValueError`` naming the faulty field."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__}.from_dict() takes a mapping, not {type(data).__name__}")
    if _is_generic(cls):
        raise TypeError(f"{cls.__name__} is generic: it is read as a part of the model holding it")
    if wire:
        _refuse_attribute_names(data, cls)
    else:
        data = wire_keys(data, cls)
    try:
        return converter.structure(data, cls)
    except RecursionError:
        raise ValueError(f"The data for {cls.__name__} is nested too deeply") from None
    except Exception as exc:  # cattrs' and the hooks' errors: one clear ValueError
        detail = explain(data, cls, exc)
    raise ValueError(f"The data does not match {cls.__name__}: {detail}")


def _refuse_attribute_names(data: Mapping[Any, Any], cls: type[Any]) -> None:
    """``to_dict()`` output given where the API's form is read: refused, not half-read."""
    for field, _ in fields_of(cls):
        key = wire_name(field)
        if key != field.name and field.name in data and key not in data:
            raise ValueError(
                f"{cls.__name__}.from_dict() reads the API's form ({key!r}, not {field.name!r}):"
                " pass wire=False for the output of to_dict()"
            )


def wire_keys(data: object, tp: Any) -> Any:
    """``data`` in attribute names, renamed to the API's names along the type ``tp``."""
    inner = optional_of(tp)
    if inner is not None:
        return None if data is None else wire_keys(data, inner)
    element = sequence_of(tp)
    if element is not None and isinstance(data, (list, tuple)):
        return [wire_keys(item, element) for item in data]
    if is_model(tp) and isinstance(data, Mapping) and not _is_generic(tp):
        renamed: dict[str, Any] = {}
        for field, field_type in fields_of(tp):
            if field.name in data:
                renamed[wire_name(field)] = wire_keys(data[field.name], field_type)
        return renamed
    return data


def _is_generic(tp: Any) -> bool:
    return get_origin(tp) is None and bool(getattr(tp, "__parameters__", ()))
