"""The SDK end to end against the emulator, in-process: every sub-client on one workflow."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from ignisign_async import AsyncIgnisign, BadRequestError, NotFoundError
from ignisign_async.testing import FakeIgnisign

from .conftest import PDF, topics


async def test_full_workflow(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign, tmp_path: Path
) -> None:
    fake, client = fake_ignisign, ignisign_client
    profiles = await client.signature_profiles.list()
    assert len(profiles) == 4
    profile_id = fake.default_signature_profile_id
    constraints = await client.signers.inputs_constraints(profile_id)
    assert list(constraints.inputs_needed) == ["firstName", "lastName", "email"]

    signer = await client.signers.create(
        signature_profile_id=profile_id,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        external_id="crm-1",
    )
    summary = await client.signers.summary(signer.signer_id)
    assert (summary.first_name, summary.email, summary.external_id) == (
        "Ada",
        "ada@example.com",
        "crm-1",
    )
    assert list(await client.signers.missing_inputs(signer.signer_id, profile_id)) == []

    sr = await client.signature_requests.init(profile_id)
    request_id = sr.signature_request_id
    assert request_id is not None
    doc = await client.documents.init(signature_request_id=request_id, label="Contract")
    uploaded = await client.documents.provide_file(
        doc.document_id, PDF, file_name="contract.pdf", content_type="application/pdf"
    )
    assert (uploaded.file_name, uploaded.file_size, str(uploaded.document_nature)) == (
        "contract.pdf",
        len(PDF),
        "PDF",
    )
    context = await client.signature_requests.update(
        request_id,
        title="Deal",
        document_ids=[doc.document_id],
        signer_ids=[signer.signer_id],
        expiration_date=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7),
        expiration_date_is_activated=True,
    )
    assert str(context.status) == "DRAFT"
    assert [d.id for d in context.documents] == [doc.document_id]
    await client.signature_requests.publish(request_id)
    assert str((await client.signature_requests.get(request_id)).status) == "IN_PROGRESS"

    fake.sign(request_id)
    final = await client.signature_requests.get(request_id)
    assert str(final.status) == "COMPLETED"
    assert str(final.signature_proof_status) == "CREATED"

    signatures = await client.proofs.list_signatures(doc.document_id)
    assert [s.signer_id for s in signatures] == [signer.signer_id]
    one = await client.proofs.get_signature(doc.document_id, signatures[0].id)
    assert one.document_id == doc.document_id
    images = await client.proofs.signature_images(doc.document_id)
    assert [i.signer_id for i in images.signatures] == [signer.signer_id]

    proof_path = tmp_path / "proof.pdf"
    await client.proofs.download_signature_proof(doc.document_id, proof_path)
    assert proof_path.read_bytes().startswith(b"%PDF-")
    async with client.proofs.stream_asic(doc.document_id) as stream:
        assert stream.content_type == "application/vnd.etsi.asic-e+zip"
        data = b"".join([chunk async for chunk in stream.iter_bytes()])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [
            "mimetype",
            "contract.pdf",
            "META-INF/signatures001.xml",
        ]
        assert archive.read("contract.pdf") == PDF
    xades = tmp_path / "sig.xml"
    await client.proofs.download_xades(doc.document_id, signatures[0].id, xades)
    assert xades.read_bytes().startswith(b"<?xml")
    original = tmp_path / "original.pdf"
    await client.documents.download_original(doc.document_id, original)
    assert original.read_bytes() == PDF

    assert topics(fake)[-5:] == [
        ("SIGNATURE_SESSION", "INITIALIZED"),
        ("SIGNATURE", "FINALIZED"),
        ("SIGNATURE_REQUEST", "COMPLETED"),
        ("SIGNATURE_SIGNER_IMAGE", "GENERATED"),
        ("SIGNATURE_PROOF", "GENERATED"),
    ]
    statuses = await client.signature_requests.statuses([request_id])
    assert [str(s.status) for s in statuses.signature_requests] == ["COMPLETED"]
    listed = [r.id async for r in client.signature_requests.iter_all()]
    assert listed == [request_id]


async def test_sdk_errors_carry_the_documented_codes(ignisign_client: AsyncIgnisign) -> None:
    client = ignisign_client
    with pytest.raises(NotFoundError) as missing:
        await client.signers.summary("0" * 24)
    assert (missing.value.status_code, missing.value.code) == (404, "SIGNER_NOT_FOUND")
    request = await client.signature_requests.init((await client.signature_profiles.list())[0].id)
    assert request.signature_request_id is not None
    with pytest.raises(BadRequestError) as refused:
        await client.signature_requests.publish(request.signature_request_id)
    assert refused.value.code == "CANNOT_PUBLISH_SIGNATURE_REQUEST__NO_DOCUMENTS"


async def test_documents_json_private_content_and_requests(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    fake, client = fake_ignisign, ignisign_client
    embedded = fake.signature_profile_ids["Simple signature - embedded"]
    sr = await client.signature_requests.init(embedded)
    assert sr.signature_request_id is not None
    request_id = sr.signature_request_id
    data = await client.documents.init(signature_request_id=request_id, label="Data")
    provided = await client.documents.provide_data_json(data.document_id, {"amount": 3})
    assert str(provided.document_nature) == "DATA_JSON"
    assert provided.data_json_content == '{"amount":3}'
    private = await client.documents.init(signature_request_id=request_id, label="Secret")
    digest = "ab" * 32
    kept = await client.documents.provide_private_content(private.document_id, digest)
    assert (str(kept.document_nature), kept.document_hash) == ("PRIVATE_FILE", digest)
    requested = await client.documents.init(signature_request_id=request_id, label="ID card")
    await client.documents.create_request(
        requested.document_id, target="USER", email="bob@example.com"
    )
    context = await client.documents.context(requested.document_id)
    assert str(context.status) == "DOCUMENT_REQUEST"
    assert context.document_request is not None
    signer = await client.signers.create(
        signature_profile_id=embedded, first_name="Bob", last_name="Byte"
    )
    assert signer.auth_secret
    await client.signature_requests.update(
        request_id,
        document_ids=[data.document_id, private.document_id, requested.document_id],
        signer_ids=[signer.signer_id],
    )
    await client.signature_requests.publish(request_id)
    assert str((await client.signature_requests.get(request_id)).status) == "WAITING_DOCUMENTS"
    fake.provide_requested_document(requested.document_id, PDF)
    published = await client.signature_requests.get(request_id)
    assert str(published.status) == "IN_PROGRESS"
    assert ("DOCUMENT_REQUEST", "PROVIDED") in topics(fake)
    launched = [e for e in fake.webhook_events if e["action"] == "LAUNCHED"][-1]
    assert [s["signerId"] for s in launched["content"]["signers"]] == [signer.signer_id]


async def test_signers_webhooks_and_applications(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    fake, client = fake_ignisign, ignisign_client
    profile_id = fake.default_signature_profile_id
    created = [
        await client.signers.create(
            signature_profile_id=profile_id,
            first_name=f"N{i}",
            last_name="Doe",
            email=f"n{i}@example.com",
        )
        for i in range(3)
    ]
    found = await client.signers.search("n1@")
    assert [s.signer_id for s in found.signers] == [created[1].signer_id]
    every = [s.signer_id async for s in client.signers.iter_all()]
    assert every == [c.signer_id for c in created]
    await client.signers.update(
        created[0].signer_id, signature_profile_id=profile_id, phone_number="+33612345678"
    )
    assert topics(fake)[-1] == ("SIGNER", "INPUTS_ADDED")
    details = await client.signers.get(created[0].signer_id)
    assert "phoneNumber" in [str(i) for i in details.already_provided_inputs]
    status = await client.signers.status(created[0].signer_id, profile_id)
    assert status.signer_is_setup is True
    secret = await client.signers.regenerate_auth_secret(created[0].signer_id)
    assert secret.auth_secret
    await client.signers.revoke(created[2].signer_id)
    assert str((await client.signers.summary(created[2].signer_id)).status) == "BLOCKED"

    hook = await client.webhooks.create(url="https://example.com/hook", description="main")
    assert [w.url for w in await client.webhooks.list()] == ["https://example.com/hook"]
    await client.signature_requests.init(profile_id)
    page = await client.webhooks.list_events(hook.id)
    assert [str(e.action) for e in page.events] == ["INITIALIZED"]
    record = await client.webhooks.get_event(hook.id, page.events[0].id)
    assert str(record.status) == "PENDING"
    await client.webhooks.resend_event(hook.id, record.id)
    updated = await client.webhooks.update(hook.id, url="https://example.com/other")
    assert updated.url == "https://example.com/other"
    await client.webhooks.remove(hook.id)
    assert await client.webhooks.list() == []

    token = fake.webhook_events[-1]["verificationToken"]
    first = await client.webhooks.check_token(token)
    second = await client.webhooks.check_token(token)
    assert (first.is_valid, second.is_valid, second.already_consumed) == (True, False, True)

    context = await client.applications.context()
    assert context.app_id == fake.app_id
    invited = await client.applications.invite_user(
        email="dev@example.com",
        roles={"DEVELOPMENT": ["ADMIN"], "STAGING": [], "PRODUCTION": []},
    )
    assert [u.email for u in await client.applications.list_invited_users()] == ["dev@example.com"]
    await client.applications.resend_invitation(invited.id)
    cancelled = await client.applications.cancel_invitation(invited.id)
    assert str(cancelled.status) == "CANCELED"
