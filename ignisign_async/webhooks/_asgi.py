"""A plain ASGI 3 endpoint for a :class:`WebhookRouter`, to mount in any ASGI framework.

Answers:

* 200 ``{"ok": true, "topic": ..., "action": ..., "callbacks": n, "failed": 0}`` once the event is
  verified and every matching callback ran;
* 500 with the same body (``"ok": false``, ``failed`` > 0) when a callback raised: IgniSign then
  records the delivery FAILED, and ``client.webhooks.resend_failed(webhook_id)`` delivers it again
  (with a new token) once the callback is fixed;
* 400 malformed body, 401 failed verification, 503 when the token could not be checked because
  IgniSign was unreachable or failing (IgniSign may then deliver again);
* 405 for any method but POST, 415 without ``Content-Type: application/json``, 413 as soon as the
  body exceeds ``max_body_size`` (announced by ``Content-Length`` or while streaming).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from .._errors import WebhookError
from .._lifespan import acknowledge_lifespan
from ._verify import http_status_for

if TYPE_CHECKING:
    from ._router import WebhookRouter

__all__ = ["WebhookASGIApp", "Scope", "Receive", "Send"]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]

_Answer: TypeAlias = "tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]"

logger = logging.getLogger("ignisign_async.webhooks")

_JSON: Final = b"application/json"


class WebhookASGIApp:
    """The ASGI endpoint made by :meth:`WebhookRouter.asgi`, routed at its exact path (a
    Starlette/FastAPI ``mount`` would answer 307 there: it serves the path with a trailing ``/``)::

        from fastapi import FastAPI

        api = FastAPI()
        api.add_route("/ignisign/webhook", router.asgi(max_body_size=512 * 1024))
    """

    def __init__(self, router: WebhookRouter, *, max_body_size: int) -> None:
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
            raise TypeError("max_body_size must be an int")
        if max_body_size <= 0:
            raise ValueError("max_body_size must be positive")
        self.router = router
        self.max_body_size = max_body_size

    def __repr__(self) -> str:
        return f"<WebhookASGIApp max_body_size={self.max_body_size} {self.router!r}>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await acknowledge_lifespan(receive, send)
            return
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1003})
            return
        if kind != "http":
            raise ValueError(f"unsupported ASGI scope type {kind!r}")
        answer = await self._handle(scope, receive)
        if answer is not None:  # None: the client went away
            await _respond(send, *answer)

    async def _handle(self, scope: Scope, receive: Receive) -> _Answer | None:
        if scope.get("method") != "POST":
            return 405, _error("METHOD_NOT_ALLOWED", "Only POST is accepted"), [(b"allow", b"POST")]
        headers = _headers(scope)
        media_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
        if media_type != _JSON:
            unsupported = "Content-Type must be application/json"
            return 415, _error("UNSUPPORTED_MEDIA_TYPE", unsupported), []
        limit = f"The body exceeds {self.max_body_size} bytes"
        too_large: _Answer = 413, _error("PAYLOAD_TOO_LARGE", limit), []
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit() or len(declared.strip()) > 18:
                return 400, _error("BAD_REQUEST", "Invalid Content-Length"), []
            if int(declared) > self.max_body_size:
                return too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_size:
                return too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        try:
            result = await self.router.consume(b"".join(chunks))
        except WebhookError as exc:
            # answered, not raised: the only place the refusal is told
            logger.warning("Webhook refused (%s): %s", exc.code, exc)
            return http_status_for(exc), _error(exc.code, str(exc)), []
        except Exception:
            logger.exception("Webhook endpoint failed unexpectedly")
            return 500, _error("INTERNAL_ERROR", "The webhook could not be processed"), []
        event = result.event
        payload = {
            "ok": result.ok,
            "topic": event.topic.value,
            "action": str(event.action),
            "callbacks": len(result.ran) + len(result.failed),
            "failed": len(result.failed),
        }
        return 200 if result.ok else 500, payload, []


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {bytes(k).lower(): bytes(v) for k, v in scope.get("headers", ())}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "code": code, "message": message}


async def _respond(
    send: Send, status: int, payload: dict[str, Any], extra: list[tuple[bytes, bytes]]
) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
