"""The arguments of ``signature_requests.send``, checked and normalised before any request.

Every check that needs no answer from the server is made here, so that a bad argument raises
``ValueError``/``TypeError`` before the first request. :func:`plan` returns what the workflow
(:mod:`._sending`) then carries out.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
from collections.abc import Mapping, Sequence
from typing import IO, Any, Final, cast

import attrs

from .._args import country_arg, date_arg, datetime_arg, model_arg, optional_enum_arg
from .._types import NOT_GIVEN, FileInput, NotGiven
from ..models.enums import SignatureLanguage, StatementTarget
from ..models.signature_requests import Statement
from ._send_types import DocumentInput, NewDocument, NewSigner, SendProgress, SignerInput

__all__ = [
    "DocumentPlan",
    "SignerPlan",
    "SendPlan",
    "plan",
    "SIGNER_FIELDS",
]


SIGNER_FIELDS: Final = tuple(f.name for f in attrs.fields(cast(Any, NewSigner)))
_DOCUMENT_FIELDS: Final = tuple(f.name for f in attrs.fields(cast(Any, NewDocument)))
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_E164: Final = re.compile(r"\+[1-9]\d{6,14}")
_TITLE_MAX: Final = 1024
_DESCRIPTION_MAX: Final = 4096


@attrs.frozen(kw_only=True)
class DocumentPlan:
    """One document to create and upload."""

    index: int
    file: FileInput
    file_name: str
    label: str
    size: int | None
    content_type: str | None = None
    description: str | NotGiven = NOT_GIVEN
    external_id: str | NotGiven = NOT_GIVEN


@attrs.frozen(kw_only=True)
class SignerPlan:
    """One signer: an existing id, or the fields of a signer to create (wire-ready values)."""

    index: int
    signer_id: str | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class SendPlan:
    """Everything ``send`` will do, checked."""

    documents: tuple[DocumentPlan, ...]
    signers: tuple[SignerPlan, ...]
    title: str
    signature_profile_id: str | None
    description: str | NotGiven
    expiration_date: _dt.datetime | None
    expires_in: _dt.timedelta | None
    language: SignatureLanguage | NotGiven
    external_id: str | NotGiven
    statements: tuple[Statement, ...] | NotGiven
    progress: SendProgress | None
    max_concurrent_uploads: int

    @property
    def total_bytes(self) -> int | None:
        """The size of every file together, or ``None`` when one size is unknown."""
        sizes = [d.size for d in self.documents]
        return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)


def plan(
    *,
    documents: Sequence[DocumentInput],
    signers: Sequence[SignerInput],
    title: str,
    signature_profile_id: str | None,
    description: str | NotGiven,
    expiration_date: _dt.datetime | NotGiven,
    expires_in: _dt.timedelta | NotGiven,
    language: SignatureLanguage | str | NotGiven,
    external_id: str | NotGiven,
    statements: Sequence[Statement | Mapping[str, object]] | NotGiven,
    progress: SendProgress | None,
    max_concurrent_uploads: int,
) -> SendPlan:
    """Check every argument of ``send``: ``ValueError``/``TypeError`` on the first bad one."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function or None, got {type(progress).__name__}")
    if (
        isinstance(max_concurrent_uploads, bool)
        or not isinstance(max_concurrent_uploads, int)
        or max_concurrent_uploads < 1
    ):
        raise ValueError(
            f"max_concurrent_uploads must be an int >= 1, got {max_concurrent_uploads!r}"
        )
    return SendPlan(
        documents=_documents(documents),
        signers=_signers(signers),
        title=_text(title, name="title", limit=_TITLE_MAX),
        signature_profile_id=_optional_id(signature_profile_id, name="signature_profile_id"),
        description=_optional_text(description, name="description", limit=_DESCRIPTION_MAX),
        **_expiration(expiration_date, expires_in),
        language=optional_enum_arg(SignatureLanguage, language, name="language"),
        external_id=_optional_text(external_id, name="external_id"),
        statements=_statements(statements),
        progress=progress,
        max_concurrent_uploads=max_concurrent_uploads,
    )


# -- scalars ------------------------------------------------------------------------------------


def _text(value: object, *, name: str, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise ValueError(f"{name} must be at most {limit} characters, got {len(value)}")
    return value


def _optional_text(value: object, *, name: str, limit: int | None = None) -> str | NotGiven:
    if isinstance(value, NotGiven):
        return value
    return _text(value, name=name, limit=limit)


def _optional_id(value: object, *, name: str) -> str | None:
    return None if value is None else _text(value, name=name)


def _expiration(expiration_date: object, expires_in: object) -> dict[str, Any]:
    if not isinstance(expiration_date, NotGiven) and not isinstance(expires_in, NotGiven):
        raise ValueError("give expiration_date or expires_in, not both")
    if not isinstance(expires_in, NotGiven):
        if not isinstance(expires_in, _dt.timedelta):
            raise TypeError(
                f"expires_in must be a datetime.timedelta, got {type(expires_in).__name__}"
            )
        if expires_in <= _dt.timedelta(0):
            raise ValueError(f"expires_in must be positive, got {expires_in}")
        return {"expiration_date": None, "expires_in": expires_in}
    if isinstance(expiration_date, NotGiven):
        return {"expiration_date": None, "expires_in": None}
    moment = datetime_arg(expiration_date, name="expiration_date")  # type: ignore[arg-type]
    assert isinstance(moment, _dt.datetime)
    if moment <= _dt.datetime.now(_dt.timezone.utc):
        raise ValueError(f"expiration_date must be in the future, got {moment.isoformat()}")
    return {"expiration_date": moment, "expires_in": None}


def _statements(
    statements: Sequence[Statement | Mapping[str, object]] | NotGiven,
) -> tuple[Statement, ...] | NotGiven:
    if isinstance(statements, NotGiven):
        return statements
    if isinstance(statements, (str, bytes, Mapping)) or not isinstance(statements, Sequence):
        raise TypeError(f"statements must be a list, got {type(statements).__name__}")
    out = []
    for index, item in enumerate(statements):
        name = f"statements[{index}]"
        statement = model_arg(Statement, item, name=name)
        if statement.target is StatementTarget.DOCUMENT:
            raise ValueError(
                f"{name}: send() creates the documents, so a statement cannot target one; use "
                "target SIGNATURE_REQUEST here, or build the request step by step"
            )
        out.append(statement)
    return tuple(out)


def _list(value: object, *, name: str) -> list[Any]:
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list, got {type(value).__name__}")
    items = list(value)
    if not items:
        raise ValueError(f"{name} must not be empty")
    return items


# -- documents ----------------------------------------------------------------------------------


def _documents(documents: object) -> tuple[DocumentPlan, ...]:
    plans = tuple(
        _document(index, item) for index, item in enumerate(_list(documents, name="documents"))
    )
    handles: dict[int, int] = {}
    for document in plans:
        if isinstance(document.file, (bytes, str, os.PathLike)):
            continue
        first = handles.setdefault(id(document.file), document.index)
        if first != document.index:
            raise ValueError(
                f"documents[{document.index}] is the file object of documents[{first}]: "
                "one file object cannot be uploaded twice"
            )
    return plans


def _document(index: int, item: object) -> DocumentPlan:
    name = f"documents[{index}]"
    spec = _document_spec(item, name=name)
    file, default_name, size = _file(spec.file, name=name, index=index)
    file_name = default_name
    if spec.file_name is not None:
        file_name = _text(spec.file_name, name=f"{name}.file_name")
    label = file_name if spec.label is None else _text(spec.label, name=f"{name}.label")
    content_type = spec.content_type
    if content_type is not None:
        content_type = _text(content_type, name=f"{name}.content_type")
    return DocumentPlan(
        index=index,
        file=file,
        file_name=file_name,
        label=label,
        size=size,
        content_type=content_type,
        description=_optional_text(
            NOT_GIVEN if spec.description is None else spec.description, name=f"{name}.description"
        ),
        external_id=_optional_text(
            NOT_GIVEN if spec.external_id is None else spec.external_id, name=f"{name}.external_id"
        ),
    )


def _document_spec(item: object, *, name: str) -> NewDocument:
    if isinstance(item, NewDocument):
        return item
    if isinstance(item, Mapping):
        unknown = [k for k in item if k not in _DOCUMENT_FIELDS]
        if unknown:
            allowed = ", ".join(_DOCUMENT_FIELDS)
            raise TypeError(f"{name}: unexpected key {unknown[0]!r} (expected some of {allowed})")
        if "file" not in item:
            raise TypeError(f"{name}: a document mapping needs a 'file'")
        return NewDocument(**item)
    if isinstance(item, tuple):
        if len(item) != 2:
            raise TypeError(f"{name} must be a (file_name, data) pair, got {len(item)} items")
        file_name, data = item
        _text(file_name, name=f"{name} file name")
        return NewDocument(file=data, file_name=file_name)
    return NewDocument(file=item)  # type: ignore[arg-type]


def _file(file: object, *, name: str, index: int) -> tuple[FileInput, str, int | None]:
    """The file as ``provide_file`` takes it, its default name, and its size when known."""
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
        if not data:
            raise ValueError(f"{name} is empty")
        suffix = ".pdf" if data.startswith(b"%PDF-") else ""
        return data, f"document-{index + 1}{suffix}", len(data)
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if not isinstance(path, str):
            raise TypeError(f"{name}: a path must be a str or os.PathLike[str]")
        if not os.path.isfile(path):
            hint = " (pass bytes to upload in-memory content)" if isinstance(file, str) else ""
            raise ValueError(f"{name}: {path[:200]!r} is not an existing file{hint}")
        size = os.path.getsize(path)
        if size == 0:
            raise ValueError(f"{name}: {path[:200]!r} is empty")
        return file, os.path.basename(path), size
    if isinstance(file, io.TextIOBase):
        raise TypeError(f"{name} must be opened in binary mode ('rb'), not text mode")
    if callable(getattr(file, "read", None)):
        mode = getattr(file, "mode", None)
        if isinstance(mode, str) and "b" not in mode:
            raise TypeError(f"{name} must be opened in binary mode, got mode {mode!r}")
        if getattr(file, "closed", False) is True:
            raise ValueError(f"{name} is a closed file")
        raw_name = getattr(file, "name", None)
        default = os.path.basename(raw_name) if isinstance(raw_name, str) else ""
        handle = cast(IO[bytes], file)
        return handle, default or f"document-{index + 1}", _remaining(handle, name=name)
    raise TypeError(
        f"{name} must be a path, bytes, a binary file object, a (file_name, data) pair, a "
        f"NewDocument or a mapping, got {type(file).__name__}"
    )


def _remaining(file: IO[bytes], *, name: str) -> int | None:
    try:
        if not file.seekable():
            return None
        start = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(start)
    except (OSError, ValueError, AttributeError):
        return None
    if end - start <= 0:
        raise ValueError(f"{name} has nothing left to read")
    return end - start


# -- signers ------------------------------------------------------------------------------------


def _signers(signers: object) -> tuple[SignerPlan, ...]:
    out = []
    seen: set[str] = set()
    for index, item in enumerate(_list(signers, name="signers")):
        signer = _signer(index, item)
        if signer.signer_id is not None:
            if signer.signer_id in seen:
                raise ValueError(f"signers[{index}]: signer {signer.signer_id!r} is listed twice")
            seen.add(signer.signer_id)
        out.append(signer)
    return tuple(out)


def _signer(index: int, item: object) -> SignerPlan:
    name = f"signers[{index}]"
    if isinstance(item, str):
        return SignerPlan(index=index, signer_id=_text(item, name=name))
    if isinstance(item, NewSigner):
        given = {f: getattr(item, f) for f in SIGNER_FIELDS if getattr(item, f) is not None}
    elif isinstance(item, Mapping):
        unknown = [k for k in item if k not in SIGNER_FIELDS]
        if unknown:
            allowed = ", ".join(SIGNER_FIELDS)
            raise TypeError(f"{name}: unexpected key {unknown[0]!r} (expected some of {allowed})")
        given = {k: v for k, v in item.items() if v is not None}
    elif isinstance(getattr(item, "signer_id", None), str):
        return SignerPlan(index=index, signer_id=_text(item.signer_id, name=f"{name}.signer_id"))  # type: ignore[attr-defined]
    else:
        raise TypeError(
            f"{name} must be a signer id, a NewSigner or a mapping of signer fields, "
            f"got {type(item).__name__}"
        )
    return SignerPlan(index=index, fields=_signer_fields(given, name=name))


def _signer_fields(given: Mapping[str, Any], *, name: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in given.items():
        where = f"{name}.{key}"
        if key == "birth_date":
            fields[key] = date_arg(value, name=where)
        elif key in ("nationality", "birth_country"):
            fields[key] = country_arg(value, name=where)
        else:
            fields[key] = _text(value, name=where)
    email = fields.get("email")
    if email is not None and not _EMAIL.fullmatch(email):
        raise ValueError(f"{name}.email is not an email address: {email!r}")
    phone = fields.get("phone_number")
    if phone is not None and not _E164.fullmatch(phone):
        raise ValueError(f"{name}.phone_number must be in E.164 form (+33612345678): {phone!r}")
    return fields
