"""The emulator never answers 5xx unless a fault was injected, and every 4xx is the documented body.

Hypothesis drives every route of ``fake.app`` (the API and the ``/_fake`` control endpoints)
with ids real and made up, queries and bodies built from each route's own schema (good values,
wrong types, dates the vendor refuses or accepts, unknown fields) and raw garbage, on a state that
has one of everything. The default run is short; ``-m slow`` runs a deeper one.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ignisign_async.testing import FakeIgnisign

from .conftest import PDF, Raw

FAKE_ROUTES = FakeIgnisign().app
ROUTES = [*FAKE_ROUTES.routes.all, *FAKE_ROUTES.control.all]
ERROR_KEYS = {"message", "status", "code", "context", "timestamp"}

DATES = st.sampled_from(
    [
        "2030-13-45",
        "2030-02-30T10:00:00Z",
        "2030-01-01T25:00:00Z",
        "2030-01-01T24:00",
        "2099-12-31T23:59:59.999Z",
        "2000-01-01",
        "1990",
        "2030-W05-3",
        "2030-366",
        "-0044-03-15",
        "+9999-12-31",
        "2030-01-01T10:00:00+25:00",
        "now",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=16),
    DATES,
    st.sampled_from(["DRAFT", "SCHEDULED", "EN", "USER", "ALL", "FAILED", "ADMIN", "PUBLISHED"]),
    st.sampled_from(["a@b.example", "https://example.com/h", "+33612345678", "a" * 64, "0" * 24]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


class World:
    """One of everything, so that real ids reach deep into the handlers."""

    def __init__(self, fake: FakeIgnisign, ids: dict[str, list[str]]) -> None:
        self.fake = fake
        self.ids = ids

    def pool(self) -> list[str]:
        return [i for values in self.ids.values() for i in values]


async def _world(fake: FakeIgnisign, http: httpx.AsyncClient) -> World:
    raw = Raw(fake, http)
    await raw.login()
    fake.webhook_sender = _endpoint
    hook = await raw.ok("POST", "{E}/webhooks", json={"url": "https://example.com/h"})
    draft = await raw.draft()
    draft_doc = await raw.document(draft, content=None, label="Empty")
    flow = await raw.published()
    embedded = fake.signature_profile_ids["Simple signature - embedded"]
    invitation = await raw.ok(
        "POST",
        f"/v3/applications/{fake.app_id}/users-invitations",
        json={
            "email": "x@example.com",
            "roles": {"DEVELOPMENT": ["ADMIN"], "STAGING": [], "PRODUCTION": []},
        },
    )
    await fake.deliver_pending()
    events = await raw.ok("GET", f"/v3/webhooks/{hook['_id']}/events")
    ids = {
        "requests": [draft, flow["sr"]],
        "documents": [draft_doc, flow["doc"]],
        "signers": list(flow["signers"]),
        "profiles": [fake.default_signature_profile_id, embedded],
        "webhooks": [hook["_id"]],
        "events": [e["_id"] for e in events["events"]],
        "invitations": [invitation["_id"]],
    }
    return World(fake, ids)


async def _endpoint(url: str, body: bytes) -> int:
    return 200


def _body(world: World, schema: Any) -> st.SearchStrategy[Any]:
    pool = st.sampled_from(world.pool())
    fields = list(schema.fields) if schema is not None else []
    value = st.one_of(JSON, pool, st.lists(pool, max_size=3))
    if fields:
        known = st.dictionaries(st.sampled_from(fields), value, max_size=len(fields))
        unknown = st.dictionaries(st.sampled_from([*fields, "extra", "_id"]), value, max_size=3)
        return st.one_of(known, known, unknown, JSON)
    return st.one_of(st.just({}), JSON)


@st.composite
def requests(draw: st.DrawFn, world: World) -> tuple[str, str, dict[str, str], dict[str, Any]]:
    route = draw(st.sampled_from(ROUTES))
    fake = world.fake
    pieces = iter(route.names)
    path = []
    for segment in route.segments:
        if segment is not None:
            path.append(segment)
            continue
        name = next(pieces)
        if name == "appId":
            choice = draw(st.sampled_from([fake.app_id, fake.app_id, "other"]))
        elif name == "appEnv":
            choice = draw(st.sampled_from([fake.app_env, fake.app_env, "PRODUCTION", "NOPE"]))
        else:
            choice = draw(
                st.one_of(st.sampled_from(world.pool()), st.text(min_size=1, max_size=30))
            )
        path.append(quote(choice, safe=""))
    query_keys = [*route.query.fields, "page", "filter", "zz"]
    query = draw(
        st.dictionaries(
            st.sampled_from(query_keys),
            st.one_of(st.text(max_size=8), st.sampled_from(["1", "0", "true", "ALL", "-3"])),
            max_size=2,
        )
    )
    kwargs: dict[str, Any] = {"params": query}
    if route.raw_body:
        kind = draw(st.sampled_from(["file", "json", "garbage"]))
        if kind == "file":
            data = draw(st.sampled_from([PDF, b"", b"%PDF-1.4 /Encrypt", b"\x00\xff"]))
            mime = draw(st.sampled_from(["application/pdf", "text/plain", "", "x/y; a=b"]))
            name = draw(st.sampled_from(["file", "other"]))
            kwargs["files"] = {name: ("a.pdf", data, mime)}
        elif kind == "json":
            kwargs["json"] = draw(_body(world, None))
        else:
            kwargs["content"] = draw(st.binary(max_size=40))
            kwargs["headers"] = {
                "content-type": draw(st.sampled_from(["multipart/form-data", "a/b"]))
            }
    elif route.body is not None or route.method in ("POST", "PUT"):
        if draw(st.integers(0, 9)) == 0:
            kwargs["content"] = draw(st.binary(max_size=20))
            kwargs["headers"] = {"content-type": "application/json"}
        else:
            kwargs["json"] = draw(_body(world, route.body))
    return route.method, "/" + "/".join(path), query, kwargs


def _check(answer: httpx.Response, label: str) -> None:
    assert answer.status_code < 500, label + " -> " + answer.text
    if answer.status_code >= 400:
        body = answer.json()
        assert set(body) == ERROR_KEYS, label
        assert body["status"] == answer.status_code, label
        assert isinstance(body["code"], str), label
        assert body["code"], label
        assert isinstance(body["message"], str), label
        assert isinstance(body["context"], dict), label


def _run(backend: str, batches: list[Any]) -> None:
    async def main() -> None:
        fake = FakeIgnisign()
        transport = httpx.ASGITransport(app=fake.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fake") as http:
            world = await _world(fake, http)
            raw = Raw(fake, http)
            token = f"Bearer {await raw.login()}"
            for draw in batches:
                for method, path, _, kwargs in draw(world):
                    headers = {"authorization": token, **kwargs.pop("headers", {})}
                    answer = await http.request(method, path, headers=headers, **kwargs)
                    _check(answer, f"{method} {path} {json.dumps(kwargs, default=repr)[:300]}")
                    if answer.status_code == 401:  # /_fake/tokens/expire was drawn: log in again
                        token = f"Bearer {await raw.login()}"
                await fake.deliver_pending()

    anyio.run(main, backend=backend)


def _batch(data: st.DataObject, size: int) -> Any:
    def draw(world: World) -> list[Any]:
        return [data.draw(requests(world)) for _ in range(size)]

    return draw


SHORT = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@SHORT
@given(data=st.data())
def test_no_route_answers_5xx(backend: str, data: st.DataObject) -> None:
    _run(backend, [_batch(data, 12)])


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(SHORT, max_examples=400, derandomize=False)
@given(data=st.data())
def test_no_route_answers_5xx_deeper(backend: str, data: st.DataObject) -> None:
    _run(backend, [_batch(data, 30)])


def test_every_route_is_driven() -> None:
    templates = {(r.method, r.template) for r in ROUTES}
    assert len(templates) == len(ROUTES) >= 50
