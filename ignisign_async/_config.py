"""A client's configuration: environment and argument validation, options, shared state.

:func:`resolve_identity` turns arguments (or ``IGNISIGN_*`` variables) into a checked
:class:`Identity`; :class:`Options` holds what ``with_options`` may change; :class:`Shared` is
what a client and its ``with_options`` copies share (pool, token source, headers, state).
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import math
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import anyio
import attrs
import httpx

from ._backends import (
    backend_transport,
    enforces_timeouts,
    resolve_http_backend,
)
from ._decoding import ACCEPT_ENCODING
from ._retry import RetryPolicy
from ._secrets import Secret
from ._version import __version__

if TYPE_CHECKING:
    from ._auth import TokenSource
    from ._store_flight import StoreFlight

__all__ = [
    "APP_ENVS",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "ClientState",
    "Identity",
    "Options",
    "Pool",
    "Shared",
    "attempt_limit",
    "build_pool",
    "check_deadline",
    "check_max_retries",
    "coerce_timeout",
    "own_http_client",
    "resolve_identity",
    "validate_base_url",
]

DEFAULT_BASE_URL: Final = "https://api.ignisign.io"
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
APP_ENVS: Final = ("DEVELOPMENT", "STAGING", "PRODUCTION")
URLS_KEPT: Final = 256
"""How many parsed request URLs a client keeps (the last used: lists, polls, one object's
calls in a row)."""
_LOCAL_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})


class ClientState(enum.Enum):
    """Where a client is in its life: usable until closed, never reopened."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"


def _user_agent() -> str:
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"ignisign-async/{__version__} python/{py} httpx/{httpx.__version__}"


USER_AGENT: Final = _user_agent()


@attrs.frozen(kw_only=True)
class Identity:
    """Who a client acts for: the application, its environment, its secret and the API root."""

    app_id: str
    app_env: str
    secret: Secret = attrs.field(repr=False)
    base_url: str


def _env(name: str, value: str | None) -> str | None:
    return value if value is not None else os.environ.get(name)


def resolve_identity(
    app_id: str | None, app_env: str | None, secret: str | None, base_url: str | None
) -> Identity:
    """The checked identity from the arguments, each falling back to its ``IGNISIGN_*`` variable."""
    app_id = _env("IGNISIGN_APP_ID", app_id)
    app_env = _env("IGNISIGN_APP_ENV", app_env)
    secret = _env("IGNISIGN_APP_SECRET", secret)
    base_url = _env("IGNISIGN_BASE_URL", base_url) or DEFAULT_BASE_URL
    if not isinstance(app_id, str) or not app_id.strip():
        raise ValueError("app_id is required (argument or IGNISIGN_APP_ID)")
    if app_id in (".", "..") or len(app_id) > 1024 or not app_id.isprintable():
        raise ValueError(f"app_id is not an application id: {app_id[:40]!r}")
    if not isinstance(secret, str) or not secret.strip():
        raise ValueError("secret is required (argument or IGNISIGN_APP_SECRET)")
    app_env = getattr(app_env, "value", app_env)
    if app_env not in APP_ENVS:
        raise ValueError(f"app_env must be one of {', '.join(APP_ENVS)}, got {app_env!r}")
    assert isinstance(app_env, str)
    return Identity(
        app_id=app_id, app_env=app_env, secret=Secret(secret), base_url=validate_base_url(base_url)
    )


def validate_base_url(base_url: str) -> str:
    """An http(s) API root without its trailing slash; plain http only for a loopback host."""
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        raise ValueError("base_url is not a valid URL") from None
    shown = str(url.copy_with(userinfo=b"")) if url.userinfo else base_url  # no password shown
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL, got {shown!r}")
    if url.query or url.fragment or "?" in base_url or "#" in base_url:
        raise ValueError(f"base_url cannot have a query or a fragment, got {shown!r}")
    if url.scheme == "http" and not _is_local(url.host):
        raise ValueError(
            "base_url may use plain http only for localhost or 127.0.0.1; "
            f"use https for {url.host!r}"
        )
    if url.userinfo:
        raise ValueError("base_url must not carry a user name or password (user:pass@host)")
    return str(url).rstrip("/")


def is_loopback(base_url: str) -> bool:
    """Whether ``base_url`` names this machine (then no environment proxy is used for it)."""
    return _is_local(httpx.URL(base_url).host)


def _is_local(host: str) -> bool:
    if host in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def coerce_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """An ``httpx.Timeout`` from a number of seconds, a Timeout, or ``None`` (no timeout)."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        return httpx.Timeout(None)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number or an httpx.Timeout, got {timeout!r}")
    return httpx.Timeout(float(timeout))


def check_max_retries(max_retries: object) -> int:
    """``max_retries`` if it is an int >= 0."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError("max_retries must be an int >= 0")
    return max_retries


def check_deadline(deadline: object) -> None:
    """Refuse a deadline that is not a positive number of seconds (``None``: no deadline)."""
    if deadline is None:
        return
    if isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or deadline <= 0:
        raise ValueError(f"deadline must be a positive number of seconds or None, got {deadline!r}")


def attempt_limit(timeout: httpx.Timeout, *, transport_enforces: bool) -> float:
    """The SDK's own bound on one attempt of an upload or of a download's head (``inf``: none).

    Over a socket httpx bounds every phase (connect, pool, write, each read) itself, so the SDK
    adds nothing -- an upload's total time grows with its size and must not be cut. In-process
    transports get no timeout from httpx: there the wait for the answer is bounded by the read
    timeout. A ``deadline`` bounds every call on top, whatever the transport.
    """
    if transport_enforces:
        return math.inf
    return whole_attempt(timeout)


def whole_attempt(timeout: httpx.Timeout) -> float:
    """The bound on one whole attempt of a JSON call, answer read included (``inf``: none).

    A server trickling its answer a byte at a time never trips a per-read timeout: the attempt
    as a whole is bounded by the read timeout (or the longest phase timeout set).
    """
    phases = [t for t in (timeout.connect, timeout.pool, timeout.read, timeout.write) if t]
    if not phases:
        return math.inf
    return timeout.read or max(phases)


def transport_enforces(transport: httpx.AsyncBaseTransport | None, *, own_client: bool) -> bool:
    """Whether httpx enforces its own timeouts on this transport (a socket transport does).

    A caller's ``http_client`` is opaque (its transport is private to httpx): the SDK then
    bounds each attempt itself, which costs nothing where httpx also does.
    """
    if not own_client:
        return False
    return transport is None or enforces_timeouts(transport)


@attrs.frozen(kw_only=True)
class Pool:
    """The connection pool a client sends through, and who owns it."""

    http: httpx.AsyncClient
    owns_http: bool
    transport_enforces: bool
    backend: str
    """The ``http_backend`` of a pool the client built (``httpx`` for a caller's)."""
    direct: httpx.AsyncBaseTransport | None = None
    """The transport under a client the SDK built: requests go straight to it (see Shared)."""


def build_pool(
    http_backend: object,
    *,
    transport: httpx.AsyncBaseTransport | None,
    http_client: httpx.AsyncClient | None,
    identity: Identity,
    timeout: httpx.Timeout,
) -> Pool:
    """The caller's ``http_client``, or the client's own on ``transport`` or on the pool of
    ``http_backend`` (the argument, ``IGNISIGN_HTTP_BACKEND``, else httpx's)."""
    own_pool = transport is None and http_client is None
    backend = resolve_http_backend(http_backend, own_pool=own_pool)
    if own_pool:
        proxied = None if is_loopback(identity.base_url) else identity.base_url
        transport = backend_transport(backend, base_url=proxied)
    enforces = transport_enforces(transport, own_client=http_client is None)
    if http_client is not None:
        return Pool(http=http_client, owns_http=False, transport_enforces=enforces, backend=backend)
    assert transport is not None
    http = own_http_client(transport, timeout)
    return Pool(
        http=http, owns_http=True, transport_enforces=enforces, backend=backend, direct=transport
    )


@attrs.frozen(kw_only=True)
class Options:
    """The per-copy settings that :meth:`AsyncIgnisign.with_options` may change."""

    timeout: httpx.Timeout
    retry: RetryPolicy
    deadline: float | None
    attempt_limit: float
    max_response_bytes: int | None
    whole_attempt: float = attrs.field(init=False)
    extensions: dict[str, Any] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "extensions", {"timeout": self.timeout.as_dict()})
        object.__setattr__(self, "whole_attempt", whole_attempt(self.timeout))

    def evolve_timeout(self, timeout: httpx.Timeout, *, transport_enforces: bool) -> Options:
        """A copy with another per-attempt timeout (and the attempt bounds that follow)."""
        limit = attempt_limit(timeout, transport_enforces=transport_enforces)
        return attrs.evolve(self, timeout=timeout, attempt_limit=limit)


class Shared:
    """What a client and all its ``with_options`` copies share: pool, token source, state.

    ``clock`` and ``sleep`` are the monotonic clock the deadline is measured on and the sleep of
    the backoff (tests may swap both for a virtual clock).
    """

    __slots__ = (
        "auth",
        "backend",
        "base_headers",
        "clock",
        "direct",
        "flight",
        "http",
        "json_headers",
        "owns_http",
        "sleep",
        "state",
        "transport_enforces",
        "url",
    )

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        owns_http: bool,
        transport_enforces: bool,
        base_headers: Mapping[str, str],
        backend: str = "httpx",
        direct: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.http = http
        self.direct = direct
        """The transport under a client the SDK built, sent to directly: that client's
        ``send`` would only add what the SDK never uses (auth flows, event hooks, redirects,
        the cookie jar), at a cost that shows on every call (benchmark row 1). ``None`` for a
        caller's client, whose settings all apply."""
        self.backend = backend
        """The ``http_backend`` of the pool the client built (``httpx`` for a caller's)."""
        self.owns_http = owns_http
        self.transport_enforces = transport_enforces
        self.state = ClientState.OPEN
        self.auth: TokenSource | None = None
        self.flight: StoreFlight | None = None  # the token store of a fleet, if any
        # Built once: httpx copies an httpx.Headers as it is, and parses a mapping every time.
        self.base_headers = httpx.Headers(base_headers)
        self.json_headers = httpx.Headers({**base_headers, "Content-Type": "application/json"})
        self.url: Callable[[str], httpx.URL] = functools.lru_cache(maxsize=URLS_KEPT)(httpx.URL)
        """The parsed URL of a text: the last ``URLS_KEPT`` kept, as httpx parses a text URL
        again for every request (a third of building one)."""
        self.clock: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], Awaitable[None]] = anyio.sleep

    def check_open(self) -> None:
        """Refuse to send on a closed client."""
        if self.state is ClientState.CLOSED:
            raise RuntimeError("this client is closed; create a new one")

    @property
    def tokens(self) -> TokenSource:
        """The token source (set once the client is built)."""
        auth = self.auth
        assert auth is not None
        return auth


def base_headers(default_headers: Mapping[str, str] | None) -> dict[str, str]:
    """The headers of every request: ``Accept``, ``User-Agent`` and the caller's defaults."""
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
        "User-Agent": USER_AGENT,
    }
    if default_headers:
        headers.update(default_headers)
    return headers


def own_http_client(
    transport: httpx.AsyncBaseTransport, timeout: httpx.Timeout
) -> httpx.AsyncClient:
    """The client the SDK builds around ``transport``: it closes the transport; requests skip it
    (:attr:`Shared.direct`). The environment's proxy for the base URL, if any, is in the
    transport: none for this machine (``HTTP_PROXY`` would see the secret in clear)."""
    return httpx.AsyncClient(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    )
