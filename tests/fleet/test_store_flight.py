"""One token for several clients through a real Redis (in one process; asyncio and Trio)."""

from __future__ import annotations

import logging

import anyio
import pytest

from ignisign_async import AuthenticationError, MemoryTokenStore, RedisTokenStore
from ignisign_async._auth import jwt_expiry
from ignisign_async._errors import shows_token
from ignisign_async.testing import FakeIgnisign
from tests.fleet.conftest import RedisServer


def _keys(fake: FakeIgnisign, prefix: str) -> tuple[str, str]:
    base = f"{prefix}:{fake.app_env}:{fake.app_id}"
    return base + ":token", base + ":lock"


def _store(server: RedisServer, prefix: str, **options: float) -> RedisTokenStore:
    options.setdefault("timeout", 5.0)
    return RedisTokenStore(server.url, prefix=prefix, **options)


def _commands(server: RedisServer) -> dict[str, int]:
    stats = server.client().info("commandstats")
    return {name.removeprefix("cmdstat_"): int(row["calls"]) for name, row in stats.items()}


async def test_two_clients_share_one_token(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    store = _store(redis_server, prefix)
    async with fake.client(token_store=store) as a, fake.client(token_store=store) as b:
        await a.signature_profiles.list()
        await b.signature_profiles.list()
        await b.signature_profiles.list()
    assert fake.auth_requests == 1
    token_key, lock_key = _keys(fake, prefix)
    admin = redis_server.client()
    token = admin.get(token_key)
    assert token is not None
    assert token.count(b".") == 2
    assert admin.exists(lock_key) == 0  # released
    keys = [k.decode() for k in admin.scan_iter(f"{prefix}:*")]
    assert keys == [token_key]
    assert all(fake.secret not in k for k in keys)


async def test_stored_for_its_lifetime_less_the_refresh_margin(
    redis_server: RedisServer, prefix: str
) -> None:
    fake = FakeIgnisign(token_lifetime=400.0)
    async with fake.client(token_store=_store(redis_server, prefix)) as client:
        await client.signature_profiles.list()
    token_key, _ = _keys(fake, prefix)
    admin = redis_server.client()
    exp = jwt_expiry(admin.get(token_key).decode())
    assert exp is not None
    # 400 s (399 to 400 once exp is rounded to a second) less a 60 s margin.
    assert 338_000 < admin.pttl(token_key) <= 340_000


async def test_a_warm_local_token_costs_no_store_round_trip(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    async with fake.client(token_store=_store(redis_server, prefix)) as client:
        await client.signature_profiles.list()
        redis_server.client().config_resetstat()
        for _ in range(20):
            await client.signature_profiles.list()
    commands = _commands(redis_server)
    assert {"get", "set", "evalsha", "eval"}.isdisjoint(commands), commands


async def test_concurrent_calls_of_one_client_make_one_store_flight(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    redis_server.client().config_resetstat()
    store = _store(redis_server, prefix)
    async with fake.client(token_store=store) as client, anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(client.signature_profiles.list)
    assert fake.auth_requests == 1
    commands = _commands(redis_server)
    # Read (empty), lock, read again, store the token; release the lock (a script whose own
    # GET is counted too).
    assert commands["get"] == 3
    assert commands["set"] == 2
    assert commands["del"] == 1


async def test_a_401_drops_the_stored_token_only_if_it_still_is_the_refused_one(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    store = _store(redis_server, prefix)
    token_key, _ = _keys(fake, prefix)
    admin = redis_server.client()
    async with fake.client(token_store=store) as a, fake.client(token_store=store) as b:
        await a.signature_profiles.list()
        await b.signature_profiles.list()
        first = admin.get(token_key)
        fake.revoke_tokens()
        await a.signature_profiles.list()  # 401: drops the stored token, fetches a new one
        second = admin.get(token_key)
        assert second is not None
        assert second != first
        assert fake.auth_requests == 2
        await b.signature_profiles.list()  # 401 on the old token: the new one stays, b takes it
        assert admin.get(token_key) == second
    assert fake.auth_requests == 2


async def test_a_crashed_owners_lock_frees_after_its_ttl(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    token_key, lock_key = _keys(fake, prefix)
    admin = redis_server.client()
    admin.set(lock_key, "owner-that-died", px=300)
    async with fake.client(token_store=_store(redis_server, prefix, lock_ttl=0.3)) as client:
        await client.signature_profiles.list()
    assert fake.auth_requests == 1
    assert admin.exists(token_key) == 1
    assert admin.exists(lock_key) == 0


async def test_a_lock_that_never_frees_holds_a_call_two_lock_lifetimes_at_most(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    token_key, lock_key = _keys(fake, prefix)
    admin = redis_server.client()
    admin.set(lock_key, "a-stuck-owner", px=60_000)
    async with fake.client(token_store=_store(redis_server, prefix, lock_ttl=0.2)) as client:
        await client.signature_profiles.list()
    assert fake.auth_requests == 1
    assert admin.get(lock_key) == b"a-stuck-owner"  # not ours: left alone
    assert admin.exists(token_key) == 0  # stored only under the lock


async def test_a_failed_fetch_releases_the_lock_for_the_next_one(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    _, lock_key = _keys(fake, prefix)
    fake.faults.fail_next(status=400, path="/v3/auth/app-api")
    async with fake.client(token_store=_store(redis_server, prefix)) as client:
        with pytest.raises(AuthenticationError):
            await client.signature_profiles.list()
        assert redis_server.client().exists(lock_key) == 0
        await client.signature_profiles.list()
    assert fake.auth_requests == 2


async def test_a_cancelled_fetch_releases_the_lock(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    _, lock_key = _keys(fake, prefix)
    admin = redis_server.client()
    fake.faults.delay(30.0, path="/v3/auth/app-api", count=1)
    async with fake.client(token_store=_store(redis_server, prefix)) as client:
        with anyio.move_on_after(5.0) as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.signature_profiles.list)
                while not admin.exists(lock_key):  # noqa: ASYNC110 (Redis has no anyio.Event)
                    await anyio.sleep(0.01)
                tg.cancel_scope.cancel()
        assert not scope.cancelled_caught
        assert admin.exists(lock_key) == 0


async def test_a_store_that_is_down_never_fails_a_call_and_logs_once(
    fake: FakeIgnisign, own_redis: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    own_redis.stop()
    store = _store(own_redis, prefix, timeout=1.0, retry_after=0.05)
    caplog.set_level(logging.DEBUG, logger="ignisign_async")
    for _ in range(3):
        async with fake.client(token_store=store) as client:
            await client.signature_profiles.list()
        await anyio.sleep(0.06)  # past retry_after: the next client tries the store again
    assert fake.auth_requests == 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "unavailable" in warnings[0].getMessage()
    assert "fetching tokens directly" in warnings[0].getMessage()
    retried = [r for r in caplog.records if "still unavailable" in r.getMessage()]
    assert len(retried) >= 2
    own_redis.start()
    async with fake.client(token_store=store) as a, fake.client(token_store=store) as b:
        await a.signature_profiles.list()
        await b.signature_profiles.list()
    assert fake.auth_requests == 4  # the store is used again: a fetched, b took a's token
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert not any(shows_token(r.getMessage()) for r in caplog.records)
    assert not any(fake.secret in r.getMessage() for r in caplog.records)


async def test_a_slow_store_never_holds_a_call(
    fake: FakeIgnisign, own_redis: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    admin = own_redis.client()
    store = _store(own_redis, prefix, timeout=0.1, retry_after=60.0)
    store.get("warm-up")  # connected before the server is paused
    admin.client_pause(3000)
    async with fake.client(token_store=store) as client:
        await client.signature_profiles.list()
        await client.signature_profiles.list()
    assert fake.auth_requests == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


async def test_one_memory_store_for_clients_on_their_own_loops(fake: FakeIgnisign) -> None:
    store = MemoryTokenStore()

    def in_a_thread() -> None:
        async def call() -> None:
            async with fake.client(token_store=store) as client:
                await client.signature_profiles.list()

        anyio.run(call)

    for _ in range(3):
        await anyio.to_thread.run_sync(in_a_thread)
    assert fake.auth_requests == 1


def test_bad_stores_are_refused_before_any_request(fake: FakeIgnisign) -> None:
    with pytest.raises(TypeError, match=r"ignisign_async\.TokenStore"):
        fake.client(token_store=object())
    store = MemoryTokenStore()
    store.timeout = 0.0
    with pytest.raises(ValueError, match="timeout"):
        fake.client(token_store=store)
    assert fake.requests == []
