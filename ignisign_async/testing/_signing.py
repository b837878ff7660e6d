"""The signatures one signer makes on a request: ``IgnisignSignature`` records (reference 7.8).

for signature_id, doc in record_signatures(state, sr, signer_id):
    ...   # one per document of the request, stored in ``state.signatures``
"""

from __future__ import annotations

import hashlib
from typing import Any

from ._state import Document, Signature, SignatureRequest, State

__all__ = ["record_signatures"]


def record_signatures(
    state: State, sr: SignatureRequest, signer_id: str
) -> list[tuple[str, Document]]:
    """Store one signature per document of ``sr`` for ``signer_id``; their ids and documents."""
    session_id = state.new_id()
    key_id = state.new_id()
    out = []
    for document_id in sr.document_ids:
        doc = state.documents[document_id]
        signature_id = state.new_id()
        when = state.now_iso()
        state.signatures[signature_id] = Signature(
            id=signature_id,
            document_id=document_id,
            signer_id=signer_id,
            signature_request_id=sr.id,
            signing_time=when,
            wire=_wire(state, doc, signature_id, signer_id, when, session_id, key_id),
        )
        out.append((signature_id, doc))
    return out


def _wire(
    state: State,
    doc: Document,
    signature_id: str,
    signer_id: str,
    when: str,
    session_id: str,
    key_id: str,
) -> dict[str, Any]:
    digest = hashlib.sha256(f"{signature_id}{doc.document_hash}".encode()).hexdigest()
    return {
        "_id": signature_id,
        "appId": state.config.app_id,
        "appEnv": state.config.app_env,
        "signerId": signer_id,
        "signerKeyId": key_id,
        "sessionId": session_id,
        "documentId": doc.id,
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
