"""The sync facade on a token store: its threads share the token through the facade's ledger,
and the ledger takes it from the store (one store flight for every thread of a process)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from ignisign_async import Ignisign, RedisTokenStore
from ignisign_async.testing import FakeIgnisign
from tests.fleet.conftest import RedisServer, served


def _in_threads(count: int, work: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run() -> None:
        try:
            barrier.wait(30)
            work()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_two_facades_and_their_threads_share_one_token(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    store = RedisTokenStore(redis_server.url, prefix=prefix, timeout=5.0)
    with fake.sync_client(token_store=store) as a, fake.sync_client(token_store=store) as b:
        assert isinstance(a, Ignisign)

        def work() -> None:
            a.signature_profiles.list()
            b.signature_profiles.list()

        assert _in_threads(8, work) == []
        assert fake.auth_requests == 1

        fake.revoke_tokens()
        assert _in_threads(8, work) == []
        assert fake.auth_requests == 2
    token = redis_server.client().get(f"{prefix}:{fake.app_env}:{fake.app_id}:token")
    assert token is not None


def test_a_forked_worker_takes_the_stored_token(
    fake: FakeIgnisign, redis_server: RedisServer, prefix: str
) -> None:
    """gunicorn --preload: the client is built before the fork, the workers share its token."""
    store = RedisTokenStore(redis_server.url, prefix=prefix, timeout=5.0)
    with (
        served(fake) as url,
        Ignisign(
            app_id=fake.app_id,
            app_env=fake.app_env,
            secret=fake.secret,
            base_url=url,
            token_store=store,
        ) as client,
    ):
        client.signature_profiles.list()
        pid = os.fork()
        if pid == 0:  # the worker: a fresh loop and pool, the token from Redis
            code = 1
            try:
                client.signature_profiles.list()
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert fake.auth_requests == 1


def test_a_facade_whose_store_is_down_still_works(
    fake: FakeIgnisign, own_redis: RedisServer, prefix: str
) -> None:
    own_redis.stop()
    store = RedisTokenStore(own_redis.url, prefix=prefix, timeout=1.0)
    with fake.sync_client(token_store=store) as client:
        assert _in_threads(4, client.signature_profiles.list) == []
        # The facade's ledger still makes its threads share one token.
        assert fake.auth_requests == 1
