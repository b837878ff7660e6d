"""``examples/django_app``: Django 5 with its ORM on SQLite, the sync facade, webhooks."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import pytest

from ignisign_async.testing import FakeIgnisign
from tests.sync.test_workflows import publish_one

from .conftest import EXAMPLES, deliver, deliver_to


@pytest.fixture(scope="module")
def site(emulator: FakeIgnisign, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The example project set up as ``manage.py`` would, on a fresh SQLite file."""
    from django.core.management import call_command

    sys.path.insert(0, str(EXAMPLES / "django_app"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_config.settings"
    os.environ["CONTRACTS_DB"] = str(tmp_path_factory.mktemp("django") / "contracts.sqlite3")
    django.setup()
    call_command("migrate", verbosity=0)
    from contracts import ignisign

    try:
        yield ignisign
    finally:
        ignisign.client.close()
        sys.path.remove(str(EXAMPLES / "django_app"))


def django_post(body: bytes) -> int:
    from django.test import Client

    response = Client().post("/ignisign/webhook", data=body, content_type="application/json")
    return int(response.status_code)


def test_a_completed_request_updates_the_contract_row(emulator: FakeIgnisign, site: Any) -> None:
    from contracts.models import Contract

    client = site.client
    deliver_to(emulator, django_post)
    endpoint = client.webhooks.create(url="https://crm.example/ignisign/webhook")
    request_id, _, _ = publish_one(emulator, client)
    deliver(emulator)
    Contract.objects.create(title="Deal", signature_request_id=request_id)
    emulator.sign(request_id)
    deliver(emulator)
    contract = Contract.objects.get(signature_request_id=request_id)
    assert contract.status == "COMPLETED"
    assert contract.signed_at is not None
    records = client.webhooks.list_events(endpoint.id, filter="FAILED")
    assert records.items == ()  # every delivery was answered 200
    client.webhooks.remove(endpoint.id)


def test_a_failing_callback_is_answered_500_and_recovered_by_resend_failed(
    emulator: FakeIgnisign, site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contracts.models import Contract

    client = site.client
    deliver_to(emulator, django_post)
    emulator.webhook_retries(attempts=1)  # IgniSign gave up on the failed deliveries
    endpoint = client.webhooks.create(url="https://crm.example/ignisign/webhook")
    request_id, _, _ = publish_one(emulator, client)
    deliver(emulator)  # before the contract's row exists: nothing to update
    Contract.objects.create(title="Lease", signature_request_id=request_id)

    def database_down(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the database is down")

    with monkeypatch.context() as patch:
        patch.setattr(Contract.objects, "filter", database_down)
        emulator.sign(request_id)
        deliver(emulator)
    assert Contract.objects.get(signature_request_id=request_id).status == "DRAFT"
    failed = client.webhooks.list_events(endpoint.id, filter="FAILED").items
    assert failed
    assert {r.response.status for r in failed if r.response} == {500}

    resent = client.webhooks.resend_failed(endpoint.id)  # the database is back
    deliver(emulator)
    assert set(resent.event_ids) == {r.id for r in failed}
    assert Contract.objects.get(signature_request_id=request_id).status == "COMPLETED"
    assert client.webhooks.list_events(endpoint.id, filter="FAILED").items == ()
    client.webhooks.remove(endpoint.id)


def test_a_forged_webhook_is_refused_before_any_callback(site: Any) -> None:
    from contracts.models import Contract

    body = (
        b'{"appId": "appId_other", "appEnv": "DEVELOPMENT", "verificationToken": "t",'
        b' "topic": "SIGNATURE_REQUEST", "action": "COMPLETED", "msgNature": "SUCCESS",'
        b' "content": {"signatureRequestId": "x", "status": "COMPLETED"}}'
    )
    before = list(Contract.objects.values_list("status", flat=True))
    assert django_post(body) == 401
    assert list(Contract.objects.values_list("status", flat=True)) == before


def test_the_example_ships_its_migration() -> None:
    assert (EXAMPLES / "django_app" / "contracts" / "migrations" / "0001_initial.py").is_file()
    assert Path(EXAMPLES / "django_app" / "manage.py").read_text().startswith("#!/usr/bin/env")
