"""What an error tells: the answer's headers and request id, a repr with class, status and code,
and for connection failures the host that could not be reached."""

from __future__ import annotations

import pickle
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from ignisign_async import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncIgnisign,
    BadRequestError,
    InternalServerError,
    NotFoundError,
)
from ignisign_async._request_id import REQUEST_ID_HEADERS
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

BASE = "https://api.ignisign.io"
E = f"/v3/applications/{APP_ID}/envs/{APP_ENV}"
NOT_FOUND = {"code": "SIGNER_NOT_FOUND", "message": "no such signer"}


@pytest.fixture
async def mock() -> AsyncIterator[respx.MockRouter]:
    async with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.post("/v3/auth/app-api").respond(json={"jwtToken": make_jwt()})
        yield router


@pytest.fixture
async def client() -> AsyncIterator[AsyncIgnisign]:
    async with AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, max_retries=0
    ) as client:
        yield client


async def _error(client: AsyncIgnisign) -> APIError:
    with pytest.raises(APIError) as caught:
        await client.signers.summary("s1")
    return caught.value


async def test_headers_and_request_id(mock: respx.MockRouter, client: AsyncIgnisign) -> None:
    mock.get(f"{E}/signers/s1").respond(
        404, json=NOT_FOUND, headers={"X-Request-ID": "req-9", "X-RateLimit-Remaining": "7"}
    )
    error = await _error(client)
    assert isinstance(error, NotFoundError)
    assert error.response_headers["x-ratelimit-remaining"] == "7"
    assert error.request_id == "req-9"
    assert repr(error) == (
        "NotFoundError(status_code=404, code='SIGNER_NOT_FOUND', message='no such signer',"
        " request_id='req-9')"
    )


@pytest.mark.parametrize("index", range(len(REQUEST_ID_HEADERS)))
async def test_the_first_request_id_header_present_wins(
    mock: respx.MockRouter, client: AsyncIgnisign, index: int
) -> None:
    headers = {name: f"id-{i}" for i, name in enumerate(REQUEST_ID_HEADERS) if i >= index}
    mock.get(f"{E}/signers/s1").respond(400, json={"code": "BAD_REQUEST"}, headers=headers)
    assert (await _error(client)).request_id == f"id-{index}"


async def test_no_request_id_is_none(mock: respx.MockRouter, client: AsyncIgnisign) -> None:
    mock.get(f"{E}/signers/s1").respond(500, text="<html>oops</html>")
    error = await _error(client)
    assert isinstance(error, InternalServerError)
    assert error.request_id is None
    assert repr(error) == (
        "InternalServerError(status_code=500, code=None, message='Internal Server Error:"
        " <html>oops</html>')"
    )


async def test_a_token_echoed_in_a_header_is_redacted(
    mock: respx.MockRouter, client: AsyncIgnisign
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403, json={"code": "FORBIDDEN"}, headers={"x-echo": request.headers["authorization"]}
        )

    mock.get(f"{E}/signers/s1").mock(side_effect=echo)
    error = await _error(client)
    assert error.response_headers["x-echo"] == "Bearer [redacted]"


def test_errors_pickle_with_their_headers() -> None:
    error = BadRequestError(
        "bad", status_code=400, code="BAD_REQUEST", response_headers={"request-id": "r1"}
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.request_id, copy.code) == (BadRequestError, "r1", "BAD_REQUEST")
    assert repr(copy) == repr(error)
    assert APIError("x", status_code=418).response_headers == httpx.Headers()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_connection_error_names_the_host() -> None:
    port = _closed_port()
    async with AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        base_url=f"http://127.0.0.1:{port}",
        max_retries=0,
    ) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.health()
    assert str(caught.value).startswith(f"Could not connect to 127.0.0.1:{port}: ")
    assert str(caught.value).endswith("(GET /v3/healthcheck)")


async def test_a_dropped_connection_and_a_timeout_name_the_host(mock: respx.MockRouter) -> None:
    mock.get("/v3/healthcheck").mock(
        side_effect=[httpx.RemoteProtocolError("Server disconnected"), httpx.ReadTimeout("slow")]
    )
    async with AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError, match=r"^Connection error with api\.ignisign\.io: "):
            await client.health()
        with pytest.raises(APITimeoutError, match=r"^Request to api\.ignisign\.io timed out"):
            await client.health()


async def test_a_refused_secret_keeps_the_answers_headers(mock: respx.MockRouter) -> None:
    mock.post("/v3/auth/app-api").respond(
        401, json={"code": "AUTHENTICATION_FAILED"}, headers={"x-request-id": "auth-1"}
    )
    async with AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET) as client:
        with pytest.raises(APIError) as caught:
            await client.signers.summary("s1")
    assert type(caught.value).__name__ == "AuthenticationError"
    assert caught.value.request_id == "auth-1"
