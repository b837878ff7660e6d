"""Sentinels and small type aliases shared across the package."""

from __future__ import annotations

import enum
import os
from collections.abc import AsyncIterable, Callable, Mapping
from typing import IO, Final, Literal, TypeAlias, TypeVar, Union

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "FileInput",
    "PathLike",
    "JSON",
    "BodyFactory",
    "AppEnvName",
]

_T = TypeVar("_T")


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`, a sentinel for "the caller did not pass this argument".

    ``None`` is a real value on the wire for some fields, so optional arguments default to
    ``NOT_GIVEN`` instead and are left out of the request body entirely::

        await client.documents.update(doc_id, label="Contract")   # description is not sent
    """

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""Default of optional arguments: the field is omitted from the request."""

AppEnvName: TypeAlias = Literal["DEVELOPMENT", "STAGING", "PRODUCTION"]
"""The environments ``app_env=`` accepts (or their :class:`~ignisign_async.models.AppEnv`
members): ``app_env="PROD"`` is a type error, not only a ``ValueError``."""

PathLike: TypeAlias = Union[str, "os.PathLike[str]"]
"""A filesystem path."""

FileInput: TypeAlias = Union[str, "os.PathLike[str]", bytes, IO[bytes]]
"""What ``file=`` arguments accept: a path, the bytes themselves, or a binary file object."""

JSON: TypeAlias = object
"""Any JSON value (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or ``None``)."""

BodyFactory: TypeAlias = Callable[[], "tuple[Mapping[str, str], bytes | AsyncIterable[bytes]]"]
"""Builds a fresh request body (headers, content) for each attempt, e.g. a multipart upload."""
