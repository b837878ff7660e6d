"""Webhook events, delivery through a sender, delivery records, and the token check."""

from __future__ import annotations

from typing import Any

from ignisign_async import AsyncIgnisign
from ignisign_async.testing import FakeIgnisign, asgi_sender

from .conftest import Raw, topics

_CHECK = "/v3/tokens/webhook-verification/checking-consumption"


async def test_event_bodies_follow_the_documented_shape(fake: FakeIgnisign, raw: Raw) -> None:
    sr = await raw.draft()
    (event,) = fake.webhook_events
    assert set(event) == {
        "appId", "appEnv", "verificationToken", "topic", "action", "msgNature", "content",
    }  # fmt: skip
    assert (event["appId"], event["appEnv"]) == (fake.app_id, fake.app_env)
    assert (event["topic"], event["action"], event["msgNature"]) == (
        "SIGNATURE_REQUEST",
        "INITIALIZED",
        "INFO",
    )
    assert event["content"] == {"signatureRequestId": sr, "status": "DRAFT"}
    event["content"]["status"] = "tampered"
    assert fake.webhook_events[0]["content"]["status"] == "DRAFT"  # callers get copies


async def test_token_check_is_single_use(fake: FakeIgnisign, raw: Raw) -> None:
    await raw.draft()
    token = fake.webhook_events[0]["verificationToken"]
    body = {"token": token, "appId": fake.app_id, "appEnv": fake.app_env}
    first = await raw.ok("POST", _CHECK, json=body)
    assert first == {
        "isValid": True,
        "notFound": False,
        "alreadyConsumed": False,
        "badTarget": False,
        "isExpired": False,
        "badRelatedId": False,
        "haveBeenConsumed": True,
    }
    again = await raw.ok("POST", _CHECK, json=body)
    assert (again["isValid"], again["alreadyConsumed"], again["haveBeenConsumed"]) == (
        False,
        True,
        False,
    )
    unknown = await raw.ok("POST", _CHECK, json={**body, "token": "unknown"})
    assert (unknown["isValid"], unknown["notFound"]) == (False, True)
    await raw.draft()
    fresh = fake.webhook_events[1]["verificationToken"]
    wrong = await raw.ok("POST", _CHECK, json={**body, "token": fresh, "appEnv": "PRODUCTION"})
    assert (wrong["isValid"], wrong["badTarget"]) == (False, True)
    assert (await raw.ok("POST", _CHECK, json={**body, "token": fresh}))["isValid"] is True
    await raw.error("POST", _CHECK, 400, "BODY_VALIDATION_FAILED", json={"token": fresh})


async def test_without_a_sender_deliveries_stay_pending(fake: FakeIgnisign, raw: Raw) -> None:
    hook = await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/hook"})
    await raw.draft()
    assert await fake.deliver_pending() == 0
    page = await raw.ok("GET", f"/v3/webhooks/{hook['_id']}/events")
    assert [e["status"] for e in page["events"]] == ["PENDING"]
    assert fake.webhook_deliveries == []


async def test_sender_deliveries_records_and_resend(fake: FakeIgnisign, raw: Raw) -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def sender(url: str, body: bytes) -> int:
        import json

        received.append((url, json.loads(body)))
        if "broken" in url:
            raise ConnectionError("refused")
        return 500 if "failing" in url else 204

    fake.webhook_sender = sender
    fake.webhook_retries(attempts=1)  # retries have their own test (test_deliveries.py)
    good = await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/good"})
    bad = await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/failing"})
    await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/broken"})
    sr = await raw.draft()
    assert await fake.deliver_pending() == 3
    # delivered after the triggering call returned, one body (and one token) per endpoint
    assert [url for url, _ in received] == [
        "https://example.com/good",
        "https://example.com/failing",
        "https://example.com/broken",
    ]
    tokens = {body["verificationToken"] for _, body in received}
    assert len(tokens) == 3
    assert fake.webhook_events[0]["verificationToken"] not in tokens
    assert all(body["content"]["signatureRequestId"] == sr for _, body in received)
    assert [(a.status, a.error) for a in fake.webhook_deliveries] == [
        (204, None),
        (500, None),
        (None, "ConnectionError: refused"),
    ]

    good_page = await raw.ok("GET", f"/v3/webhooks/{good['_id']}/events")
    (record,) = good_page["events"]
    assert record["status"] == "SUCCESS"
    assert record["response"] == {"status": 204, "statusText": "No Content"}
    assert (record["webhookId"], record["topic"], record["action"]) == (
        good["_id"],
        "SIGNATURE_REQUEST",
        "INITIALIZED",
    )
    assert good_page["searchData"] == {"total": 1, "page": 1, "nbEventsPerPage": 20}
    failed = await raw.ok("GET", f"/v3/webhooks/{bad['_id']}/events", params={"filter": "FAILED"})
    assert [e["status"] for e in failed["events"]] == ["FAILED"]
    ok_only = await raw.ok("GET", f"/v3/webhooks/{bad['_id']}/events", params={"filter": "SUCCESS"})
    assert ok_only["events"] == []

    event_id = failed["events"][0]["_id"]
    one = await raw.ok("GET", f"/v3/webhooks/{bad['_id']}/events/{event_id}")
    assert one["_id"] == event_id
    await raw.ok("POST", f"/v3/webhooks/{bad['_id']}/events/{event_id}/resend", json={})
    assert await fake.deliver_pending() == 1
    assert received[-1][0] == "https://example.com/failing"
    assert received[-1][1]["verificationToken"] not in tokens
    await raw.error(
        "GET", f"/v3/webhooks/{good['_id']}/events/{event_id}", 404, "WEBHOOK_EVENT_NOT_FOUND"
    )


async def test_helpers_queue_events_until_delivered(fake: FakeIgnisign, raw: Raw) -> None:
    delivered: list[str] = []

    async def sender(url: str, body: bytes) -> int:
        delivered.append(url)
        return 200

    flow = await raw.published()
    fake.webhook_sender = sender
    await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/h"})
    fake.sign(flow["sr"])
    assert delivered == []
    assert await fake.deliver_pending() == 5
    assert len(delivered) == 5
    assert await fake.deliver_pending() == 0


async def test_the_sdk_router_verifies_through_the_same_emulator(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    """The sender calls back into the emulator (token check) without deadlock, in order."""
    fake, client = fake_ignisign, ignisign_client
    router = client.webhook_router()
    seen: list[tuple[str, str]] = []

    @router.on(None)
    async def record(event: Any) -> None:
        seen.append((str(event.topic), str(event.action)))

    fake.webhook_sender = asgi_sender(router.asgi())
    hook = await client.webhooks.create(url="https://app.example.com/ignisign/webhook")
    profile = fake.default_signature_profile_id
    signer = await client.signers.create(
        signature_profile_id=profile, first_name="A", last_name="B", email="a@example.com"
    )
    sr = await client.signature_requests.init(profile)
    assert sr.signature_request_id is not None
    request_id = sr.signature_request_id
    doc = await client.documents.init(signature_request_id=request_id)
    await client.documents.provide_file(
        doc.document_id, b"%PDF-1.4 x", file_name="a.pdf", content_type="application/pdf"
    )
    await client.signature_requests.update(
        request_id, document_ids=[doc.document_id], signer_ids=[signer.signer_id]
    )
    await client.signature_requests.publish(request_id)
    fake.sign(request_id)
    await fake.deliver_pending()
    assert seen == topics(fake)
    assert [str(e.status) async for e in client.webhooks.iter_events(hook.id)] == ["SUCCESS"] * 9
    checks = [r for r in fake.requests if r.path.endswith("checking-consumption")]
    assert len(checks) == 9


async def test_webhook_endpoint_validation(raw: Raw) -> None:
    await raw.error("POST", "{E}/webhooks", 400, "BODY_VALIDATION_FAILED", json={"url": "nope"})
    await raw.error("POST", "{E}/webhooks", 400, "BODY_VALIDATION_FAILED", json={})
    created = await raw.ok(
        "POST", "{E}/webhooks", json={"url": "http://localhost:8000/h", "description": "dev"}
    )
    assert set(created) == {"_id", "url", "description", "_createdAt"}
    removed = await raw.ok("DELETE", f"/v3/webhooks/{created['_id']}")
    assert removed == created
    assert await raw.ok("GET", "{E}/webhooks") == []


async def test_asgi_sender_keeps_the_path() -> None:
    paths: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        paths.append(scope["path"])
        await receive()
        await send({"type": "http.response.start", "status": 202, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    status = await asgi_sender(app)("https://example.com/hooks/ignisign?x=1", b"{}")
    assert (status, paths) == (202, ["/hooks/ignisign"])
