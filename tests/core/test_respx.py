"""respx intercepts the SDK's requests on its default transport, as in a user's test suite.

These wire-level tests need no hand-written transport: respx sits below httpx, where the real
network would be, so the SDK runs its whole pipeline (auth, headers, retries, error mapping).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from ignisign_async import AsyncIgnisign, NotFoundError
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

BASE = "https://api.ignisign.io"
E = f"/v3/applications/{APP_ID}/envs/{APP_ENV}"


@pytest.fixture
async def mock() -> AsyncIterator[respx.MockRouter]:
    async with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.post("/v3/auth/app-api", name="auth").respond(json={"jwtToken": make_jwt()})
        yield router


@pytest.fixture
async def client() -> AsyncIterator[AsyncIgnisign]:
    async with AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET) as client:
        yield client


async def test_one_endpoint_mocked(mock: respx.MockRouter, client: AsyncIgnisign) -> None:
    route = mock.get(f"{E}/signers/s1/details").respond(
        json={"signerId": "s1", "status": "ACTIVE", "email": "ada@example.com"}
    )
    signer = await client.signers.get("s1")
    assert signer.email == "ada@example.com"
    sent = route.calls.last.request
    assert sent.headers["authorization"].startswith("Bearer eyJ")
    assert sent.headers["accept"] == "application/json"
    assert mock["auth"].call_count == 1
    assert json.loads(mock["auth"].calls.last.request.content) == {
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "secret": SECRET,
    }


async def test_an_error_answer_is_typed(mock: respx.MockRouter, client: AsyncIgnisign) -> None:
    mock.get(f"{E}/signers/nope/details").respond(
        404, json={"code": "SIGNER_NOT_FOUND", "message": "no such signer", "context": {"a": 1}}
    )
    with pytest.raises(NotFoundError) as caught:
        await client.signers.get("nope")
    assert (caught.value.status_code, caught.value.code) == (404, "SIGNER_NOT_FOUND")
    assert caught.value.context == {"a": 1}


async def test_a_retried_call_is_seen_twice(mock: respx.MockRouter, client: AsyncIgnisign) -> None:
    route = mock.get(f"{E}/signature-profiles").mock(
        side_effect=[
            httpx.Response(503, headers={"retry-after": "0"}),
            httpx.Response(200, json=[]),
        ]
    )
    assert await client.signature_profiles.list() == []
    assert route.call_count == 2


async def test_query_and_body_as_sent(mock: respx.MockRouter, client: AsyncIgnisign) -> None:
    route = mock.post(f"{E}/signers").respond(json={"signerId": "s2", "entityType": "NATURAL"})
    created = await client.signers.create(signature_profile_id="p1", email="a@b.example")
    assert created.signer_id == "s2"
    sent = route.calls.last.request
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.content) == {"signatureProfileId": "p1", "email": "a@b.example"}
