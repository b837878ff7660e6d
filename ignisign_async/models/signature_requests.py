"""Signature requests (reference section 7.6)."""

from __future__ import annotations

import datetime as _dt
from typing import final

import attrs

from ._base import Model, model
from .applications import ApplicationSignatureMetadata
from .enums import (
    AppEnv,
    DiffusionMode,
    DocumentGeneratedStatus,
    SignatureLanguage,
    SignatureRequestStatus,
    SignatureRequestType,
    StatementTarget,
)
from .pagination import PaginationData
from .signature_profiles import SignatureProfile

__all__ = [
    "SignatureRequest",
    "Statement",
    "SignatureRequestContext",
    "SignatureRequestIdContainer",
    "EmbeddedSigner",
    "SignatureRequestPublished",
    "SignatureRequestPage",
    "SignatureRequestStatusEntry",
    "SignatureRequestStatuses",
]


@final
@model
class Statement(Model):
    """A text (Markdown) the signers must accept, for the whole request or one document::

    await client.signature_requests.update(
        request_id,
        statements=[Statement(target=StatementTarget.DOCUMENT, document_id=doc_id,
                              label_md="I have read the **terms**")],
    )

    ``app_id``, ``app_env`` and ``signature_request_id`` are filled in by ``update`` when left out.
    """

    target: StatementTarget
    label_md: str
    document_id: str | None = None
    id: str | None = None
    app_id: str | None = None
    app_env: AppEnv | None = None
    signature_request_id: str | None = None


@model
class _SignatureRequestFields(Model):
    id: str
    app_id: str
    app_env: AppEnv
    status: SignatureRequestStatus
    signature_profile_id: str
    signature_request_type: SignatureRequestType = SignatureRequestType.STANDARD
    created_at: _dt.datetime | None = None
    title: str | None = None
    description: str | None = None
    language: SignatureLanguage | None = None
    external_id: str | None = None
    creator_id: str | None = None
    document_ids: tuple[str, ...] = ()
    signer_ids: tuple[str, ...] = ()
    signed_by: tuple[str, ...] = ()
    expiration_date: _dt.datetime | None = None
    expiration_date_is_activated: bool | None = None
    diffusion_mode: DiffusionMode | None = None
    diffusion_date: _dt.datetime | None = None
    template_displayer_id: str | None = None
    template_displayer_version: int | None = None
    initial_signature_request_id: str | None = None
    signers_as_approver: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    is_fake_id_proofing: bool | None = None
    is_fake_sms: bool | None = None


@final
@model
class SignatureRequest(_SignatureRequestFields):
    """A signature request as listings show it (``doc_file_name``/``doc_label``: its document)::

    page = await client.signature_requests.list()
    drafts = [r for r in page.items if r.status is SignatureRequestStatus.DRAFT]
    """

    doc_file_name: str | None = None
    doc_label: str | None = None


@final
@model
class SignatureRequestContext(_SignatureRequestFields):
    """A signature request with its signers, documents, statements and profile::

    context = await client.signature_requests.get(request_id)
    [d.label for d in context.documents], context.signature_proof_status
    """

    signers: tuple[_signers.SignerSummary, ...]
    documents: tuple[_documents.DocumentContext, ...]
    signature_profile: SignatureProfile
    statements: tuple[Statement, ...] = ()
    application_metadata: ApplicationSignatureMetadata | None = None
    signature_proofs_url: str | None = None
    signature_proof_status: DocumentGeneratedStatus | None = None


@final
@model
class SignatureRequestIdContainer(Model):
    """The id of the signature request a call created or closed."""

    signature_request_id: str


@final
@model
class EmbeddedSigner(Model):
    """A signer of a published embedded request; ``token`` opens their signature session in
    Ignisign JS. The token is a credential and is left out of ``repr``."""

    signer_id: str
    signer_external_id: str | None = None
    token: str | None = attrs.field(default=None, repr=False)


@final
@model
class SignatureRequestPublished(Model):
    """The answer to publishing a request.

    ``signers`` holds the session tokens for embedded profiles; it is empty for by-side profiles
    (and when the server answers with the id only, as the vendor documentation shows).
    """

    signature_request_id: str
    signers: tuple[EmbeddedSigner, ...] = ()


@final
@model
class SignatureRequestPage(Model):
    """One page of the environment's signature requests; ``items`` are the requests."""

    signature_requests: tuple[SignatureRequest, ...]
    pagination_data: PaginationData

    @property
    def items(self) -> tuple[SignatureRequest, ...]:
        """The requests of this page."""
        return self.signature_requests

    @property
    def total(self) -> int:
        """How many requests there are, over every page."""
        return self.pagination_data.total

    @property
    def page(self) -> int:
        """This page's number (from 1)."""
        return self.pagination_data.page


@final
@model
class SignatureRequestStatusEntry(Model):
    """The status of one signature request."""

    signature_request_id: str
    status: SignatureRequestStatus


@final
@model
class SignatureRequestStatuses(Model):
    """The statuses of several signature requests (``items`` are the entries)::

    result = await client.signature_requests.statuses([id1, id2])
    {e.signature_request_id: e.status for e in result.items}
    """

    signature_requests: tuple[SignatureRequestStatusEntry, ...] = ()

    @property
    def items(self) -> tuple[SignatureRequestStatusEntry, ...]:
        """One entry per request."""
        return self.signature_requests


# Signers and documents refer back to this module: import them as modules, last, so that either
# side may be imported first. The annotations above are resolved when first parsed.
from . import documents as _documents  # noqa: E402
from . import signers as _signers  # noqa: E402
