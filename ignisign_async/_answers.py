"""Reading answers through caps: the body of a success, the head of an error, their JSON.

Every body is read as it arrives and decoded in bounded steps (:mod:`._decoding`), so neither a
huge answer nor a gzip bomb can take memory beyond its cap:

* a success body over ``max_response_bytes`` raises :class:`APIResponseValidationError` naming
  the cap, and the connection is dropped, not drained;
* an error body keeps its first :data:`MAX_ERROR_BODY` bytes, and the error says it was cut.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Final

import anyio
import httpx

from ._decoding import Decoder
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
from ._headers import parse_length
from ._secrets import Redactor

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "MAX_ERROR_BODY",
    "api_error_from_response",
    "check_max_response_bytes",
    "error_class_for",
    "parse_json",
    "read_body",
    "read_error",
    "too_large",
    "undecodable",
]

DEFAULT_MAX_RESPONSE_BYTES: Final = 64 << 20
"""The default cap on a (non-streamed) answer's body, decoded: 64 MiB."""

MAX_ERROR_BODY: Final = 64 << 10
"""Bytes of an error answer's body kept for the error (the head; the rest is dropped)."""


def check_max_response_bytes(value: object) -> int | None:
    """``max_response_bytes`` if it is a positive int, or ``None`` (no cap)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"max_response_bytes must be a positive int or None, got {value!r}")
    return value


async def _decoded(response: httpx.Response) -> AsyncIterator[bytes]:
    if response.is_stream_consumed:  # an in-process transport that loaded it already
        if response.content:
            yield response.content
        return
    decoder = Decoder.for_header(response.headers.get("Content-Encoding"))
    async for raw in response.aiter_raw():
        for piece in decoder.feed(raw):
            yield piece
    for piece in decoder.flush():
        yield piece


async def read_body(
    response: httpx.Response, limit: int | None, *, keep_partial: bool = False
) -> tuple[bytes | bytearray, bool]:
    """The decoded body, at most ``limit`` bytes, and whether more was there (then dropped).

    The response is closed either way; a body left unread closes its connection. A body
    announced larger than ``limit`` is not read at all, unless ``keep_partial``: then its head is
    kept, and a failure midway keeps what arrived instead of raising.
    """
    headers = response.headers
    encoding = headers.get("content-encoding")
    announced = headers.get("content-length")
    if (encoding is None or encoding.strip().lower() == "identity") and announced is not None:
        size = parse_length(announced)
        if size is not None and (limit is None or size <= limit):
            return await _read_announced(response, keep_partial=keep_partial), False
        if size is not None and not keep_partial:
            await response.aclose()
            return b"", True
    return await _read_capped(response, limit, keep_partial=keep_partial)


async def _read_announced(response: httpx.Response, *, keep_partial: bool) -> bytes:
    """A plain body of announced size within the cap (the framing bounds what is read)."""
    try:
        return await response.aread()
    except (httpx.HTTPError, TimeoutError):
        if not keep_partial:
            raise
        return b""
    finally:
        await response.aclose()


async def _read_capped(
    response: httpx.Response, limit: int | None, *, keep_partial: bool
) -> tuple[bytes | bytearray, bool]:
    body = bytearray()  # one buffer: no second copy when the body is whole
    size = 0
    try:
        async for piece in _decoded(response):
            if limit is not None and size + len(piece) > limit:
                if not keep_partial:
                    return b"", True  # refused: nothing of it is needed
                body += piece[: limit - size]
                return bytes(body), True
            body += piece
            size += len(piece)
    except (httpx.HTTPError, TimeoutError, ValueError):
        if not keep_partial:
            raise
    finally:
        await response.aclose()
    return body, False


def too_large(limit: int, *, request: str) -> APIResponseValidationError:
    """The error of an answer over ``max_response_bytes``."""
    return APIResponseValidationError(
        f"The answer is larger than max_response_bytes ({limit} bytes); raise the cap with "
        "AsyncIgnisign(max_response_bytes=...) or client.with_options(max_response_bytes=...)",
        request=request,
    )


def undecodable(exc: ValueError, *, request: str) -> APIResponseValidationError:
    """The error of an answer whose content encoding cannot be undone."""
    return APIResponseValidationError(f"The answer cannot be decoded: {exc}", request=request)


def parse_json(content: bytes | bytearray, *, request: str, redact: Callable[[str], str]) -> Any:
    """The JSON of an answer's body, or :class:`APIResponseValidationError` (with the head of
    the body, cleaned by ``redact``)."""
    try:
        return jsonlib.loads(content)
    except ValueError as exc:
        text = content[:1000].decode("utf-8", errors="replace")
        raise APIResponseValidationError(
            "The response is not valid JSON", request=request, body=redact(text)
        ) from exc


async def read_error(
    response: httpx.Response,
    *,
    request: str,
    retry_after: float | None,
    redactor: Redactor,
    within: float,
) -> APIError:
    """The typed error of an error answer: the head of its body, read for at most ``within``
    seconds (the response closed), parsed, then cleaned of the secret and tokens everywhere."""
    content: bytes | bytearray = b""
    cut = False
    with anyio.move_on_after(within):
        content, cut = await read_body(response, MAX_ERROR_BODY, keep_partial=True)
    await _close(response)
    error = api_error_from_response(
        response, bytes(content), request=request, retry_after=retry_after
    )
    # A server may echo the Authorization header or the secret anywhere in its error body, even
    # JSON-escaped: everything is cleaned after parsing.
    error.message = redactor.text(error.message)
    if cut:
        error.message += f" (the answer's body was cut after {MAX_ERROR_BODY} bytes)"
    error.args = (error.message,)
    error.code = None if error.code is None else redactor.text(error.code)
    context = redactor.value(error.context)
    error.context = context if isinstance(context, Mapping) else None
    error.body = redactor.value(error.body)
    # ... and in its headers (the error keeps them: request id, rate-limit counters...)
    error.response_headers = httpx.Headers(
        [(name, redactor.text(value)) for name, value in error.response_headers.multi_items()]
    )
    return error


async def _close(response: httpx.Response) -> None:
    await response.aclose()  # httpcore shields the release of the connection itself


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
    """Build the typed error for an error response, given the head of its body.

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
