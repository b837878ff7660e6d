"""A fleet of processes on one Redis and one emulator served on a socket.

Members are forked from a forkserver that imported the SDK once (``tests/fleet/_member.py``);
they run on asyncio, on Trio and through the sync facade in turn. The emulator runs in this
process (uvicorn in a thread), so its request log counts the fleet's auth requests.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ignisign_async._auth import jwt_expiry
from ignisign_async.testing import FakeIgnisign
from tests.fleet import _member
from tests.fleet._member import Member
from tests.fleet.conftest import RedisServer, served

BACKENDS = ("asyncio", "trio", "sync")


@pytest.fixture(scope="module")
def context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    # "__main__" too: else every member re-imports pytest's __main__ (and pytest) as __mp_main__.
    ctx.set_forkserver_preload(["__main__", _member.__name__])
    return ctx


@contextlib.contextmanager
def fleet(
    context: Any, members: list[Member]
) -> Iterator[tuple[Any, Any, Callable[[], list[int]]]]:
    """Start every member at once; yield the barriers the test shares with them, and a function
    that waits for the members to end and gives their exit codes."""
    start = context.Barrier(len(members) + 1)
    done = context.Barrier(len(members) + 1)
    codes = context.Array("i", [-1] * len(members))
    launcher = context.Process(target=_member.launch, args=(members, start, done, codes))
    launcher.start()

    def exit_codes() -> list[int]:
        launcher.join(60)
        assert launcher.exitcode == 0, "the launcher failed"
        return list(codes)

    try:
        yield start, done, exit_codes
    finally:
        start.abort()
        done.abort()
        launcher.join(60)
        if launcher.is_alive():
            launcher.kill()
            launcher.join()


def phase(start: Any, done: Any) -> None:
    """Let every member make one call; return when all of them finished it."""
    start.wait(_member.BARRIER_TIMEOUT)
    done.wait(_member.BARRIER_TIMEOUT)


def members(count: int, url: str, server: RedisServer, prefix: str, **options: Any) -> list[Member]:
    return [
        Member(
            backend=BACKENDS[i % len(BACKENDS)],
            base_url=url,
            redis_url=server.url,
            prefix=prefix,
            **options,
        )
        for i in range(count)
    ]


def seen(fake: FakeIgnisign) -> str:
    """What the emulator received, for a failure's message."""
    counts = collections.Counter(f"{r.method} {r.path} {r.fault or ''}" for r in fake.requests)
    return f"requests received: {dict(counts)}"


def _stored_token(server: RedisServer, fake: FakeIgnisign, prefix: str) -> str:
    value = server.client().get(f"{prefix}:{fake.app_env}:{fake.app_id}:token")
    assert value is not None
    return value.decode()


def test_fifty_processes_one_auth_then_one_refresh_per_expiry_and_per_revocation(
    context: Any, redis_server: RedisServer, prefix: str
) -> None:
    fake = FakeIgnisign(token_lifetime=4.0)
    with (
        served(fake) as url,
        fleet(context, members(50, url, redis_server, prefix, phases=3)) as (
            start,
            done,
            exit_codes,
        ),
    ):
        phase(start, done)
        assert fake.auth_requests == 1, seen(fake)  # 50 processes started at once

        exp = jwt_expiry(_stored_token(redis_server, fake, prefix))
        assert exp is not None
        while time.time() <= exp + 0.05:  # every member's token is due, the stored one gone
            time.sleep(0.05)
        phase(start, done)
        assert fake.auth_requests == 2, seen(fake)  # one refresh for the whole fleet

        fake.revoke_tokens()
        phase(start, done)
        assert fake.auth_requests == 3, seen(fake)  # 50 refusals (401), one new token
        assert exit_codes() == [0] * 50


def test_a_lock_owner_killed_mid_fetch_lets_another_process_fetch_after_the_locks_ttl(
    context: Any, redis_server: RedisServer, prefix: str
) -> None:
    fake = FakeIgnisign()
    fake.faults.delay(5.0, path="/v3/auth/app-api", count=1)
    lock_key = f"{prefix}:{fake.app_env}:{fake.app_id}:lock"
    admin = redis_server.client()
    with served(fake) as url:
        owner, *others = members(4, url, redis_server, prefix, lock_ttl=1.0)
        killed = context.Process(target=_member.run, args=(owner,), daemon=True)
        killed.start()
        try:
            while not (admin.exists(lock_key) and fake.auth_requests == 1):
                assert killed.is_alive()
                time.sleep(0.01)
        finally:
            os.kill(killed.pid, signal.SIGKILL)
            killed.join()
        assert admin.pttl(lock_key) > 0  # the dead owner's lock still holds
        with fleet(context, others) as (start, done, exit_codes):
            phase(start, done)
            assert exit_codes() == [0] * 3
    assert fake.auth_requests == 2, seen(fake)
    assert admin.exists(lock_key) == 0
    assert _stored_token(redis_server, fake, prefix)


def test_redis_stopped_mid_run_leaves_every_call_working(
    context: Any, own_redis: RedisServer, prefix: str
) -> None:
    fake = FakeIgnisign()
    retry_after = 0.3
    with served(fake) as url:
        crew = members(12, url, own_redis, prefix, phases=3, retry_after=retry_after, timeout=2.0)
        with fleet(context, crew) as (start, done, exit_codes):
            phase(start, done)
            assert fake.auth_requests == 1, seen(fake)

            own_redis.stop()
            fake.revoke_tokens()
            phase(start, done)  # every member: a 401, the store unreachable, its own token
            assert fake.auth_requests == 1 + 12, seen(fake)

            own_redis.start()
            time.sleep(retry_after * 1.5)  # the members leave a failed store alone this long
            fake.revoke_tokens()
            phase(start, done)  # the store answers again: one token for the fleet
            assert fake.auth_requests == 1 + 12 + 1, seen(fake)
            assert exit_codes() == [0] * 12
