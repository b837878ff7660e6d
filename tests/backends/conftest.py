"""Clients on either backend, pointed at a server of the test."""

from __future__ import annotations

from typing import Any

from ignisign_async import AsyncIgnisign
from tests.conftest import APP_ENV, APP_ID, SECRET


def sdk(http_backend: str, base_url: str, **options: Any) -> AsyncIgnisign:
    """An ``AsyncIgnisign`` on ``http_backend``, as a user builds it."""
    return AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        base_url=base_url,
        http_backend=http_backend,
        **options,
    )
