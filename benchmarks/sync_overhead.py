"""What the sync facade costs over the async core, on the same in-process transport.

Every contender makes the same call, ``signature_requests.get`` answering the ~6 KB context of
``_payloads``, through its own ``httpx.MockTransport`` over the same handler (no socket: the
facade's own cost stands out). Rounds alternate the contenders (A B C D A B C D ...); each call is
timed alone; the figure kept is the median over every call of every round.

* ``async``: ``await client.signature_requests.get(...)`` on an asyncio loop (the core);
* ``sync``: ``Ignisign(...).signature_requests.get(...)``: design (b) of DESIGN.md section 7, a
  private event loop in the calling thread (``run_until_complete``), what the facade does;
* ``portal``: design (a), the async client in an anyio blocking portal (``portal.call``);
* ``threadsafe``: design (a) without anyio, ``asyncio.run_coroutine_threadsafe`` to a loop thread
  (what the facade's helper thread does for calls made from a running event loop).

Streaming: a body read with ``stream.iter_bytes()`` (64 KiB chunks), sync (``for``) against
async (``async for``), rounds alternating, MB/s of the median round:

* in process (``DOWNLOAD_MIB`` MiB from the mock): no I/O at all, the worst case for the facade,
  whose every loop step (~7 µs) then weighs as much as a chunk;
* over loopback (``LOOPBACK_MIB`` MiB from ``benchmarks.download``'s uvicorn server in a child
  process, each client with its own default connection pool): where the bar is judged.

Run alone with::

    python -m benchmarks.sync_overhead [rounds]
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, Final

import anyio.from_thread
import httpx

from ignisign_async import AsyncIgnisign, Ignisign

from ._payloads import APP_ENV, APP_ID, SECRET, SIGNATURE_REQUEST_ID, SR_CONTEXT_BYTES, make_jwt
from .download import document_id

__all__ = ["bench_sync_overhead", "OVERHEAD_BAR_US", "STREAM_BAR"]

OVERHEAD_BAR_US: Final = 100.0
"""DESIGN.md section 9: the facade adds at most this much per call (median)."""
STREAM_BAR: Final = 0.8
"""The issue: the facade streams at least this fraction of the async path's throughput."""
CALLS_PER_ROUND: Final = 200
ROUNDS: Final = 10
DOWNLOAD_MIB: Final = 64
LOOPBACK_MIB: Final = 256
CHUNK: Final = 64 * 1024
_BLOCK: Final = b"\x5a" * CHUNK
_DOCUMENT: Final = "doc-bench"
_ROOT: Final = Path(__file__).resolve().parent.parent


class _Body(httpx.AsyncByteStream):
    def __init__(self, size: int) -> None:
        self._size = size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        left = self._size
        while left > 0:
            yield _BLOCK if left >= CHUNK else _BLOCK[:left]
            left -= CHUNK


def _handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/v3/auth/app-api":
        return httpx.Response(200, json={"jwtToken": make_jwt()})
    if path.endswith("/signature-proof"):
        size = DOWNLOAD_MIB << 20
        headers = {"content-type": "application/pdf", "content-length": str(size)}
        return httpx.Response(200, headers=headers, stream=_Body(size))
    return httpx.Response(
        200, content=SR_CONTEXT_BYTES, headers={"content-type": "application/json"}
    )


def _arguments() -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "app_env": APP_ENV,
        "secret": SECRET,
        "transport": httpx.MockTransport(_handler),
        "max_retries": 0,
    }


async def _make_async() -> AsyncIgnisign:
    return AsyncIgnisign(**_arguments())


async def _timed_async_calls(client: AsyncIgnisign, count: int) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        await client.signature_requests.get(SIGNATURE_REQUEST_ID)
        out.append(time.perf_counter() - started)
    return out


def _timed_calls(call: Callable[[], object], count: int) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


async def _read_async(client: AsyncIgnisign, document: str) -> int:
    size = 0
    async with client.proofs.stream_signature_proof(document) as stream:
        async for chunk in stream.iter_bytes():
            size += len(chunk)
    return size


def _read_sync(client: Ignisign, document: str) -> int:
    size = 0
    with client.proofs.stream_signature_proof(document) as stream:
        for chunk in stream.iter_bytes():
            size += len(chunk)
    return size


def _streams(
    loop: asyncio.AbstractEventLoop,
    core: AsyncIgnisign,
    facade: Ignisign,
    *,
    document: str,
    size: int,
    rounds: int,
) -> tuple[float, float]:
    """MB/s of the median round: (async, sync), rounds alternating, a warm-up round each."""
    contenders = [
        lambda: loop.run_until_complete(_read_async(core, document)),
        lambda: _read_sync(facade, document),
    ]
    times: list[list[float]] = [[], []]
    for round_ in range(rounds + 1):
        for index in (0, 1) if round_ % 2 else (1, 0):
            gc.collect()
            started = time.perf_counter()
            assert contenders[index]() == size
            if round_:
                times[index].append(time.perf_counter() - started)
    return size / statistics.median(times[0]) / 1e6, size / statistics.median(times[1]) / 1e6


def _loopback(rounds: int) -> tuple[float, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.download", "--serve"],
        cwd=_ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        base_url = f"http://127.0.0.1:{int(server.stdout.readline())}"
        options: dict[str, Any] = {
            "app_id": APP_ID,
            "app_env": APP_ENV,
            "secret": SECRET,
            "base_url": base_url,
        }
        loop = asyncio.new_event_loop()

        async def make() -> AsyncIgnisign:
            return AsyncIgnisign(**options)

        core = loop.run_until_complete(make())
        try:
            with Ignisign(**options) as facade:
                size = LOOPBACK_MIB << 20
                return _streams(
                    loop, core, facade, document=document_id(size), size=size, rounds=rounds
                )
        finally:
            loop.run_until_complete(core.aclose())
            loop.close()
    finally:
        server.terminate()
        server.wait(10)


def bench_sync_overhead(
    *,
    rounds: int = ROUNDS,
    calls: int = CALLS_PER_ROUND,
    stream_rounds: int = 7,
    loopback: bool = True,
) -> dict[str, float]:
    """Median µs per call of each contender, the facade's overhead, and streaming MB/s.

    Keys: ``async_us``, ``sync_us``, ``portal_us``, ``threadsafe_us``; ``sync_overhead_us``,
    ``portal_overhead_us``, ``threadsafe_overhead_us`` (each minus ``async_us``);
    ``stream_inprocess_async_mbps``, ``stream_inprocess_sync_mbps``, ``stream_inprocess_ratio``;
    with ``loopback``, the same three ``stream_loopback_*`` keys, and ``stream_ratio`` (the
    ratio the bar judges: loopback, else in process).
    """
    loop = asyncio.new_event_loop()
    core = loop.run_until_complete(_make_async())
    facade = Ignisign(**_arguments())
    helper_loop = asyncio.new_event_loop()
    helper = threading.Thread(target=helper_loop.run_forever, daemon=True)
    helper.start()

    def on_helper(coro: Coroutine[Any, Any, AsyncIgnisign]) -> AsyncIgnisign:
        return asyncio.run_coroutine_threadsafe(coro, helper_loop).result()

    remote = on_helper(_make_async())
    times: dict[str, list[float]] = {"async": [], "sync": [], "portal": [], "threadsafe": []}
    try:
        with anyio.from_thread.start_blocking_portal() as portal:
            in_portal = portal.call(_make_async)
            contenders: dict[str, Callable[[int], list[float]]] = {
                "async": lambda n: loop.run_until_complete(_timed_async_calls(core, n)),
                "sync": lambda n: _timed_calls(
                    lambda: facade.signature_requests.get(SIGNATURE_REQUEST_ID), n
                ),
                "portal": lambda n: _timed_calls(
                    lambda: portal.call(in_portal.signature_requests.get, SIGNATURE_REQUEST_ID), n
                ),
                "threadsafe": lambda n: _timed_calls(
                    lambda: asyncio.run_coroutine_threadsafe(
                        remote.signature_requests.get(SIGNATURE_REQUEST_ID), helper_loop
                    ).result(),
                    n,
                ),
            }
            for run in contenders.values():  # warm-up: tokens, pools, caches
                run(20)
            for _ in range(rounds):
                for name, run in contenders.items():
                    gc.collect()
                    times[name] += run(calls)
            portal.call(in_portal.aclose)
        size = DOWNLOAD_MIB << 20
        streams = _streams(loop, core, facade, document=_DOCUMENT, size=size, rounds=stream_rounds)
    finally:
        facade.close()
        loop.run_until_complete(core.aclose())
        loop.close()
        on_helper_close = asyncio.run_coroutine_threadsafe(remote.aclose(), helper_loop)
        on_helper_close.result()
        helper_loop.call_soon_threadsafe(helper_loop.stop)
        helper.join()
        helper_loop.close()

    us = {name: statistics.median(samples) * 1e6 for name, samples in times.items()}
    figures = {
        "async_us": us["async"],
        "sync_us": us["sync"],
        "portal_us": us["portal"],
        "threadsafe_us": us["threadsafe"],
        "sync_overhead_us": us["sync"] - us["async"],
        "portal_overhead_us": us["portal"] - us["async"],
        "threadsafe_overhead_us": us["threadsafe"] - us["async"],
        "stream_inprocess_async_mbps": streams[0],
        "stream_inprocess_sync_mbps": streams[1],
        "stream_inprocess_ratio": streams[1] / streams[0],
    }
    figures["stream_ratio"] = figures["stream_inprocess_ratio"]
    if loopback:
        over = _loopback(stream_rounds)
        figures["stream_loopback_async_mbps"] = over[0]
        figures["stream_loopback_sync_mbps"] = over[1]
        figures["stream_loopback_ratio"] = figures["stream_ratio"] = over[1] / over[0]
    return figures


def main(argv: list[str]) -> int:
    rounds = int(argv[0]) if argv else ROUNDS
    figures = bench_sync_overhead(rounds=rounds)
    print(f"per call, median of {rounds} x {CALLS_PER_ROUND} calls (signature_requests.get):")
    for name, label in [
        ("async", "async core (await)"),
        ("sync", "sync facade: loop in the calling thread"),
        ("threadsafe", "run_coroutine_threadsafe to a loop thread"),
        ("portal", "anyio blocking portal"),
    ]:
        line = f"  {label:<42} {figures[name + '_us']:8.1f} µs"
        if name != "async":
            line += f"   overhead {figures[name + '_overhead_us']:+7.1f} µs"
        print(line)
    overhead = figures["sync_overhead_us"]
    print(f"  bar: facade overhead <= {OVERHEAD_BAR_US:.0f} µs: {overhead <= OVERHEAD_BAR_US}")
    print("streaming through iter_bytes(), MB/s of the median round:")
    for where, label in [
        ("inprocess", f"in process, {DOWNLOAD_MIB} MiB"),
        ("loopback", f"loopback, {LOOPBACK_MIB} MiB"),
    ]:
        a, b = figures[f"stream_{where}_async_mbps"], figures[f"stream_{where}_sync_mbps"]
        print(f"  {label:<22} async {a:7.0f}   sync {b:7.0f}   ratio {b / a:.3f}x")
    print(f"  bar (loopback): ratio >= {STREAM_BAR}: {figures['stream_ratio'] >= STREAM_BAR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
