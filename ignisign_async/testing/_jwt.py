"""The emulator's JWTs: HS256-signed, with ``exp``, ``iat``, ``jti`` and the app they are for.

Each :class:`TokenIssuer` signs with its own random key, so a token of one emulator is invalid
for another. Tokens carry an issue sequence number (in ``jti``), which is how
:meth:`TokenIssuer.expire_all` and :meth:`TokenIssuer.revoke_all` reach every token issued so
far without keeping a list of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import threading
from collections.abc import Callable
from typing import Any

from ._http import FakeError

__all__ = ["TokenIssuer", "Claims"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class Claims:
    """What a valid token says: the application, the environment and the issue number."""

    __slots__ = ("app_env", "app_id", "seq")

    def __init__(self, app_id: str, app_env: str, seq: int) -> None:
        self.app_id = app_id
        self.app_env = app_env
        self.seq = seq


class TokenIssuer:
    """Issues and checks tokens; ``lifetime`` is in seconds, ``clock`` gives epoch seconds."""

    def __init__(self, *, lifetime: float, clock: Callable[[], float]) -> None:
        if lifetime <= 0:
            raise ValueError("token_lifetime must be positive")
        self.lifetime = lifetime
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self._nonce = secrets.token_hex(4)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._last_seq = 0
        self._expired_through = 0
        self._revoked_through = 0

    def issue(self, app_id: str, app_env: str) -> str:
        now = self._clock()
        with self._lock:
            seq = next(self._seq)
            self._last_seq = seq
        claims = {
            "appId": app_id,
            "appEnv": app_env,
            "iat": int(now),
            "exp": int(now + self.lifetime),
            "jti": f"{self._nonce}.{seq}",
        }
        head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{head}.{body}.{self._sign(head, body)}"

    def _sign(self, head: str, body: str) -> str:
        digest = hmac.new(self._key, f"{head}.{body}".encode("ascii"), hashlib.sha256).digest()
        return _b64(digest)

    def expire_all(self) -> None:
        """Every token issued so far is now expired (``OUTDATED_AUTH_JWT_TOKEN``)."""
        with self._lock:
            self._expired_through = self._last_seq

    def revoke_all(self) -> None:
        """Every token issued so far is now invalid (``INVALID_AUTH_JWT_TOKEN``)."""
        with self._lock:
            self._revoked_through = self._last_seq

    def verify(self, token: str) -> Claims:
        """The claims of a valid token; :class:`FakeError` (401) otherwise."""
        parts = token.split(".")
        if len(parts) != 3 or not all(parts):
            raise FakeError("INVALID_AUTH_JWT_TOKEN", "The token is not a JWT")
        head, body, signature = parts
        try:
            ascii_ok = hmac.compare_digest(self._sign(head, body), signature)
        except (TypeError, UnicodeEncodeError):
            ascii_ok = False
        if not ascii_ok:
            raise FakeError("INVALID_AUTH_JWT_TOKEN", "The token's signature is invalid")
        claims: Any = json.loads(_unb64(body))
        seq = int(str(claims["jti"]).rpartition(".")[2])
        if seq <= self._revoked_through:
            raise FakeError("INVALID_AUTH_JWT_TOKEN", "The token was revoked")
        if seq <= self._expired_through or self._clock() >= float(claims["exp"]):
            raise FakeError("OUTDATED_AUTH_JWT_TOKEN", "The token has expired")
        return Claims(str(claims["appId"]), str(claims["appEnv"]), seq)
