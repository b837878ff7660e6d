"""The plugin's fixtures in a user's project, under each async test runner users have.

Each test writes a small project (its own ``pytest.ini``, so nothing of this repository's
configuration applies) and runs pytest on it in a subprocess: pytest-asyncio in its default
strict mode and in auto mode, and anyio's plugin on asyncio and Trio with pytest-asyncio
disabled. The strict project also mocks one endpoint with respx, as a user without the
emulator would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

WORKFLOW = """
async def workflow(client, fake):
    profiles = await client.signature_profiles.list()
    request = await client.signature_requests.init(profiles[0].id)
    assert fake.requests[-1].path.endswith("/signature-requests")
    assert fake.auth_requests == 1
    return request
"""

SYNC_TEST = """
def test_sync(ignisign_sync_client, fake_ignisign):
    assert len(ignisign_sync_client.signature_profiles.list()) == 4
"""


def run_project(tmp_path: Path, ini: str, tests: str, *args: str) -> str:
    """Run pytest on a project made of ``pytest.ini`` and ``test_user.py``; its output."""
    (tmp_path / "pytest.ini").write_text(textwrap.dedent(ini))
    (tmp_path / "helpers.py").write_text(textwrap.dedent(WORKFLOW))
    (tmp_path / "test_user.py").write_text(textwrap.dedent(tests) + textwrap.dedent(SYNC_TEST))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IGNISIGN_", "PYTEST_"))}
    env["PYTHONPATH"] = str(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rA",
            "-W",
            "error::pytest.PytestUnraisableExceptionWarning",
            "-W",
            "error::ResourceWarning",
            *args,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def passed(output: str) -> int:
    found = re.search(r"(\d+) passed", output)
    return int(found.group(1)) if found else 0


def test_pytest_asyncio_strict_mode(tmp_path: Path) -> None:
    output = run_project(
        tmp_path,
        """
        [pytest]
        asyncio_default_fixture_loop_scope = function
        """,
        """
        import asyncio

        import httpx
        import pytest

        from ignisign_async import AsyncIgnisign, NotFoundError
        from helpers import workflow

        @pytest.mark.asyncio
        async def test_async(ignisign_client, fake_ignisign):
            asyncio.get_running_loop()
            await workflow(ignisign_client, fake_ignisign)

        @pytest.mark.asyncio
        async def test_the_client_may_be_entered(ignisign_client):
            async with ignisign_client as client:
                assert (await client.health()).is_alive

        @pytest.mark.asyncio
        async def test_one_endpoint_mocked_with_respx(respx_mock):
            respx_mock.post("https://api.ignisign.io/v3/auth/app-api").respond(
                json={"jwtToken": "test-token"}
            )
            route = respx_mock.get(url__regex=r".*/signers/missing$").respond(
                404, json={"code": "SIGNER_NOT_FOUND", "message": "no such signer"}
            )
            async with AsyncIgnisign(
                app_id="appId_test", app_env="DEVELOPMENT", secret="sk_development_test"
            ) as client:
                with pytest.raises(NotFoundError) as caught:
                    await client.signers.summary("missing")
            assert caught.value.code == "SIGNER_NOT_FOUND"
            assert route.calls.last.request.headers["authorization"] == "Bearer test-token"
        """,
    )
    assert passed(output) == 4, output


def test_pytest_asyncio_auto_mode(tmp_path: Path) -> None:
    output = run_project(
        tmp_path,
        """
        [pytest]
        asyncio_mode = auto
        asyncio_default_fixture_loop_scope = function
        """,
        """
        from helpers import workflow

        async def test_async(ignisign_client, fake_ignisign):
            await workflow(ignisign_client, fake_ignisign)

        class TestInAClass:
            async def test_async(self, ignisign_client, fake_ignisign):
                await workflow(ignisign_client, fake_ignisign)
        """,
    )
    assert passed(output) == 3, output


def test_anyio_plugin_on_asyncio_and_trio_without_pytest_asyncio(tmp_path: Path) -> None:
    output = run_project(
        tmp_path,
        """
        [pytest]
        """,
        """
        import pytest
        import sniffio

        from helpers import workflow

        @pytest.fixture(params=["asyncio", "trio"])
        def anyio_backend(request):
            return request.param

        @pytest.mark.anyio
        async def test_async(ignisign_client, fake_ignisign, anyio_backend):
            assert sniffio.current_async_library() == anyio_backend
            await workflow(ignisign_client, fake_ignisign)

        @pytest.mark.anyio
        async def test_webhooks_left_in_flight(ignisign_client, fake_ignisign):
            from ignisign_async.testing import asgi_sender

            fake_ignisign.webhook_sender = asgi_sender(ignisign_client.webhook_router().asgi())
            await ignisign_client.webhooks.create(url="https://example.com/hook")
            await workflow(ignisign_client, fake_ignisign)  # deliveries still queued at the end
        """,
        "-p",
        "no:asyncio",
    )
    assert passed(output) == 5, output
    assert "test_async[asyncio]" in output
    assert "test_async[trio]" in output
