"""The exceptions raised by ``ignisign_async``.

Every exception the SDK raises on purpose derives from :class:`IgnisignError`; bad arguments raise
the builtin ``ValueError``/``TypeError`` before any request is made::

    IgnisignError
    ├── APIError                      the server answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401, or the app secret was refused
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429
    │   └── InternalServerError         5xx
    ├── APIConnectionError            no usable answer: connect error, dropped connection, ...
    │   └── APITimeoutError             an attempt or the whole call ran out of time
    ├── APIResponseValidationError    a 2xx answer that does not fit the documented model
    ├── DownloadError                 a download ended before its ``Content-Length``
    ├── WebhookError                  a webhook body that cannot be consumed
    │   └── WebhookVerificationError    wrong appId/appEnv, or the token check failed
    ├── SignatureRequestNotCompletedError   ``wait``: the request closed without completing
    │   ├── SignatureRequestCancelledError    CANCELLED (closed before anybody signed)
    │   ├── SignatureRequestExpiredError      EXPIRED (its expiration date passed)
    │   └── SignatureRequestFailedError       FAILED
    └── WaitTimeoutError              ``wait`` ran out of time (also a builtin ``TimeoutError``)

An error raised by ``signature_requests.send`` after it created something carries
``exc.created`` (a :class:`~ignisign_async.models.CreatedResources`), whatever its type.

Messages never contain the app secret, a JWT, or request headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import httpx

from ._request_id import request_id_of

if TYPE_CHECKING:
    from .models.enums import SignatureRequestStatus
    from .models.signature_requests import CreatedResources, SignatureRequestContext

__all__ = [
    "IgnisignError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "DownloadError",
    "WebhookError",
    "WebhookVerificationError",
    "SignatureRequestNotCompletedError",
    "SignatureRequestCancelledError",
    "SignatureRequestExpiredError",
    "SignatureRequestFailedError",
    "WaitTimeoutError",
]


class IgnisignError(Exception):
    """Base class of every error the SDK raises on purpose."""

    created: CreatedResources | None = None
    """What ``signature_requests.send`` had created when this error stopped it (else ``None``)."""


class APIError(IgnisignError):
    """The API answered with an error status.

    ``code`` is the IgniSign error code (``"SIGNER_NOT_FOUND"``...), ``body`` the parsed JSON error
    body (or the raw text when it is not JSON), ``request`` the ``"METHOD /path"`` that failed,
    ``response_headers`` the answer's headers and ``request_id`` the id the server gave the
    request (``None`` when it sent none), for the support ticket::

        try:
            await client.signers.get(signer_id)
        except NotFoundError as exc:
            print(exc.code, exc.status_code)      # SIGNER_NOT_FOUND 404
            print(exc.request_id)                 # from X-Request-ID, Request-ID...
    """

    status_code: int
    code: str | None
    context: Mapping[str, Any] | None
    body: object
    request: str
    response_headers: httpx.Headers

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        context: Mapping[str, Any] | None = None,
        body: object = None,
        request: str = "",
        retry_after: float | None = None,
        response_headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.context = context
        self.body = body
        self.request = request
        self.retry_after = retry_after
        self.response_headers = httpx.Headers(response_headers)

    @property
    def request_id(self) -> str | None:
        """The request's id on the server, from the first of :data:`REQUEST_ID_HEADERS` the
        answer carries; ``None`` when it carries none."""
        return request_id_of(self.response_headers)

    def __str__(self) -> str:
        parts = [f"{self.status_code}"]
        if self.code:
            parts.append(self.code)
        head = " ".join(parts)
        where = f" ({self.request})" if self.request else ""
        return f"{head}: {self.message}{where}"

    def __repr__(self) -> str:
        fields = f"status_code={self.status_code}, code={self.code!r}, message={self.message!r}"
        if self.request_id is not None:
            fields += f", request_id={self.request_id!r}"
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_api_error,
            (
                type(self),
                self.message,
                self.status_code,
                self.code,
                self.context,
                self.body,
                self.request,
                self.retry_after,
                list(self.response_headers.multi_items()),
            ),
        )


def _rebuild_api_error(
    cls: type[APIError],
    message: str,
    status_code: int,
    code: str | None,
    context: Mapping[str, Any] | None,
    body: object,
    request: str,
    retry_after: float | None,
    response_headers: list[tuple[str, str]] | None = None,
) -> APIError:
    return cls(
        message,
        status_code=status_code,
        code=code,
        context=context,
        body=body,
        request=request,
        retry_after=retry_after,
        response_headers=httpx.Headers(response_headers),
    )


class BadRequestError(APIError):
    """400: the request was refused as invalid (validation, wrong status for the operation)."""


class AuthenticationError(APIError):
    """401, or the authentication call itself failed (wrong secret, unknown or blocked app)."""


class PermissionDeniedError(APIError):
    """403: the application is not allowed to do this."""


class NotFoundError(APIError):
    """404: the id does not exist (or not for this application and environment)."""


class ConflictError(APIError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIError):
    """422: the request is well formed but cannot be processed."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` holds the server's wait hint in seconds, if any."""


class InternalServerError(APIError):
    """5xx: the server failed."""


class APIConnectionError(IgnisignError):
    """No usable answer: the connection failed, dropped, or the response could not be read."""

    def __init__(self, message: str = "Connection error.", *, request: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.request = request

    def __str__(self) -> str:
        return f"{self.message} ({self.request})" if self.request else self.message


class APITimeoutError(APIConnectionError):
    """An attempt exceeded ``timeout``, or the whole call exceeded its ``deadline``."""

    def __init__(self, message: str = "Request timed out.", *, request: str = "") -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(IgnisignError):
    """The server answered 2xx with a body that does not fit the documented model."""

    def __init__(self, message: str, *, request: str = "", body: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class DownloadError(IgnisignError):
    """A download ended early: fewer bytes arrived than the server announced."""

    def __init__(self, message: str, *, received: int, expected: int | None) -> None:
        super().__init__(message)
        self.received = received
        self.expected = expected


class WebhookError(IgnisignError, ValueError):
    """A webhook body that cannot be consumed: not JSON, or missing or mistyped fields."""

    def __init__(self, message: str, *, code: str = "SDK_WEBHOOK_BAD_FORMATTED") -> None:
        super().__init__(message)
        self.code = code


class WebhookVerificationError(WebhookError):
    """The webhook did not come from IgniSign for this app: wrong appId/appEnv or invalid token."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


_JWT: Final = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
"""A JSON Web Token (its header is base64url JSON, so it starts with ``eyJ``)."""


def redact_tokens(text: str) -> str:
    """``text`` with every JWT-shaped string replaced by ``[redacted]``."""
    return _JWT.sub("[redacted]", text) if "eyJ" in text else text


def shows_token(text: str) -> bool:
    """Whether ``text`` holds something shaped like a JWT."""
    return "eyJ" in text and _JWT.search(text) is not None


class _RequestStateError(IgnisignError):
    """What the wait errors share: the request's id, its status and context as last read."""

    def __init__(
        self,
        message: str,
        *,
        signature_request_id: str,
        status: SignatureRequestStatus | None = None,
        context: SignatureRequestContext | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.signature_request_id = signature_request_id
        self.status = status
        self.context = context

    def __reduce__(self) -> tuple[Any, ...]:
        state = (self.message, self.signature_request_id, self.status, self.context)
        return (_rebuild_state_error, (type(self), *state))


def _rebuild_state_error(
    cls: type[_RequestStateError], message: str, request_id: str, status: Any, context: Any
) -> _RequestStateError:
    return cls(message, signature_request_id=request_id, status=status, context=context)


class SignatureRequestNotCompletedError(_RequestStateError):
    """``signature_requests.wait``: the request closed without being completed.

    ``status`` is the closed status, ``context`` the request as last read::

        try:
            context = await client.signature_requests.wait(request_id)
        except SignatureRequestExpiredError as exc:
            print(exc.signature_request_id, exc.status)      # ... EXPIRED
    """

    status: SignatureRequestStatus


class SignatureRequestCancelledError(SignatureRequestNotCompletedError):
    """The request was closed (``CANCELLED``) before anybody signed."""


class SignatureRequestExpiredError(SignatureRequestNotCompletedError):
    """The request reached its expiration date (``EXPIRED``) before anybody signed."""


class SignatureRequestFailedError(SignatureRequestNotCompletedError):
    """The request ``FAILED`` on the platform's side."""


class WaitTimeoutError(_RequestStateError, TimeoutError):
    """``signature_requests.wait`` ran out of time; ``status`` and ``context`` are the last seen
    (``None`` when no poll answered)."""
