"""The benchmarks start and produce their table (``--quick``: tiny counts, no timing asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _stamp() -> int | None:
    return RESULTS.stat().st_mtime_ns if RESULTS.exists() else None


def test_quick_run_prints_and_writes_every_row(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    before = _stamp()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IGNISIGN_")}
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = completed.stdout.splitlines()
    assert table[0].split()[:3] == ["#", "measure", "SDK"]
    rows = {line.split()[0] for line in table[2:] if line[:1].isdigit()}
    assert rows == {str(n) for n in range(1, 11)}
    markdown = output.read_text(encoding="utf-8")
    assert markdown.startswith("# Benchmark results\n")
    assert "| # | measure | SDK | baseline | comparison | bar | met |" in markdown
    assert "- **libraries**: httpx " in markdown
    assert _stamp() == before  # the committed results are left alone


def test_rows_can_be_selected() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--rows", "8"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = [line for line in completed.stdout.splitlines() if line[:1].isdigit()]
    assert lines
    assert all(line.split()[0] == "8" for line in lines)
    assert "written to" not in completed.stdout  # --quick writes nothing unless asked


def test_bad_row_numbers_are_refused() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--rows", "99"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert "rows are numbered 1 to" in completed.stderr
