"""The health check's answer (reference section 7.10)."""

from __future__ import annotations

from typing import final

from ._base import Model, model

__all__ = ["HealthStatus"]


@final
@model
class HealthStatus(Model):
    """Whether the API answers as alive::

    status = await client.health()
    status.is_alive   # True
    """

    is_alive: bool
