"""The enums of webhooks: topics, message natures, each topic's actions, event filters and
delivery statuses (reference section 8.7)."""

from __future__ import annotations

from typing import Any

from ._base import ApiEnum

__all__ = [
    "WebhookTopic",
    "WebhookMessageNature",
    "WebhookApplicationAction",
    "WebhookSignatureAction",
    "WebhookSignatureRequestAction",
    "WebhookSignerAction",
    "WebhookDocumentRequestAction",
    "WebhookSignatureProfileAction",
    "WebhookSignatureSessionAction",
    "WebhookSignatureProofAction",
    "WebhookSignatureImageAction",
    "WebhookEventFilter",
    "WebhookEventStatus",
]


class WebhookTopic(ApiEnum):
    """What a webhook event is about.

    The vendor documentation also writes ``APPLICATION`` and ``SIGNATURE_IMAGE``; both are read as
    the canonical members::

        >>> WebhookTopic("APPLICATION") is WebhookTopic.APP
        True
    """

    ALL = "ALL"
    APP = "APP"
    SIGNATURE = "SIGNATURE"
    SIGNATURE_REQUEST = "SIGNATURE_REQUEST"
    SIGNER = "SIGNER"
    DOCUMENT_REQUEST = "DOCUMENT_REQUEST"
    SIGNATURE_PROFILE = "SIGNATURE_PROFILE"
    SIGNATURE_SESSION = "SIGNATURE_SESSION"
    SIGNATURE_PROOF = "SIGNATURE_PROOF"
    SIGNATURE_SIGNER_IMAGE = "SIGNATURE_SIGNER_IMAGE"
    SIGNER_ID_PROOFING = "ID_PROOFING"
    ID_PROOFING = "ID_PROOFING"  # alias of SIGNER_ID_PROOFING (the wire value)
    SIGNER_AUTH = "SIGNER_AUTH"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        canonical = _TOPIC_SPELLINGS.get(value) if isinstance(value, str) else None
        if canonical is not None:
            return cls(canonical)
        return super()._missing_(value)


_TOPIC_SPELLINGS = {"APPLICATION": "APP", "SIGNATURE_IMAGE": "SIGNATURE_SIGNER_IMAGE"}


class WebhookMessageNature(ApiEnum):
    """How an event went: ``ERROR`` events usually carry an ``error``."""

    INFO = "INFO"
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    ERROR = "ERROR"


class WebhookApplicationAction(ApiEnum):
    """Actions of the ``APP`` topic."""

    SETTINGS_UPDATED = "SETTINGS_UPDATED"
    MEMBERSHIP_UPDATED = "MEMBERSHIP_UPDATED"
    ARCHIVED = "ARCHIVED"


class WebhookSignatureAction(ApiEnum):
    """Actions of the ``SIGNATURE`` topic."""

    FINALIZED = "FINALIZED"
    FAILED = "FAILED"


class WebhookSignatureRequestAction(ApiEnum):
    """Actions of the ``SIGNATURE_REQUEST`` topic (``CHILDREN_GERENATED`` is the wire spelling).

    ``CANCELLED`` and ``EXPIRED`` are sent only when nobody has signed; otherwise ``COMPLETED``.
    """

    INITIALIZED = "INITIALIZED"
    UPDATED = "UPDATED"
    READY = "READY"
    WAITING_DOCUMENTS = "WAITING_DOCUMENTS"
    LAUNCHED = "LAUNCHED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    COMPLETED = "COMPLETED"
    CHILDREN_GERENATED = "CHILDREN_GERENATED"


class WebhookSignerAction(ApiEnum):
    """Actions of the ``SIGNER`` topic."""

    CREATED = "CREATED"
    INPUTS_ADDED = "INPUTS_ADDED"


class WebhookDocumentRequestAction(ApiEnum):
    """Actions of the ``DOCUMENT_REQUEST`` topic."""

    PROVIDED = "PROVIDED"


class WebhookSignatureProfileAction(ApiEnum):
    """Actions of the ``SIGNATURE_PROFILE`` topic."""

    CREATED = "CREATED"
    ARCHIVED = "ARCHIVED"


class WebhookSignatureSessionAction(ApiEnum):
    """Actions of the ``SIGNATURE_SESSION`` topic."""

    INITIALIZED = "INITIALIZED"


class WebhookSignatureProofAction(ApiEnum):
    """Actions of the ``SIGNATURE_PROOF`` topic (``ADV_GENERATED``: the advanced proof is ready)."""

    GENERATED = "GENERATED"
    ADV_GENERATED = "ADV_GENERATED"


class WebhookSignatureImageAction(ApiEnum):
    """Actions of the ``SIGNATURE_SIGNER_IMAGE`` topic."""

    GENERATED = "GENERATED"


class WebhookEventFilter(ApiEnum):
    """Which delivery records ``client.webhooks.list_events`` returns."""

    ALL = "ALL"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


class WebhookEventStatus(ApiEnum):
    """Where the delivery of a webhook event stands."""

    SUCCESS = "SUCCESS"
    PENDING = "PENDING"
    FAILED = "FAILED"
