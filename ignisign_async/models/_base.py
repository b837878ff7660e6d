"""What every model and enum is made of.

Models are frozen, slotted, keyword-only attrs classes with snake_case attributes. Their wire
(JSON) names follow one rule, applied by :mod:`ignisign_async._serde`: snake_case becomes
camelCase, ``id`` is ``_id`` and ``created_at`` is ``_createdAt``. A field whose wire name breaks
the rule says so with ``wire("...")``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

__all__ = ["ApiEnum", "model", "wire", "WIRE_KEY"]

WIRE_KEY = "ignisign_wire_name"
_C = TypeVar("_C", bound=type)
_F = TypeVar("_F")


if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[_F], _F]:
        return lambda f: f


def wire(name: str, **kwargs: Any) -> Any:
    """An ``attrs.field`` whose JSON name is ``name`` rather than the camelCase of the attribute."""
    metadata = dict(kwargs.pop("metadata", {}) or {})
    metadata[WIRE_KEY] = name
    return attrs.field(metadata=metadata, **kwargs)


@dataclass_transform(
    frozen_default=True, kw_only_default=True, field_specifiers=(attrs.field, wire)
)
def model(cls: _C) -> _C:
    """Make ``cls`` a frozen, slotted, keyword-only attrs class (the shape of every model).

    Its repr never raises, even on an instance still being built (a traceback printed with its
    frames' locals may show one).
    """
    built = attrs.frozen(kw_only=True, slots=True)(cls)
    plain = cast(Callable[[object], str], built.__repr__)

    def __repr__(self: object) -> str:
        try:
            return plain(self)
        except AttributeError:
            return f"<{type(self).__qualname__} (being built)>"

    built.__repr__ = __repr__  # type: ignore[assignment]
    return built


class ApiEnum(str, enum.Enum):
    """A string enum of the API that tolerates values it does not know.

    A value the server adds later still parses: it becomes a pseudo-member whose ``value`` and
    ``name`` are the raw string and whose ``known`` is ``False``::

        >>> SignatureRequestStatus("DRAFT")
        <SignatureRequestStatus.DRAFT: 'DRAFT'>
        >>> SignatureRequestStatus("ON_HOLD").known
        False
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo

    @property
    def known(self) -> bool:
        """Whether this value is one the SDK was built with."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(str(self), format_spec)
