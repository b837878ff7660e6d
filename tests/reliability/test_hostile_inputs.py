"""Inputs and environment that used to slip through: each is a clear ``ValueError``/``TypeError``
before any request (or, at the webhook endpoint, a 400)."""

from __future__ import annotations

import os
import pathlib
from typing import Any

import pytest

from benchmarks._hostile import APP_ENV, APP_ID, SECRET, HostileServer, json_answer
from ignisign_async import AsyncIgnisign, Ignisign
from tests.core.conftest import PROFILE


def make(**options: Any) -> AsyncIgnisign:
    return AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, **options)


async def test_a_loopback_base_url_never_goes_through_an_environment_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with HostileServer() as proxy, HostileServer(json_answer(200, lambda r: [PROFILE])) as api:
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        async with make(base_url=api.url) as client:
            assert len(await client.signature_profiles.list()) == 1
    assert proxy.received == []  # it would have seen the secret in clear
    assert api.auth_requests == 1


@pytest.mark.parametrize("app_id", ["..", ".", "a" * 2000, "app\nid"])
def test_an_app_id_that_could_change_the_path_is_refused(app_id: str) -> None:
    with pytest.raises(ValueError, match="app_id"):
        AsyncIgnisign(app_id=app_id, app_env=APP_ENV, secret=SECRET)


@pytest.mark.parametrize(
    ("base_url", "match"),
    [
        ("https://user:hunter2@api.ignisign.io", "user name or password"),
        ("http://user:hunter2@127.0.0.1:9", "user name or password"),
        ("https://api.ignisign.io/?x=1", "query or a fragment"),
        ("https://api.ignisign.io/#top", "query or a fragment"),
        ("https://api.ignisign.io/v?", "query or a fragment"),
    ],
)
def test_a_base_url_with_credentials_a_query_or_a_fragment_is_refused(
    base_url: str, match: str
) -> None:
    with pytest.raises(ValueError, match=match) as info:
        make(base_url=base_url)
    assert "hunter2" not in str(info.value)
    with pytest.raises(ValueError, match=match):
        Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=base_url)


async def test_bad_ids_and_body_fields_are_refused_before_any_request(
    tmp_path: pathlib.Path,
) -> None:
    with HostileServer(json_answer(200, lambda r: {})) as server:
        async with make(base_url=server.url) as client:
            with pytest.raises(ValueError, match="at most 1024"):
                await client.signers.get("x" * 1_000_000)
            for bad in ({"$ne": None}, 12, 1.5, b"bytes"):
                with pytest.raises(TypeError, match="first_name must be a str"):
                    await client.signers.create(signature_profile_id="p1", first_name=bad)  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="label must be a str"):
                await client.documents.init(signature_request_id="r1", label=7)  # type: ignore[arg-type]
            locked = tmp_path / "locked"
            locked.mkdir()
            locked.chmod(0o500)
            try:
                if not os.access(locked, os.W_OK):  # root may write anywhere
                    with pytest.raises(ValueError, match="not writable"):
                        await client.proofs.download_signature_proof("d1", locked / "p.pdf")
            finally:
                locked.chmod(0o700)
    assert server.received == []  # not even the token was asked for


def test_the_sync_facade_refuses_the_same_before_any_request() -> None:
    server = HostileServer(json_answer(200, lambda r: {}))
    with (
        server,
        Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url) as sdk,
    ):
        with pytest.raises(ValueError, match="at most 1024"):
            sdk.signers.get("x" * 5000)
        with pytest.raises(TypeError, match="last_name must be a str"):
            sdk.signers.create(signature_profile_id="p1", last_name={"$gt": ""})  # type: ignore[arg-type]
    assert server.received == []


async def test_a_5000_digit_content_length_at_the_webhook_endpoint_is_a_400() -> None:
    app = make().webhook_router().asgi()
    messages: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"9" * 5000)],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    assert messages[0]["status"] == 400
