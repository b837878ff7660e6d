"""What every resource (sub-client) is made of: a reference to the client, and argument helpers.

Resources are declarative: a route, the arguments turned into a body, and the result type. The
HTTP plumbing lives in :class:`ignisign_async.AsyncIgnisign` only.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._serde import format_datetime, unstructure
from .._types import NOT_GIVEN
from ..models._base import ApiEnum

if TYPE_CHECKING:
    from .._client import AsyncIgnisign

__all__ = ["Resource", "body", "enum_arg"]

_E = TypeVar("_E", bound=ApiEnum)


class Resource:
    """A group of operations of the API, bound to one client."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncIgnisign) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def enum_arg(cls: type[_E], value: _E | str, *, name: str) -> _E:
    """Accept an enum member or its string value; refuse values the SDK does not know."""
    if isinstance(value, cls) and value.known:
        return value
    if isinstance(value, str) and value in cls._value2member_map_:
        return cls._value2member_map_[value]  # type: ignore[return-value]
    allowed = ", ".join(m.value for m in cls)
    raise ValueError(f"{name} must be one of {allowed}; got {value!r}")


def _wire_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.datetime):
        return format_datetime(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_wire_value(v) for v in value]
    if hasattr(type(value), "__attrs_attrs__"):
        return unstructure(value)
    return value


def body(**fields: Any) -> dict[str, Any]:
    """A JSON body from keyword arguments: camelCase keys, arguments left ``NOT_GIVEN`` omitted."""
    from .._serde import _camel

    return {_camel(k): _wire_value(v) for k, v in fields.items() if v is not NOT_GIVEN}


def mapping_arg(value: Mapping[str, Any], *, name: str) -> Mapping[str, Any]:
    """Check that an argument is a mapping."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping, got {type(value).__name__}")
    return value
