"""``IGNISIGN_LOG=debug|info``: a script with no logging set up sees the SDK's lines on stderr.

Each case runs a real script in a fresh interpreter (the variable is read at import), on the
emulator.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

from ignisign_async._logs import setup_logging

CALL = """
import logging, anyio
from ignisign_async.testing import FakeIgnisign

async def main():
    fake = FakeIgnisign(secret="sk_development_TOPSECRET")
    async with fake.client() as client:
        await client.signature_profiles.list()
        fake.faults.fail_next(status=503, retry_after=1, path="*/signature-profiles")
        await client.signature_profiles.list()
    logging.getLogger("ignisign_async.webhooks").info("an info line")

anyio.run(main)
"""

REFUSED_WEBHOOK = """
from ignisign_async import WebhookError
from ignisign_async.testing import FakeIgnisign

with FakeIgnisign().sync_client() as client:
    try:
        client.webhook_router().consume(b"not json")
    except WebhookError as exc:
        print("raised:", exc.code)
"""


def _run(script: str, log: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IGNISIGN_")}
    if log is not None:
        env["IGNISIGN_LOG"] = log
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )


@pytest.mark.parametrize("value", ["debug", " Debug "])
def test_debug_shows_one_line_per_attempt_and_no_secret(value: str) -> None:
    stderr = _run(CALL, value).stderr
    lines = stderr.splitlines()
    attempts = [line for line in lines if "signature-profiles -> 200" in line]
    assert len(attempts) == 2, stderr
    assert " DEBUG ignisign_async: GET /v3/applications/" in attempts[0]
    assert any("INFO ignisign_async.webhooks: an info line" in line for line in lines)
    assert "TOPSECRET" not in stderr
    assert "Bearer" not in stderr


def test_info_shows_the_retries_and_leaves_the_debug_lines_out() -> None:
    stderr = _run(CALL, "info").stderr
    assert "INFO ignisign_async.webhooks: an info line" in stderr
    assert "INFO ignisign_async: GET /v3/applications/" in stderr
    assert "signature-profiles -> 503: retry 1 in 1.00 s" in stderr
    assert "DEBUG" not in stderr


@pytest.mark.parametrize("value", [None, "verbose"])
def test_other_values_leave_logging_alone(value: str | None) -> None:
    assert _run(CALL, value).stderr == ""


def test_a_refused_webhook_is_told_once_by_the_sync_router() -> None:
    quiet = _run(REFUSED_WEBHOOK, None)
    assert quiet.stdout == "raised: SDK_WEBHOOK_BAD_FORMATTED\n"
    assert quiet.stderr == ""  # no WARNING line printed before the error the script handles
    told = _run(REFUSED_WEBHOOK, "debug")
    assert "DEBUG ignisign_async.webhooks: Webhook refused (SDK_WEBHOOK_BAD_FORMATTED)" in (
        told.stderr
    )


def test_the_handler_is_attached_once(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("ignisign_async")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    setup_logging("debug")
    setup_logging("info")
    setup_logging("debug")
    assert len(logger.handlers) == 1
    assert logger.level == logging.DEBUG
    setup_logging("nonsense")
    assert len(logger.handlers) == 1


def test_the_handler_writes_to_the_current_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("ignisign_async")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    setup_logging("info")
    logging.getLogger("ignisign_async.x").warning("seen")
    assert "WARNING ignisign_async.x: seen" in capsys.readouterr().err
