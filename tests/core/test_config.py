"""Construction, validation, options and lifecycle of AsyncIgnisign."""

from __future__ import annotations

import sys
from collections.abc import Callable

import httpx
import pytest

import ignisign_async
from ignisign_async import AsyncIgnisign
from ignisign_async._client import ClientState
from tests.conftest import APP_ENV, APP_ID, SECRET

from .conftest import PROFILES_PATH, ScriptedAPI


def test_requires_app_id_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IGNISIGN_APP_ID", "IGNISIGN_APP_ENV", "IGNISIGN_APP_SECRET", "IGNISIGN_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="app_id"):
        AsyncIgnisign(app_env=APP_ENV, secret=SECRET)
    with pytest.raises(ValueError, match="app_id"):
        AsyncIgnisign(app_id="  ", app_env=APP_ENV, secret=SECRET)
    with pytest.raises(ValueError, match="secret"):
        AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV)
    with pytest.raises(ValueError, match="secret"):
        AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret="")


@pytest.mark.parametrize("env", ["development", "PROD", "", None])
def test_rejects_unknown_app_env(env: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IGNISIGN_APP_ENV", raising=False)
    with pytest.raises(ValueError, match="app_env"):
        AsyncIgnisign(app_id=APP_ID, app_env=env, secret=SECRET)


@pytest.mark.parametrize(
    "url",
    ["ftp://api.ignisign.io", "api.ignisign.io", "http://api.ignisign.io", "http://10.0.0.8:80"],
)
def test_rejects_bad_base_url(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://localhost:8787", "http://127.0.0.1:8787/", "http://[::1]:9000", "https://x.io"]
)
def test_accepts_https_and_local_http(url: str) -> None:
    client = AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=url)
    assert not client.base_url.endswith("/")


def test_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IGNISIGN_APP_ID", APP_ID)
    monkeypatch.setenv("IGNISIGN_APP_ENV", "STAGING")
    monkeypatch.setenv("IGNISIGN_APP_SECRET", SECRET)
    monkeypatch.setenv("IGNISIGN_BASE_URL", "http://localhost:8787")
    client = AsyncIgnisign()
    assert (client.app_id, client.app_env, client.base_url) == (
        APP_ID,
        "STAGING",
        "http://localhost:8787",
    )


def test_bad_retry_timeout_deadline_arguments() -> None:
    def make(**kw: object) -> AsyncIgnisign:
        return AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, **kw)  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="max_retries"):
        make(max_retries=-1)
    with pytest.raises(ValueError, match="timeout"):
        make(timeout=0)
    with pytest.raises(ValueError, match="deadline"):
        make(deadline=-3)
    with pytest.raises(ValueError, match="transport or http_client"):
        make(
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
            http_client=httpx.AsyncClient(),
        )


def test_repr_hides_secret() -> None:
    client = AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET)
    text = repr(client)
    assert SECRET not in text
    assert APP_ID in text
    assert text.startswith("<AsyncIgnisign ")
    assert SECRET not in repr(client.signature_profiles)


def test_public_names_read_as_package() -> None:
    assert repr(ignisign_async.AsyncIgnisign) == "<class 'ignisign_async.AsyncIgnisign'>"
    assert ignisign_async.NotFoundError.__module__ == "ignisign_async"
    assert repr(ignisign_async.NOT_GIVEN) == "NOT_GIVEN"
    assert not ignisign_async.NOT_GIVEN


async def test_user_agent_and_accept(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async with make_client() as client:
        await client.signature_profiles.list()
    request = api.requests[0]
    major, minor = sys.version_info[:2]
    assert request.headers["user-agent"] == (
        f"ignisign-async/{ignisign_async.__version__} python/{major}.{minor} "
        f"httpx/{httpx.__version__}"
    )
    assert request.headers["accept"] == "application/json"
    assert request.url.path == PROFILES_PATH


async def test_with_options_shares_pool_and_token(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    client = make_client()
    patient = client.with_options(timeout=120, max_retries=5, deadline=300)
    assert patient._shared is client._shared
    assert patient._shared.http is client._shared.http
    assert (patient.max_retries, patient.deadline, patient.timeout.read) == (5, 300, 120)
    assert (client.max_retries, client.deadline) == (2, None)
    await client.signature_profiles.list()
    await patient.signature_profiles.list()
    assert len(api.auth_requests) == 1
    await patient.aclose()
    assert client.state is ClientState.CLOSED


async def test_closed_client_refuses_calls(make_client: Callable[..., AsyncIgnisign]) -> None:
    client = make_client()
    async with client:
        pass
    await client.aclose()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        await client.signature_profiles.list()
    with pytest.raises(RuntimeError, match="closed"):
        async with client:
            pass


async def test_caller_owned_http_client_stays_open(api: ScriptedAPI) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(api))
    async with AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, http_client=http) as c:
        await c.signature_profiles.list()
    assert not http.is_closed
    await http.aclose()


async def test_custom_default_headers(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async with make_client(default_headers={"X-Trace": "abc"}) as client:
        await client.signature_profiles.list()
    assert api.requests[0].headers["x-trace"] == "abc"
