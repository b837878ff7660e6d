"""``client.applications``: application context (#2) and user invitations (#3-#7)."""

from __future__ import annotations

import datetime as dt

import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.models import (
    AppEnv,
    ApplicationRole,
    ApplicationRoles,
    ApplicationStatus,
    InvitedUser,
    InvitedUserStatus,
    SignatureProfile,
)
from tests.conftest import APP_ID
from tests.fixtures import seed_samples as samples

from .conftest import FakeApi

A = f"/v3/applications/{APP_ID}"
INVITATION = "inv/1 x"
INVITATION_PATH = f"{A}/users-invitations/inv%2F1%20x"

SEED_USER = InvitedUser(
    id="string",
    email="string",
    app_id=samples.APP_ID,
    status=InvitedUserStatus.PENDING,
    roles=ApplicationRoles(
        development=(ApplicationRole.ADMIN,),
        staging=(ApplicationRole.USER,),
        production=(ApplicationRole.READER,),
    ),
)


async def test_context_substitutes_the_app_id(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{A}/context", samples.APPLICATION_CONTEXT)
    context = await client.applications.context()
    api.single().expect("GET", f"{A}/context")
    assert context.app_id == samples.APP_ID
    assert context.status is ApplicationStatus.ACTIVE
    assert context.created_at == dt.datetime(2019, 8, 24, 14, 15, 22, tzinfo=dt.timezone.utc)
    assert context.config.org_id == "string"
    dev = context.env_settings["DEVELOPMENT"]
    assert dev is not None
    assert dev is context.env_settings.development
    assert dev.app_env is AppEnv.DEVELOPMENT
    assert dev.webhooks[0].url == "string"
    assert dev.authorized_redirection_urls == ("https://example.com/done",)
    assert dev.is_api_key_generated is True
    assert context.env_settings.production is None
    assert context.settings.primary_color is not None
    assert context.settings.primary_color.shade_500 == "#2196f3"
    assert context.settings.primary_color.a700 == "#2962ff"
    profiles = context.signature_profiles[AppEnv.DEVELOPMENT]
    assert profiles is not None
    assert isinstance(profiles[0], SignatureProfile)
    assert profiles[0].auth_session_enabled is True


async def test_list_invited_users(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{A}/users-invitations", samples.INVITED_USERS)
    users = await client.applications.list_invited_users()
    api.single().expect("GET", f"{A}/users-invitations")
    assert users == [SEED_USER]


async def test_invite_user_sends_every_environment(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{A}/users-invitations", samples.INVITED_USER)
    user = await client.applications.invite_user(
        email="dev@example.com", roles={"DEVELOPMENT": [ApplicationRole.ADMIN, "USER"]}
    )
    api.single().expect(
        "POST",
        f"{A}/users-invitations",
        json={
            "email": "dev@example.com",
            "roles": {"DEVELOPMENT": ["ADMIN", "USER"], "STAGING": [], "PRODUCTION": []},
        },
    )
    assert user == SEED_USER


async def test_edit_invitation_sends_roles_as_an_object(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    api.reply("PUT", INVITATION_PATH, samples.INVITED_USER)
    roles = ApplicationRoles(production=(ApplicationRole.READER,))
    user = await client.applications.edit_invitation(INVITATION, roles=roles)
    api.single().expect(
        "PUT",
        INVITATION_PATH,
        json={"roles": {"DEVELOPMENT": [], "STAGING": [], "PRODUCTION": ["READER"]}},
    )
    assert user == SEED_USER


async def test_cancel_invitation(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("DELETE", INVITATION_PATH, samples.INVITED_USER)
    user = await client.applications.cancel_invitation(INVITATION)
    api.single().expect("DELETE", INVITATION_PATH)
    assert user == SEED_USER


async def test_resend_invitation_posts_an_empty_object(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{INVITATION_PATH}/resend", samples.INVITED_USER)
    user = await client.applications.resend_invitation(INVITATION)
    api.single().expect("POST", f"{INVITATION_PATH}/resend", json={})
    assert user == SEED_USER


async def test_roles_as_an_array_of_objects_are_merged(api: FakeApi, client: AsyncIgnisign) -> None:
    """Reference 12.6: the vendor documentation shows ``roles`` as an array."""
    as_array = {
        **samples.INVITED_USER,
        "roles": [{"DEVELOPMENT": ["ADMIN"]}, {"DEVELOPMENT": ["ADMIN", "USER"], "STAGING": []}],
    }
    api.reply("DELETE", INVITATION_PATH, as_array)
    user = await client.applications.cancel_invitation(INVITATION)
    assert user.roles == ApplicationRoles(development=(ApplicationRole.ADMIN, ApplicationRole.USER))


@pytest.mark.parametrize(
    ("roles", "error"),
    [
        ({"TESTING": ["ADMIN"]}, ValueError),
        ({"DEVELOPMENT": ["OWNER"]}, ValueError),
        ({"DEVELOPMENT": "ADMIN"}, TypeError),
        (["ADMIN"], TypeError),
    ],
)
async def test_bad_roles_are_refused_before_any_request(
    api: FakeApi, client: AsyncIgnisign, roles: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await client.applications.invite_user(email="a@example.com", roles=roles)  # type: ignore[arg-type]
    assert api.sent == []


async def test_roles_accept_lower_case_environment_names(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    api.reply("POST", f"{A}/users-invitations", samples.INVITED_USER)
    await client.applications.invite_user(email="a@example.com", roles={"staging": ["READER"]})
    assert api.single().json["roles"] == {
        "DEVELOPMENT": [],
        "STAGING": ["READER"],
        "PRODUCTION": [],
    }
