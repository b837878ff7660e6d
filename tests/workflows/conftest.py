"""Fixtures for the one-call workflows (``send``, ``wait``) against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.models import SignatureRequestStatus
from ignisign_async.testing import FakeIgnisign

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BY_SIDE = "Simple signature - by side"
EMBEDDED = "Simple signature - embedded"
ADA: dict[str, Any] = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
WRITES = frozenset({"POST", "PUT", "DELETE"})


@pytest.fixture
def fake() -> FakeIgnisign:
    return FakeIgnisign()


@pytest.fixture
async def client(fake: FakeIgnisign) -> AsyncIterator[AsyncIgnisign]:
    async with fake.client() as c:
        yield c


def profile_id(fake: FakeIgnisign, name: str = BY_SIDE) -> str:
    return fake.signature_profile_ids[name]


def writes(fake: FakeIgnisign) -> list[tuple[str, str]]:
    """The requests that could have changed something (authentication left out)."""
    return [
        (r.method, r.path)
        for r in fake.requests
        if r.method in WRITES and r.path != "/v3/auth/app-api"
    ]


def count(fake: FakeIgnisign, method: str, suffix: str) -> int:
    return sum(1 for r in fake.requests if r.method == method and r.path.endswith(suffix))


@attrs.frozen
class World:
    """What the emulator holds, read through a fresh client: requests by status, signer ids."""

    requests: dict[str, SignatureRequestStatus]
    signer_ids: frozenset[str]

    def with_status(self, status: SignatureRequestStatus) -> list[str]:
        return [i for i, s in self.requests.items() if s is status]


async def world(fake: FakeIgnisign) -> World:
    fake.faults.clear()
    async with fake.client() as c:
        requests = {r.id: r.status async for r in c.signature_requests.iter_all()}
        signers = frozenset([s.signer_id async for s in c.signers.iter_all()])
    return World(requests=requests, signer_ids=signers)
