"""Header codecs: ``Content-Length``, ``Content-Disposition`` file names (read, and written for
multipart parts)."""

from __future__ import annotations

import codecs
import re
import unicodedata
from urllib.parse import quote, unquote

__all__ = [
    "CONTROL_CHARS",
    "filename_params",
    "parse_content_disposition",
    "parse_length",
    "quote_param",
]


def parse_length(value: str | None) -> int | None:
    """A ``Content-Length`` value as an int, or ``None`` when absent or not plain digits."""
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit() or not value.isascii():
        return None
    return int(value)


_DISPOSITION_PARAM = re.compile(
    r';\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.DOTALL
)
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def parse_content_disposition(header: str | None) -> str | None:
    """The file name of a ``Content-Disposition`` header, reduced to a safe base name.

    ``filename*=UTF-8''...`` (RFC 6266/5987) wins over ``filename="..."``. Directory parts,
    control characters, ``.`` and ``..`` are removed: the name is never usable as a path.
    """
    if not header:
        return None
    params: dict[str, str] = {}
    _kind, _, rest = header.partition(";")
    for name, raw in _DISPOSITION_PARAM.findall(";" + rest):
        key = name.lower()
        value = raw.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params.setdefault(key, value)
    name = None
    extended = params.get("filename*")
    if extended is not None:
        name = _decode_ext_value(extended)
    if name is None:
        name = params.get("filename")
    if name is None:
        return None
    name = CONTROL_CHARS.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        return None
    return name


def _decode_ext_value(value: str) -> str | None:
    charset, sep, rest = value.partition("'")
    _language, sep2, encoded = rest.partition("'")
    if not sep or not sep2:
        return None
    try:
        encoding = codecs.lookup(charset.strip() or "utf-8").name
        return unquote(encoded, encoding=encoding, errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


_PARAM_ESCAPES = re.compile(r'["\\\x00-\x1f\x7f]')


def _escape_char(ch: str) -> str:
    return "\\\\" if ch == "\\" else f"%{ord(ch):02X}"


def quote_param(value: str) -> str:
    """A quoted-string for a multipart header, escaping as browsers do (``"``, CR, LF -> %XX)."""
    return '"' + _PARAM_ESCAPES.sub(lambda m: _escape_char(m.group(0)), value) + '"'


def filename_params(name: str) -> str:
    """``filename="..."``, plus ``filename*=UTF-8''...`` when the name is not plain ASCII."""
    if name.isascii():
        return f"filename={quote_param(name)}"
    fallback = "".join(
        ch if ch.isascii() else "_"
        for ch in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(ch)
    )
    return f"filename={quote_param(fallback)}; filename*=UTF-8''{quote(name, safe='')}"
