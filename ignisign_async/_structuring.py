"""Generated structuring functions: one per model, compiled on the model's first use.

cattrs' own generated functions call a hook for every field and build the model through its
keyword-only ``__init__``; for the 6 KB signature request context (23 objects, 220 fields) that
is ~55 µs. The function :class:`StructureFnFactory` writes for a model instead:

* reads each key once, ``data[key]`` for a required field (a missing one raises ``KeyError``);
* inlines the fast path of the converter's rules (:mod:`ignisign_async._serde`): a value that
  already has the exact scalar type is kept, an :class:`ApiEnum` string is looked up in the
  enum's table, ``null`` for ``X | None`` is ``None``, a JSON array of models, enum values or
  scalars is built in one comprehension. Any other value goes to the converter's hook for its
  type, which converts it or raises with a message: the rules are written once, in ``_serde``;
* calls the nested models' generated functions directly;
* stores the fields without going through ``__init__``: on an instance of a mutable subclass of
  the model that adds nothing to its memory layout, whose class is then set to the model.
  That is exactly what attrs' ``__init__`` does (one ``object.__setattr__`` per field), at a
  quarter of the cost. Only models whose ``__init__`` is attrs' own and does nothing more (no
  validators, converters, ``__attrs_pre_init__``/``__attrs_post_init__`` or init-less fields)
  are built this way; the others are called with keywords.

Left to cattrs: a generic model whose parameters are not given, a default computed from
``self``. :func:`locate` is the slow twin of the generated code: after a failure, it finds the
field to blame, for the message.
"""

from __future__ import annotations

import itertools
import linecache
import threading
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs

from .models._base import ApiEnum

__all__ = ["StructureFnFactory", "locate"]

Hook = Callable[[Any, Any], Any]
_NONE_TYPE = type(None)
_UNION_ORIGINS = (Union, types.UnionType)
_ABSENT = object()
_FACTORY: type[Any] = attrs.Factory  # type: ignore[assignment] # a class; typed as a function
_serial = itertools.count()


class _Unbound(Exception):
    """A generic model used without its parameters."""


def fields_of(cl: Any) -> list[tuple[attrs.Attribute[Any], Any]]:
    """The attrs fields of ``cl`` (maybe ``Model[X]``) with their resolved types."""
    origin = get_origin(cl) or cl
    attrs.resolve_types(origin)
    params: tuple[Any, ...] = getattr(origin, "__parameters__", ())
    bindings = dict(zip(params, get_args(cl), strict=True)) if origin is not cl else {}
    return [(f, _bind(f.type, bindings)) for f in attrs.fields(origin)]


def _bind(tp: Any, bindings: Mapping[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        if tp not in bindings:
            raise _Unbound(tp)
        return bindings[tp]
    params: tuple[Any, ...] = getattr(tp, "__parameters__", ())
    if params and not isinstance(tp, type):
        return tp[tuple(_bind(p, bindings) for p in params)]
    return tp


def optional_of(tp: Any) -> Any:
    """``X`` for ``X | None``, else ``None``."""
    args = get_args(tp)
    if get_origin(tp) in _UNION_ORIGINS and len(args) == 2 and _NONE_TYPE in args:
        return args[0] if args[1] is _NONE_TYPE else args[1]
    return None


def sequence_of(tp: Any) -> Any:
    """``X`` for ``list[X]`` and ``tuple[X, ...]``, else ``None``."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and len(args) == 1:
        return args[0]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return None


def is_model(tp: Any) -> bool:
    return attrs.has(get_origin(tp) or tp)


class _Source:
    """The text and the globals of one generated function."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"_absent": _ABSENT}
        self._names: dict[int, str] = {}

    def ref(self, obj: object, hint: str) -> str:
        """A global name for ``obj`` in the generated code."""
        name = self._names.get(id(obj))
        if name is None:
            name = f"_{hint}{len(self._names)}"
            self._names[id(obj)] = name
            self.namespace[name] = obj
        return name

    def add(self, line: str) -> None:
        self.lines.append(f"    {line}")


class StructureFnFactory:
    """The converter's structure hook factory for attrs classes (``None``: left to cattrs).

    ``exact`` are the scalar types whose hook returns a value of exactly that type unchanged;
    ``wire_name`` gives a field's JSON key.
    """

    def __init__(
        self,
        converter: cattrs.Converter,
        *,
        wire_name: Callable[[attrs.Attribute[Any]], str],
        exact: tuple[type[Any], ...],
    ) -> None:
        self._converter = converter
        self._wire_name = wire_name
        self._exact = exact
        self._lock = threading.RLock()  # one thread generates at a time; recursion re-enters
        self._pending: set[Any] = set()
        self._generated: dict[Any, Hook] = {}

    def __call__(self, cl: Any) -> Hook | None:
        with self._lock:
            if cl in self._pending:
                return self._deferred(cl)  # a model that contains itself
            try:
                fields = fields_of(cl)
            except _Unbound:
                return None
            if any(_reads_self(field.default) for field, _ in fields):
                return None  # a default computed from the other fields: cattrs leaves it out
            self._pending.add(cl)
            try:
                hook = self._generated[cl] = self._generate(cl, fields)
            finally:
                self._pending.discard(cl)
            return hook

    def _deferred(self, cl: Any) -> Hook:
        """The function of ``cl``, which is being generated: looked up when called."""
        generated = self._generated

        def deferred(value: Any, _: Any = None) -> Any:
            return generated[cl](value, cl)

        return deferred

    def _generate(self, cl: Any, fields: list[tuple[attrs.Attribute[Any], Any]]) -> Hook:
        origin = get_origin(cl) or cl
        twin = _mutable_twin(origin)
        src = _Source()
        cls_name = src.ref(origin, "cls")
        reshape = getattr(origin, "_wire_shape", None)
        if reshape is not None:
            src.add(f"d = {src.ref(reshape, 'reshape')}(d)")
        src.add(f"if type(d) is not dict and not isinstance(d, {src.ref(Mapping, 'Mapping')}):")
        src.add(f"    raise {src.ref(_not_an_object, 'error')}(d)")
        src.add("g = d.get")
        if twin is not None:
            src.add(f"o = {src.ref(object.__new__, 'new')}({src.ref(twin, 'twin')})")
        arguments: list[str] = []
        for index, (field, tp) in enumerate(fields):
            if not field.init:
                continue
            if twin is not None:
                target = f"o.{field.name}"
            else:
                target = f"a{index}"
                arguments.append(f"{field.alias}={target}")
            key = repr(self._wire_name(field))
            value = self._value(src, tp, "v", depth=0)
            default = field.default
            if default is attrs.NOTHING:
                src.add(f"v = d[{key}]")
                src.add(f"{target} = {value}")
            elif default is None and optional_of(tp) is not None:
                src.add(f"v = g({key})")  # absent and null: both None
                src.add(f"{target} = {value}")
            else:
                if isinstance(default, _FACTORY):
                    fallback = f"{src.ref(default.factory, 'factory')}()"
                else:
                    fallback = src.ref(default, "default")
                src.add(f"v = g({key}, _absent)")
                src.add(f"{target} = {fallback} if v is _absent else ({value})")
        if twin is not None:
            src.add(f"o.__class__ = {cls_name}")
            src.add("return o")
        else:
            src.add(f"return {cls_name}({', '.join(arguments)})")
        return _compile(src, f"structure_{origin.__name__}", origin)

    def _value(self, src: _Source, tp: Any, v: str, *, depth: int) -> str:
        """An expression structuring the variable ``v`` as ``tp``."""
        inner = optional_of(tp)
        if inner is not None:
            return f"None if {v} is None else ({self._value(src, inner, v, depth=depth)})"
        name = getattr(tp, "__name__", "")
        kind = src.ref(tp, name if name.isidentifier() else "type")
        hook = f"{src.ref(self._hook(tp), 'hook')}({v}, {kind})"
        if tp in self._exact:
            return f"{v} if type({v}) is {kind} else {hook}"
        if _is_enum(tp):
            members = src.ref(tp._value2member_map_, "members")
            return f"({members}.get({v}) if type({v}) is str else None) or {hook}"
        element = sequence_of(tp)
        if element is not None and (
            element in self._exact or is_model(element) or _is_enum(element)
        ):
            item = f"i{depth}"
            built = f"[{self._value(src, element, item, depth=depth + 1)} for {item} in {v}]"
            if get_origin(tp) is tuple:
                built = f"(tuple({built}) if {v} else ())"
            return f"{built} if type({v}) is list else {hook}"
        return hook  # models: their generated function; anything else: the converter's hook

    def _hook(self, tp: Any) -> Hook:
        hook: Hook = self._converter.get_structure_hook(tp)
        return hook


def _reads_self(default: object) -> bool:
    return isinstance(default, _FACTORY) and bool(default.takes_self)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, ApiEnum)


def _not_an_object(data: object) -> TypeError:
    return TypeError(f"expected a JSON object, got {type(data).__name__}")


def _compile(src: _Source, name: str, origin: type[Any]) -> Hook:
    text = "\n".join([f"def {name}(d, _t=None):", *src.lines, ""])
    filename = f"<ignisign structure {origin.__module__}.{origin.__qualname__} {next(_serial)}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), src.namespace)
    function: Hook = src.namespace[name]
    return function


def _mutable_twin(cls: type[Any]) -> type[Any] | None:
    """A mutable subclass of ``cls`` with its memory layout, or ``None`` when ``cls`` must be
    built by its ``__init__`` (see the module's docstring)."""
    init = cls.__dict__.get("__init__")
    filename = getattr(getattr(init, "__code__", None), "co_filename", "")
    if not filename.startswith("<attrs generated "):
        return None
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return None
    fields = attrs.fields(cls)
    if any(not f.init or f.validator or f.converter for f in fields):
        return None
    slots: list[str] = []
    for klass in cls.__mro__[:-1]:
        if "__slots__" not in klass.__dict__:
            return None  # instances have a __dict__
        slots.extend(s for s in klass.__dict__["__slots__"] if s != "__weakref__")
    if sorted(slots) != sorted(f.name for f in fields):
        return None  # a slot that __init__ fills and we would not (a cached hash...)
    namespace: dict[str, Any] = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": cls.__module__,
        "__qualname__": f"{cls.__qualname__}.<mutable twin>",
    }
    try:
        twin = type(cls.__name__, (cls,), namespace)
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:  # a metaclass or a layout that refuses it
        return None
    return twin


def locate(
    converter: cattrs.Converter,
    data: object,
    tp: Any,
    wire_name: Callable[[attrs.Attribute[Any]], str],
) -> tuple[str, BaseException] | None:
    """Where ``data`` fails to structure as ``tp``: the path of the innermost faulty field
    (``"signers[1].status"``) and the error, or ``None`` if the failure is not in a field."""
    for path, error in _failures(converter, data, tp, wire_name, ""):
        return path, error
    return None


def _failures(
    converter: cattrs.Converter,
    data: object,
    tp: Any,
    wire_name: Callable[[attrs.Attribute[Any]], str],
    path: str,
) -> Iterator[tuple[str, BaseException]]:
    inner = optional_of(tp)
    if inner is not None:
        if data is not None:
            yield from _failures(converter, data, inner, wire_name, path)
        return
    element = sequence_of(tp)
    if is_model(tp):
        reshape = getattr(get_origin(tp) or tp, "_wire_shape", None)
        try:
            data = data if reshape is None else reshape(data)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            yield path, exc
            return
        if isinstance(data, Mapping):
            for field, field_type in fields_of(tp):
                key = wire_name(field)
                where = f"{path}.{key}" if path else key
                if not field.init:
                    continue
                if key in data:
                    yield from _failures(converter, data[key], field_type, wire_name, where)
                elif field.default is attrs.NOTHING:
                    yield where, KeyError(where)
            return
    elif element is not None and isinstance(data, list):
        for index, item in enumerate(data):
            yield from _failures(converter, item, element, wire_name, f"{path}[{index}]")
        return
    try:
        converter.structure(data, tp)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        yield path, exc
