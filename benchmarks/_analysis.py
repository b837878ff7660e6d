"""Why a bar was missed, in the run's own figures (a section of RESULTS.md).

Each explanation decomposes a missed bar with the numbers measured next to it in the same run,
so that RESULTS.md shows not only that a bar is missed but where the time goes.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._harness import Result

__all__ = ["explain_misses"]


def _find(results: Sequence[Result], row: str, fragment: str) -> Result | None:
    for result in results:
        if result.row == row and fragment in result.measure and result.figures:
            return result
    return None


def _row1(results: Sequence[Result]) -> str | None:
    loop = _find(results, "1", "(loopback)")
    if loop is None or loop.met is not False:
        return None
    f = loop.figures
    raw, sdk, untyped, typed = f["raw_us"], f["sdk_us"], f["untyped_us"], f["typed_us"]
    allowance = 0.10 * raw
    text = (
        f"**Row 1.** The bar gives the SDK 10% of raw httpx's {raw:.0f} µs per call: "
        f"{allowance:.0f} µs. Turning the 6 KB answer into typed objects is most of it: "
        f"hand-written dataclasses alone take {typed - raw:+.0f} µs "
        f"({(typed - raw) / allowance:.0%} of the allowance), the SDK's models "
        f"{sdk - untyped:+.0f} µs, and the SDK's plumbing (token, per-attempt deadline, retry "
        f"and error bookkeeping, path rendering) {untyped - raw:+.0f} µs."
    )
    structuring = _find(results, "8", "structuring one")
    if structuring is not None:
        s = structuring.figures
        text += (
            f" Hot in a loop, structuring one context takes {s['sdk_us']:.0f} µs against "
            f"{s['hand_us']:.0f} µs for the dataclasses and {s['loads_us']:.0f} µs for "
            f"`json.loads` (row 8): the result is {s['objects']:.0f} frozen attrs objects "
            f"holding {s['enums']:.0f} enum members and {s['datetimes']:.0f} aware datetimes, "
            "where the dataclasses keep enum values as strings and the colour palette as a "
            "dict; inside a real call the same work costs more (row 1, details)."
        )
    in_process = _find(results, "1", "(in-process")
    if in_process is not None:
        g = in_process.figures
        text += (
            f" In process, without socket noise: plumbing {g['untyped_us'] - g['raw_us']:+.0f} "
            f"µs, models {g['sdk_us'] - g['untyped_us']:+.0f} µs. The profile below shows the "
            "split inside the SDK."
        )
    return text


def _row3(results: Sequence[Result]) -> str | None:
    loop = _find(results, "3", "(loopback)")
    if loop is None or loop.met is not False:
        return None
    raw_rate, sdk_rate = loop.figures["raw_rate"], loop.figures["sdk_rate"]
    per_call = 1e6 / raw_rate
    text = (
        f"**Row 3.** Over loopback the client process is the bottleneck (httpcore's pool, the "
        f"sockets and the JSON): a raw call costs {per_call:.0f} µs of the client's time at "
        "this concurrency, and the SDK adds its own per-call CPU cost to each."
    )
    in_process = _find(results, "3", "(in-process")
    if in_process is not None:
        extra = 1e6 / in_process.figures["sdk_rate"] - 1e6 / in_process.figures["raw_rate"]
        predicted = per_call / (per_call + extra)
        text += (
            f" Measured in process (row 3, no sockets), that cost is {extra:.0f} µs per call, "
            f"which predicts {predicted:.3f}x; the run measured {sdk_rate / raw_rate:.3f}x. "
            "It is the cost of row 1 again: the typed models, then the plumbing."
        )
    return text


def explain_misses(results: Sequence[Result]) -> str:
    """A Markdown section explaining the missed bars of rows 1 and 3, or ``""``."""
    parts = [text for text in (_row1(results), _row3(results)) if text]
    if not parts:
        return ""
    return "## Why the missed bars are missed\n\n" + "\n\n".join(parts) + "\n"
