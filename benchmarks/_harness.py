"""Measuring fairly and reporting: interleaved runs, medians, the results table.

Every comparison runs its contenders in turn -- A B A B ... (or A B C A B C ...) -- against the
same server in the same process, after one warm-up round each, with a garbage collection before
every timed run so that no contender pays for another's garbage. The figure kept is the median of
the runs; ratios are ratios of medians.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Final

__all__ = [
    "Settings",
    "FULL",
    "QUICK",
    "Result",
    "interleave",
    "interleave_sync",
    "median",
    "fmt_ratio",
    "render_text",
    "render_markdown",
    "environment",
]


@dataclass(frozen=True)
class Settings:
    """How much work each row does: the full run, or a quick one that only proves it starts."""

    quick: bool
    repeats: int
    """Timed runs per contender for the per-call rows."""
    sequential_calls: int
    """Calls in one timed run of the sequential rows."""
    concurrency: int
    concurrent_total: int
    concurrent_repeats: int
    import_runs: int
    structure_calls: int
    download_bytes: int


FULL: Final = Settings(
    quick=False,
    repeats=15,
    sequential_calls=200,
    concurrency=100,
    concurrent_total=5000,
    concurrent_repeats=7,
    import_runs=10,
    structure_calls=2000,
    download_bytes=1 << 30,
)
QUICK: Final = Settings(
    quick=True,
    repeats=2,
    sequential_calls=5,
    concurrency=10,
    concurrent_total=40,
    concurrent_repeats=1,
    import_runs=1,
    structure_calls=20,
    download_bytes=1 << 20,
)


@dataclass(frozen=True)
class Result:
    """One line of the table. ``met`` is ``None`` for rows that inform rather than judge."""

    row: str
    measure: str
    sdk: str
    baseline: str
    comparison: str
    bar: str = "-"
    met: bool | None = None
    note: str = ""
    """A sentence for the details under the table (where the time goes, for instance)."""
    figures: Mapping[str, float] = field(default_factory=dict)
    """The raw numbers behind the cells, for the explanations of missed bars."""


def median(values: Sequence[float]) -> float:
    """The median (the figure every row reports)."""
    return statistics.median(values)


async def interleave(
    contenders: Sequence[Callable[[], Awaitable[object]]], *, repeats: int, warmup: int = 1
) -> list[list[float]]:
    """Seconds taken by each of ``repeats`` runs of each contender, run in turn (A B A B ...)."""
    for _ in range(warmup):
        for run in contenders:
            await run()
    times: list[list[float]] = [[] for _ in contenders]
    for _ in range(repeats):
        for run, samples in zip(contenders, times, strict=True):
            gc.collect()
            started = time.perf_counter()
            await run()
            samples.append(time.perf_counter() - started)
    return times


def interleave_sync(
    contenders: Sequence[Callable[[], object]], *, repeats: int, warmup: int = 1
) -> list[list[float]]:
    """:func:`interleave` for blocking contenders."""
    for _ in range(warmup):
        for run in contenders:
            run()
    times: list[list[float]] = [[] for _ in contenders]
    for _ in range(repeats):
        for run, samples in zip(contenders, times, strict=True):
            gc.collect()
            started = time.perf_counter()
            run()
            samples.append(time.perf_counter() - started)
    return times


def fmt_ratio(value: float) -> str:
    """``1.043x``."""
    return f"{value:.3f}x"


def _met(result: Result) -> str:
    if result.met is None:
        return "-"
    return "yes" if result.met else "NO"


_HEADER: Final = ("#", "measure", "SDK", "baseline", "comparison", "bar", "met")


def _cells(result: Result) -> tuple[str, ...]:
    return (
        result.row,
        result.measure,
        result.sdk,
        result.baseline,
        result.comparison,
        result.bar,
        _met(result),
    )


def render_text(results: Sequence[Result]) -> str:
    """The table as aligned plain text (what ``python -m benchmarks`` prints)."""
    rows = [_HEADER, *(_cells(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _md_escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_markdown(
    results: Sequence[Result],
    *,
    env: dict[str, str],
    notes: Sequence[str],
    analysis: str = "",
    appendix: str = "",
) -> str:
    """``benchmarks/RESULTS.md``: where and when, the table, why a bar is missed, the details,
    how to read it, and any profile."""
    lines = ["# Benchmark results", "", "Written by `python -m benchmarks`: do not edit.", ""]
    lines += [f"- **{key}**: {value}" for key, value in env.items()]
    lines += ["", "| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    for result in results:
        cells = [_md_escape(c) for c in _cells(result)]
        if result.met is False:
            cells[-1] = "**NO**"
        lines.append("| " + " | ".join(cells) + " |")
    if analysis:
        lines += ["", analysis.rstrip()]
    details = [r.note for r in results if r.note]
    if details:
        lines += ["", "## Details", ""]
        lines += [f"- {detail}" for detail in details]
    if notes:
        lines += ["", "## How to read it", ""]
        lines += [f"- {note}" for note in notes]
    if appendix:
        lines += ["", appendix.rstrip()]
    return "\n".join(lines) + "\n"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f", {kib / (1 << 20):.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        return ""


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment(*, elapsed: float | None = None) -> dict[str, str]:
    """Machine, interpreter and library versions, and the date: the header of the results."""
    import ignisign_async

    env = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{_cpu_model()}, {os.cpu_count()} cores{_memory()}, {platform.platform()}",
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "libraries": ", ".join(
            f"{name} {_version(name)}"
            for name in ("httpx", "httpcore", "anyio", "attrs", "cattrs", "uvicorn", "h11")
        ),
        "ignisign_async": ignisign_async.__version__,
    }
    if elapsed is not None:
        env["run time"] = f"{elapsed:.0f} s"
    return env
