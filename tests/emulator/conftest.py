"""Fixtures for the emulator's own tests: raw HTTP access to ``fake.app`` and ready-made states.

``fake_ignisign`` and ``ignisign_client`` come from the package's pytest plugin.
"""

from __future__ import annotations

import pathlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ignisign_async.testing import FakeIgnisign

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Raw:
    """An httpx client on the emulator's ASGI app, authenticated, with path shortcuts."""

    def __init__(self, fake: FakeIgnisign, http: httpx.AsyncClient) -> None:
        self.fake = fake
        self.http = http
        self.scoped = f"/v3/applications/{fake.app_id}/envs/{fake.app_env}"
        self.token = ""

    async def login(self) -> str:
        answer = await self.http.post(
            "/v3/auth/app-api",
            json={
                "appId": self.fake.app_id,
                "appEnv": self.fake.app_env,
                "secret": self.fake.secret,
            },
        )
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["jwtToken"]
        return self.token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        out.update(headers or {})
        return out

    async def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        path = path.replace("{E}", self.scoped)
        return await self.http.request(method, path, headers=self._headers(headers), **kwargs)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.request(method, path, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def error(self, method: str, path: str, status: int, code: str, **kwargs: Any) -> Any:
        answer = await self.request(method, path, **kwargs)
        body = answer.json()
        assert (answer.status_code, body["code"]) == (status, code), answer.text
        assert set(body) == {"message", "status", "code", "context", "timestamp"}
        assert body["status"] == status
        return body

    # -- building blocks --------------------------------------------------------------------

    async def signer(self, profile_id: str | None = None, **inputs: str) -> str:
        payload = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}
        payload.update(inputs)
        payload["signatureProfileId"] = profile_id or self.fake.default_signature_profile_id
        return str((await self.ok("POST", "{E}/signers", json=payload))["signerId"])

    async def draft(self, profile_id: str | None = None) -> str:
        payload = {"signatureProfileId": profile_id or self.fake.default_signature_profile_id}
        answer = await self.ok("POST", "{E}/signature-requests", json=payload)
        return str(answer["signatureRequestId"])

    async def document(
        self, sr_id: str, *, content: bytes | None = PDF, label: str = "Contract"
    ) -> str:
        answer = await self.ok(
            "POST", "{E}/init-documents", json={"signatureRequestId": sr_id, "label": label}
        )
        doc_id = str(answer["documentId"])
        if content is not None:
            await self.ok(
                "POST",
                f"/v3/documents/{doc_id}/file",
                files={"file": ("contract.pdf", content, "application/pdf")},
            )
        return doc_id

    async def published(self, *, signers: int = 1, profile_id: str | None = None) -> dict[str, Any]:
        """A published (IN_PROGRESS) request with one PDF document and ``signers`` signers."""
        sr_id = await self.draft(profile_id)
        doc_id = await self.document(sr_id)
        signer_ids = [
            await self.signer(profile_id, email=f"s{i}@example.com") for i in range(signers)
        ]
        await self.ok(
            "PUT",
            f"/v3/signature-requests/{sr_id}",
            json={"title": "Deal", "documentIds": [doc_id], "signerIds": signer_ids},
        )
        publish = await self.ok("POST", f"/v3/signature-requests/{sr_id}/publish", json={})
        return {"sr": sr_id, "doc": doc_id, "signers": signer_ids, "publish": publish}

    async def status(self, sr_id: str) -> str:
        context = await self.ok("GET", f"/v3/signature-requests/{sr_id}/context")
        return str(context["status"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect this folder's ``slow`` tests (the deep property run) unless ``-m`` names them."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    here = pathlib.Path(__file__).parent
    slow = [i for i in items if i.get_closest_marker("slow") and here in i.path.parents]
    if slow:
        chosen = set(slow)
        items[:] = [item for item in items if item not in chosen]
        config.hook.pytest_deselected(items=slow)


@pytest.fixture
def fake() -> FakeIgnisign:
    return FakeIgnisign()


@pytest.fixture
async def raw(fake: FakeIgnisign) -> AsyncIterator[Raw]:
    transport = httpx.ASGITransport(app=fake.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as http:
        client = Raw(fake, http)
        await client.login()
        yield client


def topics(fake: FakeIgnisign) -> list[tuple[str, str]]:
    return [(e["topic"], e["action"]) for e in fake.webhook_events]
