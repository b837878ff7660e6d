"""The one way a request is sent, as small named steps.

:meth:`Pipeline.send` loops over attempts: get the token within the deadline
(:meth:`Pipeline._token`), build the request (:meth:`Pipeline._build`), send it bounded in time
and read a JSON answer through its cap (:meth:`Pipeline._attempt`), then classify the outcome:
success, a 401 to replay (:class:`~ignisign_async._auth.ReplayBook`), a failure to retry after a
wait (decided by :class:`~ignisign_async._retry.RetryPolicy` only), or a typed error.

The time rules, in one place: ``timeout`` bounds each attempt of a JSON call as a whole (answer
included: a server trickling bytes cannot stretch it); uploads and a download's head keep
httpx's per-phase timeouts over a socket (an upload's time grows with its size), and the read
timeout in process; a download's body is bounded per read. ``deadline``, when given, bounds the
whole call: the wait for a token, every attempt, every backoff and a download's body.

A request flows one way: resource -> :meth:`Pipeline.request` / :meth:`Pipeline.stream` ->
:meth:`Pipeline.send` -> httpx -> answers (caps) -> errors or serde -> model.
"""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final

import anyio
import httpx

from ._answers import parse_json, read_body, read_error, too_large, undecodable
from ._auth import AUTH_PATH, ReplayBook, auth_body, auth_failure, token_from_answer
from ._calls import Call, Streamed, build_request
from ._config import Identity, Options, Shared
from ._errors import APIConnectionError, APIError, APIResponseValidationError, APITimeoutError
from ._raw import Answer, capturing, record
from ._retry import parse_retry_after
from ._routes import Route, encode_query
from ._secrets import Redactor, Secret
from ._types import NOT_GIVEN, BodyFactory

__all__ = ["AUTH_ROUTE", "Pipeline", "Streamed"]

logger = logging.getLogger("ignisign_async")

AUTH_ROUTE: Final = Route("POST", AUTH_PATH, idempotent=True, authenticated=False)
_DEADLINE: Final = "The call's deadline was reached."
Body = bytes | bytearray


class Pipeline:
    """Sends the requests of one client copy: its options over the state all copies share."""

    __slots__ = ("_identity", "_options", "_redactor", "_shared")

    def __init__(self, identity: Identity, options: Options, shared: Shared) -> None:
        self._identity = identity
        self._options = options
        self._shared = shared
        self._redactor = Redactor(identity.secret, self._redact_token)

    def _redact_token(self, text: str) -> str:
        auth = self._shared.auth
        return text if auth is None else auth.redact(text)

    @property
    def options(self) -> Options:
        """The settings this pipeline sends with."""
        return self._options

    @property
    def redactor(self) -> Redactor:
        """What removes the secret and the tokens from what may be shown."""
        return self._redactor

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

    def redact(self, text: str) -> str:
        """Remove the secret and any JWT (current or not) from a text that may be shown."""
        return self._redactor.text(text)

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
        call = self._call(
            route, path, params=encode_query(params), content=content, body=body, whole=body is None
        )
        del content  # the call holds it (out of its repr)
        result, failure = self._structured(await self.send(call), cast, call.name)
        if failure is not None:
            raise failure.with_traceback(None)
        return result

    def _structured(
        self, content: Body | None, cast: Any, request: str
    ) -> tuple[Any, APIResponseValidationError | None]:
        """The answer as ``cast``, or the error (cleaned, unchained: its frames held the answer)."""
        if cast is None:
            return None, None
        from ._serde import structure  # loaded with the resources, when the client is built

        try:
            data = parse_json(content or b"", request=request, redact=self.redact)
            return structure(data, cast, request=request), None
        except APIResponseValidationError as exc:
            exc.body = self._redactor.value(exc.body)
            exc.__cause__ = exc.__context__ = None
            exc.__suppress_context__ = True
            return None, exc

    def stream(
        self, route: Route, *ids: object, params: Mapping[str, object] | None = None
    ) -> AbstractAsyncContextManager[Streamed]:
        """Send one operation and yield its answer with the body not yet read.

        Failures before the first byte are retried like any call; the response is closed on
        exit whatever happens.
        """
        return self._stream(route, ids, params)

    @asynccontextmanager
    async def _stream(
        self, route: Route, ids: tuple[object, ...], params: Mapping[str, object] | None
    ) -> AsyncIterator[Streamed]:
        call = self._call(route, self.path(route, ids), params=encode_query(params), stream=True)
        response = await self.send_streamed(call)
        try:
            yield Streamed(
                response=response,
                read_timeout=self.read_timeout,
                deadline_at=call.deadline_at,
                clock=self._shared.clock,
            )
        finally:
            with anyio.CancelScope(shield=True):
                await response.aclose()

    async def fetch_token(self) -> str:
        """Post the app secret to the auth endpoint; the JWT it answers."""
        identity = self._identity
        body = auth_body(identity.app_id, identity.app_env, identity.secret)
        call = self._call(AUTH_ROUTE, AUTH_PATH, body=body, whole=True)
        try:
            return token_from_answer(await self.send(call), request=call.name)
        except APIError as exc:
            failure = auth_failure(exc)
            if failure is exc:
                raise
            raise failure from None

    # -- the send loop ------------------------------------------------------------------

    def _call(
        self,
        route: Route,
        path: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        body: BodyFactory | None = None,
        stream: bool = False,
        whole: bool = False,
    ) -> Call:
        deadline = self._options.deadline
        return Call(
            route=route,
            url=self._shared.url(self._identity.base_url + path),
            name=f"{route.method} {path}",
            params=params,
            content=content,
            body=body,
            stream=stream,
            whole=whole,
            deadline_at=None if deadline is None else self._shared.clock() + deadline,
        )

    async def send(self, call: Call) -> Body:
        """Send ``call`` with its retries and 401 replays; the body of its 2xx answer."""
        _, content = await self._send(call)
        assert content is not None
        return content

    async def send_streamed(self, call: Call) -> httpx.Response:
        """Send ``call``; its 2xx response, the body not read yet."""
        response, _ = await self._send(call)
        return response

    async def _send(self, call: Call) -> tuple[httpx.Response, Body | None]:
        shared = self._shared
        shared.check_open()
        replays = ReplayBook()
        retries = 0
        attempt = 0
        while True:
            attempt += 1
            token = await self._token(call)
            replays.observe(shared.tokens)
            outcome = await self._attempt(call, token, attempt)
            if isinstance(outcome, BaseException):
                wait = self._options.retry.wait_after_error(
                    outcome,
                    retries=retries,
                    idempotent=call.route.idempotent,
                    time_left=self._time_left(call),
                )
                if wait is None:
                    raise self._transport_failure(outcome, call) from self._redactor.exception(
                        outcome
                    )
            elif outcome[0].is_success:
                return outcome
            elif replays.should_replay(outcome[0].status_code, token is not None):
                assert token is not None
                await _drop(outcome[0])
                if shared.flight is not None:  # the fleet's copy first, if still this token
                    await shared.flight.discard(token.reveal())
                replays.replay(shared.tokens, token.reveal())
                continue
            else:
                wait = await self._wait_or_raise(call, outcome[0], retries)
            retries += 1
            replays.retried()
            _log_retry(call, outcome, wait, retries)
            await shared.sleep(wait)

    def _time_left(self, call: Call) -> float | None:
        if call.deadline_at is None:
            return None
        return call.deadline_at - self._shared.clock()

    async def _token(self, call: Call) -> Secret | None:
        """The token for this attempt, waited for no longer than the deadline leaves."""
        if not call.route.authenticated:
            return None
        tokens = self._shared.tokens
        left = self._time_left(call)
        if left is None:
            return Secret(await tokens.get())
        if left > 0:
            with anyio.move_on_after(left):
                return Secret(await tokens.get())
        raise APITimeoutError(
            "The call's deadline was reached while waiting for a token.", request=call.name
        )

    def _limit(self, call: Call) -> float:
        """The bound on this attempt, cut to what the deadline leaves (see the module)."""
        options = self._options
        limit = options.whole_attempt if call.whole else options.attempt_limit
        left = self._time_left(call)
        if left is not None:
            if left <= 0:
                raise APITimeoutError(_DEADLINE, request=call.name)
            limit = min(limit, left)
        return limit

    async def _attempt(
        self, call: Call, token: Secret | None, attempt: int
    ) -> tuple[httpx.Response, Body | None] | BaseException:
        """Send once, bounded in time: the response (with a 2xx JSON answer's body read through
        its cap), or the transport error (or timeout)."""
        limit = self._limit(call)
        request = build_request(call, token, self._shared, self._options)
        clock = self._shared.clock
        started = clock()
        outcome: tuple[httpx.Response, Body | None] | BaseException
        try:
            # A cancel scope of our own, not anyio.fail_after: a third cheaper, and it is ours,
            # so being cancelled means its deadline passed.
            with anyio.CancelScope(deadline=anyio.current_time() + limit) as bound:
                response = await self._exchange(request)
                content = None
                if not call.stream and response.is_success:
                    content = await self._read(response, call)
                outcome = (response, content)
            if bound.cancelled_caught:
                raise TimeoutError
        except (TimeoutError, httpx.TransportError) as exc:
            outcome = exc
        else:
            if capturing() and call.route is not AUTH_ROUTE and response.is_success:
                elapsed = clock() - started
                record(Answer.of(request, response, elapsed, attempt, content))  # raw response
        if logger.isEnabledFor(logging.DEBUG):
            if isinstance(outcome, BaseException):
                shown, word = type(outcome).__name__, "after"
            else:
                shown, word = str(outcome[0].status_code), "in"
            elapsed_ms = (clock() - started) * 1000.0
            logger.debug(
                "%s -> %s %s %.1f ms (attempt %d)", call.name, shown, word, elapsed_ms, attempt
            )
        return outcome

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """The answer's head: from the SDK's own transport directly, else the caller's client.

        Never a redirect followed, even by a caller's client that would: a 307/308 re-sends the
        body (the app secret, for the auth call) to the new host.
        """
        direct = self._shared.direct
        if direct is None:
            return await self._shared.http.send(request, stream=True, follow_redirects=False)
        response = await direct.handle_async_request(request)
        response.request = request
        return response

    async def _read(self, response: httpx.Response, call: Call) -> Body:
        """A 2xx answer's body, through ``max_response_bytes`` (over it: the connection drops)."""
        limit = self._options.max_response_bytes
        try:
            content, cut = await read_body(response, limit)
        except ValueError as exc:
            raise undecodable(exc, request=call.name) from None
        if cut:
            assert limit is not None
            raise too_large(limit, request=call.name)
        return content

    async def _wait_or_raise(self, call: Call, response: httpx.Response, retries: int) -> float:
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
            left = self._time_left(call)
            within = self._options.whole_attempt
            raise await read_error(
                response,
                request=call.name,
                retry_after=retry_after,
                redactor=self._redactor,
                within=within if left is None else min(within, max(left, 0.0)),
            )
        await _drop(response)
        return wait

    def _transport_failure(self, error: BaseException, call: Call) -> APIConnectionError:
        host = call.url.netloc.decode("ascii", "replace")  # the error names it
        if isinstance(error, (TimeoutError, httpx.TimeoutException)):
            left = self._time_left(call)
            if left is not None and left <= 1e-3:
                return APITimeoutError(_DEADLINE, request=call.name)
            return APITimeoutError(
                f"Request to {host} timed out ({type(error).__name__}).", request=call.name
            )
        detail = self.redact(str(error)) or type(error).__name__
        if isinstance(error, httpx.ConnectError):
            message = f"Could not connect to {host}: {detail}"
        else:
            message = f"Connection error with {host}: {detail}"
        return APIConnectionError(message, request=call.name)


async def _drop(response: httpx.Response) -> None:
    """Close an answer we will not read (its connection is closed, not drained)."""
    with anyio.CancelScope(shield=True):
        await response.aclose()


def _log_retry(call: Call, outcome: object, wait: float, n: int) -> None:
    """One INFO line per retry (``IGNISIGN_LOG=info`` shows them)."""
    if logger.isEnabledFor(logging.INFO):
        if isinstance(outcome, BaseException):
            why = type(outcome).__name__
        else:
            why = str(outcome[0].status_code) if isinstance(outcome, tuple) else "?"
        logger.info("%s -> %s: retry %d in %.2f s", call.name, why, n, wait)
