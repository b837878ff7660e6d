"""``client.applications``: the application's context and its user invitations."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence

from .._args import enum_arg
from .._routes import Route
from ..models.applications import ApplicationContext, ApplicationRoles, InvitedUser
from ..models.enums import AppEnv, ApplicationRole
from ._base import Resource, body

__all__ = ["Applications", "RolesInput"]

_A = "/v3/applications/{appId}"
CONTEXT = Route("GET", f"{_A}/context")
LIST_INVITED_USERS = Route("GET", f"{_A}/users-invitations")
INVITE_USER = Route("POST", f"{_A}/users-invitations")
EDIT_INVITATION = Route("PUT", f"{_A}/users-invitations/{{userInvitationId}}")
CANCEL_INVITATION = Route("DELETE", f"{_A}/users-invitations/{{userInvitationId}}")
RESEND_INVITATION = Route("POST", f"{_A}/users-invitations/{{userInvitationId}}/resend")

RolesInput = ApplicationRoles | Mapping[str, Sequence[ApplicationRole | str]]
"""``roles=``: an :class:`ApplicationRoles`, or a mapping from environment to roles."""

_ENV_FIELDS = {"DEVELOPMENT": "development", "STAGING": "staging", "PRODUCTION": "production"}


class Applications(Resource):
    """The application itself, and the people invited to work on it::

    context = await client.applications.context()
    await client.applications.invite_user(
        email="dev@example.com", roles={"DEVELOPMENT": ["ADMIN"], "PRODUCTION": ["READER"]}
    )
    """

    __slots__ = ()

    async def context(self) -> ApplicationContext:
        """Settings of every environment, branding, and signature profiles per environment."""
        return await self._request(CONTEXT, cast=ApplicationContext)

    async def list_invited_users(self) -> builtins.list[InvitedUser]:
        """Every user invited to the application."""
        return await self._request(LIST_INVITED_USERS, cast=list[InvitedUser])

    async def invite_user(self, *, email: str, roles: RolesInput) -> InvitedUser:
        """Invite someone by e-mail, with roles per environment (environments left out: none)."""
        payload = {**body(email=email), "roles": _roles(roles)}  # roles: a checked mapping
        return await self._request(INVITE_USER, json=payload, cast=InvitedUser)

    async def edit_invitation(self, user_invitation_id: str, *, roles: RolesInput) -> InvitedUser:
        """Replace the roles of a pending invitation."""
        payload = {"roles": _roles(roles)}
        return await self._request(
            EDIT_INVITATION, user_invitation_id, json=payload, cast=InvitedUser
        )

    async def cancel_invitation(self, user_invitation_id: str) -> InvitedUser:
        """Withdraw an invitation."""
        return await self._request(CANCEL_INVITATION, user_invitation_id, cast=InvitedUser)

    async def resend_invitation(self, user_invitation_id: str) -> InvitedUser:
        """Send the invitation e-mail again."""
        return await self._request(RESEND_INVITATION, user_invitation_id, json={}, cast=InvitedUser)


def _roles(roles: RolesInput) -> dict[str, list[str]]:
    """The wire object: every environment present, each with its list of roles."""
    if isinstance(roles, ApplicationRoles):
        given: Mapping[str, Sequence[ApplicationRole | str]] = {
            env: getattr(roles, field) for env, field in _ENV_FIELDS.items()
        }
    elif isinstance(roles, Mapping):
        given = roles
    else:
        raise TypeError(f"roles must be ApplicationRoles or a mapping, got {type(roles).__name__}")
    out: dict[str, list[str]] = {env: [] for env in _ENV_FIELDS}
    for key, values in given.items():
        env = _env_key(key)
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise TypeError(f"roles[{key!r}] must be a list of roles, got {type(values).__name__}")
        out[env] = [enum_arg(ApplicationRole, v, name=f"roles[{key!r}]").value for v in values]
    return out


def _env_key(key: object) -> str:
    if isinstance(key, str):
        upper = key.upper()
        if upper in _ENV_FIELDS:
            return upper
    allowed = ", ".join(m.value for m in AppEnv)
    raise ValueError(f"roles keys must be environments ({allowed}), got {key!r}")
