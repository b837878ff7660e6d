"""The two contenders, wired identically to the same server.

A :class:`Target` is where calls go: the loopback uvicorn server, or the same ASGI app in
process. Both contenders get a fresh transport of the same kind with the same pool limits: the SDK
through ``transport=``, raw httpx through ``httpx.AsyncClient(transport=...)``.

The raw-httpx contender is the best hand-written code: one long-lived ``AsyncClient`` with the
token in its default headers (fetched once, outside the timed runs), absolute URLs built once,
``json.loads`` of the body, and a status check.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from ignisign_async import AsyncIgnisign

from ._payloads import APP_ENV, APP_ID, SECRET, SIGNATURE_REQUEST_ID
from ._server import AUTH_PATH, BenchApp, context_path

__all__ = ["Target", "sdk_client", "raw_client", "sdk_get", "raw_get", "DEFAULT_LIMITS"]

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
"""httpx's own defaults, spelled out: what both contenders use unless a row says otherwise."""


@dataclass(frozen=True)
class Target:
    """Where the calls go: ``app`` set means in process (``httpx.ASGITransport``)."""

    name: str
    base_url: str
    app: BenchApp | None = None

    def transport(self, limits: httpx.Limits = DEFAULT_LIMITS) -> httpx.AsyncBaseTransport:
        """A fresh transport to this target (the limits only matter on sockets)."""
        if self.app is not None:
            return httpx.ASGITransport(app=self.app)
        return httpx.AsyncHTTPTransport(limits=limits)

    async def auth_count(self) -> int:
        """How many tokens the server has issued since the last :meth:`reset`."""
        if self.app is not None:
            return self.app.auth_count
        async with httpx.AsyncClient() as http:
            return int((await http.get(self.base_url + "/_bench/stats")).json()["auth"])

    async def reset(self) -> None:
        """Zero the server's counters."""
        if self.app is not None:
            self.app.auth_count = self.app.request_count = 0
            return
        async with httpx.AsyncClient() as http:
            (await http.post(self.base_url + "/_bench/reset")).raise_for_status()


def in_process() -> Target:
    """The in-process target: no sockets, no second process, hence no socket noise."""
    return Target("in-process ASGI", "http://localhost", BenchApp(auth_delay=0.02))


def sdk_client(target: Target, limits: httpx.Limits = DEFAULT_LIMITS) -> AsyncIgnisign:
    """The SDK as a user builds it, pointed at ``target``."""
    return AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        base_url=target.base_url,
        transport=target.transport(limits),
    )


@asynccontextmanager
async def raw_client(
    target: Target, limits: httpx.Limits = DEFAULT_LIMITS
) -> AsyncIterator[httpx.AsyncClient]:
    """A raw ``httpx.AsyncClient`` holding a token, pointed at ``target``."""
    async with httpx.AsyncClient(transport=target.transport(limits)) as http:
        answer = await http.post(
            target.base_url + AUTH_PATH,
            json={"appId": APP_ID, "appEnv": APP_ENV, "secret": SECRET},
        )
        answer.raise_for_status()
        http.headers["Authorization"] = "Bearer " + answer.json()["jwtToken"]
        yield http


def sdk_get(client: AsyncIgnisign) -> Callable[[], Awaitable[Any]]:
    """One SDK call: the signature request context as a typed model."""
    get = client.signature_requests.get

    def call() -> Awaitable[Any]:
        return get(SIGNATURE_REQUEST_ID)

    return call


def raw_get(
    http: httpx.AsyncClient, target: Target, build: Callable[[Any], Any] | None = None
) -> Callable[[], Awaitable[Any]]:
    """The same call in raw httpx: GET, status check, ``json.loads`` (then ``build``, if given)."""
    url = target.base_url + context_path(SIGNATURE_REQUEST_ID)
    get = http.get
    loads = json.loads

    async def call() -> Any:
        response = await get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        data = loads(response.content)
        return data if build is None else build(data)

    return call
