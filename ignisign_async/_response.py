"""``APIResponse``: an answer's status, headers and timing, with the model it parses into.

What ``client.<sub>.with_raw_response.<method>(...)`` returns (see :mod:`ignisign_async._raw`).
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Generic, TypeVar, final

import httpx

from ._request_id import request_id_of

__all__ = ["APIResponse"]

_T = TypeVar("_T")


@final
class APIResponse(Generic[_T]):
    """The HTTP answer of one call, and what the plain method would have returned::

        response = await client.signers.with_raw_response.get(signer_id)
        response.status_code, response.request_id       # 200 'b3c1...'
        response.headers["content-type"]                # 'application/json; charset=utf-8'
        response.retries_taken, response.elapsed        # 0 datetime.timedelta(microseconds=41230)
        signer = response.parse()                       # the SignerContext

    ``retries_taken`` counts every re-send of the call (retries and 401 replays); ``elapsed`` is
    the time of the attempt that got this answer, until its headers arrived. ``parse()`` raises
    what the plain method would have raised after the answer arrived (an
    :class:`~ignisign_async.APIResponseValidationError` for a body that does not fit). For a
    download, ``content`` is empty: the body went to the file.
    """

    __slots__ = (
        "_content",
        "_error",
        "_parsed",
        "elapsed",
        "headers",
        "method",
        "retries_taken",
        "status_code",
        "url",
    )

    status_code: int
    headers: httpx.Headers
    method: str
    url: httpx.URL
    elapsed: _dt.timedelta
    retries_taken: int

    def __init__(
        self,
        *,
        status_code: int,
        headers: httpx.Headers,
        method: str,
        url: httpx.URL,
        elapsed: _dt.timedelta,
        retries_taken: int,
        content: bytes,
        parsed: _T | None = None,
        error: BaseException | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.method = method
        self.url = url
        self.elapsed = elapsed
        self.retries_taken = retries_taken
        self._content = content
        self._parsed = parsed
        self._error = error

    @property
    def request_id(self) -> str | None:
        """The request's id on the server (first of ``REQUEST_ID_HEADERS``), or ``None``."""
        return request_id_of(self.headers)

    @property
    def content(self) -> bytes:
        """The body as received (empty for downloads)."""
        return self._content

    def json(self) -> Any:
        """The body parsed as JSON, untyped."""
        return json.loads(self._content)

    def parse(self) -> _T:
        """The model the plain method returns (built once, when the answer arrived)."""
        if self._error is not None:
            raise self._error
        return self._parsed  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (
            f"<APIResponse {self.method} {self.url.path} -> {self.status_code}"
            f" request_id={self.request_id!r} retries_taken={self.retries_taken}>"
        )
