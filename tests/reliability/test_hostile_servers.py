"""Hostile servers on 127.0.0.1: huge and gzip-bombed answers, trickling bodies, an auth outage,
clock skew. The SDK keeps memory flat, calls bounded, and asks for a token once per need.

Each test runs at a size that shows the failure it guards against; the ``slow`` ones replay the
issue's own figures (512 MiB answers, 20 and 16 concurrent callers).
"""

from __future__ import annotations

import contextlib
import pathlib
import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio
import pytest

from benchmarks._hostile import (
    APP_ENV,
    APP_ID,
    SECRET,
    HostileServer,
    gzip_bomb,
    huge,
    json_answer,
    trickle,
)
from ignisign_async import (
    APIResponseValidationError,
    APITimeoutError,
    AsyncIgnisign,
    DownloadError,
    DownloadStream,
    Ignisign,
    InternalServerError,
)
from ignisign_async._auth import SHORT_LIFETIME, token_lifetime
from tests.core.conftest import PROFILE

MIB = 1 << 20
PROFILES = [PROFILE]


def client(server: HostileServer, **options: Any) -> AsyncIgnisign:
    return AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url, **options
    )


def files(folder: pathlib.Path) -> list[pathlib.Path]:
    return list(folder.iterdir())


async def drain(download: AbstractAsyncContextManager[DownloadStream]) -> int:
    """Read a download to its end; its size."""
    size = 0
    async with download as stream:
        async for chunk in stream.iter_bytes():
            size += len(chunk)
    return size


@contextlib.contextmanager
def peak_memory() -> Iterator[list[int]]:
    """The peak of Python allocations inside the block, in bytes (``[peak]`` once it ends)."""
    found: list[int] = []
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        yield found
        found.append(tracemalloc.get_traced_memory()[1] - base)
    finally:
        tracemalloc.stop()


# -- 1. unbounded answers ---------------------------------------------------------------------


async def test_an_answer_over_the_cap_is_refused_without_reading_it() -> None:
    with HostileServer(huge(64 * MIB)) as server:
        async with client(server, max_response_bytes=MIB, max_retries=0) as sdk:
            with (
                peak_memory() as peak,
                pytest.raises(APIResponseValidationError, match="max_response_bytes") as info,
            ):
                await sdk.signers.summary("s1")
    assert "1048576 bytes" in str(info.value)
    assert "with_options(max_response_bytes=" in str(info.value)
    assert peak[0] < 4 * MIB
    assert server.completed == 1  # the token only: the answer was dropped, not drained


async def test_a_gzip_bomb_is_cut_at_the_cap_while_it_inflates() -> None:
    with HostileServer(gzip_bomb(64 * MIB)) as server:
        async with client(server, max_response_bytes=MIB, max_retries=0) as sdk:
            with (
                peak_memory() as peak,
                pytest.raises(APIResponseValidationError, match="max_response_bytes"),
            ):
                await sdk.signers.summary("s1")
    assert peak[0] < 8 * MIB  # the cap and one decoding step, not 64 MiB


async def test_an_error_body_keeps_its_head_and_says_it_was_cut() -> None:
    with HostileServer(huge(16 * MIB, status=500)) as server:
        async with client(server, max_retries=0) as sdk:
            with peak_memory() as peak, pytest.raises(InternalServerError) as info:
                await sdk.signers.summary("s1")
    error = info.value
    assert "cut after 65536 bytes" in error.message
    assert isinstance(error.body, str)
    assert len(error.body) <= 65536
    assert peak[0] < 4 * MIB


def test_the_cap_is_an_option_with_a_documented_default() -> None:
    sdk = AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET)
    assert sdk.max_response_bytes == 64 * MIB
    assert sdk.with_options(max_response_bytes=None).max_response_bytes is None
    assert sdk.with_options(max_response_bytes=10).max_response_bytes == 10
    assert sdk.max_response_bytes == 64 * MIB
    for bad in (0, -1, True, "1", 1.5):
        with pytest.raises(ValueError, match="max_response_bytes"):
            AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, max_response_bytes=bad)
        with pytest.raises(ValueError, match="max_response_bytes"):
            sdk.with_options(max_response_bytes=bad)


def test_the_sync_facade_caps_answers_too() -> None:
    with (
        HostileServer(gzip_bomb(32 * MIB)) as server,
        Ignisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            base_url=server.url,
            max_response_bytes=MIB,
            max_retries=0,
        ) as sdk,
    ):
        with pytest.raises(APIResponseValidationError, match="max_response_bytes"):
            sdk.signers.summary("s1")
        patient = sdk.with_options(max_response_bytes=2 * MIB)
        with pytest.raises(APIResponseValidationError, match="2097152"):
            patient.signers.summary("s1")


# -- 2. gzip and constant-memory downloads ----------------------------------------------------


async def test_a_gzipped_download_streams_in_constant_memory() -> None:
    size = 48 * MIB
    with HostileServer(gzip_bomb(size, content_type="application/pdf")) as server:
        async with client(server) as sdk:
            await sdk._auth.get()  # the token, outside the measure
            total = 0
            sizes = set()
            with peak_memory() as peak:
                async with sdk.proofs.stream_signature_proof("d1") as stream:
                    async for chunk in stream.iter_bytes(65536):
                        total += len(chunk)
                        sizes.add(len(chunk))
    assert total == size
    assert sizes == {65536}
    assert peak[0] < 4 * MIB  # 48 MiB when a whole wire chunk was inflated at once


async def test_a_gzipped_download_to_a_file_stays_flat(tmp_path: pathlib.Path) -> None:
    size = 48 * MIB
    with HostileServer(gzip_bomb(size, content_type="application/pdf")) as server:
        async with client(server) as sdk:
            await sdk._auth.get()
            with peak_memory() as peak:
                result = await sdk.proofs.download_signature_proof("d1", tmp_path / "p.pdf")
    assert result.bytes_written == size == (tmp_path / "p.pdf").stat().st_size
    assert peak[0] < 16 * MIB


async def test_max_bytes_caps_a_download(tmp_path: pathlib.Path) -> None:
    with HostileServer(gzip_bomb(32 * MIB, content_type="application/pdf")) as server:
        async with client(server) as sdk:
            with pytest.raises(DownloadError, match="max_bytes=1048576") as info:
                await sdk.proofs.download_signature_proof("d1", tmp_path / "p.pdf", max_bytes=MIB)
            assert info.value.received > MIB
            assert files(tmp_path) == []  # nothing left behind
            with pytest.raises(DownloadError, match="max_bytes"):
                await drain(sdk.proofs.stream_signature_proof("d1", max_bytes=MIB))


async def test_a_download_announced_over_max_bytes_is_refused_before_its_body() -> None:
    with HostileServer(huge(64 * MIB)) as server:
        async with client(server) as sdk:
            with pytest.raises(DownloadError, match="announced 67108864 bytes"):
                async with sdk.documents.stream_original("d1", max_bytes=MIB):
                    raise AssertionError("not reached")
            with pytest.raises(ValueError, match="max_bytes"):
                await sdk.documents.download_original("d1", "x.pdf", max_bytes=0)
    assert server.completed == 1  # the token; the 64 MiB body was never drained


# -- 3. auth outage, clock skew ---------------------------------------------------------------


async def _cold_herd(server: HostileServer, callers: int, **options: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    async with client(server, **options) as sdk:

        async def one() -> None:
            try:
                await sdk.signature_profiles.list()
            except Exception as exc:
                errors.append(exc)

        async with anyio.create_task_group() as group:
            for _ in range(callers):
                group.start_soon(one)
    return errors


async def test_callers_waiting_on_a_failing_fetch_share_its_failure() -> None:
    with HostileServer(auth="outage", outage_delay=0.05) as server:
        errors = await _cold_herd(server, 20, max_retries=2, deadline=3)
    assert len(errors) == 20
    assert all(isinstance(e, (InternalServerError, APITimeoutError)) for e in errors)
    assert 1 <= server.auth_requests <= 3  # one fetch and its retries; 60 when each waiter fetched


async def test_the_deadline_bounds_the_wait_for_a_token() -> None:
    with HostileServer(auth="hang", outage_delay=20) as server:
        async with client(server) as sdk:  # the token is fetched with no deadline...
            quick = sdk.with_options(deadline=0.3)  # ...but this caller waits no longer
            with anyio.fail_after(10):  # a guard against a hang, not a measure
                with pytest.raises(APITimeoutError, match="deadline"):
                    await quick.signature_profiles.list()


def test_threads_of_the_sync_facade_share_a_failing_fetch() -> None:
    with HostileServer(auth="outage", outage_delay=0.05) as server:
        errors: list[BaseException] = []
        with Ignisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            base_url=server.url,
            max_retries=2,
            deadline=3,
        ) as sdk:
            start = threading.Barrier(16)

            def one() -> None:
                start.wait()
                try:
                    sdk.signature_profiles.list()
                except Exception as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=one) for _ in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    assert len(errors) == 16
    assert server.auth_requests <= 12  # 48 when every thread fetched for itself


@pytest.mark.parametrize("auth", ["skewed", "nan"])
async def test_a_token_already_expired_by_the_local_clock_is_not_fetched_on_every_call(
    auth: str,
) -> None:
    with HostileServer(json_answer(200, lambda r: PROFILES), auth=auth) as server:
        async with client(server) as sdk:
            await sdk.signature_profiles.list()
            async with anyio.create_task_group() as group:
                for _ in range(50):
                    group.start_soon(sdk.signature_profiles.list)
    assert server.auth_requests == 1  # 51 when each call found the token expired


def test_the_lifetime_is_read_from_exp_and_iat() -> None:
    from benchmarks._hostile import jwt

    now = 1_000_000.0
    assert token_lifetime(jwt(exp=now - 3600, iat=now - 7200), now=now) == 3600
    assert token_lifetime(jwt(exp=now + 300), now=now) == 300
    for unreadable in (jwt(exp=now - 5), jwt(exp=float("nan")), jwt(exp=None), "opaque"):
        assert token_lifetime(unreadable, now=now) == SHORT_LIFETIME
    assert token_lifetime(jwt(exp=now + 10, iat=now + 20), now=now) == 10  # iat after exp


# -- 6. trickling servers ---------------------------------------------------------------------


async def test_a_trickled_json_answer_is_bounded_by_the_timeout_as_a_whole() -> None:
    with HostileServer(trickle(40, every=0.1)) as server:
        async with client(server, timeout=0.5, max_retries=0) as sdk:
            with pytest.raises(APITimeoutError, match="timed out"):
                await sdk.signers.summary("s1")  # each read gets a byte in time; 4 s in all


async def test_the_deadline_bounds_a_downloads_body() -> None:
    with HostileServer(trickle(40, every=0.1, content_type="application/pdf")) as server:
        async with client(server, deadline=0.8) as sdk:
            with pytest.raises(DownloadError, match="deadline"):
                await drain(sdk.proofs.stream_signature_proof("d1"))


# -- the issue's own figures (slow) -----------------------------------------------------------


@pytest.mark.slow
async def test_512_mib_answers_and_bombs_take_no_memory(tmp_path: pathlib.Path) -> None:
    big = 512 * MIB
    with HostileServer(huge(big)) as server:
        async with client(server, max_retries=0) as sdk:
            with peak_memory() as peak, pytest.raises(APIResponseValidationError):
                await sdk.signers.summary("s1")
    assert peak[0] < 4 * MIB
    with HostileServer(huge(big, status=500)) as server:
        async with client(server, max_retries=0) as sdk:
            with peak_memory() as peak, pytest.raises(InternalServerError):
                await sdk.signers.summary("s1")
    assert peak[0] < 4 * MIB
    with HostileServer(gzip_bomb(big)) as server:
        async with client(server, max_retries=0) as sdk:
            with peak_memory() as peak, pytest.raises(APIResponseValidationError):
                await sdk.signers.summary("s1")
    assert peak[0] < 72 * MIB  # the default 64 MiB cap
    with HostileServer(gzip_bomb(big, content_type="application/pdf")) as server:
        async with client(server) as sdk:
            await sdk._auth.get()
            with peak_memory() as peak:
                result = await sdk.proofs.download_signature_proof("d1", tmp_path / "p.pdf")
    assert result.bytes_written == big
    assert peak[0] < 32 * MIB  # the download bar


@pytest.mark.slow
async def test_an_auth_outage_with_the_issues_figures() -> None:
    with HostileServer(auth="outage", outage_delay=0.2) as server:
        errors = await _cold_herd(server, 20, max_retries=2, deadline=3)
    assert len(errors) == 20
    assert server.auth_requests <= 3


@pytest.mark.slow
async def test_trickles_with_the_issues_figures() -> None:
    with HostileServer(trickle(24, every=0.5)) as server:
        async with client(server, timeout=2, max_retries=0) as sdk:
            with pytest.raises(APITimeoutError):
                await sdk.signers.summary("s1")
    with HostileServer(trickle(24, every=0.5, content_type="application/pdf")) as server:
        async with client(server, deadline=3) as sdk:
            with pytest.raises(DownloadError, match="deadline"):
                await drain(sdk.proofs.stream_signature_proof("d1"))
