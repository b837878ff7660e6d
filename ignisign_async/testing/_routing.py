"""The route table: one declaration per endpoint, with its body and query schemas.

Handlers are plain functions of a :class:`Call`, run with the state lock held; they return a
JSON-able value (answered 200) or a :class:`Download`, and raise :class:`FakeError` to refuse::

    routes = Routes()

    @routes.get(f"{E}/signers/{{signerId}}")
    def get_signer(call: Call) -> object:
        return summary(call.state.signer(call.params["signerId"]))
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from typing import Any, Final, Literal
from urllib.parse import unquote

import attrs

from ._dtos import EMPTY, NO_QUERY
from ._http import FakeError, Request
from ._schema import Schema
from ._state import State

__all__ = ["Auth", "Call", "Download", "E", "Endpoint", "Routes"]

E: Final = "/v3/applications/{appId}/envs/{appEnv}"
"""The prefix of the scoped paths (reference section 4's ``{E}``)."""

Auth = Literal["required", "optional", "public"]

CHUNK_SIZE: Final = 64 * 1024
"""Downloads are sent in chunks of this size (``more_body`` over ASGI)."""


@attrs.frozen(kw_only=True)
class Download:
    """A binary answer: content type, optional file name and size, and its chunks."""

    content_type: str
    chunks: Callable[[], Iterable[bytes] | AsyncIterable[bytes]]
    length: int | None = None
    filename: str | None = None

    @classmethod
    def of_bytes(cls, data: bytes, content_type: str, filename: str | None = None) -> Download:
        """A download of bytes held in memory, served in 64 KiB chunks."""

        def chunks() -> Iterator[bytes]:
            view = memoryview(data)
            for start in range(0, len(data), CHUNK_SIZE):
                yield bytes(view[start : start + CHUNK_SIZE])

        return cls(content_type=content_type, chunks=chunks, length=len(data), filename=filename)


class Call:
    """What a handler gets: the state, path params, checked query and body, the caller."""

    __slots__ = ("app_env", "app_id", "body", "params", "query", "request", "state")

    def __init__(
        self,
        state: State,
        params: dict[str, str],
        query: dict[str, Any],
        body: dict[str, Any],
        request: Request,
        app_id: str,
        app_env: str,
    ) -> None:
        self.state = state
        self.params = params
        self.query = query
        self.body = body
        self.request = request
        self.app_id = app_id
        self.app_env = app_env


Handler = Callable[[Call], object]


@attrs.frozen(kw_only=True)
class Endpoint:
    """One endpoint of the emulator: method, path template, handler, schemas and auth."""

    method: str
    template: str
    segments: tuple[str | None, ...]
    names: tuple[str, ...]
    handler: Handler
    body: Schema | None
    query: Schema
    auth: Auth
    raw_body: bool


class Routes:
    """Routes indexed by method and segment count; matching is segment by segment."""

    def __init__(self) -> None:
        self._by_shape: dict[int, list[Endpoint]] = {}
        self.all: list[Endpoint] = []

    def add(
        self,
        method: str,
        template: str,
        *,
        body: Schema | None = None,
        query: Schema = NO_QUERY,
        auth: Auth = "required",
        raw_body: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register a handler; ``body`` defaults to the empty schema for POST/PUT."""
        method = method.upper()
        if body is None and method in ("POST", "PUT") and not raw_body:
            body = EMPTY
        segments: list[str | None] = []
        names: list[str] = []
        for piece in template.strip("/").split("/"):
            if piece.startswith("{") and piece.endswith("}"):
                segments.append(None)
                names.append(piece[1:-1])
            else:
                segments.append(piece)

        def register(handler: Handler) -> Handler:
            route = Endpoint(
                method=method,
                template=template,
                segments=tuple(segments),
                names=tuple(names),
                handler=handler,
                body=body,
                query=query,
                auth=auth,
                raw_body=raw_body,
            )
            self._by_shape.setdefault(len(segments), []).append(route)
            self.all.append(route)
            return handler

        return register

    def get(self, template: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.add("GET", template, **kwargs)

    def post(self, template: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.add("POST", template, **kwargs)

    def put(self, template: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.add("PUT", template, **kwargs)

    def delete(self, template: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.add("DELETE", template, **kwargs)

    def match(self, method: str, raw_path: str) -> tuple[Endpoint, dict[str, str]]:
        """The route for this request and its decoded path parameters; 404/405 otherwise."""
        pieces = raw_path.strip("/").split("/")
        allowed: list[str] = []
        for route in self._by_shape.get(len(pieces), ()):
            params: dict[str, str] = {}
            for expected, piece in zip(route.segments, pieces, strict=True):
                if expected is None:
                    if not piece:
                        break
                    params[route.names[len(params)]] = unquote(piece)
                elif expected != piece:
                    break
            else:
                if route.method == method:
                    return route, params
                allowed.append(route.method)
        if allowed:
            raise FakeError(
                "BAD_REQUEST",
                f"{method} is not allowed on {raw_path}",
                status=405,
                context={"allowed": sorted(set(allowed))},
            )
        raise FakeError("BAD_REQUEST", f"No endpoint {method} {raw_path}", status=404)
