"""The bodies the benchmark server answers with, and the credentials it accepts.

The signature request context is the vendor documentation's "Get a Signature Request Context"
response sample with its collapsed arrays and objects filled in from the reference DTOs: three
signers, three signed PDF documents (three signature summaries each, a statement on the first), a
request-level statement, the full signature profile and the application metadata with its colour
palette -- about 6 KB of compact JSON, the size DESIGN.md section 9's baselines were measured with.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import time
from typing import Any, Final

__all__ = [
    "APP_ID",
    "APP_ENV",
    "SECRET",
    "SIGNATURE_REQUEST_ID",
    "SR_CONTEXT",
    "SR_CONTEXT_BYTES",
    "PROFILES",
    "PROFILES_BYTES",
    "make_jwt",
]

APP_ID: Final = "appId_0f8c2b1e-6d3a-4a55-9b7e-2c9d41e0a7f3"
APP_ENV: Final = "DEVELOPMENT"
SECRET: Final = "sk_development_bench-5c1d-4e2f-a0b3-9c8d7e6f5a4b"


def _oid(label: str) -> str:
    """A deterministic 24-hex-digit id, the shape of the API's MongoDB ids."""
    return hashlib.sha1(label.encode()).hexdigest()[:24]


SIGNATURE_REQUEST_ID: Final = _oid("signature-request")
_PROFILE_ID = _oid("profile-simple")
_CREATED = "2024-03-13T09:41:27.318Z"
_SIGNED = ("2024-03-13T10:02:11.904Z", "2024-03-13T11:17:45.062Z", "2024-03-14T08:05:33.771Z")

_PEOPLE = (
    ("Camille", "Durand", "camille.durand@example.com", "CRM-004217"),
    ("Jonas", "Becker", "jonas.becker@example.de", "CRM-004218"),
    ("Aoife", "O'Sullivan", "aoife.osullivan@example.ie", "CRM-004219"),
)
_DOCUMENTS = (
    ("Service agreement", "Master services agreement, 2024 edition", "msa-2024.pdf", 248_311),
    ("Data processing addendum", "GDPR article 28 addendum", "dpa-2024.pdf", 96_540),
    ("Price schedule", "Annex B: unit prices and discounts", "annex-b-prices.pdf", 41_207),
)


def _signers() -> list[dict[str, Any]]:
    inputs = ["firstName", "lastName", "email", "phoneNumber"]
    return [
        {
            "signerId": _oid(f"signer-{i}"),
            "externalId": external,
            "firstName": first,
            "lastName": last,
            "email": email,
            "status": "ACTIVE",
            "alreadyProvidedInputs": inputs,
        }
        for i, (first, last, email, external) in enumerate(_PEOPLE)
    ]


def _statement(key: str, document_id: str | None, label: str) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "_id": _oid(f"statement-{key}"),
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "signatureRequestId": SIGNATURE_REQUEST_ID,
        "target": "SIGNATURE_REQUEST" if document_id is None else "DOCUMENT",
        "labelMd": label,
    }
    if document_id is not None:
        statement["documentId"] = document_id
    return statement


def _documents() -> list[dict[str, Any]]:
    documents = []
    for i, (label, description, file_name, size) in enumerate(_DOCUMENTS):
        document_id = _oid(f"document-{i}")
        documents.append(
            {
                "_id": document_id,
                "appId": APP_ID,
                "appEnv": APP_ENV,
                "documentNature": "PDF",
                "status": "PROVIDED",
                "documentHash": hashlib.sha256(file_name.encode()).hexdigest(),
                "signatureRequestId": SIGNATURE_REQUEST_ID,
                "externalId": f"DOC-2024-{1031 + i}",
                "label": label,
                "description": description,
                "fileName": file_name,
                "fileSize": size,
                "mimeType": "application/pdf",
                "_createdAt": _CREATED,
                "statements": [
                    _statement(f"doc-{i}", document_id, f"I have read and accept the *{label}*.")
                ]
                if i == 0
                else [],
                "signatureSummaries": [
                    {
                        "signatureId": _oid(f"signature-{i}-{j}"),
                        "signerId": _oid(f"signer-{j}"),
                        "date": _SIGNED[j],
                    }
                    for j in range(len(_PEOPLE))
                ],
            }
        )
    return documents


def _palette(shades: tuple[str, ...]) -> dict[str, str]:
    keys = (
        "50",
        "100",
        "200",
        "300",
        "400",
        "500",
        "600",
        "700",
        "800",
        "900",
        "A100",
        "A200",
        "A400",
        "A700",
    )
    return dict(zip(keys, shades, strict=True))


def _profile(
    profile_id: str, name: str, method: str, mode: str, *, default: bool = True
) -> dict[str, Any]:
    return {
        "_id": profile_id,
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "orgId": _oid("organisation"),
        "name": name,
        "status": "PUBLISHED",
        "integrationMode": mode,
        "signatureMethodRef": method,
        "idProofings": [] if method == "SIMPLE_STD" else ["E_ID_AES"],
        "authMethods": ["SIMPLE"] if method == "SIMPLE_STD" else ["PHONE_SMS"],
        "documentTypes": ["PDF", "FILE", "DATA_JSON"],
        "defaultLanguage": "EN",
        "signatureRequestType": "STANDARD",
        "documentRequestActivated": False,
        "languageCanBeChanged": True,
        "statementsEnabled": True,
        "templateDisplayerId": _oid(f"template-{name}"),
        "createdByDefault": default,
        "extendedAuthSessionEnabled": False,
    }


def _sr_context() -> dict[str, Any]:
    signers = _signers()
    documents = _documents()
    signer_ids = [s["signerId"] for s in signers]
    return {
        "_id": SIGNATURE_REQUEST_ID,
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "signatureProfileId": _PROFILE_ID,
        "signatureRequestType": "STANDARD",
        "title": "Acme Corp - Master services agreement 2024",
        "description": "Agreement, data processing addendum and price schedule for FY2024.",
        "expirationDate": "2024-04-12T23:59:59.000Z",
        "expirationDateIsActivated": True,
        "status": "COMPLETED",
        "language": "EN",
        "documentIds": [d["_id"] for d in documents],
        "externalId": "DEAL-2024-00871",
        "diffusionMode": "WHEN_READY",
        "diffusionDate": _CREATED,
        "signerIds": signer_ids,
        "signedBy": signer_ids,
        "_createdAt": _CREATED,
        "isFakeIdProofing": True,
        "isFakeSms": True,
        "creatorId": _oid("creator"),
        "templateDisplayerId": _oid("template-Simple"),
        "templateDisplayerVersion": 3,
        "signers": signers,
        "documents": documents,
        "statements": [
            _statement("sr-0", None, "I confirm I am authorised to sign on behalf of my company."),
        ],
        "signatureProfile": _profile(_PROFILE_ID, "Simple", "SIMPLE_STD", "BY_SIDE"),
        "applicationMetadata": {
            "appId": APP_ID,
            "appEnv": APP_ENV,
            "appName": "Acme Contracts",
            "rootUrl": "https://contracts.acme.example",
            "colors": {
                "primary": _palette(
                    (
                        "#e3f2fd",
                        "#bbdefb",
                        "#90caf9",
                        "#64b5f6",
                        "#42a5f5",
                        "#2196f3",
                        "#1e88e5",
                        "#1976d2",
                        "#1565c0",
                        "#0d47a1",
                        "#82b1ff",
                        "#448aff",
                        "#2979ff",
                        "#2962ff",
                    )
                ),
                "secondary": _palette(
                    (
                        "#fff3e0",
                        "#ffe0b2",
                        "#ffcc80",
                        "#ffb74d",
                        "#ffa726",
                        "#ff9800",
                        "#fb8c00",
                        "#f57c00",
                        "#ef6c00",
                        "#e65100",
                        "#ffd180",
                        "#ffab40",
                        "#ff9100",
                        "#ff6d00",
                    )
                ),
            },
        },
        "signatureProofsUrl": f"https://proofs.ignisign.io/{SIGNATURE_REQUEST_ID}",
        "signatureProofStatus": "CREATED",
    }


def _compact(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


SR_CONTEXT: Final = _sr_context()
SR_CONTEXT_BYTES: Final = _compact(SR_CONTEXT)

PROFILES: Final = [
    _profile(_PROFILE_ID, "Simple", "SIMPLE_STD", "BY_SIDE"),
    _profile(_oid("profile-embedded"), "Simple embedded", "SIMPLE_STD", "EMBEDDED"),
    _profile(_oid("profile-advanced"), "Advanced", "ADVANCED_STD", "BY_SIDE"),
    _profile(_oid("profile-adv-emb"), "Advanced embedded", "ADVANCED_STD", "EMBEDDED"),
]
PROFILES_BYTES: Final = _compact(PROFILES)

_nonce = itertools.count()


def make_jwt(lifetime: float = 3600.0) -> str:
    """A fresh three-segment JWT carrying ``exp`` (unsigned: clients only read ``exp``)."""

    def segment(obj: object) -> str:
        return base64.urlsafe_b64encode(_compact(obj)).rstrip(b"=").decode()

    now = int(time.time())
    claims = {
        "appId": APP_ID,
        "appEnv": APP_ENV,
        "iat": now,
        "exp": now + int(lifetime),
        "jti": next(_nonce),
    }
    signature = base64.urlsafe_b64encode(hashlib.sha256(segment(claims).encode()).digest())
    header = segment({"alg": "HS256", "typ": "JWT"})
    return f"{header}.{segment(claims)}.{signature.rstrip(b'=').decode()}"
