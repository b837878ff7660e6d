"""Webhook bodies as IgniSign sends them (reference 9.1 and 9.2), one per topic."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import APP_ENV, APP_ID

SR_ID = "65f1a2b3c4d5e6f7a8b9c0d1"
DOC_ID = "65f1a2b3c4d5e6f7a8b9c0d2"
SIGNER_ID = "65f1a2b3c4d5e6f7a8b9c0d3"
SIGNATURE_ID = "65f1a2b3c4d5e6f7a8b9c0d4"
PROFILE_ID = "65f1a2b3c4d5e6f7a8b9c0d5"
USER_ID = "65f1a2b3c4d5e6f7a8b9c0d6"
TOKEN = "wh-token-7f3c9a1e-0b2d-4c5e-9f8a-123456789abc"
SESSION_TOKEN = "session-token-a1b2c3d4e5f6"
PROOF_TOKEN = "proof-token-f6e5d4c3b2a1"

CONTENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "SIGNATURE": (
        "FINALIZED",
        {
            "appId": APP_ID,
            "appEnv": APP_ENV,
            "documentNature": "PDF",
            "signerId": SIGNER_ID,
            "signerExternalId": "crm-signer-1",
            "documentId": DOC_ID,
            "documentExternalId": "crm-doc-1",
            "signatureRequestId": SR_ID,
            "signatureRequestExternalId": "crm-sr-1",
            "signatureId": SIGNATURE_ID,
        },
    ),
    "SIGNATURE_REQUEST": (
        "LAUNCHED",
        {
            "signatureRequestId": SR_ID,
            "status": "IN_PROGRESS",
            "signatureRequestExternalId": "crm-sr-1",
            "signers": [
                {"signerId": SIGNER_ID, "signerExternalId": "crm-signer-1", "token": SESSION_TOKEN}
            ],
        },
    ),
    "SIGNER": (
        "INPUTS_ADDED",
        {
            "appId": APP_ID,
            "appEnv": APP_ENV,
            "signerId": SIGNER_ID,
            "signerExternalId": "crm-signer-1",
            "inputsAdded": ["firstName", "phoneNumber"],
        },
    ),
    "DOCUMENT_REQUEST": (
        "PROVIDED",
        {
            "signatureRequestId": SR_ID,
            "documentId": DOC_ID,
            "documentExternalId": "crm-doc-1",
            "documentNature": "PDF",
            "mimeType": "application/pdf",
        },
    ),
    "SIGNATURE_PROFILE": ("ARCHIVED", {"signatureProfileId": PROFILE_ID}),
    "SIGNATURE_SESSION": (
        "INITIALIZED",
        {"signerId": SIGNER_ID, "signatureRequestId": SR_ID, "signerExternalId": "crm-signer-1"},
    ),
    "SIGNATURE_PROOF": (
        "ADV_GENERATED",
        {
            "appId": APP_ID,
            "appEnv": APP_ENV,
            "documentId": DOC_ID,
            "signatureRequestId": SR_ID,
            "signatureProofToken": PROOF_TOKEN,
            "signatureProofUrl": "https://proofs.example/p/abc",
        },
    ),
    "SIGNATURE_SIGNER_IMAGE": (
        "GENERATED",
        {
            "appId": APP_ID,
            "appEnv": APP_ENV,
            "documentId": DOC_ID,
            "signatureRequestId": SR_ID,
            "signerId": SIGNER_ID,
        },
    ),
    "APP": ("MEMBERSHIP_UPDATED", {"userId": USER_ID}),
}


def event_dict(
    topic: str = "SIGNATURE_REQUEST",
    action: str | None = None,
    *,
    msg_nature: str = "INFO",
    content: Any = None,
    token: str = TOKEN,
    **fields: Any,
) -> dict[str, Any]:
    """A callback body; ``content`` and ``action`` default to the topic's sample."""
    sample_action, sample_content = CONTENTS.get(topic, ("SOMETHING", {"x": 1}))
    body: dict[str, Any] = {
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "verificationToken": token,
        "topic": topic,
        "action": action if action is not None else sample_action,
        "msgNature": msg_nature,
        "content": sample_content if content is None else content,
    }
    body.update(fields)
    return body


def event_bytes(topic: str = "SIGNATURE_REQUEST", action: str | None = None, **kw: Any) -> bytes:
    return json.dumps(event_dict(topic, action, **kw)).encode()
