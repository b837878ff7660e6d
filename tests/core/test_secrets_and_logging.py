"""Nothing secret in reprs, logs or errors; one debug line per attempt."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from ignisign_async import APIError, AsyncIgnisign, IgnisignError
from tests.conftest import SECRET

from .conftest import PROFILE, ScriptedAPI


async def test_debug_line_per_attempt(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.script(httpx.Response(503), httpx.Response(200, json=[PROFILE]))
    with caplog.at_level(logging.DEBUG, logger="ignisign_async"):
        async with make_client() as client:
            await client.signature_profiles.list()
    records = [r for r in caplog.records if r.name == "ignisign_async"]
    lines = [r.getMessage() for r in records if r.levelno == logging.DEBUG]
    attempts = [line for line in lines if "signature-profiles" in line]
    retries = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert len(retries) == 1
    assert retries[0].endswith("signature-profiles -> 503: retry 1 in 0.00 s")
    assert len(attempts) == 2
    assert "-> 503 in" in attempts[0]
    assert "(attempt 1)" in attempts[0]
    assert "-> 200 in" in attempts[1]
    assert "(attempt 2)" in attempts[1]
    assert attempts[0].startswith("GET /v3/applications/")
    assert any(line.startswith("POST /v3/auth/app-api -> 200") for line in lines)


async def test_no_secret_or_token_anywhere(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Exercise success, retries, 401 replay and failures; scan everything that is shown."""
    leaked: list[str] = []

    def echo_back(request: httpx.Request) -> httpx.Response:
        # A hostile or buggy server echoing the Authorization header and the secret.
        auth = request.headers.get("authorization", "")
        return httpx.Response(400, json={"message": f"{auth} {SECRET}", "code": "BAD_REQUEST"})

    api.script(
        httpx.Response(503),
        httpx.Response(200, json=[PROFILE]),
        httpx.Response(401, json={"code": "INVALID_AUTH_JWT_TOKEN"}),
        httpx.Response(200, json=[PROFILE]),
    )
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG):
        async with make_client() as client:
            shown.append(repr(client))
            await client.signature_profiles.list()
            await client.signature_profiles.list()
            api.handler = echo_back
            with pytest.raises(APIError) as echoed:
                await client.signature_profiles.list()
            error = echoed.value
            shown += [str(error), repr(error), repr(error.args), repr(error.message)]
            shown += [repr(error.body), repr(error.context), repr(error.code)]
            assert "[redacted]" in repr(error.body)  # the echo was there, and was cleaned
            api.handler = lambda r: (_ for _ in ()).throw(httpx.ConnectError(f"x {SECRET}"))
            with pytest.raises(IgnisignError) as dropped:
                await client.signature_profiles.list()
            shown += [str(dropped.value), repr(dropped.value), repr(dropped.value.args)]
            shown.append(repr(client._auth))
    shown += [r.getMessage() for r in caplog.records]
    shown += [str(r.args) for r in caplog.records]
    secrets = [SECRET, *api.tokens]
    assert len(api.tokens) == 2
    for text in shown:
        for secret in secrets:
            if secret in text:
                leaked.append(text)
    assert leaked == []
