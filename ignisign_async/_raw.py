"""``with_raw_response``: any method of a sub-client, returning the HTTP answer with the model.

One mechanism for every method: :class:`RawResponses` looks the method up by name and calls it
as is, with a capture set in a context variable; the pipeline hands each operation's answer to
:func:`record` (the token's own request is not one), and the last one recorded becomes the
:class:`~ignisign_async.APIResponse`. The method's result is what ``parse()`` returns. Context
variables follow the task, so concurrent calls on asyncio or Trio never see each other's answer.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Final, Generic, TypeVar, final

import attrs
import httpx

from ._errors import APIResponseValidationError
from ._response import APIResponse

__all__ = ["Answer", "RawResponses", "record", "capturing"]

_R = TypeVar("_R")


@final
@attrs.frozen(kw_only=True)
class Answer:
    """What the pipeline knows of an operation's answer."""

    status_code: int
    headers: httpx.Headers
    method: str
    url: httpx.URL
    elapsed: float
    """Seconds, for the attempt that got this answer."""
    retries_taken: int
    content: bytes = b""

    @classmethod
    def of(
        cls,
        request: httpx.Request,
        response: httpx.Response,
        elapsed: float,
        attempt: int,
        content: bytes | bytearray | None,
    ) -> Answer:
        """The answer of ``attempt`` (1 for the first) with the body the pipeline read
        (``None`` for a streamed body, left unread)."""
        return cls(
            status_code=response.status_code,
            headers=response.headers,
            method=request.method,
            url=request.url,
            elapsed=elapsed,
            retries_taken=attempt - 1,
            content=b"" if content is None else bytes(content),
        )


class _Capture:
    __slots__ = ("answer",)

    def __init__(self) -> None:
        self.answer: Answer | None = None


_CAPTURE: Final[contextvars.ContextVar[_Capture | None]] = contextvars.ContextVar(
    "ignisign_async_raw_response", default=None
)


def capturing() -> bool:
    """Whether the running call was made through ``with_raw_response``."""
    return _CAPTURE.get() is not None


def record(answer: Answer | Callable[[], Answer]) -> None:
    """Keep ``answer`` (or what the callable builds) for the ``with_raw_response`` call running
    in this context, if any; a no-op for plain calls."""
    capture = _CAPTURE.get()
    if capture is not None:
        capture.answer = answer if isinstance(answer, Answer) else answer()


_NOT_RAW: Final = {
    "aclose": "it is not an API call",
    "iter_all": "it walks many pages: call list(page=...) through with_raw_response",
    "iter_events": "it walks many pages: call list_events(...) through with_raw_response",
}


@final
class RawResponses(Generic[_R]):
    """``client.<sub>.with_raw_response``: the same methods, each returning an
    :class:`~ignisign_async.APIResponse`::

        response = await client.signature_requests.with_raw_response.get(request_id)
        print(response.status_code, response.request_id)
        context = response.parse()

    Streams (``stream_*``) and iterators (``iter_*``) are not offered: a stream already gives
    its answer's headers, an iterator makes one request per page.
    """

    __slots__ = ("_target",)

    def __init__(self, target: _R) -> None:
        self._target = target

    def __repr__(self) -> str:
        return f"<with_raw_response of {self._target!r}>"

    def __dir__(self) -> list[str]:
        return [name for name in dir(self._target) if _offered(self._target, name)]

    def __getattr__(self, name: str) -> Callable[..., Awaitable[APIResponse[Any]]]:
        target = self._target
        method = getattr(target, name)
        if not _offered(target, name):
            why = _NOT_RAW.get(name) or (
                "a stream gives its answer's headers itself (stream.content_type...)"
                if name.startswith("stream_")
                else "it is not an API call"
            )
            raise AttributeError(f"{type(target).__name__}.{name} has no raw response: {why}")
        return _raw(method)


def _offered(target: object, name: str) -> bool:
    if name.startswith(("_", "stream_")) or name in _NOT_RAW:
        return False
    return inspect.iscoroutinefunction(getattr(target, name, None))


def _raw(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[APIResponse[Any]]]:
    @functools.wraps(method)
    async def call(*args: Any, **kwargs: Any) -> APIResponse[Any]:
        capture = _Capture()
        token = _CAPTURE.set(capture)
        error: APIResponseValidationError | None = None
        parsed: Any = None
        try:
            try:
                parsed = await method(*args, **kwargs)
            except APIResponseValidationError as exc:
                if capture.answer is None:
                    raise
                error = exc  # the answer arrived but does not fit: parse() raises it
        finally:
            _CAPTURE.reset(token)
        answer = capture.answer
        if answer is None:  # pragma: no cover - every offered method sends a request
            raise RuntimeError(f"{method.__qualname__} sent no request")
        return APIResponse(
            status_code=answer.status_code,
            headers=answer.headers,
            method=answer.method,
            url=answer.url,
            elapsed=_dt.timedelta(seconds=answer.elapsed),
            retries_taken=answer.retries_taken,
            content=answer.content,
            parsed=parsed,
            error=error,
        )

    # the result's type is the method's, wrapped: not expressible per name, so Any
    return call
