"""``signature_requests.send``: the whole creation flow in one call (reference 10.1).

    check the arguments -> pick the profile -> check new signers against its inputs
    -> create the new signers -> init the request -> init the documents
    -> upload the files (bounded concurrency) -> update -> publish -> read the status

Only the client's public resource methods are called, so the core's rules stand untouched: a
non-idempotent step (creating a signer, a request, a document, uploading, publishing) is never
re-sent once it may have reached the server. When a step fails after the request exists, the
request is closed (best effort, logged) and the original error is raised with ``exc.created``.
Signers created are kept: they are reusable, and other requests may already rely on them.
"""

from __future__ import annotations

import datetime as _dt
import logging
import mimetypes
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import anyio

from .._errors import APIConnectionError, IgnisignError
from .._types import NotGiven
from ..models.enums import SignatureProfileStatus, SignerInputRef
from ..models.signature_requests import (
    CreatedResources,
    SentSignatureRequest,
    SignatureRequestPublished,
)
from ._send_inputs import SIGNER_FIELDS, DocumentPlan, SendPlan
from ._send_progress import Tally, counted

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from .._client import AsyncIgnisign
    from ..models.signature_profiles import SignatureProfile
    from ..models.signers import SignerCreated

__all__ = ["send"]

logger = logging.getLogger("ignisign_async")

CLOSE_WITHIN: Final = 30.0
"""Seconds the clean-up of a failed send may take to close the request it opened."""


async def send(client: AsyncIgnisign, plan: SendPlan) -> SentSignatureRequest:
    """Carry out a checked :class:`SendPlan`: reads first, then writes, cleaned up on failure."""
    return await _Run(client, plan).execute()


# -- before anything exists ---------------------------------------------------------------------


async def _profile(client: AsyncIgnisign, wanted: str | None) -> SignatureProfile:
    profiles = await client.signature_profiles.list()
    published = [p for p in profiles if p.status is SignatureProfileStatus.PUBLISHED]
    if wanted is not None:
        profile = next((p for p in profiles if p.id == wanted), None)
        if profile is None:
            raise ValueError(
                f"signature_profile_id {wanted!r} is not a signature profile of this "
                "application and environment"
            )
        if profile not in published:
            raise ValueError(
                f"signature profile {profile.name!r} ({profile.id}) is {profile.status}"
            )
        return profile
    if len(published) == 1:
        return published[0]
    if not published:
        raise ValueError("the application has no published signature profile")
    listed = ", ".join(f"{p.name!r} ({p.id})" for p in published[:10])
    raise ValueError(
        f"signature_profile_id is required: the application has {len(published)} published "
        f"signature profiles: {listed}"
    )


def _nature(document: DocumentPlan) -> str:
    media = document.content_type or mimetypes.guess_type(document.file_name, strict=False)[0]
    return "PDF" if (media or "").split(";")[0].strip().lower() == "application/pdf" else "FILE"


def _check_profile(plan: SendPlan, profile: SignatureProfile) -> None:
    where = f"signature profile {profile.name!r}"
    if plan.statements and not profile.statements_enabled:
        raise ValueError(f"statements: {where} does not allow statements")
    language = plan.language
    if (
        not isinstance(language, NotGiven)
        and profile.default_language is not None
        and language is not profile.default_language
        and not profile.language_can_be_changed
    ):
        raise ValueError(
            f"language: {where} signs in {profile.default_language} and does not allow another"
        )
    allowed = {t.value for t in profile.document_types}
    for document in plan.documents:
        nature = _nature(document)
        if allowed and nature not in allowed:
            raise ValueError(
                f"documents[{document.index}]: {where} does not accept {nature} documents "
                f"({document.file_name!r}); it accepts {', '.join(sorted(allowed))}"
            )


def _field_of(ref: SignerInputRef) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in ref.value)


def _check_inputs(
    plan: SendPlan, needed: tuple[SignerInputRef, ...], profile: SignatureProfile
) -> None:
    for signer in plan.signers:
        if signer.signer_id is not None:
            continue
        missing = [_field_of(ref) for ref in needed if _field_of(ref) not in signer.fields]
        if not missing:
            continue
        unknown = [m for m in missing if m not in SIGNER_FIELDS]
        if unknown:
            raise ValueError(
                f"signers[{signer.index}]: signature profile {profile.name!r} needs "
                f"{', '.join(unknown)}, which send() cannot provide; create the signer first"
            )
        raise ValueError(
            f"signers[{signer.index}] lacks {', '.join(missing)}, which signature profile "
            f"{profile.name!r} needs"
        )


# -- the writes ---------------------------------------------------------------------------------


class _Run:
    """One send in progress: what it created so far, and the step it is at."""

    def __init__(self, client: AsyncIgnisign, plan: SendPlan) -> None:
        self.client = client
        self.plan = plan
        self.step = "list signature profiles"
        self.signer_ids: list[str] = []
        self.new_signers: list[SignerCreated] = []
        self.request_id: str | None = None
        self.document_ids: list[str] = []

    async def execute(self) -> SentSignatureRequest:
        requests = self.client.signature_requests
        try:
            profile = await _profile(self.client, self.plan.signature_profile_id)
            _check_profile(self.plan, profile)
            if any(s.signer_id is None for s in self.plan.signers):
                self.step = "check signer inputs"
                constraints = await self.client.signers.inputs_constraints(profile.id)
                _check_inputs(self.plan, constraints.inputs_needed, profile)
            await self._create_signers(profile)
            self.step = "init request"
            self.request_id = (await requests.init(profile.id)).signature_request_id
            await self._init_documents()
            await self._upload()
            self.step = "update"
            await requests.update(self.request_id, **self._update_arguments())
            self.step = "publish"
            published = await requests.publish(self.request_id)
            self.step = "read status"  # only a cancellation can stop the send here
            return await self._result(profile, self.request_id, published)
        except BaseException as exc:
            await self._abandon(exc)
            raise

    async def _create_signers(self, profile: SignatureProfile) -> None:
        for signer in self.plan.signers:
            if signer.signer_id is not None:
                self.signer_ids.append(signer.signer_id)
                continue
            self.step = f"create signers[{signer.index}]"
            created = await self.client.signers.create(
                signature_profile_id=profile.id, **signer.fields
            )
            self.new_signers.append(created)
            self.signer_ids.append(created.signer_id)

    async def _init_documents(self) -> None:
        assert self.request_id is not None
        for document in self.plan.documents:
            self.step = f"init documents[{document.index}]"
            created = await self.client.documents.init(
                signature_request_id=self.request_id,
                label=document.label,
                description=document.description,
                external_id=document.external_id,
            )
            self.document_ids.append(created.document_id)

    async def _upload(self) -> None:
        """Upload the files, ``max_concurrent_uploads`` at a time, starting in document order."""
        self.step = "upload documents"
        plan = self.plan
        tally = None if plan.progress is None else Tally(plan.progress, plan.total_bytes)
        if tally is not None:
            tally.start(len(plan.documents))
        queue = iter(plan.documents)
        failures: list[tuple[int, Exception]] = []
        async with anyio.create_task_group() as group:
            for _ in range(min(plan.max_concurrent_uploads, len(plan.documents))):
                group.start_soon(self._uploader, queue, tally, failures, group)
        if failures:
            index, error = failures[0]
            self.step = f"upload documents[{index}]"
            raise error

    async def _uploader(
        self,
        queue: Iterator[DocumentPlan],
        tally: Tally | None,
        failures: list[tuple[int, Exception]],
        group: TaskGroup,
    ) -> None:
        for document in queue:  # shared by the uploaders: each document is taken once
            try:
                async with counted(document, tally) as file:
                    await self.client.documents.provide_file(
                        self.document_ids[document.index],
                        file,
                        file_name=document.file_name,
                        content_type=document.content_type,
                    )
            except Exception as exc:  # the first failure stops the other uploads
                if not failures:
                    failures.append((document.index, exc))
                    group.cancel_scope.cancel()
                return

    def _update_arguments(self) -> dict[str, Any]:
        plan = self.plan
        arguments: dict[str, Any] = {
            "title": plan.title,
            "document_ids": list(self.document_ids),
            "signer_ids": list(self.signer_ids),
        }
        optional = {
            "description": plan.description,
            "language": plan.language,
            "external_id": plan.external_id,
            "statements": plan.statements,
        }
        arguments.update((k, v) for k, v in optional.items() if not isinstance(v, NotGiven))
        expiration = plan.expiration_date
        if plan.expires_in is not None:
            expiration = _dt.datetime.now(_dt.timezone.utc) + plan.expires_in
        if expiration is not None:
            arguments.update(expiration_date=expiration, expiration_date_is_activated=True)
        return arguments

    async def _result(
        self, profile: SignatureProfile, request_id: str, published: SignatureRequestPublished
    ) -> SentSignatureRequest:
        try:
            status = (await self.client.signature_requests.get(request_id)).status
        except IgnisignError as exc:  # published all the same: the caller gets the ids
            logger.warning(
                "signature request %s is published; reading its status failed: %s", request_id, exc
            )
            status = None
        return SentSignatureRequest(
            signature_request_id=request_id,
            signature_profile_id=profile.id,
            integration_mode=profile.integration_mode,
            status=status,
            document_ids=tuple(self.document_ids),
            signer_ids=tuple(self.signer_ids),
            new_signers=tuple(self.new_signers),
            signers=published.signers,
        )

    # -- on failure -----------------------------------------------------------------------------

    async def _abandon(self, exc: BaseException) -> None:
        closed = False
        if self.request_id is not None:
            closed = await self._close(self.request_id)
        created = CreatedResources(
            failed_step=self.step,
            signature_request_id=self.request_id,
            request_closed=closed,
            document_ids=tuple(self.document_ids),
            signer_ids=tuple(s.signer_id for s in self.new_signers),
        )
        summary = _describe(created)
        if isinstance(exc, APIConnectionError) and self.step not in _READS:
            summary += f"; the answer to {self.step} was lost: it may have been applied"
        level = logging.WARNING if isinstance(exc, Exception) else logging.INFO
        logger.log(
            level, "signature_requests.send stopped at %s (%s): %s", self.step, _name(exc), summary
        )
        if isinstance(exc, Exception):
            exc.created = created  # type: ignore[attr-defined]
            add_note = getattr(exc, "add_note", None)  # Python 3.11+
            if add_note is not None:
                add_note(f"signature_requests.send failed at {self.step}: {summary}")

    async def _close(self, request_id: str) -> bool:
        """Close the request this send opened; shielded, so that a cancelled send cleans up."""
        with anyio.CancelScope(shield=True) as scope:
            scope.deadline = anyio.current_time() + CLOSE_WITHIN
            try:
                await self.client.signature_requests.close(request_id)
            except Exception as exc:
                logger.warning("could not close signature request %s: %s", request_id, exc)
                return False
            return True
        logger.warning("closing signature request %s took over %g s", request_id, CLOSE_WITHIN)
        return False


_READS: Final = frozenset({"list signature profiles", "check signer inputs", "read status"})


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _describe(created: CreatedResources) -> str:
    parts = []
    if created.signature_request_id is None:
        parts.append("no signature request was opened")
    else:
        state = "closed" if created.request_closed else "NOT closed"
        parts.append(f"signature request {created.signature_request_id} ({state})")
    if created.document_ids:
        parts.append(f"documents {', '.join(created.document_ids)}")
    if created.signer_ids:
        parts.append(f"signers created (kept) {', '.join(created.signer_ids)}")
    return "; ".join(parts)
