"""The API's data: attrs models and enums, one module per API area.

Every public model and enum is importable from here::

    from ignisign_async.models import SignerSummary, SignatureRequestStatus

The names are those of each area module's ``__all__``: a new model is one edit there. Area
modules load on first use (in the order of :data:`AREAS`, until the name is found), so
``import ignisign_async`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .applications import *  # noqa: F403
    from .documents import *  # noqa: F403
    from .enums import *  # noqa: F403
    from .health import *  # noqa: F403
    from .pagination import *  # noqa: F403
    from .proofs import *  # noqa: F403
    from .signature_profiles import *  # noqa: F403
    from .signature_requests import *  # noqa: F403
    from .signers import *  # noqa: F403
    from .webhook_events import *  # noqa: F403
    from .webhook_topics import *  # noqa: F403
    from .webhooks import *  # noqa: F403

AREAS: Final = (
    "enums",
    "applications",
    "signers",
    "signature_profiles",
    "signature_requests",
    "documents",
    "proofs",
    "webhooks",
    "webhook_topics",
    "webhook_events",
    "pagination",
    "health",
)
"""The area modules whose ``__all__`` this package re-exports (a new module is added here)."""

_WHERE: dict[str, str] = {}
"""Name -> area, for the areas loaded so far."""


def _load(area: str) -> None:
    module = importlib.import_module(f"{__name__}.{area}")
    for name in module.__all__:
        _WHERE.setdefault(name, area)


def _every_name() -> list[str]:
    for area in AREAS:
        _load(area)
    return [name for area in AREAS for name, where in _WHERE.items() if where == area]


def __getattr__(name: str) -> Any:
    if name == "__all__":
        value: Any = _every_name()
    else:
        for area in AREAS:
            if name in _WHERE:
                break
            _load(area)
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_every_name()))
