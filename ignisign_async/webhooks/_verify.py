"""Deciding whether a parsed webhook really comes from IgniSign, for this application.

Order (reference 9.3): ``appId``, then ``appEnv`` against the client, with no network call; then
the verification token, checked once with the API (the check consumes it, so it is never
retried). Anything short of a valid answer refuses the event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .._errors import (
    APIConnectionError,
    IgnisignError,
    InternalServerError,
    RateLimitError,
    WebhookError,
    WebhookVerificationError,
)
from ..models.webhook_events import WebhookEvent

if TYPE_CHECKING:
    from .._client import AsyncIgnisign

__all__ = ["verify", "http_status_for", "BAD_APP_ID", "BAD_APP_ENV", "VERIFICATION_FAILED"]

BAD_APP_ID: Final = "SDK_WEBHOOK_BAD_APP_ID"
BAD_APP_ENV: Final = "SDK_WEBHOOK_BAD_APP_ENV"
VERIFICATION_FAILED: Final = "SDK_WEBHOOK_VERIFICATION_FAILED"

_UNREACHABLE: Final = (APIConnectionError, InternalServerError, RateLimitError)


async def verify(client: AsyncIgnisign, event: WebhookEvent, token: str) -> None:
    """Return if the event is genuine; raise :class:`WebhookVerificationError` otherwise."""
    if event.app_id != client.app_id:
        raise WebhookVerificationError(
            "The webhook is for another application (appId differs from the client's)",
            code=BAD_APP_ID,
        )
    if event.app_env.value != client.app_env:
        raise WebhookVerificationError(
            "The webhook is for another environment (appEnv differs from the client's)",
            code=BAD_APP_ENV,
        )
    try:
        result = await client.webhooks.check_token(token)
    except IgnisignError as exc:
        raise WebhookVerificationError(
            f"The webhook could not be verified: the token check failed ({type(exc).__name__})",
            code=VERIFICATION_FAILED,
        ) from exc
    if not result.is_valid:
        raise WebhookVerificationError(
            "The webhook's verification token was refused by IgniSign", code=VERIFICATION_FAILED
        )


def http_status_for(error: WebhookError) -> int:
    """The HTTP status a webhook endpoint should answer for an error raised by ``consume``.

    400 for a malformed body, 401 for a webhook that failed verification, 503 when the token
    could not be checked because IgniSign was unreachable or failing (so that IgniSign delivers
    the event again)::

        except WebhookError as exc:
            return JSONResponse({"ok": False, "code": exc.code}, status_code=http_status_for(exc))
    """
    if not isinstance(error, WebhookVerificationError):
        return 400
    if isinstance(error.__cause__, _UNREACHABLE):
        return 503
    return 401
