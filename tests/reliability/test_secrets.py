"""No secret and no JWT in anything the SDK shows, on every error path, with DEBUG logging on.

Every path that ends in an error or a log line is taken -- refused authentication, 401 replays,
5xx, dropped connections, timeouts, refused bodies, answers that do not fit their model,
redirects, webhooks that fail verification -- against the emulator in-process and over a
socket, and against a hostile server that echoes the ``Authorization`` header and the secret
back. Then every log record (all loggers, with tracebacks), every warning, and the text, repr
and whole traceback chain of every exception are scanned for the app secret and for anything
shaped like a JWT.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import socket
import traceback
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from ignisign_async import APIError, AsyncIgnisign, IgnisignError
from ignisign_async.testing import FakeIgnisign

from .conftest import connect, served

pytestmark = pytest.mark.usefixtures("small_backoff")

JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}")
SECRET = "sk_development_" + secrets.token_hex(16)
PROFILES = "/v3/applications/appId_fake/envs/DEVELOPMENT/signature-profiles"


class Shown:
    """Everything a user could see: logs, warnings, exception texts and reprs."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.errors: list[BaseException] = []
        self.records: list[logging.LogRecord] = []

    def error(self, exc: BaseException) -> None:
        self.errors.append(exc)
        self.texts += [
            str(exc),
            repr(exc),
            repr(exc.args),
            "".join(traceback.format_exception(exc)),
        ]
        for name in ("message", "code", "request", "context", "body", "response_headers"):
            self.texts.append(repr(getattr(exc, name, None)))

    async def expect(self, kind: type[BaseException], call: Awaitable[Any]) -> None:
        with pytest.raises(kind) as caught:
            await call
        self.error(caught.value)

    def leaks(self, *extra: str) -> list[str]:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        texts = self.texts + [formatter.format(record) for record in self.records]
        found = []
        for text in texts:
            if SECRET in text or any(x in text for x in extra) or JWT.search(text):
                found.append(text[:300])
        return found


class _Keep(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@pytest.fixture
def shown() -> Iterator[Shown]:
    """DEBUG on every logger (httpx and httpcore included), every warning recorded."""
    seen = Shown()
    root = logging.getLogger()
    handler = _Keep(seen.records)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield seen
        seen.texts += [str(w.message) for w in caught]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class _WrongSecret:
    """The emulator's identity with another secret (``connect`` reads these three names)."""

    def __init__(self, fake: FakeIgnisign) -> None:
        self.app_id, self.app_env, self.secret = fake.app_id, fake.app_env, SECRET + "x"
        self.transport = fake.transport


def wrong_secret(fake: FakeIgnisign) -> Any:
    return _WrongSecret(fake)


def _fake() -> FakeIgnisign:
    return FakeIgnisign(secret=SECRET, token_lifetime=3600.0)


async def _every_emulator_path(shown: Shown, fake: FakeIgnisign, url: str | None) -> None:
    profile = fake.default_signature_profile_id
    timeout = httpx.Timeout(0.5)  # a loaded machine answers within it; the delays below do not
    async with connect(fake, url, timeout=timeout, max_retries=1) as client:
        shown.texts += [repr(client), repr(client.with_options(max_retries=3)), repr(client._auth)]
        shown.texts += [repr(client.signers), repr(client.webhook_router())]
        created = await client.signers.create(  # emits SIGNER/CREATED
            signature_profile_id=profile, first_name="A", last_name="B", email="a@b.example"
        )
        shown.texts += [repr(created), repr(await client.signers.summary(created.signer_id))]
        fake.expire_tokens()  # 401, renewal, replay
        await client.signature_profiles.list()
        fake.revoke_tokens()
        await client.signature_profiles.list()
        fake.faults.fail_next(5, 503)  # 5xx after every retry
        await shown.expect(IgnisignError, client.signature_profiles.list())
        fake.faults.fail_next(5, 429, retry_after="0")
        await shown.expect(IgnisignError, client.signature_profiles.list())
        fake.faults.disconnect_next(5)  # dropped connections
        await shown.expect(IgnisignError, client.signature_profiles.list())
        fake.faults.disconnect_next(1, when="after")
        await shown.expect(IgnisignError, client.signature_requests.init(profile))
        fake.faults.delay(1.0, 2)  # timeouts
        await shown.expect(IgnisignError, client.signature_profiles.list())
        fake.faults.clear()
        await shown.expect(IgnisignError, client.signers.create(signature_profile_id=profile))
        await shown.expect(IgnisignError, client.signers.get("0" * 24))
        await shown.expect(IgnisignError, client.signature_requests.publish("0" * 24))
        await shown.expect(ValueError, client.signers.get(".."))
        router = client.webhook_router()
        router.on(None)(lambda event: None)
        event = fake.webhook_events[-1]  # genuine: SIGNER/CREATED, with its verification token
        await shown.expect(IgnisignError, router.consume({**event, "verificationToken": "forged"}))
        await shown.expect(IgnisignError, router.consume({**event, "appId": "appId_other"}))
        await shown.expect(IgnisignError, router.consume({**event, "content": {}}))
        await shown.expect(IgnisignError, router.consume(b"{not json"))
        fake.faults.fail_next(5, 503)  # the token check cannot be made
        await shown.expect(IgnisignError, router.consume(event))
        fake.faults.clear()
        assert (await router.consume(fake.webhook_events[-1])).ok
    async with connect(wrong_secret(fake), url, timeout=timeout) as wrong:
        await shown.expect(IgnisignError, wrong.signature_profiles.list())


async def test_nothing_secret_shown_on_the_emulator_in_process(shown: Shown) -> None:
    await _every_emulator_path(shown, _fake(), None)
    assert len(shown.errors) >= 14
    assert any(r.name == "ignisign_async" for r in shown.records)
    assert shown.leaks(SECRET + "x") == []


async def test_nothing_secret_shown_on_the_emulator_over_a_socket(
    shown: Shown, quiet_uvicorn: None
) -> None:
    fake = _fake()
    with served(fake) as url:
        await _every_emulator_path(shown, fake, url)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()  # nobody listens there: connection refused
    async with connect(fake, closed, max_retries=1) as client:
        await shown.expect(IgnisignError, client.signature_profiles.list())
    assert any(r.name.startswith("httpcore") for r in shown.records)
    assert shown.leaks(SECRET + "x") == []


def _echo(status: int, shape: Callable[[str], Any]) -> Callable[[httpx.Request], httpx.Response]:
    """A hostile server: every answer holds the request's Authorization header and the secret."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            token = json.loads(request.content)["secret"]  # echo the secret back
            jwt = _jwt(token)
            return httpx.Response(200, json={"jwtToken": jwt})
        header = request.headers.get("authorization", "")
        return httpx.Response(
            status, json=shape(f"{header} {SECRET}"), headers={"x-echo": header[-60:]}
        )

    return handler


def _jwt(seed: str) -> str:
    from tests.conftest import make_jwt

    return make_jwt(nonce=len(seed))


@pytest.mark.parametrize(
    ("status", "shape"),
    [
        (400, lambda echo: {"message": echo, "code": "BAD_REQUEST", "context": {"x": echo}}),
        (401, lambda echo: {"message": echo, "code": "INVALID_AUTH_JWT_TOKEN"}),
        (403, lambda echo: echo),
        (500, lambda echo: {"message": {"nested": echo}, "errorCode": echo}),
        (503, lambda echo: [echo]),
        (200, lambda echo: [{"_id": echo, "name": 3}]),
        (200, lambda echo: [{"_id": "p", "_createdAt": echo.split()[-2]}]),
        (200, lambda echo: {"wrong": echo}),
        (302, lambda echo: {"location": echo}),
    ],
    ids=["400", "401", "403-text", "500", "503", "200-types", "200-date", "200-shape", "302"],
)
async def test_nothing_secret_shown_when_a_hostile_server_echoes_it(
    shown: Shown, status: int, shape: Callable[[str], Any]
) -> None:
    transport = httpx.MockTransport(_echo(status, shape))
    async with AsyncIgnisign(
        app_id="appId_fake",
        app_env="DEVELOPMENT",
        secret=SECRET,
        transport=transport,
        max_retries=1,
    ) as client:
        await shown.expect(IgnisignError, client.signature_profiles.list())
    assert shown.leaks() == []


async def test_a_token_of_an_earlier_attempt_echoed_later_is_not_shown(shown: Shown) -> None:
    """The answer of a later attempt echoes the token of the first (since replaced)."""
    tokens: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            tokens.append(_jwt("x" * (len(tokens) + 1)))
            return httpx.Response(200, json={"jwtToken": tokens[-1]})
        if len(tokens) == 1:
            return httpx.Response(401, json={"code": "OUTDATED_AUTH_JWT_TOKEN"})
        return httpx.Response(400, json={"message": f"your first token {tokens[0]} expired"})

    async with AsyncIgnisign(
        app_id="appId_fake",
        app_env="DEVELOPMENT",
        secret=SECRET,
        transport=httpx.MockTransport(handler),
    ) as client:
        await shown.expect(IgnisignError, client.signature_profiles.list())
    assert len(tokens) == 2
    assert shown.leaks(*tokens) == []


def test_the_scan_finds_a_jwt_a_secret_and_a_log_argument() -> None:
    for plant in (
        lambda seen: seen.error(RuntimeError(f"x {_jwt('a')} y")),
        lambda seen: seen.error(KeyError("k").with_traceback(None).__class__(SECRET)),
        lambda seen: seen.records.append(
            logging.LogRecord("x", logging.DEBUG, __file__, 1, "token %s", (_jwt("b"),), None)
        ),
        lambda seen: seen.error(
            APIError("no", status_code=400, code=None, context=None, body={"echo": SECRET})
        ),
    ):
        seen = Shown()
        plant(seen)
        assert seen.leaks() != []


@pytest.mark.parametrize("field", ["_createdAt", "url", "_id"])
async def test_an_answer_that_does_not_fit_shows_no_echoed_token(shown: Shown, field: str) -> None:
    """A date-time (or a str) field holding the JWT, where a value of another shape belongs."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": _jwt("t")})
        token = request.headers["authorization"].removeprefix("Bearer ")
        hook = {"_id": "w1", "url": "https://x.example/hook", "_createdAt": "2024-01-01T00:00:00Z"}
        hook[field] = token if field == "_createdAt" else {"token": token}
        return httpx.Response(200, json=[hook])

    async with AsyncIgnisign(
        app_id="appId_fake",
        app_env="DEVELOPMENT",
        secret=SECRET,
        transport=httpx.MockTransport(handler),
    ) as client:
        await shown.expect(IgnisignError, client.webhooks.list())
    assert shown.leaks() == []


def test_nothing_secret_shown_by_the_sync_facade(shown: Shown) -> None:
    """The sync facade's own paths (a token shared by threads, its helper loop) show nothing."""
    fake = _fake()
    with fake.sync_client(timeout=0.5, max_retries=1) as client:
        shown.texts += [repr(client), repr(client.signers)]
        client.signature_profiles.list()
        fake.revoke_tokens()
        client.signature_profiles.list()
        for fault in (
            lambda: fake.faults.fail_next(5, 503),
            lambda: fake.faults.disconnect_next(5),
            lambda: fake.faults.delay(1.0, 2),
        ):
            fault()
            with pytest.raises(IgnisignError) as caught:
                client.signature_profiles.list()
            shown.error(caught.value)
            fake.faults.clear()
        with pytest.raises(IgnisignError) as caught:
            client.signers.get("0" * 24)
        shown.error(caught.value)
    with fake.sync_client(secret=SECRET + "x") as wrong:
        with pytest.raises(IgnisignError) as caught:
            wrong.signature_profiles.list()
        shown.error(caught.value)
    assert len(shown.errors) == 5
    assert shown.leaks(SECRET + "x") == []
