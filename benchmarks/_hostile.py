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
import dataclasses
import functools
import json
import math
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
    "Request",
    "gzip_bomb",
    "huge",
    "json_answer",
    "jwt",
    "trickle",
]

APP_ID: Final = "appId_hostile"
APP_ENV: Final = "DEVELOPMENT"
SECRET: Final = "sk_development_hostile_0123456789abcdef"
AUTH_PATH: Final = "/v3/auth/app-api"
_CHUNK: Final = b" " * (1 << 20)


@dataclasses.dataclass(frozen=True)
class Request:
    """What a hostile server read of a request."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[socket.socket, Request], None]
"""Writes a whole answer (status line, headers, body) for a request to the socket."""


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

    def answer(sock: socket.socket, request: Request) -> None:
        sock.sendall(
            _head(status, {"Content-Type": "application/json", "Content-Length": str(size)})
        )
        sent = 0
        while sent < size:
            piece = _CHUNK[: min(len(_CHUNK), size - sent)]
            sock.sendall(piece)
            sent += len(piece)

    return answer


def json_answer(status: int, make: Callable[[Request], object]) -> Answer:
    """A JSON answer built from the request (``make`` may echo its headers)."""

    def answer(sock: socket.socket, request: Request) -> None:
        body = json.dumps(make(request)).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        sock.sendall(_head(status, headers) + body)

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

    def answer(sock: socket.socket, request: Request) -> None:
        headers = {
            "Content-Type": content_type,
            "Content-Encoding": "gzip",
            "Content-Length": str(len(body)),
        }
        sock.sendall(_head(status, headers) + body)

    return answer


def trickle(size: int, *, every: float, content_type: str = "application/json") -> Answer:
    """``size`` bytes announced, sent one byte every ``every`` seconds."""

    def answer(sock: socket.socket, request: Request) -> None:
        sock.sendall(_head(200, {"Content-Type": content_type, "Content-Length": str(size)}))
        for _ in range(size):
            time.sleep(every)
            sock.sendall(b" ")

    return answer


class HostileServer:
    """A raw HTTP/1.1 server in a thread, answering the auth endpoint as ``auth`` says.

    ``"ok"``: a JWT living ``token_lifetime``; ``"outage"``: 503 after ``outage_delay`` seconds;
    ``"skewed"``: ``exp`` an hour in the past with ``iat`` two hours back (a client clock ahead of
    the server's: the token lives an hour); ``"nan"``: ``exp`` is NaN; ``"text"``: a non-JSON
    answer quoting a JWT; ``"crlf"``: a token with CR/LF in it. ``auth_requests``, ``requests``
    and ``completed`` (answers written whole) count what happened; ``received`` keeps requests.
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
        self.completed = 0
        self.received: list[Request] = []
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
                request = _read_request(conn)
                if request is None:
                    return
                with self._lock:
                    self.received.append(request)
                if request.path == AUTH_PATH:
                    self._answer_auth(conn)
                else:
                    with self._lock:
                        self.requests += 1
                    self.answer(conn, request)
                with self._lock:
                    self.completed += 1
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
        if self.auth == "hang":
            time.sleep(self.outage_delay)
            return
        now = time.time()
        if self.auth == "skewed":
            token = jwt(exp=now - 3600, iat=now - 7200, nonce=number)
        elif self.auth == "nan":
            token = jwt(exp=math.nan, nonce=number)
        else:
            token = jwt(exp=now + self.token_lifetime, iat=now, nonce=number)
        if self.auth == "crlf":
            token += "\r\nX-Injected: 1"
        body = json.dumps({"jwtToken": token}).encode()
        if self.auth == "text":
            body = f"<html>maintenance {token}</html>".encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        conn.sendall(_head(200, headers) + body)


def _read_request(conn: socket.socket) -> Request | None:
    """Read one request (head and body), or ``None`` if the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = conn.recv(65536)
        if not more:
            return None
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(rest) < length:
        more = conn.recv(65536)
        if not more:
            return None
        rest += more
    method, target = lines[0].split(" ")[:2]
    return Request(method=method, path=target.split("?")[0], headers=headers, body=rest)
