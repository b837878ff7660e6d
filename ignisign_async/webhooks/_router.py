"""``WebhookRouter``: callbacks registered by topic, action and message nature, and ``consume``."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast, final

import anyio.to_thread
import attrs

from .._args import enum_arg
from .._errors import WebhookError
from ..models._base import ApiEnum
from ..models.webhook_events import (
    ApplicationEvent,
    DocumentRequestEvent,
    SignatureEvent,
    SignatureImageEvent,
    SignatureProfileEvent,
    SignatureProofEvent,
    SignatureRequestEvent,
    SignatureSessionEvent,
    SignerEvent,
    WebhookEvent,
)
from ..models.webhook_topics import (
    WebhookApplicationAction,
    WebhookDocumentRequestAction,
    WebhookMessageNature,
    WebhookSignatureAction,
    WebhookSignatureImageAction,
    WebhookSignatureProfileAction,
    WebhookSignatureProofAction,
    WebhookSignatureRequestAction,
    WebhookSignatureSessionAction,
    WebhookSignerAction,
    WebhookTopic,
)
from ._parse import TOPIC_TYPES, WebhookBody, parse_event
from ._verify import verify

if TYPE_CHECKING:
    from .._client import AsyncIgnisign
    from ._asgi import WebhookASGIApp

__all__ = ["WebhookRouter", "WebhookRegistration", "ConsumeResult", "CallbackFailure"]
__all__ += ["callback_failed"]

logger = logging.getLogger("ignisign_async.webhooks")

WebhookCallback = Callable[[WebhookEvent[Any, Any]], object]
"""A callback: ``async def f(event)`` or a plain ``def f(event)`` (run in a worker thread)."""

_F = TypeVar("_F", bound=WebhookCallback)
_R = TypeVar("_R")
_E = TypeVar("_E", bound=WebhookEvent[Any, Any])
_ALL: Final = "ALL"
_ALL_ACTIONS: Final = frozenset(m.value for _, enum in TOPIC_TYPES.values() for m in enum)
DEFAULT_MAX_BODY_SIZE: Final = 1 << 20


@final
@attrs.frozen(eq=False)
class WebhookRegistration:
    """One registered callback and what it listens to (``None`` = any); give it to ``remove``."""

    callback: WebhookCallback
    topic: WebhookTopic | None
    action: str | None
    msg_nature: WebhookMessageNature | None
    is_async: bool = attrs.field(repr=False)

    def matches(self, event: WebhookEvent[Any, Any]) -> bool:
        """Whether the event's topic, action and nature all fit this registration."""
        return (
            (self.topic is None or self.topic == event.topic)
            and (self.action is None or self.action == event.action)
            and (self.msg_nature is None or self.msg_nature == event.msg_nature)
        )


@final
@attrs.frozen
class CallbackFailure:
    """A callback that raised, and what it raised."""

    callback: WebhookCallback
    exception: Exception


@final
@attrs.frozen
class ConsumeResult:
    """What :meth:`WebhookRouter.consume` did: the event, the callbacks that ran, those that failed.

    ``ok`` is false when a callback raised: answer IgniSign with a 5xx then (the ASGI endpoint
    does), so that it records the delivery as failed and :meth:`Webhooks.resend_failed
    <ignisign_async.resources.webhooks.Webhooks.resend_failed>` can bring the event back.
    """

    event: WebhookEvent
    ran: tuple[WebhookCallback, ...] = ()
    failed: tuple[CallbackFailure, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no callback raised."""
        return not self.failed


class WebhookRouter:
    """Receives IgniSign's webhook calls: verifies them, parses them, runs your callbacks.

    ::

        router = client.webhook_router()

        @router.on_signature_request(action="LAUNCHED")
        async def launched(event: SignatureRequestEvent) -> None:
            ...

        @router.on(None)                       # every event
        def audit(event: WebhookEvent) -> None:  # plain functions run in a worker thread
            ...

        result = await router.consume(body)    # bytes, str or mapping
        app = router.asgi()                    # or mount this ASGI endpoint

    ``consume`` raises :class:`WebhookError` for a malformed body and
    :class:`WebhookVerificationError` for one that fails verification; in both cases no callback
    runs. A callback that raises is logged and does not stop the others.

    ``run_sync_in_thread=False`` runs plain-function callbacks on the event loop's thread instead
    (for the sync facade, whose loop runs in the calling thread).
    """

    def __init__(self, client: AsyncIgnisign, *, run_sync_in_thread: bool = True) -> None:
        self._client = client
        self._registrations: list[WebhookRegistration] = []
        self._run_sync_in_thread = run_sync_in_thread

    def __repr__(self) -> str:
        return f"<WebhookRouter of {self._client!r}: {len(self._registrations)} callback(s)>"

    @property
    def client(self) -> AsyncIgnisign:
        """The client whose app id, environment and credentials verify events."""
        return self._client

    @property
    def registrations(self) -> tuple[WebhookRegistration, ...]:
        """Every registration, in the order the callbacks run."""
        return tuple(self._registrations)

    # -- registration ---------------------------------------------------------------------

    def add(
        self,
        callback: WebhookCallback,
        topic: WebhookTopic | str | None = None,
        action: str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> WebhookRegistration:
        """Register ``callback`` for events of ``topic``/``action``/``msg_nature`` (``None``: any).

        ``"ALL"`` is accepted as a wildcard too. Values the SDK does not know are refused with
        ``ValueError``, so that a typo cannot silently never match.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        topic_member = _topic_arg(topic)
        registration = WebhookRegistration(
            callback=callback,
            topic=topic_member,
            action=_action_arg(action, topic_member),
            msg_nature=_nature_arg(msg_nature),
            is_async=_is_async(callback),
        )
        self._registrations.append(registration)
        return registration

    def remove(self, registration: WebhookRegistration) -> bool:
        """Unregister; ``False`` if it was not (or no longer) registered here."""
        for index, candidate in enumerate(self._registrations):
            if candidate is registration:
                del self._registrations[index]
                return True
        return False

    def on(
        self,
        topic: WebhookTopic | str | None,
        action: str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[_F], _F]:
        """Decorator form of :meth:`add`; returns the function unchanged::

        @router.on(WebhookTopic.SIGNATURE, action="FINALIZED", msg_nature="SUCCESS")
        async def signed(event: WebhookEvent) -> None: ...
        """

        def decorator(callback: _F) -> _F:
            self.add(callback, topic, action, msg_nature)
            return callback

        return decorator

    def _typed(
        self, topic: WebhookTopic, action: str | None, msg_nature: WebhookMessageNature | str | None
    ) -> Callable[[Callable[[_E], _R]], Callable[[_E], _R]]:
        def decorator(callback: Callable[[_E], _R]) -> Callable[[_E], _R]:
            self.add(cast(WebhookCallback, callback), topic, action, msg_nature)
            return callback

        return decorator

    def on_signature(
        self,
        action: WebhookSignatureAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignatureEvent], _R]], Callable[[SignatureEvent], _R]]:
        """Register for ``SIGNATURE`` events (a signer signed a document, or failed to)."""
        return self._typed(WebhookTopic.SIGNATURE, action, msg_nature)

    def on_signature_request(
        self,
        action: WebhookSignatureRequestAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignatureRequestEvent], _R]], Callable[[SignatureRequestEvent], _R]]:
        """Register for ``SIGNATURE_REQUEST`` events (status changes; signers' tokens on launch)."""
        return self._typed(WebhookTopic.SIGNATURE_REQUEST, action, msg_nature)

    def on_signer(
        self,
        action: WebhookSignerAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignerEvent], _R]], Callable[[SignerEvent], _R]]:
        """Register for ``SIGNER`` events (created, inputs added)."""
        return self._typed(WebhookTopic.SIGNER, action, msg_nature)

    def on_document_request(
        self,
        action: WebhookDocumentRequestAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[DocumentRequestEvent], _R]], Callable[[DocumentRequestEvent], _R]]:
        """Register for ``DOCUMENT_REQUEST`` events (a requested document was provided)."""
        return self._typed(WebhookTopic.DOCUMENT_REQUEST, action, msg_nature)

    def on_signature_profile(
        self,
        action: WebhookSignatureProfileAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignatureProfileEvent], _R]], Callable[[SignatureProfileEvent], _R]]:
        """Register for ``SIGNATURE_PROFILE`` events (created, archived)."""
        return self._typed(WebhookTopic.SIGNATURE_PROFILE, action, msg_nature)

    def on_signature_session(
        self,
        action: WebhookSignatureSessionAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignatureSessionEvent], _R]], Callable[[SignatureSessionEvent], _R]]:
        """Register for ``SIGNATURE_SESSION`` events (a signer opened a session)."""
        return self._typed(WebhookTopic.SIGNATURE_SESSION, action, msg_nature)

    def on_signature_proof(
        self,
        action: WebhookSignatureProofAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignatureProofEvent], _R]], Callable[[SignatureProofEvent], _R]]:
        """Register for ``SIGNATURE_PROOF`` events (a proof, or an advanced proof, is ready)."""
        return self._typed(WebhookTopic.SIGNATURE_PROOF, action, msg_nature)

    def on_signature_image(
        self,
        action: WebhookSignatureImageAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[SignatureImageEvent], _R]], Callable[[SignatureImageEvent], _R]]:
        """Register for ``SIGNATURE_SIGNER_IMAGE`` events (a signature image was generated)."""
        return self._typed(WebhookTopic.SIGNATURE_SIGNER_IMAGE, action, msg_nature)

    def on_application(
        self,
        action: WebhookApplicationAction | str | None = None,
        msg_nature: WebhookMessageNature | str | None = None,
    ) -> Callable[[Callable[[ApplicationEvent], _R]], Callable[[ApplicationEvent], _R]]:
        """Register for ``APP`` events (settings or membership updated, archived)."""
        return self._typed(WebhookTopic.APP, action, msg_nature)

    # -- consumption ----------------------------------------------------------------------

    async def consume(self, body: WebhookBody) -> ConsumeResult:
        """Parse, verify, then run every matching callback in registration order.

        Raises :class:`WebhookError` (malformed body) or :class:`WebhookVerificationError`
        (wrong ``appId``/``appEnv``, refused token, or a token check that could not be made)
        before any callback runs. Callback failures are collected in the result, not raised.
        """
        return await self._dispatch(await self.verify(body))

    async def verify(self, body: WebhookBody) -> WebhookEvent:
        """Parse and verify ``body`` (as :meth:`consume` does), and run no callback::

        event = await router.verify(request_body)      # the token is spent now
        """
        try:
            parsed = parse_event(body)
            await verify(self._client, parsed.event, parsed.token)
        except WebhookError as exc:
            logger.debug("Webhook refused (%s): %s", exc.code, exc)  # the caller sees it raised
            raise
        return parsed.event

    async def _dispatch(self, event: WebhookEvent) -> ConsumeResult:
        ran: list[WebhookCallback] = []
        failed: list[CallbackFailure] = []
        for registration in [r for r in self._registrations if r.matches(event)]:
            callback = registration.callback
            try:
                await self._run(registration, event)
            except Exception as exc:
                failed.append(callback_failed(callback, event, exc))
            else:
                ran.append(callback)
        return ConsumeResult(event, tuple(ran), tuple(failed))

    async def _run(self, registration: WebhookRegistration, event: WebhookEvent) -> None:
        if registration.is_async:
            await registration.callback(event)  # type: ignore[misc]
            return
        if self._run_sync_in_thread:
            (result,) = await anyio.to_thread.run_sync(_boxed, registration.callback, event)
        else:
            result = registration.callback(event)
        if inspect.isawaitable(result):  # a plain function that returned a coroutine
            await result

    def asgi(self, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE) -> WebhookASGIApp:
        """A plain ASGI app serving this router (POST, JSON, bodies up to ``max_body_size``),
        routed at its exact path (``app.mount()`` would answer 307 there)::

            app.add_route("/ignisign/webhook", router.asgi())      # Starlette / FastAPI
        """
        from ._asgi import WebhookASGIApp

        return WebhookASGIApp(self, max_body_size=max_body_size)


def callback_failed(
    callback: WebhookCallback, event: WebhookEvent, exc: Exception
) -> CallbackFailure:
    """Log that ``callback`` raised ``exc`` on ``event``; the failure, for the result."""
    name = getattr(callback, "__qualname__", None) or repr(callback)
    topic, action = event.topic.value, event.action
    logger.error("Webhook callback %s failed on %s/%s", name, topic, action, exc_info=exc)
    return CallbackFailure(callback, exc)


def _boxed(callback: WebhookCallback, event: WebhookEvent) -> tuple[object]:
    """Call in the worker thread; the box lets a returned coroutine reach the loop (Trio
    refuses a thread function whose result is a coroutine)."""
    return (callback(event),)


def _is_async(callback: object) -> bool:
    return inspect.iscoroutinefunction(callback) or inspect.iscoroutinefunction(
        getattr(callback, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


def _topic_arg(topic: WebhookTopic | str | None) -> WebhookTopic | None:
    if topic is None:
        return None
    if isinstance(topic, str):
        topic = WebhookTopic(topic)
    member = enum_arg(WebhookTopic, topic, name="topic")
    return None if member is WebhookTopic.ALL else member


def _nature_arg(msg_nature: WebhookMessageNature | str | None) -> WebhookMessageNature | None:
    if msg_nature is None or msg_nature == _ALL:
        return None
    return enum_arg(WebhookMessageNature, msg_nature, name="msg_nature")


def _action_arg(action: str | None, topic: WebhookTopic | None) -> str | None:
    if action is None or action == _ALL:
        return None
    if not isinstance(action, str):
        raise TypeError(f"action must be a str, got {type(action).__name__}")
    types = TOPIC_TYPES.get(topic) if topic is not None else None
    if topic is not None and types is not None:
        member: ApiEnum = enum_arg(types[1], action, name=f"action of topic {topic.value}")
        return member
    if topic is None and action not in _ALL_ACTIONS:
        allowed = ", ".join(sorted(_ALL_ACTIONS))
        raise ValueError(f"action must be one of {allowed}; got {action!r}")
    return action
