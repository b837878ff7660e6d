"""The one cattrs converter: JSON of the API <-> attrs models.

Built once at import. Each model gets one structuring function, generated on its first use by
:mod:`ignisign_async._structuring` (cattrs' generator is the reference, and the fallback for what
that one leaves aside) and cached, so a call pays only for the generated code. The rules:

* attribute ``signer_id`` <-> wire ``signerId``; ``id`` <-> ``_id``;
  ``created_at`` <-> ``_createdAt``;
  a field made with :func:`ignisign_async.models._base.wire` names its wire key explicitly;
* a model is read from a JSON object; unknown keys are ignored; absent optional keys take the
  attribute's default;
* a model whose JSON comes in several shapes declares a ``_wire_shape(data)`` staticmethod
  that rewrites the other shapes into its own before structuring;
* ``datetime`` <-> ISO-8601 (always timezone-aware; ``Z`` accepted on every Python); ``date`` <->
  ``YYYY-MM-DD``;
* :class:`~ignisign_async.models._base.ApiEnum` values the SDK does not know still parse;
* ``str``, ``bool``, ``int`` and ``float`` are checked, not coerced (``"yes"`` is not a bool).

Anything that does not fit raises :class:`ignisign_async.APIResponseValidationError` through
:func:`structure`, naming the faulty field (``signers[1].status``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import sys
import types
from collections.abc import Mapping
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._errors import APIResponseValidationError, redact_tokens, shows_token
from ._structuring import StructureFnFactory, locate
from .models._base import WIRE_KEY, ApiEnum

__all__ = ["camel", "converter", "structure", "unstructure", "wire_name", "format_datetime"]

_T = TypeVar("_T")
_CAMEL = re.compile(r"_([a-z0-9])")
_SPECIAL = {"id": "_id", "created_at": "_createdAt"}
_SCALARS = (str, bool, int, float)
_NONE_TYPE = type(None)
_UNION_ORIGINS = (Union, types.UnionType)


@functools.cache
def camel(name: str) -> str:
    """The JSON key of a snake_case name (``signer_id`` -> ``signerId``, ``id`` -> ``_id``)."""
    return _SPECIAL.get(name) or _CAMEL.sub(lambda m: m.group(1).upper(), name)


def wire_name(field: attrs.Attribute[Any]) -> str:
    """The JSON key of an attrs field."""
    explicit = field.metadata.get(WIRE_KEY)
    return explicit if explicit is not None else camel(field.name)


def _parse_datetime(value: object, _: object = None) -> _dt.datetime:
    if type(value) is str:
        try:
            parsed = _fromisoformat(value if _READS_ZULU else _utc_suffix(value))
        except ValueError:
            if not value.endswith(("Z", "z")):
                raise
            parsed = _fromisoformat(value[:-1] + "+00:00")
    elif isinstance(value, _dt.datetime):
        parsed = value
    elif isinstance(value, str):
        return _parse_datetime(str(value))
    else:
        raise TypeError(f"expected an ISO-8601 date-time string, got {type(value).__name__}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_UTC)
    return parsed


def _utc_suffix(text: str) -> str:
    return text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text


_fromisoformat = _dt.datetime.fromisoformat
_READS_ZULU = sys.version_info >= (3, 11)  # "Z", not "z"; the same datetime as "+00:00"
_UTC = _dt.timezone.utc


def format_datetime(value: _dt.datetime) -> str:
    """ISO-8601 with a ``Z`` for UTC, as the API writes it. Naive datetimes are refused.

    Milliseconds, as the API writes them; microseconds when there are some, so that nothing is
    lost (a model round-trips exactly).
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetimes sent to the API must be timezone-aware")
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    text = value.astimezone(_dt.timezone.utc).isoformat(timespec=spec)
    return text.replace("+00:00", "Z")


def _parse_date(value: object, _: object = None) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return _dt.date.fromisoformat(value[:10])
    raise TypeError(f"expected a YYYY-MM-DD string, got {type(value).__name__}")


def _strict(kind: type[Any]) -> Any:
    name = kind.__name__

    def hook(value: object, _: object = None) -> Any:
        if type(value) is kind:
            return value
        if kind is float and type(value) is int:
            return float(value)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return kind(value)
        raise TypeError(f"expected {name}, got {type(value).__name__}")

    return hook


def _structure_enum(value: object, cls: type[ApiEnum]) -> ApiEnum:
    if not isinstance(value, str):
        raise TypeError(f"expected a {cls.__name__} string, got {type(value).__name__}")
    member = cls._value2member_map_.get(value)
    if member is not None:
        return member  # type: ignore[return-value]
    return cls(value)


def _is_optional(t: object) -> bool:
    args = get_args(t)
    return get_origin(t) in _UNION_ORIGINS and len(args) == 2 and _NONE_TYPE in args


def _optional_hook(conv: cattrs.Converter, t: Any) -> Any:
    """``X | None`` with X's hook looked up once (cattrs' own dispatches on every value)."""
    inner = next(arg for arg in get_args(t) if arg is not _NONE_TYPE)
    handler = conv.get_structure_hook(inner)
    if inner in _SCALARS:

        def scalar(value: object, _: object = None) -> Any:
            if value is None or type(value) is inner:
                return value
            return handler(value, inner)

        return scalar

    def hook(value: object, _: object = None) -> Any:
        return None if value is None else handler(value, inner)

    return hook


def _is_sequence(t: object) -> bool:
    origin = get_origin(t)
    if origin is list:
        return True
    return origin is tuple and len(get_args(t)) == 2 and get_args(t)[1] is Ellipsis


def _sequence_hook(conv: cattrs.Converter, t: Any) -> Any:
    """Lists and ``tuple[X, ...]`` from JSON arrays only (a string is not a list of letters)."""
    element = get_args(t)[0]
    handler = conv.get_structure_hook(element)
    build = list if get_origin(t) is list else tuple
    scalar = element in _SCALARS

    def hook(value: object, _: object = None) -> Any:
        if scalar and type(value) is list and all(type(item) is element for item in value):
            return build(value)  # already the right scalars: no per-item call
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"expected a JSON array, got {type(value).__name__}")
        return build([handler(item, element) for item in value])

    return hook


def _passthrough(value: object, _: object = None) -> object:
    return value


def _build(*, generated: bool = True) -> cattrs.Converter:
    """The converter; ``generated=False``: models through cattrs' generator only (the reference
    the tests hold the generated functions to)."""
    conv = cattrs.Converter(detailed_validation=False, forbid_extra_keys=False)
    for kind in (str, bool, int, float):
        conv.register_structure_hook(kind, _strict(kind))
    conv.register_structure_hook(_dt.datetime, _parse_datetime)
    conv.register_structure_hook(_dt.date, _parse_date)
    conv.register_unstructure_hook(_dt.datetime, format_datetime)
    conv.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
    conv.register_structure_hook_func(lambda t: t is object or t is Any, _passthrough)
    conv.register_structure_hook_func(lambda t: t == Mapping[str, Any], _mapping_hook)
    conv.register_structure_hook(ApiEnum, _structure_enum)
    conv.register_structure_hook_factory(_is_sequence, lambda t: _sequence_hook(conv, t))
    conv.register_structure_hook_factory(_is_optional, lambda t: _optional_hook(conv, t))
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, ApiEnum), lambda _t: lambda e: e.value
    )

    def cattrs_structure_factory(cls: type[Any]) -> Any:
        overrides = {f.name: override(rename=wire_name(f)) for f in attrs.fields(cls)}
        fn = make_dict_structure_fn(cls, conv, **overrides)  # type: ignore[arg-type]
        reshape = getattr(cls, "_wire_shape", None)

        def hook(data: object, t: object) -> Any:
            if reshape is not None:
                data = reshape(data)
            if not isinstance(data, Mapping):
                raise TypeError(f"expected a JSON object, got {type(data).__name__}")
            return fn(data, t)

        return hook

    generate = StructureFnFactory(conv, wire_name=wire_name, exact=_SCALARS)

    def structure_factory(cls: type[Any]) -> Any:
        return (generate(cls) if generated else None) or cattrs_structure_factory(cls)

    def unstructure_factory(cls: type[Any]) -> Any:
        overrides = {
            f.name: override(rename=wire_name(f), omit_if_default=True) for f in attrs.fields(cls)
        }
        return make_dict_unstructure_fn(cls, conv, **overrides)  # type: ignore[arg-type]

    conv.register_structure_hook_factory(attrs.has, structure_factory)
    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    return conv


def _mapping_hook(value: object, _: object = None) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise TypeError(f"expected a JSON object, got {type(value).__name__}")


converter = _build()
"""The package's converter. Extend it only through :mod:`ignisign_async._serde`."""


def structure(data: object, cls: type[_T] | Any, *, request: str = "") -> _T:
    """Turn parsed JSON into ``cls``, or raise :class:`APIResponseValidationError`."""
    try:
        return converter.structure(data, cls)  # type: ignore[no-any-return]
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        name = getattr(cls, "__name__", None) or repr(cls)
        detail = redact_tokens(explain(data, cls, exc))
        error = APIResponseValidationError(
            f"The response does not match {name}: {detail}", request=request, body=data
        )
        # The original error quotes the bad value: not chained when that value is a token.
        raise error from (None if shows_token(repr(exc)) else exc)
    except RecursionError as exc:
        raise APIResponseValidationError(
            "The response is nested too deeply to parse", request=request, body=data
        ) from exc


def explain(data: object, cls: Any, exc: BaseException) -> str:
    """What went wrong, and in which field (found again, slowly: failures are rare)."""
    try:
        found = locate(converter, data, cls, wire_name)
    except Exception:  # the message is best-effort: the error is raised anyway
        found = None
    if found is None or not found[0]:
        return _describe(exc if found is None else found[1])
    path, error = found
    if isinstance(error, KeyError):
        return f"missing required field {path!r}"
    return f"field {path!r}: {_describe(error)}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing required field {exc.args[0]!r}"
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(_describe(e) for e in exc.exceptions[:3])
    text = str(exc)
    return text[:200] if text else type(exc).__name__


def unstructure(obj: object) -> Any:
    """Turn a model (or a list of them) into JSON-ready data with wire names."""
    return converter.unstructure(obj)
