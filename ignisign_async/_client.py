"""``AsyncIgnisign``: configuration, the connection pool, and the one way requests are sent.

Every resource method ends in :meth:`AsyncIgnisign._request` (JSON) or
:meth:`AsyncIgnisign._stream` (downloads). Both go through :meth:`AsyncIgnisign._send`, which
adds the token, bounds each attempt in time, retries what is safe to retry, logs one line per
attempt, and turns error answers into typed exceptions.
"""

from __future__ import annotations

import enum
import ipaddress
import json as jsonlib
import logging
import math
import os
import sys
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

import anyio
import attrs
import httpx

from ._auth import TokenManager
from ._backends import (
    DEFAULT_LIMITS,
    backend_transport,
    enforces_timeouts,
    resolve_http_backend,
)
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    api_error_from_response,
    redact_tokens,
)
from ._retry import RetryPolicy, parse_retry_after
from ._routes import Route
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

if TYPE_CHECKING:
    from .models.health import HealthStatus
    from .resources.applications import Applications
    from .resources.documents import Documents
    from .resources.proofs import Proofs
    from .resources.signature_profiles import SignatureProfiles
    from .resources.signature_requests import SignatureRequests
    from .resources.signers import Signers
    from .resources.webhooks import Webhooks
    from .webhooks import WebhookRouter

__all__ = ["AsyncIgnisign", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "APP_ENVS"]

logger = logging.getLogger("ignisign_async")

_T = TypeVar("_T")

DEFAULT_BASE_URL: Final = "https://api.ignisign.io"
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
APP_ENVS: Final = ("DEVELOPMENT", "STAGING", "PRODUCTION")
HEALTH_PATH: Final = "/v3/healthcheck"
"""No source documents the health check's path; this is our choice, kept in one place."""

_AUTH_ROUTE: Final = Route("POST", "/v3/auth/app-api", idempotent=True, authenticated=False)
_HEALTH_ROUTE: Final = Route("GET", HEALTH_PATH, authenticated=False)
_LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})
_MAX_ERROR_BODY: Final = 1 << 20
_MAX_401_REPLAYS: Final = 3

BodyFactory = Callable[[], tuple[Mapping[str, str], "bytes | AsyncIterable[bytes]"]]
"""Builds a fresh request body (headers, content) for each attempt, e.g. a multipart upload."""


class ClientState(enum.Enum):
    """Where a client is in its life: usable until closed, never reopened."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


def _user_agent() -> str:
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"ignisign-async/{__version__} python/{py} httpx/{httpx.__version__}"


USER_AGENT: Final = _user_agent()


def _validate_base_url(base_url: str) -> str:
    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    if url.scheme == "http" and not _is_local(url.host):
        raise ValueError(
            "base_url may use plain http only for localhost or 127.0.0.1; "
            f"use https for {url.host!r}"
        )
    return str(url).rstrip("/")


def _is_local(host: str) -> bool:
    if host in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _coerce_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        return httpx.Timeout(None)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number or an httpx.Timeout, got {timeout!r}")
    return httpx.Timeout(float(timeout))


def _attempt_limit(timeout: httpx.Timeout, *, transport_enforces: bool) -> float:
    """The SDK's own bound on one attempt, where httpx enforces none (``inf``: no bound).

    Over a socket httpx bounds every phase (connect, pool, write, each read) itself, so the SDK
    adds nothing -- an upload's total time grows with its size and must not be cut. In-process
    transports get no timeout from httpx: there the wait for the answer is bounded by the read
    timeout. A ``deadline`` bounds every call on top, whatever the transport.
    """
    phases = [t for t in (timeout.connect, timeout.pool, timeout.read, timeout.write) if t]
    if transport_enforces or not phases:
        return math.inf
    return timeout.read or max(phases)


@attrs.frozen(kw_only=True)
class _Options:
    """The per-copy settings that :meth:`AsyncIgnisign.with_options` may change."""

    timeout: httpx.Timeout
    retry: RetryPolicy
    deadline: float | None
    attempt_limit: float
    extensions: dict[str, Any] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "extensions", {"timeout": self.timeout.as_dict()})


class _Shared:
    """What a client and all its ``with_options`` copies share: pool, token, state."""

    __slots__ = (
        "auth",
        "backend",
        "base_headers",
        "http",
        "owns_http",
        "state",
        "transport_enforces",
    )

    def __init__(self, http: httpx.AsyncClient, *, owns_http: bool, transport_enforces: bool):
        self.http = http
        self.owns_http = owns_http
        self.transport_enforces = transport_enforces
        self.state = ClientState.OPEN
        self.auth: TokenManager | None = None
        self.base_headers: dict[str, str] = {}
        self.backend = "httpx"
        """The ``http_backend`` of a pool the client built (``httpx`` for a caller's)."""


def _env(name: str, value: str | None) -> str | None:
    return value if value is not None else os.environ.get(name)


def _encode_query(params: Mapping[str, object] | None) -> dict[str, str] | None:
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


class AsyncIgnisign:
    """The asynchronous IgniSign client (asyncio and Trio).

    Arguments left out are read from ``IGNISIGN_APP_ID``, ``IGNISIGN_APP_ENV``,
    ``IGNISIGN_APP_SECRET`` and ``IGNISIGN_BASE_URL``::

        async with AsyncIgnisign(app_id="appId_...", app_env="DEVELOPMENT",
                                 secret="sk_development_...") as client:
            profiles = await client.signature_profiles.list()

    ``transport`` plugs in any ``httpx.AsyncBaseTransport`` (the emulator is one);
    ``http_client`` hands over a whole ``httpx.AsyncClient`` that stays the caller's to close.
    """

    applications: Applications
    signers: Signers
    signature_profiles: SignatureProfiles
    signature_requests: SignatureRequests
    documents: Documents
    proofs: Proofs
    webhooks: Webhooks

    def __init__(
        self,
        app_id: str | None = None,
        app_env: str | None = None,
        secret: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        deadline: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_backend: str | None = None,
    ) -> None:
        app_id = _env("IGNISIGN_APP_ID", app_id)
        app_env = _env("IGNISIGN_APP_ENV", app_env)
        secret = _env("IGNISIGN_APP_SECRET", secret)
        base_url = _env("IGNISIGN_BASE_URL", base_url) or DEFAULT_BASE_URL
        if not isinstance(app_id, str) or not app_id.strip():
            raise ValueError("app_id is required (argument or IGNISIGN_APP_ID)")
        if not isinstance(secret, str) or not secret.strip():
            raise ValueError("secret is required (argument or IGNISIGN_APP_SECRET)")
        app_env = getattr(app_env, "value", app_env)
        if app_env not in APP_ENVS:
            raise ValueError(f"app_env must be one of {', '.join(APP_ENVS)}, got {app_env!r}")
        if transport is not None and http_client is not None:
            raise ValueError("pass transport or http_client, not both")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError("max_retries must be an int >= 0")
        _check_deadline(deadline)
        own_pool = transport is None and http_client is None
        backend = resolve_http_backend(http_backend, own_pool=own_pool)
        self._app_id: str = app_id
        self._app_env: str = app_env
        self.__secret = secret
        self._base_url = _validate_base_url(base_url)
        timeout_ = _coerce_timeout(timeout)

        if http_client is not None:
            http = http_client
            enforces = enforces_timeouts(getattr(http_client, "_transport", None))
        else:
            if own_pool:
                transport = backend_transport(backend, base_url=self._base_url)
            http = httpx.AsyncClient(
                transport=transport,
                limits=DEFAULT_LIMITS,
                timeout=timeout_,
                follow_redirects=False,
                trust_env=True,
            )
            enforces = own_pool or enforces_timeouts(transport)
        shared = _Shared(http, owns_http=http_client is None, transport_enforces=enforces)
        shared.auth = TokenManager(self._fetch_token)
        shared.backend = backend
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if default_headers:
            headers.update(default_headers)
        shared.base_headers = headers
        self._shared = shared
        self._options = _Options(
            timeout=timeout_,
            retry=RetryPolicy(max_retries=max_retries),
            deadline=deadline,
            attempt_limit=_attempt_limit(timeout_, transport_enforces=enforces),
        )
        self._attach_resources()

    # -- identity -------------------------------------------------------------------------

    @property
    def app_id(self) -> str:
        """The application id this client acts for."""
        return self._app_id

    @property
    def app_env(self) -> str:
        """The environment (``DEVELOPMENT``, ``STAGING`` or ``PRODUCTION``)."""
        return self._app_env

    @property
    def base_url(self) -> str:
        """The API root, e.g. ``https://api.ignisign.io``."""
        return self._base_url

    @property
    def max_retries(self) -> int:
        """How many times a failed attempt may be retried."""
        return self._options.retry.max_retries

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-attempt timeout."""
        return self._options.timeout

    @property
    def deadline(self) -> float | None:
        """The bound, in seconds, on a whole call with its retries, or ``None``."""
        return self._options.deadline

    @property
    def state(self) -> ClientState:
        """``OPEN`` until :meth:`aclose`, then ``CLOSED``."""
        return self._shared.state

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} app_id={self._app_id!r} app_env={self._app_env!r} "
            f"base_url={self._base_url!r} state={self._shared.state.value}>"
        )

    def __reduce__(self) -> Any:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds a secret and a pool)")

    # -- lifecycle ------------------------------------------------------------------------

    def _attach_resources(self) -> None:
        from .resources.applications import Applications
        from .resources.documents import Documents
        from .resources.proofs import Proofs
        from .resources.signature_profiles import SignatureProfiles
        from .resources.signature_requests import SignatureRequests
        from .resources.signers import Signers
        from .resources.webhooks import Webhooks

        self.applications = Applications(self)
        self.signers = Signers(self)
        self.signature_profiles = SignatureProfiles(self)
        self.signature_requests = SignatureRequests(self)
        self.documents = Documents(self)
        self.proofs = Proofs(self)
        self.webhooks = Webhooks(self)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> AsyncIgnisign:
        """A copy with other settings that shares this client's pool and token::

        patient = client.with_options(timeout=120, max_retries=5, deadline=300)
        """
        options = self._options
        if not isinstance(timeout, NotGiven):
            new_timeout = _coerce_timeout(timeout)
            options = attrs.evolve(
                options,
                timeout=new_timeout,
                attempt_limit=_attempt_limit(
                    new_timeout, transport_enforces=self._shared.transport_enforces
                ),
            )
        if not isinstance(max_retries, NotGiven):
            if isinstance(max_retries, bool) or not isinstance(max_retries, int):
                raise ValueError("max_retries must be an int >= 0")
            options = attrs.evolve(
                options, retry=attrs.evolve(options.retry, max_retries=max_retries)
            )
        if not isinstance(deadline, NotGiven):
            _check_deadline(deadline)
            options = attrs.evolve(options, deadline=deadline)
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._options = options
        clone._attach_resources()
        return clone

    async def aclose(self) -> None:
        """Release the connection pool (unless it is a caller-owned ``http_client``). Idempotent.

        ``with_options`` copies share the pool: closing one closes them all.
        """
        shared = self._shared
        if shared.state is ClientState.CLOSED:
            return
        shared.state = ClientState.CLOSED
        if shared.owns_http:
            await shared.http.aclose()

    async def __aenter__(self) -> AsyncIgnisign:
        if self._shared.state is ClientState.CLOSED:
            raise RuntimeError("this client is closed; create a new one")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- top-level operations -------------------------------------------------------------

    async def health(self) -> HealthStatus:
        """Whether the API is up (``GET /v3/healthcheck``, no authentication)::

        status = await client.health()
        assert status.is_alive
        """
        from .models.health import HealthStatus

        return await self._request(_HEALTH_ROUTE, cast=HealthStatus)

    def webhook_router(self) -> WebhookRouter:
        """A :class:`~ignisign_async.WebhookRouter` that verifies events with this client."""
        from .webhooks import WebhookRouter

        return WebhookRouter(self)

    # -- plumbing -------------------------------------------------------------------------

    @property
    def _auth(self) -> TokenManager:
        auth = self._shared.auth
        assert auth is not None
        return auth

    def _redact(self, text: str) -> str:
        """Remove the secret and any JWT (current or not) from a text that may be shown."""
        for secret in (self.__secret, self._auth._token):
            if secret and secret in text:
                text = text.replace(secret, "[redacted]")
        return redact_tokens(text)

    async def _fetch_token(self) -> str:
        payload = {"appId": self._app_id, "appEnv": self._app_env, "secret": self.__secret}
        body = jsonlib.dumps(payload).encode()
        path = _AUTH_ROUTE.path
        try:
            response = await self._send(_AUTH_ROUTE, path, content=body, json_body=True)
        except APIError as exc:
            if exc.status_code >= 500 or exc.status_code == 429:
                raise
            raise AuthenticationError(
                f"Authentication failed: {exc.message}",
                status_code=exc.status_code,
                code=exc.code,
                context=exc.context,
                body=exc.body,
                request=exc.request,
            ) from None
        data = _parse_json(response, request=f"POST {path}")
        token = data.get("jwtToken") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise APIResponseValidationError(
                "The authentication answer holds no jwtToken", request=f"POST {path}"
            )
        return token

    @overload
    async def _request(
        self,
        route: Route,
        *ids: object,
        json: object = ...,
        params: Mapping[str, object] | None = ...,
        body: BodyFactory | None = ...,
        cast: type[_T],
    ) -> _T: ...

    @overload
    async def _request(
        self,
        route: Route,
        *ids: object,
        json: object = ...,
        params: Mapping[str, object] | None = ...,
        body: BodyFactory | None = ...,
        cast: None = ...,
    ) -> None: ...

    async def _request(
        self,
        route: Route,
        *ids: object,
        json: object = NOT_GIVEN,
        params: Mapping[str, object] | None = None,
        body: BodyFactory | None = None,
        cast: Any = None,
    ) -> Any:
        """Send one operation and structure its JSON answer as ``cast`` (``None``: ignore it)."""
        path = route.render(self._app_id, self._app_env, ids)
        content = None if json is NOT_GIVEN else jsonlib.dumps(json, separators=(",", ":")).encode()
        response = await self._send(
            route,
            path,
            params=_encode_query(params),
            content=content,
            json_body=content is not None,
            body=body,
        )
        if cast is None:
            return None
        from ._serde import structure  # cattrs loads on the first answer, not on import

        request = f"{route.method} {path}"
        return structure(_parse_json(response, request=request), cast, request=request)

    @asynccontextmanager
    async def _stream(
        self, route: Route, *ids: object, params: Mapping[str, object] | None = None
    ) -> AsyncIterator[httpx.Response]:
        """Send one operation and yield its response with the body not yet read.

        Failures before the first byte are retried like any call; the response is closed on
        exit whatever happens.
        """
        path = route.render(self._app_id, self._app_env, ids)
        response = await self._send(route, path, params=_encode_query(params), stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    @property
    def _read_timeout(self) -> float | None:
        """The bound the SDK puts on each read of a streamed body, or ``None``.

        Only set where the transport does not enforce httpx's read timeout itself.
        """
        if self._shared.transport_enforces:
            return None
        return self._options.timeout.read

    async def _send(
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
        shared = self._shared
        if shared.state is ClientState.CLOSED:
            raise RuntimeError("this client is closed; create a new one")
        options = self._options
        policy = options.retry
        http = shared.http
        url = self._base_url + path
        request_name = f"{route.method} {path}"
        deadline_at = None if options.deadline is None else time.monotonic() + options.deadline
        debug = logger.isEnabledFor(logging.DEBUG)
        retries = 0
        attempt = 0
        replayed_401 = False  # the last attempt was the replay of a 401
        replays_401 = 0
        fetches_at_401 = 0
        while True:
            attempt += 1
            headers = dict(shared.base_headers)
            token = await self._auth.get() if route.authenticated else None
            fresh_token = self._auth.fetched_since(fetches_at_401)
            if token is not None:
                headers["Authorization"] = "Bearer " + token
            send_content: bytes | AsyncIterable[bytes] | None = content
            if body is not None:
                extra, send_content = body()
                headers.update(extra)
            elif json_body:
                headers["Content-Type"] = "application/json"
            if shared.owns_http:
                # Our own client has no defaults to merge: build the request directly (half the
                # cost of build_request), with the timeouts httpx's transports read.
                request = httpx.Request(
                    route.method,
                    url,
                    params=params,
                    headers=headers,
                    content=send_content,
                    extensions=dict(options.extensions),
                )
            else:  # a caller's client: keep its headers, cookies and settings
                request = http.build_request(
                    route.method,
                    url,
                    params=params,
                    headers=headers,
                    content=send_content,
                    timeout=options.timeout,
                )
            limit = options.attempt_limit
            if deadline_at is not None:
                remaining = deadline_at - time.monotonic()
                if remaining <= 0:
                    raise APITimeoutError("The call's deadline was reached.", request=request_name)
                limit = min(limit, remaining)
            started = time.perf_counter()
            error: BaseException | None = None
            response: httpx.Response | None = None
            try:
                # Never follow a redirect, even with a caller's client that would: a 307/308
                # re-sends the body (the app secret, for the auth call) to the new host.
                if limit == math.inf:
                    response = await http.send(request, stream=stream, follow_redirects=False)
                else:
                    with anyio.fail_after(limit):
                        response = await http.send(request, stream=stream, follow_redirects=False)
            except (TimeoutError, httpx.TransportError) as exc:
                error = exc
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            if response is None:
                assert error is not None
                if debug:
                    logger.debug(
                        "%s -> %s after %.1f ms (attempt %d)",
                        request_name,
                        type(error).__name__,
                        elapsed_ms,
                        attempt,
                    )
                wait = policy.backoff(retries)
                if (
                    retries < policy.max_retries
                    and policy.retries_error(error, idempotent=route.idempotent)
                    and _fits(deadline_at, wait)
                ):
                    retries += 1
                    replayed_401 = False  # a 401 after this retry is a new expiry/revocation
                    await anyio.sleep(wait)
                    continue
                raise self._transport_failure(error, request_name, deadline_at) from error

            status = response.status_code
            if debug:
                logger.debug(
                    "%s -> %d in %.1f ms (attempt %d)", request_name, status, elapsed_ms, attempt
                )
            if 200 <= status < 300:
                return response
            # A 401 drops the token and replays the call. Two 401s in a row end the call, unless
            # the token of the replay was fetched before the first 401 (a revocation caught that
            # fetch in flight): a token fetched after a 401 and refused is a real refusal.
            if (
                status == 401
                and token is not None
                and (not replayed_401 or not fresh_token)
                and replays_401 < _MAX_401_REPLAYS
            ):
                await response.aclose()
                fetches_at_401 = self._auth.fetches
                self._auth.invalidate(token)
                replayed_401 = True
                replays_401 += 1
                continue
            retry_after = parse_retry_after(response.headers)
            if retries < policy.max_retries and policy.retries_status(
                status, idempotent=route.idempotent
            ):
                too_long = retry_after is not None and retry_after > policy.max_retry_after
                wait = retry_after if retry_after is not None else policy.backoff(retries)
                if not too_long and _fits(deadline_at, wait):
                    await response.aclose()
                    retries += 1
                    replayed_401 = False
                    await anyio.sleep(wait)
                    continue
            raise await self._error_from(response, request_name, retry_after)

    async def _error_from(
        self, response: httpx.Response, request_name: str, retry_after: float | None
    ) -> APIError:
        chunks: list[bytes] = []
        try:
            if response.is_stream_consumed:
                chunks.append(response.content)
            else:
                size = 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size >= _MAX_ERROR_BODY:
                        break
        except (httpx.HTTPError, TimeoutError):
            pass
        finally:
            await response.aclose()
        content = b"".join(chunks)[:_MAX_ERROR_BODY]
        # A server may echo the Authorization header or the secret anywhere in its error body;
        # the message, code, context and body of the error are all read from the cleaned text.
        text = content.decode("utf-8", errors="replace")
        clean = self._redact(text)
        if clean != text:
            content = clean.encode()
        error = api_error_from_response(
            response, content, request=request_name, retry_after=retry_after
        )
        error.message = self._redact(error.message)
        error.args = (error.message,)
        return error

    def _transport_failure(
        self, error: BaseException, request_name: str, deadline_at: float | None
    ) -> APIConnectionError:
        if isinstance(error, (TimeoutError, httpx.TimeoutException)):
            if deadline_at is not None and time.monotonic() >= deadline_at - 1e-3:
                return APITimeoutError("The call's deadline was reached.", request=request_name)
            return APITimeoutError(
                f"Request timed out ({type(error).__name__}).", request=request_name
            )
        detail = self._redact(str(error)) or type(error).__name__
        return APIConnectionError(f"Connection error: {detail}", request=request_name)


def _fits(deadline_at: float | None, wait: float) -> bool:
    return deadline_at is None or time.monotonic() + wait < deadline_at


def _check_deadline(deadline: object) -> None:
    if deadline is None:
        return
    if isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or deadline <= 0:
        raise ValueError(f"deadline must be a positive number of seconds or None, got {deadline!r}")


def _parse_json(response: httpx.Response, *, request: str) -> Any:
    try:
        return jsonlib.loads(response.content)
    except ValueError as exc:
        raise APIResponseValidationError(
            "The response is not valid JSON", request=request, body=response.text[:1000]
        ) from exc
