"""The content of the events IgniSign POSTs to the application; their enums are in
:mod:`.webhook_topics`.

Reference sections 9.1 (callback body) and 9.2 (content of each topic).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, cast, final

import attrs

from ._base import Model, model
from .enums import AppEnv, DocumentType, SignatureRequestStatus, SignerInputRef
from .webhook_topics import (
    WebhookApplicationAction,
    WebhookDocumentRequestAction,
    WebhookMessageNature,
    WebhookSignatureAction,
    WebhookSignatureImageAction,
    WebhookSignatureProfileAction,
    WebhookSignatureProofAction,
    WebhookSignatureRequestAction,
    WebhookSignatureSessionAction,
    WebhookSignerAction,
    WebhookTopic,
)

if TYPE_CHECKING:
    from typing_extensions import TypeVar
else:
    from typing import TypeVar

__all__ = [
    "WebhookEvent",
    "WebhookContent",
    "IgnisignErrorInfo",
    "SignatureWebhookContent",
    "SignatureRequestWebhookContent",
    "WebhookSignatureRequestSigner",
    "SignerWebhookContent",
    "DocumentRequestWebhookContent",
    "SignatureProfileWebhookContent",
    "SignatureSessionWebhookContent",
    "SignatureProofWebhookContent",
    "SignatureImageWebhookContent",
    "ApplicationWebhookContent",
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


# -- content of each topic (reference 9.2) ---------------------------------------------------


@final
@model
class SignatureWebhookContent(Model):
    """``SIGNATURE`` events: a signer signed (``FINALIZED``) or failed to sign one document."""

    app_id: str
    app_env: AppEnv
    document_nature: DocumentType
    signer_id: str
    document_id: str
    signature_request_id: str
    signature_id: str
    signer_external_id: str | None = None
    document_external_id: str | None = None
    signature_request_external_id: str | None = None


@final
@model
class WebhookSignatureRequestSigner(Model):
    """A signer of a launched request; ``token`` opens an embedded signature session.

    The token is a credential: it is left out of ``repr``.
    """

    signer_id: str
    signer_external_id: str | None = None
    token: str | None = attrs.field(default=None, repr=False)


@final
@model
class SignatureRequestWebhookContent(Model):
    """``SIGNATURE_REQUEST`` events: the request's new status, and its signers once launched."""

    signature_request_id: str
    status: SignatureRequestStatus
    signature_request_external_id: str | None = None
    signers: tuple[WebhookSignatureRequestSigner, ...] = ()
    initial_signature_request_id: str | None = None


@final
@model
class SignerWebhookContent(Model):
    """``SIGNER`` events: created (an embedded signer's ``auth_secret`` too), or inputs added."""

    app_id: str
    app_env: AppEnv
    signer_id: str
    signer_external_id: str | None = None
    inputs_added: tuple[SignerInputRef, ...] = ()
    auth_secret: str | None = attrs.field(default=None, repr=False)


@final
@model
class DocumentRequestWebhookContent(Model):
    """``DOCUMENT_REQUEST`` events: a requested document was provided."""

    signature_request_id: str
    document_id: str
    document_nature: DocumentType
    mime_type: str
    signature_request_external_id: str | None = None
    document_external_id: str | None = None


@final
@model
class SignatureProfileWebhookContent(Model):
    """``SIGNATURE_PROFILE`` events: a profile was created or archived."""

    signature_profile_id: str


@final
@model
class SignatureSessionWebhookContent(Model):
    """``SIGNATURE_SESSION`` events: a signer opened a signature session."""

    signer_id: str
    signature_request_id: str
    signature_request_external_id: str | None = None
    signer_external_id: str | None = None


@final
@model
class SignatureProofWebhookContent(Model):
    """``SIGNATURE_PROOF`` events: a document's (advanced) signature proof is ready.

    ``signature_proof_token`` is a credential: it is left out of ``repr``.
    """

    app_id: str
    app_env: AppEnv
    document_id: str
    signature_request_id: str
    document_external_id: str | None = None
    signature_request_external_id: str | None = None
    signature_proof_token: str | None = attrs.field(default=None, repr=False)
    signature_proof_url: str | None = None


@final
@model
class SignatureImageWebhookContent(Model):
    """``SIGNATURE_SIGNER_IMAGE`` events: a signer's signature image was generated."""

    app_id: str
    app_env: AppEnv
    document_id: str
    signature_request_id: str
    signer_id: str
    document_external_id: str | None = None
    signature_request_external_id: str | None = None
    signer_external_id: str | None = None


@final
@model
class ApplicationWebhookContent(Model):
    """``APP`` events: the application's settings or members changed, or it was archived."""

    user_id: str | None = None


@final
@model
class IgnisignErrorInfo(Model):
    """The ``error`` of a webhook event (the ``IgnisignError`` model).

    Webhook bodies write ``errorCode``; HTTP error bodies write ``code``: both are read into
    ``error_code``.
    """

    error_code: str | None = None
    message: str | None = None
    context: Mapping[str, Any] | None = None

    @staticmethod
    def _wire_shape(data: Any) -> Any:
        if isinstance(data, Mapping) and "errorCode" not in data and "code" in data:
            return {**data, "errorCode": data["code"]}
        return data


WebhookContent: TypeAlias = (
    SignatureWebhookContent
    | SignatureRequestWebhookContent
    | SignerWebhookContent
    | DocumentRequestWebhookContent
    | SignatureProfileWebhookContent
    | SignatureSessionWebhookContent
    | SignatureProofWebhookContent
    | SignatureImageWebhookContent
    | ApplicationWebhookContent
    | Mapping[str, Any]
)
"""What ``WebhookEvent.content`` may be: a topic's model, or a mapping for topics without one."""

if TYPE_CHECKING:
    ContentT = TypeVar("ContentT", covariant=True, default=WebhookContent)
    ActionT = TypeVar("ActionT", bound=str, covariant=True, default=str)
else:  # TypeVar defaults (PEP 696) only matter to type checkers
    ContentT = TypeVar("ContentT", covariant=True)
    ActionT = TypeVar("ActionT", bound=str, covariant=True)


_E = TypeVar("_E", bound="WebhookEvent[Any, Any]")


@final
@model
class WebhookEvent(Model, Generic[ContentT, ActionT]):
    """A webhook event IgniSign sent, verified and parsed.

    ``content`` is the model of the event's topic (a mapping for topics without one), ``action`` a
    member of the topic's action enum (a plain string for unknown topics). The per-topic aliases
    (``SignatureRequestEvent``...) say both to a type checker::

        @router.on_signature_request(action="LAUNCHED")
        async def launched(event: SignatureRequestEvent) -> None:
            for signer in event.content.signers:
                await notify(signer.signer_id)

    The verification token is not kept: it has been used up by the verification.
    """

    app_id: str
    app_env: AppEnv
    topic: WebhookTopic
    action: ActionT
    msg_nature: WebhookMessageNature
    content: ContentT
    error: IgnisignErrorInfo | None = None

    @classmethod
    def from_dict(cls: type[_E], data: Mapping[str, Any], *, wire: bool = True) -> _E:
        """The event from a webhook body (already parsed; the token is not needed) or, with
        ``wire=False``, from ``to_dict()``; its topic chooses the content's model.

        Data that does not fit raises ``ValueError`` naming the field.
        """
        from ..webhooks._parse import structure_event, wire_keys

        if not isinstance(data, Mapping):
            raise TypeError(f"WebhookEvent.from_dict() takes a mapping, not {type(data).__name__}")
        event: Any = structure_event(data if wire else wire_keys(data))
        return cast(_E, event)


SignatureEvent = WebhookEvent[SignatureWebhookContent, WebhookSignatureAction]
"""A ``SIGNATURE`` event: a signer signed a document, or failed to."""
SignatureRequestEvent = WebhookEvent[SignatureRequestWebhookContent, WebhookSignatureRequestAction]
"""A ``SIGNATURE_REQUEST`` event: a status change (signers' tokens on launch)."""
SignerEvent = WebhookEvent[SignerWebhookContent, WebhookSignerAction]
"""A ``SIGNER`` event: a signer was created, or given inputs."""
DocumentRequestEvent = WebhookEvent[DocumentRequestWebhookContent, WebhookDocumentRequestAction]
"""A ``DOCUMENT_REQUEST`` event: a requested document was provided."""
SignatureProfileEvent = WebhookEvent[SignatureProfileWebhookContent, WebhookSignatureProfileAction]
"""A ``SIGNATURE_PROFILE`` event: a profile was created or archived."""
SignatureSessionEvent = WebhookEvent[SignatureSessionWebhookContent, WebhookSignatureSessionAction]
"""A ``SIGNATURE_SESSION`` event: a signer opened a session."""
SignatureProofEvent = WebhookEvent[SignatureProofWebhookContent, WebhookSignatureProofAction]
"""A ``SIGNATURE_PROOF`` event: a proof, or an advanced proof, is ready."""
SignatureImageEvent = WebhookEvent[SignatureImageWebhookContent, WebhookSignatureImageAction]
"""A ``SIGNATURE_SIGNER_IMAGE`` event: a signature image was generated."""
ApplicationEvent = WebhookEvent[ApplicationWebhookContent, WebhookApplicationAction]
"""An ``APP`` event: the application's settings or membership updated, or it was archived."""
