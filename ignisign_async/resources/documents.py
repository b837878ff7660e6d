"""``client.documents``: the documents of signature requests, their content and requests."""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager
from typing import Final

from .._args import enum_arg
from .._download_types import DownloadResult, ProgressCallback, SaveTarget
from .._downloads import DownloadStream
from .._routes import Route
from .._types import JSON, NOT_GIVEN, FileInput, NotGiven
from .._uploads import file_sha256, file_upload
from ..models.documents import Document, DocumentAuthenticity, DocumentContext, DocumentIdContainer
from ..models.enums import DocumentRequestTarget
from ._base import Resource, body

__all__ = ["Documents", "file_sha256"]

_D = "/v3/documents/{documentId}"
INIT = Route("POST", "/v3/applications/{appId}/envs/{appEnv}/init-documents")
GET = Route("GET", _D)
CONTEXT = Route("GET", f"{_D}/context")
UPDATE = Route("PUT", _D)
REMOVE = Route("DELETE", _D)
CREATE_REQUEST = Route("POST", f"{_D}/requests")
DOWNLOAD_ORIGINAL = Route("GET", f"{_D}/file")
PROVIDE_FILE = Route("POST", f"{_D}/file")
PROVIDE_DATA_JSON = Route("POST", f"{_D}/data-json-content")
PROVIDE_PRIVATE_CONTENT = Route("POST", f"{_D}/private-content")
REMOVE_CONTENT = Route("DELETE", f"{_D}/content")
CHECK_AUTHENTICITY = Route("POST", f"{_D}/check-authenticity")

_SHA256_HEX: Final = re.compile(r"[0-9a-fA-F]{64}")


class Documents(Resource):
    """Documents: create one per file to sign, then give it content (or request it)::

    created = await client.documents.init(signature_request_id=request_id, label="Lease")
    document = await client.documents.provide_file(created.document_id, "lease.pdf")

    # full privacy: only the SHA-256 of the file is sent
    digest = await client.documents.hash_file("payslip.pdf")
    await client.documents.provide_private_content(created.document_id, digest)
    """

    __slots__ = ()

    async def init(
        self,
        *,
        signature_request_id: str,
        label: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        external_id: str | NotGiven = NOT_GIVEN,
    ) -> DocumentIdContainer:
        """Create an empty document in a signature request."""
        payload = body(
            signature_request_id=signature_request_id,
            label=label,
            description=description,
            external_id=external_id,
        )
        return await self._request(INIT, json=payload, cast=DocumentIdContainer)

    async def get(self, document_id: str) -> Document:
        """A document and what is known of its content."""
        return await self._request(GET, document_id, cast=Document)

    async def context(self, document_id: str) -> DocumentContext:
        """A document with its statements, document request and signatures."""
        return await self._request(CONTEXT, document_id, cast=DocumentContext)

    async def update(
        self,
        document_id: str,
        *,
        label: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        external_id: str | NotGiven = NOT_GIVEN,
    ) -> Document:
        """Change a document's label, description or external id (only those given)."""
        payload = body(label=label, description=description, external_id=external_id)
        return await self._request(UPDATE, document_id, json=payload, cast=Document)

    async def remove(self, document_id: str) -> DocumentIdContainer:
        """Delete a document."""
        return await self._request(REMOVE, document_id, cast=DocumentIdContainer)

    async def provide_file(
        self,
        document_id: str,
        file: FileInput,
        *,
        file_name: str | None = None,
        content_type: str | None = None,
    ) -> Document:
        """Upload the document's file (a path, bytes or a binary file object), streamed.

        The part's name and media type default to the file's name and the type guessed from it.
        """
        upload = file_upload(file, file_name=file_name, content_type=content_type)
        return await self._request(PROVIDE_FILE, document_id, body=upload, cast=Document)

    async def provide_data_json(self, document_id: str, json_content: JSON) -> Document:
        """Make the document a JSON data document: ``json_content`` (any JSON value) is signed."""
        payload = {"jsonContent": json_content}
        return await self._request(PROVIDE_DATA_JSON, document_id, json=payload, cast=Document)

    async def provide_private_content(self, document_id: str, document_hash: str) -> Document:
        """Full privacy: give only the SHA-256 (64 hex characters) of a file IgniSign never sees.

        :meth:`hash_file` computes it.
        """
        if not isinstance(document_hash, str):
            raise TypeError(f"document_hash must be a str, got {type(document_hash).__name__}")
        if not _SHA256_HEX.fullmatch(document_hash):
            raise ValueError("document_hash must be a SHA-256 in hex: 64 characters 0-9, a-f")
        payload = body(document_hash=document_hash.lower())
        return await self._request(
            PROVIDE_PRIVATE_CONTENT, document_id, json=payload, cast=Document
        )

    async def remove_content(self, document_id: str) -> Document:
        """Remove the document's content (it can then be provided again)."""
        return await self._request(REMOVE_CONTENT, document_id, cast=Document)

    async def create_request(
        self,
        document_id: str,
        *,
        target: DocumentRequestTarget | str,
        email: str | NotGiven = NOT_GIVEN,
        first_name: str | NotGiven = NOT_GIVEN,
        last_name: str | NotGiven = NOT_GIVEN,
        external_id: str | NotGiven = NOT_GIVEN,
    ) -> Document:
        """Ask the application (``APPLICATION``) or someone (``USER``, needs ``email``) to
        provide the document's content."""
        target = enum_arg(DocumentRequestTarget, target, name="target")
        if target is DocumentRequestTarget.USER and isinstance(email, NotGiven):
            raise ValueError("a document request for a USER needs an email")
        payload = body(
            target=target,
            document_id=document_id,
            external_id=external_id,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        return await self._request(CREATE_REQUEST, document_id, json=payload, cast=Document)

    async def check_authenticity(self, document_id: str, file: FileInput) -> DocumentAuthenticity:
        """Whether ``file`` (a path, bytes or a binary file object) is this signed document."""
        upload = file_upload(file)
        return await self._request(
            CHECK_AUTHENTICITY, document_id, body=upload, cast=DocumentAuthenticity
        )

    def stream_original(
        self, document_id: str, *, max_bytes: int | None = None
    ) -> AbstractAsyncContextManager[DownloadStream]:
        """The document's original file, as a stream::

        async with client.documents.stream_original(document_id) as stream:
            async for chunk in stream.iter_bytes():
                ...
        """
        return self._open_download(DOWNLOAD_ORIGINAL, document_id, max_bytes=max_bytes)

    async def download_original(
        self,
        document_id: str,
        to: SaveTarget,
        *,
        progress: ProgressCallback | None = None,
        max_bytes: int | None = None,
    ) -> DownloadResult:
        """Save the document's original file to ``to`` (a path or a binary file object)."""
        return await self._download(
            DOWNLOAD_ORIGINAL, document_id, to=to, progress=progress, max_bytes=max_bytes
        )

    async def hash_file(self, file: FileInput) -> str:
        """The SHA-256 (lower-case hex) of a path, bytes or binary file object; see
        :func:`file_sha256`."""
        return await file_sha256(file)
