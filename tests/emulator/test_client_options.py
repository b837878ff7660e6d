"""``FakeIgnisign.client(**options)`` is typed by ``ClientOptions``: it must follow the client."""

from __future__ import annotations

import inspect
import typing

from ignisign_async import AsyncIgnisign
from ignisign_async.testing._options import ClientOptions


def test_the_options_are_the_clients_keywords() -> None:
    parameters = inspect.signature(AsyncIgnisign).parameters
    public = {name for name in parameters if not name.startswith("_")}
    # http_client: the emulator's transport is the client's, a caller's client cannot be added
    assert set(typing.get_type_hints(ClientOptions)) == public - {"http_client"}
    assert ClientOptions.__total__ is False
