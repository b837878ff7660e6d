"""Signers (reference section 7.4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, final

import attrs

from ._base import Model, model
from .enums import (
    IdProofingMethodRef,
    SignerClaimRef,
    SignerClaimStatus,
    SignerEntityType,
    SignerInputRef,
    SignerStatus,
)
from .signature_requests import SignatureRequest

__all__ = [
    "SignerCreated",
    "SignerSummary",
    "SignerClaim",
    "SignerContext",
    "SignerSearchResult",
    "SignerInputsConstraints",
    "SignerProfileStatus",
    "SignerIdContainer",
    "SignerAuthSecret",
]


@final
@model
class SignerCreated(Model):
    """The answer to creating or updating a signer.

    ``auth_secret`` is the signer's secret for embedded integrations that delegate authentication;
    it is a credential and is left out of ``repr``::

        signer = await client.signers.create(signature_profile_id=profile.id, email="a@b.example")
        signer.signer_id
    """

    signer_id: str
    entity_type: SignerEntityType
    auth_secret: str | None = attrs.field(default=None, repr=False)


@model
class _SignerFields(Model):
    signer_id: str
    external_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    status: SignerStatus | None = None
    already_provided_inputs: tuple[SignerInputRef, ...] = ()
    is_recurrent: bool | None = None


@final
@model
class SignerSummary(_SignerFields):
    """A signer as listings and signature requests show it::

    summary = await client.signers.summary(signer_id)
    summary.status, summary.already_provided_inputs
    """


@final
@model
class SignerClaim(Model):
    """A claim of a signer and how far it is established."""

    claim_ref: SignerClaimRef
    status: SignerClaimStatus


@final
@model
class SignerContext(_SignerFields):
    """A signer with its claims and latest signature requests (``client.signers.get``)."""

    claims: tuple[SignerClaim, ...] = ()
    latest_signature_requests: tuple[SignatureRequest, ...] = ()


@final
@model
class SignerSearchResult(Model):
    """Signers matching a search, or one page of every signer (``items`` are the signers)::

    page = await client.signers.list(page=2)
    page.total, [s.signer_id for s in page.items]
    """

    signers: tuple[SignerSummary, ...]
    total: int

    @property
    def items(self) -> tuple[SignerSummary, ...]:
        """The signers of this result."""
        return self.signers


@final
@model
class SignerInputsConstraints(Model):
    """The inputs a signature profile needs to create a signer.

    The vendor documentation shows an array instead of ``{"inputsNeeded": [...]}``: an array of
    input names, or of such objects (merged), is read too.
    """

    inputs_needed: tuple[SignerInputRef, ...] = ()

    @staticmethod
    def _wire_shape(data: Any) -> Any:
        if not isinstance(data, list):
            return data
        needed: list[Any] = []
        for element in data:
            if isinstance(element, Mapping):
                values = element.get("inputsNeeded") or []
            else:
                values = [element]
            needed.extend(v for v in values if v not in needed)
        return {"inputsNeeded": needed}


@final
@model
class SignerProfileStatus(Model):
    """Whether a signer can sign with a signature profile, and what it still lacks."""

    signer_is_setup: bool
    inputs_needed: tuple[SignerInputRef, ...] = ()
    id_proofing_refs: tuple[IdProofingMethodRef, ...] = ()


@final
@model
class SignerIdContainer(Model):
    """The id of the signer a call acted on (revocation)."""

    signer_id: str


@final
@model
class SignerAuthSecret(Model):
    """A signer's new authentication secret (a credential: left out of ``repr``)."""

    auth_secret: str = attrs.field(repr=False)
