"""``python -m ignisign_async demo`` runs the whole workflow on the emulator and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "proof.pdf"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IGNISIGN_")}
    completed = subprocess.run(
        [sys.executable, "-m", "ignisign_async", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout
    assert "request status: COMPLETED" in text
    assert "SIGNATURE_PROOF/GENERATED" in text
    assert "webhook events verified and dispatched" in text
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["proof.pdf"]  # no temporary file left


def test_demo_usage_error() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "ignisign_async"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert "demo" in completed.stderr


def test_demo_live_without_the_variables_says_so_in_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IGNISIGN_")}
    completed = subprocess.run(
        [sys.executable, "-m", "ignisign_async", "demo", "--live"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (
        "error: CONFIG: no application id: set IGNISIGN_APP_ID or pass --app-id\n"
    )
