"""A sync client on the recording fake API of ``tests/resources`` (any thread may answer)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ignisign_async import Ignisign
from tests.conftest import APP_ENV, APP_ID, SECRET
from tests.resources.conftest import FakeApi


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Iterator[Ignisign]:
    transport = httpx.MockTransport(api.handler)
    with Ignisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport, max_retries=0
    ) as client:
        yield client
