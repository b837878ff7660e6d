"""Transport security: TLS verified, plain http only on loopback, redirects never followed.

A redirect to another host must never carry the ``Authorization`` header or the app secret
there: the SDK does not follow redirects at all (also when the caller's own ``http_client``
would), and the caller gets a typed error instead.
"""

from __future__ import annotations

import ast
import json
import pathlib
import ssl
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import httpx
import pytest

import ignisign_async
from ignisign_async import APIError, AsyncIgnisign, AuthenticationError
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

from .conftest import served_app

PACKAGE = pathlib.Path(ignisign_async.__file__).parent
API = "https://api.ignisign.io"
EVIL = "https://evil.example"
PROFILES = f"/v3/applications/{APP_ID}/envs/{APP_ENV}/signature-profiles"


# -- TLS ------------------------------------------------------------------------------------


def _tls_disabling(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("verify", "check_hostname"):
            if isinstance(node.value, ast.Constant) and node.value.value in (False, None, 0):
                yield f"{node.arg}={node.value.value!r}"
        elif isinstance(node, ast.Attribute) and node.attr in (
            "CERT_NONE",
            "_create_unverified_context",
            "check_hostname",
            "verify_mode",
        ):
            yield node.attr
        elif isinstance(node, ast.Name) and node.id in ("CERT_NONE", "_create_unverified_context"):
            yield node.id


def test_no_module_of_the_package_disables_tls_verification() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 40
    found = {
        str(path.relative_to(PACKAGE)): hits
        for path in modules
        if (hits := list(_tls_disabling(ast.parse(path.read_text(encoding="utf-8")))))
    }
    assert found == {}


def test_the_scan_finds_what_it_looks_for() -> None:
    source = (
        "httpx.AsyncClient(verify=False)\nctx = ssl._create_unverified_context()\n"
        "ctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n"
    )
    assert sorted(_tls_disabling(ast.parse(source))) == sorted(
        ["verify=False", "_create_unverified_context", "check_hostname", "verify_mode", "CERT_NONE"]
    )


async def test_the_default_connection_pool_verifies_certificates_and_hostnames() -> None:
    async with AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET) as client:
        http = client._shared.http
        assert isinstance(http._transport, httpx.AsyncHTTPTransport)
        context = http._transport._pool._ssl_context
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode is ssl.CERT_REQUIRED
        assert context.check_hostname is True
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
        assert http.follow_redirects is False


# -- plain http -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://api.ignisign.io",
        "HTTP://API.IGNISIGN.IO",
        "http://10.0.0.1:8787",
        "http://0.0.0.0:8787",
        "http://192.168.1.10",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://localhost@evil.example",
        "http://2130706433",
        "http://[::ffff:10.0.0.1]",
        "http://[fe80::1]",
    ],
)
def test_plain_http_is_refused_for_hosts_that_are_not_loopback(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="https"):
        AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=url)
    monkeypatch.setenv("IGNISIGN_BASE_URL", url)
    with pytest.raises(ValueError, match="https"):
        AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET)


@pytest.mark.parametrize(
    "url", ["http://localhost:8787", "http://127.0.0.1", "http://127.8.9.10:1", "http://[::1]:80"]
)
def test_plain_http_is_accepted_on_loopback(url: str) -> None:
    client = AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=url)
    assert client.base_url.startswith("http://")


# -- redirects ---------------------------------------------------------------------------------


class Redirecting:
    """The API answers with a redirect to another host; that host records what reaches it."""

    def __init__(self, status: int, *, redirect_auth: bool = False) -> None:
        self.status = status
        self.redirect_auth = redirect_auth
        self.at_evil: list[httpx.Request] = []
        self.at_api: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "evil.example":
            self.at_evil.append(request)
            return httpx.Response(200, json={"jwtToken": make_jwt()} if self.redirect_auth else [])
        self.at_api.append(request)
        location = {"location": f"{EVIL}/steal{request.url.path}"}
        if request.url.path == "/v3/auth/app-api":
            if self.redirect_auth:
                return httpx.Response(self.status, headers=location)
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        return httpx.Response(self.status, headers=location)


def _clients(transport: httpx.MockTransport) -> Iterator[tuple[str, Callable[[], Any]]]:
    yield (
        "sdk pool",
        lambda: AsyncIgnisign(
            app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport, max_retries=0
        ),
    )
    yield (
        "caller's client that follows redirects",
        lambda: AsyncIgnisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            http_client=httpx.AsyncClient(transport=transport, follow_redirects=True),
            max_retries=0,
        ),
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_of_a_call_is_not_followed(status: int) -> None:
    api = Redirecting(status)
    for name, make in _clients(httpx.MockTransport(api)):
        async with make() as client:
            with pytest.raises(APIError) as caught:
                await client.signature_profiles.list()
        assert caught.value.status_code == status, name
        assert caught.value.request == f"GET {PROFILES}"
        assert api.at_evil == [], name


@pytest.mark.parametrize("status", [302, 307, 308])
async def test_a_redirect_of_the_authentication_is_not_followed(status: int) -> None:
    """The auth request's body holds the secret: a 307/308 would re-send it to the new host."""
    api = Redirecting(status, redirect_auth=True)
    for name, make in _clients(httpx.MockTransport(api)):
        async with make() as client:
            with pytest.raises(AuthenticationError) as caught:
                await client.signature_profiles.list()
        assert caught.value.status_code == status, name
        assert SECRET not in str(caught.value)
        assert api.at_evil == [], name


Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class Recorder:
    """An ASGI app that records every request (headers and body) and answers a token."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append((scope["path"], headers, body))
        payload = json.dumps({"jwtToken": make_jwt()}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": payload})


def redirect_to(target: str) -> Callable[..., Awaitable[None]]:
    async def app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            more = bool((await receive()).get("more_body", False))
        location = (target + scope["path"]).encode()
        start = {"type": "http.response.start", "status": 307, "headers": [(b"location", location)]}
        await send(start)
        await send({"type": "http.response.body", "body": b""})

    return app


async def test_over_sockets_the_other_host_never_sees_the_secret_or_a_token() -> None:
    """The API (127.0.0.1) answers 307 to a server on ``localhost``: another host and port."""
    other = Recorder()
    with served_app(other) as other_url:
        target = other_url.replace("127.0.0.1", "localhost")
        with served_app(redirect_to(target)) as api_url:
            async with httpx.AsyncClient(follow_redirects=True) as http:
                client = AsyncIgnisign(
                    app_id=APP_ID,
                    app_env=APP_ENV,
                    secret=SECRET,
                    base_url=api_url,
                    http_client=http,
                    max_retries=0,
                )
                async with client:
                    with pytest.raises(AuthenticationError) as caught:
                        await client.signature_profiles.list()
    assert caught.value.status_code == 307
    assert other.received == []
