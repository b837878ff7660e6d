"""No webhook body, however hostile, runs a callback unless IgniSign verified it.

Bodies are random JSON, bytes and text, and genuine events with fields replaced, tokens forged
or replayed, and the application or environment changed. Whatever the body, ``consume`` either
raises a :class:`WebhookError` and runs no callback, or dispatches an event whose token the API
has just confirmed (once: tokens are single use) for this very application and environment.
The ASGI endpoint is held to the same rule with arbitrary bytes.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ignisign_async import AsyncIgnisign, WebhookError
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

from ._strategies import json_values

CHECK_PATH = "/v3/tokens/webhook-verification/checking-consumption"
GENUINE = [f"genuine-token-{n}" for n in range(4)]
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def event(token: str = GENUINE[0], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "verificationToken": token,
        "topic": "SIGNER",
        "action": "CREATED",
        "msgNature": "INFO",
        "content": {"appId": APP_ID, "appEnv": APP_ENV, "signerId": "65f1a2b3c4d5e6f708192a3b"},
    }
    body.update(changes)
    return body


KEYS = list(event())


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A genuine-looking event with some fields replaced, dropped, or its token forged."""
    body = event(draw(st.sampled_from([*GENUINE, "forged", "x" * 5000, ""])))
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True)):
        if draw(st.booleans()):
            del body[key]
        else:
            body[key] = draw(json_values)
    if draw(st.booleans()):
        body["appId"] = draw(st.sampled_from([APP_ID, "appId_other", APP_ID + " ", APP_ID.upper()]))
        body["appEnv"] = draw(st.sampled_from([APP_ENV, "PRODUCTION", "development"]))
    return body


bodies = st.one_of(
    mutated(),
    mutated().map(lambda b: json.dumps(b).encode()),
    mutated().map(json.dumps),
    json_values.map(json.dumps),
    st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    st.binary(max_size=200),
    st.text(max_size=200),
)
"""What a web framework hands over: bytes, text, or the JSON object it parsed."""


class TokenAPI:
    """IgniSign's token check: the genuine tokens are valid, once each."""

    def __init__(self) -> None:
        self.unused = set(GENUINE)
        self.confirmed: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        assert request.url.path == CHECK_PATH
        token = json.loads(request.content)["token"]
        valid = token in self.unused
        self.unused.discard(token)
        if valid:
            self.confirmed.append(token)
        return httpx.Response(
            200,
            json={
                "isValid": valid,
                "notFound": token not in GENUINE,
                "alreadyConsumed": token in GENUINE and not valid,
                "badTarget": False,
                "isExpired": False,
                "badRelatedId": False,
                "haveBeenConsumed": valid,
            },
        )


def _client(api: TokenAPI) -> AsyncIgnisign:
    return AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=httpx.MockTransport(api)
    )


@FAST
@given(batch=st.lists(bodies, min_size=1, max_size=6))
def test_nothing_is_dispatched_unless_verified(batch: list[Any]) -> None:
    api = TokenAPI()
    ran: list[Any] = []

    async def main() -> None:
        async with _client(api) as client:
            router = client.webhook_router()
            router.on(None)(ran.append)

            async def also(event: Any) -> None:
                ran.append(event)

            router.on(None)(also)
            for body in batch:
                before = (len(ran), len(api.confirmed))
                try:
                    result = await router.consume(body)
                except WebhookError:
                    assert (len(ran), len(api.confirmed)) == before  # nothing ran
                    continue
                # Dispatched: the API confirmed this body's token, just now, for this app.
                assert len(api.confirmed) == before[1] + 1
                assert len(ran) == before[0] + 2
                assert (result.event.app_id, result.event.app_env.value) == (APP_ID, APP_ENV)
                raw = body if isinstance(body, dict) else json.loads(body)
                assert raw["verificationToken"] == api.confirmed[-1]

    anyio.run(main)


def test_a_genuine_event_is_dispatched_once() -> None:
    """The rule above is not vacuous: a genuine body dispatches, its replay does not."""
    api = TokenAPI()
    ran: list[Any] = []

    async def main() -> None:
        async with _client(api) as client:
            router = client.webhook_router()
            router.on(None)(ran.append)
            assert (await router.consume(event(GENUINE[1]))).ok
            try:
                await router.consume(event(GENUINE[1]))
            except WebhookError:
                pass
            else:
                raise AssertionError("a replayed token was accepted")

    anyio.run(main)
    assert len(ran) == 1


@FAST
@given(
    payload=st.one_of(st.binary(max_size=300), mutated().map(lambda b: json.dumps(b).encode())),
    content_type=st.sampled_from([b"application/json", b"text/plain", b"application/json; x"]),
)
def test_the_asgi_endpoint_dispatches_only_verified_events(
    payload: bytes, content_type: bytes
) -> None:
    api = TokenAPI()
    ran: list[Any] = []
    answers: list[dict[str, Any]] = []

    async def main() -> None:
        async with _client(api) as client:
            router = client.webhook_router()
            router.on(None)(ran.append)
            app = router.asgi(max_body_size=4096)
            chunks = [payload[:50], payload[50:]]

            async def receive() -> dict[str, Any]:
                chunk = chunks.pop(0) if chunks else b""
                return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

            async def send(message: dict[str, Any]) -> None:
                answers.append(message)

            scope = {
                "type": "http",
                "method": "POST",
                "path": "/",
                "headers": [(b"content-type", content_type)],
            }
            await app(scope, receive, send)

    anyio.run(main)
    status = answers[0]["status"]
    if status == 200:
        assert len(ran) == 1
        assert len(api.confirmed) == 1
    else:
        assert 400 <= status < 600
        assert ran == []
