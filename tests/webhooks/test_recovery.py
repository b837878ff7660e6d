"""A callback that fails is answered 5xx, IgniSign records the delivery FAILED, and
``webhooks.resend_failed`` brings the events back once the callback is fixed."""

from __future__ import annotations

from ignisign_async.models.webhook_events import WebhookEvent
from ignisign_async.models.webhooks import ResentFailedEvents
from ignisign_async.testing import FakeIgnisign, asgi_sender


async def test_failed_deliveries_are_recorded_and_resent_once() -> None:
    fake = FakeIgnisign()
    async with fake.client() as client:
        router = client.webhook_router()
        handled: list[str] = []
        broken = True

        @router.on_signer(action="CREATED")
        async def store(event: WebhookEvent) -> None:
            if broken:
                raise RuntimeError("the database is down")
            handled.append(event.content.signer_id)

        fake.webhook_sender = asgi_sender(router.asgi())
        fake.webhook_retries(attempts=1)  # IgniSign gave up on these deliveries
        endpoint = await client.webhooks.create(url="https://app.example/ignisign/webhook")
        profile_id = fake.default_signature_profile_id
        signers = [
            await client.signers.create(
                signature_profile_id=profile_id, first_name="A", last_name=n, email=f"{n}@b.example"
            )
            for n in ("one", "two")
        ]
        await fake.deliver_pending()

        failed = await client.webhooks.list_events(endpoint.id, filter="FAILED")
        assert len(failed.items) == 2  # each endpoint answer was a 500
        assert all(record.response and record.response.status == 500 for record in failed.items)
        assert handled == []

        broken = False  # the fix is deployed
        resent = await client.webhooks.resend_failed(endpoint.id)
        await fake.deliver_pending()
        assert resent == ResentFailedEvents(  # oldest first (the emulator lists newest first)
            webhook_id=endpoint.id, event_ids=tuple(r.id for r in reversed(failed.items))
        )
        assert sorted(handled) == sorted(s.signer_id for s in signers)
        assert (await client.webhooks.list_events(endpoint.id, filter="FAILED")).items == ()
        again = await client.webhooks.resend_failed(endpoint.id)
        assert again.event_ids == ()  # nothing is resent twice
        assert len(handled) == 2
