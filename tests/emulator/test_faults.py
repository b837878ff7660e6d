"""Fault injection: failures with Retry-After, dropped connections, delays; the request log."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from ignisign_async import APIConnectionError, APITimeoutError, AsyncIgnisign, InternalServerError
from ignisign_async.testing import FakeIgnisign

from .conftest import Raw


@pytest.fixture
async def direct(fake: FakeIgnisign) -> AsyncIterator[Raw]:
    """A raw client going through ``fake.transport`` (the in-process transport)."""
    base = "https://fake.ignisign.invalid"
    async with httpx.AsyncClient(transport=fake.transport, base_url=base) as http:
        raw = Raw(fake, http)
        await raw.login()
        yield raw


async def test_fail_next_with_retry_after_is_retried_by_the_sdk(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    fake = fake_ignisign
    await ignisign_client.signature_profiles.list()
    fake.faults.fail_next(2, status=503, retry_after=0.01, path="*/signature-profiles")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    ignisign_client._shared.sleep = sleep
    profiles = await ignisign_client.signature_profiles.list()
    assert len(profiles) == 4
    assert waits == [0.01, 0.01]  # the emulator's Retry-After was honoured, not the backoff
    assert [r.fault for r in fake.requests[-3:]] == ["fail:503", "fail:503", None]
    assert fake.faults.injected == {"fail": 2, "disconnect": 0, "delay": 0}


async def test_a_429_on_a_creation_is_retried_once_and_creates_once(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    fake = fake_ignisign
    fake.faults.fail_next(status=429, retry_after=0, method="POST", path="*/signature-requests")
    await ignisign_client.signature_requests.init(fake.default_signature_profile_id)
    page = await ignisign_client.signature_requests.list()
    assert len(page.signature_requests) == 1


async def test_failure_answers(direct: Raw) -> None:
    fake = direct.fake
    fake.faults.fail_next(status=429, retry_after=7, code="TOO_MANY")
    body = await direct.error("GET", "{E}/signature-profiles", 429, "TOO_MANY")
    assert body["message"] == "Injected fault"
    fake.faults.fail_next(status=502, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    answer = await direct.request("GET", "{E}/signature-profiles")
    assert (answer.status_code, answer.headers["retry-after"]) == (
        502,
        "Wed, 21 Oct 2015 07:28:00 GMT",
    )
    assert answer.json()["code"] == "INTERNAL_ERROR"
    await direct.ok("GET", "{E}/signature-profiles")
    with pytest.raises(ValueError, match="status"):
        fake.faults.fail_next(status=42)
    with pytest.raises(ValueError, match="count"):
        fake.faults.fail_next(count=0)


async def test_rules_match_method_glob_and_regex(direct: Raw) -> None:
    faults = direct.fake.faults
    faults.fail_next(method="POST", path="/v3/signature-requests/*/publish")
    faults.fail_next(status=500, path=re.compile(r"/signers-search$"))
    await direct.ok("GET", "{E}/signature-profiles")
    await direct.error("GET", "{E}/signers-search", 500, "INTERNAL_ERROR")
    await direct.ok("GET", "{E}/signers-search")
    sr = await direct.draft()
    await direct.error("POST", f"/v3/signature-requests/{sr}/publish", 503, "INTERNAL_ERROR")
    await direct.error(
        "POST",
        f"/v3/signature-requests/{sr}/publish",
        400,
        "CANNOT_PUBLISH_SIGNATURE_REQUEST__NO_DOCUMENTS",
        json={},
    )
    faults.fail_next(5)
    faults.clear()
    await direct.ok("GET", "{E}/signature-profiles")
    assert faults.injected["fail"] == 2


async def test_disconnect_before_and_after_the_operation(direct: Raw) -> None:
    fake = direct.fake
    flow_sr = await direct.draft()
    doc = await direct.document(flow_sr)
    signer = await direct.signer()
    await direct.ok(
        "PUT",
        f"/v3/signature-requests/{flow_sr}",
        json={"documentIds": [doc], "signerIds": [signer]},
    )
    publish = f"/v3/signature-requests/{flow_sr}/publish"
    fake.faults.disconnect_next(method="POST", path="*/publish")
    with pytest.raises(httpx.RemoteProtocolError):
        await direct.request("POST", publish, json={})
    assert await direct.status(flow_sr) == "DRAFT"
    fake.faults.disconnect_next(method="POST", path="*/publish", when="after")
    with pytest.raises(httpx.RemoteProtocolError):
        await direct.request("POST", publish, json={})
    assert await direct.status(flow_sr) == "IN_PROGRESS"  # applied, answer lost
    faults = [r.fault for r in fake.requests if r.path == publish]
    assert faults == ["disconnect:before", "disconnect:after"]
    with pytest.raises(ValueError, match="when"):
        fake.faults.disconnect_next(when="during")  # type: ignore[arg-type]


async def test_the_sdk_never_replays_a_creation_whose_answer_was_lost(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    fake = fake_ignisign
    await ignisign_client.signature_profiles.list()
    fake.faults.disconnect_next(method="POST", path="*/signature-requests", when="after")
    with pytest.raises(APIConnectionError):
        await ignisign_client.signature_requests.init(fake.default_signature_profile_id)
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("requests")]
    assert len(posts) == 1
    fake.faults.disconnect_next(method="GET")
    assert len(await ignisign_client.signature_profiles.list()) == 4  # idempotent: retried


async def test_delay_beyond_the_read_timeout_is_an_sdk_timeout(
    fake_ignisign: FakeIgnisign,
) -> None:
    fake = fake_ignisign
    async with fake.client(timeout=0.2, max_retries=0) as client:
        await client.signature_profiles.list()
        fake.faults.delay(5.0, count=1, method="GET")
        with pytest.raises(APITimeoutError, match="timed out"):
            await client.signature_profiles.list()  # the 5 s delay would otherwise succeed
        fake.faults.delay(0.05, method="GET")
        assert len(await client.signature_profiles.list()) == 4
    assert fake.faults.injected["delay"] == 2


async def test_a_delayed_operation_is_applied_even_when_the_client_gave_up(
    fake_ignisign: FakeIgnisign,
) -> None:
    fake = fake_ignisign
    async with fake.client(timeout=0.1, max_retries=0) as client:
        fake.faults.delay(0.5, method="POST", path="*/signature-requests")
        with pytest.raises(APITimeoutError):
            await client.signature_requests.init(fake.default_signature_profile_id)
        fake.faults.clear()
        page = await client.signature_requests.list()
    assert len(page.signature_requests) == 1


async def test_server_errors_surface_as_typed_sdk_errors(fake_ignisign: FakeIgnisign) -> None:
    fake_ignisign.faults.fail_next(3, status=500)
    async with fake_ignisign.client(max_retries=1) as client:
        with pytest.raises(InternalServerError) as failed:
            await client.health()
    assert failed.value.code == "INTERNAL_ERROR"


async def test_requests_are_recorded_without_the_token(direct: Raw) -> None:
    fake = direct.fake
    await direct.ok("GET", "{E}/signature-requests", params={"page": "1"})
    sr = await direct.draft()
    await direct.ok("PUT", f"/v3/signature-requests/{sr}", json={"title": "T"})
    auth, listing, init, update = fake.requests
    assert (auth.method, auth.path, auth.json["secret"]) == (
        "POST",
        "/v3/auth/app-api",
        fake.secret,
    )
    assert (listing.method, listing.query, listing.json) == ("GET", {"page": "1"}, None)
    assert init.json == {"signatureProfileId": fake.default_signature_profile_id}
    assert (update.method, update.path, update.json) == (
        "PUT",
        f"/v3/signature-requests/{sr}",
        {"title": "T"},
    )
    assert all("authorization" not in r.headers for r in fake.requests)
    assert update.headers["content-type"] == "application/json"
    fake.clear_requests()
    assert fake.requests == []


async def test_concurrent_clients_share_one_token_and_never_block(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    fake = fake_ignisign
    fake.faults.delay(0.01, path="*/signature-profiles")
    results: list[int] = []

    async def call() -> None:
        results.append(len(await ignisign_client.signature_profiles.list()))

    async with anyio.create_task_group() as group:
        for _ in range(50):
            group.start_soon(call)
    assert results == [4] * 50
    assert fake.auth_requests == 1


async def test_injected_failures_carry_the_code_of_their_status(direct: Raw) -> None:
    fake = direct.fake
    for status, code in [(429, "TOO_MANY_REQUESTS"), (400, "BAD_REQUEST"), (503, "INTERNAL_ERROR")]:
        fake.faults.fail_next(status=status)
        await direct.error("GET", "{E}/signature-profiles", status, code)
