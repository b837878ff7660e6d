"""Each point where an exchange can break, on both backends, over a raw socket on 127.0.0.1.

The no-duplicate rule stands on one classification: a failure before any byte of the request left
(refused connect, connect or pool timeout) may be re-sent; any later one (reset, close, half an
answer, a stall) may have reached the server, so a non-idempotent call is never re-sent after it.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from ignisign_async import APIConnectionError, APITimeoutError
from ignisign_async._backends import backend_transport
from ignisign_async._retry import RetryPolicy, never_sent
from ignisign_async._routes import Route

from .conftest import sdk
from .rawserver import (
    Behaviour,
    RawServer,
    answer_in_part,
    answer_ok,
    close_after_body,
    half_a_head,
    half_an_answer,
    raw_server,
    reset_before_body,
    stall,
    stop_reading,
)

POST = Route("POST", "/v3/things", authenticated=False)
GET = Route("GET", "/v3/things", authenticated=False)
TIMEOUT = httpx.Timeout(5.0, read=0.3, pool=0.3)

AFTER_SENDING: list[Behaviour] = [
    reset_before_body,
    close_after_body,
    half_an_answer,
    half_a_head,
    stall,
]


def raw_http(http_backend: str, limits: httpx.Limits | None = None) -> httpx.AsyncClient:
    """Plain httpx on the backend's pool: what the SDK stands on, without its retries."""
    transport = backend_transport(http_backend, limits or httpx.Limits())
    if transport is None:
        return httpx.AsyncClient(timeout=TIMEOUT, limits=limits or httpx.Limits())
    return httpx.AsyncClient(transport=transport, timeout=TIMEOUT)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, retry_index: 0.0)


# -- the transports' classification -------------------------------------------------------------


async def test_a_refused_connect_sent_nothing(http_backend: str) -> None:
    with raw_server(answer_ok, listening=False) as server:
        async with raw_http(http_backend) as http:
            with pytest.raises(httpx.ConnectError) as info:
                await http.post(server.url + "/x", content=b"{}")
    assert never_sent(info.value)


@pytest.mark.parametrize("behaviour", AFTER_SENDING, ids=lambda b: b.__name__)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_failure_after_sending_may_have_arrived(
    http_backend: str, behaviour: Behaviour, method: str
) -> None:
    with raw_server(behaviour) as server:
        async with raw_http(http_backend) as http:
            with pytest.raises(httpx.TransportError) as info:
                await http.request(method, server.url + "/x", content=b'{"n": 1}' * 100)
    assert not never_sent(info.value)
    assert isinstance(info.value, httpx.ReadTimeout) == (behaviour is stall)
    assert len(server.requests) == 1  # the backend itself sent it once, however it failed


async def test_a_stream_cut_short_is_a_read_error(http_backend: str) -> None:
    with raw_server(half_an_answer) as server:
        async with raw_http(http_backend) as http, http.stream("GET", server.url) as response:
            assert response.status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):
                await response.aread()


async def test_waiting_for_a_pooled_connection_times_out_as_a_pool_timeout(
    http_backend: str,
) -> None:
    with raw_server(answer_in_part) as server:
        limits = httpx.Limits(max_connections=1)
        async with raw_http(http_backend, limits) as http, http.stream("GET", server.url):
            # aiohttp bounds the wait for a pooled connection and the connect with one timeout
            waited = httpx.PoolTimeout if http_backend == "httpx" else httpx.ConnectTimeout
            with pytest.raises(waited) as info:
                await http.post(server.url + "/x", content=b"{}")
    assert never_sent(info.value)
    assert len(server.requests) == 1


@pytest.fixture
def full_backlog() -> Iterator[str]:
    """A listening socket whose accept queue is full: a new connection hangs in its handshake."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        for sock in [*fillers, listener]:
            sock.close()


async def test_a_connect_that_hangs_times_out_as_a_connect_timeout(
    http_backend: str, full_backlog: str
) -> None:
    async with raw_http(http_backend) as http:
        with pytest.raises(httpx.ConnectTimeout) as info:
            await http.post(full_backlog, content=b"{}", timeout=httpx.Timeout(5, connect=0.3))
    assert never_sent(info.value)


# -- the SDK on top: sent once, or re-sent when it provably never left --------------------------


@pytest.mark.parametrize("behaviour", AFTER_SENDING, ids=lambda b: b.__name__)
async def test_a_post_that_may_have_arrived_is_sent_once(
    http_backend: str, behaviour: Behaviour, no_backoff: None
) -> None:
    with raw_server(behaviour) as server:
        async with sdk(http_backend, server.url, max_retries=5, timeout=TIMEOUT) as client:
            with pytest.raises(APIConnectionError) as info:
                await client._request(POST, json={"firstName": "Ada"})
    assert isinstance(info.value, APITimeoutError) == (behaviour is stall)
    assert len(server.requests) == 1


@pytest.mark.parametrize("behaviour", AFTER_SENDING, ids=lambda b: b.__name__)
async def test_a_get_is_retried_after_any_failure(
    http_backend: str, behaviour: Behaviour, no_backoff: None
) -> None:
    with raw_server(behaviour) as server:
        async with sdk(http_backend, server.url, max_retries=2, timeout=TIMEOUT) as client:
            with pytest.raises(APIConnectionError):
                await client._request(GET)
    assert len(server.requests) == 3


async def test_a_post_refused_at_connect_is_resent(
    http_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = RawServer(answer_ok, listening=False)

    def backoff(self: RetryPolicy, retry_index: int) -> float:
        if retry_index == 0:
            server.listen()  # the server comes up after the first refusal
        return 0.0

    monkeypatch.setattr(RetryPolicy, "backoff", backoff)
    try:
        async with sdk(http_backend, server.url, max_retries=2, timeout=TIMEOUT) as client:
            await client._request(POST, json={"firstName": "Ada"})
    finally:
        server.close()
    assert len(server.requests) == 1


async def test_the_creating_calls_are_sent_once_when_the_server_closes_after_the_body(
    http_backend: str, no_backoff: None, tmp_path: object
) -> None:
    """What httpx-aiohttp alone got wrong: each of these was sent 6 times with max_retries=5."""
    with raw_server(close_after_body) as server:
        async with sdk(http_backend, server.url, max_retries=5, timeout=TIMEOUT) as client:
            with pytest.raises(APIConnectionError):
                await client.signers.create(signature_profile_id="p1", first_name="Ada")
            with pytest.raises(APIConnectionError):
                await client.documents.provide_file("d1", b"%PDF-1.7 " * 1000, file_name="a.pdf")
            with pytest.raises(APIConnectionError):
                await client.webhooks.check_token("token-1")
    assert len(server.requests) == 3
    assert [head.split(b" ")[0] for head in server.requests] == [b"POST"] * 3


async def _big_body() -> AsyncIterator[bytes]:
    block = b"%" * (1 << 20)
    for _ in range(64):
        yield block


async def test_an_upload_the_server_stops_reading_times_out_as_a_write_timeout(
    http_backend: str,
) -> None:
    with raw_server(stop_reading) as server:
        async with raw_http(http_backend) as http:
            with pytest.raises(httpx.WriteTimeout) as info:
                await http.post(
                    server.url, content=_big_body(), timeout=httpx.Timeout(5, write=0.3)
                )
    assert not never_sent(info.value)


async def test_an_upload_that_stalls_is_sent_once(http_backend: str, no_backoff: None) -> None:
    timeout = httpx.Timeout(5.0, write=0.3)
    with raw_server(stop_reading) as server:
        async with sdk(http_backend, server.url, max_retries=3, timeout=timeout) as client:
            with pytest.raises(APITimeoutError):
                await client.documents.provide_file("d1", b"%" * (64 << 20), file_name="a.pdf")
    assert len(server.requests) == 1
