"""``http_backend``: which connection pool a client builds for itself, ``httpx`` or ``aiohttp``.

``httpx`` (the default) is httpx's own pool, on asyncio and Trio. ``aiohttp`` is aiohttp's pool
through the httpx-aiohttp package (``pip install 'ignisign-async[aiohttp]'``), asyncio only, with
aiohttp's failures classified by what was sent (``_aiohttp.py``). A ``transport`` or
``http_client`` of the caller's replaces both.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from typing import Final

import httpx

__all__ = [
    "HTTP_BACKENDS",
    "DEFAULT_LIMITS",
    "ASYNCIO_ONLY",
    "resolve_http_backend",
    "backend_transport",
    "enforces_timeouts",
    "environment_proxy",
    "running_on_trio",
]

HTTP_BACKENDS: Final = ("httpx", "aiohttp")
DEFAULT_LIMITS: Final = httpx.Limits(max_connections=100, max_keepalive_connections=20)
"""The pool of a client that builds its own: at most 100 connections, 20 of them kept alive."""

ASYNCIO_ONLY: Final = (
    "http_backend='aiohttp' runs on asyncio only (aiohttp has no Trio support); "
    "use http_backend='httpx' on Trio"
)
_MISSING: Final = "http_backend='aiohttp' needs the extra: pip install 'ignisign-async[aiohttp]'"


def running_on_trio() -> bool:
    """Whether the calling code runs inside Trio."""
    trio = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


def resolve_http_backend(http_backend: object, *, own_pool: bool) -> str:
    """The backend to use: the argument, else ``IGNISIGN_HTTP_BACKEND``, else ``"httpx"``.

    ``own_pool`` is False when the caller gave a ``transport`` or an ``http_client``: then the
    argument may not ask for a backend (the environment variable is ignored).
    """
    if http_backend is not None and not isinstance(http_backend, str):
        raise TypeError(f"http_backend must be 'httpx' or 'aiohttp', got {http_backend!r}")
    if not own_pool:
        if http_backend is not None:
            raise ValueError("pass http_backend or a transport/http_client, not both")
        return "httpx"
    source = "http_backend"
    value = http_backend
    if value is None:
        source = "IGNISIGN_HTTP_BACKEND"
        value = os.environ.get(source) or "httpx"
    backend = value.strip().lower()
    if backend not in HTTP_BACKENDS:
        raise ValueError(f"{source} must be 'httpx' or 'aiohttp', got {value!r}")
    if backend == "aiohttp":
        if running_on_trio():
            raise ValueError(ASYNCIO_ONLY)
        try:
            import aiohttp  # noqa: F401
            import httpx_aiohttp  # noqa: F401
        except ImportError as exc:
            raise ImportError(_MISSING) from exc
    return backend


def enforces_timeouts(transport: object) -> bool:
    """Whether ``transport`` bounds every phase of an attempt itself (httpx's or our aiohttp pool).

    In-process transports (the emulator, ``httpx.ASGITransport``) enforce no timeout: there the
    SDK bounds each attempt.
    """
    if isinstance(transport, httpx.AsyncHTTPTransport):
        return True
    aiohttp_backend = sys.modules.get(f"{__package__}._aiohttp")
    return aiohttp_backend is not None and isinstance(transport, aiohttp_backend.AiohttpTransport)


def environment_proxy(base_url: str) -> httpx.Proxy | None:
    """The proxy the environment (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``...) sets for
    ``base_url``, as httpx's own pool would use it, or ``None``."""
    url = httpx.URL(base_url)
    proxies = urllib.request.getproxies()
    value = proxies.get(url.scheme) or proxies.get("all")
    if not value or urllib.request.proxy_bypass(url.host):
        return None
    return httpx.Proxy(value if "://" in value else "http://" + value)


def backend_transport(
    backend: str, limits: httpx.Limits = DEFAULT_LIMITS, *, base_url: str | None = None
) -> httpx.AsyncBaseTransport:
    """A fresh pool of ``backend``, through the environment's proxy for ``base_url`` (``None``:
    no proxy, and no other setting read from the environment). Both enforce httpx's connect,
    pool and read timeouts on every attempt; aiohttp has no write timeout.

    httpx's pool is what ``httpx.AsyncClient`` would build from the same environment (proxy,
    ``SSL_CERT_FILE``), but built here: the client then sends straight to it.
    """
    proxy = None if base_url is None else environment_proxy(base_url)
    if backend == "aiohttp":
        from ._aiohttp import AiohttpTransport

        return AiohttpTransport(limits=limits, proxy=proxy)
    return httpx.AsyncHTTPTransport(limits=limits, proxy=proxy, trust_env=base_url is not None)
