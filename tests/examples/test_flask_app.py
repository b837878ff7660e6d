"""``examples/flask_app``: Flask's test client, the sync facade, a callback that downloads."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ignisign_async.testing import FakeIgnisign

from .conftest import EXAMPLES, deliver, deliver_to

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def example(emulator: FakeIgnisign, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    proofs = tmp_path_factory.mktemp("proofs")
    sys.path.insert(0, str(EXAMPLES / "flask_app"))
    try:
        module = importlib.import_module("app")
        module.PROOFS_DIR = proofs
        yield module
        module.client.close()
    finally:
        sys.path.remove(str(EXAMPLES / "flask_app"))
        sys.modules.pop("app", None)


def test_send_a_contract_then_receive_the_completed_webhook(
    emulator: FakeIgnisign, example: Any
) -> None:
    http = example.app.test_client()
    deliver_to(
        emulator,
        lambda body: (
            http.post("/ignisign/webhook", data=body, content_type="application/json").status_code
        ),
    )
    loops: list[bool] = []

    @example.router.on(None)
    def no_loop_here(event: Any) -> None:  # asyncio-aware code may run in a callback
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loops.append(False)
        else:
            loops.append(True)

    endpoint = example.client.webhooks.create(url="https://shop.example/ignisign/webhook")
    query = {
        "profile": emulator.default_signature_profile_id,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
    }
    created = http.post("/contracts", query_string=query, data=PDF)
    assert created.status_code == 201
    request_id = created.get_json()["signature_request_id"]
    document_id = created.get_json()["document_id"]

    emulator.sign(request_id)
    deliver(emulator)
    proof = Path(example.PROOFS_DIR) / f"{document_id}.pdf"
    assert proof.read_bytes().startswith(b"%PDF-")
    assert loops
    assert not any(loops)
    assert example.client.webhooks.list_events(endpoint.id, filter="FAILED").items == ()


def test_a_malformed_webhook_is_a_400(example: Any) -> None:
    response = example.app.test_client().post(
        "/ignisign/webhook", data=b"{oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["ok"] is False
