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
    IntegrationMode,
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
    "SentSignatureRequest",
    "CreatedResources",
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


@final
@model
class SentSignatureRequest(Model):
    """A published signature request, as :meth:`send
    <ignisign_async.resources.signature_requests.SignatureRequests.send>` returns it::

        sent = await client.signature_requests.send(documents=["lease.pdf"],
                                                    signers=[signer_id], title="Lease")
        sent.signature_request_id, sent.document_ids, sent.status      # IN_PROGRESS
        context = await client.signature_requests.wait(sent.signature_request_id)

    ``document_ids`` and ``signer_ids`` follow the order of the arguments; ``new_signers`` are the
    signers this call created (with their ``auth_secret``, out of ``repr``). For an embedded
    profile ``signers`` holds each signer's signature session token (out of ``repr`` too), also
    as ``session_tokens``. ``status`` is read after publishing; ``None`` when that read failed
    (the request is published all the same).
    """

    signature_request_id: str
    signature_profile_id: str
    integration_mode: IntegrationMode
    status: SignatureRequestStatus | None
    document_ids: tuple[str, ...]
    signer_ids: tuple[str, ...]
    new_signers: tuple[_signers.SignerCreated, ...] = ()
    signers: tuple[EmbeddedSigner, ...] = ()

    @property
    def session_tokens(self) -> dict[str, str]:
        """Signer id -> signature session token (embedded profiles; empty for by-side ones)."""
        return {s.signer_id: s.token for s in self.signers if s.token is not None}


@final
@model
class CreatedResources(Model):
    """What a failed ``send`` had created, attached to the error it raised as ``exc.created``::

        try:
            await client.signature_requests.send(...)
        except IgnisignError as exc:
            exc.created.signature_request_id, exc.created.request_closed, exc.created.signer_ids

    ``failed_step`` names the step that failed (``"list signature profiles"``,
    ``"create signers[1]"``, ``"init request"``, ``"upload documents[0]"``, ``"publish"``...).
    The request, when one was opened, has been closed (``request_closed``); signers created are
    kept (they can be reused). A step whose answer was lost may have created something this record
    cannot name (its id never arrived).
    """

    failed_step: str
    signature_request_id: str | None = None
    request_closed: bool = False
    document_ids: tuple[str, ...] = ()
    signer_ids: tuple[str, ...] = ()


# Signers and documents refer back to this module: import them as modules, last, so that either
# side may be imported first. The annotations above are resolved when first parsed.
from . import documents as _documents  # noqa: E402
from . import signers as _signers  # noqa: E402
