"""WebhookRouter: registration, matching, verification order, callback isolation, threads."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ignisign_async import AsyncIgnisign, RateLimitError, WebhookError, WebhookVerificationError
from ignisign_async.models.webhook_events import (
    SignatureRequestEvent,
    SignatureRequestWebhookContent,
    WebhookEvent,
)
from ignisign_async.models.webhook_topics import (
    WebhookMessageNature,
    WebhookSignatureRequestAction,
    WebhookSignerAction,
    WebhookTopic,
)
from ignisign_async.webhooks import WebhookRouter, http_status_for
from tests.conftest import APP_ENV, APP_ID

from .conftest import CHECK_PATH, TokenAPI
from .samples import SESSION_TOKEN, TOKEN, event_bytes, event_dict

Recorder = Callable[[str], Callable[[WebhookEvent], None]]


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def record(calls: list[str]) -> Recorder:
    def make(name: str) -> Callable[[WebhookEvent], None]:
        async def callback(event: WebhookEvent) -> None:
            calls.append(name)

        callback.__qualname__ = name
        return callback  # type: ignore[return-value]

    return make


# -- matching -------------------------------------------------------------------------------


async def test_matching_callbacks_run_in_registration_order(
    client: AsyncIgnisign, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("any"), None)
    router.add(record("all-string"), "ALL", "ALL", "ALL")
    router.add(record("topic"), WebhookTopic.SIGNATURE_REQUEST)
    router.add(record("topic+action"), "SIGNATURE_REQUEST", "LAUNCHED")
    router.add(record("topic+action+nature"), "SIGNATURE_REQUEST", "LAUNCHED", "INFO")
    router.add(record("action-any-topic"), None, WebhookSignatureRequestAction.LAUNCHED)
    router.add(record("nature-only"), None, None, WebhookMessageNature.INFO)
    router.add(record("other-action"), "SIGNATURE_REQUEST", "COMPLETED")
    router.add(record("other-nature"), "SIGNATURE_REQUEST", "LAUNCHED", "ERROR")
    router.add(record("other-topic"), "SIGNER")

    result = await router.consume(event_bytes("SIGNATURE_REQUEST", "LAUNCHED"))

    expected = [
        "any",
        "all-string",
        "topic",
        "topic+action",
        "topic+action+nature",
        "action-any-topic",
        "nature-only",
    ]
    assert calls == expected
    assert [c.__qualname__ for c in result.ran] == expected
    assert result.failed == ()
    assert result.ok
    assert isinstance(result.event.content, SignatureRequestWebhookContent)


async def test_action_wildcard_across_topics(
    client: AsyncIgnisign, api: TokenAPI, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("failed"), None, "FAILED")
    api.valid = {"t1", "t2", "t3"}
    await router.consume(event_dict("SIGNATURE", "FAILED", token="t1"))
    await router.consume(event_dict("SIGNATURE_REQUEST", "FAILED", token="t2"))
    await router.consume(event_dict("SIGNATURE_REQUEST", "COMPLETED", token="t3"))
    assert calls == ["failed", "failed"]


async def test_spelling_variants_match_canonical_registrations(
    client: AsyncIgnisign, api: TokenAPI, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("app"), "APPLICATION")
    router.add(record("image"), WebhookTopic.SIGNATURE_SIGNER_IMAGE)
    api.valid = {"t1", "t2"}
    await router.consume({**event_dict("APP", token="t1"), "topic": "APPLICATION"})
    await router.consume(
        {**event_dict("SIGNATURE_SIGNER_IMAGE", token="t2"), "topic": "SIGNATURE_IMAGE"}
    )
    assert calls == ["app", "image"]


async def test_unknown_topic_is_dispatched_to_catch_all_only(
    client: AsyncIgnisign, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("any"), None)
    router.add(record("sr"), "SIGNATURE_REQUEST")
    result = await router.consume(event_dict("BRAND_NEW", "HAPPENED", content={"k": 1}))
    assert calls == ["any"]
    assert result.event.content == {"k": 1}


async def test_typed_shortcuts_register_their_topic(
    client: AsyncIgnisign, calls: list[str]
) -> None:
    router = client.webhook_router()

    @router.on_signature_request(action="LAUNCHED")
    async def launched(event: SignatureRequestEvent) -> None:
        calls.append(event.content.signers[0].token or "")

    @router.on_signer()
    async def signer(event: Any) -> None:
        calls.append("signer")

    shortcuts = {
        router.on_signature: WebhookTopic.SIGNATURE,
        router.on_signature_request: WebhookTopic.SIGNATURE_REQUEST,
        router.on_signer: WebhookTopic.SIGNER,
        router.on_document_request: WebhookTopic.DOCUMENT_REQUEST,
        router.on_signature_profile: WebhookTopic.SIGNATURE_PROFILE,
        router.on_signature_session: WebhookTopic.SIGNATURE_SESSION,
        router.on_signature_proof: WebhookTopic.SIGNATURE_PROOF,
        router.on_signature_image: WebhookTopic.SIGNATURE_SIGNER_IMAGE,
        router.on_application: WebhookTopic.APP,
    }
    for shortcut, topic in shortcuts.items():
        shortcut(msg_nature="ERROR")(lambda event: None)
        assert router.registrations[-1].topic is topic
        assert router.registrations[-1].msg_nature is WebhookMessageNature.ERROR

    assert launched.__name__ == "launched"  # the decorator returns the function itself
    await router.consume(event_bytes("SIGNATURE_REQUEST", "LAUNCHED"))
    assert calls == [SESSION_TOKEN]


async def test_on_returns_the_function_and_add_remove_handles(client: AsyncIgnisign) -> None:
    router = client.webhook_router()

    def callback(event: WebhookEvent) -> None:
        pass

    assert router.on(WebhookTopic.SIGNER, WebhookSignerAction.CREATED)(callback) is callback
    handle = router.add(callback, "SIGNATURE")
    assert [r.topic for r in router.registrations] == [WebhookTopic.SIGNER, WebhookTopic.SIGNATURE]
    assert router.registrations[0].action is WebhookSignerAction.CREATED
    assert router.remove(handle) is True
    assert router.remove(handle) is False
    assert [r.topic for r in router.registrations] == [WebhookTopic.SIGNER]


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [
        (("SIGNATURE_REQUESTS",), ValueError, "topic must be one of .*; got 'SIGNATURE_REQUESTS'$"),
        ((WebhookTopic("SIGNATURE_REQUESTS"),), ValueError, "; got 'SIGNATURE_REQUESTS'$"),
        (("SIGNATURE_REQUEST", "LAUNCH"), ValueError, "action of topic SIGNATURE_REQUEST"),
        (("SIGNER", WebhookSignatureRequestAction.LAUNCHED), ValueError, "action of topic SIGNER"),
        ((None, "NOPE"), ValueError, "action must be one of"),
        (("SIGNER", None, "FATAL"), ValueError, "msg_nature must be one of"),
        (("SIGNER", 3), TypeError, "action must be a str"),
    ],
)
async def test_registration_refuses_values_that_could_never_match(
    client: AsyncIgnisign, args: tuple[Any, ...], error: type[Exception], fragment: str
) -> None:
    router = client.webhook_router()
    with pytest.raises(error, match=fragment):
        router.add(lambda event: None, *args)
    assert router.registrations == ()


async def test_a_callback_must_be_callable(client: AsyncIgnisign) -> None:
    with pytest.raises(TypeError, match="callable"):
        client.webhook_router().add("not a function", None)  # type: ignore[arg-type]


# -- verification ---------------------------------------------------------------------------


async def test_token_check_request_on_the_wire(client: AsyncIgnisign, api: TokenAPI) -> None:
    await client.webhook_router().consume(event_bytes())
    (check,) = api.checks
    assert check.method == "POST"
    assert check.url.path == CHECK_PATH
    assert check.url.query == b""
    assert check.headers["content-type"] == "application/json"
    assert check.headers["authorization"] == f"Bearer {api.jwt}"
    assert json.loads(check.content) == {"token": TOKEN, "appId": APP_ID, "appEnv": APP_ENV}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("appId", "appId_9999-8888-7777-6666-5555", "SDK_WEBHOOK_BAD_APP_ID"),
        ("appEnv", "PRODUCTION", "SDK_WEBHOOK_BAD_APP_ENV"),
        ("appEnv", "SANDBOX", "SDK_WEBHOOK_BAD_APP_ENV"),
    ],
)
async def test_app_mismatch_is_refused_before_any_request(
    client: AsyncIgnisign,
    api: TokenAPI,
    record: Recorder,
    calls: list[str],
    field: str,
    value: str,
    code: str,
) -> None:
    router = client.webhook_router()
    router.add(record("any"), None)
    with pytest.raises(WebhookVerificationError) as info:
        await router.consume(event_dict(**{field: value}))
    assert info.value.code == code
    assert http_status_for(info.value) == 401
    assert api.requests == []  # no token check, not even authentication
    assert calls == []
    assert TOKEN not in api.consumed


async def test_app_id_is_checked_before_app_env(client: AsyncIgnisign, api: TokenAPI) -> None:
    body = event_dict(appId="appId_other", appEnv="PRODUCTION")
    with pytest.raises(WebhookVerificationError) as info:
        await client.webhook_router().consume(body)
    assert info.value.code == "SDK_WEBHOOK_BAD_APP_ID"


async def test_refused_token_is_not_dispatched(
    client: AsyncIgnisign, api: TokenAPI, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("any"), None)
    with pytest.raises(WebhookVerificationError) as info:
        await router.consume(event_dict(token="forged-token"))
    assert info.value.code == "SDK_WEBHOOK_VERIFICATION_FAILED"
    assert http_status_for(info.value) == 401
    assert "forged-token" not in str(info.value)
    assert len(api.checks) == 1
    assert calls == []


async def test_a_token_is_good_once(
    client: AsyncIgnisign, api: TokenAPI, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("any"), None)
    body = event_bytes()
    await router.consume(body)
    with pytest.raises(WebhookVerificationError):
        await router.consume(body)
    assert calls == ["any"]
    assert len(api.checks) == 2


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_check_that_fails_is_sent_once_and_nothing_dispatched(
    client: AsyncIgnisign,
    api: TokenAPI,
    record: Recorder,
    calls: list[str],
    status: int,
) -> None:
    api.check_status = status
    assert client.max_retries == 2
    router = client.webhook_router()
    router.add(record("any"), None)
    with pytest.raises(WebhookVerificationError) as info:
        await router.consume(event_bytes())
    assert info.value.code == "SDK_WEBHOOK_VERIFICATION_FAILED"
    assert "could not be verified" in str(info.value)
    assert http_status_for(info.value) == 503
    assert len(api.checks) == 1  # non-idempotent: never replayed
    assert calls == []


async def test_check_that_cannot_connect_is_not_dispatched(
    record: Recorder, calls: list[str]
) -> None:
    checks: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path == CHECK_PATH:
            checks.append(request)
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(200, json={"jwtToken": "a.eyJleHAiOjQxMDI0NDQ4MDB9.c"})

    async with AsyncIgnisign(
        APP_ID, APP_ENV, "sk_development_x", transport=httpx.MockTransport(refuse)
    ) as client:
        router = client.webhook_router()
        router.add(record("any"), None)
        with pytest.raises(WebhookVerificationError) as info:
            await router.consume(event_bytes())
    assert http_status_for(info.value) == 503
    assert len(checks) == 1  # the request may have reached IgniSign: not replayed
    assert calls == []


async def test_rate_limited_check_is_503(
    make_client: Callable[..., AsyncIgnisign], api: TokenAPI
) -> None:
    api.check_status = 429
    async with make_client(max_retries=0) as client:
        with pytest.raises(WebhookVerificationError) as info:
            await client.webhook_router().consume(event_bytes())
    assert http_status_for(info.value) == 503
    assert isinstance(info.value.__cause__, RateLimitError)


async def test_malformed_body_is_refused_without_requests(
    client: AsyncIgnisign, api: TokenAPI, record: Recorder, calls: list[str]
) -> None:
    router = client.webhook_router()
    router.add(record("any"), None)
    with pytest.raises(WebhookError) as info:
        await router.consume(b'{"appId": ')
    assert not isinstance(info.value, WebhookVerificationError)
    assert info.value.code == "SDK_WEBHOOK_BAD_FORMATTED"
    assert http_status_for(info.value) == 400
    body = event_dict()
    del body["verificationToken"]
    with pytest.raises(WebhookError, match="verificationToken"):
        await router.consume(body)
    assert api.requests == []
    assert calls == []


# -- callbacks ------------------------------------------------------------------------------


async def test_failing_callback_is_logged_and_isolated(
    client: AsyncIgnisign, calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    router = client.webhook_router()
    boom = RuntimeError("callback exploded")

    async def first(event: WebhookEvent) -> None:
        calls.append("first")

    async def broken(event: WebhookEvent) -> None:
        raise boom

    def broken_sync(event: WebhookEvent) -> None:
        raise KeyError("sync exploded")

    async def last(event: WebhookEvent) -> None:
        calls.append("last")

    for callback in (first, broken, broken_sync, last):
        router.add(callback, None)
    with caplog.at_level(logging.ERROR, logger="ignisign_async.webhooks"):
        result = await router.consume(event_bytes("SIGNATURE_REQUEST", "LAUNCHED"))

    assert calls == ["first", "last"]
    assert result.ran == (first, last)
    assert [f.callback for f in result.failed] == [broken, broken_sync]
    assert result.failed[0].exception is boom
    assert isinstance(result.failed[1].exception, KeyError)
    assert not result.ok
    records = [r for r in caplog.records if r.name == "ignisign_async.webhooks"]
    assert len(records) == 2
    text = "\n".join(r.getMessage() for r in records)
    assert "broken" in text
    assert "SIGNATURE_REQUEST/LAUNCHED" in text
    assert records[0].exc_info is not None
    assert records[0].exc_info[1] is boom
    assert TOKEN not in caplog.text
    assert SESSION_TOKEN not in caplog.text


async def test_sync_callbacks_run_in_a_worker_thread(client: AsyncIgnisign) -> None:
    router = client.webhook_router()
    loop_thread = threading.get_ident()
    threads: list[int] = []

    @router.on(None)
    def plain(event: WebhookEvent) -> None:
        threads.append(threading.get_ident())

    await router.consume(event_bytes())
    assert len(threads) == 1
    assert threads[0] != loop_thread


async def test_sync_callbacks_inline_when_asked(client: AsyncIgnisign) -> None:
    router = WebhookRouter(client, run_sync_in_thread=False)
    threads: list[int] = []
    router.add(lambda event: threads.append(threading.get_ident()), None)
    await router.consume(event_bytes())
    assert threads == [threading.get_ident()]


async def test_async_callable_objects_and_awaitable_results(client: AsyncIgnisign) -> None:
    router = client.webhook_router()
    seen: list[str] = []

    class Handler:
        async def __call__(self, event: WebhookEvent) -> None:
            seen.append("object")

    async def coroutine(event: WebhookEvent) -> None:
        seen.append("returned awaitable")

    router.add(Handler(), None)
    router.add(lambda event: coroutine(event), None)
    assert router.registrations[0].is_async
    assert not router.registrations[1].is_async
    result = await router.consume(event_bytes())
    assert seen == ["object", "returned awaitable"]
    assert len(result.ran) == 2


async def test_callbacks_removed_or_added_during_dispatch_take_effect_next_time(
    client: AsyncIgnisign, api: TokenAPI, calls: list[str]
) -> None:
    router = client.webhook_router()

    async def second(event: WebhookEvent) -> None:
        calls.append("second")

    async def first(event: WebhookEvent) -> None:
        calls.append("first")
        router.remove(handle)
        router.add(second, None)

    handle = router.add(first, None)
    api.valid = {"t1", "t2"}
    await router.consume(event_dict(token="t1"))
    await router.consume(event_dict(token="t2"))
    assert calls == ["first", "second"]


async def test_repr_shows_no_secret(client: AsyncIgnisign) -> None:
    router = client.webhook_router()
    router.add(lambda event: None, None)
    assert "1 callback(s)" in repr(router)
    assert "sk_development" not in repr(router)
