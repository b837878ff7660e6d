"""``ignisign whoami`` and ``ignisign profiles list``: the application and its profiles."""

from __future__ import annotations

import argparse
from typing import Any

from .. import AsyncIgnisign
from ._context import Context, add_command, api_command

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``whoami`` and ``profiles list``."""
    whoami = add_command(commands, "whoami", common, "the application this configuration acts for")
    whoami.set_defaults(handler=whoami_command)
    profiles = add_command(commands, "profiles", common, "signature profiles")
    actions = profiles.add_subparsers(title="commands", metavar="COMMAND")
    listing = add_command(actions, "list", common, "the environment's signature profiles")
    listing.set_defaults(handler=profiles_list)


@api_command
async def whoami_command(context: Context, client: AsyncIgnisign) -> int:
    """The application context: name, ids, status, and this environment's profiles and webhooks."""
    app = await client.applications.context()
    out = context.out
    if out.json_mode:
        out.document(app)
        return 0
    settings = app.env_settings[client.app_env]
    profiles = app.signature_profiles[client.app_env] or ()
    out.fields(
        [
            ("application", app.app_name),
            ("app id", app.app_id or client.app_id),
            ("organisation", app.org_id),
            ("status", app.status),
            ("environment", client.app_env),
            ("base url", client.base_url),
            ("profiles", len(profiles)),
            ("webhooks", len(settings.webhooks) if settings else 0),
            ("default profile", settings.default_signature_profile_id if settings else None),
        ]
    )
    return 0


@api_command
async def profiles_list(context: Context, client: AsyncIgnisign) -> int:
    """One row (or JSON line) per signature profile."""
    profiles = await client.signature_profiles.list()
    out = context.out
    if out.json_mode:
        for profile in profiles:
            out.json_line(profile)
        return 0
    out.table(
        ["ID", "NAME", "STATUS", "MODE", "METHOD", "DEFAULT"],
        [
            [
                p.id,
                p.name,
                p.status,
                p.integration_mode,
                p.signature_method_ref,
                "*" if p.created_by_default else "",
            ]
            for p in profiles
        ],
        status_column=2,
        empty="no signature profiles",
    )
    return 0
