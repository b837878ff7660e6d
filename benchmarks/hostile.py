"""Figures against hostile servers: peak memory, auth requests, seconds.

Run with ``python -m benchmarks.hostile``.

Each scenario runs in a fresh interpreter (so that peak RSS is its own) against a
:class:`~benchmarks._hostile.HostileServer` on 127.0.0.1, and prints one line; ``--json`` prints
them as JSON. ``--only NAME[,NAME]`` picks scenarios. Nothing is asserted: the reliability suite
(``-m slow``) holds the SDK to its promises, this script measures them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio

from ._hostile import APP_ENV, APP_ID, SECRET, HostileServer, gzip_bomb, huge, trickle

MIB = 1 << 20
BIG = 512 * MIB
ROOT = Path(__file__).resolve().parent.parent


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _client(server: HostileServer, **options: Any) -> Any:
    from ignisign_async import AsyncIgnisign

    return AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url, **options
    )


async def _outcome(call: Awaitable[Any]) -> str:
    try:
        await call
    except Exception as exc:
        return type(exc).__name__
    return "ok"


async def _memory(
    answer: Any, run: Callable[[Any], Awaitable[Any]], **options: Any
) -> dict[str, Any]:
    with HostileServer(answer) as server:
        async with _client(server, max_retries=0, **options) as client:
            before = _rss_mib()
            started = time.perf_counter()
            outcome = await _outcome(run(client))
            seconds = time.perf_counter() - started
    return {
        "rss_growth_mib": round(_rss_mib() - before, 1),
        "seconds": round(seconds, 2),
        "outcome": outcome,
    }


async def _stream_all(client: Any) -> int:
    total = 0
    async with client.proofs.stream_signature_proof("d1") as stream:
        async for chunk in stream.iter_bytes(65536):
            total += len(chunk)
    return total


async def _download(client: Any) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        return await client.proofs.download_signature_proof("d1", os.path.join(folder, "p.pdf"))


async def _outage(**options: Any) -> dict[str, Any]:
    with HostileServer(auth="outage") as server:
        async with _client(server, max_retries=2, deadline=3, **options) as client:
            started = time.perf_counter()
            outcomes: list[str] = []

            async def one() -> None:
                outcomes.append(await _outcome(client.signature_profiles.list()))

            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(one)
            seconds = time.perf_counter() - started
    return {
        "auth_requests": server.auth_requests,
        "seconds": round(seconds, 2),
        "outcome": sorted(set(outcomes)),
    }


def _sync_outage() -> dict[str, Any]:
    from ignisign_async import Ignisign

    with (
        HostileServer(auth="outage") as server,
        Ignisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            base_url=server.url,
            max_retries=2,
            deadline=3,
        ) as client,
    ):
        outcomes: list[str] = []

        def one() -> None:
            try:
                client.signature_profiles.list()
                outcomes.append("ok")
            except Exception as exc:
                outcomes.append(type(exc).__name__)

        started = time.perf_counter()
        threads = [threading.Thread(target=one) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    return {
        "auth_requests": server.auth_requests,
        "seconds": round(seconds, 2),
        "outcome": sorted(set(outcomes)),
    }


async def _skew() -> dict[str, Any]:
    with HostileServer(huge(2), auth="skewed") as server:
        async with _client(server) as client:
            await _outcome(client.signature_profiles.list())
            async with anyio.create_task_group() as group:
                for _ in range(50):
                    group.start_soon(_outcome, client.signature_profiles.list())
    return {"auth_requests": server.auth_requests, "calls": 51}


async def _trickle(
    run: Callable[[Any], Awaitable[Any]], content_type: str, **options: Any
) -> dict[str, Any]:
    with HostileServer(trickle(24, every=0.5, content_type=content_type)) as server:
        async with _client(server, max_retries=0, **options) as client:
            started = time.perf_counter()
            outcome = await _outcome(run(client))
            seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "outcome": outcome}


SCENARIOS: dict[str, Callable[[], Any]] = {
    "huge-json": lambda: _memory(huge(BIG), lambda c: c.signers.summary("s1")),
    "huge-error": lambda: _memory(huge(BIG, status=500), lambda c: c.signers.summary("s1")),
    "gzip-json": lambda: _memory(gzip_bomb(BIG), lambda c: c.signers.summary("s1")),
    "gzip-stream": lambda: _memory(gzip_bomb(BIG, content_type="application/pdf"), _stream_all),
    "gzip-download": lambda: _memory(gzip_bomb(BIG, content_type="application/pdf"), _download),
    "auth-outage": lambda: _outage(),
    "auth-outage-sync": _sync_outage,
    "clock-skew": lambda: _skew(),
    "trickle-json-timeout-2": lambda: _trickle(
        lambda c: c.signers.summary("s1"), "application/json", timeout=2
    ),
    "trickle-download-deadline-3": lambda: _trickle(_stream_all, "application/pdf", deadline=3),
}


def _run_one(name: str) -> dict[str, Any]:
    scenario = SCENARIOS[name]
    if name.endswith("-sync"):
        return scenario()  # type: ignore[no-any-return]
    return anyio.run(scenario)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_run_one(args.one)))
        return 0
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    results = {}
    for name in args.only.split(","):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.hostile", "--one", name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            results[name] = {"error": done.stderr.strip().splitlines()[-1:]}
        else:
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        if not args.json:
            print(f"{name:30} {results[name]}", flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
