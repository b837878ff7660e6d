"""Authentication, health, the application context and user invitations (#1-#7, #50).

Creating, editing or cancelling an invitation emits ``APP``/``MEMBERSHIP_UPDATED`` (content
``{}``: an invited user has no user id yet). The reference's other ``APP`` actions,
``SETTINGS_UPDATED`` and ``ARCHIVED``, follow console actions no v3 endpoint performs;
``fake.emit_app_event`` emits them for tests.
"""

from __future__ import annotations

import hmac
from typing import Any

from ._dtos import APP_ENVS, AUTH, EDIT_INVITATION, INVITE_USER
from ._handlers_webhooks import webhook_view
from ._http import FakeError, parse_json_body
from ._routing import Call, Routes
from ._state import Invitation

__all__ = ["routes", "HEALTH_PATH"]

HEALTH_PATH = "/v3/healthcheck"

routes = Routes()


@routes.post("/v3/auth/app-api", raw_body=True, auth="public")
def authenticate(call: Call) -> object:
    """Body problems answer 400 ``API_AUTH_BAD_REQUEST``; a wrong secret 401."""
    state = call.state
    config = state.config
    try:
        body = AUTH.validate(parse_json_body(call.request))
    except FakeError as exc:
        raise FakeError("API_AUTH_BAD_REQUEST", exc.message, context=exc.context) from None
    if body["appId"] != config.app_id:
        raise FakeError("APP_NOT_FOUND", "No application with this appId", status=401)
    same_env = body["appEnv"] == config.app_env
    same_secret = hmac.compare_digest(body["secret"].encode(), config.secret.encode())
    if not (same_env and same_secret):
        raise FakeError("AUTHENTICATION_FAILED", "Wrong secret for this application and env")
    return {"jwtToken": state.issuer.issue(config.app_id, config.app_env)}


@routes.get(HEALTH_PATH, auth="public")
def health(call: Call) -> object:
    return {"isAlive": True}


@routes.get("/v3/applications/{appId}/context")
def application_context(call: Call) -> object:
    state = call.state
    config = state.config
    profiles = [p.wire for p in state.profiles.values()]
    base = {"appId": config.app_id, "orgId": config.org_id}
    env_settings: dict[str, Any] = {
        **base,
        "appEnv": config.app_env,
        "webhooks": [webhook_view(w) for w in state.webhooks.values()],
        "authorizedRedirectionUrls": [],
        "isApiKeyGenerated": True,
        "defaultSignatureProfileId": state.default_profile_id,
    }
    return {
        **base,
        "appName": config.app_name,
        "status": "ACTIVE",
        "_createdAt": state.now_iso(),
        "config": dict(base),
        "envSettings": {config.app_env: env_settings},
        "settings": {**base, "defaultLanguage": "EN"},
        "signatureProfiles": {config.app_env: profiles},
    }


def _invitation_view(call: Call, invitation: Invitation) -> dict[str, Any]:
    return {
        "_id": invitation.id,
        "email": invitation.email,
        "appId": call.state.config.app_id,
        "status": invitation.status,
        "roles": {env: invitation.roles.get(env, []) for env in APP_ENVS},
    }


def _pending(call: Call) -> Invitation:
    invitation = call.state.invitation(call.params["userInvitationId"])
    if invitation.status != "PENDING":
        raise FakeError(
            "NO_PENDING_USER_INVITATION", f"The invitation is {invitation.status}, not PENDING"
        )
    return invitation


def _membership_updated(call: Call) -> None:
    """``APP``/``MEMBERSHIP_UPDATED``: who may join the application changed (no user id yet)."""
    call.state.hub.emit("APP", "MEMBERSHIP_UPDATED", {})


_INVITATIONS = "/v3/applications/{appId}/users-invitations"


@routes.get(_INVITATIONS)
def list_invitations(call: Call) -> object:
    return [_invitation_view(call, i) for i in call.state.invitations.values()]


@routes.post(_INVITATIONS, body=INVITE_USER)
def invite_user(call: Call) -> object:
    state = call.state
    email = call.body["email"]
    if any(i.email == email and i.status == "PENDING" for i in state.invitations.values()):
        raise FakeError("USER_ALREADY_INVITED_BY_ORGANIZATION", f"{email} is already invited")
    invitation = Invitation(id=state.new_id(), email=email, roles=call.body["roles"])
    state.invitations[invitation.id] = invitation
    _membership_updated(call)
    return _invitation_view(call, invitation)


@routes.put(_INVITATIONS + "/{userInvitationId}", body=EDIT_INVITATION)
def edit_invitation(call: Call) -> object:
    invitation = _pending(call)
    invitation.roles = call.body["roles"]
    _membership_updated(call)
    return _invitation_view(call, invitation)


@routes.delete(_INVITATIONS + "/{userInvitationId}")
def cancel_invitation(call: Call) -> object:
    invitation = _pending(call)
    invitation.status = "CANCELED"
    _membership_updated(call)
    return _invitation_view(call, invitation)


@routes.post(_INVITATIONS + "/{userInvitationId}/resend")
def resend_invitation(call: Call) -> object:
    return _invitation_view(call, _pending(call))
