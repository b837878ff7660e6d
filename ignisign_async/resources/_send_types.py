"""What ``signature_requests.send`` accepts: new documents, new signers, progress callbacks."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import attrs

from .._types import FileInput

__all__ = ["NewDocument", "NewSigner", "DocumentInput", "SignerInput", "SendProgress"]


def _file_repr(value: object) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    return repr(value)


@attrs.frozen(kw_only=True)
class NewDocument:
    """A document for ``signature_requests.send`` when it needs more than a file: a label, a
    description, an external id::

        await client.signature_requests.send(
            documents=[NewDocument(file="lease.pdf", label="Lease", external_id="lease-42")],
            signers=[signer_id], title="Lease",
        )

    ``file`` is a path, ``bytes`` or a binary file object; ``file_name`` defaults to the path's or
    file object's name, ``label`` to the file name, ``content_type`` to the type guessed from it.
    """

    file: FileInput = attrs.field(repr=_file_repr)
    file_name: str | None = None
    label: str | None = None
    description: str | None = None
    external_id: str | None = None
    content_type: str | None = None


@attrs.frozen(kw_only=True)
class NewSigner:
    """A signer that ``signature_requests.send`` creates (``signers.create``) before it opens the
    request; a mapping with these keys works too::

        await client.signature_requests.send(
            documents=["lease.pdf"], title="Lease",
            signers=[NewSigner(first_name="Ada", last_name="Lovelace", email="ada@example.com")],
        )

    The inputs the signature profile needs are checked before any request is made.
    """

    external_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    nationality: str | None = None
    birth_date: _dt.date | None = None
    birth_place: str | None = None
    birth_country: str | None = None


DocumentInput: TypeAlias = FileInput | tuple[str, FileInput] | NewDocument | Mapping[str, Any]
"""A document for ``send``: a path, ``bytes``, a binary file object, a ``(file_name, data)`` pair,
a :class:`~ignisign_async.NewDocument`, or a mapping with its keys."""

SignerInput: TypeAlias = str | NewSigner | Mapping[str, Any]
"""A signer for ``send``: an existing signer's id (or an object with a ``signer_id``, such as
``signers.create``'s answer), or the fields of a new one (a
:class:`~ignisign_async.NewSigner` or a mapping with its keys)."""

SendProgress: TypeAlias = Callable[[int, "int | None"], object]
"""``progress(bytes_done, total_or_None)``, called as the documents' files are uploaded."""
