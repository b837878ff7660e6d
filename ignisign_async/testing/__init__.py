"""``ignisign_async.testing``: an offline IgniSign v3 API for tests, demos and local development.

    from ignisign_async.testing import FakeIgnisign

    fake = FakeIgnisign()
    async with fake.client() as client:           # an AsyncIgnisign wired in-process
        profiles = await client.signature_profiles.list()

Also served on a socket (``python -m ignisign_async.testing serve --port 8787``), and given to
pytest as the fixtures ``fake_ignisign``, ``ignisign_client`` and ``ignisign_sync_client``.
Names are imported lazily: importing this package (or the pytest plugin) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import RecordedRequest
    from ._fake import FakeIgnisign
    from ._faults import Faults
    from ._http import FakeError
    from ._senders import Sender, asgi_sender, http_sender
    from ._webhooks import DeliveryAttempt

__all__ = [
    "DeliveryAttempt",
    "FakeError",
    "FakeIgnisign",
    "Faults",
    "RecordedRequest",
    "Sender",
    "asgi_sender",
    "http_sender",
]

_WHERE = {
    "FakeIgnisign": "._fake",
    "FakeError": "._http",
    "Faults": "._faults",
    "RecordedRequest": "._app",
    "DeliveryAttempt": "._webhooks",
    "Sender": "._senders",
    "asgi_sender": "._senders",
    "http_sender": "._senders",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
