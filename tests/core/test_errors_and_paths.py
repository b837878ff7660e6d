"""Error mapping, path parameters, query encoding."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import httpx
import pytest

from ignisign_async import (
    APIError,
    APIResponseValidationError,
    AsyncIgnisign,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    IgnisignError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ignisign_async._routes import Route, encode_query, encode_segment
from ignisign_async.models.enums import SignatureProfileStatus
from tests.conftest import APP_ENV, APP_ID

from .conftest import PROFILE, ScriptedAPI

GET_SIGNER = Route("GET", "/v3/applications/{appId}/envs/{appEnv}/signers/{signerId}")
XADES = Route("GET", "/v3/documents/{documentId}/signatures/{signatureId}/xades")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIError),
    ],
)
async def test_json_error_body_maps_to_typed_error(
    api: ScriptedAPI,
    make_client: Callable[..., AsyncIgnisign],
    no_backoff: list[int],
    status: int,
    cls: type[APIError],
) -> None:
    body = {
        "message": "Signer not found",
        "status": status,
        "code": "SIGNER_NOT_FOUND",
        "context": {"signerId": "x"},
        "timestamp": "2024-03-01T10:00:00.000Z",
    }
    api.handler = lambda request: httpx.Response(status, json=body)
    async with make_client(max_retries=0) as client:
        with pytest.raises(cls) as info:
            await client._request(GET_SIGNER, "abc")
    error = info.value
    assert type(error) is cls
    assert isinstance(error, IgnisignError)
    assert error.status_code == status
    assert error.code == "SIGNER_NOT_FOUND"
    assert error.message == "Signer not found"
    assert error.context == {"signerId": "x"}
    assert error.body == body
    assert error.request == f"GET /v3/applications/{APP_ID}/envs/{APP_ENV}/signers/abc"
    assert str(error) == f"{status} SIGNER_NOT_FOUND: Signer not found ({error.request})"


async def test_error_code_spelled_errorcode(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.handler = lambda r: httpx.Response(400, json={"errorCode": "BAD_REQUEST", "message": "m"})
    async with make_client() as client:
        with pytest.raises(BadRequestError) as info:
            await client._request(GET_SIGNER, "abc")
    assert info.value.code == "BAD_REQUEST"


async def test_html_error_page(api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    api.handler = lambda r: httpx.Response(502, text=html, headers={"content-type": "text/html"})
    async with make_client(max_retries=0) as client:
        with pytest.raises(InternalServerError) as info:
            await client.signature_profiles.list()
    assert info.value.body == html
    assert info.value.code is None
    assert "502 Bad Gateway" in info.value.message


async def test_empty_error_body(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.handler = lambda r: httpx.Response(404)
    async with make_client() as client:
        with pytest.raises(NotFoundError) as info:
            await client.signature_profiles.list()
    assert info.value.body == ""
    assert info.value.message == "Not Found"


async def test_error_body_with_object_message(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.handler = lambda r: httpx.Response(400, json={"message": {"field": "email"}, "code": "X"})
    async with make_client() as client:
        with pytest.raises(BadRequestError) as info:
            await client.signature_profiles.list()
    assert "email" in info.value.message


def test_api_errors_pickle() -> None:
    error = NotFoundError("gone", status_code=404, code="SIGNER_NOT_FOUND", request="GET /x")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is NotFoundError
    assert (copy.code, copy.status_code, copy.request) == ("SIGNER_NOT_FOUND", 404, "GET /x")


async def test_non_json_success_is_a_validation_error(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.handler = lambda r: httpx.Response(200, text="<html>maintenance</html>")
    async with make_client() as client:
        with pytest.raises(APIResponseValidationError, match="not valid JSON"):
            await client.signature_profiles.list()


async def test_unexpected_shape_is_a_validation_error(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.handler = lambda r: httpx.Response(200, json=[{**PROFILE, "status": 7}])
    async with make_client() as client:
        with pytest.raises(APIResponseValidationError) as info:
            await client.signature_profiles.list()
    assert "SignatureProfile" in str(info.value) or "list" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("é", "%C3%A9"),
        ("a?b#c", "a%3Fb%23c"),
        ("100%", "100%25"),
        ("a b", "a%20b"),
    ],
)
async def test_path_parameters_are_encoded_as_one_segment(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], raw: str, encoded: str
) -> None:
    api.handler = lambda r: httpx.Response(200, json={})
    async with make_client() as client:
        await client._request(XADES, raw, "sig")
    request = api.requests[0]
    assert request.url.raw_path.decode() == f"/v3/documents/{encoded}/signatures/sig/xades"


@pytest.mark.parametrize("bad", ["", "   ", ".", ".."])
async def test_bad_ids_refused_before_any_request(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign], bad: str
) -> None:
    async with make_client() as client:
        with pytest.raises(ValueError, match="signature_profile_id"):
            await client.signature_profiles.set_status(bad, "ARCHIVED")
    assert api.requests == []
    assert api.auth_requests == []


async def test_non_string_id_refused(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async with make_client() as client:
        with pytest.raises(TypeError, match="signature_profile_id"):
            await client.signature_profiles.set_status(42, "ARCHIVED")  # type: ignore[arg-type]
    assert api.requests == []


async def test_bad_enum_argument_refused_before_any_request(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    async with make_client() as client:
        with pytest.raises(ValueError, match="status must be one of PUBLISHED, ARCHIVED"):
            await client.signature_profiles.set_status("p1", "DELETED")
    assert api.requests == []


async def test_set_status_on_the_wire(
    api: ScriptedAPI, make_client: Callable[..., AsyncIgnisign]
) -> None:
    api.handler = lambda r: httpx.Response(200, json={**PROFILE, "status": "ARCHIVED"})
    async with make_client() as client:
        profile = await client.signature_profiles.set_status(
            "65f1a2b3c4d5e6f708192a3b", SignatureProfileStatus.ARCHIVED
        )
    request = api.requests[0]
    assert request.method == "PUT"
    assert request.url.path == (
        f"/v3/applications/{APP_ID}/envs/{APP_ENV}/signature-profiles/"
        "65f1a2b3c4d5e6f708192a3b/status"
    )
    assert request.url.query == b""
    assert request.content == b'{"status":"ARCHIVED"}'
    assert request.headers["content-type"] == "application/json"
    assert profile.status is SignatureProfileStatus.ARCHIVED


def test_route_arity_and_idempotency() -> None:
    with pytest.raises(TypeError, match="takes 1 id"):
        GET_SIGNER.render("a", "DEVELOPMENT", ())
    assert GET_SIGNER.idempotent
    assert not Route("POST", "/v3/x").idempotent
    assert Route("POST", "/v3/x", idempotent=True).idempotent
    assert GET_SIGNER.params == ("signerId",)
    assert encode_segment("abc", name="x") == "abc"


def test_query_encoding() -> None:
    assert encode_query({"page": 2, "forRecurrent": False, "x": None, "f": "ALL"}) == {
        "page": "2",
        "forRecurrent": "false",
        "f": "ALL",
    }
    assert encode_query({"status": SignatureProfileStatus.PUBLISHED}) == {"status": "PUBLISHED"}
    assert encode_query({}) is None
