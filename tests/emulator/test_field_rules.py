"""Field rules equal to the vendor's class-validator decorators (reference section 7), case by case.

Each case sends one body that differs from an accepted one in one field: the vendor's decorators
accept it (200) or refuse it (400 ``BODY_VALIDATION_FAILED`` naming the field). The emulator's
documented departures are cases too: unknown fields refused (relaxed by ``strict_fields=False``),
loopback webhook URLs accepted, ``documentHash`` a SHA-256 in hex or base64.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from ignisign_async.testing import FakeIgnisign

from .conftest import Raw

Send = Callable[[Raw, Any], Awaitable[httpx.Response]]
OK, REFUSED = True, False


async def webhook_url(raw: Raw, url: Any) -> httpx.Response:
    return await raw.request("POST", "{E}/webhooks", json={"url": url})


def _signer(**fields: Any) -> dict[str, Any]:
    return {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", **fields}


async def email(raw: Raw, value: Any) -> httpx.Response:
    profile = raw.fake.default_signature_profile_id
    body = _signer(signatureProfileId=profile, email=value)
    return await raw.request("POST", "{E}/signers", json=body)


async def birth_date(raw: Raw, value: Any) -> httpx.Response:
    body = _signer(signatureProfileId=raw.fake.default_signature_profile_id, birthDate=value)
    return await raw.request("POST", "{E}/signers", json=body)


async def phone(raw: Raw, value: Any) -> httpx.Response:
    body = _signer(signatureProfileId=raw.fake.default_signature_profile_id, phoneNumber=value)
    return await raw.request("POST", "{E}/signers", json=body)


async def expiration_date(raw: Raw, value: Any) -> httpx.Response:
    sr = await raw.draft()
    return await raw.request("PUT", f"/v3/signature-requests/{sr}", json={"expirationDate": value})


async def diffusion_date(raw: Raw, value: Any) -> httpx.Response:
    sr = await raw.draft()
    return await raw.request("PUT", f"/v3/signature-requests/{sr}", json={"diffusionDate": value})


async def document_request(raw: Raw, extra: Any) -> httpx.Response:
    doc = await raw.document(await raw.draft(), content=None)
    body = {"target": "USER", "documentId": doc, **extra}
    return await raw.request("POST", f"/v3/documents/{doc}/requests", json=body)


async def document_hash(raw: Raw, value: Any) -> httpx.Response:
    embedded = raw.fake.signature_profile_ids["Simple signature - embedded"]
    doc = await raw.document(await raw.draft(embedded), content=None)
    body = {"documentHash": value}
    return await raw.request("POST", f"/v3/documents/{doc}/private-content", json=body)


async def roles(raw: Raw, value: Any) -> httpx.Response:
    body = {"email": "bob@example.com", "roles": value}
    path = f"/v3/applications/{raw.fake.app_id}/users-invitations"
    return await raw.request("POST", path, json=body)


async def unknown_field(raw: Raw, body: Any) -> httpx.Response:
    profile = raw.fake.default_signature_profile_id
    return await raw.request(
        "POST", "{E}/signers", json=_signer(signatureProfileId=profile, **body)
    )


DIGEST = hashlib.sha256(b"private").digest()
ALL_ENVS = {"DEVELOPMENT": ["ADMIN"], "STAGING": ["USER"], "PRODUCTION": ["READER"]}
CASES: list[tuple[Send, str, Any, bool]] = [
    # @IsUrl: a top-level domain, no underscore; http, https and ftp (the scheme may be left out)
    (webhook_url, "url", "https://example/hook", REFUSED),
    (webhook_url, "url", "https://exa_mple.com/hook", REFUSED),
    (webhook_url, "url", "nope", REFUSED),
    (webhook_url, "url", "https://example.com/hook", OK),
    (webhook_url, "url", "ftp://files.example.com/hook", OK),
    (webhook_url, "url", "example.com/hook", OK),
    # the emulator's exception: loopback endpoints, for an app on the developer's machine
    (webhook_url, "url", "http://127.0.0.1:8000/ignisign", OK),
    (webhook_url, "url", "http://localhost:8000/ignisign", OK),
    (webhook_url, "url", "http://[::1]:8000/ignisign", OK),
    # @IsEmail: a dot-atom local part and a domain with a top-level domain of two letters or more
    (email, "email", "ada@example.c", REFUSED),
    (email, "email", "ada..x@example.com", REFUSED),
    (email, "email", "ada@exa_mple.com", REFUSED),
    (email, "email", "ada@example", REFUSED),
    (email, "email", "ada.x+tag@mail.example.com", OK),
    # @IsDateString: the ISO 8601 syntax, without a calendar check
    (birth_date, "birthDate", "2019-13-45", REFUSED),
    (birth_date, "birthDate", "19-08-24", REFUSED),
    (birth_date, "birthDate", "1990", OK),
    (birth_date, "birthDate", "1990-05", OK),
    (birth_date, "birthDate", "1990-05-17", OK),
    (expiration_date, "expirationDate", "2030-13-45", REFUSED),
    (expiration_date, "expirationDate", "2030-01-01T25:00:00Z", REFUSED),
    (expiration_date, "expirationDate", "2030-01-01T10:60:00Z", REFUSED),
    (expiration_date, "expirationDate", "2030-02-30T10:00:00Z", OK),
    (expiration_date, "expirationDate", "2030-01-01T24:00", OK),
    (expiration_date, "expirationDate", "2030-W05-3", OK),
    (expiration_date, "expirationDate", "2030-01-01T10:00:00.123+02:00", OK),
    (diffusion_date, "diffusionDate", "2030-12-01 10:00", OK),
    (diffusion_date, "diffusionDate", "tomorrow", REFUSED),
    # phoneNumber: no rule in the DTO (a profile that needs the phone wants E.164)
    (phone, "phoneNumber", "0612345678", OK),
    (phone, "phoneNumber", "+33612345678", OK),
    # IgnisignDocumentRequest_RequestDto: email is optional (@IsOptional @IsEmail), even for USER
    (document_request, "email", {}, OK),
    (document_request, "email", {"email": "not-an-email"}, REFUSED),
    # documentHash: a SHA-256, hexadecimal or base64
    (document_hash, "documentHash", DIGEST.hex(), OK),
    (document_hash, "documentHash", base64.b64encode(DIGEST).decode(), OK),
    (document_hash, "documentHash", "not-a-hash", REFUSED),
    # IgnisignApplication_Roles has no decorators: an environment may be left out, any role goes
    (roles, "roles", ALL_ENVS, OK),
    (roles, "roles", {"DEVELOPMENT": ["ADMIN"]}, OK),
    (roles, "roles", {"DEVELOPMENT": ["ROOT"], "PRODUCTION": []}, OK),
    (roles, "roles", {}, REFUSED),
    # unknown fields: refused (the emulator's strictness; strict_fields=False drops them)
    (unknown_field, "nickname", {"nickname": "Ada"}, REFUSED),
]


@pytest.mark.parametrize(
    ("send", "field", "value", "accepted"),
    CASES,
    ids=[f"{send.__name__}-{value!r}"[:70] for send, _, value, _ in CASES],
)
async def test_field_rule(raw: Raw, send: Send, field: str, value: Any, accepted: bool) -> None:
    answer = await send(raw, value)
    body = answer.json()
    if accepted:
        assert answer.status_code == 200, answer.text
        return
    assert (answer.status_code, body["code"]) == (400, "BODY_VALIDATION_FAILED"), answer.text
    problems = body["context"]["errors"]
    assert field in [p["property"] for p in problems] or problems[0]["message"].startswith(field)


async def test_unknown_fields_are_dropped_when_not_strict() -> None:
    fake = FakeIgnisign(strict_fields=False)
    transport = httpx.ASGITransport(app=fake.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as http:
        raw = Raw(fake, http)
        await raw.login()
        answer = await unknown_field(raw, {"nickname": "Ada", "isFakeSms": True})
        assert answer.status_code == 200, answer.text
        sr = await raw.draft()
        await raw.ok("PUT", f"/v3/signature-requests/{sr}", json={"title": "T", "color": "red"})
        context = await raw.ok("GET", f"/v3/signature-requests/{sr}/context")
        assert context["title"] == "T"
        assert "color" not in context
        await raw.error(
            "PUT", f"/v3/signature-requests/{sr}", 400, "BODY_VALIDATION_FAILED", json={"title": 7}
        )


async def test_dates_the_vendor_accepts_publish_and_expire(fake: FakeIgnisign, raw: Raw) -> None:
    """``2030-02-30`` is accepted and read as 2 March, as a JavaScript Date reads it: no 500."""
    for value, status in (("2030-02-30T10:00:00Z", "IN_PROGRESS"), ("2999", "IN_PROGRESS")):
        flow_sr = await raw.draft()
        doc = await raw.document(flow_sr)
        signer = await raw.signer()
        body = {
            "documentIds": [doc],
            "signerIds": [signer],
            "expirationDate": value,
            "expirationDateIsActivated": True,
        }
        await raw.ok("PUT", f"/v3/signature-requests/{flow_sr}", json=body)
        await raw.ok("POST", f"/v3/signature-requests/{flow_sr}/publish", json={})
        assert await raw.status(flow_sr) == status
    past = await raw.draft()
    doc = await raw.document(past)
    body = {
        "documentIds": [doc],
        "signerIds": [await raw.signer()],
        "expirationDate": "1990",
        "expirationDateIsActivated": True,
    }
    await raw.ok("PUT", f"/v3/signature-requests/{past}", json=body)
    await raw.error(
        "POST",
        f"/v3/signature-requests/{past}/publish",
        400,
        "CANNOT_PUBLISH_SIGNATURE_REQUEST__EXPIRATION_DATE_IN_THE_PAST",
        json={},
    )


async def test_a_profile_that_needs_the_phone_wants_e164(fake: FakeIgnisign, raw: Raw) -> None:
    advanced = fake.signature_profile_ids["Advanced signature - by side"]
    body = _signer(signatureProfileId=advanced, phoneNumber="0612345678")
    await raw.error(
        "POST", "{E}/signers", 400, "SIGNER_CREATION__INPUT_FIELD_VALUE_INVALID", json=body
    )
    await raw.ok("POST", "{E}/signers", json={**body, "phoneNumber": "+33612345678"})
