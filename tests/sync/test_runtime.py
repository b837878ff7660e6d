"""Where sync calls run: threads, running event loops, the helper's own loop, fork, close."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator

import httpx
import pytest
import trio

from ignisign_async import AuthenticationError, Ignisign
from ignisign_async._sync.runtime import loop_free_transport
from ignisign_async.testing import FakeIgnisign
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt

AUTH = "/v3/auth/app-api"
PROFILES = f"/v3/applications/{APP_ID}/envs/{APP_ENV}/signature-profiles"
HEALTH = "/v3/healthcheck"


class Api:
    """Answers auth, health and profiles; records the thread and token of every call."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.auths = 0
        self.calls: list[tuple[str, str, str]] = []
        """(path, thread name, token) of every call but authentication."""
        self.rejected: set[str] = set()
        self.hook: Callable[[httpx.Request], None] | None = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        with self.lock:
            if path == AUTH:
                self.auths += 1
                return httpx.Response(200, json={"jwtToken": make_jwt(nonce=self.auths)})
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            self.calls.append((path, threading.current_thread().name, token))
        if token in self.rejected:
            return httpx.Response(401, json={"message": "expired", "code": "UNAUTHORIZED"})
        if self.hook is not None and path == PROFILES:
            self.hook(request)
        if path == HEALTH:
            return httpx.Response(200, json={"isAlive": True})
        return httpx.Response(200, json=[])

    def threads(self, path: str) -> list[str]:
        return [thread for p, thread, _ in self.calls if p == path]


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def client(api: Api) -> Iterator[Ignisign]:
    transport = httpx.MockTransport(api.handler)
    with Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport) as client:
        yield client


async def call_from_async_code(client: Ignisign) -> bool:
    return client.health().is_alive


def run_threads(count: int, target: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier, finished = threading.Barrier(count), threading.Barrier(count)

    def body() -> None:
        try:
            barrier.wait(10)
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            finished.wait(10)  # every thread lives until all are done: no loop reclaimed early

    threads = [threading.Thread(target=body, name=f"worker-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_eight_threads_fifty_calls_each_on_one_client(api: Api, client: Ignisign) -> None:
    def fifty() -> None:
        for _ in range(50):
            assert client.signature_profiles.list() == []

    assert run_threads(8, fifty) == []
    assert len(api.threads(PROFILES)) == 400
    assert {t: api.threads(PROFILES).count(t) for t in set(api.threads(PROFILES))} == {
        f"worker-{i}": 50 for i in range(8)
    }
    assert api.auths == 1  # eight cold threads at once, one token fetched
    assert len({token for _, _, token in api.calls}) == 1


def test_a_401_drops_the_token_for_every_thread(api: Api, client: Ignisign) -> None:
    assert run_threads(2, client.signature_profiles.list) == []
    first = api.calls[0][2]
    api.rejected.add(first)
    client.signature_profiles.list()  # 401, new token, replayed
    assert run_threads(2, client.signature_profiles.list) == []  # straight with the new one
    tokens = [token for _, _, token in api.calls]
    assert tokens.count(first) == 3
    assert api.auths == 2
    assert len(set(tokens)) == 2


def test_an_authentication_failure_reaches_every_waiting_thread() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "bad secret", "code": "FORBIDDEN"})

    transport = httpx.MockTransport(refuse)
    with Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport) as client:
        errors = run_threads(4, client.signature_profiles.list)
    assert len(errors) == 4
    assert all(isinstance(e, AuthenticationError) for e in errors)


def test_a_call_from_a_thread_running_an_asyncio_loop(api: Api, client: Ignisign) -> None:
    async def notebook_cell() -> bool:
        return client.health().is_alive  # blocking, inside a running loop

    assert asyncio.run(notebook_cell()) is True
    assert api.threads(HEALTH) == ["ignisign-sync"]


def test_a_call_from_trio(api: Api, client: Ignisign) -> None:
    async def main() -> list[object]:
        return client.signature_profiles.list()

    assert trio.run(main) == []
    assert api.threads(PROFILES) == ["ignisign-sync"]


def test_a_call_from_the_helper_loop_raises_instead_of_deadlocking(
    api: Api, client: Ignisign
) -> None:
    raised: list[BaseException] = []

    def call_back(request: httpx.Request) -> None:
        try:
            client.health()
        except RuntimeError as exc:
            raised.append(exc)

    api.hook = call_back

    async def from_async_code() -> object:
        return client.signature_profiles.list()  # runs on the helper: the hook is there too

    assert asyncio.run(from_async_code()) == []
    assert len(raised) == 1
    assert "called from its own event loop thread" in str(raised[0])
    assert api.threads(HEALTH) == []


def test_a_callback_inside_a_call_may_call_the_client(api: Api, client: Ignisign) -> None:
    answers: list[bool] = []
    api.hook = lambda request: answers.append(client.health().is_alive)
    assert client.signature_profiles.list() == []
    assert answers == [True]
    assert api.threads(PROFILES) == ["MainThread"]
    assert api.threads(HEALTH) == ["ignisign-sync"]  # this thread's loop was busy


def test_close_inside_a_call_is_refused(api: Api, client: Ignisign) -> None:
    raised: list[BaseException] = []

    def close(request: httpx.Request) -> None:
        try:
            client.close()
        except RuntimeError as exc:
            raised.append(exc)

    api.hook = close
    client.signature_profiles.list()
    assert "inside one of this client's own calls" in str(raised[0])
    assert client.health().is_alive


def test_close_releases_the_loops_of_every_thread_even_ended_ones(api: Api) -> None:
    transport = httpx.MockTransport(api.handler)
    client = Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport)
    assert run_threads(3, client.health) == []  # three threads, now ended
    asyncio.run(call_from_async_code(client))  # and the helper
    runtime = client._runtime
    loops = [slot.loop for slot in runtime._slots]
    assert runtime._helper_slot is not None
    helper = runtime._helper_slot.helper
    assert helper is not None
    assert len(loops) == 4  # the constructing thread's and the three workers'
    client.close()
    assert all(loop.is_closed() for loop in loops)
    assert helper.loop.is_closed()
    assert not helper.thread.is_alive()
    client.close()  # idempotent


def test_loops_of_ended_threads_are_reclaimed_by_the_next_new_thread(
    api: Api, client: Ignisign
) -> None:
    assert run_threads(3, client.health) == []
    ended = [slot.loop for slot in client._runtime._slots][1:]
    assert run_threads(1, client.health) == []
    assert all(loop.is_closed() for loop in ended)
    assert len(client._runtime._slots) == 2


def test_close_from_async_code(api: Api) -> None:
    transport = httpx.MockTransport(api.handler)
    client = Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport)
    assert client.health().is_alive
    loop = client._runtime._slots[0].loop

    async def shutdown() -> None:
        client.close()

    asyncio.run(shutdown())
    assert loop.is_closed()
    assert client.state.value == "CLOSED"


def test_an_iterator_belongs_to_the_thread_that_opened_it(api: Api, client: Ignisign) -> None:
    walk = client.signature_requests.iter_all()
    errors = run_threads(1, lambda: next(walk))
    assert len(errors) == 1
    assert isinstance(errors[0], RuntimeError)
    assert "it was opened in thread 'MainThread'" in str(errors[0])


def test_calls_in_other_threads_finish_before_close(api: Api) -> None:
    entered, release, closing = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def slow(request: httpx.Request) -> None:
        entered.set()
        assert release.wait(10)
        order.append("answered")

    def close() -> None:
        closing.set()
        client.close()
        order.append("closed")

    api.hook = slow
    transport = httpx.MockTransport(api.handler)
    client = Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport)
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(client.signature_profiles.list()))
    worker.start()
    assert entered.wait(10)
    closer = threading.Thread(target=close)
    closer.start()
    assert closing.wait(10)  # the closer runs...
    assert closer.is_alive()  # ...and waits for the call in flight
    release.set()
    worker.join(10)
    closer.join(10)
    assert order == ["answered", "closed"]
    assert results == [[]]
    assert client.state.value == "CLOSED"


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="POSIX signals only")
def test_ctrl_c_during_a_call_cancels_it_and_leaves_the_client_usable(api: Api) -> None:
    cancelled: list[bool] = []
    stuck = {AUTH}  # the token fetch hangs, until Ctrl-C

    async def slow(request: httpx.Request) -> httpx.Response:
        if request.url.path not in stuck:
            return api.handler(request)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return api.handler(request)

    transport = httpx.MockTransport(slow)
    with Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport) as client:
        main = threading.get_ident()
        timer = threading.Timer(0.2, signal.pthread_kill, (main, signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                client.signature_profiles.list()
        finally:
            timer.join()
        assert cancelled == [True]  # the call was cancelled, not left pending in the loop
        stuck.clear()
        assert client.signature_profiles.list() == []  # no token fetch left hanging either
        assert api.auths == 1


def in_child(body: Callable[[], bool]) -> int:
    """Fork; the child runs ``body`` under a 20 s alarm and exits 0 if it returned True."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            signal.alarm(20)
            code = 0 if body() else 3
        except BaseException as exc:
            print(f"child failed: {exc!r}", file=sys.stderr)
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.01)


posix_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")


@posix_fork
def test_fork_then_call_in_the_child(api: Api, client: Ignisign) -> None:
    assert client.health().is_alive  # the parent has a loop and a pool in this thread
    assert asyncio.run(call_from_async_code(client))  # and a helper thread

    def child() -> bool:
        fresh = client.health().is_alive and client.signature_profiles.list() == []
        helped = asyncio.run(call_from_async_code(client))  # a new helper thread
        gc.collect()  # never finalizes what the parent left behind
        client.close()
        return fresh and helped

    assert in_child(child) == 0
    assert client.health().is_alive  # the parent's loops and pool are untouched
    assert api.threads(HEALTH) == ["MainThread", "ignisign-sync", "MainThread"]


@posix_fork
def test_a_callers_http_client_is_refused_after_fork(api: Api) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(api.handler))
    with Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, http_client=http) as client:
        assert client.health().is_alive

        def child() -> bool:
            with pytest.raises(RuntimeError, match=r"cannot be used after os\.fork"):
                client.health()
            client.close()  # nothing of the parent's is cleaned up
            return client.state.value == "CLOSED"

        assert in_child(child) == 0
        assert client.health().is_alive
    assert api.threads(HEALTH) == ["ignisign-sync", "ignisign-sync"]


class LoopFreeTransport(httpx.AsyncBaseTransport):
    """A transport of a caller's that declares itself usable from several event loops."""

    loop_free = True


@pytest.mark.parametrize(
    ("transport", "in_place"),
    [
        (None, True),
        (httpx.MockTransport(lambda r: httpx.Response(200)), True),
        (FakeIgnisign().transport, True),
        (LoopFreeTransport(), True),  # says so with its class attribute
        (httpx.AsyncHTTPTransport(), False),  # its pool is bound to the loop that opened it
        (httpx.ASGITransport(app=lambda *a: None), False),  # the app may be loop-bound
    ],
)
def test_which_transports_run_in_each_thread(
    transport: httpx.AsyncBaseTransport | None, in_place: bool
) -> None:
    assert loop_free_transport(transport, None) is in_place
    assert loop_free_transport(None, httpx.AsyncClient()) is False
