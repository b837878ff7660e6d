"""Consuming IgniSign webhooks: typed events, verification, dispatch, and an ASGI endpoint.

router = client.webhook_router()

@router.on_signature_request(action="COMPLETED")
async def completed(event: SignatureRequestEvent) -> None:
    await archive(event.content.signature_request_id)

result = await router.consume(request_body)     # or mount router.asgi()
"""

from ..models.webhook_events import (
    ApplicationEvent,
    DocumentRequestEvent,
    IgnisignErrorInfo,
    SignatureEvent,
    SignatureImageEvent,
    SignatureProfileEvent,
    SignatureProofEvent,
    SignatureRequestEvent,
    SignatureSessionEvent,
    SignerEvent,
    WebhookContent,
    WebhookEvent,
)
from ..models.webhook_topics import WebhookMessageNature, WebhookTopic
from ._asgi import WebhookASGIApp
from ._parse import WebhookBody
from ._router import (
    CallbackFailure,
    ConsumeResult,
    WebhookCallback,
    WebhookRegistration,
    WebhookRouter,
)
from ._verify import http_status_for

__all__ = [
    "WebhookRouter",
    "WebhookRegistration",
    "WebhookCallback",
    "ConsumeResult",
    "CallbackFailure",
    "WebhookASGIApp",
    "WebhookBody",
    "http_status_for",
    "WebhookEvent",
    "WebhookContent",
    "WebhookTopic",
    "WebhookMessageNature",
    "IgnisignErrorInfo",
    "SignatureEvent",
    "SignatureRequestEvent",
    "SignerEvent",
    "DocumentRequestEvent",
    "SignatureProfileEvent",
    "SignatureSessionEvent",
    "SignatureProofEvent",
    "SignatureImageEvent",
    "ApplicationEvent",
]
