"""How stored entities look on the wire: camelCase dicts, ``_id``/``_createdAt``, unset = absent."""

from __future__ import annotations

from typing import Any

from ._state import Document, DocumentRequest, SignatureRequest, Signer, State

__all__ = [
    "document_context",
    "document_request_view",
    "document_view",
    "request_base",
    "request_context",
    "request_with_doc_name",
    "signer_context",
    "signer_summary",
]


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def signer_summary(signer: Signer) -> dict[str, Any]:
    """``IgnisignSigner_Summary``."""
    return _compact(
        {
            "signerId": signer.id,
            "externalId": signer.external_id,
            "firstName": signer.inputs.get("firstName"),
            "lastName": signer.inputs.get("lastName"),
            "email": signer.inputs.get("email"),
            "status": signer.status,
            "alreadyProvidedInputs": list(signer.inputs),
            "isRecurrent": signer.is_recurrent,
        }
    )


_CLAIMS = {
    "firstName": "NATURAL_PERSON_NAME",
    "email": "EMAIL_POSSESSION",
    "phoneNumber": "PHONE_NUMBER_POSSESSION",
    "nationality": "NATIONALITY",
    "birthDate": "BIRTH_INFO",
}


def signer_context(state: State, signer: Signer) -> dict[str, Any]:
    """``IgnisignSigner_Context``: the summary, declared claims, latest requests."""
    claims = [
        {"claimRef": claim, "status": "DECLARED"}
        for field, claim in _CLAIMS.items()
        if field in signer.inputs
    ]
    latest = [
        request_with_doc_name(state, sr)
        for sr in reversed(list(state.requests.values()))
        if signer.id in sr.signer_ids
    ][:10]
    return {**signer_summary(signer), "claims": claims, "latestSignatureRequests": latest}


def request_base(state: State, sr: SignatureRequest) -> dict[str, Any]:
    """``IgnisignSignatureRequest``."""
    config = state.config
    return _compact(
        {
            "_id": sr.id,
            "_createdAt": sr.created_at,
            "appId": config.app_id,
            "appEnv": config.app_env,
            "signatureRequestType": "STANDARD",
            "status": sr.status,
            "signatureProfileId": sr.profile_id,
            "documentIds": list(sr.document_ids),
            "signerIds": list(sr.signer_ids),
            "signedBy": list(sr.signed_by),
            "isFakeIdProofing": config.app_env != "PRODUCTION",
            "isFakeSms": config.app_env != "PRODUCTION",
            **sr.fields,
        }
    )


def request_with_doc_name(state: State, sr: SignatureRequest) -> dict[str, Any]:
    """``IgnisignSignatureRequest_WithDocName`` (the first document's file name and label)."""
    out = request_base(state, sr)
    first = state.documents.get(sr.document_ids[0]) if sr.document_ids else None
    if first is not None:
        out.update(_compact({"docFileName": first.file_name, "docLabel": first.label}))
    return out


def request_context(state: State, sr: SignatureRequest) -> dict[str, Any]:
    """``IgnisignSignatureRequest_Context``."""
    config = state.config
    profile = state.profiles.get(sr.profile_id)
    out = request_base(state, sr)
    out["signers"] = [signer_summary(state.signers[i]) for i in sr.signer_ids if i in state.signers]
    out["documents"] = [
        document_context(state, state.documents[i]) for i in sr.document_ids if i in state.documents
    ]
    if sr.statements:
        out["statements"] = [dict(s) for s in sr.statements]
    if profile is not None:
        out["signatureProfile"] = dict(profile.wire)
    out["applicationMetadata"] = {
        "appId": config.app_id,
        "appEnv": config.app_env,
        "appName": config.app_name,
    }
    out["signatureProofStatus"] = sr.proof_status or "NOT_INITIALIZED"
    if sr.proof_token is not None:
        out["signatureProofsUrl"] = f"{config.public_url}/signature-proofs/{sr.proof_token}"
    return out


def document_view(state: State, doc: Document) -> dict[str, Any]:
    """``IgnisignDocument``."""
    config = state.config
    return _compact(
        {
            "_id": doc.id,
            "_createdAt": doc.created_at,
            "appId": config.app_id,
            "appEnv": config.app_env,
            "signatureRequestId": doc.signature_request_id,
            "status": doc.status,
            "documentNature": doc.nature,
            "documentHash": doc.document_hash,
            "documentRequestId": doc.document_request_id,
            "externalId": doc.external_id,
            "label": doc.label,
            "description": doc.description,
            "fileName": doc.file_name,
            "fileSize": doc.file_size,
            "mimeType": doc.mime_type,
            "dataJsonContent": doc.data_json,
        }
    )


def document_request_view(state: State, request: DocumentRequest) -> dict[str, Any]:
    """``IgnisignDocumentRequest``."""
    return _compact(
        {
            "_id": request.id,
            "appId": state.config.app_id,
            "appEnv": state.config.app_env,
            "target": request.target,
            "status": request.status,
            "signatureRequestId": request.signature_request_id,
            "documentId": request.document_id,
            "externalId": request.external_id,
            "user": dict(request.user) if request.user else None,
        }
    )


def document_context(state: State, doc: Document) -> dict[str, Any]:
    """``IgnisignDocument_Context``: the document, its statements, request and signatures."""
    out = document_view(state, doc)
    sr = state.requests.get(doc.signature_request_id)
    if sr is not None:
        statements = [dict(s) for s in sr.statements if s.get("documentId") == doc.id]
        if statements:
            out["statements"] = statements
    if doc.document_request_id is not None:
        request = state.document_requests.get(doc.document_request_id)
        if request is not None:
            out["documentRequest"] = document_request_view(state, request)
    out["signatureSummaries"] = [
        {"signatureId": s.id, "signerId": s.signer_id, "date": s.signing_time}
        for s in state.signatures.values()
        if s.document_id == doc.id
    ]
    return out
