"""Rows 11-12: the SDK on ``http_backend="aiohttp"`` over loopback, against raw httpx.

11. 100 concurrent callers, 5,000 calls: the SDK on aiohttp against raw httpx on its default pool
   (100 connections, 20 kept alive) and against raw httpx over the httpx-aiohttp transport.
12. sequential typed ``signature_requests.get`` on aiohttp against raw httpx GET + ``json.loads``
    (its default pool), with raw httpx over httpx-aiohttp beside them.

Every contender is built as its user builds it: the SDK with ``http_backend="aiohttp"`` (its own
pool), raw httpx with ``httpx.AsyncClient()`` or with httpx-aiohttp's ``AiohttpTransport()``.
aiohttp runs on asyncio only: these rows run there. Row 13 (the download) is in ``download.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from ignisign_async import AsyncIgnisign

from ._clients import Target, raw_get, sdk_get
from ._harness import Result, Settings, fmt_ratio, interleave, median
from ._payloads import APP_ENV, APP_ID, SECRET
from ._server import AUTH_PATH
from .rows_calls import _concurrent, _sequential

__all__ = ["aiohttp_concurrent_rows", "aiohttp_sequential_rows"]


def sdk_on_aiohttp(target: Target) -> AsyncIgnisign:
    """The SDK as a user asks for the aiohttp backend."""
    return AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        base_url=target.base_url,
        http_backend="aiohttp",
    )


@asynccontextmanager
async def raw_on(target: Target, pool: str) -> AsyncIterator[httpx.AsyncClient]:
    """Raw httpx holding a token: ``pool`` is ``"httpx"`` (its defaults) or ``"httpx-aiohttp"``."""
    if pool == "httpx-aiohttp":
        from httpx_aiohttp import AiohttpTransport

        http = httpx.AsyncClient(transport=AiohttpTransport())
    else:
        http = httpx.AsyncClient()
    async with http:
        answer = await http.post(
            target.base_url + AUTH_PATH,
            json={"appId": APP_ID, "appEnv": APP_ENV, "secret": SECRET},
        )
        answer.raise_for_status()
        http.headers["Authorization"] = "Bearer " + answer.json()["jwtToken"]
        yield http


async def aiohttp_concurrent_rows(target: Target, settings: Settings) -> list[Result]:
    """Row 11: calls/s of 100 callers sharing one client, three contenders interleaved."""
    total, width = settings.concurrent_total, settings.concurrency
    async with (
        sdk_on_aiohttp(target) as client,
        raw_on(target, "httpx") as plain,
        raw_on(target, "httpx-aiohttp") as over_aiohttp,
    ):
        sdk = sdk_get(client)
        await sdk()
        runs = await interleave(
            [
                _concurrent(sdk, total, width),
                _concurrent(raw_get(plain, target), total, width),
                _concurrent(raw_get(over_aiohttp, target), total, width),
            ],
            repeats=settings.concurrent_repeats,
        )
    sdk_rate, plain_rate, aio_rate = (total / median(times) for times in runs)
    versus_plain, versus_aio = sdk_rate / plain_rate, sdk_rate / aio_rate
    measure = f"{width} concurrent, {total} calls, calls/s, SDK on aiohttp ({target.name})"
    return [
        Result(
            row="11",
            measure=measure,
            sdk=f"{sdk_rate:,.0f}/s",
            baseline=f"{plain_rate:,.0f}/s (raw httpx, default pool)",
            comparison=fmt_ratio(versus_plain),
            bar=">= 3.0x",
            met=versus_plain >= 3.0,
            figures={"sdk_rate": sdk_rate, "raw_rate": plain_rate},
        ),
        Result(
            row="11",
            measure=f"the same against its transport ({target.name})",
            sdk=f"{sdk_rate:,.0f}/s",
            baseline=f"{aio_rate:,.0f}/s (raw httpx over httpx-aiohttp)",
            comparison=fmt_ratio(versus_aio),
            bar=">= 0.95x",
            met=versus_aio >= 0.95,
            figures={"sdk_rate": sdk_rate, "raw_rate": aio_rate},
        ),
    ]


async def aiohttp_sequential_rows(target: Target, settings: Settings) -> list[Result]:
    """Row 12: µs per sequential typed call on aiohttp against raw httpx (and httpx-aiohttp)."""
    n = settings.sequential_calls
    async with (
        sdk_on_aiohttp(target) as client,
        raw_on(target, "httpx") as plain,
        raw_on(target, "httpx-aiohttp") as over_aiohttp,
    ):
        sdk = sdk_get(client)
        await sdk()
        runs = await interleave(
            [
                _sequential(sdk, n),
                _sequential(raw_get(plain, target), n),
                _sequential(raw_get(over_aiohttp, target), n),
            ],
            repeats=settings.repeats,
        )
    sdk_us, plain_us, aio_us = (median(times) / n * 1e6 for times in runs)
    ratio = sdk_us / plain_us
    return [
        Result(
            row="12",
            measure=f"get SR context -> model, µs/call, SDK on aiohttp ({target.name})",
            sdk=f"{sdk_us:.0f} µs",
            baseline=f"{plain_us:.0f} µs (raw httpx + json.loads)",
            comparison=f"{fmt_ratio(ratio)} ({sdk_us - plain_us:+.0f} µs)",
            bar="<= 0.85x",
            met=ratio <= 0.85,
            note=(
                f"Row 12, {target.name}: raw httpx over httpx-aiohttp took {aio_us:.0f} µs per "
                f"call ({fmt_ratio(aio_us / plain_us)} of raw httpx); the SDK's typed model and "
                f"plumbing cost {sdk_us - aio_us:+.0f} µs on top of that transport."
            ),
            figures={"sdk_us": sdk_us, "raw_us": plain_us, "aiohttp_us": aio_us},
        ),
    ]
