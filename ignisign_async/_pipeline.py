"""The one way a request is sent, as small named steps.

:meth:`Pipeline.send` loops over attempts: build the request (:meth:`Pipeline._build`), bound it in
time (:meth:`Pipeline._limit`), send it (:meth:`Pipeline._attempt`), then classify the outcome:
success, a 401 to replay (:class:`~ignisign_async._auth.ReplayBook`), a failure to retry after a
wait (decided by :class:`~ignisign_async._retry.RetryPolicy` only), or a typed error.

A request flows one way: resource -> :meth:`Pipeline.request` / :meth:`Pipeline.stream` ->
:meth:`Pipeline.send` -> httpx -> errors or serde -> model.
"""

from __future__ import annotations

import enum
import json as jsonlib
import logging
import math
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final

import anyio
import attrs
import httpx

from ._answers import parse_json, read_error
from ._auth import AUTH_PATH, ReplayBook, auth_failure, token_from_answer
from ._config import Identity, Options, Shared
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    redact_tokens,
)
from ._retry import parse_retry_after
from ._routes import Route
from ._types import NOT_GIVEN, BodyFactory

__all__ = ["AUTH_ROUTE", "Pipeline", "encode_query"]

logger = logging.getLogger("ignisign_async")

AUTH_ROUTE: Final = Route("POST", AUTH_PATH, idempotent=True, authenticated=False)


def encode_query(params: Mapping[str, object] | None) -> dict[str, str] | None:
    """Query parameters as strings (``true``/``false``, enum values); ``None``/``NOT_GIVEN``
    left out."""
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None or value is NOT_GIVEN:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, enum.Enum):
            out[key] = str(value.value)
        else:
            out[key] = str(value)
    return out or None


@attrs.frozen(kw_only=True)
class _Call:
    """One operation being sent: what every attempt of it is built from."""

    route: Route
    url: str
    name: str
    params: dict[str, str] | None
    content: bytes | None
    json_body: bool
    body: BodyFactory | None
    stream: bool
    deadline_at: float | None


class Pipeline:
    """Sends the requests of one client copy: its options over the state all copies share."""

    __slots__ = ("_identity", "_options", "_shared")

    def __init__(self, identity: Identity, options: Options, shared: Shared) -> None:
        self._identity = identity
        self._options = options
        self._shared = shared

    @property
    def options(self) -> Options:
        """The settings this pipeline sends with."""
        return self._options

    @property
    def read_timeout(self) -> float | None:
        """The bound the SDK puts on each read of a streamed body, or ``None``.

        Only set where the transport does not enforce httpx's read timeout itself.
        """
        if self._shared.transport_enforces:
            return None
        return self._options.timeout.read

    def path(self, route: Route, ids: tuple[object, ...]) -> str:
        """The concrete path of ``route`` for this client and these ids."""
        return route.render(self._identity.app_id, self._identity.app_env, ids)

    async def request(
        self,
        route: Route,
        *ids: object,
        json: object = NOT_GIVEN,
        params: Mapping[str, object] | None = None,
        body: BodyFactory | None = None,
        cast: Any = None,
    ) -> Any:
        """Send one operation and structure its JSON answer as ``cast`` (``None``: ignore it)."""
        path = self.path(route, ids)
        content = None if json is NOT_GIVEN else jsonlib.dumps(json, separators=(",", ":")).encode()
        response = await self.send(
            route,
            path,
            params=encode_query(params),
            content=content,
            json_body=content is not None,
            body=body,
        )
        if cast is None:
            return None
        from ._serde import structure  # loaded with the resources, when the client is built

        request = f"{route.method} {path}"
        try:
            return structure(parse_json(response, request=request), cast, request=request)
        except APIResponseValidationError as exc:
            exc.body = self.scrub(exc.body)  # an answer may echo the token or the secret
            raise

    def stream(
        self, route: Route, *ids: object, params: Mapping[str, object] | None = None
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """Send one operation and yield its response with the body not yet read.

        Failures before the first byte are retried like any call; the response is closed on
        exit whatever happens.
        """
        return self._stream(route, ids, params)

    @asynccontextmanager
    async def _stream(
        self, route: Route, ids: tuple[object, ...], params: Mapping[str, object] | None
    ) -> AsyncIterator[httpx.Response]:
        path = self.path(route, ids)
        response = await self.send(route, path, params=encode_query(params), stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def fetch_token(self) -> str:
        """Post the app secret to the auth endpoint; the JWT it answers."""
        identity = self._identity
        payload = {"appId": identity.app_id, "appEnv": identity.app_env, "secret": identity.secret}
        body = jsonlib.dumps(payload).encode()
        request = f"POST {AUTH_PATH}"
        try:
            response = await self.send(AUTH_ROUTE, AUTH_PATH, content=body, json_body=True)
        except APIError as exc:
            failure = auth_failure(exc)
            if failure is exc:
                raise
            raise failure from None
        return token_from_answer(parse_json(response, request=request), request=request)

    def redact(self, text: str) -> str:
        """Remove the secret and any JWT (current or not) from a text that may be shown."""
        secret = self._identity.secret
        if secret and secret in text:
            text = text.replace(secret, "[redacted]")
        if self._shared.auth is not None:
            text = self._shared.auth.redact(text)
        return redact_tokens(text)

    def scrub(self, value: object) -> object:
        """:meth:`redact` applied to every string of a JSON value (keys included)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, Mapping):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub(item) for item in value]
        return value

    # -- the send loop ------------------------------------------------------------------

    async def send(
        self,
        route: Route,
        path: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        json_body: bool = False,
        body: BodyFactory | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send ``route`` at ``path`` with its retries and 401 replays; the 2xx response."""
        shared = self._shared
        shared.check_open()
        deadline = self._options.deadline
        call = _Call(
            route=route,
            url=self._identity.base_url + path,
            name=f"{route.method} {path}",
            params=params,
            content=content,
            json_body=json_body,
            body=body,
            stream=stream,
            deadline_at=None if deadline is None else shared.clock() + deadline,
        )
        replays = ReplayBook()
        retries = 0
        attempt = 0
        while True:
            attempt += 1
            token = await shared.tokens.get() if route.authenticated else None
            replays.observe(shared.tokens)
            request = self._build(call, token)
            outcome = await self._attempt(call, request, attempt)
            if isinstance(outcome, BaseException):
                wait = self._options.retry.wait_after_error(
                    outcome,
                    retries=retries,
                    idempotent=route.idempotent,
                    time_left=self._time_left(call),
                )
                if wait is None:
                    raise self._transport_failure(outcome, call) from outcome
            elif 200 <= outcome.status_code < 300:
                return outcome
            elif replays.should_replay(outcome.status_code, token):
                assert token is not None
                await outcome.aclose()
                if shared.flight is not None:  # the fleet's copy first, if still this token
                    await shared.flight.discard(token)
                replays.replay(shared.tokens, token)
                continue
            else:
                wait = await self._wait_or_raise(call, outcome, retries)
            retries += 1
            replays.retried()
            await shared.sleep(wait)

    def _time_left(self, call: _Call) -> float | None:
        if call.deadline_at is None:
            return None
        return call.deadline_at - self._shared.clock()

    def _build(self, call: _Call, token: str | None) -> httpx.Request:
        """A fresh request for one attempt: headers, token, body."""
        headers = dict(self._shared.base_headers)
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        content: bytes | AsyncIterable[bytes] | None = call.content
        if call.body is not None:
            extra, content = call.body()
            headers.update(extra)
        elif call.json_body:
            headers["Content-Type"] = "application/json"
        method = call.route.method
        if self._shared.owns_http:
            # Our own client has no defaults to merge: build the request directly (half the
            # cost of build_request), with the timeouts httpx's transports read.
            return httpx.Request(
                method,
                call.url,
                params=call.params,
                headers=headers,
                content=content,
                extensions=dict(self._options.extensions),
            )
        # a caller's client: keep its headers, cookies and settings
        return self._shared.http.build_request(
            method,
            call.url,
            params=call.params,
            headers=headers,
            content=content,
            timeout=self._options.timeout,
        )

    def _limit(self, call: _Call) -> float:
        """The bound on this attempt: the attempt limit, cut to what the deadline leaves."""
        limit = self._options.attempt_limit
        left = self._time_left(call)
        if left is not None:
            if left <= 0:
                raise APITimeoutError("The call's deadline was reached.", request=call.name)
            limit = min(limit, left)
        return limit

    async def _attempt(
        self, call: _Call, request: httpx.Request, attempt: int
    ) -> httpx.Response | BaseException:
        """Send once, bounded in time: the response, or the transport error (or timeout)."""
        limit = self._limit(call)
        http = self._shared.http
        clock = self._shared.clock
        started = clock()
        outcome: httpx.Response | BaseException
        try:
            # Never follow a redirect, even with a caller's client that would: a 307/308
            # re-sends the body (the app secret, for the auth call) to the new host.
            if limit == math.inf:
                outcome = await http.send(request, stream=call.stream, follow_redirects=False)
            else:
                with anyio.fail_after(limit):
                    outcome = await http.send(request, stream=call.stream, follow_redirects=False)
        except (TimeoutError, httpx.TransportError) as exc:
            outcome = exc
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (clock() - started) * 1000.0
            shown = (
                type(outcome).__name__
                if isinstance(outcome, BaseException)
                else str(outcome.status_code)
            )
            logger.debug(
                "%s -> %s %s %.1f ms (attempt %d)",
                call.name,
                shown,
                "after" if isinstance(outcome, BaseException) else "in",
                elapsed_ms,
                attempt,
            )
        return outcome

    async def _wait_or_raise(self, call: _Call, response: httpx.Response, retries: int) -> float:
        """The wait before retrying an error answer; else its typed error is raised."""
        retry_after = parse_retry_after(response.headers)
        wait = self._options.retry.wait_after_status(
            response.status_code,
            retry_after=retry_after,
            retries=retries,
            idempotent=call.route.idempotent,
            time_left=self._time_left(call),
        )
        if wait is None:
            raise await read_error(
                response, request=call.name, retry_after=retry_after, redact=self.redact
            )
        await response.aclose()
        return wait

    def _transport_failure(self, error: BaseException, call: _Call) -> APIConnectionError:
        if isinstance(error, (TimeoutError, httpx.TimeoutException)):
            left = self._time_left(call)
            if left is not None and left <= 1e-3:
                return APITimeoutError("The call's deadline was reached.", request=call.name)
            return APITimeoutError(
                f"Request timed out ({type(error).__name__}).", request=call.name
            )
        detail = self.redact(str(error)) or type(error).__name__
        return APIConnectionError(f"Connection error: {detail}", request=call.name)
