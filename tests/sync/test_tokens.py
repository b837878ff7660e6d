"""One token for every thread of a sync client: shared, numbered, dropped everywhere on 401."""

from __future__ import annotations

import asyncio
import threading
import time

from ignisign_async._sync.tokens import SharedTokens, ThreadSharedTokenManager
from tests.conftest import make_jwt

T1, T2 = make_jwt(nonce=1), make_jwt(nonce=2)


def test_clients_share_the_token_and_its_fetch_number() -> None:
    issued = iter([T1, T2])

    async def fetch() -> str:
        return next(issued)

    shared = SharedTokens()
    a = ThreadSharedTokenManager(fetch, shared)
    b = ThreadSharedTokenManager(fetch, shared)

    async def scenario() -> None:
        assert await a.get() == T1
        assert await b.get() == T1
        assert (a.auth_count, b.auth_count, a.fetches, b.fetches) == (1, 0, 1, 1)
        mark = b.fetches
        b.invalidate(T1)  # a 401 answered to b's call
        assert b.fetched_since(mark) is False  # b's token predates the 401
        assert await a.get() == T2  # a never replays the refused token
        assert await b.get() == T2
        assert b.fetched_since(mark) is True
        assert (a.auth_count, b.auth_count, shared.fetches) == (2, 0, 2)
        assert b.redact(f"x {T2} y") == "x [redacted] y"  # what b's error messages redact

    asyncio.run(scenario())
    assert repr(shared) == "<SharedTokens token held>"


def test_a_fetch_in_flight_serves_the_threads_waiting_for_it() -> None:
    started, release = threading.Event(), threading.Event()
    fetched: list[str] = []

    async def slow_fetch() -> str:
        fetched.append(threading.current_thread().name)
        started.set()
        await asyncio.to_thread(release.wait, 10)
        return T1

    shared = SharedTokens()
    got: list[str] = []

    def thread_body() -> None:
        manager = ThreadSharedTokenManager(slow_fetch, shared)
        got.append(asyncio.run(manager.get()))

    first = threading.Thread(target=thread_body, name="first")
    first.start()
    assert started.wait(10)
    others = [threading.Thread(target=thread_body, name=f"other-{i}") for i in range(3)]
    for thread in others:
        thread.start()
    deadline = time.monotonic() + 10
    while shared.waiting != 3:  # all three now wait
        assert time.monotonic() < deadline
        time.sleep(0.001)
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert got == [T1] * 4
    assert fetched == ["first"]
