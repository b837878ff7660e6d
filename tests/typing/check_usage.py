"""Usage a type checker must accept, and mistakes it must catch (``nox -s typecheck``).

Not a test module: mypy checks it (``mypy --strict tests/typing``). Each mistake carries a
``type: ignore[code]``; under ``--strict`` an ignore that silences nothing is itself an error, so
a mistake that stops being caught fails the check.
"""

from __future__ import annotations

import httpx

from ignisign_async import AsyncIgnisign, Ignisign
from ignisign_async.models import AppEnv
from ignisign_async.testing import FakeIgnisign


def environments(setting: str) -> None:
    AsyncIgnisign(app_id="appId_x", app_env="PRODUCTION", secret="sk_production_x")
    AsyncIgnisign(app_id="appId_x", app_env=AppEnv.STAGING, secret="sk_staging_x")
    AsyncIgnisign(app_id="appId_x", app_env=AppEnv(setting), secret="sk_x")  # a str, checked
    Ignisign(app_id="appId_x", app_env="DEVELOPMENT", secret="sk_development_x")
    FakeIgnisign(app_env="STAGING")
    AsyncIgnisign(app_id="appId_x", app_env="PROD", secret="sk_x")  # type: ignore[arg-type]
    Ignisign(app_id="appId_x", app_env=setting, secret="sk_x")  # type: ignore[arg-type]
    FakeIgnisign(app_env="dev")  # type: ignore[arg-type]


def emulator_clients(fake: FakeIgnisign) -> None:
    client: AsyncIgnisign = fake.client(timeout=3, max_retries=0, deadline=10.0)
    client = fake.client(timeout=httpx.Timeout(1.0), secret="sk_development_wrong")
    sync: Ignisign = fake.sync_client(max_retries=1, default_headers={"X-Trace": "1"})
    fake.client(timeot=3)  # type: ignore[call-arg]
    fake.sync_client(max_retries="2")  # type: ignore[arg-type]
    del client, sync
