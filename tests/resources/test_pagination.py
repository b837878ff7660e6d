"""``iter_all()`` / ``iter_events()``: lazy walks that always end."""

from __future__ import annotations

from typing import Any

from ignisign_async import AsyncIgnisign
from ignisign_async.resources import _base
from tests.fixtures import seed_samples as samples

from .conftest import E, FakeApi

SIGNERS = f"{E}/signers-paginate"
REQUESTS = f"{E}/signature-requests"
EVENTS = "/v3/webhooks/w1/events"


def signer_page(ids: list[str], total: int) -> dict[str, Any]:
    return {"signers": [{**samples.SIGNER_SUMMARY, "signerId": i} for i in ids], "total": total}


def request_page(ids: list[str], total: int, page: int) -> dict[str, Any]:
    return {
        "signatureRequests": [{**samples.SIGNATURE_REQUEST_WITH_DOC_NAME, "_id": i} for i in ids],
        "paginationData": {"total": total, "page": page, "nbEventsPerPage": 2},
    }


def event_page(ids: list[str], total: int, page: int) -> dict[str, Any]:
    return {
        "events": [{**samples.WEBHOOK_EVENT, "_id": i} for i in ids],
        "searchData": {"total": total, "page": page, "nbEventsPerPage": 2},
    }


def pages_asked(api: FakeApi) -> list[str]:
    return [dict(s.query)["page"] for s in api.sent]


async def test_signers_three_pages_until_total(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", SIGNERS, signer_page(["a", "b"], 5))
    api.reply("GET", SIGNERS, signer_page(["c", "d"], 5))
    api.reply("GET", SIGNERS, signer_page(["e"], 5))
    ids = [s.signer_id async for s in client.signers.iter_all()]
    assert ids == ["a", "b", "c", "d", "e"]
    assert pages_asked(api) == ["1", "2", "3"]


async def test_requests_three_pages_then_an_empty_one(api: FakeApi, client: AsyncIgnisign) -> None:
    """A ``total`` larger than what exists: the empty page ends the walk."""
    api.reply("GET", REQUESTS, request_page(["r1", "r2"], 99, 1))
    api.reply("GET", REQUESTS, request_page(["r3", "r4"], 99, 2))
    api.reply("GET", REQUESTS, request_page(["r5"], 99, 3))
    api.reply("GET", REQUESTS, request_page([], 99, 4))
    ids = [r.id async for r in client.signature_requests.iter_all()]
    assert ids == ["r1", "r2", "r3", "r4", "r5"]
    assert pages_asked(api) == ["1", "2", "3", "4"]


async def test_a_repeated_page_does_not_loop(api: FakeApi, client: AsyncIgnisign) -> None:
    """A server that ignores ``page`` answers page 1 forever: the walk stops at the repeat."""
    api.reply("GET", SIGNERS, signer_page(["a", "b"], 10))
    ids = [s.signer_id async for s in client.signers.iter_all()]
    assert ids == ["a", "b"]
    assert pages_asked(api) == ["1", "2"]


async def test_empty_listing(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", SIGNERS, signer_page([], 0))
    assert [s async for s in client.signers.iter_all()] == []
    assert pages_asked(api) == ["1"]


async def test_pages_are_fetched_only_as_iteration_goes(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    api.reply("GET", REQUESTS, request_page(["r1", "r2"], 6, 1))
    api.reply("GET", REQUESTS, request_page(["r3", "r4"], 6, 2))
    walk = client.signature_requests.iter_all()
    assert api.sent == []
    first = await walk.__anext__()
    assert first.id == "r1"
    assert pages_asked(api) == ["1"]
    await walk.aclose()


async def test_events_walk_keeps_the_filter(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", EVENTS, event_page(["e1", "e2"], 5, 1))
    api.reply("GET", EVENTS, event_page(["e3", "e4"], 5, 2))
    api.reply("GET", EVENTS, event_page(["e5"], 5, 3))
    ids = [e.id async for e in client.webhooks.iter_events("w1", filter="FAILED")]
    assert ids == ["e1", "e2", "e3", "e4", "e5"]
    assert [s.query for s in api.sent] == [
        [("filter", "FAILED"), ("page", str(n))] for n in (1, 2, 3)
    ]


async def test_events_walk_without_filter(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", EVENTS, event_page(["e1"], 1, 1))
    assert [e.id async for e in client.webhooks.iter_events("w1")] == ["e1"]
    assert [s.query for s in api.sent] == [[("page", "1")]]


async def test_the_page_cap_stops_a_server_that_never_ends() -> None:
    counter = iter(range(1000))

    class Endless:
        total = 10**9

        @property
        def items(self) -> tuple[str, ...]:
            return (f"id-{next(counter)}",)

    async def fetch(page: int) -> Endless:
        return Endless()

    ids = [i async for i in _base.paginate(fetch, key=lambda item: item, max_pages=4)]
    assert ids == ["id-0", "id-1", "id-2", "id-3"]
