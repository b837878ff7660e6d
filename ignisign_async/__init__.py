"""ignisign_async: the Python SDK for the IgniSign electronic-signature API (v3).

from ignisign_async import AsyncIgnisign, Ignisign

async with AsyncIgnisign() as client:        # IGNISIGN_APP_ID / _APP_ENV / _APP_SECRET
    profiles = await client.signature_profiles.list()

with Ignisign() as client:                   # the same, blocking (Django, Flask, scripts)
    profiles = client.signature_profiles.list()
"""

from typing import TYPE_CHECKING

from ._client import AsyncIgnisign
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DownloadError,
    IgnisignError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SignatureRequestCancelledError,
    SignatureRequestExpiredError,
    SignatureRequestFailedError,
    SignatureRequestNotCompletedError,
    UnprocessableEntityError,
    WaitTimeoutError,
    WebhookError,
    WebhookVerificationError,
)
from ._logs import setup_logging as _setup_logging
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

_setup_logging()

if TYPE_CHECKING:
    from ._download_types import DownloadResult, ProgressCallback
    from ._downloads import DownloadStream
    from ._redis_store import RedisTokenStore
    from ._response import APIResponse
    from ._token_store import MemoryTokenStore, TokenStore
    from .models._base import Model
    from .resources._send_types import NewDocument, NewSigner
    from .sync import Ignisign
    from .webhooks import WebhookEvent, WebhookRouter

__all__ = [
    "AsyncIgnisign",
    "Ignisign",
    "NOT_GIVEN",
    "NotGiven",
    "__version__",
    "NewDocument",
    "NewSigner",
    "IgnisignError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "DownloadError",
    "WebhookError",
    "WebhookVerificationError",
    "SignatureRequestNotCompletedError",
    "SignatureRequestCancelledError",
    "SignatureRequestExpiredError",
    "SignatureRequestFailedError",
    "WaitTimeoutError",
    "WebhookRouter",
    "WebhookEvent",
    "DownloadStream",
    "DownloadResult",
    "ProgressCallback",
    "TokenStore",
    "MemoryTokenStore",
    "RedisTokenStore",
    "APIResponse",
    "Model",
]

_LAZY = {
    "Ignisign": ".sync",
    "WebhookRouter": ".webhooks",
    "WebhookEvent": ".webhooks",
    "DownloadStream": "._downloads",
    "DownloadResult": "._download_types",
    "ProgressCallback": "._download_types",
    "RedisTokenStore": "._redis_store",
    "MemoryTokenStore": "._token_store",
    "TokenStore": "._token_store",
    "NewDocument": ".resources._send_types",
    "NewSigner": ".resources._send_types",
    "APIResponse": "._response",
    "Model": ".models._base",
}


def __getattr__(name: str) -> object:
    """Names whose modules load on first use, keeping ``import ignisign_async`` light."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ignisign_async' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    _adopt(value)
    globals()[name] = value
    return value


def _adopt(obj: object) -> None:
    """Make reprs read ``ignisign_async.X`` rather than the private module's name."""
    if isinstance(obj, type) and obj.__module__.startswith("ignisign_async."):
        obj.__module__ = "ignisign_async"


for _name in __all__:
    _adopt(globals().get(_name))
del _name
