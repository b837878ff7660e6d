"""``AsyncIgnisign``: the client and its sub-clients.

Configuration is checked by :mod:`._config`; every call goes through the client's
:class:`~ignisign_async._pipeline.Pipeline`, which adds the token, bounds each attempt in time,
retries what is safe to retry, logs one line per attempt, and turns error answers into typed
exceptions.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import httpx

from ._answers import DEFAULT_MAX_RESPONSE_BYTES, check_max_response_bytes
from ._auth import TokenManager, TokenSource
from ._config import (
    APP_ENVS,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    ClientState,
    Options,
    Shared,
    attempt_limit,
    base_headers,
    build_pool,
    check_deadline,
    check_max_retries,
    coerce_timeout,
    resolve_identity,
)
from ._pipeline import Pipeline
from ._raw import RawResponses
from ._requests import Requests
from ._retry import RetryPolicy
from ._routes import Route
from ._types import NOT_GIVEN, AppEnvName, NotGiven

if TYPE_CHECKING:
    from ._token_store import TokenStore
    from .models.enums import AppEnv
    from .models.health import HealthStatus
    from .resources.applications import Applications
    from .resources.documents import Documents
    from .resources.proofs import Proofs
    from .resources.signature_profiles import SignatureProfiles
    from .resources.signature_requests import SignatureRequests
    from .resources.signers import Signers
    from .resources.webhooks import Webhooks
    from .webhooks import WebhookRouter

__all__ = ["AsyncIgnisign", "ClientState", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "APP_ENVS"]

_T = TypeVar("_T")

HEALTH_PATH: Final = "/v3/healthcheck"
"""No source documents the health check's path; this is our choice, kept in one place."""

_HEALTH_ROUTE: Final = Route("GET", HEALTH_PATH, authenticated=False)

TokenSourceFactory = Callable[[Callable[[], Awaitable[str]]], TokenSource]
"""Builds a client's token source from its token-fetching coroutine function."""


class AsyncIgnisign(Requests):
    """The asynchronous IgniSign client (asyncio and Trio).

    Arguments left out are read from ``IGNISIGN_APP_ID``, ``IGNISIGN_APP_ENV``,
    ``IGNISIGN_APP_SECRET`` and ``IGNISIGN_BASE_URL``::

        async with AsyncIgnisign(app_id="appId_...", app_env="DEVELOPMENT",
                                 secret="sk_development_...") as client:
            profiles = await client.signature_profiles.list()

    ``transport`` plugs in any ``httpx.AsyncBaseTransport`` (the emulator is one);
    ``http_client`` hands over a whole ``httpx.AsyncClient`` that stays the caller's to close.
    ``token_store`` shares one token with other processes and hosts (e.g.
    :class:`~ignisign_async.RedisTokenStore`): it is read only when this client's token is
    missing or due, and a store that is down never fails a call.
    ``max_response_bytes`` (default 64 MiB, ``None``: no cap) caps the decoded body of every
    answer but downloads; a larger one raises :class:`~ignisign_async.APIResponseValidationError`.
    Otherwise the client builds its own pool: ``http_backend="httpx"`` (the default, or
    ``IGNISIGN_HTTP_BACKEND``), or ``"aiohttp"`` (``pip install 'ignisign-async[aiohttp]'``,
    asyncio only), several times faster under concurrency.
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
        app_env: AppEnvName | AppEnv | None = None,
        secret: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        deadline: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        token_store: TokenStore | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        http_backend: str | None = None,
        _tokens: TokenSourceFactory | None = None,
    ) -> None:
        identity = resolve_identity(app_id, app_env, secret, base_url)
        del secret  # the identity holds it, masked
        if transport is not None and http_client is not None:
            raise ValueError("pass transport or http_client, not both")
        check_max_retries(max_retries)
        check_deadline(deadline)
        check_max_response_bytes(max_response_bytes)
        timeout_ = coerce_timeout(timeout)
        pool = build_pool(
            http_backend,
            transport=transport,
            http_client=http_client,
            identity=identity,
            timeout=timeout_,
        )
        enforces = pool.transport_enforces
        shared = Shared(
            pool.http,
            owns_http=pool.owns_http,
            transport_enforces=enforces,
            base_headers=base_headers(default_headers),
            backend=pool.backend,
            direct=pool.direct,
        )
        options = Options(
            timeout=timeout_,
            retry=RetryPolicy(max_retries=max_retries),
            deadline=deadline,
            attempt_limit=attempt_limit(timeout_, transport_enforces=enforces),
            max_response_bytes=max_response_bytes,
        )
        self._identity = identity
        self._shared = shared
        self._pipeline = Pipeline(identity, options, shared)
        self._attach_tokens(token_store, _tokens)
        self._attach_resources()

    def _attach_tokens(
        self, token_store: TokenStore | None, tokens: TokenSourceFactory | None
    ) -> None:
        """The shared token source; the token is always fetched with this first client's
        settings, whichever copy asks."""
        shared, identity = self._shared, self._identity
        fetch: Callable[[], Awaitable[str]] = self._pipeline.fetch_token
        if token_store is not None:  # beneath the in-process single flight: the fleet's token
            from ._store_flight import StoreFlight  # loaded only for fleets

            flight = StoreFlight(token_store, app_id=identity.app_id, app_env=identity.app_env)
            shared.flight = flight
            fetch = functools.partial(flight.obtain, fetch)
        shared.auth = TokenManager(fetch) if tokens is None else tokens(fetch)

    # -- identity -------------------------------------------------------------------------

    @property
    def app_id(self) -> str:
        """The application id this client acts for."""
        return self._identity.app_id

    @property
    def app_env(self) -> str:
        """The environment (``DEVELOPMENT``, ``STAGING`` or ``PRODUCTION``)."""
        return self._identity.app_env

    @property
    def base_url(self) -> str:
        """The API root, e.g. ``https://api.ignisign.io``."""
        return self._identity.base_url

    @property
    def max_retries(self) -> int:
        """How many times a failed attempt may be retried."""
        return self._pipeline.options.retry.max_retries

    @property
    def timeout(self) -> httpx.Timeout:
        """The per-attempt timeout."""
        return self._pipeline.options.timeout

    @property
    def deadline(self) -> float | None:
        """The bound, in seconds, on a whole call with its retries, or ``None``."""
        return self._pipeline.options.deadline

    @property
    def max_response_bytes(self) -> int | None:
        """The cap on the (decoded) body of an answer, downloads aside, or ``None``."""
        return self._pipeline.options.max_response_bytes

    @property
    def state(self) -> ClientState:
        """``OPEN`` until :meth:`aclose`, then ``CLOSED``."""
        return self._shared.state

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} app_id={self.app_id!r} app_env={self.app_env!r} "
            f"base_url={self.base_url!r} state={self._shared.state.value}>"
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

        pipeline = self._pipeline
        self.applications = Applications(self, pipeline)
        self.signers = Signers(self, pipeline)
        self.signature_profiles = SignatureProfiles(self, pipeline)
        self.signature_requests = SignatureRequests(self, pipeline)
        self.documents = Documents(self, pipeline)
        self.proofs = Proofs(self, pipeline)
        self.webhooks = Webhooks(self, pipeline)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        max_response_bytes: int | NotGiven | None = NOT_GIVEN,
    ) -> AsyncIgnisign:
        """A copy with other settings that shares this client's pool and token::

        patient = client.with_options(timeout=120, max_retries=5, deadline=300)
        roomy = client.with_options(max_response_bytes=256 << 20)
        """
        options = self._pipeline.options
        if not isinstance(timeout, NotGiven):
            options = options.evolve_timeout(
                coerce_timeout(timeout), transport_enforces=self._shared.transport_enforces
            )
        if not isinstance(max_retries, NotGiven):
            check_max_retries(max_retries)
            retry = attrs.evolve(options.retry, max_retries=max_retries)
            options = attrs.evolve(options, retry=retry)
        if not isinstance(deadline, NotGiven):
            check_deadline(deadline)
            options = attrs.evolve(options, deadline=deadline)
        if not isinstance(max_response_bytes, NotGiven):
            cap = check_max_response_bytes(max_response_bytes)
            options = attrs.evolve(options, max_response_bytes=cap)
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._pipeline = Pipeline(self._identity, options, self._shared)
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

    @property
    def with_raw_response(self) -> RawResponses[AsyncIgnisign]:
        """``health()`` returning an :class:`~ignisign_async.APIResponse`; each sub-client has
        its own (``client.signers.with_raw_response.get(...)``)."""
        return RawResponses(self)

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

    # -- plumbing (for the client's own use and tests) ------------------------------------

    @property
    def _auth(self) -> TokenSource:
        return self._shared.tokens

    async def _fetch_token(self) -> str:
        return await self._pipeline.fetch_token()
