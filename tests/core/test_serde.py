"""The converter: wire names, dates, tolerant enums, strict scalars."""

from __future__ import annotations

import datetime as dt
from typing import final

import attrs
import pytest

from ignisign_async import APIResponseValidationError
from ignisign_async._serde import format_datetime, structure, unstructure
from ignisign_async.models._base import ApiEnum, model, wire
from ignisign_async.models.enums import AppEnv, DocumentType
from ignisign_async.models.signature_profiles import SignatureProfile

from .conftest import PROFILE


class Colour(ApiEnum):
    RED = "RED"


@final
@model
class Sample:
    id: str
    created_at: dt.datetime | None = None
    birth_date: dt.date | None = None
    signer_ids: tuple[str, ...] = ()
    colour: Colour | None = None
    shade_50: str | None = wire("50", default=None)
    count: int = 0
    ratio: float = 0.0
    flag: bool = False


def test_wire_names_and_dates() -> None:
    sample = structure(
        {
            "_id": "x1",
            "_createdAt": "2024-03-01T10:00:00.123Z",
            "birthDate": "1990-04-05",
            "signerIds": ["a", "b"],
            "colour": "RED",
            "50": "#fafafa",
            "count": 3,
            "ratio": 1,
            "flag": True,
            "unknownField": {"ignored": True},
        },
        Sample,
    )
    assert sample == Sample(
        id="x1",
        created_at=dt.datetime(2024, 3, 1, 10, 0, 0, 123000, tzinfo=dt.timezone.utc),
        birth_date=dt.date(1990, 4, 5),
        signer_ids=("a", "b"),
        colour=Colour.RED,
        shade_50="#fafafa",
        count=3,
        ratio=1.0,
        flag=True,
    )
    assert sample.created_at is not None
    assert sample.created_at.tzinfo is not None


def test_naive_datetimes_become_utc_and_offsets_are_kept() -> None:
    naive = structure({"_id": "x", "_createdAt": "2024-03-01T10:00:00"}, Sample)
    assert naive.created_at == dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc)
    offset = structure({"_id": "x", "_createdAt": "2024-03-01T12:00:00+02:00"}, Sample)
    assert offset.created_at == dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc)


def test_round_trip() -> None:
    sample = Sample(
        id="x1",
        created_at=dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc),
        birth_date=dt.date(1990, 4, 5),
        signer_ids=("a",),
        colour=Colour.RED,
        shade_50="#fff",
        count=1,
    )
    data = unstructure(sample)
    assert data["_id"] == "x1"
    assert data["_createdAt"] == "2024-03-01T10:00:00.000Z"
    assert data["50"] == "#fff"
    assert "ratio" not in data  # defaults are left out
    assert structure(data, Sample) == sample


def test_unknown_enum_value_parses_and_stays_readable() -> None:
    value = structure({"_id": "x", "colour": "ULTRAVIOLET"}, Sample).colour
    assert value is not None
    assert value == "ULTRAVIOLET"
    assert value.value == "ULTRAVIOLET"
    assert not value.known
    assert Colour.RED.known
    assert str(value) == "ULTRAVIOLET"
    assert f"{Colour.RED}" == "RED"


def test_unknown_enum_and_field_in_a_real_model() -> None:
    profile = structure(
        {**PROFILE, "documentTypes": ["PDF", "HOLOGRAM"], "brandNewField": 1}, SignatureProfile
    )
    assert profile.document_types[0] is DocumentType.PDF
    assert profile.document_types[1] == "HOLOGRAM"
    assert profile.app_env is AppEnv.DEVELOPMENT
    assert profile.auth_session_enabled is False


@pytest.mark.parametrize(
    "data",
    [
        {"id": "x"},  # wrong key for _id: required field missing
        {"_id": 5},
        {"_id": "x", "flag": "yes"},
        {"_id": "x", "count": True},
        {"_id": "x", "count": "3"},
        {"_id": "x", "signerIds": "abc"},
        {"_id": "x", "_createdAt": "not a date"},
        {"_id": "x", "_createdAt": 1700000000},
        {"_id": "x", "colour": 3},
        ["not", "a", "mapping"],
        None,
    ],
)
def test_bad_shapes_raise_the_sdks_error(data: object) -> None:
    with pytest.raises(APIResponseValidationError):
        structure(data, Sample)


def test_format_datetime() -> None:
    moment = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert format_datetime(moment) == "2024-03-01T10:00:00.000Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        format_datetime(dt.datetime(2024, 3, 1))


def test_models_are_frozen_and_keyword_only() -> None:
    sample = Sample(id="x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        sample.id = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Sample("x")  # type: ignore[misc]
    assert attrs.evolve(sample, count=2).count == 2
