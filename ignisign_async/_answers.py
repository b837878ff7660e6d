"""Reading answers: the JSON of a success, the capped and cleaned body of an error."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable
from typing import Any, Final

import httpx

from ._errors import APIError, APIResponseValidationError, api_error_from_response

__all__ = ["MAX_ERROR_BODY", "parse_json", "read_error"]

MAX_ERROR_BODY: Final = 1 << 20
"""Bytes of an error answer's body kept for the error."""


def parse_json(response: httpx.Response, *, request: str) -> Any:
    """The JSON of an answer, or :class:`APIResponseValidationError`."""
    try:
        return jsonlib.loads(response.content)
    except ValueError as exc:
        raise APIResponseValidationError(
            "The response is not valid JSON", request=request, body=response.text[:1000]
        ) from exc


async def read_error(
    response: httpx.Response,
    *,
    request: str,
    retry_after: float | None,
    redact: Callable[[str], str],
) -> APIError:
    """The typed error of an error answer: the head of its body read (the response closed),
    the secret and tokens removed."""
    content = await _read_head(response, MAX_ERROR_BODY)
    # A server may echo the Authorization header or the secret anywhere in its error body;
    # the message, code, context and body of the error are all read from the cleaned text.
    text = content.decode("utf-8", errors="replace")
    clean = redact(text)
    if clean != text:
        content = clean.encode()
    error = api_error_from_response(response, content, request=request, retry_after=retry_after)
    error.message = redact(error.message)
    error.args = (error.message,)
    return error


async def _read_head(response: httpx.Response, limit: int) -> bytes:
    """Up to ``limit`` bytes of a body (what arrived before a failure), the response closed."""
    chunks: list[bytes] = []
    try:
        if response.is_stream_consumed:
            chunks.append(response.content)
        else:
            size = 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= limit:
                    break
    except (httpx.HTTPError, TimeoutError):
        pass
    finally:
        await response.aclose()
    return b"".join(chunks)[:limit]
