"""The signature request lifecycle (reference 10.1-10.2): publish, launch, sign, close, expire.

Shared by the HTTP handlers and by the emulator's helpers (``fake.sign``, ``fake.expire``,
``fake.provide_requested_document``). Every function runs with the state lock held.

    DRAFT --publish--> WAITING_DOCUMENTS --all provided--> READY (scheduled) --> IN_PROGRESS
    IN_PROGRESS --last signer signs--> COMPLETED
    any open --close / expire--> CANCELLED / EXPIRED if nobody signed, else COMPLETED
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import secrets
from typing import Any

from ._http import FakeError
from ._state import Document, Signature, SignatureRequest, State

__all__ = [
    "close",
    "emit_request",
    "expire",
    "parse_instant",
    "provide_requested_document",
    "publish",
    "sign",
    "tick",
]

_FRACTION = re.compile(r"\.(\d+)")


def parse_instant(value: str) -> float:
    """An ISO-8601 date or date-time (``Z``, offsets, any fraction) in epoch seconds (UTC)."""
    text = value.strip().replace(" ", "T")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
    if re.fullmatch(r".*[+-]\d{4}", text) and "T" in text:
        text = text[:-2] + ":" + text[-2:]
    moment = _dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment.timestamp()


def _request_content(state: State, sr: SignatureRequest, *, signers: bool) -> dict[str, Any]:
    content: dict[str, Any] = {"signatureRequestId": sr.id, "status": sr.status}
    external = sr.fields.get("externalId")
    if external is not None:
        content["signatureRequestExternalId"] = external
    initial = sr.fields.get("initialSignatureRequestId")
    if initial is not None:
        content["initialSignatureRequestId"] = initial
    if signers and sr.session_tokens:
        content["signers"] = _session_signers(state, sr)
    return content


def _session_signers(state: State, sr: SignatureRequest) -> list[dict[str, Any]]:
    out = []
    for signer_id, token in sr.session_tokens.items():
        entry: dict[str, Any] = {"signerId": signer_id, "token": token}
        external = state.signers[signer_id].external_id
        if external is not None:
            entry["signerExternalId"] = external
        out.append(entry)
    return out


def emit_request(state: State, sr: SignatureRequest, action: str, *, signers: bool = False) -> None:
    """Emit ``SIGNATURE_REQUEST`` / ``action`` for ``sr``."""
    state.hub.emit("SIGNATURE_REQUEST", action, _request_content(state, sr, signers=signers))


# -- publish ------------------------------------------------------------------------------------


def _refuse(code: str, message: str, **context: Any) -> FakeError:
    return FakeError(code, message, context=context)


def publish(state: State, sr: SignatureRequest) -> dict[str, Any]:
    """Check everything publishing needs (reference 10.2), then move the request on."""
    prefix = "CANNOT_PUBLISH_SIGNATURE_REQUEST__"
    if sr.status != "DRAFT":
        raise _refuse(
            prefix + "REQUEST_ALREADY_PUBLISHED",
            f"The signature request is {sr.status}, not DRAFT",
            status=sr.status,
        )
    profile = state.profiles.get(sr.profile_id)
    if profile is None:
        raise _refuse(prefix + "NO_SIGNATURE_PROFILE", "The signature profile is gone")
    if not sr.document_ids:
        raise _refuse(prefix + "NO_DOCUMENTS", "Set documentIds before publishing")
    if not sr.signer_ids:
        raise _refuse(prefix + "NO_SIGNERS", "Set signerIds before publishing")
    fields = sr.fields
    if state.config.require_title and not fields.get("title"):
        raise _refuse(prefix + "NO_TITLE", "A title is required before publishing")
    now = state.clock()
    diffusion_at = _instant(fields.get("diffusionDate"))
    if fields.get("diffusionMode") == "SCHEDULED":
        if diffusion_at is None:
            raise _refuse(
                prefix + "DIFFUSION_MODE_IS_SCHEDULED_BUT_DIFFUSION_DATE_IS_MISSING",
                "A SCHEDULED request needs a diffusionDate",
            )
        if diffusion_at <= now:
            raise _refuse(prefix + "DIFFUSION_DATE_IN_THE_PAST", "diffusionDate is in the past")
    if fields.get("expirationDateIsActivated"):
        expires_at = _instant(fields.get("expirationDate"))
        if expires_at is None:
            raise _refuse(
                prefix + "EXPIRATION_DATE_IS_ACTIVATED_BUT_EXPIRATION_DATE_IS_MISSING",
                "expirationDateIsActivated needs an expirationDate",
            )
        if expires_at <= now:
            raise _refuse(prefix + "EXPIRATION_DATE_IN_THE_PAST", "expirationDate is in the past")
        if diffusion_at is not None and expires_at <= diffusion_at:
            raise _refuse(
                prefix + "EXPIRATION_DATE_BEFORE_DIFFUSION_DATE",
                "expirationDate must come after diffusionDate",
            )
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
    for signer_id in sr.signer_ids:
        if state.signer(signer_id).status == "BLOCKED":
            raise _refuse("SIGNER_BAD_STATUS", f"Signer {signer_id} is revoked", signerId=signer_id)
    if any(state.documents[d].status == "DOCUMENT_REQUEST" for d in sr.document_ids):
        sr.status = "WAITING_DOCUMENTS"
        emit_request(state, sr, "WAITING_DOCUMENTS")
    else:
        _launch_or_schedule(state, sr)
    answer: dict[str, Any] = {"signatureRequestId": sr.id}
    if profile.embedded and sr.session_tokens:
        answer["signers"] = _session_signers(state, sr)
    return answer


def _instant(value: object) -> float | None:
    return parse_instant(value) if isinstance(value, str) else None


def _launch_or_schedule(state: State, sr: SignatureRequest) -> None:
    diffusion_at = _instant(sr.fields.get("diffusionDate"))
    if (
        sr.fields.get("diffusionMode") == "SCHEDULED"
        and diffusion_at is not None
        and diffusion_at > state.clock()
    ):
        sr.status = "READY"
        state.timed_requests.add(sr.id)
        emit_request(state, sr, "READY")
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
    emit_request(state, sr, "LAUNCHED", signers=True)


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


# -- documents requested from someone else ----------------------------------------------------


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
    content_dto: dict[str, Any] = {
        "signatureRequestId": sr.id,
        "documentId": doc.id,
        "documentNature": doc.nature,
        "mimeType": doc.mime_type,
    }
    if sr.fields.get("externalId") is not None:
        content_dto["signatureRequestExternalId"] = sr.fields["externalId"]
    if doc.external_id is not None:
        content_dto["documentExternalId"] = doc.external_id
    state.hub.emit("DOCUMENT_REQUEST", "PROVIDED", content_dto)
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
        created.extend(_sign_one(state, sr, sid))
    if all(s in sr.signed_by for s in sr.signer_ids):
        _complete(state, sr)
    return created


def _sign_one(state: State, sr: SignatureRequest, signer_id: str) -> list[str]:
    config = state.config
    signer = state.signers[signer_id]
    session: dict[str, Any] = {"signerId": signer_id, "signatureRequestId": sr.id}
    _add_externals(session, sr=sr, signer_external=signer.external_id)
    state.hub.emit("SIGNATURE_SESSION", "INITIALIZED", session)
    session_id = state.new_id()
    key_id = state.new_id()
    created = []
    for document_id in sr.document_ids:
        doc = state.documents[document_id]
        signature_id = state.new_id()
        when = state.now_iso()
        digest = hashlib.sha256(f"{signature_id}{doc.document_hash}".encode()).hexdigest()
        wire: dict[str, Any] = {
            "_id": signature_id,
            "appId": config.app_id,
            "appEnv": config.app_env,
            "signerId": signer_id,
            "signerKeyId": key_id,
            "sessionId": session_id,
            "documentId": document_id,
            "status": "SIGNED",
            "mode": "SERVER_SIDE_SIGNATURE",
            "ocspCheckValue": None,
            "contentHash": doc.document_hash,
            "signature": digest,
            "signatureValue": digest[:32],
            "signedProperties": f"<xades:SigningTime>{when}</xades:SigningTime>",
            "signedPropertiesHash": hashlib.sha256(when.encode()).hexdigest(),
            "signingIp": "127.0.0.1",
            "signingTime": when,
            "certificate": "MIIFAKE" + digest[:40],
        }
        state.signatures[signature_id] = Signature(
            id=signature_id,
            document_id=document_id,
            signer_id=signer_id,
            signature_request_id=sr.id,
            signing_time=when,
            wire=wire,
        )
        content: dict[str, Any] = {
            "appId": config.app_id,
            "appEnv": config.app_env,
            "documentNature": doc.nature,
            "signerId": signer_id,
            "documentId": document_id,
            "signatureRequestId": sr.id,
            "signatureId": signature_id,
        }
        _add_externals(content, sr=sr, doc=doc, signer_external=signer.external_id)
        state.hub.emit("SIGNATURE", "FINALIZED", content)
        created.append(signature_id)
    sr.signed_by.append(signer_id)
    signer.status = "ACTIVE"
    return created


def _add_externals(
    content: dict[str, Any],
    *,
    sr: SignatureRequest,
    doc: Document | None = None,
    signer_external: str | None = None,
) -> None:
    if sr.fields.get("externalId") is not None:
        content["signatureRequestExternalId"] = sr.fields["externalId"]
    if doc is not None and doc.external_id is not None:
        content["documentExternalId"] = doc.external_id
    if signer_external is not None:
        content["signerExternalId"] = signer_external


def _complete(state: State, sr: SignatureRequest) -> None:
    sr.status = "COMPLETED"
    state.timed_requests.discard(sr.id)
    emit_request(state, sr, "COMPLETED")
    config = state.config
    sr.proof_status = "CREATED"
    sr.proof_token = secrets.token_urlsafe(18)
    signed = {
        s.document_id: s for s in state.signatures.values() if s.signature_request_id == sr.id
    }
    for document_id in sr.document_ids:
        if document_id not in signed:
            continue
        doc = state.documents[document_id]
        for signer_id in sr.signed_by:
            image: dict[str, Any] = {
                "appId": config.app_id,
                "appEnv": config.app_env,
                "documentId": document_id,
                "signatureRequestId": sr.id,
                "signerId": signer_id,
            }
            _add_externals(
                image, sr=sr, doc=doc, signer_external=state.signers[signer_id].external_id
            )
            state.hub.emit("SIGNATURE_SIGNER_IMAGE", "GENERATED", image)
        proof: dict[str, Any] = {
            "appId": config.app_id,
            "appEnv": config.app_env,
            "documentId": document_id,
            "signatureRequestId": sr.id,
            "signatureProofToken": sr.proof_token,
            "signatureProofUrl": f"{config.public_url}/signature-proofs/{sr.proof_token}",
        }
        _add_externals(proof, sr=sr, doc=doc)
        state.hub.emit("SIGNATURE_PROOF", "GENERATED", proof)


def _end(state: State, sr: SignatureRequest, nobody_signed_status: str) -> None:
    """Close or expire: ``nobody_signed_status`` if nobody signed, else COMPLETED (ref. 9.1)."""
    if sr.signed_by:
        _complete(state, sr)
        return
    sr.status = nobody_signed_status
    state.timed_requests.discard(sr.id)
    emit_request(state, sr, nobody_signed_status)


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
