"""Whatever JSON the server sends, every model parses it or raises the SDK's own error.

For every model of :mod:`ignisign_async.models` (found by introspection, generic ones with the
parameters the models use): hostile JSON (random fields, wrong types, unknown enum values,
nulls, missing keys, NaN, huge numbers and strings, deep nesting) gives a model or an
:class:`APIResponseValidationError` -- never a bare ``KeyError``/``TypeError``/``ValueError``
from inside cattrs -- and valid JSON round-trips: ``structure(unstructure(m)) == m``.

The default run draws a few examples per model; ``-m slow`` (``nox -s reliability``) draws
200 per model and puts each extreme value in each field in turn.
"""

from __future__ import annotations

import math
import typing
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ignisign_async import APIResponseValidationError
from ignisign_async._serde import structure, unstructure, wire_name

from ._strategies import json_values, model_wire, models

MODELS = models()
NAMES = sorted(MODELS)
QUICK = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
DEEP = settings(QUICK, max_examples=200, derandomize=False)


def parses_or_refuses(value: object, cls: Any) -> object:
    """``structure(value, cls)``: a ``cls``, or ``None`` if refused with the SDK's error."""
    try:
        result = structure(value, cls)
    except APIResponseValidationError:
        return None
    assert isinstance(result, typing.get_origin(cls) or cls)
    return result


def test_every_model_is_covered() -> None:
    assert len(MODELS) >= 60
    for name in ("SignatureRequestContext", "Document", "SignerEvent", "WebhookEventPage"):
        assert name in MODELS
    assert "ByEnv[ApplicationEnvSettings]" in MODELS


def _hostile(name: str, data: st.DataObject) -> None:
    cls = MODELS[name]
    value = data.draw(st.one_of(model_wire(cls, hostile=True), json_values), label="json")
    parses_or_refuses(value, cls)


def _round_trip(name: str, data: st.DataObject) -> None:
    cls = MODELS[name]
    wire = data.draw(model_wire(cls), label="json")
    model = structure(wire, cls)
    assert structure(unstructure(model), cls) == model


@pytest.mark.parametrize("name", NAMES)
@QUICK
@given(data=st.data())
def test_hostile_json_parses_or_raises_the_sdk_error(name: str, data: st.DataObject) -> None:
    _hostile(name, data)


@pytest.mark.parametrize("name", NAMES)
@QUICK
@given(data=st.data())
def test_models_round_trip(name: str, data: st.DataObject) -> None:
    _round_trip(name, data)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@DEEP
@given(data=st.data())
def test_hostile_json_deep(name: str, data: st.DataObject) -> None:
    _hostile(name, data)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@DEEP
@given(data=st.data())
def test_round_trip_deep(name: str, data: st.DataObject) -> None:
    _round_trip(name, data)


def _nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def _deep_object(depth: int) -> object:
    value: object = {}
    for _ in range(depth):
        value = {"x": value}
    return value


EXTREMES: list[object] = [
    None,
    [],
    "",
    "x" * (1 << 20),
    10**4000,
    math.nan,
    -math.inf,
    _nested(100_000),
    _deep_object(100_000),
]


def _extremes(name: str, *, per_field: bool) -> None:
    """Each extreme value as the whole body, in every field at once, or (``per_field``) in
    place of each field of a body whose other fields are null."""
    cls = MODELS[name]
    keys = [wire_name(f) for f in attrs.fields(typing.get_origin(cls) or cls)]
    for extreme in EXTREMES:
        parses_or_refuses(extreme, cls)
        parses_or_refuses(dict.fromkeys(keys, extreme), cls)
        for key in keys if per_field else ():
            parses_or_refuses({k: extreme if k == key else None for k in keys}, cls)
            parses_or_refuses({key: extreme}, cls)


@pytest.mark.parametrize("name", NAMES)
def test_extreme_values(name: str) -> None:
    _extremes(name, per_field=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_extreme_values_in_each_field(name: str) -> None:
    _extremes(name, per_field=True)
