"""The pagination block shared by paginated listings."""

from __future__ import annotations

from typing import final

from ._base import Model, model

__all__ = ["PaginationData"]


@final
@model
class PaginationData(Model):
    """Where a page sits: ``total`` items in all, this is page ``page`` (from 1).

    ``nb_events_per_page`` is the server's page size (its name is the API's, for every listing).
    """

    total: int
    page: int
    nb_events_per_page: int
