"""Senders: how the emulator POSTs a webhook body (over HTTP, or to an ASGI app in-process)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from ._delivery import Sender

__all__ = ["Sender", "asgi_sender", "http_sender"]


def http_sender(*, timeout: float = 10.0) -> Sender:
    """A sender that POSTs each body to its endpoint URL over HTTP(S) with httpx::

    fake.webhook_sender = http_sender(timeout=5)
    """

    async def send(url: str, body: bytes) -> int:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(
                url, content=body, headers={"content-type": "application/json"}
            )
            return response.status_code

    return send


def asgi_sender(app: Callable[..., Awaitable[None]]) -> Sender:
    """A sender that POSTs each body to an ASGI app in-process (the URL's path is kept)::

    fake.webhook_sender = asgi_sender(router.asgi())
    """
    transport = httpx.ASGITransport(app=app)

    async def send(url: str, body: bytes) -> int:
        async with httpx.AsyncClient(transport=transport, base_url="http://webhook") as client:
            path = httpx.URL(url).raw_path.decode("ascii")
            response = await client.post(
                path, content=body, headers={"content-type": "application/json"}
            )
            return response.status_code

    return send
