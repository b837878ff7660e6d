"""Validation like the real API: 400 with the documented codes, 404 for unknown ids."""

from __future__ import annotations

import pytest

from .conftest import Raw

_ID = "0123456789abcdef01234567"


async def test_unknown_field_wrong_enum_missing_required(raw: Raw) -> None:
    profile = raw.fake.default_signature_profile_id
    body = await raw.error(
        "POST",
        "{E}/signature-requests",
        400,
        "BODY_VALIDATION_FAILED",
        json={"signatureProfileId": profile, "color": "red"},
    )
    assert body["context"]["errors"] == [{"property": "color", "message": "should not exist"}]
    body = await raw.error("POST", "{E}/signature-requests", 400, "BODY_VALIDATION_FAILED", json={})
    assert body["context"]["errors"][0]["property"] == "signatureProfileId"
    assert body["context"]["dto"] == "IgnisignSignatureProfile_IdContainerDto"
    sr = await raw.draft()
    body = await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "BODY_VALIDATION_FAILED",
        json={"diffusionMode": "LATER"},
    )
    assert "WHEN_READY, SCHEDULED" in body["context"]["errors"][0]["message"]
    await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "BODY_VALIDATION_FAILED",
        json={"title": "x" * 1025},
    )
    await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "BODY_VALIDATION_FAILED",
        json={"expirationDate": "next week"},
    )
    await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "BODY_VALIDATION_FAILED",
        json={"signerIds": "abc"},
    )
    await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "BODY_VALIDATION_FAILED",
        json={"expirationDateIsActivated": "yes"},
    )


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"signatureRequestId": "not-a-mongo-id"}, "signatureRequestId"),
        ({"signatureRequestId": _ID, "label": 3}, "label"),
        ({"label": "x"}, "signatureRequestId"),
    ],
)
async def test_document_initialisation_is_validated(
    raw: Raw, payload: dict[str, object], problem: str
) -> None:
    body = await raw.error(
        "POST", "{E}/init-documents", 400, "BODY_VALIDATION_FAILED", json=payload
    )
    assert [e["property"] for e in body["context"]["errors"]] == [problem]


async def test_signer_fields_are_validated(raw: Raw) -> None:
    await raw.error(
        "POST", "{E}/signers", 400, "BODY_VALIDATION_FAILED", json={"email": "not-an-email"}
    )
    await raw.error(
        "POST", "{E}/signers", 400, "BODY_VALIDATION_FAILED", json={"nationality": "ZZ"}
    )
    await raw.error(
        "POST", "{E}/signers", 400, "BODY_VALIDATION_FAILED", json={"birthDate": "yesterday"}
    )
    body = await raw.error(
        "POST",
        "{E}/signers",
        400,
        "SIGNER_CREATION__INPUT_FIELD_MISSING",
        json={"signatureProfileId": raw.fake.default_signature_profile_id, "firstName": "Ada"},
    )
    assert body["context"]["missingInputs"] == ["lastName", "email"]
    advanced = raw.fake.signature_profile_ids["Advanced signature - by side"]
    await raw.error(
        "POST",
        "{E}/signers",
        400,
        "SIGNER_CREATION__INPUT_FIELD_VALUE_INVALID",
        json={
            "signatureProfileId": advanced,
            "firstName": "A",
            "lastName": "B",
            "email": "a@b.co",
            "phoneNumber": "0612",
        },
    )
    await raw.error(
        "POST", "{E}/signers", 404, "SIGNATURE_PROFILE_NOT_FOUND", json={"signatureProfileId": _ID}
    )


async def test_query_validation(raw: Raw) -> None:
    await raw.error(
        "GET", "{E}/signature-requests", 400, "QUERY_VALIDATION_FAILED", params={"page": "0"}
    )
    await raw.error(
        "GET", "{E}/signature-requests", 400, "QUERY_VALIDATION_FAILED", params={"page": "one"}
    )
    await raw.error(
        "GET", "{E}/signature-requests", 400, "QUERY_VALIDATION_FAILED", params={"size": "3"}
    )
    hook = await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/h"})
    await raw.error(
        "GET",
        f"/v3/webhooks/{hook['_id']}/events",
        400,
        "QUERY_VALIDATION_FAILED",
        params={"filter": "SOME"},
    )
    missing = f"{{E}}/signature-profiles/{raw.fake.default_signature_profile_id}/signers/{_ID}"
    await raw.error(
        "GET",
        missing + "/missing-inputs",
        400,
        "QUERY_VALIDATION_FAILED",
        params={"forRecurrent": "yes"},
    )


async def test_bodies_that_are_not_json_objects(raw: Raw) -> None:
    await raw.error(
        "POST",
        "{E}/signature-requests",
        400,
        "BODY_VALIDATION_FAILED",
        content=b"[1, 2]",
        headers={"content-type": "application/json"},
    )
    await raw.error(
        "POST",
        "{E}/signature-requests",
        400,
        "BODY_VALIDATION_FAILED",
        content=b"{oops",
        headers={"content-type": "application/json"},
    )
    await raw.error(
        "POST",
        "{E}/signature-requests",
        400,
        "BODY_VALIDATION_FAILED",
        content=b"signatureProfileId=1",
        headers={"content-type": "text/plain"},
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "code"),
    [
        ("GET", f"{{E}}/signers/{_ID}", None, "SIGNER_NOT_FOUND"),
        ("GET", f"/v3/signature-requests/{_ID}/context", None, "SIGNATURE_REQUEST_NOT_FOUND"),
        ("POST", f"/v3/signature-requests/{_ID}/publish", {}, "SIGNATURE_REQUEST_NOT_FOUND"),
        ("GET", f"/v3/documents/{_ID}", None, "DOCUMENT_NOT_FOUND"),
        ("GET", f"/v3/documents/{_ID}/signature-proof", None, "DOCUMENT_NOT_FOUND"),
        ("DELETE", f"/v3/webhooks/{_ID}", None, "WEBHOOK_NOT_FOUND"),
        ("GET", f"/v3/webhooks/{_ID}/events/{_ID}", None, "WEBHOOK_NOT_FOUND"),
        (
            "PUT",
            f"{{E}}/signature-profiles/{_ID}/status",
            {"status": "ARCHIVED"},
            "SIGNATURE_PROFILE_NOT_FOUND",
        ),
        (
            "DELETE",
            f"/v3/applications/{{app}}/users-invitations/{_ID}",
            None,
            "INVITED_USER_NOT_FOUND",
        ),
        ("GET", "/v3/documents/not%2Fan-id", None, "DOCUMENT_NOT_FOUND"),
    ],
)
async def test_unknown_ids_are_404(
    raw: Raw, method: str, path: str, body: dict[str, str] | None, code: str
) -> None:
    path = path.replace("{app}", raw.fake.app_id)
    answer = await raw.error(method, path, 404, code, json=body)
    assert answer["context"]["id"]


async def test_unknown_events_signatures_and_routes(raw: Raw) -> None:
    hook = await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/h"})
    await raw.error(
        "GET", f"/v3/webhooks/{hook['_id']}/events/{_ID}", 404, "WEBHOOK_EVENT_NOT_FOUND"
    )
    flow = await raw.published()
    await raw.error(
        "GET", f"/v3/documents/{flow['doc']}/signatures/{_ID}", 404, "SIGNATURE_NOT_FOUND"
    )
    await raw.error("GET", "/v3/nothing-here", 404, "BAD_REQUEST")
    body = await raw.error("PATCH", f"/v3/documents/{flow['doc']}", 405, "BAD_REQUEST")
    assert body["context"]["allowed"] == ["DELETE", "GET", "PUT"]
