"""``client.webhooks``: #42-#49."""

from __future__ import annotations

import datetime as dt

import pytest

from ignisign_async import APIResponseValidationError, AsyncIgnisign, InternalServerError
from ignisign_async.models import (
    AppEnv,
    RemovedWebhook,
    ResentWebhookEvent,
    TokenCheckResult,
    WebhookDeliveryResponse,
    WebhookEndpoint,
    WebhookEventStatus,
    WebhookMessageNature,
    WebhookTopic,
)
from tests.conftest import APP_ENV, APP_ID
from tests.fixtures import seed_samples as samples

from .conftest import E, FakeApi

HOOK = "hook?1"
HOOK_PATH = "/v3/webhooks/hook%3F1"
EVENT = "event/9"
EVENT_ENC = "event%2F9"
URL = "https://example.com/ignisign"
SEED_TS = dt.datetime(2019, 8, 24, 14, 15, 22, tzinfo=dt.timezone.utc)
SEED_WEBHOOK = WebhookEndpoint(id="string", url="string", description="string", created_at=SEED_TS)
CHECK_PATH = "/v3/tokens/webhook-verification/checking-consumption"


def _endpoint(id_: str, url: str) -> dict[str, object]:
    return {"_id": id_, "url": url, "isDisabled": False}


async def test_list(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/webhooks", [samples.WEBHOOK])
    endpoints = await client.webhooks.list()
    api.single().expect("GET", f"{E}/webhooks")
    assert endpoints == [SEED_WEBHOOK]


async def test_create(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/webhooks", samples.WEBHOOK)
    endpoint = await client.webhooks.create(url=URL, description="prod")
    api.single().expect("POST", f"{E}/webhooks", json={"url": URL, "description": "prod"})
    assert endpoint == SEED_WEBHOOK


async def test_create_without_description_sends_the_url_only(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    api.reply("POST", f"{E}/webhooks", samples.WEBHOOK)
    await client.webhooks.create(url=URL)
    api.single().expect("POST", f"{E}/webhooks", json={"url": URL})


async def test_create_answered_with_every_endpoint(api: FakeApi, client: AsyncIgnisign) -> None:
    """Reference 12.4: the Node SDK types the answer as the environment's endpoints."""
    answer = [_endpoint("old", "https://old.example"), _endpoint("new", URL)]
    api.reply("POST", f"{E}/webhooks", answer)
    endpoint = await client.webhooks.create(url=URL)
    assert endpoint == WebhookEndpoint(id="new", url=URL, is_disabled=False)


async def test_create_answered_with_a_list_without_it(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/webhooks", [_endpoint("old", "https://old.example")])
    with pytest.raises(APIResponseValidationError):
        await client.webhooks.create(url=URL)


async def test_update(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("PUT", HOOK_PATH, samples.WEBHOOK)
    endpoint = await client.webhooks.update(HOOK, url=URL, description="moved")
    api.single().expect("PUT", HOOK_PATH, json={"url": URL, "description": "moved"})
    assert endpoint == SEED_WEBHOOK


async def test_update_answered_with_every_endpoint(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("PUT", HOOK_PATH, [_endpoint("other", URL), _endpoint(HOOK, URL)])
    endpoint = await client.webhooks.update(HOOK, url=URL)
    assert endpoint.id == HOOK


async def test_remove(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("DELETE", HOOK_PATH, samples.WEBHOOK)
    removed = await client.webhooks.remove(HOOK)
    api.single().expect("DELETE", HOOK_PATH)
    assert removed == RemovedWebhook(webhook_id=HOOK, endpoint=SEED_WEBHOOK)


async def test_remove_answered_with_the_remaining_endpoints(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    api.reply("DELETE", HOOK_PATH, [_endpoint("other", URL)])
    removed = await client.webhooks.remove(HOOK)
    assert removed == RemovedWebhook(webhook_id=HOOK, endpoint=None)


async def test_list_events_sends_only_what_is_given(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{HOOK_PATH}/events", samples.WEBHOOK_EVENTS)
    page = await client.webhooks.list_events(HOOK)
    api.single().expect("GET", f"{HOOK_PATH}/events")
    (record,) = page.items
    assert record.id == "string"
    assert (page.total, page.page, page.search_data.nb_events_per_page) == (1, 1, 20)


async def test_list_events_with_filter_and_page(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{HOOK_PATH}/events", samples.WEBHOOK_EVENTS)
    await client.webhooks.list_events(HOOK, filter="FAILED", page=2)
    api.single().expect("GET", f"{HOOK_PATH}/events", query=[("filter", "FAILED"), ("page", "2")])


async def test_list_events_refuses_an_unknown_filter(api: FakeApi, client: AsyncIgnisign) -> None:
    with pytest.raises(ValueError, match="filter"):
        await client.webhooks.list_events(HOOK, filter="BROKEN")
    assert api.sent == []


async def test_get_event(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{HOOK_PATH}/events/{EVENT_ENC}", samples.WEBHOOK_EVENT)
    record = await client.webhooks.get_event(HOOK, EVENT)
    api.single().expect("GET", f"{HOOK_PATH}/events/{EVENT_ENC}")
    assert record.app_env is AppEnv.DEVELOPMENT
    assert record.webhook_id == "string"
    assert record.topic is WebhookTopic.ALL
    assert record.action == "INITIALIZED"
    assert record.msg_nature is WebhookMessageNature.INFO
    assert record.content == {}
    assert record.error is not None
    assert record.error.error_code is None
    assert record.response == WebhookDeliveryResponse(status=200, status_text="OK")
    assert record.status is WebhookEventStatus.SUCCESS
    assert record.created_at == SEED_TS


async def test_resend_event(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{HOOK_PATH}/events/{EVENT_ENC}/resend"
    api.reply("POST", path, content=b"")
    result = await client.webhooks.resend_event(HOOK, EVENT)
    api.single().expect("POST", path, json={})
    assert result == ResentWebhookEvent(webhook_id=HOOK, event_id=EVENT)


async def test_check_token_posts_token_app_and_env(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", CHECK_PATH, samples.TOKEN_CHECK)
    result = await client.webhooks.check_token("tok-123")
    api.single().expect(
        "POST", CHECK_PATH, json={"token": "tok-123", "appId": APP_ID, "appEnv": APP_ENV}
    )
    assert result == TokenCheckResult(is_valid=True, have_been_consumed=True)


async def test_check_token_is_never_sent_twice(api: FakeApi, client: AsyncIgnisign) -> None:
    """The token is single-use: a replay after a server error would be refused anyway."""
    api.reply("POST", CHECK_PATH, {"message": "down"}, status=503, headers={"retry-after": "0"})
    with pytest.raises(InternalServerError):
        await client.with_options(max_retries=3).webhooks.check_token("tok-123")
    assert len(api.sent) == 1


async def test_check_token_refusal_flags(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", CHECK_PATH, {"isValid": False, "alreadyConsumed": True})
    result = await client.webhooks.check_token("tok-123")
    assert (result.is_valid, result.already_consumed, result.is_expired) == (False, True, False)
