"""A raw TCP server on 127.0.0.1 that fails on purpose at one point of an HTTP exchange.

Each accepted connection is handled in a thread by a *behaviour*: read the request (or only its
head), then answer, stall, close or reset. ``requests`` records every request head that arrived
(auth requests are answered and not recorded), so a test counts the attempts that reached it.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from tests.conftest import make_jwt

Behaviour = Callable[["RawServer", socket.socket], None]

AUTH_PATH = b"/v3/auth/app-api"
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def _token_answer() -> bytes:
    body = json.dumps({"jwtToken": make_jwt()}).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_head(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("client closed before a whole head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def _read_body(conn: socket.socket, head: bytes, rest: bytes) -> bytes:
    body = rest
    if b"transfer-encoding: chunked" in head.lower():
        while not body.endswith(b"0\r\n\r\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return body
    size = _content_length(head)
    while len(body) < size:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return body


def _reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets a RST, not a FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class RawServer:
    """Listens on 127.0.0.1 (or only binds, refusing connections, until :meth:`listen`)."""

    def __init__(self, behaviour: Behaviour, *, listening: bool = True) -> None:
        self.behaviour = behaviour
        self.requests: list[bytes] = []
        self.connections = 0
        """Connections accepted so far."""
        self.ended = 0
        """Connections whose behaviour has returned (for ``answer_ok``: the client closed it)."""
        self.released = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._lock = threading.Condition()
        if listening:
            self.listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def listen(self) -> None:
        """Start accepting (a bound socket that does not listen refuses every connection)."""
        self._sock.listen(64)
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.behaviour(self, conn)
        except OSError:
            pass
        finally:
            conn.close()
            with self._lock:
                self.ended += 1
                self._lock.notify_all()

    def read_head(self, conn: socket.socket) -> tuple[bytes, bytes]:
        """The next request's head (and what came after it); auth requests are answered here."""
        while True:
            head, rest = _read_head(conn)
            if not head.startswith(b"POST " + AUTH_PATH + b" "):
                break
            _read_body(conn, head, rest)
            conn.sendall(_token_answer())
        self.record(head)
        return head, rest

    def wait_ended(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` connections have ended (False if they did not in time)."""
        with self._lock:
            return self._lock.wait_for(lambda: self.ended >= count, timeout)

    def record(self, head: bytes) -> None:
        with self._lock:
            self.requests.append(head)

    def read_request(self, conn: socket.socket) -> bytes:
        head, rest = self.read_head(conn)
        return _read_body(conn, head, rest)

    def close(self) -> None:
        self.released.set()
        # shutdown wakes the accept() of the listening thread; close alone would not on Linux
        for sock in [self._sock, *self._conns]:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(5)


# -- behaviours: where the exchange breaks ------------------------------------------------------


def redirect_to(target: str) -> Behaviour:
    """Answer every request (the auth request too) with a 307 to the same path on ``target``."""

    def behaviour(server: RawServer, conn: socket.socket) -> None:
        while True:
            try:
                head, rest = _read_head(conn)
            except ConnectionError:
                return
            _read_body(conn, head, rest)
            server.record(head)
            path = head.split(b" ")[1]
            conn.sendall(
                b"HTTP/1.1 307 Temporary Redirect\r\nContent-Length: 0\r\nLocation: "
                + target.encode()
                + path
                + b"\r\n\r\n"
            )

    return behaviour


def answer_ok(server: RawServer, conn: socket.socket) -> None:
    """Answer ``{}`` to every request of the connection (keep-alive)."""
    while True:
        try:
            server.read_request(conn)
        except ConnectionError:
            return
        conn.sendall(OK)


def reset_before_body(server: RawServer, conn: socket.socket) -> None:
    """Read the request head, then reset the connection without reading the body."""
    server.read_head(conn)
    _reset(conn)


def close_after_body(server: RawServer, conn: socket.socket) -> None:
    """Read the whole request, then close the connection without answering."""
    server.read_request(conn)
    conn.shutdown(socket.SHUT_RDWR)


def half_an_answer(server: RawServer, conn: socket.socket) -> None:
    """Read the whole request, send the head and half the body it announces, then close."""
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n")
    conn.sendall(b'{"half": "of the')
    conn.shutdown(socket.SHUT_RDWR)


def half_a_head(server: RawServer, conn: socket.socket) -> None:
    """Read the whole request, send half a status line and headers, then close."""
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Ty")
    conn.shutdown(socket.SHUT_RDWR)


def stall(server: RawServer, conn: socket.socket) -> None:
    """Read the whole request and never answer (until the test ends)."""
    server.read_request(conn)
    server.released.wait(30)


@contextmanager
def raw_server(behaviour: Behaviour, *, listening: bool = True) -> Iterator[RawServer]:
    server = RawServer(behaviour, listening=listening)
    try:
        yield server
    finally:
        server.close()


def answer_in_part(server: RawServer, conn: socket.socket) -> None:
    """Read the request, send the head and the first bytes of a body, then hold the connection."""
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
    server.released.wait(30)


def answer_json(body: bytes) -> Behaviour:
    """Answer ``body`` (JSON) to every request of the connection (keep-alive)."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    answer += b"Content-Length: %d\r\n\r\n" % len(body) + body

    def behaviour(server: RawServer, conn: socket.socket) -> None:
        while True:
            try:
                server.read_request(conn)
            except ConnectionError:
                return
            conn.sendall(answer)

    return behaviour


def stop_reading(server: RawServer, conn: socket.socket) -> None:
    """Read the request head, then read nothing more (an upload stalls once buffers are full)."""
    server.read_head(conn)
    server.released.wait(30)
