"""The server every row talks to: a minimal ASGI app, in process or behind uvicorn on loopback.

:class:`BenchApp` answers just what the rows call, with precomputed bodies (so that the server's
own cost is small and equal for the SDK and for raw httpx):

* ``POST /v3/auth/app-api`` -> ``{"jwtToken": ...}`` (counted; optionally slowed down);
* ``GET /v3/signature-requests/{id}/context`` -> the ~6 KB signature request context;
* ``GET /v3/applications/{appId}/envs/{appEnv}/signature-profiles`` -> the four default profiles;
* ``GET /_bench/stats`` -> ``{"auth": n, "requests": m}``; ``POST /_bench/reset`` zeroes them.

API calls without ``Authorization: Bearer <a token it issued>`` get a 401, as the real API does.

:class:`LoopbackServer` runs the app under uvicorn in a child process (the machine has two cores:
one for the server, one for the client being measured) on a socket the child binds to port 0::

    with LoopbackServer() as server:
        httpx.get(server.base_url + "/_bench/stats")
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import anyio

from ._payloads import APP_ENV, APP_ID, PROFILES_BYTES, SR_CONTEXT_BYTES, make_jwt

__all__ = ["BenchApp", "LoopbackServer", "AUTH_PATH", "context_path", "PROFILES_PATH"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

AUTH_PATH: Final = "/v3/auth/app-api"
PROFILES_PATH: Final = f"/v3/applications/{APP_ID}/envs/{APP_ENV}/signature-profiles"
_CONTEXT_PREFIX: Final = "/v3/signature-requests/"
_CONTEXT_SUFFIX: Final = "/context"
_JSON_HEADERS: Final = [(b"content-type", b"application/json; charset=utf-8")]


def context_path(signature_request_id: str) -> str:
    """The path of ``GET`` signature request context."""
    return f"{_CONTEXT_PREFIX}{signature_request_id}{_CONTEXT_SUFFIX}"


def _error(status: int, code: str) -> bytes:
    return json.dumps({"status": status, "code": code, "message": code}).encode()


_UNAUTHORIZED: Final = _error(401, "AUTH_HEADER_NO_TOKEN")
_NOT_FOUND: Final = _error(404, "NOT_FOUND")


class BenchApp:
    """The benchmark's ASGI app. ``auth_delay`` (seconds) stands for the auth endpoint's latency."""

    def __init__(self, *, auth_delay: float = 0.0) -> None:
        self.auth_delay = auth_delay
        self.auth_count = 0
        self.request_count = 0
        self._tokens: set[bytes] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method: str = scope["method"]
        path: str = scope["path"]
        if method == "POST":
            await _drain(receive)
        if path.startswith("/_bench/"):
            await self._control(method, path, send)
            return
        self.request_count += 1
        if method == "POST" and path == AUTH_PATH:
            self.auth_count += 1
            if self.auth_delay:
                await anyio.sleep(self.auth_delay)
            token = make_jwt()
            self._tokens.add(b"Bearer " + token.encode())
            await _respond(send, 200, json.dumps({"jwtToken": token}).encode())
            return
        if not self._authorised(scope):
            await _respond(send, 401, _UNAUTHORIZED)
            return
        if method == "GET" and path.startswith(_CONTEXT_PREFIX) and path.endswith(_CONTEXT_SUFFIX):
            await _respond(send, 200, SR_CONTEXT_BYTES)
        elif method == "GET" and path == PROFILES_PATH:
            await _respond(send, 200, PROFILES_BYTES)
        else:
            await _respond(send, 404, _NOT_FOUND)

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return value in self._tokens
        return False

    async def _control(self, method: str, path: str, send: Send) -> None:
        if path == "/_bench/reset" and method == "POST":
            self.auth_count = self.request_count = 0
        body = {"auth": self.auth_count, "requests": self.request_count}
        await _respond(send, 200, json.dumps(body).encode())


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LoopbackServer:
    """:class:`BenchApp` under uvicorn in a child process, on ``127.0.0.1`` and a free port."""

    def __init__(self, *, auth_delay: float = 0.0, start_timeout: float = 20.0) -> None:
        self._auth_delay = auth_delay
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> LoopbackServer:
        root = Path(__file__).resolve().parent.parent
        paths = [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._server", str(self._auth_delay)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._process = process
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            self.__exit__(None, None, None)
            raise RuntimeError(f"the benchmark server did not start (said {line!r})")
        self.base_url = f"http://127.0.0.1:{line}"
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        import httpx

        until = time.monotonic() + self._start_timeout
        while True:
            try:
                httpx.get(self.base_url + "/_bench/stats", timeout=1.0).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > until:
                    self.__exit__(None, None, None)
                    raise
                time.sleep(0.05)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _serve(auth_delay: float) -> None:
    import uvicorn

    # IPPROTO_TCP explicitly: asyncio disables Nagle only on sockets that say they are TCP, and
    # Nagle's algorithm plus delayed ACKs would add 40 ms to every answer.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    config = uvicorn.Config(
        BenchApp(auth_delay=auth_delay),
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=2048,
        # Idle connections outlive the other contender's turn (uvicorn's default is 5 s, shorter
        # than one run of row 3), so no contender starts its run on connections being closed.
        timeout_keep_alive=120,
    )
    server = uvicorn.Server(config)
    print(sock.getsockname()[1], flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    _serve(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0)
