"""``examples/prefork_worker.py``: one client made before ``os.fork()``, used in every child."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from ignisign_async.testing import FakeIgnisign

from .conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")


def test_the_client_works_before_in_and_after_the_forks(emulator: FakeIgnisign) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "prefork_worker.py"), "3"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),  # IGNISIGN_* point at the served emulator
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"parent \(pid \d+\): 4 profiles", lines[0])
    workers = sorted(line for line in lines if line.startswith("worker "))
    assert [w.split()[1] for w in workers] == ["0", "1", "2"], (done.stdout, done.stderr[-2000:])
    pids = {re.search(r"pid (\d+)", line).group(1) for line in lines}  # type: ignore[union-attr]
    assert len(pids) == 4  # the parent and three children
    assert re.fullmatch(r"parent \(pid \d+\): 4 profiles again", lines[-1])
    signers = [r for r in emulator.requests if r.path.endswith("/signers") and r.method == "POST"]
    assert len(signers) == 3
    auths = [r for r in emulator.requests if r.path == "/v3/auth/app-api"]
    assert len(auths) == 4  # each child fetched its own token: nothing of the parent's reused
