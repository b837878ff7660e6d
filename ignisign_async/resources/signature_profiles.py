"""``client.signature_profiles``: list profiles and archive or publish them."""

from __future__ import annotations

import builtins

from .._args import enum_arg
from .._routes import Route
from ..models.enums import SignatureProfileStatus
from ..models.signature_profiles import SignatureProfile
from ._base import Resource, body

__all__ = ["SignatureProfiles"]

_E = "/v3/applications/{appId}/envs/{appEnv}"
LIST = Route("GET", f"{_E}/signature-profiles")
SET_STATUS = Route("PUT", f"{_E}/signature-profiles/{{signatureProfileId}}/status")


class SignatureProfiles(Resource):
    """The application's signature profiles (four exist by default)::

    profiles = await client.signature_profiles.list()
    await client.signature_profiles.set_status(profiles[0].id, "ARCHIVED")
    """

    __slots__ = ()

    async def list(self) -> builtins.list[SignatureProfile]:
        """Every signature profile of this application and environment."""
        return await self._request(LIST, cast=list[SignatureProfile])

    async def set_status(
        self, signature_profile_id: str, status: SignatureProfileStatus | str
    ) -> SignatureProfile:
        """Publish or archive a profile; returns the profile as it now is."""
        status = enum_arg(SignatureProfileStatus, status, name="status")
        return await self._request(
            SET_STATUS, signature_profile_id, json=body(status=status), cast=SignatureProfile
        )
