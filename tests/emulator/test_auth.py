"""Authentication like the real API: JWTs with ``exp``, the documented 401 codes, scoping."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from ignisign_async import AsyncIgnisign, AuthenticationError
from ignisign_async.testing import FakeIgnisign

from .conftest import Raw


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


async def test_token_is_a_signed_jwt_with_exp_and_the_configured_lifetime() -> None:
    fake = FakeIgnisign(token_lifetime=90)
    transport = httpx.ASGITransport(app=fake.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as http:
        raw = Raw(fake, http)
        claims = _claims(await raw.login())
    assert set(claims) == {"appId", "appEnv", "iat", "exp", "jti"}
    assert claims["exp"] == claims["iat"] + 90  # type: ignore[operator]
    assert (claims["appId"], claims["appEnv"]) == (fake.app_id, fake.app_env)


async def test_wrong_secret_unknown_app_and_malformed_bodies(raw: Raw) -> None:
    fake = raw.fake
    good = {"appId": fake.app_id, "appEnv": fake.app_env, "secret": fake.secret}
    await raw.error(
        "POST",
        "/v3/auth/app-api",
        401,
        "AUTHENTICATION_FAILED",
        json={**good, "secret": "sk_development_wrong"},
    )
    await raw.error(
        "POST",
        "/v3/auth/app-api",
        401,
        "AUTHENTICATION_FAILED",
        json={**good, "appEnv": "PRODUCTION"},
    )
    await raw.error(
        "POST", "/v3/auth/app-api", 401, "APP_NOT_FOUND", json={**good, "appId": "appId_other"}
    )
    await raw.error(
        "POST",
        "/v3/auth/app-api",
        400,
        "API_AUTH_BAD_REQUEST",
        json={"appId": fake.app_id, "appEnv": fake.app_env},
    )
    await raw.error(
        "POST", "/v3/auth/app-api", 400, "API_AUTH_BAD_REQUEST", json={**good, "appEnv": "TEST"}
    )
    await raw.error(
        "POST",
        "/v3/auth/app-api",
        400,
        "API_AUTH_BAD_REQUEST",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )


async def test_bearer_header_missing_not_bearer_invalid_expired_revoked(raw: Raw) -> None:
    fake = raw.fake
    path = "{E}/signature-profiles"
    await raw.ok("GET", path)
    http = raw.http
    missing = await http.get(raw.scoped + "/signature-profiles")
    assert (missing.status_code, missing.json()["code"]) == (401, "AUTH_HEADER_NOT_FOUND")
    await raw.error(
        "GET", path, 401, "AUTH_HEADER_NOT_BEARER", headers={"Authorization": f"Basic {raw.token}"}
    )
    await raw.error(
        "GET", path, 401, "INVALID_AUTH_JWT_TOKEN", headers={"Authorization": "Bearer not-a-jwt"}
    )
    forged = raw.token[:-4] + ("AAAA" if not raw.token.endswith("AAAA") else "BBBB")
    await raw.error(
        "GET", path, 401, "INVALID_AUTH_JWT_TOKEN", headers={"Authorization": f"Bearer {forged}"}
    )
    other = FakeIgnisign(fake.app_id, fake.app_env, fake.secret)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other.app), base_url="http://other"
    ) as other_http:
        foreign = await Raw(other, other_http).login()
    await raw.error(
        "GET", path, 401, "INVALID_AUTH_JWT_TOKEN", headers={"Authorization": f"Bearer {foreign}"}
    )

    fake.expire_tokens()
    await raw.error("GET", path, 401, "OUTDATED_AUTH_JWT_TOKEN")
    await raw.login()
    await raw.ok("GET", path)
    fake.revoke_tokens()
    await raw.error("GET", path, 401, "INVALID_AUTH_JWT_TOKEN")


async def test_expiry_follows_the_clock() -> None:
    now = [1_800_000_000.0]
    fake = FakeIgnisign(token_lifetime=60, clock=lambda: now[0])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake.app), base_url="http://fake"
    ) as http:
        raw = Raw(fake, http)
        await raw.login()
        now[0] += 59
        await raw.ok("GET", "{E}/signature-profiles")
        now[0] += 1
        await raw.error("GET", "{E}/signature-profiles", 401, "OUTDATED_AUTH_JWT_TOKEN")


async def test_scoped_paths_must_match_the_token(raw: Raw) -> None:
    await raw.error(
        "GET",
        "/v3/applications/appId_other/envs/DEVELOPMENT/signature-profiles",
        403,
        "INVALID_CONTEXT_RIGHT_NOT_ALLOWED",
    )
    await raw.error(
        "GET",
        f"/v3/applications/{raw.fake.app_id}/envs/PRODUCTION/signature-profiles",
        403,
        "INVALID_CONTEXT_RIGHT_NOT_ALLOWED",
    )
    await raw.error(
        "GET",
        f"/v3/applications/{raw.fake.app_id}/envs/TEST/signature-profiles",
        400,
        "PARAMS_VALIDATION_FAILED",
    )
    await raw.error(
        "GET", "/v3/applications/appId_other/context", 403, "INVALID_CONTEXT_RIGHT_NOT_ALLOWED"
    )


async def test_public_endpoints(raw: Raw) -> None:
    health = await raw.http.get("/v3/healthcheck")
    assert (health.status_code, health.json()) == (200, {"isAlive": True})
    body = {"token": "nope", "appId": raw.fake.app_id, "appEnv": raw.fake.app_env}
    public = await raw.http.post("/v3/tokens/webhook-verification/checking-consumption", json=body)
    assert (public.status_code, public.json()["notFound"]) == (200, True)
    await raw.error(
        "POST",
        "/v3/tokens/webhook-verification/checking-consumption",
        401,
        "INVALID_AUTH_JWT_TOKEN",
        json=body,
        headers={"Authorization": "Bearer x.y.z"},
    )


async def test_the_sdk_renews_an_expired_token_transparently(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    await ignisign_client.signature_profiles.list()
    fake_ignisign.expire_tokens()
    await ignisign_client.signature_profiles.list()
    paths = [(r.method, r.path) for r in fake_ignisign.requests]
    profiles = (
        "GET",
        f"/v3/applications/{fake_ignisign.app_id}/envs/DEVELOPMENT/signature-profiles",
    )
    auth = ("POST", "/v3/auth/app-api")
    assert paths == [auth, profiles, profiles, auth, profiles]
    assert fake_ignisign.auth_requests == 2
    assert all("authorization" not in r.headers for r in fake_ignisign.requests)


async def test_the_sdk_reports_a_wrong_secret(fake_ignisign: FakeIgnisign) -> None:
    async with fake_ignisign.client(secret="sk_development_wrong") as client:
        with pytest.raises(AuthenticationError) as refused:
            await client.signature_profiles.list()
    assert refused.value.code == "AUTHENTICATION_FAILED"
    assert "sk_development_wrong" not in str(refused.value)
