"""``python -m ignisign_async.testing serve``: the emulator on a real socket.

    python -m ignisign_async.testing serve --port 8787

prints the base URL and the credentials to use (``IGNISIGN_BASE_URL=...`` lines a shell can
``export``), then serves until interrupted. ``--port 0`` picks a free port (the URL printed has
it). Needs uvicorn (``pip install 'ignisign-async[server]'``). Only loopback addresses are
served unless ``--allow-remote`` is given: the emulator has no real security. Webhook events
are POSTed to the registered endpoint URLs by a background worker, after the API answer, unless
``--no-webhook-delivery``; ``--no-strict-fields`` drops unknown body fields instead of refusing
them. The control endpoints under ``/_fake`` (sign, expire, webhook retries and chaos...) let
code in any language drive it.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import socket
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _QuietInjectedDisconnects(logging.Filter):
    """uvicorn logs every exception of the app; a disconnect injected on purpose is no error."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ._app import InjectedDisconnect

        return not (record.exc_info and isinstance(record.exc_info[1], InjectedDisconnect))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ignisign_async.testing",
        description="FakeIgnisign, the in-memory IgniSign v3 API emulator.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port (default 8787; 0: any free)")
    serve.add_argument("--app-id", default="appId_fake")
    serve.add_argument(
        "--app-env", default="DEVELOPMENT", choices=("DEVELOPMENT", "STAGING", "PRODUCTION")
    )
    serve.add_argument("--secret", default="sk_development_fake")
    serve.add_argument(
        "--token-lifetime", type=float, default=3600.0, help="JWT lifetime in seconds"
    )
    serve.add_argument(
        "--allow-remote", action="store_true", help="allow binding a non-loopback address"
    )
    serve.add_argument(
        "--no-webhook-delivery",
        action="store_true",
        help="record webhook events without POSTing them to the registered URLs",
    )
    serve.add_argument(
        "--no-strict-fields",
        action="store_true",
        help="drop unknown body fields instead of refusing them (400 BODY_VALIDATION_FAILED)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not _is_loopback(args.host) and not args.allow_remote:
        print(
            f"refusing to serve on {args.host!r}: the emulator is for local use "
            "(pass --allow-remote to override)",
            file=sys.stderr,
        )
        return 2
    try:
        import uvicorn
    except ImportError:
        print(
            "serving needs uvicorn: pip install 'ignisign-async[server]'",
            file=sys.stderr,
        )
        return 2
    from ._fake import FakeIgnisign
    from ._senders import http_sender

    fake = FakeIgnisign(
        args.app_id,
        args.app_env,
        args.secret,
        token_lifetime=args.token_lifetime,
        strict_fields=not args.no_strict_fields,
        webhook_sender=None if args.no_webhook_delivery else http_sender(),
        raise_server_exceptions=False,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off only on sockets that say they
    # are TCP; with it on, delayed ACKs add ~40 ms to every answer on a kept-alive connection.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        print(f"cannot bind {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(f"FakeIgnisign serving on http://{host}:{port}", flush=True)
    print(f"IGNISIGN_BASE_URL=http://{host}:{port}")
    print(f"IGNISIGN_APP_ID={fake.app_id}")
    print(f"IGNISIGN_APP_ENV={fake.app_env}")
    print(f"IGNISIGN_APP_SECRET={fake.secret}", flush=True)
    config = uvicorn.Config(fake.app, log_level="warning", lifespan="on")
    logging.getLogger("uvicorn.error").addFilter(_QuietInjectedDisconnects())
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
