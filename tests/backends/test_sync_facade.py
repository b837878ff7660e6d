"""``Ignisign(http_backend="aiohttp")``: the sync facade's private loops run aiohttp's pool too."""

from __future__ import annotations

import threading

from ignisign_async import Ignisign
from tests.conftest import APP_ENV, APP_ID, SECRET

from .rawserver import answer_json, raw_server


def test_the_sync_facade_on_aiohttp_from_two_threads_then_closed() -> None:
    with raw_server(answer_json(b'{"isAlive": true}')) as server:
        client = Ignisign(
            app_id=APP_ID,
            app_env=APP_ENV,
            secret=SECRET,
            base_url=server.url,
            http_backend="aiohttp",
        )
        with client:
            assert client.health().is_alive
            assert client.health().is_alive
            seen: list[bool] = []
            thread = threading.Thread(target=lambda: seen.append(client.health().is_alive))
            thread.start()
            thread.join(10)
            assert seen == [True]
        assert len(server.requests) == 3
        assert server.wait_ended(server.connections)  # closing released every connection
