"""Fixtures for the ``ignisign`` command line: the emulator served by ``ignisign emulator serve``
on 127.0.0.1 (one per test module), the environment that points the CLI at it, and a workflow
already run on it (a completed request, its document, a webhook endpoint whose deliveries fail).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs
import httpx
import pytest

from ignisign_async import Ignisign

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DEAD_URL = "http://127.0.0.1:9/ignisign/webhooks"
"""A webhook URL nothing listens on: every delivery to it fails."""


@attrs.frozen
class Served:
    """The served emulator: its settings and a sync SDK client on it."""

    env: Mapping[str, str]
    client: Ignisign

    @property
    def base_url(self) -> str:
        return self.env["IGNISIGN_BASE_URL"]

    def control(self, path: str) -> httpx.Response:
        """POST/GET one of the emulator's ``/_fake`` control endpoints."""
        method = "GET" if path.endswith("webhook-events") else "POST"
        answer = httpx.request(method, self.base_url + path)
        answer.raise_for_status()
        return answer

    def settle(self, webhook_id: str) -> None:
        """Wait until no delivery to the endpoint is PENDING (the emulator delivers in the
        background, after each answer)."""
        deadline = time.monotonic() + 30
        while any(r.status == "PENDING" for r in self.client.webhooks.iter_events(webhook_id)):
            assert time.monotonic() < deadline, "webhook deliveries still pending after 30 s"
            time.sleep(0.05)

    def published_request(self, title: str = "Lease") -> tuple[str, str]:
        """A published request with one PDF and one signer: ``(request id, document id)``."""
        client = self.client
        profile = client.signature_profiles.list()[0].id
        signer = client.signers.create(
            signature_profile_id=profile,
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
        )
        request_id = client.signature_requests.init(profile).signature_request_id
        document_id = client.documents.init(
            signature_request_id=request_id, label=title
        ).document_id
        client.documents.provide_file(
            document_id, PDF, file_name="lease.pdf", content_type="application/pdf"
        )
        client.signature_requests.update(
            request_id, title=title, document_ids=[document_id], signer_ids=[signer.signer_id]
        )
        client.signature_requests.publish(request_id)
        return request_id, document_id

    def completed_request(self, title: str = "Lease") -> tuple[str, str]:
        """A request every signer signed (its proofs exist): ``(request id, document id)``."""
        request_id, document_id = self.published_request(title)
        self.control(f"/_fake/signature-requests/{request_id}/sign")
        return request_id, document_id


def clean_environ() -> dict[str, str]:
    """This process's environment without IGNISIGN_* and colour settings."""
    drop = ("IGNISIGN_", "NO_COLOR", "FORCE_COLOR")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """``python -m ignisign_async emulator serve --port 0`` in a subprocess."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ignisign_async", "emulator", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environ(),
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert banner.startswith("FakeIgnisign serving on http://127.0.0.1:"), banner
        settings = dict(process.stdout.readline().strip().split("=", 1) for _ in range(4))
        client = Ignisign(
            settings["IGNISIGN_APP_ID"],
            settings["IGNISIGN_APP_ENV"],
            settings["IGNISIGN_APP_SECRET"],
            base_url=settings["IGNISIGN_BASE_URL"],
        )
        # One attempt per delivery: a failed one is FAILED at once, not retried for seconds.
        retries = httpx.post(
            settings["IGNISIGN_BASE_URL"] + "/_fake/webhooks/retries", json={"attempts": 1}
        )
        assert retries.status_code == 200, retries.text
        with client:
            yield Served(env=settings, client=client)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def webhook_id(served: Served) -> str:
    """An endpoint on a dead URL, registered before the module's workflows: deliveries fail."""
    return served.client.webhooks.create(url=DEAD_URL, description="nobody listens").id


@pytest.fixture(scope="module")
def completed(served: Served, webhook_id: str) -> tuple[str, str]:
    """A completed request and its document (made after the webhook endpoint), its deliveries
    done (FAILED)."""
    request = served.completed_request("Completed lease")
    served.settle(webhook_id)
    return request


@pytest.fixture
def cli_env(served: Served) -> dict[str, str]:
    """The environment of a subprocess pointed at the served emulator."""
    return {**clean_environ(), **served.env}


def run_cli(
    *args: str, env: Mapping[str, str], stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m ignisign_async ARGS`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "ignisign_async", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        timeout=60,
        check=False,
    )
