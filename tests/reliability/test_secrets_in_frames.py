"""Nothing secret in any frame of a raised error, nor in what an error keeps of an answer.

Tracebacks printed with their frames' locals (``pytest -l``, ``traceback.TracebackException(
capture_locals=True)``, Sentry) show the ``repr`` of every local of every frame, causes included.
Hostile servers on 127.0.0.1 drive the auth-timeout, 401, 500 and validation-error paths, on both
loops and through the sync facade, echoing the token and the secret where they can.
"""

from __future__ import annotations

import json
import re
import socket
import traceback
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import pytest

from benchmarks._hostile import (
    APP_ENV,
    APP_ID,
    SECRET,
    Answer,
    HostileServer,
    Request,
    json_answer,
)
from ignisign_async import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncIgnisign,
    AuthenticationError,
    BadRequestError,
    Ignisign,
    IgnisignError,
)
from ignisign_async.models.signers import SignerCreated

SIGNER_SECRET = "signer-auth-secret-0123456789"
"""Planted by a test's server (kept out of the test's locals, which a traceback shows too)."""
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")


def _echo(request: Request) -> str:
    return f"{request.headers.get('authorization', '')} {SECRET}"


PATHS: dict[str, tuple[dict[str, Any], Answer | None, type[IgnisignError]]] = {
    "auth-timeout": ({"auth": "hang", "outage_delay": 3}, None, APITimeoutError),
    "401": ({}, json_answer(401, lambda r: {"message": _echo(r)}), AuthenticationError),
    "500": ({}, json_answer(500, lambda r: {"message": _echo(r), "x": _echo(r)}), APIError),
    "validation": (
        {},
        json_answer(200, lambda r: [{"_id": _echo(r), "name": 3}]),
        APIResponseValidationError,
    ),
}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]


def _frames(tb: TracebackType | None) -> Iterator[tuple[str, dict[str, Any]]]:
    while tb is not None:
        yield tb.tb_frame.f_code.co_name, dict(tb.tb_frame.f_locals)
        tb = tb.tb_next


def secrets_in_frames(exc: BaseException) -> list[str]:
    """Every local (of every frame of ``exc`` and of its causes) whose repr shows a secret."""
    found = []
    for error in _chain(exc):
        for name, scope in _frames(error.__traceback__):
            if name.startswith("test_") or name in ("_sync_call", "run_path"):
                continue  # the test's own frames hold what the test planted
            for key, value in scope.items():
                shown = repr(value)  # a repr that raises fails the test
                if SECRET in shown or JWT.search(shown):
                    found.append(f"{name}.{key} = {shown[:120]}")
    return found


def assert_nothing_shown(exc: BaseException) -> None:
    assert secrets_in_frames(exc) == []
    for error in _chain(exc):
        text = f"{error} {error!r} {getattr(error, 'body', '')!r} {getattr(error, 'context', '')!r}"
        assert SECRET not in text
        assert not JWT.search(text), text[:300]
    formatted = "".join(
        traceback.TracebackException(
            type(exc), exc, exc.__traceback__, capture_locals=True
        ).format()
    )
    assert SECRET not in formatted
    assert not JWT.search(formatted)


@pytest.mark.parametrize("path", list(PATHS))
async def test_no_frame_of_a_raised_error_shows_the_secret_or_the_token(path: str) -> None:
    server_options, answer, kind = PATHS[path]
    with HostileServer(answer, **server_options) as server:
        async with AsyncIgnisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            base_url=server.url,
            timeout=0.5,
            max_retries=1,
        ) as sdk:
            with pytest.raises(kind) as info:
                await sdk.signature_profiles.list()
    assert_nothing_shown(info.value)


@pytest.mark.parametrize("path", list(PATHS))
def test_no_frame_of_an_error_of_the_sync_facade_shows_a_secret(path: str) -> None:
    server_options, answer, kind = PATHS[path]
    with (
        HostileServer(answer, **server_options) as server,
        Ignisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            base_url=server.url,
            timeout=0.5,
            max_retries=1,
        ) as sdk,
        pytest.raises(kind) as info,
    ):
        sdk.signature_profiles.list()
    assert_nothing_shown(info.value)


def _raw(status: int, text: str) -> Answer:
    def answer(sock: socket.socket, request: Request) -> None:
        body = text.replace("{auth}", request.headers.get("authorization", "")).encode()
        head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        sock.sendall(f"{head}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
        sock.sendall(body)

    return answer


def _escaped(text: str) -> str:
    """``text`` with its first letter JSON-escaped (``\\u0073k_...``), as a server may echo it."""
    return f"\\u{ord(text[0]):04x}{text[1:]}"


async def test_redaction_runs_after_parsing_so_escapes_do_not_hide_a_secret() -> None:
    def answer(sock: socket.socket, request: Request) -> None:
        auth = request.headers.get("authorization", "")
        echoed = {
            "message": SECRET,
            "code": "BAD",
            "context": {"echo": SECRET, SECRET: 1, "auth": auth},
            "auth": auth,
        }
        text = json.dumps(echoed).replace(SECRET, _escaped(SECRET))
        _raw(400, text.replace("eyJ", "\\u0065yJ"))(sock, request)

    with HostileServer(answer) as server:
        async with AsyncIgnisign(
            app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url
        ) as sdk:
            with pytest.raises(BadRequestError) as info:
                await sdk.signature_profiles.list()
    error = info.value
    assert error.context is not None
    assert "[redacted]" in error.context  # the key was the secret
    assert_nothing_shown(error)


async def test_a_non_json_auth_answer_keeps_nothing_of_it() -> None:
    with HostileServer(auth="text") as server:
        async with AsyncIgnisign(
            app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url
        ) as sdk:
            with pytest.raises(APIResponseValidationError, match="jwtToken") as info:
                await sdk.signature_profiles.list()
    assert info.value.body is None
    assert_nothing_shown(info.value)


async def test_a_bad_create_answer_does_not_keep_the_signers_auth_secret() -> None:
    answer = json_answer(
        200, lambda r: {"signerId": 12, "entityType": "SIGNER", "authSecret": SIGNER_SECRET}
    )
    with HostileServer(answer) as server:
        async with AsyncIgnisign(
            app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url
        ) as sdk:
            with pytest.raises(APIResponseValidationError) as info:
                await sdk.signers.create(signature_profile_id="p1")
    error = info.value
    assert SIGNER_SECRET not in repr(error.body)
    assert error.body == {"signerId": 12, "entityType": "SIGNER", "authSecret": "[redacted]"}
    assert SIGNER_SECRET not in "".join(
        traceback.TracebackException(
            type(error), error, error.__traceback__, capture_locals=True
        ).format()
    )


async def test_a_token_with_cr_lf_does_not_reach_the_cause() -> None:
    with HostileServer(auth="crlf") as server:
        async with AsyncIgnisign(
            app_id=APP_ID, app_env=APP_ENV, secret=SECRET, base_url=server.url, max_retries=0
        ) as sdk:
            with pytest.raises((APIConnectionError, ValueError)) as info:
                await sdk.signature_profiles.list()
    assert_nothing_shown(info.value)


def test_a_model_being_built_has_a_repr() -> None:
    half: Callable[[], object] = lambda: object.__new__(SignerCreated)  # noqa: E731
    assert repr(half()) == "<SignerCreated (being built)>"
    whole = SignerCreated(signer_id="s1", entity_type="SIGNER", auth_secret="x")  # type: ignore[arg-type]
    assert "s1" in repr(whole)
    assert "auth_secret" not in repr(whole)
