"""Signatures and signature images (reference section 7.8)."""

from __future__ import annotations

from typing import final

from ._base import Model, model
from .enums import AppEnv, SignatureMode, SignatureStatus

__all__ = ["Signature", "SignatureImage", "SignatureImages"]


@final
@model
class Signature(Model):
    """One signer's signature of one document::

    for signature in await client.proofs.list_signatures(document_id):
        print(signature.signer_id, signature.status, signature.signing_time)

    ``signing_time`` is the server's string, as sent. The server may leave out ``app_env``,
    ``session_id``, ``ocsp_check_value`` and ``signed_properties`` (they are not public fields).
    """

    id: str
    app_id: str
    signer_id: str
    signer_key_id: str
    document_id: str
    status: SignatureStatus
    mode: SignatureMode
    app_env: AppEnv | None = None
    session_id: str | None = None
    ocsp_check_value: object = None
    content_hash: str | None = None
    signature: str | None = None
    signature_value: str | None = None
    signed_properties: str | None = None
    signed_properties_hash: str | None = None
    signing_ip: str | None = None
    signing_time: str | None = None
    certificate: str | None = None


@final
@model
class SignatureImage(Model):
    """A signer's signature image, base64-encoded."""

    signer_id: str
    img_b64: str


@final
@model
class SignatureImages(Model):
    """The signature images of a document, one per signer."""

    document_id: str
    signatures: tuple[SignatureImage, ...]
