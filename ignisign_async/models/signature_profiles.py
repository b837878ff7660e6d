"""Signature profiles (reference section 7.5)."""

from __future__ import annotations

from typing import final

from ._base import Model, model
from .enums import (
    AppEnv,
    AuthFullMechanismRef,
    DocumentType,
    IdProofingMethodRef,
    IntegrationMode,
    SignatureLanguage,
    SignatureMethodRef,
    SignatureProfileStatus,
    SignatureRequestType,
)

__all__ = ["SignatureProfile"]


@final
@model
class SignatureProfile(Model):
    """A signature profile: how signers of the requests made with it sign.

    ``extended_auth_session_enabled`` also reads the seed's older ``authSessionEnabled`` name::

        profiles = await client.signature_profiles.list()
        by_side = [p for p in profiles if p.integration_mode is IntegrationMode.BY_SIDE]
    """

    id: str
    app_id: str
    app_env: AppEnv
    org_id: str
    name: str
    status: SignatureProfileStatus
    integration_mode: IntegrationMode
    signature_method_ref: SignatureMethodRef
    id_proofings: tuple[IdProofingMethodRef, ...] = ()
    auth_methods: tuple[AuthFullMechanismRef, ...] = ()
    document_types: tuple[DocumentType, ...] = ()
    default_language: SignatureLanguage | None = None
    signature_request_type: SignatureRequestType = SignatureRequestType.STANDARD
    document_request_activated: bool = False
    language_can_be_changed: bool = False
    statements_enabled: bool = False
    template_displayer_id: str | None = None
    created_by_default: bool = False
    extended_auth_session_enabled: bool | None = None
    auth_session_enabled: bool | None = None
    approver_enabled: bool | None = None
    recipient_enabled: bool | None = None
    individualize_requests: bool | None = None
    sharing_restricted: bool | None = None
