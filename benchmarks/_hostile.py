"""Hostile servers on 127.0.0.1: raw HTTP/1.1 over a socket, misbehaving on purpose.

One :class:`HostileServer` runs in a thread (one more thread per connection) and answers the auth
endpoint as told (``auth=``), and every other request with its ``answer`` (one of the functions
below)::

    with HostileServer(huge(512 << 20)) as server:
        client = AsyncIgnisign(..., base_url=server.url)

The reliability suite (``-m slow``) and ``python -m benchmarks.hostile`` (the figures) use them.
"""

from __future__ import annotations

import base64
import functools
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable
from types import TracebackType
from typing import Final

__all__ = [
    "APP_ENV",
    "APP_ID",
    "SECRET",
    "HostileServer",
    "gzip_bomb",
    "huge",
    "jwt",
    "trickle",
]

APP_ID: Final = "appId_hostile"
APP_ENV: Final = "DEVELOPMENT"
SECRET: Final = "sk_development_hostile_0123456789abcdef"
AUTH_PATH: Final = "/v3/auth/app-api"
_CHUNK: Final = b" " * (1 << 20)

Answer = Callable[[socket.socket, str], None]
"""Writes a whole answer (status line, headers, body) for a request path to the socket."""


def jwt(*, exp: float | None, iat: float | None = None, nonce: int = 0) -> str:
    """An unsigned JWT with these claims (``None``: left out)."""

    def seg(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    claims: dict[str, object] = {"n": nonce}
    if exp is not None:
        claims["exp"] = exp
    if iat is not None:
        claims["iat"] = iat
    return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(claims)}.c2ln"


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def huge(size: int, *, status: int = 200) -> Answer:
    """``size`` bytes of JSON-ish body (blanks), announced with ``Content-Length``."""

    def answer(sock: socket.socket, path: str) -> None:
        sock.sendall(
            _head(status, {"Content-Type": "application/json", "Content-Length": str(size)})
        )
        sent = 0
        while sent < size:
            piece = _CHUNK[: min(len(_CHUNK), size - sent)]
            sock.sendall(piece)
            sent += len(piece)

    return answer


@functools.cache
def _bomb(size: int) -> bytes:
    """``size`` blanks, gzipped a MiB at a time (building the bomb takes no memory to speak of)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = []
    for start in range(0, size, len(_CHUNK)):
        parts.append(packer.compress(_CHUNK[: min(len(_CHUNK), size - start)]))
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(size: int, *, status: int = 200, content_type: str = "application/json") -> Answer:
    """A gzip body that inflates to ``size`` bytes (about 1/1000 of it on the wire)."""
    body = _bomb(size)

    def answer(sock: socket.socket, path: str) -> None:
        headers = {
            "Content-Type": content_type,
            "Content-Encoding": "gzip",
            "Content-Length": str(len(body)),
        }
        sock.sendall(_head(status, headers) + body)

    return answer


def trickle(size: int, *, every: float, content_type: str = "application/json") -> Answer:
    """``size`` bytes announced, sent one byte every ``every`` seconds."""

    def answer(sock: socket.socket, path: str) -> None:
        sock.sendall(_head(200, {"Content-Type": content_type, "Content-Length": str(size)}))
        for _ in range(size):
            time.sleep(every)
            sock.sendall(b" ")

    return answer


class HostileServer:
    """A raw HTTP/1.1 server in a thread; ``auth`` is ``"ok"``, ``"outage"`` or ``"skewed"``.

    ``"outage"``: the auth endpoint answers 503 after ``outage_delay`` seconds. ``"skewed"``: the
    token's ``exp`` is an hour in the past with ``iat`` two hours back (a client clock ahead of
    the server's: the token lives an hour). ``auth_requests`` and ``requests`` count what came.
    """

    def __init__(
        self,
        answer: Answer | None = None,
        *,
        auth: str = "ok",
        outage_delay: float = 0.2,
        token_lifetime: float = 3600.0,
    ) -> None:
        self.answer = answer or huge(2)
        self.auth = auth
        self.outage_delay = outage_delay
        self.token_lifetime = token_lifetime
        self.auth_requests = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                path = _read_request(conn)
                if path is None:
                    return
                if path == AUTH_PATH:
                    self._answer_auth(conn)
                else:
                    with self._lock:
                        self.requests += 1
                    self.answer(conn, path)
            except OSError:
                pass  # the client hung up: what hostile servers are for

    def _answer_auth(self, conn: socket.socket) -> None:
        with self._lock:
            self.auth_requests += 1
            number = self.auth_requests
        if self.auth == "outage":
            time.sleep(self.outage_delay)
            conn.sendall(_head(503, {"Content-Length": "0"}))
            return
        now = time.time()
        if self.auth == "skewed":
            token = jwt(exp=now - 3600, iat=now - 7200, nonce=number)
        else:
            token = jwt(exp=now + self.token_lifetime, iat=now, nonce=number)
        body = json.dumps({"jwtToken": token}).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        conn.sendall(_head(200, headers) + body)


def _read_request(conn: socket.socket) -> str | None:
    """Read one request (head and body); its path, or ``None`` if the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = conn.recv(65536)
        if not more:
            return None
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(rest) < length:
        more = conn.recv(65536)
        if not more:
            return None
        rest += more
    return lines[0].split(" ")[1].split("?")[0]
