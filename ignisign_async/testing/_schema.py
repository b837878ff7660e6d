"""Declarative validation of request bodies and queries, in the manner of the API's DTOs.

A :class:`Schema` names its fields and their kinds; :meth:`Schema.validate` refuses unknown
fields, missing required ones and values of the wrong type or outside their enum, answering
400 with ``BODY_VALIDATION_FAILED`` (or ``QUERY_VALIDATION_FAILED`` for a query) and the list
of problems in ``context.errors``::

    SIGNER_CREATE = Schema("IgnisignSigner_CreationRequestDto", {
        "signatureProfileId": Str(),
        "email": Email(),
    })
    body = SIGNER_CREATE.validate(payload)      # the payload, checked; null optionals dropped

As with class-validator's ``@IsOptional``, ``null`` for an optional field counts as absent.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any, Final

from ._dates import is_date_string, parse_instant
from ._formats import is_email, is_loopback_url, is_url
from ._http import FakeError

__all__ = [
    "AnyValue",
    "Bool",
    "DateString",
    "Email",
    "Enum",
    "Int",
    "Kind",
    "ListOf",
    "MongoId",
    "Nested",
    "Number",
    "Phone",
    "Schema",
    "Sha256",
    "Str",
    "Url",
    "Invalid",
    "check_field",
]

_MONGO_ID: Final = re.compile(r"[0-9a-fA-F]{24}")
_E164: Final = re.compile(r"\+[1-9]\d{6,14}")
_SHA256_HEX: Final = re.compile(r"[0-9a-fA-F]{64}")
_SHA256_BASE64: Final = re.compile(r"[A-Za-z0-9+/]{43}=")
_STRICT: Final = contextvars.ContextVar("ignisign_fake_strict_fields", default=True)


class Invalid(Exception):
    """A value does not fit its kind; the message says why."""


class Kind:
    """How one field is checked. ``check`` returns the (possibly converted) value."""

    label = "a value"

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def from_query(self, raw: str) -> Any:
        """Query values arrive as strings; kinds that are not strings convert them first."""
        return self.check(raw)


class AnyValue(Kind):
    label = "any JSON value"

    def check(self, value: Any) -> Any:
        return value


class Str(Kind):
    label = "a string"

    def __init__(self, *, max_length: int | None = None, non_empty: bool = False) -> None:
        self.max_length = max_length
        self.non_empty = non_empty

    def check(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise Invalid("must be a string")
        if self.non_empty and not value.strip():
            raise Invalid("must not be empty")
        if self.max_length is not None and len(value) > self.max_length:
            raise Invalid(f"must be at most {self.max_length} characters")
        return value


class _Pattern(Str):
    pattern: re.Pattern[str]
    message = ""

    def check(self, value: Any) -> Any:
        super().check(value)
        if not self.pattern.fullmatch(value):
            raise Invalid(self.message)
        return value


class MongoId(_Pattern):
    label = "a mongo id"
    pattern = _MONGO_ID
    message = "must be a mongodb id"


class Email(Str):
    """``@IsEmail()`` (see :mod:`._formats`)."""

    label = "an email"

    def check(self, value: Any) -> Any:
        super().check(value)
        if not is_email(value):
            raise Invalid("must be an email")
        return value


class DateString(Str):
    """An ISO 8601 date or date-time (``@IsDateString``, see :mod:`._dates`); :meth:`instant`."""

    label = "an ISO 8601 date string"

    def check(self, value: Any) -> Any:
        super().check(value)
        if not is_date_string(value):
            raise Invalid("must be a valid ISO 8601 date string")
        return value

    @staticmethod
    def instant(value: object) -> float | None:
        """A checked date string's instant in epoch seconds; ``None`` for anything else."""
        return parse_instant(value) if isinstance(value, str) else None


class Phone(_Pattern):
    label = "an E.164 phone number"
    pattern = _E164
    message = "must be in E.164 format (+33612345678)"


class Sha256(Str):
    """A SHA-256 digest, in hexadecimal or base64; returned in lower-case hexadecimal."""

    label = "a SHA-256 digest"

    def check(self, value: Any) -> Any:
        super().check(value)
        if _SHA256_HEX.fullmatch(value):
            return value.lower()
        if _SHA256_BASE64.fullmatch(value):
            return base64.b64decode(value).hex()
        raise Invalid("must be a SHA-256 digest (64 hexadecimal characters, or 44 in base64)")


class Url(Str):
    """``@IsUrl()`` (see :mod:`._formats`); ``loopback=True`` also accepts local endpoints."""

    label = "a URL"

    def __init__(self, *, loopback: bool = False) -> None:
        super().__init__()
        self.loopback = loopback

    def check(self, value: Any) -> Any:
        super().check(value)
        if not (is_url(value) or (self.loopback and is_loopback_url(value))):
            raise Invalid("must be a URL address")
        return value


class Bool(Kind):
    label = "a boolean"

    def check(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise Invalid("must be a boolean value")
        return value

    def from_query(self, raw: str) -> Any:
        if raw not in ("true", "false"):
            raise Invalid("must be 'true' or 'false'")
        return raw == "true"


class Int(Kind):
    label = "an integer"

    def __init__(self, *, minimum: int | None = None) -> None:
        self.minimum = minimum

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("must be an integer number")
        if self.minimum is not None and value < self.minimum:
            raise Invalid(f"must not be less than {self.minimum}")
        return value

    def from_query(self, raw: str) -> Any:
        if not re.fullmatch(r"-?\d{1,9}", raw):
            raise Invalid("must be an integer number")
        return self.check(int(raw))


class Number(Kind):
    label = "a number"

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid("must be a number")
        return value


class Enum(Kind):
    label = "an enum value"

    def __init__(self, values: Collection[str]) -> None:
        self.values = tuple(values)

    def check(self, value: Any) -> Any:
        if not isinstance(value, str) or value not in self.values:
            raise Invalid(f"must be one of the following values: {', '.join(self.values)}")
        return value


class ListOf(Kind):
    label = "an array"

    def __init__(self, item: Kind) -> None:
        self.item = item

    def check(self, value: Any) -> Any:
        if not isinstance(value, list):
            raise Invalid("must be an array")
        out = []
        for index, element in enumerate(value):
            try:
                out.append(self.item.check(element))
            except Invalid as exc:
                raise Invalid(f"[{index}] {exc}") from None
        return out


class Nested(Kind):
    """A JSON object checked by another schema (``@ValidateNested``)."""

    label = "an object"

    def __init__(self, schema: Schema, *, non_empty: bool = False) -> None:
        self.schema = schema
        self.non_empty = non_empty

    def check(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise Invalid("must be an object")
        if self.non_empty and not value:
            raise Invalid("must be a non-empty object")
        errors = self.schema.problems(value)
        if errors:
            first = errors[0]
            raise Invalid(f"{first['property']} {first['message']}")
        return self.schema.clean(value)


class Schema:
    """A DTO: field name -> kind; names in ``required`` must be present and not null."""

    def __init__(
        self,
        name: str,
        fields: Mapping[str, Kind],
        *,
        required: Collection[str] = (),
        allow_unknown: bool = False,
    ) -> None:
        unknown = set(required) - set(fields)
        if unknown:
            raise ValueError(f"{name}: required fields not declared: {sorted(unknown)}")
        self.name = name
        self.fields = dict(fields)
        self.required = frozenset(required)
        self.allow_unknown = allow_unknown

    def problems(self, data: Mapping[str, Any], *, query: bool = False) -> list[dict[str, str]]:
        errors: list[dict[str, str]] = []
        if not self.allow_unknown and _STRICT.get():
            for key in data:
                if key not in self.fields:
                    errors.append({"property": key, "message": "should not exist"})
        for key, kind in self.fields.items():
            value = data.get(key)
            if value is None:
                if key in self.required:
                    errors.append({"property": key, "message": f"is required ({kind.label})"})
                continue
            try:
                kind.from_query(value) if query else kind.check(value)
            except Invalid as exc:
                errors.append({"property": key, "message": str(exc)})
        return errors

    def clean(self, data: Mapping[str, Any], *, query: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            kind = self.fields.get(key)
            if value is None:
                continue
            if kind is None:
                if self.allow_unknown:
                    out[key] = value  # unknown fields are dropped when they are not refused
            else:
                out[key] = kind.from_query(value) if query else kind.check(value)
        return out

    def validate(self, data: object, *, strict: bool = True) -> dict[str, Any]:
        """The checked body; :class:`FakeError` ``BODY_VALIDATION_FAILED`` when it does not fit.

        ``strict``: unknown fields are refused (else dropped), in nested objects too.
        """
        with _strictness(strict):
            return self._validate(data)

    def _validate(self, data: object) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise FakeError(
                "BODY_VALIDATION_FAILED",
                f"The body must be a JSON object ({self.name})",
                context={"dto": self.name},
            )
        errors = self.problems(data)
        if errors:
            raise FakeError(
                "BODY_VALIDATION_FAILED",
                _summary(errors),
                context={"dto": self.name, "errors": errors},
            )
        return self.clean(data)

    def validate_query(self, query: Mapping[str, str], *, strict: bool = True) -> dict[str, Any]:
        """The checked query; :class:`FakeError` ``QUERY_VALIDATION_FAILED`` otherwise."""
        with _strictness(strict):
            errors = self.problems(query, query=True)
            if errors:
                context = {"errors": errors}
                raise FakeError("QUERY_VALIDATION_FAILED", _summary(errors), context=context)
            return self.clean(query, query=True)


@contextlib.contextmanager
def _strictness(strict: bool) -> Iterator[None]:
    token = _STRICT.set(strict)
    try:
        yield
    finally:
        _STRICT.reset(token)


def check_field(kind: Kind, field: str, value: Any, *, code: str) -> Any:
    """``kind.check(value)`` for a handler's own rule: refused as ``code``, naming ``field``::

    check_field(Phone(), "phoneNumber", phone, code="SIGNER_CREATION__INPUT_FIELD_VALUE_INVALID")
    """
    try:
        return kind.check(value)
    except Invalid as exc:
        raise FakeError(code, f"{field} {exc}", context={"field": field}) from None


def _summary(errors: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['property']} {e['message']}" for e in errors)
