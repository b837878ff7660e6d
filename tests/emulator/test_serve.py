"""``python -m ignisign_async.testing serve``: the emulator on a real socket."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.testing import FakeIgnisign
from ignisign_async.testing.__main__ import main

from .conftest import PDF


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """The ``serve`` command as a subprocess on a free port; its printed settings."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ignisign_async.testing", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert banner.startswith("FakeIgnisign serving on http://127.0.0.1:"), banner
        settings = dict(process.stdout.readline().strip().split("=", 1) for _ in range(4))
        yield settings
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_one_sdk_call_and_a_workflow_over_the_socket(served: dict[str, str]) -> None:
    async with AsyncIgnisign(
        served["IGNISIGN_APP_ID"],
        served["IGNISIGN_APP_ENV"],
        served["IGNISIGN_APP_SECRET"],
        base_url=served["IGNISIGN_BASE_URL"],
    ) as client:
        profiles = await client.signature_profiles.list()
        assert len(profiles) == 4
        profile = profiles[0].id
        signer = await client.signers.create(
            signature_profile_id=profile, first_name="A", last_name="B", email="a@example.com"
        )
        sr = await client.signature_requests.init(profile)
        assert sr.signature_request_id is not None
        doc = await client.documents.init(signature_request_id=sr.signature_request_id)
        await client.documents.provide_file(
            doc.document_id, PDF, file_name="c.pdf", content_type="application/pdf"
        )
        await client.signature_requests.update(
            sr.signature_request_id, document_ids=[doc.document_id], signer_ids=[signer.signer_id]
        )
        await client.signature_requests.publish(sr.signature_request_id)
        async with httpx.AsyncClient(base_url=served["IGNISIGN_BASE_URL"]) as http:
            signed = await http.post(f"/_fake/signature-requests/{sr.signature_request_id}/sign")
            assert signed.status_code == 200
            events = (await http.get("/_fake/webhook-events")).json()
        assert events[-1]["topic"] == "SIGNATURE_PROOF"
        context = await client.signature_requests.get(sr.signature_request_id)
        assert str(context.status) == "COMPLETED"
        async with client.proofs.stream_signature_proof(doc.document_id) as stream:
            proof = b"".join([chunk async for chunk in stream.iter_bytes()])
        assert proof.startswith(b"%PDF-")


@pytest.fixture
def uvicorn_fake() -> Iterator[tuple[FakeIgnisign, str]]:
    """A FakeIgnisign of this process served by uvicorn in a thread (to inject faults)."""
    import uvicorn

    fake = FakeIgnisign(raise_server_exceptions=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(fake.app, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield fake, f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def test_a_dropped_connection_over_uvicorn(uvicorn_fake: tuple[FakeIgnisign, str]) -> None:
    fake, url = uvicorn_fake
    fake.faults.disconnect_next(path="/v3/healthcheck")
    async with httpx.AsyncClient(base_url=url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("/v3/healthcheck")
        assert (await http.get("/v3/healthcheck")).json() == {"isAlive": True}
    async with fake.client(base_url=url, transport=None) as client:
        fake.faults.disconnect_next(path="/v3/healthcheck", when="after")
        assert (await client.health()).is_alive  # idempotent: the SDK retried it


def test_serve_refuses_remote_hosts_and_explains_a_missing_uvicorn(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["serve", "--port", "0"]) == 2
    assert "pip install 'ignisign-async[server]'" in capsys.readouterr().err
