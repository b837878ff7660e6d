"""The webhook events of the signature request lifecycle: their contents, and their emission.

Each function builds the ``content`` of one topic (reference 9.2) and emits it through the
state's hub; :mod:`._transitions` calls them as the request moves on. They run with the state
lock held.
"""

from __future__ import annotations

from typing import Any

from ._state import Document, SignatureRequest, State

__all__ = [
    "document_provided",
    "emit_request",
    "proof_generated",
    "session_initialized",
    "session_signers",
    "signature_finalized",
    "signer_image_generated",
]


def _request_content(state: State, sr: SignatureRequest, *, signers: bool) -> dict[str, Any]:
    content: dict[str, Any] = {"signatureRequestId": sr.id, "status": sr.status}
    external = sr.fields.get("externalId")
    if external is not None:
        content["signatureRequestExternalId"] = external
    initial = sr.fields.get("initialSignatureRequestId")
    if initial is not None:
        content["initialSignatureRequestId"] = initial
    if signers and sr.session_tokens:
        content["signers"] = session_signers(state, sr)
    return content


def session_signers(state: State, sr: SignatureRequest) -> list[dict[str, Any]]:
    """``signerId``, ``token`` (the embedded session token) and ``signerExternalId`` if any."""
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


def _app(state: State) -> dict[str, Any]:
    return {"appId": state.config.app_id, "appEnv": state.config.app_env}


def _add_externals(
    content: dict[str, Any],
    *,
    sr: SignatureRequest,
    doc: Document | None = None,
    signer_external: str | None = None,
) -> dict[str, Any]:
    if sr.fields.get("externalId") is not None:
        content["signatureRequestExternalId"] = sr.fields["externalId"]
    if doc is not None and doc.external_id is not None:
        content["documentExternalId"] = doc.external_id
    if signer_external is not None:
        content["signerExternalId"] = signer_external
    return content


def document_provided(state: State, sr: SignatureRequest, doc: Document) -> None:
    """``DOCUMENT_REQUEST`` / ``PROVIDED``: the requested party supplied ``doc``."""
    content: dict[str, Any] = {
        "signatureRequestId": sr.id,
        "documentId": doc.id,
        "documentNature": doc.nature,
        "mimeType": doc.mime_type,
    }
    state.hub.emit("DOCUMENT_REQUEST", "PROVIDED", _add_externals(content, sr=sr, doc=doc))


def session_initialized(state: State, sr: SignatureRequest, signer_id: str) -> None:
    """``SIGNATURE_SESSION`` / ``INITIALIZED``: a signer opened the request."""
    content: dict[str, Any] = {"signerId": signer_id, "signatureRequestId": sr.id}
    external = state.signers[signer_id].external_id
    state.hub.emit(
        "SIGNATURE_SESSION",
        "INITIALIZED",
        _add_externals(content, sr=sr, signer_external=external),
    )


def signature_finalized(
    state: State, sr: SignatureRequest, doc: Document, signer_id: str, signature_id: str
) -> None:
    """``SIGNATURE`` / ``FINALIZED``: one signer signed one document."""
    content: dict[str, Any] = {
        **_app(state),
        "documentNature": doc.nature,
        "signerId": signer_id,
        "documentId": doc.id,
        "signatureRequestId": sr.id,
        "signatureId": signature_id,
    }
    external = state.signers[signer_id].external_id
    _add_externals(content, sr=sr, doc=doc, signer_external=external)
    state.hub.emit("SIGNATURE", "FINALIZED", content)


def signer_image_generated(
    state: State, sr: SignatureRequest, doc: Document, signer_id: str
) -> None:
    """``SIGNATURE_SIGNER_IMAGE`` / ``GENERATED``: a signer's image on a completed document."""
    content: dict[str, Any] = {
        **_app(state),
        "documentId": doc.id,
        "signatureRequestId": sr.id,
        "signerId": signer_id,
    }
    external = state.signers[signer_id].external_id
    _add_externals(content, sr=sr, doc=doc, signer_external=external)
    state.hub.emit("SIGNATURE_SIGNER_IMAGE", "GENERATED", content)


def proof_generated(state: State, sr: SignatureRequest, doc: Document) -> None:
    """``SIGNATURE_PROOF`` / ``GENERATED``: the proof of a completed document exists."""
    content: dict[str, Any] = {
        **_app(state),
        "documentId": doc.id,
        "signatureRequestId": sr.id,
        "signatureProofToken": sr.proof_token,
        "signatureProofUrl": f"{state.config.public_url}/signature-proofs/{sr.proof_token}",
    }
    state.hub.emit("SIGNATURE_PROOF", "GENERATED", _add_externals(content, sr=sr, doc=doc))
