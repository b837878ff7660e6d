"""The signature request lifecycle (reference 10.1-10.2): publish, launch, sign, close, expire.

Shared by the HTTP handlers and by the emulator's helpers (``fake.sign``, ``fake.expire``,
``fake.provide_requested_document``). Every function runs with the state lock held; the
webhook events each transition emits are built in :mod:`._events`.

    DRAFT --publish--> WAITING_DOCUMENTS --all provided--> READY (scheduled) --> IN_PROGRESS
    IN_PROGRESS --last signer signs--> COMPLETED
    any open --close / expire--> CANCELLED / EXPIRED if nobody signed, else COMPLETED
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Final, Literal

from . import _events
from ._http import FakeError
from ._schema import DateString
from ._signing import record_signatures
from ._state import Document, SignatureRequest, State

__all__ = [
    "close",
    "expire",
    "provide_requested_document",
    "publish",
    "require_draft",
    "set_file_content",
    "sign",
    "tick",
]

_PUBLISH: Final = "CANNOT_PUBLISH_SIGNATURE_REQUEST__"
_instant = DateString.instant


def require_draft(sr: SignatureRequest, code: str, refused: str, **context: Any) -> None:
    """The one draft guard: refuse ``refused`` (what was asked) unless ``sr`` is a DRAFT."""
    if sr.status != "DRAFT":
        raise FakeError(
            code,
            f"{refused}: the signature request is {sr.status}, not DRAFT",
            context={**context, "status": sr.status},
        )


# -- publish ------------------------------------------------------------------------------------


def _refuse(code: str, message: str, **context: Any) -> FakeError:
    return FakeError(code, message, context=context)


def publish(state: State, sr: SignatureRequest) -> dict[str, Any]:
    """Check everything publishing needs (reference 10.2), then move the request on."""
    require_draft(sr, _PUBLISH + "REQUEST_ALREADY_PUBLISHED", "Cannot publish")
    profile = state.profiles.get(sr.profile_id)
    if profile is None:
        raise _refuse(_PUBLISH + "NO_SIGNATURE_PROFILE", "The signature profile is gone")
    if not sr.document_ids:
        raise _refuse(_PUBLISH + "NO_DOCUMENTS", "Set documentIds before publishing")
    if not sr.signer_ids:
        raise _refuse(_PUBLISH + "NO_SIGNERS", "Set signerIds before publishing")
    if state.config.require_title and not sr.fields.get("title"):
        raise _refuse(_PUBLISH + "NO_TITLE", "A title is required before publishing")
    _check_dates(sr.fields, state.clock())
    _check_documents(state, sr)
    for signer_id in sr.signer_ids:
        if state.signer(signer_id).status == "BLOCKED":
            raise _refuse("SIGNER_BAD_STATUS", f"Signer {signer_id} is revoked", signerId=signer_id)
    if any(state.documents[d].status == "DOCUMENT_REQUEST" for d in sr.document_ids):
        sr.status = "WAITING_DOCUMENTS"
        _events.emit_request(state, sr, "WAITING_DOCUMENTS")
    else:
        _launch_or_schedule(state, sr)
    answer: dict[str, Any] = {"signatureRequestId": sr.id}
    if profile.embedded and sr.session_tokens:
        answer["signers"] = _events.session_signers(state, sr)
    return answer


def _check_dates(fields: dict[str, Any], now: float) -> None:
    diffusion_at = _instant(fields.get("diffusionDate"))
    if fields.get("diffusionMode") == "SCHEDULED":
        if diffusion_at is None:
            raise _refuse(
                _PUBLISH + "DIFFUSION_MODE_IS_SCHEDULED_BUT_DIFFUSION_DATE_IS_MISSING",
                "A SCHEDULED request needs a diffusionDate",
            )
        if diffusion_at <= now:
            raise _refuse(_PUBLISH + "DIFFUSION_DATE_IN_THE_PAST", "diffusionDate is in the past")
    if not fields.get("expirationDateIsActivated"):
        return
    expires_at = _instant(fields.get("expirationDate"))
    if expires_at is None:
        raise _refuse(
            _PUBLISH + "EXPIRATION_DATE_IS_ACTIVATED_BUT_EXPIRATION_DATE_IS_MISSING",
            "expirationDateIsActivated needs an expirationDate",
        )
    if expires_at <= now:
        raise _refuse(_PUBLISH + "EXPIRATION_DATE_IN_THE_PAST", "expirationDate is in the past")
    if diffusion_at is not None and expires_at <= diffusion_at:
        raise _refuse(
            _PUBLISH + "EXPIRATION_DATE_BEFORE_DIFFUSION_DATE",
            "expirationDate must come after diffusionDate",
        )


def _check_documents(state: State, sr: SignatureRequest) -> None:
    for document_id in sr.document_ids:
        doc = state.document(document_id)
        if doc.status not in ("PROVIDED", "DOCUMENT_REQUEST"):
            raise _refuse(
                "CANNOT_UPDATE_OR_PUBLISH_SIGNATURE_REQUEST__AT_LEAST_ONE_DOCUMENT_HAVE_NO_CONTENT"
                "_AND_NO_DOCUMENT_REQUEST",
                f"Document {doc.id} has no content and no document request",
                documentId=doc.id,
            )
        if (doc.status == "DOCUMENT_REQUEST" or doc.nature == "PRIVATE_FILE") and not doc.label:
            raise _refuse(
                "CANNOT_UPDATE_OR_PUBLISH_SIGNATURE_REQUEST__AT_LEAST_ONE_DOCUMENT_IS_IN_FULL"
                "_PRIVACY_MODE_OR_HAVE_A_DOCUMENT_REQUEST_BUT_HAVE_NO_LABEL",
                f"Document {doc.id} needs a label",
                documentId=doc.id,
            )


def _launch_or_schedule(state: State, sr: SignatureRequest) -> None:
    diffusion_at = _instant(sr.fields.get("diffusionDate"))
    if (
        sr.fields.get("diffusionMode") == "SCHEDULED"
        and diffusion_at is not None
        and diffusion_at > state.clock()
    ):
        sr.status = "READY"
        state.timed_requests.add(sr.id)
        _events.emit_request(state, sr, "READY")
        return
    _launch(state, sr)


def _launch(state: State, sr: SignatureRequest) -> None:
    sr.status = "IN_PROGRESS"
    profile = state.profiles.get(sr.profile_id)
    if profile is not None and profile.embedded:
        sr.session_tokens = {i: secrets.token_urlsafe(18) for i in sr.signer_ids}
    for signer_id in sr.signer_ids:
        signer = state.signers[signer_id]
        if signer.status == "CREATED":
            signer.status = "PENDING"
    if sr.fields.get("expirationDateIsActivated"):
        state.timed_requests.add(sr.id)
    else:
        state.timed_requests.discard(sr.id)
    _events.emit_request(state, sr, "LAUNCHED", signers=True)


def tick(state: State) -> None:
    """Apply what time did: scheduled requests launch, activated expiration dates pass."""
    if not state.timed_requests:
        return
    now = state.clock()
    for request_id in list(state.timed_requests):
        sr = state.requests.get(request_id)
        if sr is None or sr.closed:
            state.timed_requests.discard(request_id)
            continue
        if sr.status == "READY":
            diffusion_at = _instant(sr.fields.get("diffusionDate"))
            if diffusion_at is None or diffusion_at <= now:
                _launch(state, sr)
        if sr.status == "IN_PROGRESS" and sr.fields.get("expirationDateIsActivated"):
            expires_at = _instant(sr.fields.get("expirationDate"))
            if expires_at is not None and expires_at <= now:
                _end(state, sr, "EXPIRED")


# -- documents ------------------------------------------------------------------------------------


def provide_requested_document(
    state: State, doc: Document, content: bytes, *, file_name: str, mime_type: str
) -> None:
    """The requested party supplies the file: the document is PROVIDED, the request may launch."""
    if doc.status != "DOCUMENT_REQUEST" or doc.document_request_id is None:
        raise FakeError(
            "DOCUMENT_HAVE_NO_REQUEST",
            f"Document {doc.id} has no pending document request",
            status=400,
        )
    request = state.document_requests[doc.document_request_id]
    set_file_content(doc, content, file_name=file_name, mime_type=mime_type)
    request.status = "PROVIDED"
    sr = state.request(doc.signature_request_id)
    _events.document_provided(state, sr, doc)
    if sr.status == "WAITING_DOCUMENTS" and all(
        state.documents[d].status == "PROVIDED" for d in sr.document_ids
    ):
        _launch_or_schedule(state, sr)


def set_file_content(doc: Document, content: bytes, *, file_name: str, mime_type: str) -> None:
    """Store a file as the document's content and derive what the API derives from it."""
    if mime_type == "application/pdf":
        if not content.startswith(b"%PDF-"):
            raise FakeError("PDF_CORRUPTED", "The file is declared as a PDF but is not one")
        doc.nature = "PDF_ENCRYPTED" if b"/Encrypt" in content else "PDF"
    else:
        doc.nature = "FILE"
    doc.status = "PROVIDED"
    doc.content = content
    doc.file_name = file_name
    doc.mime_type = mime_type
    doc.file_size = len(content)
    doc.document_hash = hashlib.sha256(content).hexdigest()
    doc.data_json = None


# -- signing and ending -------------------------------------------------------------------------


def sign(state: State, sr: SignatureRequest, signer_id: str | None) -> list[str]:
    """Sign every document of ``sr`` for one signer (or every one left); the signature ids."""
    if sr.status != "IN_PROGRESS":
        raise FakeError(
            "SIGNATURE_REQUEST_NOT_IN_PROGRESS",
            f"The signature request is {sr.status}, not IN_PROGRESS",
            context={"status": sr.status},
        )
    if signer_id is None:
        signers = [s for s in sr.signer_ids if s not in sr.signed_by]
    else:
        if signer_id not in sr.signer_ids:
            raise FakeError(
                "SIGNER_NOT_FOUND",
                f"Signer {signer_id} is not a signer of this request",
                context={"signerId": signer_id},
            )
        if signer_id in sr.signed_by:
            raise FakeError("SIGNER_ALREADY_SIGNED", f"Signer {signer_id} has already signed")
        signers = [signer_id]
    created: list[str] = []
    for sid in signers:
        _events.session_initialized(state, sr, sid)
        for signature_id, doc in record_signatures(state, sr, sid):
            _events.signature_finalized(state, sr, doc, sid, signature_id)
            created.append(signature_id)
        sr.signed_by.append(sid)
        state.signers[sid].status = "ACTIVE"
    if all(s in sr.signed_by for s in sr.signer_ids):
        _complete(state, sr)
    return created


def _complete(state: State, sr: SignatureRequest) -> None:
    sr.status = "COMPLETED"
    state.timed_requests.discard(sr.id)
    _events.emit_request(state, sr, "COMPLETED")
    sr.proof_status = "CREATED"
    sr.proof_token = secrets.token_urlsafe(18)
    signed = {s.document_id for s in state.signatures.values() if s.signature_request_id == sr.id}
    for document_id in sr.document_ids:
        if document_id not in signed:
            continue
        doc = state.documents[document_id]
        for signer_id in sr.signed_by:
            _events.signer_image_generated(state, sr, doc, signer_id)
        _events.proof_generated(state, sr, doc)


_Ending = Literal["CANCELLED", "EXPIRED"]


def _end(state: State, sr: SignatureRequest, nobody_signed_status: _Ending) -> None:
    """Close or expire: ``nobody_signed_status`` if nobody signed, else COMPLETED (ref. 9.1)."""
    if sr.signed_by:
        _complete(state, sr)
        return
    sr.status = nobody_signed_status
    state.timed_requests.discard(sr.id)
    _events.emit_request(state, sr, nobody_signed_status)


def close(state: State, sr: SignatureRequest) -> None:
    """Close an open request early (``DRAFT`` included)."""
    if sr.closed:
        code = {
            "COMPLETED": "SIGNATURE_REQUEST_ALREADY_COMPLETED",
            "CANCELLED": "SIGNATURE_REQUEST_CANCELLED",
        }.get(sr.status, "SIGNATURE_REQUEST_BAD_STATUS")
        raise FakeError(code, f"The signature request is already {sr.status}")
    _end(state, sr, "CANCELLED")


def expire(state: State, sr: SignatureRequest) -> None:
    """Make a published, open request reach its expiration date now."""
    if sr.closed or sr.status == "DRAFT":
        raise FakeError(
            "SIGNATURE_REQUEST_BAD_STATUS",
            f"Only a published, open signature request can expire (it is {sr.status})",
        )
    _end(state, sr, "EXPIRED")
