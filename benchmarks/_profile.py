"""A profile of the SDK's hot path, for RESULTS.md when a bar is missed (or on ``--profile``).

It profiles ``signature_requests.get`` in process (no socket noise, so the SDK's own frames
stand out) with pyinstrument when it is installed, else with the standard library's cProfile.
"""

from __future__ import annotations

import cProfile
import io
import pstats

import anyio

from ._clients import in_process, sdk_client, sdk_get

__all__ = ["profile_sdk"]


async def _calls(count: int) -> None:
    async with sdk_client(in_process()) as client:
        call = sdk_get(client)
        await call()
        for _ in range(count):
            await call()


def profile_sdk(count: int = 2000) -> str:
    """A text profile of ``count`` in-process ``signature_requests.get`` calls (Markdown)."""
    anyio.run(_calls, 50)  # warm every cache first
    try:
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile()
        profiler.enable()
        anyio.run(_calls, count)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        tool, text = "cProfile, top 40 by cumulative time", out.getvalue()
    else:
        sampler = Profiler(interval=0.0002, async_mode="disabled")
        with sampler:
            anyio.run(_calls, count)
        text = sampler.output_text(unicode=False, color=False, short_mode=True)
        tool = "pyinstrument"
    return (
        f"## Profile: {count} in-process `signature_requests.get` calls ({tool})\n\n"
        f"```\n{text.strip()}\n```\n"
    )
