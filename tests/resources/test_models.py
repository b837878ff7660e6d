"""The public models: importable from ``ignisign_async.models``, frozen, slotted, keyword-only."""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import itertools

import attrs
import pytest

import ignisign_async.models as models
from ignisign_async.models import COUNTRIES, SignatureRequestStatus, SignerInputRef

AREAS = [
    "applications",
    "documents",
    "enums",
    "pagination",
    "proofs",
    "signature_profiles",
    "signature_requests",
    "signers",
    "webhooks",
]
MODEL_CLASSES = [
    value
    for value in (getattr(models, name) for name in models.__all__)
    if isinstance(value, type) and attrs.has(value) and value.__module__.rsplit(".", 1)[-1] in AREAS
]


@pytest.mark.parametrize("area", AREAS)
def test_every_public_name_of_an_area_is_re_exported(area: str) -> None:
    module = importlib.import_module(f"ignisign_async.models.{area}")
    for name in module.__all__:
        assert name in models.__all__
        assert getattr(models, name) is getattr(module, name)


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError):
        _ = models.NoSuchModel  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_models_are_frozen_slotted_and_keyword_only(cls: type) -> None:
    params = inspect.signature(cls).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    instance = object.__new__(cls)
    assert not hasattr(instance, "__dict__")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, attrs.fields(cls)[0].name, None)


def test_enum_values_are_verbatim() -> None:
    assert SignatureRequestStatus.CHILDREN_GERENATED.value == "CHILDREN_GERENATED"
    assert SignerInputRef.PHONE.value == "phoneNumber"
    assert models.InvitedUserStatus.CANCELED.value == "CANCELED"
    assert all(issubclass(getattr(models, n), str) for n in models.__all__ if _is_enum(n))


def test_countries() -> None:
    assert len(COUNTRIES) == 222
    assert {"FR", "GB", "XK", "US"} <= COUNTRIES
    assert "UK" not in COUNTRIES


def _is_enum(name: str) -> bool:
    value = getattr(models, name)
    return isinstance(value, type) and issubclass(value, enum.Enum)


def test_every_public_name_is_importable_and_documented() -> None:
    names = list(models.__all__)
    assert len(names) == len(set(names)) >= 111  # every name public before the derivation
    for name in names:
        value = getattr(models, name)
        module = importlib.import_module(f"ignisign_async.models.{_area_of(name)}")
        assert getattr(module, name) is value
        if isinstance(value, type):
            assert (value.__dict__.get("__doc__") or "").strip(), name
        else:  # a constant or a type alias: an attribute docstring under its assignment
            assert _attribute_docstring(module, name), name
    namespace: dict[str, object] = {}
    exec("from ignisign_async.models import *", namespace)
    assert set(names) <= set(namespace)


def _area_of(name: str) -> str:
    for area in models.AREAS:
        if name in importlib.import_module(f"ignisign_async.models.{area}").__all__:
            return area
    raise AssertionError(name)


def _attribute_docstring(module: object, name: str) -> str | None:
    body = ast.parse(inspect.getsource(module)).body  # type: ignore[arg-type]
    for node, after in itertools.pairwise(body):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        named = any(isinstance(t, ast.Name) and t.id == name for t in targets)
        if named and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            return str(after.value.value).strip() or None
    return None
