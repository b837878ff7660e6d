"""The ASGI endpoint, driven through httpx.ASGITransport."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.models.webhook_events import WebhookEvent
from ignisign_async.webhooks import WebhookASGIApp

from .conftest import TokenAPI
from .samples import TOKEN, event_bytes, event_dict

URL = "http://app.test/ignisign/webhook"
JSON = {"content-type": "application/json"}


def http(app: WebhookASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))


async def post(
    app: WebhookASGIApp, content: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    async with http(app) as session:
        return await session.post(
            URL, content=content, headers=JSON if headers is None else headers
        )


async def test_500_when_a_callback_failed_200_when_all_ran(
    client: AsyncIgnisign, api: TokenAPI
) -> None:
    router = client.webhook_router()
    seen: list[WebhookEvent] = []

    @router.on_signature_request(action="LAUNCHED")
    async def launched(event: WebhookEvent) -> None:
        seen.append(event)

    @router.on(None)
    def broken(event: WebhookEvent) -> None:
        raise RuntimeError("no")

    router.add(lambda event: None, "SIGNER")
    response = await post(router.asgi(), event_bytes("SIGNATURE_REQUEST", "LAUNCHED"))

    assert response.status_code == 500  # IgniSign records the delivery FAILED: it can be resent
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "ok": False,
        "topic": "SIGNATURE_REQUEST",
        "action": "LAUNCHED",
        "callbacks": 2,
        "failed": 1,
    }
    assert len(seen) == 1
    assert len(api.checks) == 1

    router.remove(router.registrations[-2])  # ``broken``
    api.valid.add("second-token")
    body = json.dumps(event_dict("SIGNATURE_REQUEST", "LAUNCHED", token="second-token"))
    response = await post(router.asgi(), body.encode())
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert (response.json()["callbacks"], response.json()["failed"]) == (1, 0)
    assert len(seen) == 2


async def test_charset_parameter_is_accepted(client: AsyncIgnisign) -> None:
    app = client.webhook_router().asgi()
    response = await post(app, event_bytes(), {"content-type": "Application/JSON; charset=utf-8"})
    assert response.status_code == 200
    assert response.json()["callbacks"] == 0


@pytest.mark.parametrize(
    "body",
    [b"{oops", b"[]", json.dumps(event_dict(topic=None)).encode()],
    ids=["json", "array", "topic"],
)
async def test_400_malformed(client: AsyncIgnisign, api: TokenAPI, body: bytes) -> None:
    response = await post(client.webhook_router().asgi(), body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["ok"] is False
    assert payload["code"] == "SDK_WEBHOOK_BAD_FORMATTED"
    assert payload["message"].startswith("Malformed webhook:")
    assert api.requests == []


async def test_401_refused_token(client: AsyncIgnisign, api: TokenAPI) -> None:
    called: list[object] = []
    router = client.webhook_router()
    router.add(called.append, None)
    response = await post(router.asgi(), event_bytes(token="forged"))
    assert response.status_code == 401
    assert response.json()["code"] == "SDK_WEBHOOK_VERIFICATION_FAILED"
    assert "forged" not in response.text
    assert len(api.checks) == 1
    assert called == []


async def test_401_other_application_without_token_check(
    client: AsyncIgnisign, api: TokenAPI
) -> None:
    body = json.dumps(event_dict(appId="appId_someone-else")).encode()
    response = await post(client.webhook_router().asgi(), body)
    assert response.status_code == 401
    assert response.json()["code"] == "SDK_WEBHOOK_BAD_APP_ID"
    assert api.requests == []


async def test_503_when_ignisign_cannot_check_the_token(
    client: AsyncIgnisign, api: TokenAPI
) -> None:
    api.check_status = 502
    router = client.webhook_router()
    called: list[object] = []
    router.add(called.append, None)
    response = await post(router.asgi(), event_bytes())
    assert response.status_code == 503
    assert response.json()["code"] == "SDK_WEBHOOK_VERIFICATION_FAILED"
    assert len(api.checks) == 1
    assert called == []


@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD", "OPTIONS", "DELETE"])
async def test_405_for_anything_but_post(client: AsyncIgnisign, api: TokenAPI, method: str) -> None:
    async with http(client.webhook_router().asgi()) as session:
        response = await session.request(method, URL, headers=JSON)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert api.requests == []


@pytest.mark.parametrize(
    "headers", [{"content-type": "text/plain"}, {}, {"content-type": "application/jsonx"}]
)
async def test_415_without_json_content_type(
    client: AsyncIgnisign, api: TokenAPI, headers: dict[str, str]
) -> None:
    response = await post(client.webhook_router().asgi(), event_bytes(), headers)
    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert api.requests == []


async def test_413_from_content_length(client: AsyncIgnisign, api: TokenAPI) -> None:
    app = client.webhook_router().asgi()
    assert app.max_body_size == 1024 * 1024
    response = await post(app, b" " * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert api.requests == []


async def test_a_body_at_the_limit_is_read(client: AsyncIgnisign) -> None:
    body = event_bytes()
    app = client.webhook_router().asgi(max_body_size=len(body))
    assert (await post(app, body)).status_code == 200


async def test_413_while_streaming_stops_reading(client: AsyncIgnisign, api: TokenAPI) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(64):
            sent.append(index)
            yield b" " * 1024

    app = client.webhook_router().asgi(max_body_size=4096)
    response = await post(app, chunks())
    assert response.status_code == 413
    assert len(sent) <= 6  # the rest of the 64 KiB was never pulled
    assert api.requests == []


async def test_400_for_a_bad_content_length(client: AsyncIgnisign) -> None:
    app = client.webhook_router().asgi()
    messages: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"-5")],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    assert messages[0]["status"] == 400


async def test_client_disconnect_sends_nothing_and_checks_nothing(
    client: AsyncIgnisign, api: TokenAPI
) -> None:
    app = client.webhook_router().asgi()
    messages: list[dict[str, Any]] = []
    scope = {"type": "http", "method": "POST", "headers": [(b"content-type", b"application/json")]}
    inbox = iter(
        [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]
    )

    async def receive() -> dict[str, Any]:
        return next(inbox)

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    assert messages == []
    assert api.requests == []


async def test_lifespan_is_acknowledged(client: AsyncIgnisign) -> None:
    app = client.webhook_router().asgi()
    inbox = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(inbox)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "lifespan"}, receive, send)
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


async def test_websocket_is_refused(client: AsyncIgnisign) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await client.webhook_router().asgi()({"type": "websocket"}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1003}]


async def test_unexpected_failure_is_500_and_logged(
    make_client: Callable[..., AsyncIgnisign], caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    router = client.webhook_router()
    await client.aclose()  # the token check will raise RuntimeError("this client is closed")
    with caplog.at_level(logging.ERROR, logger="ignisign_async.webhooks"):
        response = await post(router.asgi(), event_bytes())
    assert response.status_code == 500
    assert response.json() == {
        "ok": False,
        "code": "INTERNAL_ERROR",
        "message": "The webhook could not be processed",
    }
    assert "Webhook endpoint failed unexpectedly" in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("size", "error"), [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_max_body_size_is_validated(
    make_client: Callable[..., AsyncIgnisign], size: Any, error: type[Exception]
) -> None:
    router = make_client().webhook_router()
    with pytest.raises(error, match="max_body_size"):
        router.asgi(max_body_size=size)


async def test_a_refused_body_is_answered_and_logged_as_a_warning(
    make_client: Callable[..., AsyncIgnisign], caplog: pytest.LogCaptureFixture
) -> None:
    router = make_client().webhook_router()
    with caplog.at_level(logging.DEBUG, logger="ignisign_async.webhooks"):
        response = await post(router.asgi(), b"not json")
    assert response.status_code == 400
    levels = [r.levelname for r in caplog.records if "Webhook refused" in r.getMessage()]
    assert levels == ["DEBUG", "WARNING"]  # the router's (raised), then the endpoint's (answered)


async def test_starlette_add_route_serves_the_exact_path(
    make_client: Callable[..., AsyncIgnisign],
) -> None:
    """What the docstrings recommend, in Starlette itself (a mount would answer 307 here)."""
    starlette = pytest.importorskip("starlette.applications")
    app = starlette.Starlette()
    app.add_route("/ignisign/webhook", make_client().webhook_router().asgi())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app"
    ) as http:
        response = await http.post(
            "/ignisign/webhook", content=b"[]", headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json()["code"] == "SDK_WEBHOOK_BAD_FORMATTED"
