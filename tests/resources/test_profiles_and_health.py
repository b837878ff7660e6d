"""``client.signature_profiles`` (#17, #18) and ``client.health()`` (#50)."""

from __future__ import annotations

from ignisign_async import AsyncIgnisign
from ignisign_async.models import (
    AppEnv,
    AuthFullMechanismRef,
    DocumentType,
    HealthStatus,
    IntegrationMode,
    SignatureLanguage,
    SignatureMethodRef,
    SignatureProfile,
    SignatureProfileStatus,
    SignatureRequestType,
)
from tests.fixtures import seed_samples as samples

from .conftest import E, FakeApi

PROFILE = "p/1"
PROFILE_PATH = f"{E}/signature-profiles/p%2F1"
SEED_PROFILE = SignatureProfile(
    id="string",
    app_id=samples.APP_ID,
    app_env=AppEnv.DEVELOPMENT,
    org_id="string",
    name="string",
    status=SignatureProfileStatus.PUBLISHED,
    integration_mode=IntegrationMode.BY_SIDE,
    signature_method_ref=SignatureMethodRef.SIMPLE_STD,
    id_proofings=(),
    auth_methods=(AuthFullMechanismRef.SIMPLE,),
    document_types=(DocumentType.PDF, DocumentType.FILE),
    document_request_activated=True,
    default_language=SignatureLanguage.EN,
    language_can_be_changed=True,
    auth_session_enabled=True,
    statements_enabled=True,
    template_displayer_id="string",
    created_by_default=True,
    signature_request_type=SignatureRequestType.STANDARD,
)


async def test_list(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signature-profiles", [samples.SIGNATURE_PROFILE])
    profiles = await client.signature_profiles.list()
    api.single().expect("GET", f"{E}/signature-profiles")
    assert profiles == [SEED_PROFILE]


async def test_set_status(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("PUT", f"{PROFILE_PATH}/status", samples.SIGNATURE_PROFILE)
    profile = await client.signature_profiles.set_status(PROFILE, "ARCHIVED")
    api.single().expect("PUT", f"{PROFILE_PATH}/status", json={"status": "ARCHIVED"})
    assert profile == SEED_PROFILE


async def test_health(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", "/v3/healthcheck", samples.HEALTH)
    status = await client.health()
    sent = api.single()
    sent.expect("GET", "/v3/healthcheck")
    assert "authorization" not in sent.headers
    assert status == HealthStatus(is_alive=True)
