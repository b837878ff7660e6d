"""Cancelling calls at random points leaks nothing: connections, files, locks.

Calls (JSON calls, uploads, downloads to a path, token fetches) are cancelled by anyio cancel
scopes at seeded random moments, on asyncio and Trio, in-process and over a socket with a pool
of ONE connection. After every cancellation the next call must complete within a bound (a
leaked connection would leave the pool empty: a pool timeout), the token lock must be free,
and the download folder must hold no temporary file and no partial file under the final name.
"""

from __future__ import annotations

import functools
import os
import pathlib
import random
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

from ignisign_async import AsyncIgnisign, IgnisignError
from ignisign_async.testing import FakeIgnisign

from .conftest import Where, backend_of, connect, emulator_url

pytestmark = pytest.mark.usefixtures("quiet_uvicorn", "small_backoff")

PROOF = os.urandom(3 << 20)
PDF = b"%PDF-1.4\n%%EOF\n"
TIMEOUT = httpx.Timeout(5.0, pool=1.0)
"""A leaked connection makes the next call wait for the pool: 1 s, then a typed error."""


async def setup(client: AsyncIgnisign, fake: FakeIgnisign) -> tuple[str, str]:
    profile = fake.default_signature_profile_id
    request = await client.signature_requests.init(profile)
    document = await client.documents.init(
        signature_request_id=request.signature_request_id, label="Doc"
    )
    fake.set_proof_content(document.document_id, PROOF)
    return request.signature_request_id, document.document_id


def names(folder: pathlib.Path) -> list[str]:
    """What the folder holds (a temporary file left behind would show here)."""
    return sorted(path.name for path in folder.iterdir())


def assert_clean(folder: pathlib.Path, done: set[str]) -> None:
    """Only complete downloads, under their final names; no temporary file."""
    for path in folder.iterdir():
        assert path.name in done, f"left behind: {path.name}"
        assert path.read_bytes() == PROOF


async def still_works(client: AsyncIgnisign) -> None:
    lock = client._auth._lock
    assert lock is None or not lock.locked()
    with anyio.fail_after(3):
        profiles = await client.signature_profiles.list()
    assert len(profiles) == 4


async def cancel_at_random(
    client: AsyncIgnisign, fake: FakeIgnisign, folder: pathlib.Path, seed: int, rounds: int
) -> dict[str, int]:
    rng = random.Random(seed)
    request_id, document_id = await setup(client, fake)
    profile = fake.default_signature_profile_id
    done: set[str] = set()
    counts = {"cancelled": 0, "completed": 0, "failed": 0}
    for index in range(rounds):
        name = f"proof-{index}.pdf"
        download = functools.partial(
            client.proofs.download_signature_proof, document_id, folder / name
        )
        operations: list[Callable[[], Awaitable[Any]]] = [
            client.signature_profiles.list,
            functools.partial(
                client.signers.create,
                signature_profile_id=profile,
                first_name="A",
                last_name="B",
                email="a@b.example",
            ),
            functools.partial(client.signature_requests.get, request_id),
            functools.partial(
                client.documents.provide_file, document_id, PDF * 2000, file_name="d.pdf"
            ),
            download,
            download,
        ]
        operation = rng.choice(operations)
        if rng.random() < 0.25:
            fake.revoke_tokens()  # the next call fetches a token: cancel that too
        if rng.random() < 0.25:
            fake.faults.delay(rng.uniform(0.005, 0.03), 1)
        with anyio.move_on_after(rng.uniform(0.0, 0.02)) as scope:
            try:
                await operation()
            except IgnisignError:
                counts["failed"] += 1  # e.g. a document that already has content
            else:
                if (folder / name).exists():
                    done.add(name)
        if scope.cancelled_caught:
            counts["cancelled"] += 1
        else:
            counts["completed"] += 1
        fake.faults.clear()
        assert_clean(folder, done)
        await still_works(client)
    return counts


async def test_random_cancellations_leak_nothing(
    where: Where, anyio_backend: str, tmp_path: pathlib.Path
) -> None:
    fake = FakeIgnisign(raise_server_exceptions=where == "in-process")
    with emulator_url(fake, where) as url:
        async with connect(
            fake, url, timeout=TIMEOUT, max_connections=1, http_backend=backend_of(where)
        ) as client:
            counts = await cancel_at_random(client, fake, tmp_path, seed=1234, rounds=40)
    assert counts["cancelled"] >= 10
    assert counts["completed"] >= 8


async def test_cancelling_the_token_fetch_frees_the_lock(where: Where, anyio_backend: str) -> None:
    fake = FakeIgnisign(raise_server_exceptions=where == "in-process")
    with emulator_url(fake, where) as url:
        async with connect(
            fake, url, timeout=TIMEOUT, max_connections=1, http_backend=backend_of(where)
        ) as client:
            fake.faults.delay(0.3, 1, path="/v3/auth/app-api")
            with anyio.move_on_after(0.05) as scope:
                await client.signature_profiles.list()
            assert scope.cancelled_caught
            assert client._auth._lock is not None
            assert not client._auth._lock.locked()
            assert client._auth._token is None
            await still_works(client)
    assert fake.auth_requests == 2


async def test_a_cancelled_download_leaves_no_file(
    where: Where, anyio_backend: str, tmp_path: pathlib.Path
) -> None:
    fake = FakeIgnisign(raise_server_exceptions=where == "in-process")
    with emulator_url(fake, where) as url:
        async with connect(
            fake, url, timeout=TIMEOUT, max_connections=1, http_backend=backend_of(where)
        ) as client:
            _, document_id = await setup(client, fake)
            with anyio.CancelScope() as scope:

                def progress(done: int, total: int | None) -> None:
                    if done >= 1 << 20:
                        scope.cancel()

                await client.proofs.download_signature_proof(
                    document_id, tmp_path / "proof.pdf", progress=progress
                )
            assert scope.cancelled_caught
            assert names(tmp_path) == []
            await still_works(client)
            result = await client.proofs.download_signature_proof(document_id, tmp_path / "p.pdf")
            assert result.bytes_written == len(PROOF)
            assert names(tmp_path) == ["p.pdf"]
