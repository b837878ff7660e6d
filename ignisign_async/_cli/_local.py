"""``ignisign demo`` and ``ignisign emulator serve``: what runs without an account."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import anyio

from ._context import Context, add_command

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``demo`` and ``emulator serve``."""
    demo = add_command(
        commands, "demo", common, "run the main workflow (on the built-in emulator by default)"
    )
    demo.add_argument("--live", action="store_true", help="use the real API (IGNISIGN_* settings)")
    demo.add_argument("--out", default="proof.pdf", help="where to save the signature proof")
    demo.add_argument("--wait", type=float, default=600.0, help="live: seconds to wait for signing")
    demo.add_argument("--quiet", action="store_true", help="print nothing but errors")
    demo.set_defaults(handler=run_demo)

    emulator = add_command(commands, "emulator", common, "the in-memory IgniSign emulator")
    actions = emulator.add_subparsers(title="commands", metavar="COMMAND")
    serve = add_command(
        actions, "serve", common, "serve FakeIgnisign over HTTP (needs uvicorn: extra [cli])"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port (default 8787; 0: any free)")
    serve.add_argument(
        "--no-webhook-delivery",
        action="store_true",
        help="record webhook events without POSTing them to the registered URLs",
    )
    serve.set_defaults(handler=run_emulator)


def run_demo(context: Context) -> int:
    """The demo workflow; ``--live`` on the configured account, else on the emulator."""
    from .. import _demo

    args = context.args
    out_path = Path(args.out)
    stream = context.out.stdout
    live = context.make_client() if args.live else None

    def say(line: str) -> None:
        if not args.quiet:
            print(line, file=stream, flush=True)

    async def main() -> int:
        if live is not None:
            say(f"IgniSign demo against the live API ({live.app_id}, {live.app_env})")
            async with live as client:
                return await _demo.run(
                    client, out_path=out_path, fake=None, wait=args.wait, say=say, stream=stream
                )
        from ..testing import FakeIgnisign

        fake = FakeIgnisign()
        say(f"IgniSign demo on the built-in emulator (app {fake.app_id}, {fake.app_env})")
        async with fake.client() as client:
            return await _demo.run(
                client, out_path=out_path, fake=fake, wait=0.0, say=say, stream=stream
            )

    return anyio.run(main)


def run_emulator(context: Context) -> int:
    """``python -m ignisign_async.testing serve`` with these options."""
    from ..testing.__main__ import main as serve

    args = context.args
    argv = ["serve", "--host", args.host, "--port", str(args.port)]
    if args.no_webhook_delivery:
        argv.append("--no-webhook-delivery")
    return serve(argv)
