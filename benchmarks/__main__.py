"""``python -m benchmarks``: run every row, print the table, write ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import anyio

from ._analysis import explain_misses
from ._clients import Target, in_process
from ._harness import (
    FULL,
    QUICK,
    Result,
    Settings,
    environment,
    fmt_ratio,
    render_markdown,
    render_text,
)
from ._server import LoopbackServer

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ALL_ROWS = frozenset(range(1, 11))

NOTES = (
    "SDK: `ignisign_async` doing the work. Baseline: the best hand-written httpx code doing the "
    "same work against the same server in the same run: one long-lived `httpx.AsyncClient` with "
    "the same transport and pool limits, the token in its default headers, absolute URLs built "
    "once, a status check and `json.loads` of the body.",
    "Contenders run in turn (A B A B ...), one warm-up round each, a garbage collection before "
    "every timed run; figures are medians of the runs, ratios are ratios of medians.",
    "loopback: the ASGI app of `benchmarks/_server.py` under uvicorn (h11) in a child process on "
    "127.0.0.1 -- the two cores are split between server and client. in-process: the same app "
    "through `httpx.ASGITransport` in the benchmark's own process: no socket noise, so the "
    "SDK's own overhead stands out. The bars of DESIGN.md section 9 apply to the loopback rows.",
    "The server answers the ~6 KB signature request context of the vendor documentation's "
    "sample, filled in (3 signers, 3 documents with signature summaries, statements, the "
    "signature profile, the application metadata).",
    "Rows without a bar inform: they show where the time goes (row 1, `cast=Any`: the SDK's "
    "plumbing without its typing; row 2: typed models against hand-written dataclasses; row 8: "
    "structuring alone, hot in a loop -- inside a real call the same work costs more, as the "
    "caches are shared with httpx and asyncio).",
    "Row 3 gives both contenders the same pool of 20 connections, all kept alive, for 100 "
    "callers. With httpx's defaults (100 connections, 20 kept alive) connections open and close "
    "all the time and the client's CPU per call varies twofold from run to run with the number "
    "of connections httpcore's pool holds, whoever the contender. Over loopback the client "
    "process is the bottleneck; the in-process figures show the per-call cost without sockets.",
    "Row 5 runs each download in a fresh child process against its own uvicorn server "
    "(`benchmarks/download.py`); the loop lag is the worst delay of a 5 ms heartbeat task.",
    "Row 7 times the import inside fresh interpreters, start-up excluded, both with cached "
    "bytecode (as after `pip install`).",
    "Row 9 makes the same sequential calls with a warm token from two clients, one with a "
    "`RedisTokenStore` on a local redis-server and one without; Redis's command counters show "
    "the store is not touched while the local token is valid.",
)


def _parse_rows(text: str) -> frozenset[int]:
    rows: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        rows.update(range(int(first), int(last or first) + 1))
    if not rows <= ALL_ROWS:
        raise argparse.ArgumentTypeError(f"rows are numbered 1 to {max(ALL_ROWS)}, got {text!r}")
    return frozenset(rows)


def _network_rows(rows: frozenset[int], settings: Settings) -> list[Result]:
    from .rows_calls import cold_client_rows, concurrent_rows, sequential_rows

    results: list[Result] = []
    with LoopbackServer(auth_delay=0.02) as server:
        targets = (Target("loopback", server.base_url), in_process())
        plan: list[tuple[int, Callable[[Target, Settings], Awaitable[list[Result]]]]] = [
            (1, sequential_rows),
            (3, concurrent_rows),
            (4, cold_client_rows),
        ]
        for row, run in plan:
            if row in rows or (row == 1 and 2 in rows):
                for target in targets:
                    produced = anyio.run(run, target, settings)
                    results += [r for r in produced if int(r.row) in rows]
    return sorted(results, key=lambda r: int(r.row))  # stable: loopback before in-process


def _size(size: int) -> str:
    return f"{size >> 30} GiB" if size >= 1 << 30 else f"{size >> 20} MiB"


def _download_rows(settings: Settings) -> list[Result]:
    """Row 5 (``benchmarks/download.py``): throughput, peak RSS growth, event-loop lag."""
    from .download import bench_download

    size = settings.download_bytes
    figures = anyio.run(bench_download, size, 1 if settings.quick else 3)
    runs = int(figures["repetitions"])
    ratio = figures["ratio"]
    growth = figures["sdk_rss_growth_mib"]
    return [
        Result(
            row="5",
            measure=f"{_size(size)} proof download to a file, MB/s (median of {runs})",
            sdk=f"{figures['sdk_mb_s']:.0f} MB/s",
            baseline=f"{figures['raw_mb_s']:.0f} MB/s (httpx stream, blocking writes)",
            comparison=fmt_ratio(ratio),
            bar=">= 0.9x",
            met=ratio >= 0.9,
        ),
        Result(
            row="5",
            measure=f"{_size(size)} proof download: peak RSS growth",
            sdk=f"{growth:.1f} MiB",
            baseline=f"{figures['raw_rss_growth_mib']:.1f} MiB",
            comparison="-",
            bar="<= 32 MiB",
            met=growth <= 32,
        ),
        Result(
            row="5",
            measure=f"{_size(size)} proof download: worst event-loop lag (5 ms heartbeat)",
            sdk=f"{figures['sdk_max_lag_ms']:.1f} ms",
            baseline=f"{figures['raw_max_lag_ms']:.1f} ms (writes on the loop)",
            comparison=f"CPU {figures['sdk_cpu_s']:.2f} s vs {figures['raw_cpu_s']:.2f} s",
        ),
    ]


def _sync_rows(settings: Settings) -> list[Result]:
    """Row 6 (``benchmarks/sync_overhead.py``): the facade's cost per call, and when streaming."""
    from .sync_overhead import OVERHEAD_BAR_US, STREAM_BAR, bench_sync_overhead

    if settings.quick:
        figures = bench_sync_overhead(rounds=1, calls=5, stream_rounds=1, loopback=False)
    else:
        figures = bench_sync_overhead()
    overhead = figures["sync_overhead_us"]
    stream_ratio = figures["stream_ratio"]
    where = "loopback" if "stream_loopback_sync_mbps" in figures else "inprocess"
    return [
        Result(
            row="6",
            measure="sync facade vs async core, µs/call (in-process mock transport)",
            sdk=f"{figures['sync_us']:.0f} µs (Ignisign)",
            baseline=f"{figures['async_us']:.0f} µs (await AsyncIgnisign)",
            comparison=f"{overhead:+.1f} µs",
            bar=f"<= +{OVERHEAD_BAR_US:.0f} µs",
            met=overhead <= OVERHEAD_BAR_US,
        ),
        Result(
            row="6",
            measure="the designs not taken: loop thread, µs/call",
            sdk=f"{figures['portal_us']:.0f} µs (anyio portal)",
            baseline=f"{figures['threadsafe_us']:.0f} µs (run_coroutine_threadsafe)",
            comparison=(
                f"{figures['portal_overhead_us']:+.0f} / "
                f"{figures['threadsafe_overhead_us']:+.0f} µs over async"
            ),
        ),
        Result(
            row="6",
            measure=f"sync facade streaming (iter_bytes), MB/s ({where.replace('inp', 'in-p')})",
            sdk=f"{figures[f'stream_{where}_sync_mbps']:.0f} MB/s (for)",
            baseline=f"{figures[f'stream_{where}_async_mbps']:.0f} MB/s (async for)",
            comparison=fmt_ratio(stream_ratio),
            bar=f">= {STREAM_BAR}x",
            met=stream_ratio >= STREAM_BAR,
        ),
    ]


def run(rows: frozenset[int], settings: Settings) -> list[Result]:
    """Every selected row, in order."""
    from .rows_local import import_rows, structuring_rows

    results = _network_rows(rows, settings) if rows & {1, 2, 3, 4} else []
    if 5 in rows:
        results += _download_rows(settings)
    if 6 in rows:
        results += _sync_rows(settings)
    if 7 in rows:
        results += import_rows(settings)
    if 8 in rows:
        results += structuring_rows(settings)
    if 9 in rows:
        from .rows_store import store_rows

        results += store_rows(settings)
    if 10 in rows:
        from .sync_vs_httpx import sync_vs_httpx_rows

        results += sync_vs_httpx_rows(quick=settings.quick)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="ignisign_async against raw httpx, side by side (DESIGN.md section 9).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny counts: proves every row runs in seconds; figures are meaningless and "
        "nothing is written unless --output is given",
    )
    parser.add_argument(
        "--rows", type=_parse_rows, default=ALL_ROWS, help="e.g. 1,3 or 1-4 (default: all)"
    )
    parser.add_argument("--output", type=Path, help=f"Markdown file (default: {RESULTS})")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="append a profile of the SDK's hot path even when every bar is met",
    )
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    started = time.monotonic()
    results = run(args.rows, settings)
    elapsed = time.monotonic() - started
    print(render_text(results), flush=True)
    missed = [r for r in results if r.met is False]
    output: Path | None = args.output or (None if args.quick else RESULTS)
    if output is not None:
        appendix = ""
        if missed or args.profile:
            from ._profile import profile_sdk

            appendix = profile_sdk(200 if args.quick else 2000)
        text = render_markdown(
            results,
            env=environment(elapsed=elapsed),
            notes=NOTES,
            analysis=explain_misses(results),
            appendix=appendix,
        )
        output.write_text(text, encoding="utf-8")
        print(f"\nwritten to {output}")
    if missed:
        print(f"\n{len(missed)} bar(s) missed: " + ", ".join(f"row {r.row}" for r in missed))
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
