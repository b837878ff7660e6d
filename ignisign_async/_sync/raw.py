"""``with_raw_response`` of the sync facade: the async one, run by the facade's runtime.

``Ignisign(...).signers.with_raw_response.get(signer_id)`` runs
``AsyncIgnisign.signers.with_raw_response.get(signer_id)`` on the calling thread's loop, as every
sync call does, and returns its :class:`~ignisign_async.APIResponse` (already sync: ``parse()``
needs no loop). The methods offered, and the reasons for those refused, are the async ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, final

from .._raw import RawResponses
from .._response import APIResponse

if TYPE_CHECKING:
    from .._client import AsyncIgnisign

__all__ = ["SyncRawResponses"]

Runner = Callable[[Callable[["AsyncIgnisign"], Coroutine[Any, Any, Any]]], Any]


@final
class SyncRawResponses:
    """``client.<sub>.with_raw_response`` of the sync facade::

    response = client.signers.with_raw_response.get(signer_id)
    response.status_code, response.request_id, response.parse()
    """

    __slots__ = ("_attribute", "_raw", "_run")

    def __init__(self, raw: RawResponses[Any], run: Runner, attribute: str) -> None:
        self._raw = raw
        self._run = run
        self._attribute = attribute  # the sub-client on the async client ("" for the client)

    def __repr__(self) -> str:
        return f"<sync {self._raw!r}>"

    def __dir__(self) -> list[str]:
        return dir(self._raw)

    def __getattr__(self, name: str) -> Callable[..., APIResponse[Any]]:
        method = getattr(self._raw, name)  # the async one's checks and messages
        attribute = self._attribute

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> APIResponse[Any]:
            def run(client: AsyncIgnisign) -> Coroutine[Any, Any, APIResponse[Any]]:
                target = getattr(client, attribute) if attribute else client
                raw: RawResponses[Any] = target.with_raw_response
                coroutine: Coroutine[Any, Any, APIResponse[Any]] = getattr(raw, name)(
                    *args, **kwargs
                )
                return coroutine

            response: APIResponse[Any] = self._run(run)
            return response

        return call
