"""What one call is made of: its settings, the request of each attempt, a streamed answer."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable

import attrs
import httpx

from ._config import Options, Shared
from ._routes import Route
from ._secrets import Secret
from ._types import BodyFactory

__all__ = ["Call", "Streamed", "build_request"]


@attrs.frozen(kw_only=True)
class Call:
    """One operation being sent: what every attempt of it is built from."""

    route: Route
    url: httpx.URL
    name: str
    params: dict[str, str] | None
    content: bytes | None = attrs.field(repr=False)
    body: BodyFactory | None
    stream: bool
    whole: bool
    """Bound each attempt as a whole (JSON calls), not per phase (uploads, downloads)."""
    deadline_at: float | None


@attrs.frozen(kw_only=True)
class Streamed:
    """A 2xx answer whose body is still on the wire, and the bounds on reading it."""

    response: httpx.Response
    read_timeout: float | None
    deadline_at: float | None
    clock: Callable[[], float]

    def read_bound(self) -> float | None:
        """The bound on the next read: the read timeout, cut to what the deadline leaves."""
        if self.deadline_at is None:
            return self.read_timeout
        left = max(self.deadline_at - self.clock(), 0.0)
        return left if self.read_timeout is None else min(left, self.read_timeout)

    def deadline_passed(self) -> bool:
        """Whether the call's deadline is reached."""
        return self.deadline_at is not None and self.clock() >= self.deadline_at - 1e-3


def build_request(
    call: Call, token: Secret | None, shared: Shared, options: Options
) -> httpx.Request:
    """A fresh request for one attempt: headers, body, then the token.

    The token goes straight into the request's ``httpx.Headers`` (whose repr masks it): no
    plain mapping ever holds it.
    """
    headers = shared.base_headers
    content: bytes | AsyncIterable[bytes] | None = call.content
    if call.body is not None:
        extra, content = call.body()
        headers = headers.copy()
        headers.update(extra)
    elif content is not None:
        headers = shared.json_headers
    method = call.route.method
    if shared.owns_http:
        # Our own client has no defaults to merge: build the request directly (half the
        # cost of build_request), with the timeouts httpx's transports read.
        request = httpx.Request(
            method,
            call.url,
            params=call.params,
            headers=headers,
            content=content,
            extensions=dict(options.extensions),
        )
    else:  # a caller's client: keep its headers, cookies and settings
        request = shared.http.build_request(
            method,
            call.url,
            params=call.params,
            headers=headers,
            content=content,
            timeout=options.timeout,
        )
    if token is not None:
        request.headers["Authorization"] = "Bearer " + token.reveal()
    return request
