"""The emulator's control endpoints, under ``/_fake`` (for code that drives it over a socket).

They act like the Python helpers of :class:`FakeIgnisign`; they need no token, are never
faulted and are not recorded in ``fake.requests``:

* ``POST /_fake/signature-requests/{id}/sign``: ``fake.sign(id, signerId)``; the JSON body
  ``{"signerId": ...}`` is optional;
* ``POST /_fake/signature-requests/{id}/expire``: ``fake.expire(id)``;
* ``POST /_fake/documents/{id}/provide``: ``fake.provide_requested_document(...)``, with the file
  as a multipart ``file`` part, like an upload;
* ``POST /_fake/tokens/expire`` and ``POST /_fake/tokens/revoke``: ``fake.expire_tokens()``,
  ``fake.revoke_tokens()``;
* ``GET /_fake/webhook-events``: ``fake.webhook_events``.
"""

from __future__ import annotations

import mimetypes

from . import _transitions
from ._http import FakeError, parse_json_body
from ._multipart import parse_multipart
from ._routing import Call, Routes
from ._views import document_view

__all__ = ["routes"]

routes = Routes()


@routes.post("/_fake/signature-requests/{signatureRequestId}/sign", raw_body=True, auth="public")
def sign(call: Call) -> object:
    body = parse_json_body(call.request)
    signer_id = body.get("signerId") if isinstance(body, dict) else None
    if signer_id is not None and not isinstance(signer_id, str):
        raise FakeError("BODY_VALIDATION_FAILED", "signerId must be a string")
    sr = call.state.request(call.params["signatureRequestId"])
    return {"signatureIds": _transitions.sign(call.state, sr, signer_id)}


@routes.post("/_fake/signature-requests/{signatureRequestId}/expire", auth="public")
def expire(call: Call) -> object:
    sr = call.state.request(call.params["signatureRequestId"])
    _transitions.expire(call.state, sr)
    return {"signatureRequestId": sr.id, "status": sr.status}


@routes.post("/_fake/documents/{documentId}/provide", raw_body=True, auth="public")
def provide(call: Call) -> object:
    doc = call.state.document(call.params["documentId"])
    parts = [
        p for p in parse_multipart(call.request.body, call.request.content_type) if p.name == "file"
    ]
    if not parts:
        raise FakeError("BODY_VALIDATION_FAILED", "The multipart body has no part named 'file'")
    part = parts[0]
    name = part.filename or "document"
    mime = (part.content_type or "").split(";")[0].strip() or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    _transitions.provide_requested_document(
        call.state, doc, part.data, file_name=name, mime_type=mime
    )
    return document_view(call.state, doc)


@routes.post("/_fake/tokens/expire", auth="public")
def expire_tokens(call: Call) -> object:
    call.state.issuer.expire_all()
    return {}


@routes.post("/_fake/tokens/revoke", auth="public")
def revoke_tokens(call: Call) -> object:
    call.state.issuer.revoke_all()
    return {}


@routes.get("/_fake/webhook-events", auth="public")
def webhook_events(call: Call) -> object:
    return list(call.state.hub.events)
