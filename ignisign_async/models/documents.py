"""Documents and document requests (reference section 7.7)."""

from __future__ import annotations

import datetime as _dt
from typing import final

from ._base import Model, model
from .enums import (
    AppEnv,
    DocumentRequestStatus,
    DocumentRequestTarget,
    DocumentStatus,
    DocumentType,
)
from .signature_requests import Statement

__all__ = [
    "Document",
    "DocumentContext",
    "DocumentRequest",
    "DocumentRequestUser",
    "SignatureSummary",
    "DocumentIdContainer",
    "DocumentAuthenticity",
]


@model
class _DocumentFields(Model):
    id: str
    app_id: str
    app_env: AppEnv
    status: DocumentStatus
    signature_request_id: str
    document_nature: DocumentType | None = None
    document_hash: str | None = None
    document_request_id: str | None = None
    external_id: str | None = None
    label: str | None = None
    description: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    data_json_content: str | None = None
    related_document_id: str | None = None
    related_document_type: DocumentType | None = None
    created_at: _dt.datetime | None = None


@final
@model
class Document(_DocumentFields):
    """A document of a signature request, with what is known of its content::

    document = await client.documents.provide_file(document_id, "contract.pdf")
    document.document_nature, document.file_size, document.document_hash

    ``document_nature`` and ``document_hash`` are ``None`` until content is provided;
    ``data_json_content`` is the JSON of a ``DATA_JSON`` document, serialised as a string.
    """


@final
@model
class DocumentRequestUser(Model):
    """The person asked to provide a document."""

    email: str
    first_name: str | None = None
    last_name: str | None = None


@final
@model
class DocumentRequest(Model):
    """A request asking the application or a user to provide a document's content."""

    id: str
    app_id: str
    app_env: AppEnv
    target: DocumentRequestTarget
    status: DocumentRequestStatus
    signature_request_id: str
    document_id: str
    external_id: str | None = None
    user: DocumentRequestUser | None = None


@final
@model
class SignatureSummary(Model):
    """Who signed a document, and when."""

    signature_id: str
    signer_id: str
    date: _dt.datetime


@final
@model
class DocumentContext(_DocumentFields):
    """A document with its statements, document request and signatures::

    context = await client.documents.context(document_id)
    [s.signer_id for s in context.signature_summaries]
    """

    signature_summaries: tuple[SignatureSummary, ...]
    statements: tuple[Statement, ...] = ()
    document_request: DocumentRequest | None = None


@final
@model
class DocumentIdContainer(Model):
    """The id of the document a call created or removed."""

    document_id: str


@final
@model
class DocumentAuthenticity(Model):
    """Whether a file is the signed document IgniSign holds (``check_authenticity``)."""

    document_id: str
    authenticity_validated: bool
