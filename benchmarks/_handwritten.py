"""What a careful developer would write by hand instead of the SDK's models (row 2 and row 8).

Frozen slotted dataclasses for the signature request context, built field by field from the
parsed JSON: ``_id`` -> ``id``, camelCase -> snake_case, arrays -> tuples, dates -> aware
``datetime``. Enum values stay plain strings and unknown keys are ignored -- the least typing
that still gives attribute access and real dates, i.e. the cheapest typed result there is.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

__all__ = ["SignatureRequestContext", "parse_context"]


def _when(value: str | None) -> _dt.datetime | None:
    if value is None:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class Signer:
    signer_id: str | None
    external_id: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    status: str | None
    already_provided_inputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    id: str | None
    app_id: str
    app_env: str
    signature_request_id: str
    document_id: str | None
    target: str
    label_md: str


@dataclass(frozen=True, slots=True)
class SignatureSummary:
    signature_id: str
    signer_id: str
    date: _dt.datetime | None


@dataclass(frozen=True, slots=True)
class Document:
    id: str | None
    app_id: str
    app_env: str
    document_nature: str
    status: str
    document_hash: str | None
    signature_request_id: str
    external_id: str | None
    label: str | None
    description: str | None
    file_name: str | None
    file_size: int | None
    mime_type: str | None
    created_at: _dt.datetime | None
    statements: tuple[Statement, ...]
    signature_summaries: tuple[SignatureSummary, ...]


@dataclass(frozen=True, slots=True)
class SignatureProfile:
    id: str | None
    app_id: str
    app_env: str
    org_id: str
    name: str
    status: str
    integration_mode: str
    signature_method_ref: str
    id_proofings: tuple[str, ...]
    auth_methods: tuple[str, ...]
    document_types: tuple[str, ...]
    default_language: str | None
    signature_request_type: str
    document_request_activated: bool
    language_can_be_changed: bool
    statements_enabled: bool
    template_displayer_id: str | None
    created_by_default: bool
    extended_auth_session_enabled: bool | None


@dataclass(frozen=True, slots=True)
class ApplicationMetadata:
    app_id: str
    app_env: str
    app_name: str
    root_url: str | None
    colors: dict[str, dict[str, str]] | None


@dataclass(frozen=True, slots=True)
class SignatureRequestContext:
    id: str | None
    app_id: str
    app_env: str
    signature_profile_id: str
    signature_request_type: str
    title: str | None
    description: str | None
    expiration_date: _dt.datetime | None
    expiration_date_is_activated: bool | None
    status: str
    language: str | None
    document_ids: tuple[str, ...]
    external_id: str | None
    diffusion_mode: str | None
    diffusion_date: _dt.datetime | None
    signer_ids: tuple[str, ...]
    signed_by: tuple[str, ...]
    created_at: _dt.datetime | None
    creator_id: str | None
    template_displayer_id: str | None
    template_displayer_version: int | None
    signers: tuple[Signer, ...]
    documents: tuple[Document, ...]
    statements: tuple[Statement, ...]
    signature_profile: SignatureProfile
    application_metadata: ApplicationMetadata | None
    signature_proofs_url: str | None
    signature_proof_status: str | None


def _signer(d: dict[str, Any]) -> Signer:
    return Signer(
        signer_id=d.get("signerId"),
        external_id=d.get("externalId"),
        first_name=d.get("firstName"),
        last_name=d.get("lastName"),
        email=d.get("email"),
        status=d.get("status"),
        already_provided_inputs=tuple(d.get("alreadyProvidedInputs", ())),
    )


def _statement(d: dict[str, Any]) -> Statement:
    return Statement(
        id=d.get("_id"),
        app_id=d["appId"],
        app_env=d["appEnv"],
        signature_request_id=d["signatureRequestId"],
        document_id=d.get("documentId"),
        target=d["target"],
        label_md=d["labelMd"],
    )


def _document(d: dict[str, Any]) -> Document:
    return Document(
        id=d.get("_id"),
        app_id=d["appId"],
        app_env=d["appEnv"],
        document_nature=d["documentNature"],
        status=d["status"],
        document_hash=d.get("documentHash"),
        signature_request_id=d["signatureRequestId"],
        external_id=d.get("externalId"),
        label=d.get("label"),
        description=d.get("description"),
        file_name=d.get("fileName"),
        file_size=d.get("fileSize"),
        mime_type=d.get("mimeType"),
        created_at=_when(d.get("_createdAt")),
        statements=tuple(_statement(s) for s in d.get("statements", ())),
        signature_summaries=tuple(
            SignatureSummary(
                signature_id=s["signatureId"], signer_id=s["signerId"], date=_when(s["date"])
            )
            for s in d["signatureSummaries"]
        ),
    )


def _profile(d: dict[str, Any]) -> SignatureProfile:
    return SignatureProfile(
        id=d.get("_id"),
        app_id=d["appId"],
        app_env=d["appEnv"],
        org_id=d["orgId"],
        name=d["name"],
        status=d["status"],
        integration_mode=d["integrationMode"],
        signature_method_ref=d["signatureMethodRef"],
        id_proofings=tuple(d.get("idProofings", ())),
        auth_methods=tuple(d.get("authMethods", ())),
        document_types=tuple(d.get("documentTypes", ())),
        default_language=d.get("defaultLanguage"),
        signature_request_type=d.get("signatureRequestType", "STANDARD"),
        document_request_activated=d.get("documentRequestActivated", False),
        language_can_be_changed=d.get("languageCanBeChanged", False),
        statements_enabled=d.get("statementsEnabled", False),
        template_displayer_id=d.get("templateDisplayerId"),
        created_by_default=d.get("createdByDefault", False),
        extended_auth_session_enabled=d.get("extendedAuthSessionEnabled"),
    )


def _metadata(d: dict[str, Any] | None) -> ApplicationMetadata | None:
    if d is None:
        return None
    return ApplicationMetadata(
        app_id=d["appId"],
        app_env=d["appEnv"],
        app_name=d["appName"],
        root_url=d.get("rootUrl"),
        colors=d.get("colors"),
    )


def parse_context(d: dict[str, Any]) -> SignatureRequestContext:
    """The hand-written equivalent of ``structure(d, SignatureRequestContext)``."""
    return SignatureRequestContext(
        id=d.get("_id"),
        app_id=d["appId"],
        app_env=d["appEnv"],
        signature_profile_id=d["signatureProfileId"],
        signature_request_type=d.get("signatureRequestType", "STANDARD"),
        title=d.get("title"),
        description=d.get("description"),
        expiration_date=_when(d.get("expirationDate")),
        expiration_date_is_activated=d.get("expirationDateIsActivated"),
        status=d["status"],
        language=d.get("language"),
        document_ids=tuple(d.get("documentIds", ())),
        external_id=d.get("externalId"),
        diffusion_mode=d.get("diffusionMode"),
        diffusion_date=_when(d.get("diffusionDate")),
        signer_ids=tuple(d.get("signerIds", ())),
        signed_by=tuple(d.get("signedBy", ())),
        created_at=_when(d.get("_createdAt")),
        creator_id=d.get("creatorId"),
        template_displayer_id=d.get("templateDisplayerId"),
        template_displayer_version=d.get("templateDisplayerVersion"),
        signers=tuple(_signer(s) for s in d["signers"]),
        documents=tuple(_document(x) for x in d["documents"]),
        statements=tuple(_statement(s) for s in d.get("statements", ())),
        signature_profile=_profile(d["signatureProfile"]),
        application_metadata=_metadata(d.get("applicationMetadata")),
        signature_proofs_url=d.get("signatureProofsUrl"),
        signature_proof_status=d.get("signatureProofStatus"),
    )
