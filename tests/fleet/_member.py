"""A lean fleet member for the multi-process tests.

The forkserver imports this module once (with the SDK, redis-py and Trio), then starts one
launcher, which makes a first call on each loop (so nothing is left to import) and forks every
member itself (:func:`launch`: one ``os.fork`` each from a single-threaded process, no round
trip per member to the test's process). A member runs its calls on asyncio, on Trio or through
the sync facade, in phases the test paces with two barriers (``start``: go; ``done``: every
member finished its call), and exits non-zero on any error.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from typing import Any, Final

import anyio
import anyio.to_thread
import attrs
import httpx
import redis
import trio

from ignisign_async import AsyncIgnisign, Ignisign, RedisTokenStore
from ignisign_async.testing import FakeIgnisign

PRELOADED: Final = (httpx, redis, trio)
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


def _warm_up() -> None:
    """Import, once in the forkserver, what a member's first call would import in every member.

    No thread is started here: the forkserver forks the members from this process.
    """
    fake = FakeIgnisign()

    async def call() -> None:
        async with fake.client() as client:
            await client.signature_profiles.list()

    for backend in ("asyncio", "trio"):
        anyio.run(call, backend=backend)
    AsyncIgnisign(**APP, base_url="http://127.0.0.1:9")  # httpx's socket transport, unused


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


def _member_process(member: Member, start: Any, done: Any) -> int:
    try:
        run(member, start, done)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        return 1
    return 0


def launch(members: list[Member], start: Any, done: Any, codes: Any) -> None:
    """Fork one process per member at once; put their exit codes in ``codes`` (an array)."""
    _warm_up()  # here, not at import: the members inherit it, the test's process skips it
    assert threading.active_count() == 1, "forking a process with threads"
    pids = []
    for member in members:
        pid = os.fork()
        if pid == 0:
            os._exit(_member_process(member, start, done))
        pids.append(pid)
    for index, pid in enumerate(pids):
        _, status = os.waitpid(pid, 0)
        codes[index] = os.waitstatus_to_exitcode(status)
