"""No id, however hostile, changes which endpoint is hit.

For every route the resources declare, and through the real resource methods: whatever string
is given as an id, the path on the wire has exactly the template's segments, its literal
segments unchanged, and each id decoding back to itself from its own segment. Ids that cannot
be sent safely (blank, ``.``, ``..``, not a string) are refused before any request.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ignisign_async.resources as resources_package
from ignisign_async import AsyncIgnisign, NotFoundError
from ignisign_async._routes import Route
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

BASE = "https://api.ignisign.io"
FAST = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _routes() -> dict[str, Route]:
    found: dict[str, Route] = {}
    for info in pkgutil.iter_modules(resources_package.__path__):
        module = importlib.import_module(f"{resources_package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Route):
                found[f"{info.name}.{name}"] = value
    return found


ROUTES = _routes()
WITH_IDS = sorted(name for name, route in ROUTES.items() if route.params)

ids = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(
        [
            "../..",
            "..%2F..",
            "%2e%2e",
            "a/../../b",
            "?page=2",
            "#frag",
            "/v3/auth/app-api",
            "x;y=z",
            "a\\b",
            " . ",
            "...",
            "\u2025",
            "\uff0e\uff0e",
            "%00",
            "\x00",
            "@evil.example",
            "//evil.example/x",
            "http://evil.example/",
            "\r\nHost: evil",
        ]
    ),
).filter(lambda text: text.strip() != "" and text not in (".", ".."))


def check_path(
    raw_path: str, route: Route, app_id: str, values: tuple[str, ...], query: str = ""
) -> None:
    """``raw_path`` (as sent) is ``route``'s template with exactly these values in place."""
    path, _, sent_query = raw_path.partition("?")
    assert sent_query == query, raw_path
    sent = path.split("/")
    template = route.path.split("/")
    assert len(sent) == len(template), raw_path
    given = iter(values)
    for segment, expected in zip(sent, template, strict=True):
        if expected == "{appId}":
            assert unquote(segment) == app_id
        elif expected == "{appEnv}":
            assert segment == APP_ENV
        elif expected.startswith("{"):
            assert unquote(segment) == next(given), raw_path
        else:
            assert segment == expected


def test_every_route_with_ids_is_covered() -> None:
    assert len(WITH_IDS) >= 30
    assert "proofs.GET_SIGNATURE" in WITH_IDS


@FAST
@given(name=st.sampled_from(WITH_IDS), data=st.data())
def test_an_id_stays_inside_its_segment(name: str, data: st.DataObject) -> None:
    route = ROUTES[name]
    values = tuple(data.draw(ids, label=p) for p in route.params)
    app_id = data.draw(st.sampled_from([APP_ID, "appId_a/b?c#d%e"]), label="app_id")
    path = route.render(app_id, APP_ENV, values)
    sent = httpx.Request(route.method, BASE + path)  # what httpx makes of it on the wire
    assert sent.url.host == "api.ignisign.io"
    check_path(sent.url.raw_path.decode("ascii"), route, app_id, values)


@pytest.mark.parametrize("bad", ["", " ", "\t\n", ".", "..", None, 42, b"abc", ["a"]], ids=repr)
def test_ids_that_cannot_be_sent_safely_are_refused(bad: object) -> None:
    route = ROUTES["proofs.GET_SIGNATURE"]
    with pytest.raises((ValueError, TypeError)):
        route.render(APP_ID, APP_ENV, ("65f1a2b3c4d5e6f708192a3b", bad))


Call = Callable[[AsyncIgnisign, str, str], Awaitable[Any]]
CALLS: list[tuple[str, Call, str, int]] = [
    ("signers.get", lambda c, a, b: c.signers.get(a), "signers.GET_DETAILS", 1),
    (
        "signers.update",
        lambda c, a, b: c.signers.update(a, signature_profile_id=b),
        "signers.UPDATE",
        1,
    ),
    (
        "signers.missing_inputs",
        lambda c, a, b: c.signers.missing_inputs(a, b),
        "signers.MISSING_INPUTS",
        2,
    ),
    ("documents.get", lambda c, a, b: c.documents.get(a), "documents.GET", 1),
    ("documents.remove", lambda c, a, b: c.documents.remove(a), "documents.REMOVE", 1),
    (
        "documents.provide_file",
        lambda c, a, b: c.documents.provide_file(a, b"%PDF", file_name="x.pdf"),
        "documents.PROVIDE_FILE",
        1,
    ),
    (
        "signature_requests.publish",
        lambda c, a, b: c.signature_requests.publish(a),
        "signature_requests.PUBLISH",
        1,
    ),
    (
        "proofs.get_signature",
        lambda c, a, b: c.proofs.get_signature(a, b),
        "proofs.GET_SIGNATURE",
        2,
    ),
    (
        "proofs.download_xades",
        lambda c, a, b: c.proofs.download_xades(a, b, bytearray_writer()),
        "proofs.XADES",
        2,
    ),
    ("webhooks.get_event", lambda c, a, b: c.webhooks.get_event(a, b), "webhooks.GET_EVENT", 2),
    (
        "applications.cancel_invitation",
        lambda c, a, b: c.applications.cancel_invitation(a),
        "applications.CANCEL_INVITATION",
        1,
    ),
]


def bytearray_writer() -> Any:
    import io

    return io.BytesIO()


@settings(FAST, max_examples=20)
@given(pairs=st.lists(st.tuples(ids, ids), min_size=1, max_size=4))
def test_resource_methods_hit_their_endpoint_whatever_the_ids(
    pairs: list[tuple[str, str]],
) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        assert request.url.host == "api.ignisign.io"
        seen.append(request.url.raw_path.decode("ascii"))
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": "no"})

    async def main() -> None:
        transport = httpx.MockTransport(handler)
        async with AsyncIgnisign(
            app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport
        ) as client:
            for first, second in pairs:
                for _name, call, route_name, count in CALLS:
                    seen.clear()
                    with pytest.raises(NotFoundError):
                        await call(client, first, second)
                    (raw_path,) = seen
                    route = ROUTES[route_name]
                    values = (first, second)[:count]
                    query = ""
                    if route_name == "signers.MISSING_INPUTS":
                        values = (second, first)  # the path has the profile, then the signer
                        query = "forRecurrent=false"
                    check_path(raw_path, route, APP_ID, values, query)

    anyio.run(main)
