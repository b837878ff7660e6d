"""``_request``: one operation sent through a pipeline, its answer structured (or ignored).

Shared by :class:`~ignisign_async.AsyncIgnisign` (its own operations, such as ``health()``) and
the resources, which both hold the client's :class:`~ignisign_async._pipeline.Pipeline`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ._types import NOT_GIVEN, BodyFactory

if TYPE_CHECKING:
    from ._pipeline import Pipeline
    from ._routes import Route

__all__ = ["Requests"]

_T = TypeVar("_T")


class Requests:
    """A holder of a pipeline (``self._pipeline``) that sends operations through it."""

    __slots__ = ()

    _pipeline: Pipeline

    @overload
    async def _request(
        self,
        route: Route,
        *ids: object,
        json: object = ...,
        params: Mapping[str, object] | None = ...,
        body: BodyFactory | None = ...,
        cast: type[_T],
    ) -> _T: ...

    @overload
    async def _request(
        self,
        route: Route,
        *ids: object,
        json: object = ...,
        params: Mapping[str, object] | None = ...,
        body: BodyFactory | None = ...,
        cast: None = ...,
    ) -> None: ...

    async def _request(
        self,
        route: Route,
        *ids: object,
        json: object = NOT_GIVEN,
        params: Mapping[str, object] | None = None,
        body: BodyFactory | None = None,
        cast: Any = None,
    ) -> Any:
        """Send one operation and structure its JSON answer as ``cast`` (``None``: ignore it)."""
        return await self._pipeline.request(
            route, *ids, json=json, params=params, body=body, cast=cast
        )
