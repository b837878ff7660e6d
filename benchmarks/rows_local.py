"""Rows 7 and 8: no network at all.

7. ``import ignisign_async`` vs ``import httpx``, each in a fresh interpreter, timed inside it
   (interpreter start-up excluded), alternated, median of ``import_runs`` each. Both run with
   cached bytecode, as after ``pip install``: the interpreters share a private
   ``PYTHONPYCACHEPREFIX`` warmed by one untimed import each (``PYTHONDONTWRITEBYTECODE`` would
   otherwise make the working tree's sources compile on every run, and only those).
8. structuring alone: the SDK's converter turning the parsed signature request context
   into models, next to ``json.loads`` of the same body and the hand-written dataclasses.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs

from ignisign_async._serde import structure

from ._handwritten import parse_context
from ._harness import Result, Settings, fmt_ratio, interleave_sync, median
from ._payloads import SR_CONTEXT_BYTES

__all__ = ["import_rows", "structuring_rows"]

_IMPORT_TIMER = (
    "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
)


def _import_seconds(module: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_TIMER.format(module=module)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def import_rows(settings: Settings) -> list[Result]:
    """Row 7."""
    sdk: list[float] = []
    raw: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        _import_seconds("ignisign_async", env)
        _import_seconds("httpx", env)
        for _ in range(settings.import_runs):
            sdk.append(_import_seconds("ignisign_async", env))
            raw.append(_import_seconds("httpx", env))
    sdk_ms, raw_ms = median(sdk) * 1e3, median(raw) * 1e3
    ratio = sdk_ms / raw_ms
    return [
        Result(
            row="7",
            measure=f"import time, fresh interpreter (median of {settings.import_runs})",
            sdk=f"{sdk_ms:.1f} ms (import ignisign_async)",
            baseline=f"{raw_ms:.1f} ms (import httpx)",
            comparison=fmt_ratio(ratio),
            bar="<= 1.3x",
            met=ratio <= 1.3,
        )
    ]


def _census(value: object, counts: dict[str, float]) -> None:
    """Count the models, enum members and datetimes inside a structured result."""
    kind = type(value)
    if attrs.has(kind):
        counts["objects"] += 1
        for field in attrs.fields(kind):
            _census(getattr(value, field.name), counts)
    elif isinstance(value, tuple):
        for item in value:
            _census(item, counts)
    elif isinstance(value, enum.Enum):
        counts["enums"] += 1
    elif isinstance(value, _dt.datetime):
        counts["datetimes"] += 1


def structuring_rows(settings: Settings) -> list[Result]:
    """Row 8."""
    from ignisign_async.models.signature_requests import SignatureRequestContext

    n = settings.structure_calls
    data = json.loads(SR_CONTEXT_BYTES)
    # hooks are generated on first use: not timed
    census = {"objects": 0.0, "enums": 0.0, "datetimes": 0.0}
    _census(structure(data, SignatureRequestContext), census)

    def sdk() -> None:
        for _ in range(n):
            structure(data, SignatureRequestContext)

    def loads() -> None:
        for _ in range(n):
            json.loads(SR_CONTEXT_BYTES)

    def handwritten() -> None:
        for _ in range(n):
            parse_context(data)

    runs = interleave_sync([sdk, loads, handwritten], repeats=settings.repeats)
    sdk_us, loads_us, hand_us = (median(times) / n * 1e6 for times in runs)
    share = sdk_us / (sdk_us + loads_us)
    size_kb = len(SR_CONTEXT_BYTES) / 1000
    return [
        Result(
            row="8",
            measure=f"structuring one SR context ({size_kb:.1f} KB), µs",
            sdk=f"{sdk_us:.0f} µs (SDK models)",
            baseline=f"{loads_us:.0f} µs (json.loads)",
            comparison=f"{fmt_ratio(sdk_us / loads_us)}; structuring = {share:.0%} of decoding",
            figures={"sdk_us": sdk_us, "loads_us": loads_us, "hand_us": hand_us, **census},
        ),
        Result(
            row="8",
            measure="structuring vs hand-written dataclasses, µs",
            sdk=f"{sdk_us:.0f} µs (SDK models)",
            baseline=f"{hand_us:.0f} µs (dataclasses)",
            comparison=fmt_ratio(sdk_us / hand_us),
        ),
    ]
