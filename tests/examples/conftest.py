"""The examples run as their users run them: configured from the environment, against the
emulator served by uvicorn on 127.0.0.1, webhooks delivered to the real framework."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import anyio.to_thread
import pytest

from ignisign_async.testing import FakeIgnisign
from tests.reliability.conftest import served

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def emulator() -> Iterator[FakeIgnisign]:
    """A served emulator, and ``IGNISIGN_*`` set to reach it, for a whole module."""
    fake = FakeIgnisign()
    saved = {k: os.environ.get(k) for k in _ENV}
    with served(fake) as url:
        os.environ.update(
            IGNISIGN_APP_ID=fake.app_id,
            IGNISIGN_APP_ENV=fake.app_env,
            IGNISIGN_APP_SECRET=fake.secret,
            IGNISIGN_BASE_URL=url,
        )
        try:
            yield fake
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


_ENV = ("IGNISIGN_APP_ID", "IGNISIGN_APP_ENV", "IGNISIGN_APP_SECRET", "IGNISIGN_BASE_URL")


def deliver(fake: FakeIgnisign) -> None:
    """POST now every webhook delivery the emulator has queued (it would in the background)."""
    anyio.run(fake.deliver_pending)


def deliver_to(fake: FakeIgnisign, post: Callable[[bytes], int]) -> None:
    """Deliver the emulator's webhooks through ``post(body) -> HTTP status``, in a worker thread
    (as a web server's request thread: no event loop runs there)."""

    async def sender(url: str, body: bytes) -> int:
        return await anyio.to_thread.run_sync(post, body)

    fake.webhook_sender = sender


@pytest.fixture
def on_path() -> Iterator[Callable[[Path], None]]:
    added: list[str] = []

    def add(folder: Path) -> None:
        sys.path.insert(0, str(folder))
        added.append(str(folder))

    yield add
    for folder in added:
        sys.path.remove(folder)
