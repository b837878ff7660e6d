"""A small ``multipart/form-data`` parser (stdlib only) for the upload endpoints."""

from __future__ import annotations

from email.message import Message

import attrs

from ._http import FakeError

__all__ = ["Part", "parse_multipart"]


@attrs.frozen(kw_only=True)
class Part:
    """One form field: its name, the file name and content type it declared, its bytes."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _invalid(message: str) -> FakeError:
    return FakeError("BODY_VALIDATION_FAILED", message, context={"dto": "multipart/form-data"})


def _header_params(name: str, value: str) -> Message:
    message = Message()
    message[name] = value
    return message


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a ``multipart/form-data`` body; 400 ``BODY_VALIDATION_FAILED`` if malformed."""
    header = _header_params("content-type", content_type)
    if header.get_content_type() != "multipart/form-data":
        raise _invalid("The body must be multipart/form-data")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _invalid("The multipart body has no boundary")
    # A delimiter starts a line (RFC 2046): the CRLF before it belongs to it, not to the data.
    sections = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    if len(sections) < 3 or not sections[-1].startswith(b"--"):
        raise _invalid("The multipart body is not terminated")
    parts = []
    for section in sections[1:-1]:
        section = section.lstrip(b" \t")
        if not section.startswith(b"\r\n"):
            raise _invalid("A multipart delimiter is not followed by a line break")
        head, sep, data = section[2:].partition(b"\r\n\r\n")
        if not sep:
            raise _invalid("A multipart section has no header block")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition")
        if disposition is None:
            raise _invalid("A multipart section has no Content-Disposition")
        params = _header_params("content-disposition", disposition)
        name = params.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise _invalid("A multipart section has no name")
        parts.append(
            Part(
                name=name,
                filename=params.get_filename(),
                content_type=headers.get("content-type"),
                data=data,
            )
        )
    return parts
