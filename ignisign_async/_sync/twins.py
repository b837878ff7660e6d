"""The hand-written halves of the generated sync classes in :mod:`ignisign_async.sync`.

``scripts/generate_sync.py`` writes one sync twin per async class; every generated method is a
single delegation such as ``return self._call(lambda c: c.signers.get(signer_id))``. The helpers
those lines call live here, by the shape of the async method:

* a coroutine method becomes ``_call``: run it to completion, return its result;
* an async iterator becomes ``_iterate``: an iterator that fetches one item per ``next()`` on the
  loop where it was opened (pages are fetched lazily, exactly as in async code);
* an async context manager yielding a ``DownloadStream`` becomes ``_stream``: a context manager
  yielding the generated stream class the call names;
* ``webhook_router()`` becomes ``_router`` (given the generated router class),
  ``with_options()`` becomes ``_derive``.

The generated classes name the twins they build, so this module never imports them. The
docstrings of :class:`ClientTwin`, :class:`StreamTwin` and :class:`RouterTwin` are those of the
generated classes (the generator copies them); sub-clients keep their async class's.
Nothing here knows an endpoint: the logic stays in the async core.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar

import httpx

from .._client import ClientState
from .._raw import RawResponses
from ..webhooks._parse import WebhookBody
from ..webhooks._router import CallbackFailure, ConsumeResult, WebhookCallback, callback_failed
from .iterators import iterate, iterate_bytes
from .raw import SyncRawResponses
from .runtime import Pin, SyncRuntime, View
from .streams import StreamContext
from .transport import TwinFactory, runtime_for

if TYPE_CHECKING:
    from .._client import AsyncIgnisign
    from .._downloads import DownloadStream
    from ..webhooks import WebhookRouter

__all__ = [
    "ClientTwin",
    "ResourceTwin",
    "StreamTwin",
    "RouterTwin",
    "StreamContext",
]

_T = TypeVar("_T")
_C = TypeVar("_C", bound="ClientTwin")
_S = TypeVar("_S", bound="StreamTwin")
_RT = TypeVar("_RT", bound="RouterTwin[Any]")


# -- the client and its sub-clients ------------------------------------------------------------


class ResourceTwin:
    """Base of the generated sync sub-clients (``client.signers`` ...)."""

    __slots__ = ("_client", "_runtime", "_view")

    _client: ClientTwin
    _runtime: SyncRuntime
    _view: View | None

    def __init__(self, client: ClientTwin) -> None:
        self._client = client
        self._runtime = client._runtime
        self._view = client._view

    _attribute: ClassVar[str] = ""
    """The sub-client's attribute on the async client (set by the generated class)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    @property
    def with_raw_response(self) -> SyncRawResponses:
        """These methods, each returning an :class:`~ignisign_async.APIResponse` (status,
        headers, request id, timing) whose ``parse()`` gives the model::

            response = client.signers.with_raw_response.get(signer_id)
            response.request_id, response.parse().status
        """
        target = self._client._target
        resource = getattr(target, self._attribute) if self._attribute else target
        return SyncRawResponses(RawResponses(resource), self._call, self._attribute)

    def _call(self, fn: Callable[[AsyncIgnisign], Coroutine[Any, Any, _T]]) -> _T:
        return self._runtime.call(self._view, fn)

    def _iterate(self, fn: Callable[[AsyncIgnisign], AsyncIterator[_T]]) -> Iterator[_T]:
        pin = self._runtime.pin(self._view)
        return iterate(pin, fn(pin.client))

    def _stream(
        self,
        twin: type[_S],
        fn: Callable[[AsyncIgnisign], contextlib.AbstractAsyncContextManager[DownloadStream]],
    ) -> contextlib.AbstractContextManager[_S]:
        return StreamContext(self._runtime, self._view, twin, fn)


class ClientTwin(ResourceTwin):
    """The blocking IgniSign client, for Django, Flask, Celery tasks and scripts.

    Same arguments, sub-clients, methods and errors as :class:`~ignisign_async.AsyncIgnisign`,
    without ``await``::

        from ignisign_async import Ignisign

        client = Ignisign(app_id="appId_...", app_env="DEVELOPMENT", secret="sk_development_...")
        with client:
            profiles = client.signature_profiles.list()
            for request in client.signature_requests.iter_all():      # pages fetched lazily
                print(request.id, request.status)
            with client.proofs.stream_signature_proof(document_id) as stream:
                stream.save("proof.pdf")

    One instance serves many threads: each calling thread runs its calls on its own event loop and
    connection pool (the token is shared), created on its first call. It keeps working after
    ``os.fork()`` (the child starts afresh), in Jupyter and when called from async code (through a
    helper thread). ``close()``, or leaving the ``with`` block, releases everything it opened in
    every thread.
    """

    # The base of the generated Ignisign: life cycle and settings. ``_target`` is an async
    # client holding this copy's settings (read by the generated properties); calls never go
    # through it but through the runtime's per-thread clients.

    _target: AsyncIgnisign

    def __init__(
        self,
        factory: TwinFactory,
        *,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
    ) -> None:
        runtime = runtime_for(factory, transport, http_client)
        self._bind(runtime, None, runtime.home)

    def _bind(self, runtime: SyncRuntime, view: View | None, target: AsyncIgnisign) -> None:
        self._client = self
        self._runtime = runtime
        self._view = view
        self._target = target
        self._attach()

    def _attach(self) -> None:
        """Create the sub-clients (generated)."""

    def __repr__(self) -> str:
        target = self._target
        return (
            f"<{type(self).__name__} app_id={target.app_id!r} app_env={target.app_env!r} "
            f"base_url={target.base_url!r} state={self.state.value}>"
        )

    def __reduce__(self) -> NoReturn:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds a secret and a pool)")

    @property
    def state(self) -> ClientState:
        """``OPEN`` until :meth:`close`, then ``CLOSED``."""
        return ClientState.CLOSED if self._runtime.closed else ClientState.OPEN

    def close(self) -> None:
        """Release every event loop and connection pool this client opened, in every thread.

        Idempotent. Calls running in other threads finish first; later calls raise
        ``RuntimeError``. ``with_options`` copies share them: closing one closes them all.
        """
        self._runtime.close()

    def __enter__(self: _C) -> _C:
        if self._runtime.closed:
            raise RuntimeError("this client is closed; create a new one")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _derive(self: _C, fn: Callable[[AsyncIgnisign], AsyncIgnisign]) -> _C:
        view = View(fn, self._view)
        target = fn(self._target)  # checks the new settings now
        twin = object.__new__(type(self))
        twin._bind(self._runtime, view, target)
        return twin

    def _router(self, twin: type[_RT], fn: Callable[[AsyncIgnisign], WebhookRouter]) -> _RT:
        return twin(self, fn(self._target))


async def _wait(awaitable: Awaitable[object], client: AsyncIgnisign) -> object:
    return await awaitable


class StreamTwin:
    """A download in progress, in sync code: what ``with client.*.stream_*(...)`` gives.

    ::

        with client.documents.stream_original(document_id) as stream:
            print(stream.content_type, stream.content_length, stream.file_name)
            for chunk in stream.iter_bytes():
                digest.update(chunk)

        with client.proofs.stream_asic(document_id) as stream:
            stream.save(stream.file_name or "proof.asice", progress=print)

    Use it in the thread that opened it, inside its ``with`` block; read the body once.
    """

    # The base of the generated SyncDownloadStream: ``_target`` is the async download, whose
    # steps run on the loop ``_pin`` holds.

    __slots__ = ("_pin", "_target")

    def __init__(self, target: DownloadStream, pin: Pin) -> None:
        self._target = target
        self._pin = pin

    def __repr__(self) -> str:
        return "<Sync" + repr(self._target)[1:]

    def _call(self, fn: Callable[[DownloadStream], Coroutine[Any, Any, _T]]) -> _T:
        return self._pin.run(fn(self._target))

    def _iterate(self, fn: Callable[[DownloadStream], AsyncIterator[bytes]]) -> Iterator[bytes]:
        return iterate_bytes(self._pin, fn(self._target))


# -- webhooks -------------------------------------------------------------------------------


class RouterTwin(Generic[_C]):
    """Receives IgniSign's webhook calls in sync code: verifies, parses, runs callbacks.

    ::

        router = client.webhook_router()

        @router.on_signature_request(action="COMPLETED")
        def completed(event: SignatureRequestEvent) -> None:      # plain functions are welcome
            archive(client.signature_requests.get(event.content.signature_request_id))

        def webhook_view(request):                                # Django
            result = router.consume(request.body)                 # blocks until callbacks ran
            return JsonResponse({"ok": result.ok}, status=200 if result.ok else 500)

    Plain-function callbacks run in the thread that calls ``consume``, with no event loop running
    (Django's ORM works there); ``async def`` ones run on that thread's private loop, in turn.
    ``consume`` raises :class:`~ignisign_async.WebhookError` for a malformed body and
    :class:`~ignisign_async.WebhookVerificationError` for one that fails verification (no callback
    runs then); a callback that raises is logged and reported in the result, never raised.
    """

    # The base of the generated SyncWebhookRouter. Registrations live in ``_target``, an async
    # router that never consumes anything itself. Its async methods run on the calling thread's
    # loop, through a router bound to that loop's client with the same registrations.

    __slots__ = ("_client", "_target")

    def __init__(self, client: _C, target: WebhookRouter) -> None:
        self._client = client
        self._target = target

    def __repr__(self) -> str:
        count = len(self._target.registrations)
        return f"<{type(self).__name__} of {self._client!r}: {count} callback(s)>"

    @property
    def client(self) -> _C:
        """The sync client whose app id, environment and credentials verify events."""
        return self._client

    def consume(self, body: WebhookBody) -> ConsumeResult:
        """Verify and parse ``body``, then run every matching callback in registration order.

        The body is verified on this thread's private event loop. Plain-function callbacks then
        run right here, in the calling thread, with no event loop running: Django's ORM, Flask's
        request context and asyncio-aware libraries work in them, and they may call the sync
        client. ``async def`` callbacks (and awaitables a plain function returns) are run to
        completion on the private loop, one at a time. Raises :class:`~ignisign_async.WebhookError`
        or :class:`~ignisign_async.WebhookVerificationError` before any callback runs; a callback
        that raises is logged and reported in the result (answer IgniSign with a 5xx then).
        """
        event = self._call(lambda router: router.verify(body))
        ran: list[WebhookCallback] = []
        failed: list[CallbackFailure] = []
        for registration in [r for r in self._target.registrations if r.matches(event)]:
            callback = registration.callback
            try:
                result = callback(event)
                if inspect.isawaitable(result):  # an async callback's coroutine, for instance
                    self._client._runtime.call(self._client._view, partial(_wait, result))
            except Exception as exc:
                failed.append(callback_failed(callback, event, exc))
            else:
                ran.append(callback)
        return ConsumeResult(event, tuple(ran), tuple(failed))

    def _call(self, fn: Callable[[WebhookRouter], Coroutine[Any, Any, _T]]) -> _T:
        async def on_loop(client: AsyncIgnisign) -> _T:
            return await fn(self._twin_for(client))

        return self._client._runtime.call(self._client._view, on_loop)

    def _twin_for(self, client: AsyncIgnisign) -> WebhookRouter:
        # Runs on the loop. On the helper's loop, plain functions go to worker threads instead,
        # so that a call they make to the sync client does not wait for that very loop.
        on_helper = SyncRuntime.on_helper_thread()
        router = type(self._target)(client, run_sync_in_thread=on_helper)
        for registration in self._target.registrations:
            router.add(
                registration.callback,
                registration.topic,
                registration.action,
                registration.msg_nature,
            )
        return router
