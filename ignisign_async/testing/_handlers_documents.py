"""Documents (#25-#35, S3; lifecycle reference 10.3).

A document is created ``CREATED`` in a DRAFT request, gets one kind of content (file, JSON data
or a private file's hash) and becomes ``PROVIDED``, or gets a document request
(``DOCUMENT_REQUEST``, fulfilled with ``fake.provide_requested_document``). Changes are refused
once the request is published (``DOCUMENT_LOCKED``).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes

from . import _transitions
from ._dtos import DATA_JSON, DOCUMENT_INIT, DOCUMENT_REQUEST, DOCUMENT_UPDATE, PRIVATE_CONTENT
from ._http import FakeError
from ._multipart import Part, parse_multipart
from ._routing import Call, Download, E, Routes
from ._state import Document, DocumentRequest, PlantedContent, State
from ._views import document_context, document_view

__all__ = ["routes"]

routes = Routes()


def _editable(state: State, document_id: str) -> Document:
    """The document, if its signature request is still a DRAFT."""
    doc = state.document(document_id)
    sr = state.request(doc.signature_request_id)
    _transitions.require_draft(sr, "DOCUMENT_LOCKED", "The document is locked", documentId=doc.id)
    return doc


def _without_content(state: State, document_id: str) -> Document:
    doc = _editable(state, document_id)
    if doc.status != "CREATED":
        raise FakeError(
            "DOCUMENT_BAD_STATUS",
            f"The document is {doc.status}; remove its content first",
            context={"documentId": doc.id, "status": doc.status},
        )
    return doc


def _file_part(call: Call) -> Part:
    parts = parse_multipart(call.request.body, call.request.content_type)
    for part in parts:
        if part.name == "file":
            return part
    raise FakeError(
        "BODY_VALIDATION_FAILED",
        "The multipart body has no part named 'file'",
        context={"errors": [{"property": "file", "message": "is required"}]},
    )


@routes.post(f"{E}/init-documents", body=DOCUMENT_INIT)
def init_document(call: Call) -> object:
    state, body = call.state, call.body
    sr = state.request(body["signatureRequestId"])
    _transitions.require_draft(sr, "SIGNATURE_REQUEST_BAD_STATUS", "Cannot add a document")
    doc = Document(
        id=state.new_id(),
        created_at=state.now_iso(),
        signature_request_id=sr.id,
        external_id=body.get("externalId"),
        label=body.get("label"),
        description=body.get("description"),
    )
    state.documents[doc.id] = doc
    return {"documentId": doc.id}


@routes.get("/v3/documents/{documentId}")
def get_document(call: Call) -> object:
    return document_view(call.state, call.state.document(call.params["documentId"]))


@routes.get("/v3/documents/{documentId}/context")
def get_document_context(call: Call) -> object:
    return document_context(call.state, call.state.document(call.params["documentId"]))


@routes.put("/v3/documents/{documentId}", body=DOCUMENT_UPDATE)
def update_document(call: Call) -> object:
    doc = _editable(call.state, call.params["documentId"])
    for key, attr in (
        ("label", "label"),
        ("description", "description"),
        ("externalId", "external_id"),
    ):
        if key in call.body:
            setattr(doc, attr, call.body[key])
    return document_view(call.state, doc)


@routes.delete("/v3/documents/{documentId}")
def remove_document(call: Call) -> object:
    state = call.state
    doc = _editable(state, call.params["documentId"])
    sr = state.requests[doc.signature_request_id]
    if doc.id in sr.document_ids:
        sr.document_ids.remove(doc.id)
    sr.statements = [s for s in sr.statements if s.get("documentId") != doc.id]
    if doc.document_request_id is not None:
        state.document_requests.pop(doc.document_request_id, None)
    for key in [k for k in state.planted if k[0] == doc.id]:
        del state.planted[key]
    del state.documents[doc.id]
    return {"documentId": doc.id}


@routes.post("/v3/documents/{documentId}/file", raw_body=True)
def provide_file(call: Call) -> object:
    doc = _without_content(call.state, call.params["documentId"])
    part = _file_part(call)
    file_name = part.filename or "document"
    mime_type = (part.content_type or "").split(";")[0].strip().lower()
    if not mime_type or mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    _transitions.set_file_content(doc, part.data, file_name=file_name, mime_type=mime_type)
    return document_view(call.state, doc)


def _sibling_json(state: State, doc: Document) -> bool:
    return any(
        other.id != doc.id
        and other.signature_request_id == doc.signature_request_id
        and other.nature == "DATA_JSON"
        for other in state.documents.values()
    )


@routes.post("/v3/documents/{documentId}/data-json-content", body=DATA_JSON)
def provide_data_json(call: Call) -> object:
    state = call.state
    doc = _without_content(state, call.params["documentId"])
    if _sibling_json(state, doc):
        raise FakeError(
            "ONLY_ONE_JSON_PER_SIGNATURE_REQUEST_IS_ALLOWED",
            "The signature request already has a JSON document",
        )
    serialized = json.dumps(call.body["jsonContent"], separators=(",", ":"))
    raw = serialized.encode()
    doc.status = "PROVIDED"
    doc.nature = "DATA_JSON"
    doc.data_json = serialized
    doc.content = raw
    doc.mime_type = "application/json"
    doc.file_name = None
    doc.file_size = len(raw)
    doc.document_hash = hashlib.sha256(raw).hexdigest()
    return document_view(state, doc)


@routes.post("/v3/documents/{documentId}/private-content", body=PRIVATE_CONTENT)
def provide_private_content(call: Call) -> object:
    state = call.state
    doc = _without_content(state, call.params["documentId"])
    profile = state.profile(state.requests[doc.signature_request_id].profile_id)
    if not profile.embedded:
        raise FakeError(
            "FULL_PRIVACY_NOT_ENABLED",
            "Private files need a signature profile in EMBEDDED integration mode",
        )
    doc.status = "PROVIDED"
    doc.nature = "PRIVATE_FILE"
    doc.document_hash = call.body["documentHash"]
    doc.content = None
    doc.data_json = None
    return document_view(state, doc)


@routes.delete("/v3/documents/{documentId}/content")
def remove_content(call: Call) -> object:
    state = call.state
    doc = _editable(state, call.params["documentId"])
    if doc.status != "PROVIDED":
        raise FakeError(
            "DOCUMENT_BAD_STATUS",
            f"The document has no content to remove (it is {doc.status})",
            context={"documentId": doc.id, "status": doc.status},
        )
    doc.status = "CREATED"
    for attr in (
        "nature",
        "file_name",
        "file_size",
        "mime_type",
        "document_hash",
        "data_json",
        "content",
    ):
        setattr(doc, attr, None)
    return document_view(state, doc)


@routes.post("/v3/documents/{documentId}/requests", body=DOCUMENT_REQUEST)
def create_document_request(call: Call) -> object:
    state, body = call.state, call.body
    doc = _without_content(state, call.params["documentId"])
    if body["documentId"] != doc.id:
        raise FakeError(
            "BODY_VALIDATION_FAILED",
            "documentId in the body differs from the path",
            context={"errors": [{"property": "documentId", "message": "must match the path"}]},
        )
    profile = state.profile(state.requests[doc.signature_request_id].profile_id)
    if not profile.wire["documentRequestActivated"]:
        raise FakeError(
            "SIGNATURE_REQUEST_DTO_NOT_MATCH_WITH_SIGNATURE_PROFILE__DOCUMENT_REQUEST_NOT_ALLOWED",
            "The signature profile does not allow document requests",
        )
    user: dict[str, str] = {k: body[k] for k in ("firstName", "lastName", "email") if k in body}
    request = DocumentRequest(
        id=state.new_id(),
        document_id=doc.id,
        signature_request_id=doc.signature_request_id,
        target=body["target"],
        external_id=body.get("externalId"),
        user=user or None,
    )
    state.document_requests[request.id] = request
    doc.status = "DOCUMENT_REQUEST"
    doc.document_request_id = request.id
    return document_view(state, doc)


@routes.post("/v3/documents/{documentId}/check-authenticity", raw_body=True)
def check_authenticity(call: Call) -> object:
    state = call.state
    doc = state.document(call.params["documentId"])
    digest = hashlib.sha256(_file_part(call).data).hexdigest()
    return {"documentId": doc.id, "authenticityValidated": digest == doc.document_hash}


@routes.get("/v3/documents/{documentId}/file")
def download_original(call: Call) -> object:
    state = call.state
    doc = state.document(call.params["documentId"])
    planted = state.planted.get((doc.id, "original"))
    if planted is not None:
        return planted_download(planted, doc.file_name or "document")
    if doc.nature == "PRIVATE_FILE":
        raise FakeError("DOCUMENT_BAD_NATURE", "A private file's content never reaches IgniSign")
    if doc.status != "PROVIDED" or doc.content is None:
        raise FakeError("DOCUMENT_NOT_PROVIDED", "The document has no content yet")
    name = doc.file_name or ("document.json" if doc.nature == "DATA_JSON" else "document")
    return Download.of_bytes(doc.content, doc.mime_type or "application/octet-stream", name)


def planted_download(planted: PlantedContent, filename: str) -> Download:
    """A :class:`Download` over content a test planted with ``fake.set_proof_content``."""
    content = planted.content
    if isinstance(content, bytes):
        return Download.of_bytes(content, planted.content_type, filename)
    return Download(
        content_type=planted.content_type,
        chunks=content,
        length=planted.length,
        filename=filename,
    )
