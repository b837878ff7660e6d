"""``client.signature_requests``: create, fill, publish, follow and close signature requests."""

from __future__ import annotations

import builtins
import datetime as _dt
from collections.abc import AsyncIterator, Mapping, Sequence

from .._args import bool_arg, datetime_arg, model_arg, optional_enum_arg, page_arg, strings_arg
from .._routes import Route
from .._types import NOT_GIVEN, NotGiven
from ..models.enums import AppEnv, DiffusionMode, SignatureLanguage, StatementTarget
from ..models.signature_requests import (
    SentSignatureRequest,
    SignatureRequest,
    SignatureRequestContext,
    SignatureRequestIdContainer,
    SignatureRequestPage,
    SignatureRequestPublished,
    SignatureRequestStatuses,
    Statement,
)
from . import _sending, _waiting
from ._base import Resource, body, paginate
from ._send_inputs import plan
from ._send_types import DocumentInput, SendProgress, SignerInput

__all__ = ["SignatureRequests", "StatementInput"]

_E = "/v3/applications/{appId}/envs/{appEnv}"
_R = "/v3/signature-requests/{signatureRequestId}"
INIT = Route("POST", f"{_E}/signature-requests")
LIST = Route("GET", f"{_E}/signature-requests")
STATUSES = Route("POST", f"{_E}/signature-requests/status", idempotent=True)
UPDATE = Route("PUT", _R)
PUBLISH = Route("POST", f"{_R}/publish")
CLOSE = Route("POST", f"{_R}/close")
CONTEXT = Route("GET", f"{_R}/context")

StatementInput = Statement | Mapping[str, object]
"""A statement: a :class:`Statement`, or a mapping with its snake_case keys."""


class SignatureRequests(Resource):
    """Signature requests, from draft to completion, in one call or step by step::

    sent = await client.signature_requests.send(
        documents=["lease.pdf"], signers=[{"first_name": "Ada", "last_name": "Lovelace",
                                           "email": "ada@example.com"}],
        title="Lease", signature_profile_id=profile_id, expires_in=timedelta(days=7),
    )
    context = await client.signature_requests.wait(sent.signature_request_id)

    created = await client.signature_requests.init(profile_id)
    await client.signature_requests.update(
        created.signature_request_id, title="Lease", document_ids=[doc_id], signer_ids=[signer_id],
        expiration_date=datetime.now(timezone.utc) + timedelta(days=7),
        expiration_date_is_activated=True,
    )
    await client.signature_requests.publish(created.signature_request_id)
    """

    __slots__ = ()

    async def init(self, signature_profile_id: str) -> SignatureRequestIdContainer:
        """Start a ``DRAFT`` request with this signature profile."""
        payload = body(signature_profile_id=signature_profile_id)
        return await self._request(INIT, json=payload, cast=SignatureRequestIdContainer)

    async def update(
        self,
        signature_request_id: str,
        *,
        title: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        expiration_date: _dt.datetime | NotGiven = NOT_GIVEN,
        expiration_date_is_activated: bool | NotGiven = NOT_GIVEN,
        language: SignatureLanguage | str | NotGiven = NOT_GIVEN,
        document_ids: Sequence[str] | NotGiven = NOT_GIVEN,
        signer_ids: Sequence[str] | NotGiven = NOT_GIVEN,
        external_id: str | NotGiven = NOT_GIVEN,
        diffusion_mode: DiffusionMode | str | NotGiven = NOT_GIVEN,
        diffusion_date: _dt.datetime | NotGiven = NOT_GIVEN,
        statements: Sequence[StatementInput] | NotGiven = NOT_GIVEN,
    ) -> SignatureRequestContext:
        """Change a ``DRAFT`` request; only the arguments given are sent (a partial update).

        ``document_ids`` and ``signer_ids`` must have been given at least once before publishing.
        Dates must be timezone-aware.
        """
        if not isinstance(expiration_date_is_activated, NotGiven):
            bool_arg(expiration_date_is_activated, name="expiration_date_is_activated")
        payload = body(
            title=title,
            description=description,
            expiration_date=datetime_arg(expiration_date, name="expiration_date"),
            expiration_date_is_activated=expiration_date_is_activated,
            language=optional_enum_arg(SignatureLanguage, language, name="language"),
            document_ids=strings_arg(document_ids, name="document_ids"),
            external_id=external_id,
            diffusion_mode=optional_enum_arg(DiffusionMode, diffusion_mode, name="diffusion_mode"),
            diffusion_date=datetime_arg(diffusion_date, name="diffusion_date"),
            statements=self._statements(statements, signature_request_id),
            signer_ids=strings_arg(signer_ids, name="signer_ids"),
        )
        return await self._request(
            UPDATE, signature_request_id, json=payload, cast=SignatureRequestContext
        )

    async def publish(self, signature_request_id: str) -> SignatureRequestPublished:
        """Publish a request; for embedded profiles the answer holds each signer's session token."""
        return await self._request(
            PUBLISH, signature_request_id, json={}, cast=SignatureRequestPublished
        )

    async def close(self, signature_request_id: str) -> SignatureRequestIdContainer:
        """End a request early (``CANCELLED`` if nobody signed, else ``COMPLETED``)."""
        return await self._request(
            CLOSE, signature_request_id, json={}, cast=SignatureRequestIdContainer
        )

    async def get(self, signature_request_id: str) -> SignatureRequestContext:
        """A request with its signers, documents, statements and signature profile."""
        return await self._request(CONTEXT, signature_request_id, cast=SignatureRequestContext)

    async def list(self, page: int = 1) -> SignatureRequestPage:
        """One page of the environment's requests (pages start at 1)."""
        return await self._request(LIST, params={"page": page_arg(page)}, cast=SignatureRequestPage)

    async def iter_all(self) -> AsyncIterator[SignatureRequest]:
        """Every request, fetching pages lazily as the iteration goes."""
        async for request in paginate(self.list, key=lambda request: request.id):
            yield request

    async def statuses(self, signature_request_ids: Sequence[str]) -> SignatureRequestStatuses:
        """The status of each of these requests, in one call."""
        ids = strings_arg(signature_request_ids, name="signature_request_ids")
        return await self._request(
            STATUSES, json=body(signature_request_ids=ids), cast=SignatureRequestStatuses
        )

    async def send(
        self,
        *,
        documents: Sequence[DocumentInput],
        signers: Sequence[SignerInput],
        title: str,
        signature_profile_id: str | None = None,
        description: str | NotGiven = NOT_GIVEN,
        expiration_date: _dt.datetime | NotGiven = NOT_GIVEN,
        expires_in: _dt.timedelta | NotGiven = NOT_GIVEN,
        language: SignatureLanguage | str | NotGiven = NOT_GIVEN,
        external_id: str | NotGiven = NOT_GIVEN,
        statements: Sequence[StatementInput] | NotGiven = NOT_GIVEN,
        progress: SendProgress | None = None,
        max_concurrent_uploads: int = 4,
    ) -> SentSignatureRequest:
        """Create, fill and publish a request in one call; returns what was made.

        ``documents``: paths, ``bytes``, binary file objects, ``(file_name, data)`` pairs or
        :class:`~ignisign_async.NewDocument` (a label, a description...; the label defaults
        to the file name), uploaded ``max_concurrent_uploads`` at a time; ``progress(done, total)``
        follows the bytes of every file together. ``signers``: existing signer ids, or the fields
        of new signers (:class:`~ignisign_async.NewSigner` or mappings), created with the
        profile. ``signature_profile_id`` may be left out when the application has exactly one
        published profile. ``expires_in`` (a ``timedelta``) or ``expiration_date`` activates
        expiry.

        Every argument, and every new signer against the inputs the profile needs, is checked
        before anything is created (``ValueError``/``TypeError``). If a later step fails, the
        request is closed and the error is raised with ``exc.created``
        (:class:`~ignisign_async.models.CreatedResources`); no step is ever sent twice.
        """
        checked = plan(
            documents=documents,
            signers=signers,
            title=title,
            signature_profile_id=signature_profile_id,
            description=description,
            expiration_date=expiration_date,
            expires_in=expires_in,
            language=language,
            external_id=external_id,
            statements=statements,
            progress=progress,
            max_concurrent_uploads=max_concurrent_uploads,
        )
        return await _sending.send(self._client, checked)

    async def wait(
        self,
        signature_request_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 5.0,
        raise_on_failure: bool = True,
    ) -> SignatureRequestContext:
        """Poll a request until it is closed and return its final context.

        ``CANCELLED``, ``EXPIRED`` and ``FAILED`` raise :class:`SignatureRequestCancelledError`,
        ``...ExpiredError`` or ``...FailedError`` (subclasses of
        :class:`SignatureRequestNotCompletedError`) unless ``raise_on_failure=False``, which
        returns them like ``COMPLETED``. Polls back off with jitter up to ``poll_interval``
        seconds. ``timeout`` (default: the client's ``deadline``, else none) bounds the whole
        wait: past it, :class:`WaitTimeoutError` (a ``TimeoutError``). Cancellable like any
        anyio call.
        """
        return await _waiting.wait(
            self._client,
            signature_request_id,
            timeout=timeout,
            poll_interval=poll_interval,
            raise_on_failure=raise_on_failure,
        )

    def _statements(
        self, statements: Sequence[StatementInput] | NotGiven, signature_request_id: str
    ) -> builtins.list[Statement] | NotGiven:
        if isinstance(statements, NotGiven):
            return statements
        if isinstance(statements, (str, bytes, Mapping)) or not isinstance(statements, Sequence):
            raise TypeError(f"statements must be a list, got {type(statements).__name__}")
        client = self._client
        out = []
        for index, item in enumerate(statements):
            name = f"statements[{index}]"
            statement = model_arg(Statement, item, name=name)
            if statement.target is StatementTarget.DOCUMENT and not statement.document_id:
                raise ValueError(f"{name}: a DOCUMENT statement needs a document_id")
            out.append(
                Statement(
                    target=statement.target,
                    label_md=statement.label_md,
                    document_id=statement.document_id,
                    id=statement.id,
                    app_id=statement.app_id or client.app_id,
                    app_env=statement.app_env or AppEnv(client.app_env),
                    signature_request_id=statement.signature_request_id or signature_request_id,
                )
            )
        return out
