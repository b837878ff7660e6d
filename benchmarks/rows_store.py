"""Row 9: what a token store costs a call whose token is warm in memory (nothing, by design).

Two SDK clients on the in-process target, one with ``token_store=RedisTokenStore(...)`` on a
``redis-server`` this row starts (127.0.0.1, a free port, no persistence), one without; each
fetches its token outside the timed runs, then both make the same sequential calls, interleaved
A B B A. Redis's own command counters, reset before the timed runs, tell how many store round
trips the calls made (the design says none: the store is read only when the local token is
missing or due). Without a ``redis-server`` binary the row falls back to
:class:`~ignisign_async.MemoryTokenStore` and says so.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio

from ignisign_async import AsyncIgnisign, MemoryTokenStore, RedisTokenStore, TokenStore

from ._clients import Target, in_process, sdk_get
from ._harness import Result, Settings, fmt_ratio, interleave, median
from ._payloads import APP_ENV, APP_ID, SECRET

__all__ = ["store_rows"]

_STORE_COMMANDS = ("get", "set", "del", "eval", "evalsha", "script|load")


@contextlib.contextmanager
def _redis_server() -> Iterator[int | None]:
    """The port of a fresh redis-server, or ``None`` when the binary is missing."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", directory]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(500):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                time.sleep(0.01)
            yield port
        finally:
            process.kill()
            process.wait(10)


def _redis_commands(url: str) -> int:
    """Store commands the server ran since its counters were reset."""
    import redis

    stats: dict[str, Any] = redis.Redis.from_url(url).info("commandstats")
    return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in _STORE_COMMANDS)


@contextlib.asynccontextmanager
async def _client(target: Target, store: TokenStore | None) -> AsyncIterator[AsyncIgnisign]:
    async with AsyncIgnisign(
        app_id=APP_ID,
        app_env=APP_ENV,
        secret=SECRET,
        base_url=target.base_url,
        transport=target.transport(),
        token_store=store,
    ) as client:
        yield client


def _sequential(call: Any, count: int) -> Any:
    async def run() -> None:
        for _ in range(count):
            await call()

    return run


async def _measure(
    target: Target, store: TokenStore, url: str | None, settings: Settings
) -> tuple[float, ...]:
    n = settings.sequential_calls
    async with _client(target, None) as plain, _client(target, store) as stored:
        without, with_store = sdk_get(plain), sdk_get(stored)
        await without()
        await with_store()  # the tokens are warm before the timed runs
        if url is not None:
            import redis

            redis.Redis.from_url(url).config_resetstat()
        plain, stored_run = _sequential(without, n), _sequential(with_store, n)
        # A B B A in every round: neither contender always runs first.
        runs = await interleave([plain, stored_run, stored_run, plain], repeats=settings.repeats)
    commands = -1.0 if url is None else float(_redis_commands(url))
    without_us = median(runs[0] + runs[3]) / n * 1e6
    with_us = median(runs[1] + runs[2]) / n * 1e6
    return without_us, with_us, commands


def store_rows(settings: Settings) -> list[Result]:
    """Row 9: µs per call with a warm local token, with a token store and without one."""
    target = in_process()
    with _redis_server() as port:
        url = None if port is None else f"redis://127.0.0.1:{port}/0"
        if url is None:
            store: TokenStore = MemoryTokenStore()
            kind = "MemoryTokenStore (no redis-server here)"
        else:
            store = RedisTokenStore(url)
            kind = "RedisTokenStore"
        without_us, with_us, commands = anyio.run(_measure, target, store, url, settings)
    ratio = with_us / without_us
    round_trips = "?" if commands < 0 else f"{commands:.0f}"
    return [
        Result(
            row="9",
            measure=f"warm local token: get SR context, µs/call ({target.name})",
            sdk=f"{with_us:.0f} µs ({kind})",
            baseline=f"{without_us:.0f} µs (no store)",
            comparison=f"{fmt_ratio(ratio)} ({with_us - without_us:+.1f} µs); "
            f"{round_trips} store round trips",
            bar="<= 1.05x, 0 round trips",
            met=ratio <= 1.05 and commands <= 0,
            figures={"with_store_us": with_us, "without_store_us": without_us},
        )
    ]
