"""``ignisign demo`` (``python -m ignisign_async demo``): the main workflow, end to end.

On the emulator by default: list the signature profiles, read the inputs a signer needs, then send
a PDF for signature in one call (``signature_requests.send``: signer, request, document, upload
with a progress display, publish), wait for the outcome (``signature_requests.wait``) while the
emulator signs, receive the webhook events through a router, stream the signature proof to a file,
and print a summary. With ``--live`` the same runs against the real API (``IGNISIGN_*``
variables), where signing is done by a person: the demo then waits up to ``--wait`` seconds for
the request to complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import anyio

from ._client import AsyncIgnisign
from ._errors import SignatureRequestNotCompletedError, WaitTimeoutError
from .models.enums import (
    IntegrationMode,
    SignatureProfileStatus,
    SignerInputRef,
)

if TYPE_CHECKING:
    from .models.signature_profiles import SignatureProfile
    from .models.signature_requests import SentSignatureRequest, SignatureRequestContext
    from .testing import FakeIgnisign
    from .webhooks import WebhookEvent

__all__ = ["run"]

_SAMPLE_INPUTS: dict[str, object] = {
    SignerInputRef.FIRST_NAME.value: "Ada",
    SignerInputRef.LAST_NAME.value: "Lovelace",
    SignerInputRef.EMAIL.value: "ada.lovelace@example.com",
    SignerInputRef.PHONE.value: "+33612345678",
    SignerInputRef.NATIONALITY.value: "GB",
    SignerInputRef.BIRTH_PLACE.value: "London",
    SignerInputRef.BIRTH_COUNTRY.value: "GB",
    SignerInputRef.BIRTH_DATE.value: date(1815, 12, 10),
}
_FIELDS: dict[str, str] = {
    SignerInputRef.EMAIL.value: "email",
    SignerInputRef.PHONE.value: "phone_number",
    SignerInputRef.NATIONALITY.value: "nationality",
    SignerInputRef.BIRTH_PLACE.value: "birth_place",
    SignerInputRef.BIRTH_COUNTRY.value: "birth_country",
    SignerInputRef.BIRTH_DATE.value: "birth_date",
}


def _contract_pdf() -> bytes:
    from .testing._artifacts import text_pdf

    return text_pdf(
        [
            "Demo contract",
            "Sent with ignisign_async, the Python SDK for IgniSign.",
            "The undersigned agree to try the SDK.",
        ]
    )


class _Progress:
    """A one-line progress display; redrawn in place on a terminal, printed once otherwise."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._tty = out.isatty()
        self._last = 0.0
        self.done = 0

    def __call__(self, done: int, total: int | None) -> None:
        self.done = done
        now = time.monotonic()
        final = total is not None and done >= total
        if not self._tty or (not final and now - self._last < 0.05):
            return
        self._last = now
        if total:
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            self._out.write(f"\r  [{bar}] {done:,}/{total:,} bytes")
        else:
            self._out.write(f"\r  {done:,} bytes")
        self._out.flush()

    def finish(self, done: int) -> None:
        if self._tty:
            self._out.write("\n")
        else:
            self._out.write(f"  {done:,} bytes\n")


def _pick_profile(profiles: list[SignatureProfile]) -> SignatureProfile:
    usable = [p for p in profiles if p.status is SignatureProfileStatus.PUBLISHED]
    by_side = [p for p in usable if p.integration_mode is IntegrationMode.BY_SIDE]
    for candidates in (by_side, usable):
        if candidates:
            return next((p for p in candidates if p.created_by_default), candidates[0])
    raise SystemExit("No published signature profile: publish one in the IgniSign console.")


async def run(
    client: AsyncIgnisign,
    *,
    out_path: Path,
    fake: FakeIgnisign | None,
    wait: float,
    say: Callable[[str], None],
    stream: TextIO,
) -> int:
    """The workflow; returns the process exit code."""
    events = await _listen(client, fake)
    profiles = await client.signature_profiles.list()
    profile = _pick_profile(profiles)
    say(f"1. {len(profiles)} signature profiles; using {profile.name!r} ({profile.id})")
    sent = await _send(client, profile.id, say, stream)
    request_id = sent.signature_request_id
    (document_id,) = sent.document_ids
    try:
        context = await _wait(client, request_id, fake, wait, say)
    except (SignatureRequestNotCompletedError, WaitTimeoutError) as exc:
        say(f"   {exc}; no proof to download")
        return 1
    say(f"   request status: {context.status}")

    if events:
        seen = ", ".join(f"{e.topic}/{e.action}" for e in events)
        say(f"5. {len(events)} webhook events verified and dispatched: {seen}")
    else:
        say("5. no webhook events received here (live webhooks go to your endpoint's URL)")

    say(f"6. downloading the signature proof to {out_path}")
    progress = _Progress(stream)
    async with client.proofs.stream_signature_proof(document_id) as download:
        result = await download.save(out_path, progress=progress)
    progress.finish(result.bytes_written)

    say("")
    say("Summary")
    say(f"  profile            {profile.name} ({profile.integration_mode})")
    say(f"  signer             {sent.signer_ids[0]}")
    say(f"  signature request  {request_id} -> {context.status}")
    say(f"  document           {document_id} (demo-contract.pdf)")
    say(f"  webhook events     {len(events)}")
    say(f"  signature proof    {out_path} ({result.bytes_written:,} bytes)")
    return 0


async def _listen(client: AsyncIgnisign, fake: FakeIgnisign | None) -> list[WebhookEvent]:
    """The webhook events this run receives (the emulator delivers them to the router)."""
    events: list[WebhookEvent] = []
    router = client.webhook_router()

    @router.on(None)
    async def record(event: WebhookEvent) -> None:
        events.append(event)

    if fake is not None:
        from .testing import asgi_sender

        fake.webhook_sender = asgi_sender(router.asgi())
        await client.webhooks.create(
            url="https://demo.invalid/ignisign/webhooks", description="demo"
        )
    return events


async def _send(
    client: AsyncIgnisign, profile_id: str, say: Callable[[str], None], stream: TextIO
) -> SentSignatureRequest:
    """Steps 2-3: the inputs the profile needs, then the whole sending in one call."""
    needed = (await client.signers.inputs_constraints(profile_id)).inputs_needed
    signer = {
        _FIELDS[ref.value]: _SAMPLE_INPUTS[ref.value] for ref in needed if ref.value in _FIELDS
    }
    signer.update(first_name="Ada", last_name="Lovelace", external_id="demo-signer")
    say(f"2. the profile needs {', '.join(r.value for r in needed) or 'no input'} from a signer")

    say("3. sending: signer, request, document, upload, publish -- one call")
    progress = _Progress(stream)
    sent = await client.signature_requests.send(
        documents=[("demo-contract.pdf", _contract_pdf())],
        signers=[signer],
        title="Demo contract",
        description="Sent by `python -m ignisign_async demo`",
        signature_profile_id=profile_id,
        expires_in=timedelta(days=7),
        progress=progress,
    )
    progress.finish(progress.done)
    say(
        f"   signature request {sent.signature_request_id} is {sent.status};"
        f" signer {sent.signer_ids[0]}"
    )
    return sent


async def _wait(
    client: AsyncIgnisign,
    request_id: str,
    fake: FakeIgnisign | None,
    wait: float,
    say: Callable[[str], None],
) -> SignatureRequestContext:
    """Step 4: until the request is signed (the emulator signs it in a moment)."""
    if fake is None:
        say(f"4. waiting up to {wait:.0f} s for the signer to sign (check the signer's inbox)")
        return await client.signature_requests.wait(request_id, timeout=wait)
    say("4. waiting for the signature (the emulator signs in a moment)")
    async with anyio.create_task_group() as group:
        group.start_soon(_sign_soon, fake, request_id)
        context = await client.signature_requests.wait(request_id, poll_interval=0.2)
    return context  # noqa: RET504 (returned inside the task group, mypy sees no return)


async def _sign_soon(fake: FakeIgnisign, request_id: str) -> None:
    await anyio.sleep(0.5)
    fake.sign(request_id)
    await fake.deliver_pending()
