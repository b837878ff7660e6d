"""Uploads: multipart bodies streamed from disk, rebuilt per attempt, never re-sent once sent."""

from __future__ import annotations

import email.parser
import email.policy
import io
import os
import pathlib
import urllib.parse
from collections.abc import Callable
from email.message import EmailMessage
from typing import IO, Any

import httpx
import pytest

from ignisign_async import AsyncIgnisign, InternalServerError
from ignisign_async._uploads import READ_SLICE, file_upload
from ignisign_async.models.documents import Document, DocumentAuthenticity

from .conftest import DOC, DOCUMENT_JSON, PAYLOAD, D, Received, StreamApi, error

AUTHENTICITY_JSON = {"documentId": DOC, "authenticityValidated": True}


def ok(body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json=body)


def parse_form(received: Received) -> list[EmailMessage]:
    """The parts of a multipart/form-data body, read by the stdlib's MIME parser."""
    head = f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(head + received.content)
    assert message.get_content_type() == "multipart/form-data"
    assert not message.defects
    return [part for part in message.iter_parts() if isinstance(part, EmailMessage)]


def the_file_part(received: Received) -> EmailMessage:
    [part] = parse_form(received)
    assert part.get_content_disposition() == "form-data"
    assert part.get_param("name", header="content-disposition") == "file"
    return part


def write(path: pathlib.Path, data: bytes) -> pathlib.Path:
    path.write_bytes(data)
    return path


class Unseekable(io.RawIOBase):
    """A binary stream that can only be read forward (a pipe, a socket, a response body)."""

    def __init__(self, data: bytes) -> None:
        self._source = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@pytest.fixture
def pdf(tmp_path: pathlib.Path) -> pathlib.Path:
    return write(tmp_path / "contract.pdf", PAYLOAD)


# -- the wire -----------------------------------------------------------------------------


async def test_provide_file_streams_a_path_from_disk(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    document = await client.documents.provide_file(DOC, pdf)
    assert isinstance(document, Document)
    assert document.id == DOC
    [sent] = api.received
    assert (sent.method, sent.path, sent.query) == ("POST", f"{D}/file", "")
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert int(sent.headers["content-length"]) == len(sent.content)
    assert "transfer-encoding" not in sent.headers
    part = the_file_part(sent)
    assert part.get_filename() == "contract.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_payload(decode=True) == PAYLOAD
    # read in slices, never whole: head, four slices of at most 1 MiB, tail
    assert max(len(chunk) for chunk in sent.chunks) <= READ_SLICE
    assert len(sent.chunks) == 2 + -(-len(PAYLOAD) // READ_SLICE)


async def test_check_authenticity_sends_the_same_part(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    api.serve("POST", f"{D}/check-authenticity", ok(AUTHENTICITY_JSON))
    result = await client.documents.check_authenticity(DOC, str(pdf))
    assert result == DocumentAuthenticity(document_id=DOC, authenticity_validated=True)
    [sent] = api.received
    assert (sent.method, sent.path, sent.query) == ("POST", f"{D}/check-authenticity", "")
    part = the_file_part(sent)
    assert part.get_filename() == "contract.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_payload(decode=True) == PAYLOAD


@pytest.mark.parametrize(
    ("options", "file_name", "content_type"),
    [
        ({}, "file", "application/octet-stream"),
        ({"file_name": "scan.png"}, "scan.png", "image/png"),
        ({"file_name": "notes", "content_type": "text/plain"}, "notes", "text/plain"),
        (
            {"file_name": "a.pdf", "content_type": "application/x-custom"},
            "a.pdf",
            "application/x-custom",
        ),
    ],
)
async def test_provide_file_from_bytes(
    api: StreamApi,
    client: AsyncIgnisign,
    options: dict[str, str],
    file_name: str,
    content_type: str,
) -> None:
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    await client.documents.provide_file(DOC, b"%PDF-1.7 tiny", **options)
    [sent] = api.received
    part = the_file_part(sent)
    assert part.get_filename() == file_name
    assert part.get_content_type() == content_type
    assert part.get_payload(decode=True) == b"%PDF-1.7 tiny"
    assert int(sent.headers["content-length"]) == len(sent.content)


async def test_provide_file_from_an_open_file_starts_at_its_position(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    with pdf.open("rb") as file:
        file.seek(100)
        await client.documents.provide_file(DOC, file)
        assert not file.closed
    [sent] = api.received
    part = the_file_part(sent)
    assert part.get_filename() == "contract.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_payload(decode=True) == PAYLOAD[100:]
    assert int(sent.headers["content-length"]) == len(sent.content)


async def test_provide_file_from_bytesio(api: StreamApi, client: AsyncIgnisign) -> None:
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    await client.documents.provide_file(DOC, io.BytesIO(PAYLOAD), file_name="c.pdf")
    part = the_file_part(api.received[0])
    assert part.get_payload(decode=True) == PAYLOAD
    assert part.get_content_type() == "application/pdf"


async def test_an_unseekable_file_is_sent_chunked(api: StreamApi, client: AsyncIgnisign) -> None:
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    await client.documents.provide_file(DOC, Unseekable(PAYLOAD), file_name="c.pdf")
    [sent] = api.received
    assert "content-length" not in sent.headers
    assert sent.headers["transfer-encoding"] == "chunked"
    assert the_file_part(sent).get_payload(decode=True) == PAYLOAD


@pytest.mark.parametrize(
    ("file_name", "quoted", "decoded"),
    [
        (
            'a "quoted"\r\nname.pdf',
            'filename="a %22quoted%22%0D%0Aname.pdf"',
            "a %22quoted%22%0D%0Aname.pdf",
        ),
        ("back\\slash.pdf", 'filename="back\\\\slash.pdf"', "back\\slash.pdf"),
        (
            "reçu été.pdf",
            "filename=\"recu ete.pdf\"; filename*=UTF-8''re%C3%A7u%20%C3%A9t%C3%A9.pdf",
            "reçu été.pdf",
        ),
        ("契約.pdf", "filename=\"__.pdf\"; filename*=UTF-8''%E5%A5%91%E7%B4%84.pdf", "契約.pdf"),
    ],
)
async def test_file_names_are_escaped(
    api: StreamApi, client: AsyncIgnisign, file_name: str, quoted: str, decoded: str
) -> None:
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    await client.documents.provide_file(DOC, b"data", file_name=file_name)
    [sent] = api.received
    head = sent.content.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert f'Content-Disposition: form-data; name="file"; {quoted}\r\n' in head
    assert head.count("\r\n") == 2  # boundary, disposition, type: no injected header line
    if file_name.isascii():
        assert the_file_part(sent).get_filename() == decoded
    else:
        extended = quoted.split("filename*=UTF-8''")[1]
        assert urllib.parse.unquote(extended) == decoded


# -- attempts -----------------------------------------------------------------------------


async def test_a_429_resends_a_fresh_whole_body(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    api.serve("POST", f"{D}/file", error(429, "TOO_MANY_REQUESTS"))
    api.serve("POST", f"{D}/file", ok(DOCUMENT_JSON))
    with pdf.open("rb") as file:
        file.seek(10)
        await client.documents.provide_file(DOC, file)
    first, second = api.received
    for sent in (first, second):
        assert the_file_part(sent).get_payload(decode=True) == PAYLOAD[10:]
        assert int(sent.headers["content-length"]) == len(sent.content)


async def test_a_connection_refused_resends_from_a_path(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    refused = []

    def answer(request: httpx.Request) -> httpx.Response:
        if not refused:
            refused.append(request)
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, json=DOCUMENT_JSON)

    api.serve("POST", f"{D}/file", answer)
    await client.documents.provide_file(DOC, pdf)
    assert len(api.received) == 2
    assert [the_file_part(s).get_payload(decode=True) for s in api.received] == [PAYLOAD] * 2


async def test_an_upload_that_reached_the_server_is_never_resent(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    api.serve("POST", f"{D}/file", error(503))
    with pytest.raises(InternalServerError):
        await client.documents.provide_file(DOC, pdf)
    assert len(api.received) == 1


async def test_an_unseekable_file_cannot_be_sent_twice(
    api: StreamApi, client: AsyncIgnisign
) -> None:
    api.serve("POST", f"{D}/file", error(429))
    with pytest.raises(RuntimeError, match="not seekable"):
        await client.documents.provide_file(DOC, Unseekable(PAYLOAD), file_name="c.pdf")
    assert len(api.received) == 1


async def test_an_unseekable_file_not_yet_read_can_be_sent() -> None:
    factory = file_upload(Unseekable(b"abc"), file_name="a.bin")
    factory()  # an attempt that failed before reading the body
    _, body = factory()
    assert b"abc" in b"".join([chunk async for chunk in body])  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="not seekable"):
        factory()


async def test_a_file_that_shrinks_during_the_upload_fails(
    api: StreamApi, client: AsyncIgnisign, pdf: pathlib.Path
) -> None:
    factory = file_upload(pdf)
    headers, body = factory()
    write(pdf, PAYLOAD[:1000])
    with pytest.raises(OSError, match="shrank"):
        async for _ in body:  # type: ignore[union-attr]
            pass
    assert int(headers["Content-Length"]) > len(PAYLOAD)


# -- bad input ----------------------------------------------------------------------------


def text_file(tmp: pathlib.Path) -> IO[str]:
    return (tmp / "t.txt").open("w")


@pytest.mark.parametrize(
    ("make_file", "options", "exception", "message"),
    [
        (lambda tmp: str(tmp / "missing.pdf"), {}, ValueError, "not an existing file"),
        (lambda tmp: tmp / "missing.pdf", {}, ValueError, "not an existing file"),
        (lambda tmp: "%PDF-1.7 not a path", {}, ValueError, "pass bytes"),
        (lambda tmp: tmp, {}, ValueError, "a directory"),
        (text_file, {}, TypeError, "binary mode"),
        (lambda tmp: io.StringIO("text"), {}, TypeError, "binary mode"),
        (lambda tmp: 42, {}, TypeError, "path, bytes or a binary file object"),
        (lambda tmp: b"x", {"file_name": ""}, ValueError, "file_name"),
        (lambda tmp: b"x", {"file_name": 3}, TypeError, "file_name"),
        (lambda tmp: b"x", {"content_type": "text/plain\r\nX-Evil: 1"}, ValueError, "media type"),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    api: StreamApi,
    client: AsyncIgnisign,
    tmp_path: pathlib.Path,
    make_file: Callable[[pathlib.Path], Any],
    options: dict[str, Any],
    exception: type[Exception],
    message: str,
) -> None:
    file = make_file(tmp_path)
    try:
        with pytest.raises(exception, match=message):
            await client.documents.provide_file(DOC, file, **options)
    finally:
        if hasattr(file, "close"):
            file.close()
    assert api.received == []
    assert api.auth_calls == 0


def test_an_empty_file_is_a_valid_upload(tmp_path: pathlib.Path) -> None:
    headers, _ = file_upload(write(tmp_path / "empty.txt", b""))()
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert int(headers["Content-Length"]) > 0
    assert os.path.getsize(tmp_path / "empty.txt") == 0
