"""Every string argument of every method is checked before any request, as path ids are.

Found by introspection: each parameter annotated ``str`` (or ``str | NotGiven``, ``str | None``)
of each public coroutine method of each sub-client, given ``1`` while the others get plausible
values, must raise ``TypeError`` naming it, with nothing sent.
"""

from __future__ import annotations

import inspect
import io
from typing import Any

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from tests.conftest import APP_ENV, APP_ID, SECRET

SUB_CLIENTS = (
    "applications",
    "signers",
    "signature_profiles",
    "signature_requests",
    "documents",
    "proofs",
    "webhooks",
)
STRINGS = {"str", "str | NotGiven", "str | None", "str | None | NotGiven"}
PLAUSIBLE: dict[str, Any] = {
    "file": b"%PDF-1.4",
    "json_content": {},
    "document_hash": "a" * 64,
    "roles": {"DEVELOPMENT": ["ADMIN"]},
    "status": "PUBLISHED",
    "target": "APPLICATION",
    "documents": [b"%PDF-1.4"],
    "signers": ["65f1a2b3c4d5e6f7a8b9c0d3"],
    "signature_request_ids": ["65f1a2b3c4d5e6f7a8b9c0d1"],
}


def _string_parameters() -> list[tuple[str, str, str]]:
    client = AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET)
    found = []
    for attr in SUB_CLIENTS:
        for name, method in inspect.getmembers(getattr(client, attr), inspect.iscoroutinefunction):
            if name.startswith("_"):
                continue
            for param in inspect.signature(method).parameters.values():
                if str(param.annotation) in STRINGS:
                    found.append((attr, name, param.name))
    return found


CASES = _string_parameters()


def test_the_introspection_finds_the_arguments() -> None:
    assert ("signers", "create", "signature_profile_id") in CASES
    assert ("webhooks", "check_token", "token") in CASES
    assert len(CASES) > 80


def _arguments(method: Any, wrong: str) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(method).parameters.values():
        if param.name == wrong:
            value: Any = 1
        elif param.default is not inspect.Parameter.empty:
            continue
        elif param.name == "to":
            value = io.BytesIO()
        elif param.name in PLAUSIBLE:
            value = PLAUSIBLE[param.name]
        else:
            value = "x"
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return args, kwargs


@pytest.mark.parametrize(("attr", "name", "param"), CASES, ids=[".".join(c) for c in CASES])
async def test_a_number_for_a_string_is_refused_before_any_request(
    attr: str, name: str, param: str
) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    async with AsyncIgnisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=httpx.MockTransport(handler)
    ) as client:
        method = getattr(getattr(client, attr), name)
        args, kwargs = _arguments(method, param)
        with pytest.raises(TypeError, match=rf"\b{param}\b.*\bgot int\b"):
            await method(*args, **kwargs)
    assert sent == []
