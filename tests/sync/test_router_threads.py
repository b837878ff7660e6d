"""Where the sync router runs callbacks: plain functions in the calling thread, with no loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio
import pytest

from ignisign_async import Ignisign, WebhookVerificationError
from ignisign_async.testing import FakeIgnisign
from tests.sync.test_workflows import publish_one


def completed_bodies(fake: FakeIgnisign, client: Ignisign) -> list[bytes]:
    bodies: list[bytes] = []

    async def collect(url: str, body: bytes) -> int:
        bodies.append(body)
        return 200

    fake.webhook_sender = collect
    client.webhooks.create(url="https://app.example.com/ignisign")
    request_id, _, _ = publish_one(fake, client)
    fake.sign(request_id)
    anyio.run(fake.deliver_pending)  # the emulator would POST them in the background
    return bodies


def running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def test_plain_callbacks_run_in_the_calling_thread_with_no_running_loop(
    fake_ignisign: FakeIgnisign, ignisign_sync_client: Ignisign
) -> None:
    client = ignisign_sync_client
    bodies = completed_bodies(fake_ignisign, client)
    router = client.webhook_router()
    order: list[tuple[str, str, bool]] = []

    @router.on(None)
    def first(event: Any) -> None:
        order.append(("plain", threading.current_thread().name, running_loop() is None))
        client.signature_profiles.list()  # the client in place, on this thread's own loop

    @router.on(None)
    async def second(event: Any) -> None:
        order.append(("async", threading.current_thread().name, running_loop() is None))

    @router.on(None)
    def third(event: Any) -> None:
        order.append(("plain", threading.current_thread().name, running_loop() is None))

    results: list[object] = []
    worker = threading.Thread(
        target=lambda: results.extend(router.consume(b) for b in bodies), name="request-thread"
    )
    worker.start()
    worker.join(30)
    assert results
    assert all(r.ok for r in results)  # type: ignore[attr-defined]
    assert order[:3] == [
        ("plain", "request-thread", True),
        ("async", "request-thread", False),  # on the thread's private loop, in turn
        ("plain", "request-thread", True),
    ]
    assert len(order) == 3 * len(bodies)


def test_consume_from_async_code_still_runs_plain_callbacks_in_the_caller(
    fake_ignisign: FakeIgnisign, ignisign_sync_client: Ignisign
) -> None:
    client = ignisign_sync_client
    bodies = completed_bodies(fake_ignisign, client)
    router = client.webhook_router()
    threads: list[str] = []
    router.add(lambda event: threads.append(threading.current_thread().name))

    async def notebook_cell() -> None:
        for body in bodies:
            assert router.consume(body).ok  # verification goes to the helper thread

    asyncio.run(notebook_cell())
    assert threads == ["MainThread"] * len(bodies)


def test_verify_spends_the_token_and_runs_nothing(
    fake_ignisign: FakeIgnisign, ignisign_sync_client: Ignisign
) -> None:
    client = ignisign_sync_client
    bodies = completed_bodies(fake_ignisign, client)
    router = client.webhook_router()
    ran: list[object] = []
    router.add(ran.append)
    body = bodies[0]
    event = router.verify(body)
    assert str(event.topic) == "SIGNER"
    assert ran == []
    with pytest.raises(WebhookVerificationError):
        router.consume(body)
    assert ran == []
