"""The TokenStore contract: MemoryTokenStore, and RedisTokenStore on a real redis-server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import redis
import redis.asyncio

import ignisign_async
from ignisign_async import MemoryTokenStore, RedisTokenStore, TokenStore
from tests.fleet.conftest import RedisServer

Store = MemoryTokenStore | RedisTokenStore


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, prefix: str) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryTokenStore()
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        yield RedisTokenStore(server.url, prefix=prefix, timeout=5.0)


def _until(condition: Callable[[], bool]) -> bool:
    for _ in range(500):
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_both_stores_implement_the_protocol(redis_server: RedisServer) -> None:
    assert isinstance(MemoryTokenStore(), TokenStore)
    assert isinstance(RedisTokenStore(redis_server.url), TokenStore)
    assert not isinstance(object(), TokenStore)
    assert repr(TokenStore).startswith("<class 'ignisign_async.TokenStore")
    assert ignisign_async.RedisTokenStore.__module__ == "ignisign_async"


def test_get_put_and_expiry(store: Store) -> None:
    assert store.get("DEVELOPMENT:appId_x:token") is None
    store.put("DEVELOPMENT:appId_x:token", "t1", 30.0)
    assert store.get("DEVELOPMENT:appId_x:token") == "t1"
    store.put("DEVELOPMENT:appId_x:token", "t2", 30.0)
    assert store.get("DEVELOPMENT:appId_x:token") == "t2"
    store.put("short", "v", 0.05)
    assert _until(lambda: store.get("short") is None)


def test_put_if_absent_is_a_lock(store: Store) -> None:
    assert store.put_if_absent("lock", "owner-a", 30.0) is True
    assert store.put_if_absent("lock", "owner-b", 30.0) is False
    assert store.get("lock") == "owner-a"
    store.put("brief", "x", 0.05)
    assert _until(lambda: store.put_if_absent("brief", "owner-c", 30.0))
    assert store.get("brief") == "owner-c"


def test_delete_if_equal_deletes_only_the_same_value(store: Store) -> None:
    store.put("k", "mine", 30.0)
    assert store.delete_if_equal("k", "someone-else") is False
    assert store.get("k") == "mine"
    assert store.delete_if_equal("k", "mine") is True
    assert store.get("k") is None
    assert store.delete_if_equal("k", "mine") is False


def test_redis_keys_carry_the_prefix(redis_server: RedisServer, prefix: str) -> None:
    store = RedisTokenStore(redis_server.url, prefix=prefix)
    store.put("DEVELOPMENT:appId_x:token", "t", 30.0)
    admin = redis_server.client()
    assert admin.get(f"{prefix}:DEVELOPMENT:appId_x:token") == b"t"
    assert 0 < admin.pttl(f"{prefix}:DEVELOPMENT:appId_x:token") <= 30_000
    assert store.prefix == prefix
    assert RedisTokenStore(redis_server.url).prefix == "ignisign"


def test_redis_store_takes_a_ready_client(redis_server: RedisServer, prefix: str) -> None:
    client = redis_server.client(decode_responses=True)
    store = RedisTokenStore(client, prefix=prefix)
    store.put("k", "v", 30.0)
    assert store.get("k") == "v"
    assert store.delete_if_equal("k", "v") is True


def test_repr_never_shows_the_password(redis_server: RedisServer) -> None:
    store = RedisTokenStore(f"redis://:hunter2-secret@127.0.0.1:{redis_server.port}/3")
    text = repr(store)
    assert "hunter2" not in text
    assert text == f"<RedisTokenStore 127.0.0.1:{redis_server.port} db=3 prefix='ignisign'>"


def test_redis_store_refuses_bad_arguments(redis_server: RedisServer) -> None:
    with pytest.raises(ValueError, match="redis://"):
        RedisTokenStore("http://127.0.0.1:6379")
    with pytest.raises(TypeError, match=r"Redis URL or a redis\.Redis client"):
        RedisTokenStore(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="blocking client"):
        RedisTokenStore(redis.asyncio.Redis())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="prefix"):
        RedisTokenStore(redis_server.url, prefix=None)  # type: ignore[arg-type]
    for name in ("timeout", "lock_ttl", "retry_after"):
        for bad in (0, -1.0, True, "1"):
            with pytest.raises(ValueError, match=name):
                RedisTokenStore(redis_server.url, **{name: bad})  # type: ignore[arg-type]
            with pytest.raises(ValueError, match=name):
                MemoryTokenStore(**{name: bad})  # type: ignore[arg-type]


def test_memory_store_repr_counts_live_keys() -> None:
    store = MemoryTokenStore()
    store.put("a", "secret-token-value", 30.0)
    assert repr(store) == "<MemoryTokenStore 1 live key(s)>"
