"""``with_raw_response``: every method of every sub-client, returning the answer with the model.

On the emulator (the real pipeline end to end) and with respx (headers the emulator does not
send); async here, the sync facade in ``tests/sync``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
import respx

from ignisign_async import (
    APIResponseValidationError,
    AsyncIgnisign,
    DownloadResult,
    NotFoundError,
)
from ignisign_async._response import APIResponse
from ignisign_async.models import SignatureProfile, SignerCreated
from ignisign_async.resources._base import Resource
from ignisign_async.testing import FakeIgnisign
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

SUB_CLIENTS = [
    "applications",
    "signers",
    "signature_profiles",
    "signature_requests",
    "documents",
    "proofs",
    "webhooks",
]
E = f"/v3/applications/{APP_ID}/envs/{APP_ENV}"


@pytest.fixture
async def client(fake_ignisign: FakeIgnisign) -> AsyncIterator[AsyncIgnisign]:
    async with fake_ignisign.client(max_retries=2) as client:
        yield client


def _api_methods(resource: Resource) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(resource)
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    }


@pytest.mark.parametrize("name", SUB_CLIENTS)
def test_every_call_of_every_sub_client_is_offered(name: str) -> None:
    resource = getattr(FakeIgnisign().client(), name)
    raw = resource.with_raw_response
    offered = set(dir(raw))
    assert offered == _api_methods(resource) - {"iter_all", "iter_events"}
    assert len(offered) >= 2
    for method in offered:
        assert inspect.iscoroutinefunction(getattr(raw, method))
        assert getattr(raw, method).__doc__ == getattr(resource, method).__doc__


def test_streams_and_iterators_are_refused_with_the_reason() -> None:
    client = FakeIgnisign().client()
    with pytest.raises(AttributeError, match="a stream gives its answer's headers itself"):
        _ = client.proofs.with_raw_response.stream_asic
    with pytest.raises(AttributeError, match=r"call list\(page=...\)"):
        _ = client.signers.with_raw_response.iter_all
    with pytest.raises(AttributeError, match="not an API call"):
        _ = client.with_raw_response.aclose
    with pytest.raises(AttributeError, match="nope"):
        _ = client.signers.with_raw_response.nope


async def test_a_read(client: AsyncIgnisign) -> None:
    response = await client.signature_profiles.with_raw_response.list()
    assert isinstance(response, APIResponse)
    assert response.status_code == 200
    assert response.method == "GET"
    assert response.url == httpx.URL(
        "https://fake.ignisign.invalid/v3/applications/appId_fake/envs/DEVELOPMENT/signature-profiles"
    )
    assert response.headers["content-type"] == "application/json"
    assert response.retries_taken == 0
    assert response.elapsed > dt.timedelta(0)
    assert response.request_id is None  # the emulator sends none
    profiles = response.parse()
    assert all(isinstance(p, SignatureProfile) for p in profiles)
    assert profiles == await client.signature_profiles.list()
    assert response.json()[0]["_id"] == profiles[0].id
    assert "signature-profiles -> 200" in repr(response)


async def test_a_creation_an_upload_and_a_download(
    client: AsyncIgnisign, fake_ignisign: FakeIgnisign
) -> None:
    profile_id = fake_ignisign.default_signature_profile_id
    created = await client.signers.with_raw_response.create(
        signature_profile_id=profile_id, first_name="Ada", last_name="L", email="a@b.example"
    )
    assert (created.method, created.status_code) == ("POST", 200)
    assert isinstance(created.parse(), SignerCreated)
    request = await client.signature_requests.init(profile_id)
    document = await client.documents.init(signature_request_id=request.signature_request_id)
    uploaded = await client.documents.with_raw_response.provide_file(
        document.document_id, b"%PDF-1.4 lease", file_name="lease.pdf"
    )
    assert uploaded.url.path.endswith(f"/documents/{document.document_id}/file")
    sink = io.BytesIO()
    downloaded = await client.documents.with_raw_response.download_original(
        document.document_id, sink
    )
    assert downloaded.status_code == 200
    assert downloaded.content == b""  # the body went to the file
    assert isinstance(downloaded.parse(), DownloadResult)
    assert sink.getvalue() == b"%PDF-1.4 lease"


async def test_retries_and_401_replays_are_counted(
    client: AsyncIgnisign, fake_ignisign: FakeIgnisign
) -> None:
    fake_ignisign.faults.fail_next(2, status=503, retry_after=0, path="*/signature-profiles")
    response = await client.signature_profiles.with_raw_response.list()
    assert response.retries_taken == 2
    fake_ignisign.expire_tokens()
    response = await client.signature_profiles.with_raw_response.list()
    assert response.retries_taken == 1  # the 401 replay
    assert len(response.parse()) == 4


async def test_the_client_level_call(client: AsyncIgnisign) -> None:
    response = await client.with_raw_response.health()
    assert response.url.path == "/v3/healthcheck"
    assert response.parse().is_alive


async def test_concurrent_calls_each_get_their_own_answer(
    client: AsyncIgnisign, fake_ignisign: FakeIgnisign
) -> None:
    profile_id = fake_ignisign.default_signature_profile_id
    got: dict[str, APIResponse[object]] = {}

    async def call(name: str) -> None:
        if name == "health":
            got[name] = await client.with_raw_response.health()
        else:
            got[name] = await client.signers.with_raw_response.inputs_constraints(profile_id)

    async with anyio.create_task_group() as group:
        for name in ("health", "inputs"):
            group.start_soon(call, name)
    assert got["health"].url.path == "/v3/healthcheck"
    assert got["inputs"].url.path.endswith(f"/{profile_id}/signer-inputs-constraints")


async def test_a_plain_call_afterwards_records_nothing(client: AsyncIgnisign) -> None:
    from ignisign_async._raw import capturing

    await client.with_raw_response.health()
    assert not capturing()
    assert (await client.health()).is_alive


async def test_an_error_answer_raises_as_the_plain_call_does(client: AsyncIgnisign) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.signers.with_raw_response.get("65f1a2b3c4d5e6f7a8b9c0d1")
    assert caught.value.status_code == 404


# -- headers the emulator does not send: respx ------------------------------------------------


@pytest.fixture
async def mock() -> AsyncIterator[respx.MockRouter]:
    async with respx.mock(base_url="https://api.ignisign.io", assert_all_called=False) as router:
        router.post("/v3/auth/app-api").respond(json={"jwtToken": make_jwt()})
        yield router


@pytest.fixture
async def real() -> AsyncIterator[AsyncIgnisign]:
    async with AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET) as client:
        yield client


async def test_request_id_and_query(mock: respx.MockRouter, real: AsyncIgnisign) -> None:
    mock.get(f"{E}/signers-paginate").respond(
        json={"signers": [], "total": 0},
        headers={"X-Request-ID": "req-42", "X-Correlation-ID": "corr-1"},
    )
    response = await real.signers.with_raw_response.list(page=2)
    assert response.request_id == "req-42"
    assert response.url.params["page"] == "2"
    assert response.parse().signers == ()


async def test_a_body_that_does_not_fit_is_raised_by_parse(
    mock: respx.MockRouter, real: AsyncIgnisign
) -> None:
    mock.get(f"{E}/signature-profiles").respond(
        json={"not": "a list"}, headers={"request-id": "r-7"}
    )
    response = await real.signature_profiles.with_raw_response.list()
    assert (response.status_code, response.request_id) == (200, "r-7")
    assert response.json() == {"not": "a list"}
    with pytest.raises(APIResponseValidationError):
        response.parse()
