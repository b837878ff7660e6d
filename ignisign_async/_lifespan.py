"""The ASGI lifespan protocol for apps with nothing to set up or tear down.

Shared by the webhook endpoint (``WebhookASGIApp``) and the emulator (``fake.app``)::

    if scope["type"] == "lifespan":
        await acknowledge_lifespan(receive, send)
        return
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

__all__ = ["acknowledge_lifespan"]

_Message: TypeAlias = MutableMapping[str, Any]


async def acknowledge_lifespan(
    receive: Callable[[], Awaitable[_Message]], send: Callable[[_Message], Awaitable[None]]
) -> None:
    """Acknowledge startup and shutdown; return once the server shuts the app down."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
