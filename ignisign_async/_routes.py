"""Routes: one declaration per API operation, and the safe rendering of their paths.

A route knows its method, its path template and whether replaying it is harmless::

    GET_SIGNER = Route("GET", "/v3/applications/{appId}/envs/{appEnv}/signers/{signerId}")
    GET_SIGNER.render(app_id, app_env, ("65a1...",))   # -> "/v3/applications/.../signers/65a1..."

``{appId}`` and ``{appEnv}`` come from the client's configuration; every other placeholder is
filled, in order, from the ids the caller passed. Ids are validated and percent-encoded so that
no id can change which endpoint is hit.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from typing import Final, final
from urllib.parse import quote

import attrs

from ._types import NOT_GIVEN

__all__ = ["Route", "encode_query", "encode_segment"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")
_CONTEXT_PARAMS: Final = frozenset({"appId", "appEnv"})
_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
MAX_SEGMENT: Final = 1024
"""The longest id put in a path (ids are 24 hex characters; a URL has a length limit)."""


def encode_segment(value: object, *, name: str) -> str:
    """Validate one path parameter and percent-encode it as a single segment.

    ``/``, ``?``, ``#`` and ``%`` are encoded; ``.`` and ``..`` are refused because HTTP clients
    normalise such segments away, which would hit another endpoint.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    if value in (".", ".."):
        raise ValueError(f"{name} cannot be {value!r}")
    if len(value) > MAX_SEGMENT:
        raise ValueError(f"{name} is {len(value)} characters long; at most {MAX_SEGMENT} are sent")
    return quote(value, safe="")


@final
@attrs.frozen(init=False)
class Route:
    """One API operation: HTTP method, path template, idempotency and whether it needs auth.

    ``idempotent`` defaults from the method (GET, PUT and DELETE are; POST is not). A
    non-idempotent route is retried only when the request cannot have reached the server.
    """

    method: str
    path: str
    idempotent: bool
    authenticated: bool
    params: tuple[str, ...]
    _parts: tuple[str, ...] = attrs.field(repr=False)

    def __init__(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool | None = None,
        authenticated: bool = True,
    ) -> None:
        method = method.upper()
        names = tuple(_PLACEHOLDER.findall(path))
        pieces = _PLACEHOLDER.split(path)  # literal, name, literal, name, ..., literal
        self.__attrs_init__(
            method=method,
            path=path,
            idempotent=method in _IDEMPOTENT_METHODS if idempotent is None else idempotent,
            authenticated=authenticated,
            params=tuple(n for n in names if n not in _CONTEXT_PARAMS),
            parts=tuple(pieces),
        )

    def render(self, app_id: str, app_env: str, ids: tuple[object, ...]) -> str:
        """The concrete path for these ids (validated and percent-encoded)."""
        if len(ids) != len(self.params):
            raise TypeError(
                f"{self.method} {self.path} takes {len(self.params)} id(s), got {len(ids)}"
            )
        out: list[str] = []
        given = iter(ids)
        for index, piece in enumerate(self._parts):
            if index % 2 == 0:
                out.append(piece)
            elif piece == "appId":
                out.append(encode_segment(app_id, name="app_id"))
            elif piece == "appEnv":
                out.append(app_env)
            else:
                out.append(encode_segment(next(given), name=_snake(piece)))
        return "".join(out)


@functools.cache
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def encode_query(params: Mapping[str, object] | None) -> dict[str, str] | None:
    """Query parameters as strings (``true``/``false``, enum values); ``None`` and ``NOT_GIVEN``
    left out."""
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None or value is NOT_GIVEN:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, enum.Enum):
            out[key] = str(value.value)
        else:
            out[key] = str(value)
    return out or None
