"""The request pipeline, and the emulator as a plain ASGI application.

Every request goes through :meth:`Emulator.handle`: recorded, then faults, then route, auth,
query and body validation, the handler (with the state lock held), and the answer -- JSON, an
error body, or a download streamed in chunks; the webhook deliveries it queued start once the
answer is computed, in the background. The same pipeline serves the ASGI app (``fake.app``,
for uvicorn or any ASGI client) and the in-process httpx transport (``fake.transport``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any, Final
from urllib.parse import parse_qsl, quote

import anyio
import attrs

from .._lifespan import acknowledge_lifespan
from . import _transitions
from ._dtos import APP_ENVS
from ._faults import FaultDecision, Faults
from ._http import (
    DropConnection,
    FakeError,
    Request,
    Response,
    error_response,
    json_response,
    parse_json_body,
)
from ._routing import Call, Download, Endpoint, Routes
from ._state import State

__all__ = ["Emulator", "InjectedDisconnect", "RecordedRequest", "build_routes"]

logger = logging.getLogger("ignisign_async.testing")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_CONTROL_PREFIX: Final = "/_fake/"


@attrs.frozen(kw_only=True)
class RecordedRequest:
    """One request the emulator received (``fake.requests``), ``Authorization`` left out.

    ``json`` is the parsed JSON body (``None`` for no body or another content type);
    ``fault`` names the fault injected into it, if any (``"fail:503"``, ``"disconnect:after"``).
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    fault: str | None = None


class InjectedDisconnect(Exception):
    """Raised from the ASGI app, after starting the response, to make the server drop it."""


def build_routes(*tables: Routes) -> Routes:
    merged = Routes()
    for table in tables:
        for route in table.all:
            merged.add(
                route.method,
                route.template,
                body=route.body,
                query=route.query,
                auth=route.auth,
                raw_body=route.raw_body,
            )(route.handler)
    return merged


class Emulator:
    """The pipeline and the ASGI callable (``await emulator(scope, receive, send)``)."""

    def __init__(
        self,
        state: State,
        faults: Faults,
        routes: Routes,
        control: Routes,
        *,
        max_body_size: int,
        raise_server_exceptions: bool,
    ) -> None:
        self.state = state
        self.faults = faults
        self.routes = routes
        self.control = control
        self.max_body_size = max_body_size
        self.raise_server_exceptions = raise_server_exceptions
        self.requests: list[RecordedRequest] = []

    # -- the pipeline -------------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        """Answer one request; raises :class:`DropConnection` when a fault drops it.

        Webhook deliveries the request queued start once its answer is computed, in the
        background (:mod:`._delivery`).
        """
        try:
            if request.raw_path.startswith(_CONTROL_PREFIX):
                return self._dispatch(request, self.control)
            return await self._handle_api(request)
        finally:
            self.state.hub.queue.kick()

    async def _handle_api(self, request: Request) -> Response:
        decision = self.faults.decide(request.method, request.raw_path)
        self._record(request, decision)
        if decision.fail is not None:
            rule = decision.fail
            code = rule.code or _fault_code(rule.status)
            headers = []
            if rule.retry_after is not None:
                value = rule.retry_after
                headers.append(("retry-after", value if isinstance(value, str) else f"{value:g}"))
            if decision.delay:
                await anyio.sleep(decision.delay)
            error = FakeError(code, "Injected fault", status=rule.status)
            return error_response(error, self.state.clock(), headers)
        if decision.disconnect == "before":
            if decision.delay:
                await anyio.sleep(decision.delay)
            raise DropConnection("injected: the connection dropped before the request was handled")
        response = self._dispatch(request, self.routes)
        if decision.delay:
            await anyio.sleep(decision.delay)
        if decision.disconnect == "after":
            raise DropConnection("injected: the connection dropped after the request was handled")
        return response

    def _record(self, request: Request, decision: FaultDecision) -> None:
        body: Any = None
        if "json" in request.content_type and request.body:
            try:
                body = parse_json_body(request)
            except FakeError:
                body = None
        headers = {k: v for k, v in request.headers.items() if k != "authorization"}
        record = RecordedRequest(
            method=request.method,
            path=request.raw_path,
            query=dict(request.query),
            json=body,
            headers=headers,
            fault=decision.name,
        )
        with self.state.lock:
            self.requests.append(record)

    def _dispatch(self, request: Request, routes: Routes) -> Response:
        state = self.state
        try:
            route, params = routes.match(request.method, request.raw_path)
            app_id, app_env = self._authenticate(route, request, params)
            strict = state.config.strict_fields
            query = route.query.validate_query(request.query, strict=strict)
            body: dict[str, Any] = {}
            if route.body is not None:
                body = route.body.validate(parse_json_body(request), strict=strict)
            with state.lock:
                _transitions.tick(state)
                result = route.handler(Call(state, params, query, body, request, app_id, app_env))
                if isinstance(result, Download):
                    return _download_response(result)
                return json_response(result)
        except FakeError as exc:
            return error_response(exc, state.clock())
        except Exception as exc:
            logger.exception(
                "FakeIgnisign: unexpected error on %s %s", request.method, request.raw_path
            )
            if self.raise_server_exceptions:
                raise
            error = FakeError("INTERNAL_ERROR", f"Emulator error: {type(exc).__name__}", status=500)
            return error_response(error, state.clock())

    def _authenticate(
        self, route: Endpoint, request: Request, params: dict[str, str]
    ) -> tuple[str, str]:
        config = self.state.config
        header = request.headers.get("authorization")
        if route.auth == "public" or (route.auth == "optional" and header is None):
            return config.app_id, config.app_env
        if header is None:
            raise FakeError("AUTH_HEADER_NOT_FOUND", "No Authorization header")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise FakeError("AUTH_HEADER_NOT_BEARER", "The Authorization header is not Bearer")
        if not token.strip():
            raise FakeError("AUTH_HEADER_NO_TOKEN", "The Authorization header has no token")
        claims = self.state.issuer.verify(token.strip())
        env = params.get("appEnv")
        if env is not None and env not in APP_ENVS:
            raise FakeError(
                "PARAMS_VALIDATION_FAILED",
                f"appEnv must be one of {', '.join(APP_ENVS)}",
                context={"appEnv": env},
            )
        if params.get("appId", claims.app_id) != claims.app_id or (env or claims.app_env) != (
            claims.app_env
        ):
            raise FakeError(
                "INVALID_CONTEXT_RIGHT_NOT_ALLOWED",
                "The token does not grant access to this application and environment",
            )
        return claims.app_id, claims.app_env

    # -- ASGI -----------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await acknowledge_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body_size:
                await _send(send, self._too_large())
                return
            if not message.get("more_body", False):
                break
        raw_path = (scope.get("raw_path") or quote(scope["path"]).encode()).decode("latin-1")
        query = dict(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        headers: dict[str, str] = {}
        for key, value in scope.get("headers", ()):
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[name] = f"{headers[name]}, {text}" if name in headers else text
        request = Request(scope["method"], raw_path, query, headers, bytes(body))
        try:
            response = await self.handle(request)
        except DropConnection as exc:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise InjectedDisconnect(str(exc)) from None
        await _send(send, response)

    def _too_large(self) -> Response:
        error = FakeError("BAD_REQUEST", f"The body exceeds {self.max_body_size} bytes", status=413)
        return error_response(error, self.state.clock())


def _download_response(download: Download) -> Response:
    headers = [("content-type", download.content_type)]
    if download.length is not None:
        headers.append(("content-length", str(download.length)))
    if download.filename is not None:
        headers.append(("content-disposition", _disposition(download.filename)))
    return Response(200, headers, chunks=lambda: _aiter_chunks(download))


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


async def _aiter_chunks(download: Download) -> AsyncIterator[bytes]:
    source = download.chunks()
    if isinstance(source, AsyncIterable):
        async for chunk in source:
            yield bytes(chunk)
    else:
        for chunk in source:
            yield bytes(chunk)


async def _send(send: Send, response: Response) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers],
        }
    )
    async for chunk in response.iter_body():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def _fault_code(status: int) -> str:
    """The error code of an injected failure that names none (the API documents none for 429)."""
    if status >= 500:
        return "INTERNAL_ERROR"
    return "TOO_MANY_REQUESTS" if status == 429 else "BAD_REQUEST"
