"""``client.proofs``: signatures of a document and the proofs that they were made."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from .._download_types import DownloadResult, ProgressCallback, SaveTarget
from .._downloads import DownloadStream
from .._errors import APIResponseValidationError
from .._routes import Route
from ..models.documents import DocumentIdContainer
from ..models.proofs import Signature, SignatureImages
from ._base import Resource

__all__ = ["Proofs"]

_D = "/v3/documents/{documentId}"
LIST_SIGNATURES = Route("GET", f"{_D}/signatures")
GET_SIGNATURE = Route("GET", f"{_D}/signatures/{{signatureId}}")
SIGNATURE_IMAGES = Route("GET", f"{_D}/img-signatures")
GENERATE_ADVANCED_PROOF = Route("POST", f"{_D}/generate-advanced-signature-proof")
SIGNATURE_PROOF = Route("GET", f"{_D}/signature-proof")
XADES = Route("GET", f"{_D}/signatures/{{signatureId}}/xades")
ASIC = Route("GET", f"{_D}/asics")


class Proofs(Resource):
    """What proves a document was signed: signatures, images, the proof PDF, XAdES, ASiC-E::

    for signature in await client.proofs.list_signatures(document_id):
        await client.proofs.download_xades(document_id, signature.id, f"{signature.id}.xml")
    result = await client.proofs.download_signature_proof(document_id, "proof.pdf")
    """

    __slots__ = ()

    async def list_signatures(self, document_id: str) -> list[Signature]:
        """Every signature of a document."""
        return await self._request(LIST_SIGNATURES, document_id, cast=list[Signature])

    async def get_signature(self, document_id: str, signature_id: str) -> Signature:
        """One signature of a document."""
        return await self._request(GET_SIGNATURE, document_id, signature_id, cast=Signature)

    async def signature_images(self, document_id: str) -> SignatureImages:
        """The signers' signature images (base64) of a document."""
        return await self._request(SIGNATURE_IMAGES, document_id, cast=SignatureImages)

    async def generate_advanced_proof(self, document_id: str) -> DocumentIdContainer:
        """Ask for the document's advanced proof; a ``SIGNATURE_PROOF`` / ``ADV_GENERATED``
        webhook announces it is ready.

        Returns the document's id: the server's ``{documentId}`` when it answers with JSON, else
        ``document_id`` itself (the Node SDK reads this answer as a stream; any 2xx is success).
        """
        try:
            answer: Any = await self._request(
                GENERATE_ADVANCED_PROOF, document_id, json={}, cast=object
            )
        except APIResponseValidationError:  # a 2xx whose body is not JSON
            answer = None
        answered = answer.get("documentId") if isinstance(answer, dict) else None
        return DocumentIdContainer(
            document_id=answered if isinstance(answered, str) and answered else document_id
        )

    def stream_signature_proof(
        self, document_id: str, *, max_bytes: int | None = None
    ) -> AbstractAsyncContextManager[DownloadStream]:
        """The signature proof (PDF) of a document, as a stream."""
        return self._open_download(SIGNATURE_PROOF, document_id, max_bytes=max_bytes)

    async def download_signature_proof(
        self,
        document_id: str,
        to: SaveTarget,
        *,
        progress: ProgressCallback | None = None,
        max_bytes: int | None = None,
    ) -> DownloadResult:
        """Save the signature proof (PDF) of a document to ``to``."""
        return await self._download(
            SIGNATURE_PROOF, document_id, to=to, progress=progress, max_bytes=max_bytes
        )

    def stream_xades(
        self, document_id: str, signature_id: str, *, max_bytes: int | None = None
    ) -> AbstractAsyncContextManager[DownloadStream]:
        """The XAdES (XML) of one signature, as a stream."""
        return self._open_download(XADES, document_id, signature_id, max_bytes=max_bytes)

    async def download_xades(
        self,
        document_id: str,
        signature_id: str,
        to: SaveTarget,
        *,
        progress: ProgressCallback | None = None,
        max_bytes: int | None = None,
    ) -> DownloadResult:
        """Save the XAdES (XML) of one signature to ``to``."""
        return await self._download(
            XADES, document_id, signature_id, to=to, progress=progress, max_bytes=max_bytes
        )

    def stream_asic(
        self, document_id: str, *, max_bytes: int | None = None
    ) -> AbstractAsyncContextManager[DownloadStream]:
        """The ASiC-E container (a ZIP: the document and its XAdES) of a document, as a stream."""
        return self._open_download(ASIC, document_id, max_bytes=max_bytes)

    async def download_asic(
        self,
        document_id: str,
        to: SaveTarget,
        *,
        progress: ProgressCallback | None = None,
        max_bytes: int | None = None,
    ) -> DownloadResult:
        """Save the ASiC-E container of a document to ``to``."""
        return await self._download(
            ASIC, document_id, to=to, progress=progress, max_bytes=max_bytes
        )
