"""Which default pool serves the httpx backend's users who never tune it (issue 18).

The SDK on the httpx backend, the same calls on the same loopback server, with two pools
interleaved: httpx's defaults (100 connections, 20 kept alive) and 100 connections all kept alive.
At 1, 10 and 100 concurrent callers: calls per second, medians of the runs. Run with::

    python -m benchmarks.pool_defaults [repeats]
"""

from __future__ import annotations

import sys

import anyio
import httpx

from ignisign_async import AsyncIgnisign

from ._clients import sdk_get
from ._harness import interleave, median
from ._payloads import APP_ENV, APP_ID, SECRET
from ._server import LoopbackServer
from .rows_calls import _concurrent

POOLS = {
    "httpx defaults (100, 20 kept alive)": httpx.Limits(
        max_connections=100, max_keepalive_connections=20
    ),
    "100, all kept alive": httpx.Limits(max_connections=100, max_keepalive_connections=100),
}
CALLS = {1: 300, 10: 2000, 100: 5000}


async def compare(base_url: str, repeats: int) -> dict[tuple[str, int], float]:
    """Calls per second of each pool at each width."""
    figures: dict[tuple[str, int], float] = {}
    for width, total in CALLS.items():
        clients = [
            AsyncIgnisign(
                app_id=APP_ID,
                app_env=APP_ENV,
                secret=SECRET,
                base_url=base_url,
                transport=httpx.AsyncHTTPTransport(limits=limits),
            )
            for limits in POOLS.values()
        ]
        calls = [sdk_get(client) for client in clients]
        for call in calls:
            await call()
        runs = await interleave(
            [_concurrent(call, total, width) for call in calls], repeats=repeats
        )
        for name, times in zip(POOLS, runs, strict=True):
            figures[(name, width)] = total / median(times)
        for client in clients:
            await client.aclose()
    return figures


def main(argv: list[str]) -> None:
    repeats = int(argv[0]) if argv else 7
    with LoopbackServer(auth_delay=0.0) as server:
        figures = anyio.run(compare, server.base_url, repeats)
    names = list(POOLS)
    print(f"SDK on the httpx backend, calls/s, medians of {repeats} runs")
    for width in CALLS:
        cells = "  ".join(f"{name}: {figures[(name, width)]:,.0f}/s" for name in names)
        ratio = figures[(names[1], width)] / figures[(names[0], width)]
        print(f"  {width:>3} callers  {cells}  ratio {ratio:.3f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
