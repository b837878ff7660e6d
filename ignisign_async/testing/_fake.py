"""``FakeIgnisign``: the in-memory IgniSign v3 API, for tests, demos and local development."""

from __future__ import annotations

import copy
import time
from collections.abc import AsyncIterable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, Literal

from . import _transitions
from ._app import Emulator, RecordedRequest, build_routes
from ._artifacts import ASIC_MIME
from ._delivery import Chaos, RetryPolicy, Sender
from ._dtos import APP_ENVS
from ._faults import Faults
from ._handlers_apps import routes as _apps
from ._handlers_control import routes as _control
from ._handlers_documents import routes as _documents
from ._handlers_profiles import install_default_profiles
from ._handlers_profiles import routes as _profiles
from ._handlers_proofs import routes as _proofs
from ._handlers_requests import routes as _requests
from ._handlers_signers import routes as _signers
from ._handlers_webhooks import routes as _webhooks
from ._state import Config, PlantedContent, State
from ._transport import FakeTransport
from ._webhooks import DeliveryAttempt

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncIgnisign
    from .._types import AppEnvName
    from ..models.enums import AppEnv
    from ..sync import Ignisign
    from ._options import ClientOptions

__all__ = ["FakeIgnisign", "ArtifactKind"]

BASE_URL: Final = "https://fake.ignisign.invalid"
"""The base URL of in-process clients (``.invalid`` never resolves: nothing can leak out)."""

ArtifactKind = Literal["signature-proof", "asic", "xades", "original"]
AppAction = Literal["SETTINGS_UPDATED", "MEMBERSHIP_UPDATED", "ARCHIVED"]
_APP_ACTIONS: Final = ("SETTINGS_UPDATED", "MEMBERSHIP_UPDATED", "ARCHIVED")
_CONTENT_TYPES: Final = {
    "signature-proof": "application/pdf",
    "asic": ASIC_MIME,
    "xades": "application/xml",
    "original": "application/octet-stream",
}
_ROUTES = build_routes(_apps, _profiles, _signers, _requests, _documents, _proofs, _webhooks)


class FakeIgnisign:
    """An in-memory, stateful emulator of the IgniSign v3 API (moto for IgniSign).

    It follows the documented lifecycles, checks auth (JWT with ``exp``) and validates bodies
    like the real API, answering the documented error body; ``faults`` injects failures::

        fake = FakeIgnisign()
        async with fake.client() as client:
            profiles = await client.signature_profiles.list()
            ...                                   # create signers, a request, documents, publish
            fake.sign(request_id)                 # every signer signs: the request COMPLETES
        fake.webhook_events[-1]["action"]         # "GENERATED" (the signature proof)

    Bodies are checked with the vendor's own field rules; unknown fields are refused, a
    strictness of the emulator (``strict_fields=False`` drops them instead).

    ``fake.app`` is a plain ASGI app (serve it with ``python -m ignisign_async.testing serve``),
    ``fake.transport`` an in-process httpx transport. Events are delivered to registered webhook
    URLs only when a ``webhook_sender`` is set (see :func:`http_sender`, :func:`asgi_sender`):
    after the API answer, in the background, with retries; ``await fake.deliver_pending()``
    steps them, ``webhook_retries`` and ``webhook_chaos`` tune them.
    """

    def __init__(
        self,
        app_id: str = "appId_fake",
        app_env: AppEnvName | AppEnv = "DEVELOPMENT",
        secret: str = "sk_development_fake",
        *,
        token_lifetime: float = 3600.0,
        page_size: int = 20,
        require_title: bool = False,
        strict_fields: bool = True,
        webhook_sender: Sender | None = None,
        clock: Callable[[], float] = time.time,
        max_body_size: int = 256 * 1024 * 1024,
        raise_server_exceptions: bool = True,
    ) -> None:
        if app_env not in APP_ENVS:
            raise ValueError(f"app_env must be one of {', '.join(APP_ENVS)}, got {app_env!r}")
        if not app_id or not secret:
            raise ValueError("app_id and secret must be non-empty")
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        config = Config(
            app_id=app_id,
            app_env=app_env,
            secret=secret,
            page_size=page_size,
            require_title=require_title,
            strict_fields=strict_fields,
        )
        self._state = State(config, clock=clock, token_lifetime=token_lifetime)
        self._state.hub.sender = webhook_sender
        install_default_profiles(self._state)
        self.faults = Faults()
        """Fault injection: ``fail_next``, ``disconnect_next``, ``delay``, ``clear``."""
        self._emulator = Emulator(
            self._state,
            self.faults,
            _ROUTES,
            _control,
            max_body_size=max_body_size,
            raise_server_exceptions=raise_server_exceptions,
        )
        self._transport = FakeTransport(self._emulator)

    def __repr__(self) -> str:
        config = self._state.config
        return f"<FakeIgnisign app_id={config.app_id!r} app_env={config.app_env!r}>"

    # -- identity -----------------------------------------------------------------------------

    @property
    def app_id(self) -> str:
        return self._state.config.app_id

    @property
    def app_env(self) -> str:
        return self._state.config.app_env

    @property
    def secret(self) -> str:
        """The emulated application's secret (a test value, never a real one)."""
        return self._state.config.secret

    @property
    def default_signature_profile_id(self) -> str:
        """The id of "Simple signature - by side", the environment's default profile."""
        return self._state.default_profile_id

    @property
    def signature_profile_ids(self) -> dict[str, str]:
        """Profile name -> id, for the four default profiles and any other."""
        with self._state.lock:
            return {p.wire["name"]: p.id for p in self._state.profiles.values()}

    # -- wiring ---------------------------------------------------------------------------------

    @property
    def app(self) -> Emulator:
        """The emulator as an ASGI application."""
        return self._emulator

    @property
    def transport(self) -> FakeTransport:
        """An ``httpx.AsyncBaseTransport`` that serves requests in-process, streaming bodies."""
        return self._transport

    def client(self, **options: Unpack[ClientOptions]) -> AsyncIgnisign:
        """An :class:`~ignisign_async.AsyncIgnisign` wired to this emulator (with ``options``)."""
        from .._client import AsyncIgnisign

        return AsyncIgnisign(**self._client_arguments(options))

    def sync_client(self, **options: Unpack[ClientOptions]) -> Ignisign:
        """An :class:`~ignisign_async.Ignisign` (the sync facade) wired to this emulator."""
        from ..sync import Ignisign

        return Ignisign(**self._client_arguments(options))

    def _client_arguments(self, options: ClientOptions) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "app_id": self.app_id,
            "app_env": self.app_env,
            "secret": self.secret,
            "base_url": BASE_URL,
            "transport": self._transport,
        }
        arguments.update(options)
        return arguments

    # -- what happened -------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received so far, in order (control endpoints excluded)."""
        with self._state.lock:
            return list(self._emulator.requests)

    @property
    def auth_requests(self) -> int:
        """How many authentication requests were received."""
        with self._state.lock:
            return sum(1 for r in self._emulator.requests if r.path == "/v3/auth/app-api")

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        with self._state.lock:
            self._emulator.requests.clear()

    @property
    def webhook_events(self) -> list[dict[str, Any]]:
        """Every webhook body emitted so far, in order (copies; each has its own token)."""
        with self._state.lock:
            return copy.deepcopy(self._state.hub.events)

    @property
    def webhook_deliveries(self) -> list[DeliveryAttempt]:
        """Every POST the sender made so far: URL, body, the status it got."""
        with self._state.lock:
            return list(self._state.hub.attempts)

    @property
    def webhook_sender(self) -> Sender | None:
        """The async ``sender(url, body) -> status`` that delivers webhooks, or ``None``."""
        return self._state.hub.sender

    @webhook_sender.setter
    def webhook_sender(self, sender: Sender | None) -> None:
        self._state.hub.sender = sender

    @property
    def pending_webhook_deliveries(self) -> int:
        """How many POSTs are queued (first attempts, retries and chaos duplicates)."""
        return self._state.hub.queue.pending

    async def deliver_pending(self) -> int:
        """POST now, once each, every webhook delivery queued at this moment; how many.

        Deliveries otherwise go out in the background after each API answer (and as their
        delays and retry backoffs fall due); this steps them for a test, ignoring delays. A
        POST that fails is queued again for its retry, which the next call makes.
        """
        return await self._state.hub.queue.deliver_pending()

    def webhook_retries(
        self,
        *,
        attempts: int = 5,
        first_delay: float = 1.0,
        factor: float = 2.0,
        max_delay: float = 60.0,
    ) -> None:
        """How failed webhook deliveries (no 2xx, or no answer) are retried.

        ``attempts`` POSTs in all (``1``: never retry); the n-th retry waits
        ``min(first_delay * factor ** (n - 1), max_delay)`` seconds on the emulator's clock.
        The platform's own policy is undocumented; these defaults are the emulator's::

            fake.webhook_retries(attempts=3, first_delay=0.1)
        """
        policy = RetryPolicy(
            attempts=attempts, first_delay=first_delay, factor=factor, max_delay=max_delay
        )
        with self._state.lock:
            self._state.hub.queue.retry = policy

    def webhook_chaos(
        self,
        *,
        delay: float | tuple[float, float] = 0.0,
        duplicate: float = 0.0,
        reorder: bool = False,
        seed: int | None = None,
    ) -> None:
        """Disorder webhook deliveries, as a real network may; call with no argument to stop.

        Each POST waits a random ``delay`` (seconds, or a ``(low, high)`` range); with
        probability ``duplicate`` a delivery is POSTed twice (the second with a fresh token, as
        ``resend_event`` does); ``reorder`` sends due deliveries in random order. ``seed``
        makes the disorder repeatable::

            fake.webhook_chaos(delay=(0, 2.0), duplicate=0.1, reorder=True, seed=7)
        """
        chaos = Chaos.build(delay=delay, duplicate=duplicate, reorder=reorder, seed=seed)
        with self._state.lock:
            self._state.hub.queue.chaos = chaos

    # -- acting like the platform and the signers ----------------------------------------------

    def sign(self, signature_request_id: str, signer_id: str | None = None) -> list[str]:
        """Sign every document of an ``IN_PROGRESS`` request for one signer (default: all).

        Records the signatures, emits ``SIGNATURE_SESSION``/``INITIALIZED`` and
        ``SIGNATURE``/``FINALIZED``; when the last signer signs, the request is ``COMPLETED``,
        its proofs exist and ``SIGNATURE_REQUEST``/``COMPLETED``, ``SIGNATURE_SIGNER_IMAGE``/
        ``GENERATED`` and ``SIGNATURE_PROOF``/``GENERATED`` are emitted. Returns the new
        signature ids. Raises :class:`FakeError` when the state forbids it. The events reach the
        webhook sender at the next request or ``await fake.deliver_pending()``.
        """
        with self._state.lock:
            _transitions.tick(self._state)
            sr = self._state.request(signature_request_id)
            return _transitions.sign(self._state, sr, signer_id)

    def expire(self, signature_request_id: str) -> str:
        """Make a published request reach its expiration date now; returns its new status.

        ``EXPIRED`` if nobody signed, else ``COMPLETED`` (reference 9.1), with the webhook.
        """
        with self._state.lock:
            sr = self._state.request(signature_request_id)
            _transitions.expire(self._state, sr)
            return sr.status

    def emit_app_event(self, action: AppAction, *, user_id: str | None = None) -> None:
        """Emit an ``APP`` event as the platform does after a change made in its console.

        ``action`` is ``"SETTINGS_UPDATED"``, ``"MEMBERSHIP_UPDATED"`` or ``"ARCHIVED"``
        (reference 8.7); the content carries ``userId`` when given::

            fake.emit_app_event("SETTINGS_UPDATED", user_id="64b0c0ffee0000000000000a")
        """
        if action not in _APP_ACTIONS:
            raise ValueError(f"action must be one of {', '.join(_APP_ACTIONS)}, got {action!r}")
        if user_id is not None and not isinstance(user_id, str):
            raise TypeError("user_id must be a string or None")
        content = {} if user_id is None else {"userId": user_id}
        with self._state.lock:
            self._state.hub.emit("APP", action, content)

    def provide_requested_document(
        self,
        document_id: str,
        content: bytes,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
    ) -> None:
        """Act as the party a document request asked: supply the file.

        The document becomes ``PROVIDED``, ``DOCUMENT_REQUEST``/``PROVIDED`` is emitted, and a
        request ``WAITING_DOCUMENTS`` launches once all its documents are there.
        """
        with self._state.lock:
            doc = self._state.document(document_id)
            _transitions.provide_requested_document(
                self._state, doc, bytes(content), file_name=file_name, mime_type=mime_type
            )

    def set_proof_content(
        self,
        document_id: str,
        content: bytes | Callable[[], Iterable[bytes] | AsyncIterable[bytes]],
        *,
        kind: ArtifactKind = "signature-proof",
        content_length: int | None = None,
        content_type: str | None = None,
    ) -> None:
        """Serve ``content`` as a document's artifact from now on, whatever its state.

        ``content`` is bytes or a factory of chunk iterables (called for each download), so a
        test can stream a large file without holding it::

            fake.set_proof_content(doc_id, lambda: (b"x" * 65536 for _ in range(16384)),
                                   content_length=1 << 30)
        """
        if kind not in _CONTENT_TYPES:
            raise ValueError(f"kind must be one of {', '.join(_CONTENT_TYPES)}")
        if isinstance(content, (bytes, bytearray, memoryview)):
            data = bytes(content)
            planted = PlantedContent(
                content=data,
                length=len(data),
                content_type=content_type or _CONTENT_TYPES[kind],
            )
        elif callable(content):
            planted = PlantedContent(
                content=content,
                length=content_length,
                content_type=content_type or _CONTENT_TYPES[kind],
            )
        else:
            raise TypeError("content must be bytes or a callable returning an iterable of bytes")
        with self._state.lock:
            self._state.document(document_id)
            self._state.planted[(document_id, kind)] = planted

    def expire_tokens(self) -> None:
        """Every JWT issued so far is now expired (``401 OUTDATED_AUTH_JWT_TOKEN``)."""
        self._state.issuer.expire_all()

    def revoke_tokens(self) -> None:
        """Every JWT issued so far is now invalid (``401 INVALID_AUTH_JWT_TOKEN``)."""
        self._state.issuer.revoke_all()
