"""The pytest plugin: its fixtures in this suite, and in a user's project (a pytest subprocess)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import anyio

from ignisign_async import AsyncIgnisign
from ignisign_async.testing import FakeIgnisign


def test_fake_ignisign_fixture_is_fresh(fake_ignisign: FakeIgnisign) -> None:
    assert isinstance(fake_ignisign, FakeIgnisign)
    assert fake_ignisign.requests == []
    assert fake_ignisign.webhook_events == []


async def test_ignisign_client_fixture_is_wired(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    assert ignisign_client.app_id == fake_ignisign.app_id
    assert (await ignisign_client.health()).is_alive
    assert [r.path for r in fake_ignisign.requests] == ["/v3/healthcheck"]


def test_the_plugin_in_a_users_project(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.fixture(params=["asyncio", "trio"])
            def anyio_backend(request):
                return request.param

            @pytest.mark.anyio
            async def test_async(ignisign_client, fake_ignisign):
                assert len(await ignisign_client.signature_profiles.list()) == 4
                assert fake_ignisign.auth_requests == 1

            def test_sync(ignisign_sync_client, fake_ignisign):
                assert len(ignisign_sync_client.signature_profiles.list()) == 4
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout


def test_the_plugin_imports_no_emulator() -> None:
    code = (
        "import sys, ignisign_async.testing._pytest_plugin; "
        "print(any(m.startswith('ignisign_async.testing._') and m != "
        "'ignisign_async.testing._pytest_plugin' for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ignisign_async; print('ignisign_async.testing' in sys.modules)",
        ],
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_one_emulator_serves_several_event_loops_in_threads() -> None:
    fake = FakeIgnisign()
    errors: list[BaseException] = []
    created: list[str] = []

    async def work(backend_index: int) -> None:
        async with fake.client() as client:
            for _ in range(10):
                sr = await client.signature_requests.init(fake.default_signature_profile_id)
                assert sr.signature_request_id is not None
                created.append(sr.signature_request_id)
            fake.faults.delay(0.001, count=5)
            await client.signature_profiles.list()

    def thread(index: int) -> None:
        try:
            anyio.run(work, index, backend="trio" if index % 2 else "asyncio")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(set(created)) == 40
    assert fake.auth_requests == 4
    assert len([e for e in fake.webhook_events if e["action"] == "INITIALIZED"]) == 40
