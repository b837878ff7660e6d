"""``with_raw_response`` on the sync facade: the same answers, blocking, from any thread."""

from __future__ import annotations

import inspect
import threading

import pytest

from ignisign_async import NotFoundError
from ignisign_async._response import APIResponse
from ignisign_async.models import SignatureProfile
from ignisign_async.testing import FakeIgnisign

SUB_CLIENTS = [
    "applications",
    "signers",
    "signature_profiles",
    "signature_requests",
    "documents",
    "proofs",
    "webhooks",
]


@pytest.mark.parametrize("name", SUB_CLIENTS)
def test_the_same_methods_as_the_async_ones(name: str) -> None:
    fake = FakeIgnisign()
    with fake.sync_client() as sync:
        offered = dir(getattr(sync, name).with_raw_response)
        assert offered == dir(getattr(fake.client(), name).with_raw_response)
        for method in offered:
            function = getattr(getattr(sync, name).with_raw_response, method)
            assert not inspect.iscoroutinefunction(function)
    with pytest.raises(AttributeError, match="a stream gives its answer's headers itself"):
        _ = sync.proofs.with_raw_response.stream_asic


def test_a_call_a_retry_and_an_error() -> None:
    fake = FakeIgnisign()
    with fake.sync_client() as client:
        fake.faults.fail_next(status=503, retry_after=0, path="*/signature-profiles")
        response = client.signature_profiles.with_raw_response.list()
        assert isinstance(response, APIResponse)
        assert (response.status_code, response.method, response.retries_taken) == (200, "GET", 1)
        assert all(isinstance(p, SignatureProfile) for p in response.parse())
        assert client.with_raw_response.health().parse().is_alive
        with pytest.raises(NotFoundError):
            client.signers.with_raw_response.get("65f1a2b3c4d5e6f7a8b9c0d1")


def test_from_several_threads() -> None:
    fake = FakeIgnisign()
    got: list[int] = []
    with fake.sync_client() as client:

        def work() -> None:
            got.append(client.signature_profiles.with_raw_response.list().status_code)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert got == [200] * 4
