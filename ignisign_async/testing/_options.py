"""What :meth:`FakeIgnisign.client` and :meth:`FakeIgnisign.sync_client` accept, for type checkers.

The keyword arguments of :class:`~ignisign_async.AsyncIgnisign`, all optional: the emulator fills
in its app, environment, secret, base URL and transport. A misspelt option
(``fake.client(timeot=3)``) is then a type error as well as a ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

import httpx

from .._token_store import TokenStore
from .._types import AppEnvName
from ..models.enums import AppEnv

__all__ = ["ClientOptions"]


class ClientOptions(TypedDict, total=False):
    """Options of a client wired to the emulator (the others are the emulator's)::

    fake.client(timeout=2.0, max_retries=0)
    fake.client(secret="sk_development_wrong")        # to see the authentication fail
    """

    app_id: str
    app_env: AppEnvName | AppEnv
    secret: str
    base_url: str
    timeout: float | httpx.Timeout | None
    max_retries: int
    deadline: float | None
    transport: httpx.AsyncBaseTransport | None
    default_headers: Mapping[str, str] | None
    token_store: TokenStore | None
    max_response_bytes: int | None
