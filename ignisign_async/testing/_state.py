"""The emulator's state: configuration, the stored entities, ids, time and paging.

Everything lives in memory in one :class:`State`, guarded by one re-entrant lock. The lock is
held while a handler runs and its answer is serialised -- never across an ``await`` -- so the
same emulator can serve several threads and event loops at once.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from typing import Any, Final, Literal, TypeVar

import attrs

from ._http import FakeError, utc_now_iso
from ._jwt import TokenIssuer
from ._webhooks import WebhookHub

__all__ = [
    "CLOSED",
    "Config",
    "DocumentRequestStatus",
    "DocumentStatus",
    "InvitationStatus",
    "RequestStatus",
    "SignerStatus",
    "Document",
    "DocumentRequest",
    "Invitation",
    "PlantedContent",
    "Profile",
    "Signature",
    "SignatureRequest",
    "Signer",
    "State",
    "Webhook",
]

_T = TypeVar("_T")

RequestStatus = Literal[
    "DRAFT",
    "WAITING_DOCUMENTS",
    "READY",
    "IN_PROGRESS",
    "COMPLETED",
    "EXPIRED",
    "FAILED",
    "CANCELLED",
]
"""The signature request statuses the emulator reaches (reference 10.2)."""

CLOSED: Final[frozenset[RequestStatus]] = frozenset({"COMPLETED", "EXPIRED", "FAILED", "CANCELLED"})
"""The statuses of a signature request that is over."""

SignerStatus = Literal["CREATED", "PENDING", "BLOCKED", "ACTIVE"]
DocumentStatus = Literal["CREATED", "DOCUMENT_REQUEST", "PROVIDED"]
DocumentRequestStatus = Literal["CREATED", "PROVIDED"]
InvitationStatus = Literal["PENDING", "CANCELED"]


@attrs.frozen(kw_only=True)
class Config:
    """The emulated application and the emulator's tunables."""

    app_id: str
    app_env: str
    secret: str
    app_name: str = "Fake application"
    org_id: str = "000000000000000000000001"
    page_size: int = 20
    require_title: bool = False
    strict_fields: bool = True
    public_url: str = "https://fake.ignisign.invalid"


@attrs.define(kw_only=True)
class Profile:
    id: str
    wire: dict[str, Any]
    inputs: tuple[str, ...]

    @property
    def archived(self) -> bool:
        return bool(self.wire["status"] == "ARCHIVED")

    @property
    def embedded(self) -> bool:
        return bool(self.wire["integrationMode"] == "EMBEDDED")


@attrs.define(kw_only=True)
class Signer:
    id: str
    created_at: str
    status: SignerStatus = "CREATED"
    profile_id: str | None = None
    external_id: str | None = None
    is_recurrent: bool | None = None
    inputs: dict[str, str] = attrs.Factory(dict)
    auth_secret: str | None = None


@attrs.define(kw_only=True)
class SignatureRequest:
    id: str
    created_at: str
    profile_id: str
    status: RequestStatus = "DRAFT"
    fields: dict[str, Any] = attrs.Factory(dict)
    document_ids: list[str] = attrs.Factory(list)
    signer_ids: list[str] = attrs.Factory(list)
    signed_by: list[str] = attrs.Factory(list)
    statements: list[dict[str, Any]] = attrs.Factory(list)
    proof_status: str | None = None
    proof_token: str | None = None
    session_tokens: dict[str, str] = attrs.Factory(dict)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


@attrs.define(kw_only=True)
class Document:
    id: str
    created_at: str
    signature_request_id: str
    status: DocumentStatus = "CREATED"
    external_id: str | None = None
    label: str | None = None
    description: str | None = None
    nature: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    document_hash: str | None = None
    data_json: str | None = None
    content: bytes | None = None
    document_request_id: str | None = None


@attrs.define(kw_only=True)
class DocumentRequest:
    id: str
    document_id: str
    signature_request_id: str
    target: str
    status: DocumentRequestStatus = "CREATED"
    external_id: str | None = None
    user: dict[str, str] | None = None


@attrs.define(kw_only=True)
class Signature:
    id: str
    document_id: str
    signer_id: str
    signature_request_id: str
    signing_time: str
    wire: dict[str, Any]


@attrs.define(kw_only=True)
class Webhook:
    id: str
    created_at: str
    url: str
    description: str | None = None


@attrs.define(kw_only=True)
class Invitation:
    id: str
    email: str
    roles: dict[str, Any]
    status: InvitationStatus = "PENDING"


@attrs.define(kw_only=True)
class PlantedContent:
    """Bytes (or a factory of chunk iterables) a test put in place of a generated artifact."""

    content: bytes | Callable[[], Iterable[bytes] | AsyncIterable[bytes]]
    length: int | None
    content_type: str


class State:
    """Every entity of the emulated application, and the helpers handlers share."""

    def __init__(
        self, config: Config, *, clock: Callable[[], float], token_lifetime: float
    ) -> None:
        self.config = config
        self.clock = clock
        self.issuer = TokenIssuer(lifetime=token_lifetime, clock=clock)
        self.lock = threading.RLock()
        self._id_prefix = os.urandom(5).hex()
        self._counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
        self.hub = WebhookHub(self)
        self.profiles: dict[str, Profile] = {}
        self.default_profile_id = ""
        self.signers: dict[str, Signer] = {}
        self.requests: dict[str, SignatureRequest] = {}
        self.documents: dict[str, Document] = {}
        self.document_requests: dict[str, DocumentRequest] = {}
        self.signatures: dict[str, Signature] = {}
        self.webhooks: dict[str, Webhook] = {}
        self.invitations: dict[str, Invitation] = {}
        self.planted: dict[tuple[str, str], PlantedContent] = {}
        self.timed_requests: set[str] = set()

    # -- identity and time ----------------------------------------------------------------

    def new_id(self) -> str:
        """A fresh 24-hex id shaped like a MongoDB ObjectId (time, random, counter)."""
        seconds = int(self.clock()) & 0xFFFFFFFF
        counter = next(self._counter) & 0xFFFFFF
        return f"{seconds:08x}{self._id_prefix}{counter:06x}"

    def now_iso(self) -> str:
        return utc_now_iso(self.clock())

    # -- lookups ----------------------------------------------------------------------------

    def profile(self, profile_id: str) -> Profile:
        return _get(self.profiles, profile_id, "SIGNATURE_PROFILE_NOT_FOUND", "signature profile")

    def signer(self, signer_id: str) -> Signer:
        return _get(self.signers, signer_id, "SIGNER_NOT_FOUND", "signer")

    def request(self, request_id: str) -> SignatureRequest:
        return _get(self.requests, request_id, "SIGNATURE_REQUEST_NOT_FOUND", "signature request")

    def document(self, document_id: str) -> Document:
        return _get(self.documents, document_id, "DOCUMENT_NOT_FOUND", "document")

    def webhook(self, webhook_id: str) -> Webhook:
        return _get(self.webhooks, webhook_id, "WEBHOOK_NOT_FOUND", "webhook")

    def invitation(self, invitation_id: str) -> Invitation:
        return _get(self.invitations, invitation_id, "INVITED_USER_NOT_FOUND", "user invitation")

    # -- paging -----------------------------------------------------------------------------

    def page(self, items: Sequence[_T], page: int | None) -> tuple[list[_T], dict[str, int]]:
        """One page of ``items`` (1-based) and the ``{total, page, nbEventsPerPage}`` block."""
        number = page or 1
        size = self.config.page_size
        chunk = list(items[(number - 1) * size : number * size])
        return chunk, {"total": len(items), "page": number, "nbEventsPerPage": size}


def _get(store: dict[str, _T], key: str, code: str, what: str) -> _T:
    try:
        return store[key]
    except KeyError:
        raise FakeError(code, f"No {what} with id {key!r}", context={"id": key}) from None
