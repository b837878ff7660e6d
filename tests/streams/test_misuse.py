"""A ``stream_*()`` used without ``async with`` (or ``with``) says how to use it."""

from __future__ import annotations

import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.testing import FakeIgnisign

HINT = r"stream_\*\(\) gives an? (async )?context manager, to enter with `(async )?with`"


async def test_awaited_iterated_or_read_without_async_with(fake_ignisign: FakeIgnisign) -> None:
    client: AsyncIgnisign = fake_ignisign.client()
    opened = client.proofs.stream_signature_proof("65f1a2b3c4d5e6f7a8b9c0d2")
    with pytest.raises(AttributeError, match=r"'save' belongs to the stream: " + HINT):
        _ = opened.save
    with pytest.raises(AttributeError, match="'content_type' belongs to the stream"):
        _ = opened.content_type
    with pytest.raises(TypeError, match=HINT):
        await opened  # type: ignore[misc]
    with pytest.raises(TypeError, match=HINT):
        async for _chunk in opened:  # type: ignore[attr-defined]
            pass
    with pytest.raises(AttributeError, match=r"has no attribute 'nope'$"):
        _ = opened.nope  # type: ignore[attr-defined]
    assert fake_ignisign.requests == []  # nothing was sent
    await client.aclose()


def test_the_sync_stream_without_with() -> None:
    fake = FakeIgnisign()
    with fake.sync_client() as client:
        opened = client.documents.stream_original("65f1a2b3c4d5e6f7a8b9c0d2")
        with pytest.raises(AttributeError, match=r"'iter_bytes' belongs to the stream: " + HINT):
            _ = opened.iter_bytes
        with pytest.raises(TypeError, match=HINT):
            iter(opened)  # type: ignore[call-overload]
    assert fake.requests == []
