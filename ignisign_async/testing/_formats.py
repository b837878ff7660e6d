"""E-mail addresses and URLs as the vendor's ``@IsEmail`` and ``@IsUrl`` read them (defaults).

Both decorators (class-validator, over validator.js) want a fully qualified domain name: labels
of letters, digits and inner hyphens, no underscore, at most 63 characters each, and a top-level
domain of at least two letters (or an ``xn--`` label)::

    is_email("ada@example.com")       # True
    is_email("ada..x@example.com")    # False: two dots in a row
    is_url("ftp://files.example.com/a")   # True: http, https and ftp are accepted
    is_url("https://example/hook")    # False: no top-level domain

One deliberate exception for webhook endpoints, :func:`is_loopback_url`: ``http(s)://localhost``
and loopback IPs, so that deliveries can reach an app on the developer's machine (``@IsUrl``
refuses ``localhost``, which has no top-level domain).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

__all__ = ["is_email", "is_fqdn", "is_loopback_url", "is_url"]

_LABEL: Final = re.compile(
    r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]*[a-z0-9\u00a1-\uffff])?", re.I
)
_TLD: Final = re.compile(r"(?:[a-z\u00a1-\uffff]{2,}|xn--[a-z0-9-]{2,})", re.I)
_LOCAL: Final = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_SCHEMES: Final = ("http", "https", "ftp")


def is_fqdn(host: str) -> bool:
    """A fully qualified domain name with a top-level domain (a trailing dot is allowed)."""
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253:
        return False
    if not _TLD.fullmatch(labels[-1]):
        return False
    return all(len(label) <= 63 and _LABEL.fullmatch(label) for label in labels)


def is_email(value: str) -> bool:
    """``@IsEmail()``: a dot-atom local part of at most 64 characters, ``@``, an FQDN."""
    local, at, domain = value.rpartition("@")
    if not at or not local or len(local) > 64 or len(value) > 254:
        return False
    return bool(_LOCAL.fullmatch(local)) and is_fqdn(domain)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _split(value: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of a URL (``http://`` assumed when none is given); ``None``."""
    if any(c.isspace() for c in value) or len(value) > 2083 or not value:
        return None
    text = value if "://" in value else "http://" + value
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme.lower() not in _SCHEMES or not host:
        return None
    return parts.scheme.lower(), host, port


def is_url(value: str) -> bool:
    """``@IsUrl()``: http, https or ftp (optional), an FQDN or an IP, an optional port 1-65535."""
    split = _split(value)
    if split is None:
        return False
    _, host, port = split
    if port is not None and not 1 <= port <= 65535:
        return False
    return _ip(host) is not None or is_fqdn(host)


def is_loopback_url(value: str) -> bool:
    """An ``http(s)`` URL to ``localhost`` or a loopback IP: the emulator's documented exception."""
    split = _split(value)
    if split is None or split[0] == "ftp" or "://" not in value:
        return False
    _, host, port = split
    if port is not None and not 1 <= port <= 65535:
        return False
    address = _ip(host)
    return host.lower() == "localhost" or (address is not None and address.is_loopback)
