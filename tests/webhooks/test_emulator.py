"""The router against FakeIgnisign: real emitted events verify, parse, dispatch, and only once."""

from __future__ import annotations

import json

import pytest

from ignisign_async import WebhookVerificationError
from ignisign_async.models._base import ApiEnum
from ignisign_async.models.webhook_events import (
    ApplicationEvent,
    ApplicationWebhookContent,
    SignatureImageWebhookContent,
    SignatureProofWebhookContent,
    SignatureRequestWebhookContent,
    SignatureSessionWebhookContent,
    SignatureWebhookContent,
    SignerEvent,
    SignerWebhookContent,
    WebhookEvent,
)
from ignisign_async.testing import FakeIgnisign, asgi_sender

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTENT_MODELS = {
    "SIGNER": SignerWebhookContent,
    "SIGNATURE_REQUEST": SignatureRequestWebhookContent,
    "SIGNATURE_SESSION": SignatureSessionWebhookContent,
    "SIGNATURE": SignatureWebhookContent,
    "SIGNATURE_SIGNER_IMAGE": SignatureImageWebhookContent,
    "SIGNATURE_PROOF": SignatureProofWebhookContent,
}


async def test_an_emitted_event_verifies_once() -> None:
    fake = FakeIgnisign()
    async with fake.client() as client:
        router = client.webhook_router()
        seen: list[SignerEvent] = []
        router.on_signer(action="CREATED")(seen.append)
        signer = await client.signers.create(
            signature_profile_id=fake.default_signature_profile_id,
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
        )
        body = json.dumps(fake.webhook_events[-1])

        result = await router.consume(body)
        assert result.ran == (seen.append,)
        assert seen[0].content.signer_id == signer.signer_id
        assert seen[0].app_id == fake.app_id

        with pytest.raises(WebhookVerificationError) as info:
            await router.consume(body)  # the token was consumed by the first check
        assert info.value.code == "SDK_WEBHOOK_VERIFICATION_FAILED"
        assert len(seen) == 1


async def test_every_event_of_a_signing_is_delivered_typed_through_the_asgi_endpoint() -> None:
    fake = FakeIgnisign()
    async with fake.client() as client:
        router = client.webhook_router()
        received: list[WebhookEvent] = []
        router.on(None)(received.append)
        fake.webhook_sender = asgi_sender(router.asgi())
        await client.webhooks.create(url="https://app.example/ignisign/webhook")

        profile_id = fake.default_signature_profile_id
        signer = await client.signers.create(
            signature_profile_id=profile_id, first_name="Ada", last_name="L", email="a@b.example"
        )
        request_id = (await client.signature_requests.init(profile_id)).signature_request_id
        assert request_id is not None
        doc = await client.documents.init(signature_request_id=request_id, label="Contract")
        await client.documents.provide_file(
            doc.document_id, PDF, file_name="c.pdf", content_type="application/pdf"
        )
        await client.signature_requests.update(
            request_id, document_ids=[doc.document_id], signer_ids=[signer.signer_id]
        )
        await client.signature_requests.publish(request_id)
        fake.sign(request_id)
        await fake.deliver_pending()

    emitted = [(e["topic"], e["action"]) for e in fake.webhook_events]
    assert ("SIGNATURE_REQUEST", "LAUNCHED") in emitted
    assert [(str(e.topic), str(e.action)) for e in received] == emitted
    assert {topic for topic, _ in emitted} >= set(CONTENT_MODELS)
    for event in received:
        assert type(event.content) is CONTENT_MODELS[event.topic.value]
        assert isinstance(event.action, ApiEnum)
        assert event.action.known
    deliveries = fake.webhook_deliveries
    assert len(deliveries) == len(emitted)
    assert {d.status for d in deliveries} == {200}


async def test_an_embedded_signer_created_event_carries_its_secret_out_of_repr() -> None:
    fake = FakeIgnisign()
    async with fake.client() as client:
        router = client.webhook_router()
        seen: list[SignerEvent] = []
        router.on_signer(action="CREATED")(seen.append)
        fake.webhook_sender = asgi_sender(router.asgi())
        await client.webhooks.create(url="https://app.example/ignisign/webhook")
        embedded = fake.signature_profile_ids["Simple signature - embedded"]
        created = await client.signers.create(
            signature_profile_id=embedded, first_name="Ada", last_name="L", email="a@b.example"
        )
        by_side = await client.signers.create(
            signature_profile_id=fake.default_signature_profile_id,
            first_name="Bob",
            last_name="M",
            email="b@b.example",
        )
        await fake.deliver_pending()
    assert created.auth_secret
    assert [e.content.signer_id for e in seen] == [created.signer_id, by_side.signer_id]
    assert seen[0].content.auth_secret == created.auth_secret
    assert seen[1].content.auth_secret is None
    assert created.auth_secret not in repr(seen[0])
    assert created.auth_secret not in repr(seen[0].content)
    assert fake.webhook_events[0]["content"]["authSecret"] == created.auth_secret
    assert "authSecret" not in fake.webhook_events[1]["content"]


async def test_app_events_membership_and_console_actions() -> None:
    fake = FakeIgnisign()
    async with fake.client() as client:
        router = client.webhook_router()
        seen: list[ApplicationEvent] = []
        router.on_application()(seen.append)
        fake.webhook_sender = asgi_sender(router.asgi())
        await client.webhooks.create(url="https://app.example/ignisign/webhook")
        invited = await client.applications.invite_user(
            email="dev@example.com",
            roles={"DEVELOPMENT": ["ADMIN"], "STAGING": [], "PRODUCTION": []},
        )
        await client.applications.cancel_invitation(invited.id)
        fake.emit_app_event("SETTINGS_UPDATED", user_id="64b0c0ffee0000000000000a")
        await fake.deliver_pending()
    assert [str(e.action) for e in seen] == [
        "MEMBERSHIP_UPDATED",
        "MEMBERSHIP_UPDATED",
        "SETTINGS_UPDATED",
    ]
    assert all(type(e.content) is ApplicationWebhookContent for e in seen)
    assert [e.content.user_id for e in seen] == [None, None, "64b0c0ffee0000000000000a"]
    with pytest.raises(ValueError, match="action"):
        fake.emit_app_event("DELETED")  # type: ignore[arg-type]
