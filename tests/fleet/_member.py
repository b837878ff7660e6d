"""A lean fleet member for the multi-process tests.

The forkserver imports this module once (with the SDK, redis-py and Trio), then forks every
member from that warm process: 50 members start in well under a second. A member runs its calls
on asyncio, on Trio or through the sync facade, in phases the test paces with two barriers
(``start``: go; ``done``: every member finished its call), and exits non-zero on any error.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any, Final

import anyio
import anyio.to_thread
import attrs
import httpx
import redis
import trio

import ignisign_async.resources.signature_profiles
import ignisign_async.sync
from ignisign_async import AsyncIgnisign, Ignisign, RedisTokenStore

PRELOADED: Final = (httpx, redis, trio, ignisign_async.resources.signature_profiles)
BARRIER_TIMEOUT: Final = 60.0
APP: Final = {"app_id": "appId_fake", "app_env": "DEVELOPMENT", "secret": "sk_development_fake"}


@attrs.frozen(kw_only=True)
class Member:
    """What one member process does."""

    backend: str  # "asyncio", "trio" or "sync"
    base_url: str
    redis_url: str
    prefix: str
    phases: int = 1
    lock_ttl: float = 10.0
    retry_after: float = 30.0
    timeout: float = 5.0

    def store(self) -> RedisTokenStore:
        return RedisTokenStore(
            self.redis_url,
            prefix=self.prefix,
            timeout=self.timeout,
            lock_ttl=self.lock_ttl,
            retry_after=self.retry_after,
        )


def _wait(barrier: Any) -> None:
    if barrier is not None:
        barrier.wait(BARRIER_TIMEOUT)


async def _run_async(member: Member, start: Any, done: Any) -> None:
    async with AsyncIgnisign(**APP, base_url=member.base_url, token_store=member.store()) as client:
        for _ in range(member.phases):
            await anyio.to_thread.run_sync(_wait, start)
            await client.signature_profiles.list()
            await anyio.to_thread.run_sync(_wait, done)


def _run_sync(member: Member, start: Any, done: Any) -> None:
    with Ignisign(**APP, base_url=member.base_url, token_store=member.store()) as client:
        for _ in range(member.phases):
            _wait(start)
            client.signature_profiles.list()
            _wait(done)


def run(member: Member, start: Any = None, done: Any = None) -> None:
    """The process's target: the member's phases; exit code 1 (and a traceback) on failure."""
    try:
        if member.backend == "sync":
            _run_sync(member, start, done)
        else:
            anyio.run(_run_async, member, start, done, backend=member.backend)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        for barrier in (start, done):  # the others must not wait for this one
            if barrier is not None:
                barrier.abort()
        raise SystemExit(1) from None
