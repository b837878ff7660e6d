"""Row 10: the sync facade against what legacy code replaces it with, over loopback.

``Ignisign(...).signature_requests.get(id)`` (the ~6 KB context, typed models) against one
long-lived ``httpx.Client`` doing ``GET`` + ``json.loads`` of the same body, on the same
uvicorn server (:class:`benchmarks._server.LoopbackServer`, a child process). Both hold their
token before the timed runs. Runs alternate the contenders (A B A B ...), ``calls`` calls each;
the figure is the median run's wall-clock time per call (the bar); the median run's CPU time of
this process per call is reported too, which a busy machine disturbs less.

Run alone with::

    python -m benchmarks.sync_vs_httpx [repeats]
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Final

import httpx

from ignisign_async import Ignisign

from ._harness import Result, fmt_ratio, median
from ._payloads import APP_ENV, APP_ID, SECRET, SIGNATURE_REQUEST_ID
from ._server import AUTH_PATH, LoopbackServer, context_path

__all__ = ["BAR", "bench_sync_vs_httpx", "sync_vs_httpx_rows"]

BAR: Final = 1.10
"""The issue: the facade costs at most 1.10x an ``httpx.Client`` GET + ``json.loads``."""
CALLS: Final = 200
REPEATS: Final = 9


def bench_sync_vs_httpx(*, repeats: int = REPEATS, calls: int = CALLS) -> dict[str, float]:
    """µs per call of each contender (median run), and their ratio."""
    with LoopbackServer() as server:
        facade = Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.base_url)
        http = httpx.Client(base_url=server.base_url)
        try:
            login = {"appId": APP_ID, "appEnv": APP_ENV, "secret": SECRET}
            token = http.post(AUTH_PATH, json=login).json()["jwtToken"]
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            path = context_path(SIGNATURE_REQUEST_ID)

            def sdk() -> None:
                for _ in range(calls):
                    facade.signature_requests.get(SIGNATURE_REQUEST_ID)

            def raw() -> None:
                for _ in range(calls):
                    response = http.get(path, headers=headers)
                    response.raise_for_status()
                    json.loads(response.content)

            (sdk_wall, sdk_cpu), (raw_wall, raw_cpu) = _interleave([sdk, raw], repeats)
        finally:
            facade.close()
            http.close()
    figures = {
        "sdk_us": median(sdk_wall) / calls * 1e6,
        "raw_us": median(raw_wall) / calls * 1e6,
        "sdk_cpu_us": median(sdk_cpu) / calls * 1e6,
        "raw_cpu_us": median(raw_cpu) / calls * 1e6,
    }
    figures["ratio"] = figures["sdk_us"] / figures["raw_us"]
    figures["cpu_ratio"] = figures["sdk_cpu_us"] / figures["raw_cpu_us"]
    return figures


def _interleave(
    contenders: list[Callable[[], None]], repeats: int
) -> list[tuple[list[float], list[float]]]:
    """Wall-clock and CPU seconds of each run of each contender, run in turn after a warm-up."""
    for run in contenders:
        run()
    times: list[tuple[list[float], list[float]]] = [([], []) for _ in contenders]
    for _ in range(repeats):
        for run, (wall, cpu) in zip(contenders, times, strict=True):
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            run()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    return times


def sync_vs_httpx_rows(*, quick: bool = False) -> list[Result]:
    """Row 10."""
    figures = bench_sync_vs_httpx(repeats=3, calls=20) if quick else bench_sync_vs_httpx()
    ratio = figures["ratio"]
    return [
        Result(
            row="10",
            measure="sync facade get SR context -> model vs httpx.Client, µs/call (loopback)",
            sdk=f"{figures['sdk_us']:.0f} µs (Ignisign)",
            baseline=f"{figures['raw_us']:.0f} µs (httpx.Client + json.loads)",
            comparison=f"{fmt_ratio(ratio)} ({figures['sdk_us'] - figures['raw_us']:+.0f} µs)",
            bar=f"<= {BAR:.2f}x",
            met=ratio <= BAR,
            note=(
                f"Row 10: CPU time of the client process per call: {figures['sdk_cpu_us']:.0f} µs "
                f"(Ignisign) vs {figures['raw_cpu_us']:.0f} µs (httpx.Client), "
                f"{fmt_ratio(figures['cpu_ratio'])}."
            ),
            figures=figures,
        )
    ]


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else REPEATS
    result = bench_sync_vs_httpx(repeats=count)
    print(
        f"sync facade {result['sdk_us']:.0f} µs/call, httpx.Client + json.loads "
        f"{result['raw_us']:.0f} µs/call: {result['ratio']:.3f}x; CPU {result['sdk_cpu_us']:.0f} "
        f"vs {result['raw_cpu_us']:.0f} µs/call: {result['cpu_ratio']:.3f}x"
    )
