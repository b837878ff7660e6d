"""``client.documents``: #25-#35 and S3."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pathlib

import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.models import (
    AppEnv,
    Document,
    DocumentAuthenticity,
    DocumentIdContainer,
    DocumentRequestStatus,
    DocumentRequestUser,
    DocumentStatus,
    DocumentType,
    SignatureSummary,
    StatementTarget,
)
from ignisign_async.resources.documents import file_sha256
from tests.fixtures import seed_samples as samples

from .conftest import E, FakeApi, Sent

DOC = "doc/7"
DOC_PATH = "/v3/documents/doc%2F7"
SEED_TS = dt.datetime(2019, 8, 24, 14, 15, 22, tzinfo=dt.timezone.utc)
SEED_DOCUMENT = Document(
    id="string",
    app_id=samples.APP_ID,
    app_env=AppEnv.DEVELOPMENT,
    external_id="string",
    document_nature=DocumentType.PDF,
    file_name="string",
    file_size=0,
    label="string",
    description="string",
    mime_type="string",
    document_hash="string",
    status=DocumentStatus.CREATED,
    document_request_id="string",
    signature_request_id="string",
    data_json_content="string",
    related_document_id="string",
    related_document_type=DocumentType.PDF,
    created_at=SEED_TS,
)
DIGEST = hashlib.sha256(b"full privacy").hexdigest()


async def test_init(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/init-documents", samples.DOCUMENT_ID)
    created = await client.documents.init(signature_request_id="sr-1", label="Lease")
    api.single().expect(
        "POST", f"{E}/init-documents", json={"signatureRequestId": "sr-1", "label": "Lease"}
    )
    assert created == DocumentIdContainer(document_id="string")


async def test_get(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", DOC_PATH, samples.DOCUMENT)
    document = await client.documents.get(DOC)
    api.single().expect("GET", DOC_PATH)
    assert document == SEED_DOCUMENT


async def test_context(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{DOC_PATH}/context", samples.DOCUMENT_CONTEXT)
    context = await client.documents.context(DOC)
    api.single().expect("GET", f"{DOC_PATH}/context")
    assert context.id == "string"
    assert context.document_nature is DocumentType.PDF
    assert context.data_json_content is None
    assert context.statements[0].target is StatementTarget.DOCUMENT
    assert context.document_request is not None
    assert context.document_request.status is DocumentRequestStatus.CREATED
    assert context.document_request.user == DocumentRequestUser(
        email="someone@example.com", first_name="Ada"
    )
    assert context.signature_summaries == (
        SignatureSummary(signature_id="string", signer_id="string", date=SEED_TS),
    )


async def test_update_sends_a_body(api: FakeApi, client: AsyncIgnisign) -> None:
    """The Node SDK sends its HTTP client instead of the fields (reference 12.25)."""
    api.reply("PUT", DOC_PATH, samples.DOCUMENT)
    document = await client.documents.update(DOC, label="Lease v2", external_id="x-1")
    api.single().expect("PUT", DOC_PATH, json={"label": "Lease v2", "externalId": "x-1"})
    assert document == SEED_DOCUMENT


async def test_remove(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("DELETE", DOC_PATH, samples.DOCUMENT_ID)
    removed = await client.documents.remove(DOC)
    api.single().expect("DELETE", DOC_PATH)
    assert removed == DocumentIdContainer(document_id="string")


async def test_create_request_repeats_the_document_id(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{DOC_PATH}/requests", samples.DOCUMENT)
    document = await client.documents.create_request(
        DOC, target="USER", email="someone@example.com", first_name="Ada"
    )
    api.single().expect(
        "POST",
        f"{DOC_PATH}/requests",
        json={
            "target": "USER",
            "documentId": DOC,
            "firstName": "Ada",
            "email": "someone@example.com",
        },
    )
    assert document == SEED_DOCUMENT


async def test_a_user_document_request_needs_an_email(api: FakeApi, client: AsyncIgnisign) -> None:
    with pytest.raises(ValueError, match="email"):
        await client.documents.create_request(DOC, target="USER")
    with pytest.raises(ValueError, match="target"):
        await client.documents.create_request(DOC, target="ROBOT")
    assert api.sent == []


def _multipart(sent: Sent) -> tuple[str, bytes]:
    content_type = sent.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    return content_type.split("boundary=", 1)[1], sent.content


async def test_provide_file_uploads_one_file_part(
    api: FakeApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "lease.pdf"
    path.write_bytes(b"%PDF-1.7 small")
    api.reply("POST", f"{DOC_PATH}/file", samples.DOCUMENT)
    document = await client.documents.provide_file(DOC, path)
    sent = api.single()
    assert (sent.method, sent.path, sent.query) == ("POST", f"{DOC_PATH}/file", [])
    boundary, body = _multipart(sent)
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert b'Content-Disposition: form-data; name="file"; filename="lease.pdf"' in body
    assert b"Content-Type: application/pdf\r\n\r\n%PDF-1.7 small\r\n" in body
    assert body.endswith(f"--{boundary}--\r\n".encode())
    assert document == SEED_DOCUMENT


async def test_provide_file_from_bytes_with_a_name(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{DOC_PATH}/file", samples.DOCUMENT)
    await client.documents.provide_file(
        DOC, b"a,b\n1,2\n", file_name="data.csv", content_type="text/csv"
    )
    _, body = _multipart(api.single())
    assert b'name="file"; filename="data.csv"' in body
    assert b"Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n" in body


async def test_provide_data_json_takes_any_json(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{DOC_PATH}/data-json-content", samples.DOCUMENT)
    content = {"contract": {"rent": 950.5, "tenants": ["Ada", "Bob"], "pets": None}}
    document = await client.documents.provide_data_json(DOC, content)
    api.single().expect("POST", f"{DOC_PATH}/data-json-content", json={"jsonContent": content})
    assert document == SEED_DOCUMENT


async def test_provide_data_json_with_an_array(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{DOC_PATH}/data-json-content", samples.DOCUMENT)
    await client.documents.provide_data_json(DOC, [1, "two", True])
    api.single().expect(
        "POST", f"{DOC_PATH}/data-json-content", json={"jsonContent": [1, "two", True]}
    )


async def test_provide_private_content(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{DOC_PATH}/private-content", samples.DOCUMENT)
    document = await client.documents.provide_private_content(DOC, DIGEST.upper())
    api.single().expect("POST", f"{DOC_PATH}/private-content", json={"documentHash": DIGEST})
    assert document == SEED_DOCUMENT


@pytest.mark.parametrize("bad", ["", "abc", DIGEST[:-1], DIGEST + "0", "g" * 64, f" {DIGEST}"])
async def test_private_content_hash_must_be_sha256_hex(
    api: FakeApi, client: AsyncIgnisign, bad: str
) -> None:
    with pytest.raises(ValueError, match="64"):
        await client.documents.provide_private_content(DOC, bad)
    assert api.sent == []


async def test_remove_content(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("DELETE", f"{DOC_PATH}/content", samples.DOCUMENT)
    document = await client.documents.remove_content(DOC)
    api.single().expect("DELETE", f"{DOC_PATH}/content")
    assert document == SEED_DOCUMENT


async def test_check_authenticity_is_multipart(api: FakeApi, client: AsyncIgnisign) -> None:
    """The Node SDK leaves out the multipart headers (reference 12.25)."""
    api.reply("POST", f"{DOC_PATH}/check-authenticity", samples.AUTHENTICITY)
    result = await client.documents.check_authenticity(DOC, io.BytesIO(b"signed bytes"))
    sent = api.single()
    assert (sent.method, sent.path, sent.query) == ("POST", f"{DOC_PATH}/check-authenticity", [])
    _, body = _multipart(sent)
    assert b'form-data; name="file"' in body
    assert b"\r\n\r\nsigned bytes\r\n" in body
    assert result == DocumentAuthenticity(document_id="string", authenticity_validated=True)


async def test_download_original(
    api: FakeApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    api.reply(
        "GET",
        f"{DOC_PATH}/file",
        content=b"%PDF original",
        headers={"content-type": "application/pdf"},
    )
    result = await client.documents.download_original(DOC, tmp_path / "original.pdf")
    api.single().expect("GET", f"{DOC_PATH}/file")
    assert result.bytes_written == 13
    assert (tmp_path / "original.pdf").read_bytes() == b"%PDF original"


async def test_stream_original(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply(
        "GET", f"{DOC_PATH}/file", content=b"{}", headers={"content-type": "application/json"}
    )
    async with client.documents.stream_original(DOC) as stream:
        assert stream.content_type == "application/json"
        chunks = [chunk async for chunk in stream.iter_bytes()]
    api.single().expect("GET", f"{DOC_PATH}/file")
    assert b"".join(chunks) == b"{}"


async def test_file_sha256_of_every_kind_of_file(tmp_path: pathlib.Path) -> None:
    data = b"x" * (3 << 20) + b"tail"
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert await file_sha256(path) == expected
    assert await file_sha256(str(path)) == expected
    assert await file_sha256(data) == expected
    with path.open("rb") as handle:
        assert await file_sha256(handle) == expected
    with pytest.raises(TypeError):
        await file_sha256(io.StringIO("text"))  # type: ignore[arg-type]


async def test_hash_file_feeds_provide_private_content(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{DOC_PATH}/private-content", samples.DOCUMENT)
    digest = await client.documents.hash_file(b"full privacy")
    await client.documents.provide_private_content(DOC, digest)
    api.single().expect("POST", f"{DOC_PATH}/private-content", json={"documentHash": DIGEST})
