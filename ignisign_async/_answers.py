"""Reading answers: the JSON of a success; for an error, the capped and cleaned body and the
typed :class:`~ignisign_async.APIError` built from it."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Callable, Mapping
from typing import Any, Final

import httpx

from ._errors import (
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

__all__ = [
    "MAX_ERROR_BODY",
    "api_error_from_response",
    "error_class_for",
    "parse_json",
    "read_error",
]

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
    # ... and in its headers (the error keeps them: request id, rate-limit counters...)
    error.response_headers = httpx.Headers(
        [(name, redact(value)) for name, value in error.response_headers.multi_items()]
    )
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


_STATUS_ERRORS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for(status_code: int) -> type[APIError]:
    """The :class:`APIError` subclass for an HTTP status code."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIError)


def api_error_from_response(
    response: httpx.Response, content: bytes, *, request: str, retry_after: float | None = None
) -> APIError:
    """Build the typed error for an error response, given (up to 1 MiB of) its body.

    Accepts the documented error body (``message``, ``code``, ``context``...), the ``errorCode``
    spelling of the ``IgnisignError`` model, and bodies that are not JSON at all.
    """
    status = response.status_code
    text = content.decode("utf-8", errors="replace")
    body: object
    try:
        body = jsonlib.loads(text) if text.strip() else text
    except ValueError:
        body = text
    code: str | None = None
    message: str | None = None
    context: Mapping[str, Any] | None = None
    if isinstance(body, Mapping):
        raw_code = body.get("code", body.get("errorCode"))
        code = raw_code if isinstance(raw_code, str) else None
        raw_message = body.get("message")
        if isinstance(raw_message, str):
            message = raw_message
        elif raw_message is not None:
            message = jsonlib.dumps(raw_message, default=str)[:500]
        raw_context = body.get("context")
        context = raw_context if isinstance(raw_context, Mapping) else None
    if message is None:
        reason = response.reason_phrase or "HTTP error"
        snippet = text.strip()[:200] if isinstance(body, str) else ""
        message = f"{reason}: {snippet}" if snippet else reason
    cls = error_class_for(status)
    return cls(
        message,
        status_code=status,
        code=code,
        context=context,
        body=body,
        request=request,
        retry_after=retry_after,
        response_headers=response.headers,
    )
