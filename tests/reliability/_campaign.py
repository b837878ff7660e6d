"""The fault campaign: a seeded workload of mixed operations against a misbehaving emulator.

:func:`run_campaign` drives ``settings.operations`` operations (create signers, init requests and
documents, provide JSON or file content, update, publish, get, list) through one client, at most
``settings.concurrency`` at a time, while faults drawn from the seed are scheduled on the
emulator just before the operation they target starts: 503, 502, 429 with and without
``Retry-After``, a connection dropped before or after the operation was applied, and answers
held longer than the client's timeout. With ``revoke_every`` set, a chaos task also revokes
every token at random moments (token chaos; give the emulator a short ``token_lifetime`` too).

Each operation runs under its own tag (the ``X-Reliability-Op`` header of its requests, and the
``external_id`` of what it creates), so that :func:`check` can hold the emulator's state and its
request log against what every operation reported:

* every operation succeeded or raised an :class:`IgnisignError`; idempotent ones all succeeded;
* nothing exists twice (signers and documents per ``external_id``; requests nobody was told
  about only where a create failed ambiguously), and no non-idempotent request was applied
  twice;
* nothing is lost: what a successful operation created or changed is in the state, as reported;
* a non-idempotent operation that failed without reaching the server left nothing behind.

An operation is *ambiguous* when a non-idempotent call failed with a transport error after its
request may have reached the server: the SDK does not retry it (it could act twice) and the
user must reconcile, e.g. by ``external_id``. Such an operation may leave one entity, never two.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Final

import anyio
import attrs
import httpx

from ignisign_async import (
    APIConnectionError,
    AsyncIgnisign,
    IgnisignError,
    InternalServerError,
)
from ignisign_async.testing import FakeIgnisign

from .conftest import FIGURES, OP_HEADER, Where, backend_of, connect, current_op, emulator_url

AUTH_PATH: Final = "/v3/auth/app-api"
PDF: Final = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

WEIGHTS: Final = {
    "create_signer": 12,
    "init_request": 7,
    "init_document": 12,
    "provide_content": 14,
    "update_request": 12,
    "publish": 10,
    "get_request": 10,
    "get_document": 7,
    "signer_summary": 5,
    "list_requests": 4,
    "list_signers": 3,
    "list_profiles": 3,
}
IDEMPOTENT: Final = frozenset(
    {
        "update_request",
        "get_request",
        "get_document",
        "signer_summary",
        "list_requests",
        "list_signers",
        "list_profiles",
    }
)
FAULTS: Final = (
    ("fail", 503, None),
    ("fail", 502, None),
    ("fail", 429, 0.05),
    ("fail", 429, "0"),
    ("fail", 429, None),
    ("disconnect", "before", None),
    ("disconnect", "after", None),
    ("delay", None, None),
)
_APPLIED_FAULTS: Final = (None, "disconnect:after")
"""Faults after which the emulator has applied the operation (with ``delay:*``)."""


@attrs.frozen(kw_only=True)
class Settings:
    """One campaign: its seed, size and how hostile the emulator is."""

    seed: int
    operations: int = 500
    concurrency: int = 20
    fault_rate: float = 0.4
    stray_fault_rate: float = 0.05
    attempt_timeout: float = 0.4
    pace: float = 0.0
    """The next operation starts after a pause of up to this long (seconds): stretches a
    campaign in time."""
    revoke_every: tuple[float, float] | None = None
    """Token chaos: revoke every token after a pause drawn from this range (seconds)."""
    budget: float = 150.0


@attrs.define
class Draft:
    """A DRAFT request the workload owns, and what it knows of it."""

    id: str
    empty_docs: list[str] = attrs.Factory(list)
    provided: list[str] = attrs.Factory(list)
    has_json: bool = False
    attached: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    title: str | None = None


@attrs.define(eq=False)
class Outcome:
    """What one operation did, and what it expects to find in the emulator afterwards."""

    index: int
    tag: str
    kind: str
    target: str | None = None
    draft: Draft | None = None
    sent: Any = None
    error: BaseException | None = None
    result: Any = None

    @property
    def idempotent(self) -> bool:
        return self.kind in IDEMPOTENT

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def ambiguous(self) -> bool:
        return not self.idempotent and isinstance(self.error, APIConnectionError)


@attrs.define
class Report:
    """The figures of a campaign, and every problem :func:`check` found (must be none)."""

    label: str
    settings: Settings
    outcomes: list[Outcome]
    seconds: float
    faults: dict[str, int]
    attempts: int = 0
    retries: int = 0
    auth_requests: int = 0
    auth_fetches: int = 0
    revocations: int = 0
    duplicates: int = 0
    lost: int = 0
    problems: list[str] = attrs.Factory(list)

    @property
    def ok(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def ambiguous(self) -> int:
        return sum(o.ambiguous for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(not o.ok and not o.ambiguous for o in self.outcomes)

    def line(self) -> str:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items()))
        kinds = Counter(o.kind for o in self.outcomes)
        text = (
            f"{self.label}: seed {self.settings.seed}, {len(self.outcomes)} ops "
            f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}) in {self.seconds:.1f} s"
            f" | faults injected {sum(self.faults.values())} ({faults})"
            f" | attempts {self.attempts}, retries {self.retries}"
            f" | ok {self.ok}, failed {self.failed}, ambiguous {self.ambiguous}"
            f" | duplicates {self.duplicates}, lost {self.lost}"
            f" | auth requests {self.auth_requests} (tokens fetched {self.auth_fetches})"
        )
        if self.settings.revoke_every is not None:
            text += f", revocations {self.revocations} (retries include the 401 replays)"
        return text


class Workload:
    """Runs the operations, keeping what each learnt (ids, drafts) for the next ones."""

    def __init__(self, client: AsyncIgnisign, fake: FakeIgnisign, settings: Settings) -> None:
        self.client = client
        self.fake = fake
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.profile_id = fake.default_signature_profile_id
        self.scope = f"/v3/applications/{fake.app_id}/envs/{fake.app_env}"
        self.free_drafts: list[Draft] = []
        self.requests: list[str] = []
        self.documents: list[str] = []
        self.signers: list[str] = []
        self.outcomes: list[Outcome] = []
        self.revocations = 0
        self.done = False

    # -- driving ----------------------------------------------------------------------------

    async def run(self) -> None:
        limiter = anyio.CapacityLimiter(self.settings.concurrency)
        kinds = list(WEIGHTS)
        weights = list(WEIGHTS.values())
        plan = [
            (self.rng.choices(kinds, weights)[0], self.rng.getrandbits(32))
            for _ in range(self.settings.operations)
        ]
        async with anyio.create_task_group() as chaos:
            if self.settings.revoke_every is not None:
                chaos.start_soon(self._revoke, self.settings.revoke_every)
            async with anyio.create_task_group() as group:
                for index, (kind, op_seed) in enumerate(plan):
                    outcome = Outcome(index, f"op{self.settings.seed}-{index:04d}", kind)
                    await limiter.acquire_on_behalf_of(outcome)
                    rng = random.Random(op_seed)
                    if self.settings.pace:
                        await anyio.sleep(rng.uniform(0, self.settings.pace))
                    action = self._prepare(outcome, rng)
                    self.outcomes.append(outcome)
                    group.start_soon(self._execute, outcome, action, limiter)
            self.done = True
            chaos.cancel_scope.cancel()

    async def _revoke(self, pause: tuple[float, float]) -> None:
        rng = random.Random(self.settings.seed ^ 0x5EED)
        while not self.done:
            await anyio.sleep(rng.uniform(*pause))
            self.fake.revoke_tokens()
            self.revocations += 1

    async def _execute(
        self, outcome: Outcome, action: Callable[[], Awaitable[Any]], limiter: Any
    ) -> None:
        current_op.set(outcome.tag)
        try:
            outcome.result = await action()
        except Exception as exc:  # every error is kept and judged by check()
            outcome.error = exc
        finally:
            limiter.release_on_behalf_of(outcome)
        self._learn(outcome)

    # -- choosing what to do ----------------------------------------------------------------

    def _take_draft(self, rng: random.Random, want: Callable[[Draft], bool]) -> Draft | None:
        """A free draft that ``want`` accepts, now owned by the caller until it is done."""
        candidates = [d for d in self.free_drafts if want(d)]
        if not candidates:
            return None
        draft = rng.choice(candidates)
        self.free_drafts.remove(draft)
        return draft

    def _next_step(self, draft: Draft) -> str:
        """What brings a draft closer to being published."""
        if _ready(draft):
            return "publish"
        if draft.provided and (
            set(draft.provided) != set(draft.attached[0]) or not draft.attached[1]
        ):
            return "update_request"
        if draft.empty_docs:
            return "provide_content"
        return "init_document"

    def _prepare(self, outcome: Outcome, rng: random.Random) -> Callable[[], Awaitable[Any]]:
        """Turn the planned kind into a call on what exists now (falling back to creating)."""
        kind = outcome.kind
        draft: Draft | None = None
        if kind in _FLOW:
            draft = self._take_draft(rng, lambda d: self._next_step(d) == kind)
            if draft is None and self.free_drafts:
                draft = self._take_draft(rng, _any)
                assert draft is not None
                if kind != "update_request":
                    kind = self._next_step(draft)
            if draft is None:
                kind = "init_request"
        if kind == "get_request" and not self.requests:
            kind = "list_requests"
        if kind == "get_document" and not self.documents:
            kind = "list_requests"
        if kind == "signer_summary" and not self.signers:
            kind = "list_signers"
        outcome.kind = kind
        method, path, call = self._call(outcome, kind, draft, rng)
        self._schedule_faults(rng, method, path)
        return call

    def _call(
        self, outcome: Outcome, kind: str, draft: Draft | None, rng: random.Random
    ) -> tuple[str, str, Callable[[], Awaitable[Any]]]:
        client, tag, scope = self.client, outcome.tag, self.scope
        outcome.draft = draft
        if kind == "create_signer":
            return (
                "POST",
                f"{scope}/signers",
                lambda: client.signers.create(
                    signature_profile_id=self.profile_id,
                    external_id=tag,
                    first_name="Ada",
                    last_name=f"Lovelace {outcome.index}",
                    email=f"{tag}@example.com",
                ),
            )
        if kind == "init_request":
            return (
                "POST",
                f"{scope}/signature-requests",
                lambda: client.signature_requests.init(self.profile_id),
            )
        if kind == "init_document":
            assert draft is not None
            outcome.target = draft.id
            return (
                "POST",
                f"{scope}/init-documents",
                lambda: client.documents.init(
                    signature_request_id=draft.id, label=f"Doc {outcome.index}", external_id=tag
                ),
            )
        if kind == "provide_content":
            assert draft is not None
            document_id = rng.choice(draft.empty_docs)
            draft.empty_docs.remove(document_id)
            outcome.target = document_id
            if not draft.has_json:
                content: Any = {"op": tag, "n": outcome.index, "items": list(range(5))}
                outcome.sent = content
                return (
                    "POST",
                    f"/v3/documents/{document_id}/data-json-content",
                    lambda: client.documents.provide_data_json(document_id, content),
                )
            data = PDF + tag.encode()
            outcome.sent = data
            return (
                "POST",
                f"/v3/documents/{document_id}/file",
                lambda: client.documents.provide_file(
                    document_id, data, file_name=f"{tag}.pdf", content_type="application/pdf"
                ),
            )
        if kind == "update_request":
            assert draft is not None
            outcome.target = draft.id
            documents = tuple(draft.provided)
            signers = (rng.choice(self.signers),) if self.signers and documents else ()
            attach: dict[str, Any] = {}
            if documents:
                attach = {"document_ids": list(documents), "signer_ids": list(signers)}
            outcome.sent = (f"Title {tag}", documents, signers)
            return (
                "PUT",
                f"/v3/signature-requests/{draft.id}",
                lambda: client.signature_requests.update(
                    draft.id, title=f"Title {tag}", external_id=tag, **attach
                ),
            )
        if kind == "publish":
            assert draft is not None
            outcome.target = draft.id
            return (
                "POST",
                f"/v3/signature-requests/{draft.id}/publish",
                lambda: client.signature_requests.publish(draft.id),
            )
        if kind == "get_request":
            request_id = rng.choice(self.requests)
            outcome.target = request_id
            return (
                "GET",
                f"/v3/signature-requests/{request_id}/context",
                lambda: client.signature_requests.get(request_id),
            )
        if kind == "get_document":
            document_id = rng.choice(self.documents)
            outcome.target = document_id
            return "GET", f"/v3/documents/{document_id}", lambda: client.documents.get(document_id)
        if kind == "signer_summary":
            signer_id = rng.choice(self.signers)
            outcome.target = signer_id
            return "GET", f"{scope}/signers/{signer_id}", lambda: client.signers.summary(signer_id)
        if kind == "list_requests":
            return "GET", f"{scope}/signature-requests", lambda: client.signature_requests.list()
        if kind == "list_signers":
            return "GET", f"{scope}/signers-paginate", lambda: client.signers.list()
        assert kind == "list_profiles"
        return "GET", f"{scope}/signature-profiles", lambda: client.signature_profiles.list()

    def _schedule_faults(self, rng: random.Random, method: str, path: str) -> None:
        faults = self.fake.faults
        count = 0
        while count < 3 and rng.random() < (self.settings.fault_rate if count == 0 else 0.3):
            count += 1
            kind, arg, retry_after = rng.choice(FAULTS)
            if kind == "fail":
                assert isinstance(arg, int)
                faults.fail_next(1, arg, retry_after, method=method, path=path)
            elif kind == "disconnect":
                when = "before" if arg == "before" else "after"
                faults.disconnect_next(1, method=method, path=path, when=when)
            else:
                faults.delay(self.settings.attempt_timeout * 2, 1, method=method, path=path)
        if rng.random() < self.settings.stray_fault_rate:  # anywhere, auth included
            faults.fail_next(1, rng.choice((502, 503, 429)), 0.01)

    # -- learning from what happened ---------------------------------------------------------

    def _learn(self, outcome: Outcome) -> None:
        kind, draft = outcome.kind, outcome.draft
        result = outcome.result
        if outcome.ok and kind == "create_signer":
            self.signers.append(result.signer_id)
        elif outcome.ok and kind == "init_request":
            self.requests.append(result.signature_request_id)
            self.free_drafts.append(Draft(result.signature_request_id))
        if not isinstance(draft, Draft):
            return
        if kind == "init_document" and outcome.ok:
            draft.empty_docs.append(result.document_id)
            self.documents.append(result.document_id)
        elif kind == "provide_content":
            if outcome.ok:
                draft.provided.append(outcome.target or "")
                draft.has_json = draft.has_json or result.data_json_content is not None
            elif not outcome.ambiguous:
                draft.empty_docs.append(outcome.target or "")
            elif not isinstance(outcome.sent, bytes):
                draft.has_json = True  # it may have been applied: do not try a second JSON
        elif kind == "update_request" and outcome.ok:
            title, documents, signers = outcome.sent
            draft.title = title
            if documents:
                draft.attached = (documents, signers)
        if kind == "publish" and (outcome.ok or outcome.ambiguous):
            return  # no longer a draft (or maybe not): never reused
        self.free_drafts.append(draft)


_FLOW: Final = ("init_document", "provide_content", "update_request", "publish")


def _any(draft: Draft) -> bool:
    return True


def _ready(draft: Draft) -> bool:
    documents, signers = draft.attached
    return bool(documents) and bool(signers) and set(documents) <= set(draft.provided)


async def run_campaign(
    client: AsyncIgnisign, fake: FakeIgnisign, settings: Settings, *, label: str
) -> Report:
    """Run the workload under the settings' faults, then :func:`check` the emulator's state."""
    workload = Workload(client, fake, settings)
    started = time.perf_counter()
    with anyio.fail_after(settings.budget):
        await workload.run()
    seconds = time.perf_counter() - started
    fake.faults.clear()
    report = Report(
        label=label,
        settings=settings,
        outcomes=workload.outcomes,
        seconds=seconds,
        faults={k: v for k, v in fake.faults.injected.items() if v},
        auth_fetches=client._auth.auth_count,
        revocations=workload.revocations,
    )
    check(report, fake, workload)
    return report


async def campaign(
    where: Where, runner: str, settings: Settings, *, token_lifetime: float = 3600.0
) -> Report:
    """A campaign on a fresh emulator, in-process or over a socket; its figures are recorded."""
    in_process = where == "in-process"
    fake = FakeIgnisign(token_lifetime=token_lifetime, raise_server_exceptions=in_process)
    with emulator_url(fake, where) as url:
        timeout = httpx.Timeout(settings.attempt_timeout)
        backend = backend_of(where)
        async with connect(
            fake, url, timeout=timeout, max_retries=10, http_backend=backend
        ) as client:
            kind = "token chaos" if settings.revoke_every else "faults"
            report = await run_campaign(client, fake, settings, label=f"{kind} {where}/{runner}")
    FIGURES.append(report.line())
    print(report.line())
    return report


# -- checking ---------------------------------------------------------------------------------


def _applied(fault: str | None) -> bool:
    return fault in _APPLIED_FAULTS or (fault is not None and fault.startswith("delay:"))


def check(report: Report, fake: FakeIgnisign, workload: Workload) -> None:
    """Hold the emulator's state and request log against every outcome; fill the figures."""
    problems = report.problems
    records = fake.requests
    by_op: dict[str, list[Any]] = {}
    for record in records:
        if record.path == AUTH_PATH:
            report.auth_requests += 1
            continue
        tag = record.headers.get(OP_HEADER)
        if tag is not None:
            by_op.setdefault(tag, []).append(record)
    report.attempts = sum(len(v) for v in by_op.values())
    report.retries = sum(len(v) - 1 for v in by_op.values())
    chaos = report.settings.revoke_every is not None

    state = fake._state  # the emulator's ground truth, read once the campaign is over
    with state.lock:
        signers = {s.id: s.external_id for s in state.signers.values()}
        documents = {d.id: d for d in state.documents.values()}
        requests = {r.id: r for r in state.requests.values()}

    signer_tags = Counter(signers.values())
    document_tags = Counter(d.external_id for d in documents.values())
    known_requests: set[str] = set()
    ambiguous_inits = 0
    applied_ambiguous_inits = 0
    published: set[str] = set()

    for o in report.outcomes:
        attempts = by_op.get(o.tag, [])
        if o.error is not None and not isinstance(o.error, IgnisignError):
            problems.append(f"{o.tag} {o.kind}: untyped error {o.error!r}")
            continue
        if o.error is not None and o.idempotent:
            problems.append(f"{o.tag} {o.kind}: an idempotent operation failed: {o.error!r}")
        expected = (InternalServerError, APIConnectionError)
        if o.error is not None and not o.idempotent and not isinstance(o.error, expected):
            problems.append(f"{o.tag} {o.kind}: unexpected error {o.error!r}")
        if not o.idempotent and not chaos:
            applied = sum(_applied(r.fault) for r in attempts)
            if applied > 1:
                problems.append(f"{o.tag} {o.kind}: applied {applied} times by the emulator")
                report.duplicates += applied - 1
            if applied and not o.ok and not o.ambiguous:
                problems.append(f"{o.tag} {o.kind}: applied, yet reported as not applied")
        _check_one(report, o, signers, signer_tags, documents, document_tags, requests)
        if o.kind == "init_request":
            if o.ok:
                known_requests.add(o.result.signature_request_id)
            elif o.ambiguous:
                ambiguous_inits += 1
                applied_ambiguous_inits += any(_applied(r.fault) for r in attempts)
        if o.kind == "publish" and (o.ok or o.ambiguous) and o.target:
            published.add(o.target)

    orphans = set(requests) - known_requests
    if len(orphans) > ambiguous_inits or (not chaos and len(orphans) != applied_ambiguous_inits):
        problems.append(
            f"{len(orphans)} signature requests nobody was told about; "
            f"{applied_ambiguous_inits} of {ambiguous_inits} ambiguous inits may have left one"
        )
        report.duplicates += max(0, len(orphans) - applied_ambiguous_inits)
    stray = [t for t in signer_tags if t is None or not t.startswith("op")]
    stray += [t for t in document_tags if t is None or not t.startswith("op")]
    if stray:
        problems.append(f"entities with no operation's external_id: {stray[:5]}")
    for draft in workload.free_drafts:
        if requests[draft.id].fields.get("title") != draft.title:
            problems.append(f"request {draft.id}: title is not the last one set ({draft.title})")
            report.lost += 1
    for request_id, sr in requests.items():
        if sr.status != "DRAFT" and request_id not in published:
            problems.append(f"request {request_id} is {sr.status} though never published")


def _check_one(
    report: Report,
    o: Outcome,
    signers: dict[str, str | None],
    signer_tags: Counter[str | None],
    documents: dict[str, Any],
    document_tags: Counter[str | None],
    requests: dict[str, Any],
) -> None:
    """The state one operation leaves behind; ``lost`` and ``duplicates`` are counted here."""
    problems = report.problems

    def lost(why: str) -> None:
        problems.append(f"{o.tag} {o.kind}: {why}")
        report.lost += 1

    def count(tags: Counter[str | None]) -> None:
        found = tags.get(o.tag, 0)
        if found > 1:
            problems.append(f"{o.tag} {o.kind}: {found} entities carry its external_id")
            report.duplicates += found - 1
        elif o.ok and found != 1:
            lost("its entity is missing")
        elif not o.ok and not o.ambiguous and found:
            problems.append(f"{o.tag} {o.kind}: failed before the server, yet it exists")

    if o.kind == "create_signer":
        count(signer_tags)
        if o.ok and signers.get(o.result.signer_id) != o.tag:
            lost("the signer id it was given is not its signer")
    elif o.kind == "init_document":
        count(document_tags)
        if o.ok:
            doc = documents.get(o.result.document_id)
            if doc is None or doc.external_id != o.tag or doc.signature_request_id != o.target:
                lost("the document id it was given is not its document")
    elif o.kind == "init_request" and o.ok:
        if o.result.signature_request_id not in requests:
            lost("its signature request is missing")
    elif o.kind == "provide_content":
        doc = documents[o.target]
        if o.ok:
            if isinstance(o.sent, bytes):
                right = doc.content == o.sent
            else:
                right = doc.data_json == json.dumps(o.sent, separators=(",", ":"))
            if doc.status != "PROVIDED" or not right:
                lost(f"the document is {doc.status} and not what was uploaded")
    elif o.kind == "publish":
        sr = requests[o.target]
        if o.ok and sr.status == "DRAFT":
            lost("the request is still a DRAFT after a successful publish")
    elif o.ok and o.kind == "update_request":
        title, documents_sent, signers_sent = o.sent
        shown = (o.result.title, o.result.external_id)
        if shown != (title, o.tag) or (
            documents_sent
            and (tuple(o.result.document_ids), tuple(o.result.signer_ids))
            != (documents_sent, signers_sent)
        ):
            lost("the answer to the update does not show the update")
    elif o.ok and o.kind == "get_request" and o.result.id != o.target:
        lost("got another request than asked")
    elif o.ok and o.kind == "get_document" and o.result.id != o.target:
        lost("got another document than asked")
    elif o.ok and o.kind == "signer_summary" and o.result.signer_id != o.target:
        lost("got another signer than asked")
