"""One token for a whole fleet: :class:`RedisTokenStore`, a token store on redis-py.

The store uses redis-py's *blocking* client, which the SDK calls from a worker thread
(``anyio.to_thread``) on asyncio and Trio alike: redis-py's asyncio client is bound to one
asyncio loop, and a token store is shared by every loop of a process (the sync facade runs one
per thread). Only a missing or due token reaches the store, so the thread hop costs nothing on
the path of an ordinary call.

* a token is ``SET key value PX ttl``; the fleet's lock is ``SET lock owner NX PX ttl``;
* the lock is released, and a token refused by the API dropped, by a compare-and-delete Lua
  script: only while the key still holds the owner (the token), never someone else's;
* redis-py's own socket timeouts are set to the store's ``timeout`` when it builds the client
  from a URL, so a worker thread never outlives a slow server by much.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any, Final, final

from ._token_store import DEFAULT_LOCK_TTL, DEFAULT_RETRY_AFTER, DEFAULT_TIMEOUT, check_settings

if TYPE_CHECKING:
    import redis

__all__ = ["RedisTokenStore"]

_COMPARE_AND_DELETE: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

_MISSING_REDIS: Final = "RedisTokenStore needs redis-py: pip install 'ignisign-async[redis]'"


def _import_redis() -> Any:
    try:
        import redis
    except ImportError as exc:
        raise ImportError(_MISSING_REDIS) from exc
    return redis


def _is_asyncio_client(candidate: object) -> bool:
    asyncio_redis = sys.modules.get("redis.asyncio")  # not imported: no such client exists
    return asyncio_redis is not None and isinstance(
        candidate, (asyncio_redis.Redis, asyncio_redis.RedisCluster)
    )


def _milliseconds(ttl: float) -> int:
    return max(1, math.ceil(ttl * 1000.0))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


@final
class RedisTokenStore:
    """A :class:`~ignisign_async.TokenStore` on Redis: one token per application and
    environment for every process and host that uses the same server::

        store = RedisTokenStore("redis://redis.internal:6379/0")
        client = AsyncIgnisign(token_store=store)      # or Ignisign(token_store=store)

    ``url_or_client`` is a ``redis://`` / ``rediss://`` / ``unix://`` URL or a ready
    ``redis.Redis`` (or ``redis.cluster.RedisCluster``) client -- the blocking one, not
    ``redis.asyncio``'s. Keys read ``<prefix>:<app_env>:<app_id>:token`` (and ``:lock``).
    ``timeout`` bounds each operation, ``lock_ttl`` how long one token fetch may hold the
    fleet's lock, ``retry_after`` how long a failing server is left alone. A client you pass
    keeps its own socket timeouts: give it ``socket_timeout`` (a worker thread waits that long on
    a server that stopped answering, even after the call moved on).
    """

    __slots__ = (
        "__weakref__",
        "_client",
        "_compare_and_delete",
        "_prefix",
        "lock_ttl",
        "retry_after",
        "timeout",
    )

    def __init__(
        self,
        url_or_client: str | redis.Redis | redis.cluster.RedisCluster,
        *,
        prefix: str = "ignisign",
        timeout: float = DEFAULT_TIMEOUT,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        retry_after: float = DEFAULT_RETRY_AFTER,
    ) -> None:
        check_settings(timeout=timeout, lock_ttl=lock_ttl, retry_after=retry_after)
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str, got {type(prefix).__name__}")
        redis_ = _import_redis()
        if isinstance(url_or_client, str):
            if not url_or_client.startswith(("redis://", "rediss://", "unix://")):
                raise ValueError("the Redis URL must start with redis://, rediss:// or unix://")
            client = redis_.Redis.from_url(
                url_or_client, socket_timeout=timeout, socket_connect_timeout=timeout
            )
        elif isinstance(url_or_client, (redis_.Redis, redis_.cluster.RedisCluster)):
            client = url_or_client
        elif _is_asyncio_client(url_or_client):
            raise TypeError(
                "RedisTokenStore takes redis-py's blocking client (redis.Redis), not "
                "redis.asyncio's: the SDK runs it in a worker thread, on asyncio and Trio alike"
            )
        else:
            raise TypeError(
                "url_or_client must be a Redis URL or a redis.Redis client, "
                f"got {type(url_or_client).__name__}"
            )
        self._client = client
        self._prefix = prefix + ":" if prefix else ""
        self._compare_and_delete = client.register_script(_COMPARE_AND_DELETE)
        self.timeout = float(timeout)
        self.lock_ttl = float(lock_ttl)
        self.retry_after = float(retry_after)

    def __repr__(self) -> str:
        # Where the server is, never its password (the URL's userinfo is not kept).
        kwargs = getattr(self._client, "connection_pool", None)
        where = "cluster"
        if kwargs is not None:
            conn = kwargs.connection_kwargs
            where = conn.get("path") or f"{conn.get('host', '?')}:{conn.get('port', '?')}"
            where = f"{where} db={conn.get('db', 0)}"
        return f"<RedisTokenStore {where} prefix={self._prefix[:-1]!r}>"

    @property
    def prefix(self) -> str:
        """What every key starts with (followed by ``:``)."""
        return self._prefix[:-1]

    def get(self, key: str) -> str | None:
        return _text(self._client.get(self._prefix + key))

    def put(self, key: str, value: str, ttl: float) -> None:
        self._client.set(self._prefix + key, value, px=_milliseconds(ttl))

    def put_if_absent(self, key: str, value: str, ttl: float) -> bool:
        return bool(self._client.set(self._prefix + key, value, px=_milliseconds(ttl), nx=True))

    def delete_if_equal(self, key: str, value: str) -> bool:
        return bool(self._compare_and_delete(keys=[self._prefix + key], args=[value]))
