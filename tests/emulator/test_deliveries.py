"""Webhook deliveries like the platform's: after the answer, in the background, retried, chaotic."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.testing import FakeIgnisign, asgi_sender

from .conftest import Raw


class Endpoint:
    """A webhook endpoint for the sender: records bodies, answers scripted statuses."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses = list(statuses or [])
        self.release = anyio.Event()
        self.hold = False
        self.arrived = anyio.Event()
        self.second = anyio.Event()

    async def __call__(self, url: str, body: bytes) -> int:
        self.bodies.append(json.loads(body))
        self.arrived.set()
        if len(self.bodies) == 2:
            self.second.set()
        if self.hold:
            await self.release.wait()
        return self.statuses.pop(0) if self.statuses else 204


async def _events(raw: Raw, hook_id: str) -> list[dict[str, Any]]:
    return list((await raw.ok("GET", f"/v3/webhooks/{hook_id}/events"))["events"])


async def test_a_slow_endpoint_does_not_hold_the_answer(fake: FakeIgnisign, raw: Raw) -> None:
    endpoint = Endpoint()
    endpoint.hold = True  # the endpoint answers only when the test says so
    fake.webhook_sender = endpoint
    hook = await raw.ok("POST", "{E}/webhooks", json={"url": "https://app.example.com/h"})
    with anyio.fail_after(10):  # an inline delivery would wait for the release: a deadlock
        sr = await raw.draft()
        await endpoint.arrived.wait()  # the worker POSTs in the background
    (record,) = await _events(raw, hook["_id"])
    assert (record["status"], record["action"]) == ("PENDING", "INITIALIZED")
    assert "response" not in record
    endpoint.release.set()
    with anyio.fail_after(10):
        assert await fake.deliver_pending() == 0  # waits for the POST in flight
    (record,) = await _events(raw, hook["_id"])
    assert (record["status"], record["response"]) == (
        "SUCCESS",
        {"status": 204, "statusText": "No Content"},
    )
    assert endpoint.bodies[0]["content"]["signatureRequestId"] == sr


async def test_the_worker_delivers_without_being_asked(fake: FakeIgnisign, raw: Raw) -> None:
    endpoint = Endpoint()
    fake.webhook_sender = endpoint
    await raw.ok("POST", "{E}/webhooks", json={"url": "https://app.example.com/h"})
    await raw.draft()
    with anyio.fail_after(10):
        await endpoint.arrived.wait()
    assert [b["action"] for b in endpoint.bodies] == ["INITIALIZED"]
    assert fake.pending_webhook_deliveries == 0


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_failed_deliveries_are_retried_with_backoff_then_succeed() -> None:
    clock = Clock()
    fake = FakeIgnisign(clock=clock)
    fake.webhook_retries(attempts=4, first_delay=10.0, factor=3.0, max_delay=60.0)
    endpoint = Endpoint(statuses=[500, 503])
    fake.webhook_sender = endpoint
    async with fake.client() as client:
        hook = await client.webhooks.create(url="https://app.example.com/h")
        await client.signature_requests.init(fake.default_signature_profile_id)
        assert await fake.deliver_pending() == 1
        (event,) = [e async for e in client.webhooks.iter_events(hook.id)]
        assert str(event.status) == "FAILED"
        assert event.response is not None
        assert (event.response.status, event.response.status_text) == (
            500,
            "Internal Server Error",
        )
        assert fake.pending_webhook_deliveries == 1  # the retry, due in 10 s
        assert await fake.deliver_pending() == 1  # stepped by hand: delays are ignored
        assert await fake.deliver_pending() == 1
        assert fake.pending_webhook_deliveries == 0
        (event,) = [e async for e in client.webhooks.iter_events(hook.id)]
        assert str(event.status) == "SUCCESS"
    assert [a.status for a in fake.webhook_deliveries] == [500, 503, 204]
    tokens = [b["verificationToken"] for b in endpoint.bodies]
    assert len(set(tokens)) == 3  # each retry carries a fresh token


async def test_retries_stop_after_the_last_attempt(fake: FakeIgnisign, raw: Raw) -> None:
    fake.webhook_retries(attempts=2, first_delay=30.0)
    endpoint = Endpoint(statuses=[500] * 5)
    fake.webhook_sender = endpoint
    hook = await raw.ok("POST", "{E}/webhooks", json={"url": "https://app.example.com/h"})
    await raw.draft()
    assert await fake.deliver_pending() == 1
    assert await fake.deliver_pending() == 1
    assert await fake.deliver_pending() == 0
    (record,) = await _events(raw, hook["_id"])
    assert record["status"] == "FAILED"
    assert len(endpoint.bodies) == 2


async def test_the_worker_waits_out_the_backoff_on_the_real_clock(
    fake: FakeIgnisign, raw: Raw
) -> None:
    fake.webhook_retries(attempts=3, first_delay=0.01)
    endpoint = Endpoint(statuses=[502])
    fake.webhook_sender = endpoint
    await raw.ok("POST", "{E}/webhooks", json={"url": "https://app.example.com/h"})
    await raw.draft()
    with anyio.fail_after(10):
        await endpoint.second.wait()
        while len(fake.webhook_deliveries) < 2:  # the second POST is recorded once it returns
            await raw.ok("GET", "/v3/healthcheck")
    assert [a.status for a in fake.webhook_deliveries] == [502, 204]


def test_the_retry_policy_and_chaos_are_checked() -> None:
    fake = FakeIgnisign()
    with pytest.raises(ValueError, match="attempts"):
        fake.webhook_retries(attempts=0)
    with pytest.raises(ValueError, match="first_delay"):
        fake.webhook_retries(first_delay=-1)
    with pytest.raises(ValueError, match="duplicate"):
        fake.webhook_chaos(duplicate=1.5)
    with pytest.raises(ValueError, match="low"):
        fake.webhook_chaos(delay=(2.0, 1.0))
    with pytest.raises(TypeError, match="seed"):
        fake.webhook_chaos(seed="7")  # type: ignore[arg-type]


async def _chaotic_run(seed: int) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """A whole signing with chaos on, stepped by hand; emitted events and POSTed bodies."""
    fake = FakeIgnisign(clock=Clock())
    fake.webhook_chaos(delay=(0, 2.0), duplicate=0.3, reorder=True, seed=seed)
    endpoint = Endpoint()
    fake.webhook_sender = endpoint
    async with fake.client() as client:
        await client.webhooks.create(url="https://app.example.com/h")
        profile = fake.default_signature_profile_id
        signer = await client.signers.create(
            signature_profile_id=profile, first_name="A", last_name="B", email="a@example.com"
        )
        request_id = (await client.signature_requests.init(profile)).signature_request_id
        assert request_id is not None
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
    emitted = [(e["topic"], e["action"]) for e in fake.webhook_events]
    return emitted, endpoint.bodies


async def test_chaos_reorders_and_duplicates_repeatably() -> None:
    emitted, bodies = await _chaotic_run(seed=7)
    again_emitted, again = await _chaotic_run(seed=7)
    posted = [(b["topic"], b["action"]) for b in bodies]
    assert emitted == again_emitted
    assert posted == [(b["topic"], b["action"]) for b in again]  # same seed, same disorder
    assert posted != emitted  # reordered
    assert len(posted) > len(emitted)  # some duplicated
    assert sorted(set(posted)) == sorted(set(emitted))  # nothing lost
    tokens = [b["verificationToken"] for b in bodies]
    assert len(set(tokens)) == len(tokens)  # a duplicate is a resend: a fresh token
    _, other = await _chaotic_run(seed=8)
    assert [(b["topic"], b["action"]) for b in other] != posted


async def test_a_duplicate_verifies_like_a_resend(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    """The app's router accepts both copies: duplicates are what idempotent handlers are for."""
    fake, client = fake_ignisign, ignisign_client
    fake.webhook_chaos(duplicate=1.0, seed=1)
    router = client.webhook_router()
    seen: list[str] = []

    @router.on_signer()
    async def created(event: Any) -> None:
        seen.append(event.content.signer_id)

    fake.webhook_sender = asgi_sender(router.asgi())
    hook = await client.webhooks.create(url="https://app.example.com/h")
    signer = await client.signers.create(
        signature_profile_id=fake.default_signature_profile_id,
        first_name="A",
        last_name="B",
        email="a@example.com",
    )
    await fake.deliver_pending()
    assert seen == [signer.signer_id, signer.signer_id]
    assert [a.status for a in fake.webhook_deliveries] == [200, 200]
    (record,) = [e async for e in client.webhooks.iter_events(hook.id)]
    assert str(record.status) == "SUCCESS"


async def test_chaos_off_again_keeps_order(fake: FakeIgnisign, raw: Raw) -> None:
    fake.webhook_chaos(duplicate=1.0, reorder=True, seed=3)
    fake.webhook_chaos()
    endpoint = Endpoint()
    fake.webhook_sender = endpoint
    await raw.ok("POST", "{E}/webhooks", json={"url": "https://app.example.com/h"})
    flow = await raw.published()
    await fake.deliver_pending()
    assert [b["action"] for b in endpoint.bodies] == [e["action"] for e in fake.webhook_events]
    assert flow["sr"] == endpoint.bodies[-1]["content"]["signatureRequestId"]


# -- over a socket: the worker of `python -m ignisign_async.testing serve` ---------------------


class Receiver:
    """An ASGI webhook endpoint served by uvicorn in a thread; can hold its first answer."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.arrived = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(json.loads(body))
        self.arrived.set()
        await anyio.to_thread.run_sync(self.release.wait)
        await send({"type": "http.response.start", "status": 202, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    import uvicorn

    app = Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield app, f"http://127.0.0.1:{sock.getsockname()[1]}/ignisign/webhook"
    finally:
        app.release.set()
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served() -> Iterator[dict[str, str]]:
    command = [sys.executable, "-m", "ignisign_async.testing", "serve", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline().startswith("FakeIgnisign serving on")
            yield dict(process.stdout.readline().strip().split("=", 1) for _ in range(4))
        finally:
            process.terminate()
            process.wait(timeout=10)


async def test_served_deliveries_come_after_the_answer(
    served: dict[str, str], receiver: tuple[Receiver, str]
) -> None:
    app, url = receiver
    async with AsyncIgnisign(
        served["IGNISIGN_APP_ID"],
        served["IGNISIGN_APP_ENV"],
        served["IGNISIGN_APP_SECRET"],
        base_url=served["IGNISIGN_BASE_URL"],
    ) as client:
        hook = await client.webhooks.create(url=url)  # a loopback URL: accepted on purpose
        with anyio.fail_after(10):  # the endpoint holds its answer: the API must not wait
            signer = await client.signers.create(
                signature_profile_id=(await client.signature_profiles.list())[0].id,
                first_name="A",
                last_name="B",
                email="a@example.com",
            )
            assert await anyio.to_thread.run_sync(app.arrived.wait, 10)
        (record,) = [e async for e in client.webhooks.iter_events(hook.id)]
        assert str(record.status) == "PENDING"
        app.release.set()
        with anyio.fail_after(10):
            while str(record.status) == "PENDING":
                await anyio.sleep(0.01)
                (record,) = [e async for e in client.webhooks.iter_events(hook.id)]
        assert str(record.status) == "SUCCESS"
        assert record.response is not None
        assert record.response.status == 202
    (body,) = app.bodies
    assert (body["topic"], body["action"]) == ("SIGNER", "CREATED")
    assert body["content"]["signerId"] == signer.signer_id


async def test_control_endpoints_set_retries_and_chaos(fake: FakeIgnisign, raw: Raw) -> None:
    endpoint = Endpoint(statuses=[500])
    fake.webhook_sender = endpoint
    await raw.ok("POST", "/_fake/webhooks/retries", json={"attempts": 1})
    await raw.ok("POST", "/_fake/webhooks/chaos", json={"duplicate": 1.0, "seed": 4})
    await raw.ok("POST", "{E}/webhooks", json={"url": "https://app.example.com/h"})
    await raw.draft()
    assert await fake.deliver_pending() == 2  # duplicated, and the failure is not retried
    assert await fake.deliver_pending() == 0
    for body in ({"attempts": 0}, {"firstDelay": "soon"}, {"color": 1}):
        await raw.error("POST", "/_fake/webhooks/retries", 400, "BODY_VALIDATION_FAILED", json=body)
    for body in ({"delay": [1, 2, 3]}, {"delay": [2, 1]}, {"duplicate": 2}, {"reorder": "yes"}):
        await raw.error("POST", "/_fake/webhooks/chaos", 400, "BODY_VALIDATION_FAILED", json=body)
    await raw.ok("POST", "/_fake/webhooks/chaos", json={})
    await raw.draft()
    assert await fake.deliver_pending() == 1


def test_sync_code_steps_deliveries_with_anyio_run() -> None:
    fake = FakeIgnisign()
    bodies: list[dict[str, Any]] = []

    async def sender(url: str, body: bytes) -> int:
        await anyio.lowlevel.checkpoint()  # a real endpoint suspends (the sync call has ended)
        bodies.append(json.loads(body))
        return 200

    fake.webhook_sender = sender
    with fake.sync_client() as client:
        client.webhooks.create(url="https://app.example.com/h")
        signer = client.signers.create(
            signature_profile_id=fake.default_signature_profile_id,
            first_name="A",
            last_name="B",
            email="a@example.com",
        )
        anyio.run(fake.deliver_pending)
        client.signature_requests.init(fake.default_signature_profile_id)
        anyio.run(fake.deliver_pending)
    assert [(b["topic"], b["action"]) for b in bodies] == [
        ("SIGNER", "CREATED"),
        ("SIGNATURE_REQUEST", "INITIALIZED"),
    ]
    assert bodies[0]["content"]["signerId"] == signer.signer_id
