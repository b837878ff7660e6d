"""Hypothesis strategies for the JSON a server might send: valid for a model, or hostile.

:func:`wire` builds, from a model's type hints, the JSON the API would send for it (wire names,
ISO dates, enum values -- known or not); ``hostile=True`` makes every node sometimes something
else entirely (:data:`json_values`: random fields, wrong types, nulls, nesting, huge numbers,
NaN) and every key sometimes absent, with unknown keys added.

:func:`models` lists every model class of :mod:`ignisign_async.models`, and the concrete
parametrisations of the generic ones that the models use.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar, Union

import attrs
from hypothesis import strategies as st

import ignisign_async.models as api_models
from ignisign_async._serde import wire_name
from ignisign_async.models._base import ApiEnum

_UNION = (Union, types.UnionType)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**20, max_value=10**400),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["", "null", "2024-13-45T99:99:99Z", "DRAFT", "\x00", "\ud800", "eyJ.a.b"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any value ``json.loads`` can return (NaN and infinities included)."""


def _datetimes() -> st.SearchStrategy[str]:
    moments = st.datetimes(
        min_value=dt.datetime(1970, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.sampled_from(
            [
                dt.timezone.utc,
                dt.timezone(dt.timedelta(hours=2)),
                dt.timezone(-dt.timedelta(hours=5)),
            ]
        ),
    )
    return st.one_of(
        moments.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)).map(
            lambda d: d.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        ),
        moments.map(lambda d: d.isoformat()),
    )


def _resolve(tp: Any, bindings: Mapping[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        return bindings.get(tp, Any)
    return tp


def _hints(cls: Any) -> tuple[type[Any], dict[str, Any]]:
    """The attrs class behind ``cls`` (maybe a parametrised generic) and its resolved hints."""
    origin = typing.get_origin(cls) or cls
    bindings: dict[Any, Any] = {}
    if origin is not cls:
        bindings = dict(zip(origin.__parameters__, typing.get_args(cls), strict=True))
    hints = typing.get_type_hints(origin)
    return origin, {name: _substitute(hint, bindings) for name, hint in hints.items()}


def _substitute(tp: Any, bindings: Mapping[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        return bindings.get(tp, Any)
    args = typing.get_args(tp)
    if not args or not bindings:
        return tp
    new = tuple(_substitute(a, bindings) for a in args)
    origin = typing.get_origin(tp)
    if origin in _UNION:
        return Union[new]  # noqa: UP007 - built from a tuple
    return tp.copy_with(new) if hasattr(tp, "copy_with") else origin[new]


def wire(tp: Any, *, hostile: bool = False, depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON for ``tp`` as the API would send it; ``hostile``: often something else instead."""
    strategy = _wire(tp, hostile=hostile, depth=depth)
    if hostile:
        return st.one_of(strategy, strategy, strategy, json_values)
    return strategy


def _wire(tp: Any, *, hostile: bool, depth: int) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is str:
        return st.text(max_size=20)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(min_value=-(2**53), max_value=2**53)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-1000, 1000)
    if tp is dt.datetime:
        return _datetimes()
    if tp is dt.date:
        return st.dates().map(dt.date.isoformat)
    if isinstance(tp, type) and issubclass(tp, ApiEnum):
        return st.sampled_from([m.value for m in tp]) | st.text(min_size=1, max_size=12)
    if origin in _UNION:
        inner = [a for a in args if a is not type(None)]
        return st.one_of(st.none(), *(wire(a, hostile=hostile, depth=depth) for a in inner))
    if origin in (tuple, list) and args:
        return st.lists(wire(args[0], hostile=hostile, depth=depth + 1), max_size=3)
    if origin in (Mapping, dict) or tp is Mapping:
        return st.dictionaries(st.text(max_size=6), json_values, max_size=3)
    if tp is Any or tp is object:
        return json_values
    if attrs.has(origin or tp):
        return model_wire(tp, hostile=hostile, depth=depth + 1)
    raise NotImplementedError(f"no strategy for {tp!r}")


def model_wire(cls: Any, *, hostile: bool = False, depth: int = 0) -> st.SearchStrategy[Any]:
    """A JSON object for model ``cls`` (required keys always there unless ``hostile``)."""
    origin, hints = _hints(cls)
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(origin):
        strategy = wire(hints[field.name], hostile=hostile, depth=depth)
        if field.default is attrs.NOTHING and not hostile:
            required[wire_name(field)] = strategy
        elif depth < 4:
            optional[wire_name(field)] = strategy
    objects = st.fixed_dictionaries(required, optional=optional)
    if hostile:
        extra = st.dictionaries(st.text(max_size=8), json_values, max_size=2)
        objects = st.builds(lambda known, unknown: {**unknown, **known}, objects, extra)
    return objects


def _name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is None:
        return str(getattr(tp, "__name__", "..."))
    return f"{_name(origin)}[{', '.join(_name(a) for a in typing.get_args(tp))}]"


def _concrete(tp: Any, into: dict[str, Any], name: str | None = None) -> None:
    """Collect ``tp`` and the models inside it (generic ones only with their parameters)."""
    origin = typing.get_origin(tp)
    if attrs.has(origin or tp):
        if origin is None and getattr(tp, "__parameters__", ()):
            return  # ByEnv or WebhookEvent themselves: only their parametrisations
        key = name or _name(tp)
        if key in into:
            return
        into[key] = tp
        for hint in _hints(tp)[1].values():
            _concrete(hint, into)
        return
    for arg in typing.get_args(tp):
        _concrete(arg, into)


def models() -> dict[str, Any]:
    """Every model of ``ignisign_async.models`` (by name), concrete generics included."""
    found: dict[str, Any] = {}
    for name in api_models.__all__:
        _concrete(getattr(api_models, name), found, name)
    return found
