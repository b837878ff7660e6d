"""Signatures and proofs (#36-#41, S4).

Proofs exist once the request is ``COMPLETED`` with ``signatureProofStatus`` ``CREATED``; before
that the downloads answer 400 ``DOCUMENT_PROOF_NOT_CREATED``. A signature proof is a real small
PDF, a XAdES file is XML, an ASiC-E container is a real zip (not for private files). Content
planted with ``fake.set_proof_content`` is served instead, whatever the request's state.
"""

from __future__ import annotations

import base64

from . import _artifacts
from ._handlers_documents import planted_download
from ._http import FakeError
from ._routing import Call, Download, Routes
from ._state import Document, Signature, State

__all__ = ["routes"]

routes = Routes()


def _signatures(state: State, doc: Document) -> list[Signature]:
    return [s for s in state.signatures.values() if s.document_id == doc.id]


def _signer_label(state: State, signature: Signature) -> str:
    signer = state.signers.get(signature.signer_id)
    if signer is None:
        return signature.signer_id
    name = " ".join(v for v in (signer.inputs.get("firstName"), signer.inputs.get("lastName")) if v)
    return name or signer.inputs.get("email") or signer.id


def _proven(state: State, doc: Document) -> None:
    sr = state.requests.get(doc.signature_request_id)
    if sr is None or sr.proof_status != "CREATED" or not _signatures(state, doc):
        raise FakeError(
            "DOCUMENT_PROOF_NOT_CREATED",
            "No signature proof exists for this document yet",
            context={"documentId": doc.id},
        )


def _name(doc: Document) -> str:
    return doc.file_name or ("document.json" if doc.nature == "DATA_JSON" else "document")


def _xades(state: State, doc: Document, signature: Signature) -> bytes:
    return _artifacts.xades_xml(
        signature_id=signature.id,
        document_name=_name(doc),
        document_hash=doc.document_hash,
        signer=_signer_label(state, signature),
        signing_time=signature.signing_time,
    )


@routes.get("/v3/documents/{documentId}/signatures")
def list_signatures(call: Call) -> object:
    doc = call.state.document(call.params["documentId"])
    return [s.wire for s in _signatures(call.state, doc)]


def _signature(call: Call) -> tuple[Document, Signature]:
    doc = call.state.document(call.params["documentId"])
    signature = call.state.signatures.get(call.params["signatureId"])
    if signature is None or signature.document_id != doc.id:
        raise FakeError(
            "SIGNATURE_NOT_FOUND",
            f"No signature {call.params['signatureId']!r} on this document",
            context={"documentId": doc.id, "signatureId": call.params["signatureId"]},
        )
    return doc, signature


@routes.get("/v3/documents/{documentId}/signatures/{signatureId}")
def get_signature(call: Call) -> object:
    return _signature(call)[1].wire


@routes.get("/v3/documents/{documentId}/signature-proof")
def download_signature_proof(call: Call) -> object:
    state = call.state
    doc = state.document(call.params["documentId"])
    filename = f"{doc.id}-signature-proof.pdf"
    planted = state.planted.get((doc.id, "signature-proof"))
    if planted is not None:
        return planted_download(planted, filename)
    _proven(state, doc)
    pdf = _artifacts.signature_proof_pdf(
        label=doc.label or doc.file_name or doc.id,
        document_id=doc.id,
        document_hash=doc.document_hash,
        signers=[f"{_signer_label(state, s)} at {s.signing_time}" for s in _signatures(state, doc)],
    )
    return Download.of_bytes(pdf, "application/pdf", filename)


@routes.get("/v3/documents/{documentId}/signatures/{signatureId}/xades")
def download_xades(call: Call) -> object:
    doc, signature = _signature(call)
    filename = f"{signature.id}-xades.xml"
    planted = call.state.planted.get((doc.id, "xades"))
    if planted is not None:
        return planted_download(planted, filename)
    return Download.of_bytes(_xades(call.state, doc, signature), "application/xml", filename)


@routes.get("/v3/documents/{documentId}/asics")
def download_asic(call: Call) -> object:
    state = call.state
    doc = state.document(call.params["documentId"])
    filename = f"{doc.id}.asice"
    planted = state.planted.get((doc.id, "asic"))
    if planted is not None:
        return planted_download(planted, filename)
    if doc.nature == "PRIVATE_FILE":
        raise FakeError("DOCUMENT_BAD_NATURE", "No ASiC-E container exists for private files")
    _proven(state, doc)
    container = _artifacts.asic_e_zip(
        file_name=_name(doc),
        original=doc.content or b"",
        signatures_xml=[_xades(state, doc, s) for s in _signatures(state, doc)],
    )
    return Download.of_bytes(container, _artifacts.ASIC_MIME, filename)


@routes.get("/v3/documents/{documentId}/img-signatures")
def signature_images(call: Call) -> object:
    state = call.state
    doc = state.document(call.params["documentId"])
    signer_ids = list(dict.fromkeys(s.signer_id for s in _signatures(state, doc)))
    if not signer_ids:
        raise FakeError("NO_SIGNATURE_IMAGES_FOUND", "Nobody has signed this document yet")
    return {
        "documentId": doc.id,
        "signatures": [
            {
                "signerId": signer_id,
                "imgB64": base64.b64encode(_artifacts.signature_png(signer_id)).decode(),
            }
            for signer_id in signer_ids
        ],
    }


@routes.post("/v3/documents/{documentId}/generate-advanced-signature-proof")
def generate_advanced_proof(call: Call) -> object:
    state = call.state
    doc = state.document(call.params["documentId"])
    _proven(state, doc)
    sr = state.requests[doc.signature_request_id]
    content = {
        "appId": state.config.app_id,
        "appEnv": state.config.app_env,
        "documentId": doc.id,
        "signatureRequestId": sr.id,
    }
    if doc.external_id is not None:
        content["documentExternalId"] = doc.external_id
    if sr.fields.get("externalId") is not None:
        content["signatureRequestExternalId"] = sr.fields["externalId"]
    state.hub.emit("SIGNATURE_PROOF", "ADV_GENERATED", content)
    return {"documentId": doc.id}
