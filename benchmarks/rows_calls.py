"""Rows 1-4: JSON calls, sequential and concurrent, and the cold client's single auth request.

1. ``signature_requests.get`` (typed model) vs raw httpx GET + ``json.loads``: µs per call.
2. the same SDK call vs raw httpx + ``json.loads`` + hand-written dataclasses: the cost of typing.
3. 100 concurrent callers, 5,000 calls in all, the same pool limits: calls per second.
4. a cold client (no token yet) making 100 concurrent calls: auth requests seen by the server.

Rows 1-3 run over loopback (where the bars apply) and in process (no socket noise).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx

from ignisign_async.resources.signature_requests import CONTEXT

from ._clients import Target, raw_client, raw_get, sdk_client, sdk_get
from ._handwritten import parse_context
from ._harness import Result, Settings, fmt_ratio, interleave, median
from ._payloads import SIGNATURE_REQUEST_ID

__all__ = ["sequential_rows", "concurrent_rows", "cold_client_rows"]

Call = Callable[[], Awaitable[Any]]

CONCURRENT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20)
"""Row 3's pool, the same for both contenders: httpx's 20 kept-alive connections, and no more open.

httpx's defaults (100 connections, only 20 kept alive) make 100 callers open and close
connections all the time, and the client's CPU per call then depends on how many connections
httpcore's pool happens to hold: runs of the same code measured 750 to 1,380 µs of CPU per call,
so the ratio of two runs said more about the pool than about the contenders. A pool that never
closes a connection it could keep gives repeatable figures.
"""


def _sequential(call: Call, count: int) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        for _ in range(count):
            await call()

    return run


def _concurrent(call: Call, total: int, concurrency: int) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        remaining = total

        async def caller() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await call()

        async with anyio.create_task_group() as tg:
            for _ in range(concurrency):
                tg.start_soon(caller)

    return run


async def sequential_rows(target: Target, settings: Settings) -> list[Result]:
    """Rows 1 and 2 on ``target``, four contenders interleaved.

    The SDK (typed model), the SDK asked for plain JSON (``cast=Any``: its plumbing without the
    typing), raw httpx + ``json.loads``, and raw httpx + ``json.loads`` + hand-written dataclasses.
    """
    n = settings.sequential_calls
    async with sdk_client(target) as client, raw_client(target) as http:
        sdk = sdk_get(client)
        await sdk()  # fetch the token outside the timed runs, as the raw client did

        def sdk_untyped() -> Awaitable[Any]:
            return client._request(CONTEXT, SIGNATURE_REQUEST_ID, cast=Any)

        runs = await interleave(
            [
                _sequential(sdk, n),
                _sequential(sdk_untyped, n),
                _sequential(raw_get(http, target), n),
                _sequential(raw_get(http, target, parse_context), n),
            ],
            repeats=settings.repeats,
        )
    sdk_us, untyped_us, raw_us, typed_us = (median(times) / n * 1e6 for times in runs)
    loopback = target.app is None
    ratio = sdk_us / raw_us
    note = (
        f"Row 1, {target.name}: of the SDK's {sdk_us - raw_us:+.0f} µs per call over raw httpx, "
        f"{untyped_us - raw_us:+.0f} µs is its plumbing (the same call returning plain JSON: "
        f"{untyped_us:.0f} µs) and {sdk_us - untyped_us:+.0f} µs the typed models; hand-written "
        f"dataclasses cost raw httpx {typed_us - raw_us:+.0f} µs "
        f"({fmt_ratio(typed_us / raw_us)} of raw)."
    )
    return [
        Result(
            row="1",
            measure=f"get SR context -> model, µs/call ({target.name})",
            sdk=f"{sdk_us:.0f} µs",
            baseline=f"{raw_us:.0f} µs (httpx + json.loads)",
            comparison=f"{fmt_ratio(ratio)} ({sdk_us - raw_us:+.0f} µs)",
            bar="<= 1.10x" if loopback else "-",
            met=ratio <= 1.10 if loopback else None,
            note=note,
            figures={
                "sdk_us": sdk_us,
                "untyped_us": untyped_us,
                "raw_us": raw_us,
                "typed_us": typed_us,
            },
        ),
        Result(
            row="1",
            measure=f"same call, SDK returning plain JSON (cast=Any) ({target.name})",
            sdk=f"{untyped_us:.0f} µs",
            baseline=f"{raw_us:.0f} µs (httpx + json.loads)",
            comparison=f"{fmt_ratio(untyped_us / raw_us)} ({untyped_us - raw_us:+.0f} µs)",
        ),
        Result(
            row="2",
            measure=f"same vs hand-written dataclasses, µs/call ({target.name})",
            sdk=f"{sdk_us:.0f} µs",
            baseline=f"{typed_us:.0f} µs (httpx + json.loads + dataclasses)",
            comparison=f"{fmt_ratio(sdk_us / typed_us)} ({sdk_us - typed_us:+.0f} µs)",
        ),
    ]


async def concurrent_rows(target: Target, settings: Settings) -> list[Result]:
    """Row 3 on ``target``: throughput of ``concurrency`` callers sharing one client."""
    total, width = settings.concurrent_total, settings.concurrency
    async with (
        sdk_client(target, CONCURRENT_LIMITS) as client,
        raw_client(target, CONCURRENT_LIMITS) as http,
    ):
        sdk = sdk_get(client)
        await sdk()
        runs = await interleave(
            [_concurrent(sdk, total, width), _concurrent(raw_get(http, target), total, width)],
            repeats=settings.concurrent_repeats,
        )
    sdk_rate, raw_rate = (total / median(times) for times in runs)
    loopback = target.app is None
    ratio = sdk_rate / raw_rate
    return [
        Result(
            row="3",
            measure=f"{width} concurrent, {total} calls, calls/s ({target.name})",
            sdk=f"{sdk_rate:,.0f}/s",
            baseline=f"{raw_rate:,.0f}/s (httpx + json.loads)",
            comparison=fmt_ratio(ratio),
            bar=">= 0.95x" if loopback else "-",
            met=ratio >= 0.95 if loopback else None,
            figures={"sdk_rate": sdk_rate, "raw_rate": raw_rate},
        )
    ]


async def cold_client_rows(target: Target, settings: Settings) -> list[Result]:
    """Row 4 on ``target``: a client without a token, ``concurrency`` calls at once."""
    width = settings.concurrency
    await target.reset()
    async with sdk_client(target, CONCURRENT_LIMITS) as client:
        sdk = sdk_get(client)

        async def one() -> None:
            await sdk()

        async with anyio.create_task_group() as tg:
            for _ in range(width):
                tg.start_soon(one)
        client_count = client._auth.auth_count
    server_count = await target.auth_count()
    return [
        Result(
            row="4",
            measure=f"cold client, {width} concurrent calls: auth requests ({target.name})",
            sdk=f"{server_count} (client counted {client_count})",
            baseline=f"{width} calls answered",
            comparison="-",
            bar="== 1",
            met=server_count == 1,
        )
    ]
