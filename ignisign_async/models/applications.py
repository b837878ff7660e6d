"""Applications and user invitations (reference sections 7.2 and 7.3)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Generic, TypeVar, final

from ._base import Model, model, wire
from .enums import (
    AppEnv,
    ApplicationRole,
    ApplicationStatus,
    InvitedUserStatus,
    SignatureLanguage,
)
from .signature_profiles import SignatureProfile
from .webhooks import WebhookEndpoint

__all__ = [
    "ByEnv",
    "Application",
    "ApplicationContext",
    "ApplicationConfiguration",
    "ApplicationEnvSettings",
    "ApplicationSettings",
    "VariationColor",
    "CustomPalette",
    "ApplicationSignatureMetadata",
    "ApplicationRoles",
    "InvitedUser",
]

_T = TypeVar("_T")
_ENVS = ("DEVELOPMENT", "STAGING", "PRODUCTION")


@final
@model
class ByEnv(Model, Generic[_T]):
    """One value per environment (the wire keys are ``DEVELOPMENT``, ``STAGING``, ``PRODUCTION``).

    An environment the server left out is ``None``::

        context = await client.applications.context()
        context.env_settings.production            # ApplicationEnvSettings | None
        context.signature_profiles["DEVELOPMENT"]  # by name, or by AppEnv member
    """

    development: _T | None = wire("DEVELOPMENT", default=None)
    staging: _T | None = wire("STAGING", default=None)
    production: _T | None = wire("PRODUCTION", default=None)

    def __getitem__(self, env: AppEnv | str) -> _T | None:
        name = str(env)
        if name not in _ENVS:
            raise KeyError(env)
        value: _T | None = getattr(self, name.lower())
        return value


@final
@model
class ApplicationConfiguration(Model):
    """The ids an application is configured with."""

    app_id: str
    org_id: str


@final
@model
class ApplicationEnvSettings(Model):
    """An environment's settings: webhook endpoints, redirection URLs, default profile."""

    app_id: str
    org_id: str
    app_env: AppEnv
    webhooks: tuple[WebhookEndpoint, ...] = ()
    authorized_redirection_urls: tuple[str, ...] = ()
    app_root_url: str | None = None
    is_api_key_generated: bool | None = None
    default_signature_profile_id: str | None = None


@final
@model
class VariationColor(Model):
    """A colour with its shades; the wire keys are ``"50"`` ... ``"900"`` and ``"A100"`` ...

    ``shade_500`` is the base colour.
    """

    shade_50: str = wire("50")
    shade_100: str = wire("100")
    shade_200: str = wire("200")
    shade_300: str = wire("300")
    shade_400: str = wire("400")
    shade_500: str = wire("500")
    shade_600: str = wire("600")
    shade_700: str = wire("700")
    shade_800: str = wire("800")
    shade_900: str = wire("900")
    a100: str = wire("A100")
    a200: str = wire("A200")
    a400: str = wire("A400")
    a700: str = wire("A700")


@final
@model
class CustomPalette(Model):
    """An application's two brand colours."""

    primary: VariationColor
    secondary: VariationColor


@final
@model
class ApplicationSettings(Model):
    """Branding and support settings of an application."""

    app_id: str
    org_id: str
    default_language: SignatureLanguage | None = None
    customer_support_email: str | None = None
    logo_b64: str | None = None
    logo_dark_b64: str | None = None
    primary_color: VariationColor | None = None
    secondary_color: VariationColor | None = None


@final
@model
class ApplicationSignatureMetadata(Model):
    """How an application presents itself to signers (in a signature request's context)."""

    app_id: str
    app_env: AppEnv
    app_name: str
    logo_b64: str | None = None
    logo_dark_b64: str | None = None
    root_url: str | None = None
    colors: CustomPalette | None = None


@model
class _ApplicationFields(Model):
    org_id: str
    app_name: str
    status: ApplicationStatus
    app_id: str | None = None
    created_at: _dt.datetime | None = None


@final
@model
class Application(_ApplicationFields):
    """An application: the unit that owns signers, profiles and API keys, in three environments."""


@final
@model
class ApplicationContext(_ApplicationFields):
    """Everything about the application: settings per environment and signature profiles::

    context = await client.applications.context()
    profiles = context.signature_profiles[client.app_env] or ()
    """

    config: ApplicationConfiguration
    env_settings: ByEnv[ApplicationEnvSettings]
    settings: ApplicationSettings
    signature_profiles: ByEnv[tuple[SignatureProfile, ...]]


@final
@model
class ApplicationRoles(Model):
    """The roles of a member in each environment::

    ApplicationRoles(development=(ApplicationRole.ADMIN,), production=(ApplicationRole.READER,))

    Methods that take ``roles=`` also accept a mapping keyed by environment name,
    ``{"DEVELOPMENT": ["ADMIN"], "PRODUCTION": ["READER"]}``; environments left out get no role.
    The vendor documentation also shows ``roles`` as an array of such objects: when read, the
    roles of its elements are merged.
    """

    development: tuple[ApplicationRole, ...] = wire("DEVELOPMENT", default=())
    staging: tuple[ApplicationRole, ...] = wire("STAGING", default=())
    production: tuple[ApplicationRole, ...] = wire("PRODUCTION", default=())

    @staticmethod
    def _wire_shape(data: Any) -> Any:
        if not isinstance(data, list):
            return data
        merged: dict[str, list[Any]] = {env: [] for env in _ENVS}
        for element in data:
            if not isinstance(element, Mapping):
                raise TypeError(f"expected role objects, got {type(element).__name__}")
            for env in _ENVS:
                roles = element.get(env) or []
                if not isinstance(roles, list):
                    raise TypeError(f"expected a list of roles for {env}")
                merged[env].extend(r for r in roles if r not in merged[env])
        return merged


@final
@model
class InvitedUser(Model):
    """A user invited to the application, and the roles they get once they accept."""

    id: str
    email: str
    app_id: str
    roles: ApplicationRoles
    status: InvitedUserStatus = InvitedUserStatus.PENDING
