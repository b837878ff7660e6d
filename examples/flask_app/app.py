"""A Flask app that sends contracts for signature and receives IgniSign's webhooks.

    IGNISIGN_APP_ID=... IGNISIGN_APP_ENV=DEVELOPMENT IGNISIGN_APP_SECRET=... flask --app app run

``POST /contracts`` (a PDF body) creates a signature request for one signer and publishes it;
``POST /ignisign/webhook`` is the endpoint to register with IgniSign. When a request completes,
the callback downloads its signature proof into ``PROOFS_DIR``. Callbacks run in Flask's request
thread with no event loop running, so they may call the client (and any asyncio-aware library).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from ignisign_async import Ignisign, WebhookError
from ignisign_async.models import SignatureRequestEvent
from ignisign_async.webhooks import http_status_for

PROOFS_DIR = Path(os.environ.get("PROOFS_DIR", "proofs"))

app = Flask(__name__)
client = Ignisign()  # IGNISIGN_APP_ID, IGNISIGN_APP_ENV, IGNISIGN_APP_SECRET from the environment
router = client.webhook_router()
documents: dict[str, str] = {}
"""Signature request id -> its document id (a real app keeps this in its database)."""


@router.on_signature_request(action="COMPLETED")
def save_proof(event: SignatureRequestEvent) -> None:
    document_id = documents[event.content.signature_request_id]
    PROOFS_DIR.mkdir(parents=True, exist_ok=True)
    client.proofs.download_signature_proof(document_id, PROOFS_DIR / f"{document_id}.pdf")


@app.post("/contracts")
def send_contract() -> ResponseReturnValue:
    profile_id = request.args["profile"]
    signer = client.signers.create(
        signature_profile_id=profile_id,
        first_name=request.args["first_name"],
        last_name=request.args["last_name"],
        email=request.args["email"],
    )
    signature_request = client.signature_requests.init(profile_id)
    request_id = signature_request.signature_request_id
    assert request_id is not None
    document = client.documents.init(signature_request_id=request_id, label="Contract")
    client.documents.provide_file(
        document.document_id,
        request.get_data(),
        file_name="contract.pdf",
        content_type="application/pdf",
    )
    documents[request_id] = document.document_id
    client.signature_requests.update(
        request_id,
        title=request.args.get("title", "Contract"),
        document_ids=[document.document_id],
        signer_ids=[signer.signer_id],
        expiration_date=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=14),
        expiration_date_is_activated=True,
    )
    client.signature_requests.publish(request_id)
    return jsonify({"signature_request_id": request_id, "document_id": document.document_id}), 201


@app.post("/ignisign/webhook")
def ignisign_webhook() -> ResponseReturnValue:
    try:
        result = router.consume(request.get_data())
    except WebhookError as exc:  # malformed (400), not from IgniSign (401), IgniSign down (503)
        return jsonify({"ok": False, "code": exc.code}), http_status_for(exc)
    # 5xx when a callback failed: IgniSign records the delivery FAILED, and
    # client.webhooks.resend_failed(webhook_id) delivers it again once the cause is fixed
    return jsonify({"ok": result.ok, "failed": len(result.failed)}), 200 if result.ok else 500
