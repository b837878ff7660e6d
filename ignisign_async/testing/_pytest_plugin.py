"""The pytest plugin (entry point ``pytest11``): fixtures that need no setup.

* ``fake_ignisign``: a fresh :class:`~ignisign_async.testing.FakeIgnisign` per test;
* ``ignisign_client``: an :class:`~ignisign_async.AsyncIgnisign` wired to it, closed after the
  test;
* ``ignisign_sync_client``: the sync facade :class:`~ignisign_async.Ignisign` wired to it.

::

    @pytest.mark.asyncio          # or @pytest.mark.anyio, or nothing under asyncio_mode=auto
    async def test_signers(ignisign_client, fake_ignisign):
        await ignisign_client.signers.create(...)
        assert fake_ignisign.webhook_events[-1]["action"] == "CREATED"

``ignisign_client`` is a plain (not an async) fixture: the client it gives is bound to no event
loop until used, so the same fixture serves tests run by pytest-asyncio in strict mode (which
would refuse an async fixture of another plugin) and in auto mode, and by anyio's plugin on
asyncio or Trio. Its in-process transport holds no socket, so closing it after the test needs
no loop of the test's.

Importing this module imports nothing of the emulator: fixtures import it when first used.
"""

from __future__ import annotations

from collections.abc import Iterator
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
def ignisign_client(fake_ignisign: FakeIgnisign) -> Iterator[AsyncIgnisign]:
    """An ``AsyncIgnisign`` talking to ``fake_ignisign`` in-process, for async tests of any
    plugin (pytest-asyncio strict or auto, anyio on asyncio or Trio)."""
    import anyio

    client = fake_ignisign.client()
    try:
        yield client
    finally:
        anyio.run(client.aclose)  # idempotent: a test may have closed it already


@pytest.fixture
def ignisign_sync_client(fake_ignisign: FakeIgnisign) -> Iterator[Ignisign]:
    """An ``Ignisign`` (sync facade) talking to ``fake_ignisign`` in-process."""
    client = fake_ignisign.sync_client()
    try:
        yield client
    finally:
        client.close()
