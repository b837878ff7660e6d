"""``client.signers``: create, update, inspect, search and revoke signers."""

from __future__ import annotations

import builtins
import datetime as _dt
from collections.abc import AsyncIterator

from .._args import bool_arg, country_arg, date_arg, page_arg
from .._routes import Route
from .._types import NOT_GIVEN, NotGiven
from ..models.enums import SignerInputRef
from ..models.signers import (
    SignerAuthSecret,
    SignerContext,
    SignerCreated,
    SignerIdContainer,
    SignerInputsConstraints,
    SignerProfileStatus,
    SignerSearchResult,
    SignerSummary,
)
from ._base import Resource, body, paginate

__all__ = ["Signers"]

_E = "/v3/applications/{appId}/envs/{appEnv}"
_PROFILE_SIGNER = f"{_E}/signature-profiles/{{signatureProfileId}}/signers/{{signerId}}"
INPUTS_CONSTRAINTS = Route(
    "GET", f"{_E}/signature-profiles/{{signatureProfileId}}/signer-inputs-constraints"
)
MISSING_INPUTS = Route("GET", f"{_PROFILE_SIGNER}/missing-inputs")
STATUS = Route("GET", f"{_PROFILE_SIGNER}/status")
CREATE = Route("POST", f"{_E}/signers")
GET_DETAILS = Route("GET", f"{_E}/signers/{{signerId}}/details")
SUMMARY = Route("GET", f"{_E}/signers/{{signerId}}")
UPDATE = Route("PUT", f"{_E}/signers/{{signerId}}")
REVOKE = Route("DELETE", f"{_E}/signers/{{signerId}}/revoke")
REGENERATE_AUTH_SECRET = Route(
    "PUT", f"{_E}/signers/{{signerId}}/regenerate-auth-secret", idempotent=False
)
SEARCH = Route("GET", f"{_E}/signers-search")
LIST = Route("GET", f"{_E}/signers-paginate")


class Signers(Resource):
    """The signers of this application and environment::

    needed = await client.signers.inputs_constraints(profile_id)
    signer = await client.signers.create(
        signature_profile_id=profile_id, first_name="Ada", last_name="Lovelace",
        email="ada@example.com", birth_date=datetime.date(1815, 12, 10), nationality="GB",
    )
    async for summary in client.signers.iter_all():
        print(summary.signer_id, summary.status)

    Inputs left out are not sent; ``nationality`` and ``birth_country`` must be ISO 3166-1
    alpha-2 codes the API knows (checked before the request).
    """

    __slots__ = ()

    async def inputs_constraints(self, signature_profile_id: str) -> SignerInputsConstraints:
        """The inputs a signer needs to be created for this signature profile."""
        return await self._request(
            INPUTS_CONSTRAINTS, signature_profile_id, cast=SignerInputsConstraints
        )

    async def missing_inputs(
        self, signer_id: str, signature_profile_id: str, for_recurrent: bool = False
    ) -> builtins.list[SignerInputRef]:
        """The inputs this signer still lacks to sign with this profile (empty: none)."""
        params = {"forRecurrent": bool_arg(for_recurrent, name="for_recurrent")}
        return await self._request(
            MISSING_INPUTS,
            signature_profile_id,
            signer_id,
            params=params,
            cast=list[SignerInputRef],
        )

    async def status(
        self, signer_id: str, signature_profile_id: str, force_recurrent: bool = False
    ) -> SignerProfileStatus:
        """Whether this signer is set up for this profile, and what it still needs."""
        params = {"forceRecurrent": bool_arg(force_recurrent, name="force_recurrent")}
        return await self._request(
            STATUS, signature_profile_id, signer_id, params=params, cast=SignerProfileStatus
        )

    async def create(
        self,
        *,
        signature_profile_id: str,
        external_id: str | NotGiven = NOT_GIVEN,
        first_name: str | NotGiven = NOT_GIVEN,
        last_name: str | NotGiven = NOT_GIVEN,
        email: str | NotGiven = NOT_GIVEN,
        phone_number: str | NotGiven = NOT_GIVEN,
        nationality: str | NotGiven = NOT_GIVEN,
        birth_date: _dt.date | NotGiven = NOT_GIVEN,
        birth_place: str | NotGiven = NOT_GIVEN,
        birth_country: str | NotGiven = NOT_GIVEN,
    ) -> SignerCreated:
        """Create a signer fit for ``signature_profile_id``; the answer holds its ``auth_secret``.

        ``phone_number`` is in E.164 form (``+33612345678``).
        """
        payload = body(
            signature_profile_id=signature_profile_id,
            external_id=external_id,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone_number=phone_number,
            nationality=country_arg(nationality, name="nationality"),
            birth_date=date_arg(birth_date, name="birth_date"),
            birth_place=birth_place,
            birth_country=country_arg(birth_country, name="birth_country"),
        )
        return await self._request(CREATE, json=payload, cast=SignerCreated)

    async def update(
        self,
        signer_id: str,
        *,
        signature_profile_id: str,
        external_id: str | NotGiven = NOT_GIVEN,
        first_name: str | NotGiven = NOT_GIVEN,
        last_name: str | NotGiven = NOT_GIVEN,
        email: str | NotGiven = NOT_GIVEN,
        phone_number: str | NotGiven = NOT_GIVEN,
        nationality: str | NotGiven = NOT_GIVEN,
        birth_date: _dt.date | NotGiven = NOT_GIVEN,
        birth_place: str | NotGiven = NOT_GIVEN,
        birth_country: str | NotGiven = NOT_GIVEN,
    ) -> SignerCreated:
        """Add inputs to a signer so that it fits ``signature_profile_id`` (inputs are only
        ever added, never removed)."""
        payload = body(
            signer_id=signer_id,
            signature_profile_id=signature_profile_id,
            external_id=external_id,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone_number=phone_number,
            nationality=country_arg(nationality, name="nationality"),
            birth_date=date_arg(birth_date, name="birth_date"),
            birth_place=birth_place,
            birth_country=country_arg(birth_country, name="birth_country"),
        )
        return await self._request(UPDATE, signer_id, json=payload, cast=SignerCreated)

    async def get(self, signer_id: str) -> SignerContext:
        """A signer with its claims and latest signature requests."""
        return await self._request(GET_DETAILS, signer_id, cast=SignerContext)

    async def summary(self, signer_id: str) -> SignerSummary:
        """A signer's summary: names, status and the inputs already provided."""
        return await self._request(SUMMARY, signer_id, cast=SignerSummary)

    async def revoke(self, signer_id: str) -> SignerIdContainer:
        """Revoke a signer: it can no longer sign."""
        return await self._request(REVOKE, signer_id, cast=SignerIdContainer)

    async def regenerate_auth_secret(self, signer_id: str) -> SignerAuthSecret:
        """Give the signer a new authentication secret (embedded delegated authentication).

        Never retried once the request may have reached the server: a second call would replace
        the secret the first one returned.
        """
        return await self._request(
            REGENERATE_AUTH_SECRET, signer_id, json={}, cast=SignerAuthSecret
        )

    async def search(self, filter: str) -> SignerSearchResult:
        """Signers matching a free-text filter."""
        if not isinstance(filter, str):
            raise TypeError(f"filter must be a str, got {type(filter).__name__}")
        return await self._request(SEARCH, params={"filter": filter}, cast=SignerSearchResult)

    async def list(self, page: int = 1) -> SignerSearchResult:
        """One page of every signer (pages start at 1); ``total`` counts them all."""
        return await self._request(LIST, params={"page": page_arg(page)}, cast=SignerSearchResult)

    async def iter_all(self) -> AsyncIterator[SignerSummary]:
        """Every signer, fetching pages lazily as the iteration goes::

        async for signer in client.signers.iter_all():
            ...
        """
        async for signer in paginate(self.list, key=lambda signer: signer.signer_id):
            yield signer
