"""The request id of an answer: which headers carry it, and reading it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["REQUEST_ID_HEADERS", "request_id_of"]


REQUEST_ID_HEADERS: Final = (
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "correlation-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-cloud-trace-context",
    "cf-ray",
)
"""Where an answer's request id is looked for, in this order (the first one present wins)."""


def request_id_of(headers: Mapping[str, str] | None) -> str | None:
    """The answer's request id: the first of :data:`REQUEST_ID_HEADERS` it carries."""
    if not headers:
        return None
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None
