"""``http_backend`` and ``IGNISIGN_HTTP_BACKEND``: validated at construction, like every setting."""

from __future__ import annotations

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async._backends import ASYNCIO_ONLY
from tests.conftest import APP_ENV, APP_ID, SECRET


def build(**options: object) -> AsyncIgnisign:
    return AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, **options)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_backend_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IGNISIGN_HTTP_BACKEND", raising=False)


def test_httpx_is_the_default() -> None:
    assert build()._shared.backend == "httpx"


@pytest.mark.parametrize("value", ["httpx", "aiohttp"])
def test_the_argument_chooses(value: str) -> None:
    assert build(http_backend=value)._shared.backend == value


@pytest.mark.parametrize("value", ["aiohttp", " AIOHTTP ", "httpx"])
def test_the_environment_chooses_when_the_argument_is_left_out(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("IGNISIGN_HTTP_BACKEND", value)
    assert build()._shared.backend == value.strip().lower()
    assert build(http_backend="httpx")._shared.backend == "httpx"  # the argument wins


def test_an_empty_environment_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IGNISIGN_HTTP_BACKEND", "")
    assert build()._shared.backend == "httpx"


def test_unknown_backends_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="http_backend must be 'httpx' or 'aiohttp', got 'curl'"):
        build(http_backend="curl")
    with pytest.raises(TypeError, match="http_backend"):
        build(http_backend=1)
    monkeypatch.setenv("IGNISIGN_HTTP_BACKEND", "requests")
    with pytest.raises(ValueError, match="IGNISIGN_HTTP_BACKEND must be"):
        build()


def test_a_backend_with_a_callers_transport_or_client_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with pytest.raises(ValueError, match="not both"):
        build(http_backend="aiohttp", transport=transport)
    with pytest.raises(ValueError, match="not both"):
        build(http_backend="httpx", http_client=httpx.AsyncClient())
    monkeypatch.setenv("IGNISIGN_HTTP_BACKEND", "aiohttp")  # a default: the caller's pool wins
    assert build(transport=transport)._shared.backend == "httpx"


async def test_aiohttp_is_refused_on_trio(
    anyio_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if anyio_backend != "trio":
        async with build(http_backend="aiohttp") as client:
            assert client._shared.backend == "aiohttp"
        return
    with pytest.raises(ValueError, match="asyncio only") as info:
        build(http_backend="aiohttp")
    assert str(info.value) == ASYNCIO_ONLY
    monkeypatch.setenv("IGNISIGN_HTTP_BACKEND", "aiohttp")
    with pytest.raises(ValueError, match="asyncio only"):
        build()


def test_a_client_built_outside_a_loop_and_used_on_trio_fails_clearly() -> None:
    import trio

    from ignisign_async._routes import Route

    client = build(http_backend="aiohttp", base_url="http://127.0.0.1:9", max_retries=0)

    async def call() -> None:
        await client._request(Route("GET", "/v3/x", authenticated=False))

    with pytest.raises(RuntimeError, match="asyncio only"):
        trio.run(call)


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'ignisign-async\[aiohttp\]'"):
        build(http_backend="aiohttp")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"HTTPS_PROXY": "http://proxy.local:3128"}, "http://proxy.local:3128"),
        ({"https_proxy": "proxy.local:3128"}, "http://proxy.local:3128"),
        ({"ALL_PROXY": "http://all.local:8080"}, "http://all.local:8080"),
        ({"HTTP_PROXY": "http://plain.local:3128"}, None),  # for http:// URLs only
        ({"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": "ignisign.io"}, None),
    ],
)
def test_aiohttp_takes_the_environments_proxy_for_the_api(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None
) -> None:
    from ignisign_async._backends import environment_proxy

    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    proxy = environment_proxy("https://api.ignisign.io")
    assert (None if proxy is None else str(proxy.url).rstrip("/")) == expected
