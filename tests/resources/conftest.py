"""A recording fake of the API at the transport level, for the per-endpoint wire tests.

``api.reply(method, path, body)`` sets what one operation answers; every request the client sends
(except authentication) is recorded, and ``api.single()`` returns the only one, so a test reads::

    api.reply("GET", f"{E}/signers/s1", samples.SIGNER_SUMMARY)
    result = await client.signers.summary("s1")
    api.single().expect("GET", f"{E}/signers/s1")
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
import httpx
import pytest

from ignisign_async import AsyncIgnisign
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

E = f"/v3/applications/{APP_ID}/envs/{APP_ENV}"
"""The environment-scoped path prefix, as the client renders it."""

NO_BODY = object()
"""``expect(json=NO_BODY)``: the request must carry no body at all."""

Answer = Callable[[httpx.Request], httpx.Response]


@attrs.frozen
class Sent:
    """One request as it went over the wire."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: httpx.Headers
    content: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.content)

    def expect(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, str]] | None = None,
        json: object = NO_BODY,
    ) -> None:
        """Assert the exact method, raw (percent-encoded) path, query pairs and JSON body."""
        assert (self.method, self.path) == (method, path)
        assert self.query == (query or [])
        if json is NO_BODY:
            assert self.content == b"", f"unexpected body {self.content[:200]!r}"
            assert "content-type" not in self.headers
        else:
            assert self.headers["content-type"] == "application/json"
            assert self.json == json


class FakeApi:
    """Answers canned responses per (method, path) and records what it received."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], list[Answer]] = {}
        self.sent: list[Sent] = []

    def reply(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        status: int = 200,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue one answer for ``method path`` (the last one queued is reused once alone)."""
        if content is None:
            content = json.dumps(body).encode()
            headers = {"content-type": "application/json", **(headers or {})}

        def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(status, content=content, headers=headers)

        self.answers.setdefault((method, path), []).append(answer)

    def single(self) -> Sent:
        """The one request the test made."""
        assert len(self.sent) == 1, [f"{s.method} {s.path}" for s in self.sent]
        return self.sent[0]

    async def handler(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        if raw_path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        self.sent.append(
            Sent(
                method=request.method,
                path=raw_path,
                query=list(request.url.params.multi_items()),
                headers=request.headers,
                content=content,
            )
        )
        queue = self.answers.get((request.method, raw_path))
        if not queue:
            body = {"message": f"no answer for {request.method} {raw_path}", "code": "NOT_FOUND"}
            return httpx.Response(404, json=body)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request)


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
async def client(api: FakeApi) -> AsyncIterator[AsyncIgnisign]:
    transport = httpx.MockTransport(api.handler)
    async with AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport, max_retries=0
    ) as client:
        yield client
