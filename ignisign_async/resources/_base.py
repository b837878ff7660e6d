"""What every resource (sub-client) is made of: its client, the way to send, body and page helpers.

Resources are declarative: a route, the arguments turned into a body, and the result type. They
send through the helpers of :class:`Resource` (JSON calls, downloads, streams); the HTTP plumbing
lives in :class:`~ignisign_async._pipeline.Pipeline` only. Argument validators are in
:mod:`ignisign_async._args`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from .._args import wire_value
from .._download_types import DownloadResult, ProgressCallback, SaveTarget
from .._downloads import DownloadStream, download, open_download
from .._raw import RawResponses
from .._requests import Requests
from .._serde import camel
from .._types import NOT_GIVEN

if TYPE_CHECKING:
    from .._client import AsyncIgnisign
    from .._pipeline import Pipeline
    from .._routes import Route

__all__ = ["Resource", "body", "paginate", "MAX_PAGES"]

_T_co = TypeVar("_T_co", covariant=True)
_T = TypeVar("_T")
_S = TypeVar("_S", bound="Resource")

logger = logging.getLogger("ignisign_async")

MAX_PAGES: Final = 10_000
"""Hard stop for walking a listing, whatever the server answers."""


class Resource(Requests):
    """A group of operations of the API, bound to one client."""

    __slots__ = ("_client", "_pipeline")

    def __init__(self, client: AsyncIgnisign, pipeline: Pipeline) -> None:
        self._client = client
        self._pipeline = pipeline

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    @property
    def with_raw_response(self: _S) -> RawResponses[_S]:
        """These methods, each returning an :class:`~ignisign_async.APIResponse` (status,
        headers, request id, timing) whose ``parse()`` gives the model::

            response = await client.signers.with_raw_response.get(signer_id)
            response.request_id, response.parse().status
        """
        return RawResponses(self)

    def _open_download(
        self, route: Route, *ids: str, max_bytes: int | None
    ) -> AbstractAsyncContextManager[DownloadStream]:
        """A download of ``route``'s body, as a stream (see :func:`open_download`)."""
        return open_download(self._pipeline, route, *ids, max_bytes=max_bytes)

    async def _download(
        self,
        route: Route,
        *ids: str,
        to: SaveTarget,
        progress: ProgressCallback | None,
        max_bytes: int | None,
    ) -> DownloadResult:
        """``route``'s body saved to ``to`` (see :func:`download`)."""
        return await download(
            self._pipeline, route, *ids, to=to, progress=progress, max_bytes=max_bytes
        )


def body(**fields: Any) -> dict[str, Any]:
    """A JSON body from keyword arguments: camelCase keys, arguments left ``NOT_GIVEN`` omitted.

    Every body field is text, a flag, an enum, a date, a list or a model: a mapping, a number or
    bytes (``first_name={"$ne": None}``, ``12``) is refused with ``TypeError`` before any request.
    """
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is NOT_GIVEN:
            continue
        if isinstance(value, (Mapping, bytes, bytearray, int, float)) and not isinstance(
            value, bool
        ):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        out[camel(name)] = wire_value(value)
    return out


class Page(Protocol[_T_co]):
    """What :func:`paginate` needs of a page model."""

    @property
    def items(self) -> tuple[_T_co, ...]: ...

    @property
    def total(self) -> int: ...


async def paginate(
    fetch: Callable[[int], Awaitable[Page[_T]]],
    *,
    key: Callable[[_T], Hashable],
    max_pages: int = MAX_PAGES,
) -> AsyncIterator[_T]:
    """Every item of every page, fetching page 1, 2, ... only as the caller iterates.

    Stops at the first empty page, once ``total`` items were seen, when a page holds exactly the
    ids of the page before (a server that ignores ``page`` would otherwise loop forever), or after
    ``max_pages`` pages.
    """
    seen = 0
    previous: list[Hashable] | None = None
    for number in range(1, max_pages + 1):
        page = await fetch(number)
        items = page.items
        ids = [key(item) for item in items]
        if not items or ids == previous:
            return
        for item in items:
            yield item
        seen += len(items)
        if seen >= page.total:
            return
        previous = ids
    logger.warning("stopped walking a listing after %d pages", max_pages)
