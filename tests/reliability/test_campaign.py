"""The fault campaign, in-process and over a real socket, on asyncio and Trio.

A quick campaign (150 operations) runs with the default tests; the full one (500 operations at
20-way concurrency) is marked ``slow`` and runs with ``nox -s reliability``. Both must end with
no problem: 0 duplicates, 0 lost operations, only typed errors. Their figures are printed in
the terminal summary.
"""

from __future__ import annotations

import pytest

from ignisign_async._retry import RetryPolicy

from ._campaign import Report, Settings, campaign
from .conftest import FIGURES, Where

pytestmark = pytest.mark.usefixtures("quiet_uvicorn", "small_backoff")

QUICK_SEED = 20240901
FULL_SEED = 7


def assert_clean(report: Report) -> None:
    assert report.problems == []
    assert (report.duplicates, report.lost) == (0, 0)
    assert report.ok + report.failed + report.ambiguous == report.settings.operations
    assert sum(report.faults.values()) > report.settings.operations * report.settings.fault_rate / 2
    assert report.retries > 0


async def test_quick_campaign(where: Where, anyio_backend: str) -> None:
    settings = Settings(seed=QUICK_SEED, operations=150, attempt_timeout=0.25)
    report = await campaign(where, anyio_backend, settings)
    assert_clean(report)
    assert report.ambiguous > 0


@pytest.mark.slow
async def test_full_campaign(where: Where, anyio_backend: str) -> None:
    report = await campaign(where, anyio_backend, Settings(seed=FULL_SEED, operations=500))
    assert_clean(report)
    assert report.ambiguous > 0


async def test_the_checks_catch_an_sdk_that_retries_creates(
    monkeypatch: pytest.MonkeyPatch, anyio_backend: str
) -> None:
    """The campaign's checks are not vacuous: an SDK retrying every POST is caught."""
    monkeypatch.setattr(RetryPolicy, "retries_error", lambda self, exc, *, idempotent: True)
    monkeypatch.setattr(
        RetryPolicy, "retries_status", lambda self, status, *, idempotent: status >= 429
    )
    report = await campaign("in-process", anyio_backend, Settings(seed=QUICK_SEED, operations=120))
    FIGURES.pop()
    assert report.duplicates > 0
    assert any("applied 2 times" in problem for problem in report.problems)
    assert any("nobody was told about" in problem for problem in report.problems)
