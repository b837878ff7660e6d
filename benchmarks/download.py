"""A large proof download to a file: the SDK against raw httpx, on a loopback uvicorn server.

Contenders, each fetching the same generated body from the same server:

* ``sdk``: ``client.proofs.download_signature_proof(document_id, path)`` (temporary file,
  a 12 MiB ring of 4 MiB slots drained by one writer thread while the next bytes arrive, rename
  into place);
* ``raw``: ``httpx.AsyncClient.stream`` + ``aiter_bytes`` + a plain blocking ``file.write``
  per chunk, on the event loop.

Every run happens in a fresh child process, contenders in turn (the order alternating), so that
each peak RSS is its own: the child resets its peak (``/proc/self/clear_refs``) once warmed up,
and reports ``VmHWM`` minus the RSS at that moment. A heartbeat task in the child records the
largest scheduling lag of the event loop during the download. Run alone with::

    python -m benchmarks.download [size_in_MiB] [repetitions] [httpx|aiohttp]
"""

from __future__ import annotations

import json
import os
import resource
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any, Final

import anyio
import anyio.abc

__all__ = ["bench_download"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

APP_ID: Final = "appId_bench-download"
APP_ENV: Final = "DEVELOPMENT"
SECRET: Final = "sk_development_bench-download"
TOKEN: Final = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDB9.YmVuY2htYXJr"  # exp: 2100
)
_SEND_BLOCK: Final = 256 * 1024
_WARMUP_BYTES: Final = 1 << 20
_HEARTBEAT: Final = 0.005
_ROOT: Final = Path(__file__).resolve().parent.parent


def document_id(size: int) -> str:
    """The document id that makes the server answer ``size`` bytes."""
    return f"bench{size}"


def proof_path(size: int) -> str:
    """The signature proof path (reference row 38) for a body of ``size`` bytes."""
    return f"/v3/documents/{document_id(size)}/signature-proof"


# -- server (child process) ---------------------------------------------------------------


class _ProofServer:
    """Answers the auth call, and ``GET .../documents/bench<N>/signature-proof`` with N bytes."""

    def __init__(self) -> None:
        self._block = os.urandom(_SEND_BLOCK)
        self._token = json.dumps({"jwtToken": TOKEN}).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if scope["method"] == "POST":
            while (await receive()).get("more_body"):
                pass
            await self._plain(send, 200, self._token, b"application/json")
            return
        prefix, suffix = "/v3/documents/bench", "/signature-proof"
        size_text = path[len(prefix) : -len(suffix)]
        if not (path.startswith(prefix) and path.endswith(suffix) and size_text.isdigit()):
            await self._plain(send, 404, b'{"code":"NOT_FOUND"}', b"application/json")
            return
        remaining = int(size_text)
        headers = [
            (b"content-type", b"application/pdf"),
            (b"content-length", str(remaining).encode()),
            (b"content-disposition", b'attachment; filename="proof.pdf"'),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        block = self._block
        while remaining > 0:
            piece = block if remaining >= len(block) else block[:remaining]
            remaining -= len(piece)
            await send({"type": "http.response.body", "body": piece, "more_body": remaining > 0})
        if not int(size_text):
            await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _plain(send: Send, status: int, body: bytes, content_type: bytes) -> None:
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _serve() -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(_ProofServer(), log_level="warning", access_log=False, lifespan="off")
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(config).run(sockets=[sock])


# -- one measured download (child process) ------------------------------------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> int:
    """Reset the peak RSS to the current RSS (Linux); return the current RSS in KiB."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_kib("VmRSS")


def _cpu_seconds() -> float:
    """CPU time of this process so far, every thread included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _heartbeat(lags: list[float]) -> None:
    while True:
        before = time.perf_counter()
        await anyio.sleep(_HEARTBEAT)
        lags.append(time.perf_counter() - before - _HEARTBEAT)


async def _measure(variant: str, base_url: str, size: int, folder: str) -> dict[str, float]:
    import httpx

    from ignisign_async import AsyncIgnisign

    target = os.path.join(folder, f"{variant}.pdf")
    backend = "aiohttp" if variant == "sdk-aiohttp" else "httpx"
    client = AsyncIgnisign(APP_ID, APP_ENV, SECRET, base_url=base_url, http_backend=backend)
    raw_client = httpx.AsyncClient(base_url=base_url, timeout=client.timeout)
    auth = {"Authorization": f"Bearer {TOKEN}"}

    async def sdk(size: int) -> int:
        result = await client.proofs.download_signature_proof(document_id(size), target)
        return result.bytes_written

    async def raw(size: int) -> int:
        written = 0
        async with raw_client.stream("GET", proof_path(size), headers=auth) as response:
            response.raise_for_status()
            with open(target, "wb") as file:  # noqa: ASYNC230 (the baseline blocks on purpose)
                async for chunk in response.aiter_bytes():
                    file.write(chunk)
                    written += len(chunk)
        return written

    run = sdk if variant.startswith("sdk") else raw
    async with client, raw_client:
        await run(_WARMUP_BYTES)  # imports, token, connection, worker thread: all warm
        os.unlink(target)
        lags: list[float] = []
        base_kib = _reset_peak()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_heartbeat, lags)
            cpu_started = _cpu_seconds()
            started = time.perf_counter()
            written = await run(size)
            seconds = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu_started
            tasks.cancel_scope.cancel()
        peak_kib = _status_kib("VmHWM")
    on_disk = os.stat(target).st_size
    os.unlink(target)
    if written != size or on_disk != size:
        raise RuntimeError(f"{variant}: wrote {written} bytes ({on_disk} on disk), expected {size}")
    return {
        "seconds": seconds,
        "mb_s": size / seconds / 1e6,
        "rss_growth_mib": max(peak_kib - base_kib, 0) / 1024,
        "max_lag_ms": max(lags, default=0.0) * 1000,
        "cpu_s": cpu,
    }


# -- orchestration ------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    paths = [str(_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


async def _start_server() -> tuple[anyio.abc.Process, str]:
    process = await anyio.open_process(
        [sys.executable, "-m", "benchmarks.download", "--serve"], cwd=_ROOT, env=_child_env()
    )
    assert process.stdout is not None
    line = b""
    with anyio.fail_after(30):
        while not line.endswith(b"\n"):
            line += await process.stdout.receive(64)
    return process, f"http://127.0.0.1:{int(line)}"


async def _run_child(variant: str, base_url: str, size: int, folder: str) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.download", "--measure", variant, base_url]
    result = await anyio.run_process(
        [*command, str(size), folder], cwd=_ROOT, env=_child_env(), check=True
    )
    return dict(json.loads(result.stdout))


async def bench_download(
    size_bytes: int = 1 << 30, repetitions: int = 3, backend: str = "httpx"
) -> dict[str, float]:
    """Download ``size_bytes`` ``repetitions`` times per contender; medians of the runs.

    ``backend`` is the SDK's ``http_backend`` (raw httpx always runs on its own pool).

    Returns (MB = 10**6 bytes, MiB = 2**20 bytes):

    * ``size_bytes``, ``repetitions``;
    * ``sdk_mb_s``, ``raw_mb_s``: throughput of ``download_signature_proof`` to a path, and of raw
      httpx streaming with blocking writes; ``ratio``: ``sdk_mb_s / raw_mb_s`` (bar: >= 0.9);
    * ``sdk_rss_growth_mib``, ``raw_rss_growth_mib``: peak RSS growth during the download
      (bar for the SDK: <= 32 MiB for 1 GiB);
    * ``sdk_max_lag_ms``, ``raw_max_lag_ms``: the largest event-loop scheduling lag seen by a
      5 ms heartbeat during the download (the worst run);
    * ``sdk_cpu_s``, ``raw_cpu_s``: CPU seconds (all threads) the client process spent on it.

    One untimed run of each contender comes first; the order then alternates (sdk raw, raw sdk).
    """
    if size_bytes <= 0 or repetitions <= 0:
        raise ValueError("size_bytes and repetitions must be positive")
    samples: dict[str, list[dict[str, float]]] = {"sdk": [], "raw": []}
    child = {"sdk": "sdk-aiohttp" if backend == "aiohttp" else "sdk", "raw": "raw"}
    server, base_url = await _start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="ignisign-bench-", dir=_ROOT) as folder:
            for variant in samples:  # the first large transfer of a server is slower: not kept
                await _run_child(child[variant], base_url, size_bytes, folder)
            for repetition in range(repetitions):
                order = ["sdk", "raw"] if repetition % 2 == 0 else ["raw", "sdk"]
                for variant in order:
                    await anyio.to_thread.run_sync(os.sync)  # no writeback left from the last run
                    figures = await _run_child(child[variant], base_url, size_bytes, folder)
                    samples[variant].append(figures)
    finally:
        server.terminate()
        with anyio.move_on_after(10):
            await server.wait()
        await server.aclose()

    def med(variant: str, key: str) -> float:
        return statistics.median(run[key] for run in samples[variant])

    sdk, raw = med("sdk", "mb_s"), med("raw", "mb_s")
    return {
        "size_bytes": float(size_bytes),
        "repetitions": float(repetitions),
        "sdk_mb_s": sdk,
        "raw_mb_s": raw,
        "ratio": sdk / raw,
        "sdk_rss_growth_mib": med("sdk", "rss_growth_mib"),
        "raw_rss_growth_mib": med("raw", "rss_growth_mib"),
        "sdk_max_lag_ms": max(run["max_lag_ms"] for run in samples["sdk"]),
        "raw_max_lag_ms": max(run["max_lag_ms"] for run in samples["raw"]),
        "sdk_cpu_s": med("sdk", "cpu_s"),
        "raw_cpu_s": med("raw", "cpu_s"),
    }


def _main(argv: list[str]) -> None:
    if argv[:1] == ["--serve"]:
        _serve()
        return
    if argv[:1] == ["--measure"]:
        variant, base_url, size_text, folder = argv[1:5]
        print(json.dumps(anyio.run(_measure, variant, base_url, int(size_text), folder)))
        return
    size = int(argv[0]) << 20 if argv else 1 << 30
    repetitions = int(argv[1]) if len(argv) > 1 else 3
    backend = argv[2] if len(argv) > 2 else "httpx"
    figures = anyio.run(bench_download, size, repetitions, backend)
    print(f"download {size >> 20} MiB, {repetitions} runs each (medians), SDK on {backend}")
    for name in ("sdk", "raw"):
        print(
            f"  {name}  {figures[name + '_mb_s']:7.1f} MB/s"
            f"   peak RSS +{figures[name + '_rss_growth_mib']:.1f} MiB"
            f"   max loop lag {figures[name + '_max_lag_ms']:.1f} ms"
            f"   CPU {figures[name + '_cpu_s']:.2f} s"
        )
    print(
        f"  sdk/raw {figures['ratio']:.3f}x   (bars: >= 0.9x; SDK RSS growth <= 32 MiB for 1 GiB)"
    )


if __name__ == "__main__":
    _main(sys.argv[1:])
