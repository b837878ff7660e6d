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
* ``GET /_fake/webhook-events``: ``fake.webhook_events``;
* ``POST /_fake/webhooks/retries``: ``fake.webhook_retries(...)``, body ``{"attempts": 3,
  "firstDelay": 0.5, "factor": 2, "maxDelay": 60}`` (each optional);
* ``POST /_fake/webhooks/chaos``: ``fake.webhook_chaos(...)``, body ``{"delay": [0, 2.0],
  "duplicate": 0.1, "reorder": true, "seed": 7}`` (each optional; ``{}`` turns chaos off).
"""

from __future__ import annotations

import mimetypes

from . import _transitions
from ._delivery import Chaos, RetryPolicy
from ._dtos import CHAOS, RETRIES
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


@routes.post("/_fake/webhooks/retries", body=RETRIES, auth="public")
def webhook_retries(call: Call) -> object:
    body = call.body
    try:
        policy = RetryPolicy(
            attempts=body.get("attempts", 5),
            first_delay=body.get("firstDelay", 1.0),
            factor=body.get("factor", 2.0),
            max_delay=body.get("maxDelay", 60.0),
        )
    except ValueError as exc:
        raise FakeError("BODY_VALIDATION_FAILED", str(exc)) from None
    call.state.hub.queue.retry = policy
    return {}


@routes.post("/_fake/webhooks/chaos", body=CHAOS, auth="public")
def webhook_chaos(call: Call) -> object:
    body = call.body
    delay = body.get("delay", 0.0)
    try:
        chaos = Chaos.build(
            delay=tuple(delay) if isinstance(delay, list) else delay,
            duplicate=body.get("duplicate", 0.0),
            reorder=body.get("reorder", False),
            seed=body.get("seed"),
        )
    except (TypeError, ValueError) as exc:
        raise FakeError("BODY_VALIDATION_FAILED", str(exc)) from None
    call.state.hub.queue.chaos = chaos
    return {}
