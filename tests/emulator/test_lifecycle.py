"""Signature request, document and signer lifecycles (reference 10.1-10.4)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from ignisign_async.testing import FakeError, FakeIgnisign

from .conftest import PDF, Raw, topics


def _iso(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, tz=dt.timezone.utc).isoformat()


async def test_publish_needs_documents_signers_and_content(raw: Raw) -> None:
    sr = await raw.draft()
    publish = f"/v3/signature-requests/{sr}/publish"
    prefix = "CANNOT_PUBLISH_SIGNATURE_REQUEST__"
    await raw.error("POST", publish, 400, prefix + "NO_DOCUMENTS", json={})
    empty = await raw.document(sr, content=None)
    await raw.ok("PUT", f"/v3/signature-requests/{sr}", json={"documentIds": [empty]})
    await raw.error("POST", publish, 400, prefix + "NO_SIGNERS", json={})
    signer = await raw.signer()
    await raw.ok("PUT", f"/v3/signature-requests/{sr}", json={"signerIds": [signer]})
    await raw.error(
        "POST",
        publish,
        400,
        "CANNOT_UPDATE_OR_PUBLISH_SIGNATURE_REQUEST__AT_LEAST_ONE_DOCUMENT_HAVE_NO_CONTENT"
        "_AND_NO_DOCUMENT_REQUEST",
        json={},
    )
    await raw.ok(
        "POST",
        f"/v3/documents/{empty}/file",
        files={"file": ("a.pdf", PDF, "application/pdf")},
    )
    assert await raw.ok("POST", publish, json={}) == {"signatureRequestId": sr}
    assert await raw.status(sr) == "IN_PROGRESS"
    await raw.error("POST", publish, 400, prefix + "REQUEST_ALREADY_PUBLISHED", json={})


async def test_publish_time_date_checks_and_the_title_option() -> None:
    now = 1_800_000_000.0
    fake = FakeIgnisign(require_title=True, clock=lambda: now)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake.app), base_url="http://fake"
    ) as http:
        raw = Raw(fake, http)
        await raw.login()
        sr = await raw.draft()
        doc = await raw.document(sr)
        signer = await raw.signer()
        update = f"/v3/signature-requests/{sr}"
        publish = update + "/publish"
        prefix = "CANNOT_PUBLISH_SIGNATURE_REQUEST__"
        await raw.ok("PUT", update, json={"documentIds": [doc], "signerIds": [signer]})
        await raw.error("POST", publish, 400, prefix + "NO_TITLE", json={})
        await raw.ok("PUT", update, json={"title": "T", "diffusionMode": "SCHEDULED"})
        await raw.error(
            "POST",
            publish,
            400,
            prefix + "DIFFUSION_MODE_IS_SCHEDULED_BUT_DIFFUSION_DATE_IS_MISSING",
            json={},
        )
        await raw.ok("PUT", update, json={"diffusionDate": _iso(now - 60)})
        await raw.error("POST", publish, 400, prefix + "DIFFUSION_DATE_IN_THE_PAST", json={})
        await raw.ok(
            "PUT",
            update,
            json={"diffusionDate": _iso(now + 3600), "expirationDateIsActivated": True},
        )
        await raw.error(
            "POST",
            publish,
            400,
            prefix + "EXPIRATION_DATE_IS_ACTIVATED_BUT_EXPIRATION_DATE_IS_MISSING",
            json={},
        )
        await raw.ok("PUT", update, json={"expirationDate": _iso(now + 60)})
        await raw.error(
            "POST", publish, 400, prefix + "EXPIRATION_DATE_BEFORE_DIFFUSION_DATE", json={}
        )


async def test_scheduled_requests_launch_and_expire_with_time() -> None:
    now = [1_800_000_000.0]
    fake = FakeIgnisign(clock=lambda: now[0])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake.app), base_url="http://fake"
    ) as http:
        raw = Raw(fake, http)
        await raw.login()
        sr = await raw.draft()
        doc = await raw.document(sr)
        signer = await raw.signer()
        await raw.ok(
            "PUT",
            f"/v3/signature-requests/{sr}",
            json={
                "documentIds": [doc],
                "signerIds": [signer],
                "diffusionMode": "SCHEDULED",
                "diffusionDate": _iso(now[0] + 60),
                "expirationDateIsActivated": True,
                "expirationDate": "2027-01-15T08:05:00.5Z",  # now + 300.5 s
            },
        )
        await raw.ok("POST", f"/v3/signature-requests/{sr}/publish", json={})
        assert await raw.status(sr) == "READY"
        now[0] += 61
        assert await raw.status(sr) == "IN_PROGRESS"
        now[0] = 1_800_000_300.0
        assert await raw.status(sr) == "IN_PROGRESS"
        now[0] = 1_800_000_301.0
        assert await raw.status(sr) == "EXPIRED"
    assert topics(fake)[-3:] == [
        ("SIGNATURE_REQUEST", "READY"),
        ("SIGNATURE_REQUEST", "LAUNCHED"),
        ("SIGNATURE_REQUEST", "EXPIRED"),
    ]


async def test_update_and_document_changes_only_in_draft(raw: Raw) -> None:
    flow = await raw.published()
    body = await raw.error(
        "PUT",
        f"/v3/signature-requests/{flow['sr']}",
        400,
        "SIGNATURE_REQUEST_BAD_STATUS",
        json={"title": "Later"},
    )
    assert body["context"] == {"status": "IN_PROGRESS"}
    doc = f"/v3/documents/{flow['doc']}"
    await raw.error("PUT", doc, 400, "DOCUMENT_LOCKED", json={"label": "x"})
    await raw.error("DELETE", doc + "/content", 400, "DOCUMENT_LOCKED")
    await raw.error("DELETE", doc, 400, "DOCUMENT_LOCKED")
    await raw.error(
        "POST",
        "{E}/init-documents",
        400,
        "SIGNATURE_REQUEST_BAD_STATUS",
        json={"signatureRequestId": flow["sr"]},
    )


async def test_document_content_lifecycle(raw: Raw) -> None:
    sr = await raw.draft()
    doc = await raw.document(sr)
    path = f"/v3/documents/{doc}"
    await raw.error(
        "POST",
        path + "/data-json-content",
        400,
        "DOCUMENT_BAD_STATUS",
        json={"jsonContent": {"a": 1}},
    )
    removed = await raw.ok("DELETE", path + "/content")
    assert removed["status"] == "CREATED"
    assert "documentHash" not in removed
    assert "documentNature" not in removed
    await raw.error("DELETE", path + "/content", 400, "DOCUMENT_BAD_STATUS")
    await raw.error("POST", path + "/data-json-content", 400, "BODY_VALIDATION_FAILED", json={})
    data = await raw.ok("POST", path + "/data-json-content", json={"jsonContent": [1, "two"]})
    assert (data["documentNature"], data["dataJsonContent"]) == ("DATA_JSON", '[1,"two"]')
    other = await raw.document(sr, content=None)
    await raw.error(
        "POST",
        f"/v3/documents/{other}/data-json-content",
        400,
        "ONLY_ONE_JSON_PER_SIGNATURE_REQUEST_IS_ALLOWED",
        json={"jsonContent": {}},
    )
    await raw.error(
        "POST",
        f"/v3/documents/{other}/private-content",
        400,
        "FULL_PRIVACY_NOT_ENABLED",
        json={"documentHash": "a" * 64},
    )
    await raw.error(
        "POST",
        f"/v3/documents/{other}/private-content",
        400,
        "BODY_VALIDATION_FAILED",
        json={"documentHash": "not-a-hash"},
    )
    assert await raw.ok("DELETE", f"/v3/documents/{other}") == {"documentId": other}
    await raw.error("GET", f"/v3/documents/{other}", 404, "DOCUMENT_NOT_FOUND")


async def test_document_request_flow(fake: FakeIgnisign, raw: Raw) -> None:
    sr = await raw.draft()
    doc = await raw.document(sr, content=None, label="Payslip")
    requests = f"/v3/documents/{doc}/requests"
    # no email for a USER request: accepted, as by the vendor (its @IsEmail is optional)
    other = await raw.document(sr, content=None, label="Id card")
    accepted = await raw.ok(
        "POST", f"/v3/documents/{other}/requests", json={"target": "USER", "documentId": other}
    )
    assert accepted["status"] == "DOCUMENT_REQUEST"
    await raw.ok("DELETE", f"/v3/documents/{other}")
    await raw.error(
        "POST",
        requests,
        400,
        "BODY_VALIDATION_FAILED",
        json={"target": "APPLICATION", "documentId": "0" * 24},
    )
    answer = await raw.ok(
        "POST", requests, json={"target": "USER", "documentId": doc, "email": "u@example.com"}
    )
    assert answer["status"] == "DOCUMENT_REQUEST"
    signer = await raw.signer()
    await raw.ok(
        "PUT", f"/v3/signature-requests/{sr}", json={"documentIds": [doc], "signerIds": [signer]}
    )
    await raw.ok("POST", f"/v3/signature-requests/{sr}/publish", json={})
    assert await raw.status(sr) == "WAITING_DOCUMENTS"
    with pytest.raises(FakeError) as refused:
        fake.sign(sr)
    assert refused.value.code == "SIGNATURE_REQUEST_NOT_IN_PROGRESS"
    fake.provide_requested_document(doc, PDF, file_name="payslip.pdf")
    context = await raw.ok("GET", f"/v3/documents/{doc}/context")
    assert (context["status"], context["documentRequest"]["status"]) == ("PROVIDED", "PROVIDED")
    assert await raw.status(sr) == "IN_PROGRESS"
    assert topics(fake)[-3:] == [
        ("SIGNATURE_REQUEST", "WAITING_DOCUMENTS"),
        ("DOCUMENT_REQUEST", "PROVIDED"),
        ("SIGNATURE_REQUEST", "LAUNCHED"),
    ]
    provided = next(e for e in fake.webhook_events if e["topic"] == "DOCUMENT_REQUEST")
    assert provided["content"] == {
        "signatureRequestId": sr,
        "documentId": doc,
        "documentNature": "PDF",
        "mimeType": "application/pdf",
    }


async def test_sign_one_signer_then_the_rest(fake: FakeIgnisign, raw: Raw) -> None:
    flow = await raw.published(signers=2)
    first, second = flow["signers"]
    created = fake.sign(flow["sr"], first)
    assert len(created) == 1
    assert await raw.status(flow["sr"]) == "IN_PROGRESS"
    with pytest.raises(FakeError) as again:
        fake.sign(flow["sr"], first)
    assert again.value.code == "SIGNER_ALREADY_SIGNED"
    fake.sign(flow["sr"])
    context = await raw.ok("GET", f"/v3/signature-requests/{flow['sr']}/context")
    assert context["status"] == "COMPLETED"
    assert context["signedBy"] == [first, second]
    assert context["signatureProofStatus"] == "CREATED"
    assert context["signatureProofsUrl"].startswith("https://")
    summaries = context["documents"][0]["signatureSummaries"]
    assert [s["signerId"] for s in summaries] == [first, second]
    signer = await raw.ok("GET", f"{{E}}/signers/{first}")
    assert signer["status"] == "ACTIVE"
    finalized = [e for e in fake.webhook_events if e["topic"] == "SIGNATURE"]
    assert [e["content"]["signerId"] for e in finalized] == [first, second]
    assert finalized[0]["msgNature"] == "SUCCESS"
    assert set(finalized[0]["content"]) == {
        "appId", "appEnv", "documentNature", "signerId", "documentId", "signatureRequestId",
        "signatureId",
    }  # fmt: skip
    with pytest.raises(FakeError) as closed:
        fake.sign(flow["sr"])
    assert closed.value.code == "SIGNATURE_REQUEST_NOT_IN_PROGRESS"


async def test_close_cancels_when_nobody_signed_and_completes_otherwise(
    fake: FakeIgnisign, raw: Raw
) -> None:
    nobody = await raw.published()
    closed = await raw.ok("POST", f"/v3/signature-requests/{nobody['sr']}/close", json={})
    assert closed == {"signatureRequestId": nobody["sr"]}
    assert await raw.status(nobody["sr"]) == "CANCELLED"
    assert topics(fake)[-1] == ("SIGNATURE_REQUEST", "CANCELLED")
    assert fake.webhook_events[-1]["msgNature"] == "WARNING"
    await raw.error(
        "POST", f"/v3/signature-requests/{nobody['sr']}/close", 400,
        "SIGNATURE_REQUEST_CANCELLED", json={},
    )  # fmt: skip

    someone = await raw.published(signers=2)
    fake.sign(someone["sr"], someone["signers"][0])
    await raw.ok("POST", f"/v3/signature-requests/{someone['sr']}/close", json={})
    assert await raw.status(someone["sr"]) == "COMPLETED"
    assert ("SIGNATURE_REQUEST", "COMPLETED") in topics(fake)[-3:]
    await raw.error(
        "POST", f"/v3/signature-requests/{someone['sr']}/close", 400,
        "SIGNATURE_REQUEST_ALREADY_COMPLETED", json={},
    )  # fmt: skip
    draft = await raw.draft()
    await raw.ok("POST", f"/v3/signature-requests/{draft}/close", json={})
    assert await raw.status(draft) == "CANCELLED"


async def test_expire_follows_the_same_rule(fake: FakeIgnisign, raw: Raw) -> None:
    nobody = await raw.published()
    assert fake.expire(nobody["sr"]) == "EXPIRED"
    assert topics(fake)[-1] == ("SIGNATURE_REQUEST", "EXPIRED")
    someone = await raw.published(signers=2)
    fake.sign(someone["sr"], someone["signers"][1])
    assert fake.expire(someone["sr"]) == "COMPLETED"
    with pytest.raises(FakeError) as draft:
        fake.expire(await raw.draft())
    assert draft.value.code == "SIGNATURE_REQUEST_BAD_STATUS"


async def test_profile_rules_on_update(fake: FakeIgnisign, raw: Raw) -> None:
    advanced = fake.signature_profile_ids["Advanced signature - by side"]
    sr = await raw.draft(advanced)
    weak = await raw.signer()  # made for the simple profile: no phone number
    body = await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "CANNOT_UPDATE_SIGNATURE_REQUEST__PHONE_NUMBER_IS_MANDATORY_FOR_ALL_SIGNERS_FOR_THE"
        "_SIGNATURE_PROFILE_REQUESTED",
        json={"signerIds": [weak]},
    )
    assert body["context"]["missingInputs"] == ["phoneNumber"]
    other_sr = await raw.draft()
    foreign = await raw.document(other_sr)
    await raw.error(
        "PUT",
        f"/v3/signature-requests/{sr}",
        400,
        "INVALID_SIGNATURE_REQUEST",
        json={"documentIds": [foreign]},
    )
    qualified = fake.signature_profile_ids["Qualified signature - by side"]
    qsr = await raw.draft(qualified)
    await raw.ok(
        "POST",
        "{E}/init-documents",
        json={"signatureRequestId": qsr},
    )
    doc = await raw.document(qsr, content=None)
    await raw.ok("POST", f"/v3/documents/{doc}/data-json-content", json={"jsonContent": {}})
    await raw.error(
        "PUT",
        f"/v3/signature-requests/{qsr}",
        400,
        "SIGNATURE_REQUEST_DTO_NOT_MATCH_WITH_SIGNATURE_PROFILE__DOCUMENT_TYPES_USED_NOT"
        "_INCLUDED_IN_SIGNATURE_PROFILE",
        json={"documentIds": [doc]},
    )


async def test_signers_inputs_can_be_added_not_changed(fake: FakeIgnisign, raw: Raw) -> None:
    signer = await raw.signer()
    path = f"{{E}}/signers/{signer}"
    await raw.error(
        "PUT",
        path,
        400,
        "SIGNER_CREATION__INPUT_FIELD_VALUE_INVALID",
        json={"firstName": "Other"},
    )
    added = await raw.ok("PUT", path, json={"signerId": signer, "birthPlace": "London"})
    assert added == {"signerId": signer, "entityType": "NATURAL"}
    assert fake.webhook_events[-1]["content"]["inputsAdded"] == ["birthPlace"]
    qualified = fake.signature_profile_ids["Qualified signature - by side"]
    missing = await raw.ok(
        "GET",
        f"{{E}}/signature-profiles/{qualified}/signers/{signer}/missing-inputs",
        params={"forRecurrent": "false"},
    )
    assert missing == ["phoneNumber", "nationality", "birthDate", "birthCountry"]
    await raw.ok("DELETE", path + "/revoke")
    await raw.error("PUT", path, 400, "SIGNER_BAD_STATUS", json={"birthCountry": "FR"})
    sr = await raw.draft()
    await raw.error(
        "PUT", f"/v3/signature-requests/{sr}", 400, "SIGNER_BAD_STATUS",
        json={"signerIds": [signer]},
    )  # fmt: skip


async def test_archived_profiles_refuse_new_requests_and_signers(
    fake: FakeIgnisign, raw: Raw
) -> None:
    profile = fake.default_signature_profile_id
    archived = await raw.ok(
        "PUT", f"{{E}}/signature-profiles/{profile}/status", json={"status": "ARCHIVED"}
    )
    assert archived["status"] == "ARCHIVED"
    assert topics(fake)[-1] == ("SIGNATURE_PROFILE", "ARCHIVED")
    await raw.error(
        "POST", "{E}/signature-requests", 400, "SIGNATURE_PROFILE_ARCHIVED",
        json={"signatureProfileId": profile},
    )  # fmt: skip
    await raw.error(
        "POST", "{E}/signers", 400, "SIGNER_CREATION__SIGNATURE_PROFILE_ARCHIVED",
        json={"signatureProfileId": profile},
    )  # fmt: skip


async def test_lists_are_paginated() -> None:
    fake = FakeIgnisign(page_size=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fake.app), base_url="http://fake"
    ) as http:
        raw = Raw(fake, http)
        await raw.login()
        ids = [await raw.draft() for _ in range(3)]
        first = await raw.ok("GET", "{E}/signature-requests")
        second = await raw.ok("GET", "{E}/signature-requests", params={"page": "2"})
        beyond = await raw.ok("GET", "{E}/signature-requests", params={"page": "3"})
        signers = await raw.ok("GET", "{E}/signers-paginate", params={"page": "1"})
    assert [r["_id"] for r in first["signatureRequests"]] == ids[:0:-1]
    assert first["paginationData"] == {"total": 3, "page": 1, "nbEventsPerPage": 2}
    assert [r["_id"] for r in second["signatureRequests"]] == ids[:1]
    assert beyond["signatureRequests"] == []
    assert signers == {"signers": [], "total": 0}


async def test_embedded_publish_answers_session_tokens(fake: FakeIgnisign, raw: Raw) -> None:
    embedded = fake.signature_profile_ids["Simple signature - embedded"]
    flow = await raw.published(profile_id=embedded)
    signers = flow["publish"]["signers"]
    assert [s["signerId"] for s in signers] == flow["signers"]
    assert all(len(s["token"]) > 16 for s in signers)
    launched = [e for e in fake.webhook_events if e["action"] == "LAUNCHED"][-1]
    assert launched["content"]["signers"] == signers
