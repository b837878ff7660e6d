"""The emulator's own request, response and error types, and the HTTP status of each error code.

The real API documents no status codes (reference section 12.10); the emulator's mapping is:

* validation and lifecycle errors -> 400 (``BODY_VALIDATION_FAILED``,
  ``SIGNATURE_REQUEST_BAD_STATUS``...);
* authentication -> 401 (missing, malformed, expired or revoked JWT; wrong secret);
* rights (a token used on another application or environment) -> 403;
* an id that does not exist -> 404 (every ``*_NOT_FOUND`` code);
* injected faults -> whatever status the test asked for.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Final

__all__ = [
    "FakeError",
    "Request",
    "Response",
    "DropConnection",
    "error_response",
    "json_response",
    "parse_json_body",
    "status_for",
    "utc_now_iso",
]

_AUTH_CODES: Final = frozenset(
    {
        "AUTHENTICATION_FAILED",
        "UNAUTHORIZED_ERROR",
        "AUTH_HEADER_NOT_FOUND",
        "AUTH_HEADER_NOT_BEARER",
        "AUTH_HEADER_NO_TOKEN",
        "INVALID_AUTH_JWT_TOKEN",
        "OUTDATED_AUTH_JWT_TOKEN",
        "INVALID_TOKEN",
    }
)
_NOT_FOUND_CODES: Final = frozenset({"NO_SIGNATURE_IMAGES_FOUND"})


def status_for(code: str) -> int:
    """The HTTP status the emulator answers for an IgniSign error code."""
    if code in _AUTH_CODES:
        return 401
    if code.startswith("INVALID_CONTEXT"):
        return 403
    if code.endswith("_NOT_FOUND") or code in _NOT_FOUND_CODES:
        return 404
    return 400


class FakeError(ValueError):
    """An error of the emulated API: an IgniSign error code, a message and an HTTP status.

    Raised by the request handlers (and turned into the documented error body), and by the
    emulator's helpers such as :meth:`FakeIgnisign.sign` when the state forbids the operation::

        try:
            fake.sign(request_id)
        except FakeError as exc:
            exc.code    # "SIGNATURE_REQUEST_NOT_IN_PROGRESS"
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status_for(code) if status is None else status
        self.context: dict[str, Any] = dict(context or {})


class DropConnection(Exception):
    """Raised by the pipeline when a fault says the connection drops without an answer."""


class Request:
    """One HTTP request as the emulator sees it (body fully read)."""

    __slots__ = ("body", "headers", "method", "query", "raw_path")

    def __init__(
        self,
        method: str,
        raw_path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        self.method = method.upper()
        self.raw_path = raw_path
        self.query = query
        self.headers = headers
        self.body = body

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Response:
    """Status, headers and either a complete body or a factory of body chunks."""

    __slots__ = ("body", "chunks", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes = b"",
        chunks: Callable[[], AsyncIterator[bytes]] | None = None,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.chunks = chunks

    async def iter_body(self) -> AsyncIterator[bytes]:
        """The body, chunk by chunk (one chunk when it is held in memory)."""
        if self.chunks is None:
            if self.body:
                yield self.body
            return
        async for chunk in self.chunks():
            if chunk:
                yield chunk


def utc_now_iso(now: float) -> str:
    """``now`` (seconds since the epoch) as an ISO-8601 UTC timestamp with milliseconds."""
    moment = _dt.datetime.fromtimestamp(now, tz=_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_response(data: object, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":")).encode()
    headers = [("content-type", "application/json"), ("content-length", str(len(body)))]
    return Response(status, headers, body)


def error_response(
    error: FakeError, now: float, extra_headers: list[tuple[str, str]] | None = None
) -> Response:
    """The documented error body (reference 3.1): message, status, code, context, timestamp."""
    response = json_response(
        {
            "message": error.message,
            "status": error.status,
            "code": error.code,
            "context": error.context,
            "timestamp": utc_now_iso(now),
        },
        status=error.status,
    )
    if extra_headers:
        response.headers.extend(extra_headers)
    return response


def parse_json_body(request: Request) -> object:
    """The request's JSON body (``{}`` when empty); 400 ``BODY_VALIDATION_FAILED`` if not JSON."""
    if not request.body.strip():
        return {}
    if "json" not in request.content_type:
        raise FakeError(
            "BODY_VALIDATION_FAILED",
            "The body must be JSON (Content-Type: application/json)",
            context={"contentType": request.content_type},
        )
    try:
        return json.loads(request.body)
    except ValueError:
        raise FakeError("BODY_VALIDATION_FAILED", "The body is not valid JSON") from None
