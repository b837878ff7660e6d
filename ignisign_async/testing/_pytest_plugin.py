"""The pytest plugin (entry point ``pytest11``): fixtures that need no setup.

* ``fake_ignisign``: a fresh :class:`~ignisign_async.testing.FakeIgnisign` per test;
* ``ignisign_client``: an :class:`~ignisign_async.AsyncIgnisign` wired to it, closed after the
  test (an async fixture: run the test under anyio's plugin, ``@pytest.mark.anyio``, on
  asyncio or Trio, or under pytest-asyncio's auto mode);
* ``ignisign_sync_client``: the sync facade :class:`~ignisign_async.Ignisign` wired to it.

::

    async def test_signers(ignisign_client, fake_ignisign):
        await ignisign_client.signers.create(...)
        assert fake_ignisign.webhook_events[-1]["action"] == "CREATED"

Importing this module imports nothing of the emulator: fixtures import it when first used.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .._client import AsyncIgnisign
    from ..sync import Ignisign
    from ._fake import FakeIgnisign

__all__ = ["fake_ignisign", "ignisign_client", "ignisign_sync_client"]


@pytest.fixture
def fake_ignisign() -> FakeIgnisign:
    """A fresh in-memory IgniSign API for this test."""
    from ._fake import FakeIgnisign

    return FakeIgnisign()


@pytest.fixture
async def ignisign_client(fake_ignisign: FakeIgnisign) -> AsyncIterator[AsyncIgnisign]:
    """An ``AsyncIgnisign`` talking to ``fake_ignisign`` in-process."""
    client = fake_ignisign.client()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def ignisign_sync_client(fake_ignisign: FakeIgnisign) -> Iterator[Ignisign]:
    """An ``Ignisign`` (sync facade) talking to ``fake_ignisign`` in-process."""
    client = fake_ignisign.sync_client()
    try:
        yield client
    finally:
        client.close()
