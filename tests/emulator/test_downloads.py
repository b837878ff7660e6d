"""Downloads (real PDF, XML, zip; streamed in chunks) and multipart uploads."""

from __future__ import annotations

import hashlib
import io
import xml.dom.minidom
import zipfile

import httpx
import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.testing import FakeIgnisign
from ignisign_async.testing._multipart import parse_multipart

from .conftest import PDF, Raw


async def test_no_proof_before_signing(fake: FakeIgnisign, raw: Raw) -> None:
    flow = await raw.published()
    doc = f"/v3/documents/{flow['doc']}"
    await raw.error("GET", doc + "/signature-proof", 400, "DOCUMENT_PROOF_NOT_CREATED")
    await raw.error("GET", doc + "/asics", 400, "DOCUMENT_PROOF_NOT_CREATED")
    await raw.error("GET", doc + "/img-signatures", 404, "NO_SIGNATURE_IMAGES_FOUND")
    await raw.error(
        "POST", doc + "/generate-advanced-signature-proof", 400, "DOCUMENT_PROOF_NOT_CREATED",
        json={},
    )  # fmt: skip
    assert await raw.ok("GET", doc + "/signatures") == []


async def test_artifacts_after_signing(fake: FakeIgnisign, raw: Raw) -> None:
    flow = await raw.published()
    (signature_id,) = fake.sign(flow["sr"])
    doc = f"/v3/documents/{flow['doc']}"

    proof = await raw.request("GET", doc + "/signature-proof")
    assert proof.headers["content-type"] == "application/pdf"
    assert proof.headers["content-length"] == str(len(proof.content))
    assert proof.headers["content-disposition"] == (
        f'attachment; filename="{flow["doc"]}-signature-proof.pdf"'
    )
    assert proof.content.startswith(b"%PDF-1.4")
    assert proof.content.rstrip().endswith(b"%%EOF")
    assert b"(Document: Contract)" in proof.content
    xref_at = int(proof.content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert proof.content[xref_at:].startswith(b"xref\n0 6\n")

    xades = await raw.request("GET", f"{doc}/signatures/{signature_id}/xades")
    assert xades.headers["content-type"] == "application/xml"
    root = xml.dom.minidom.parseString(xades.content).documentElement
    assert root.tagName == "ds:Signature"

    asic = await raw.request("GET", doc + "/asics")
    assert asic.headers["content-type"] == "application/vnd.etsi.asic-e+zip"
    assert asic.content[30:38] == b"mimetype"  # first entry, stored: readable at a fixed offset
    with zipfile.ZipFile(io.BytesIO(asic.content)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.etsi.asic-e+zip"
        assert archive.read("contract.pdf") == PDF
        signatures = archive.read("META-INF/signatures001.xml")
    assert b"<asic:XAdESSignatures" in signatures
    assert signature_id.encode() in signatures

    images = await raw.ok("GET", doc + "/img-signatures")
    assert images["documentId"] == flow["doc"]
    assert [i["signerId"] for i in images["signatures"]] == flow["signers"]
    original = await raw.request("GET", doc + "/file")
    assert original.content == PDF
    assert original.headers["content-disposition"] == 'attachment; filename="contract.pdf"'

    advanced = await raw.ok("POST", doc + "/generate-advanced-signature-proof", json={})
    assert advanced == {"documentId": flow["doc"]}
    assert fake.webhook_events[-1]["action"] == "ADV_GENERATED"


async def test_original_of_json_and_private_documents(fake: FakeIgnisign, raw: Raw) -> None:
    embedded = fake.signature_profile_ids["Simple signature - embedded"]
    sr = await raw.draft(embedded)
    data = await raw.document(sr, content=None)
    await raw.ok("POST", f"/v3/documents/{data}/data-json-content", json={"jsonContent": {"k": 1}})
    answer = await raw.request("GET", f"/v3/documents/{data}/file")
    assert (answer.headers["content-type"], answer.content) == ("application/json", b'{"k":1}')
    private = await raw.document(sr, content=None)
    await raw.ok(
        "POST", f"/v3/documents/{private}/private-content", json={"documentHash": "C" * 64}
    )
    await raw.error("GET", f"/v3/documents/{private}/file", 400, "DOCUMENT_BAD_NATURE")
    await raw.error("GET", f"/v3/documents/{private}/asics", 400, "DOCUMENT_BAD_NATURE")
    empty = await raw.document(sr, content=None)
    await raw.error("GET", f"/v3/documents/{empty}/file", 400, "DOCUMENT_NOT_PROVIDED")


async def test_multipart_upload_derives_the_document_fields(raw: Raw) -> None:
    sr = await raw.draft()
    doc = await raw.document(sr, content=None)
    content = b"name;amount\r\n--boundary-lookalike\r\nx;1\r\n"
    answer = await raw.ok(
        "POST",
        f"/v3/documents/{doc}/file",
        files={"file": ("relevé été.csv", content, "text/csv")},
    )
    assert answer["fileName"] == "relevé été.csv"
    assert answer["mimeType"] == "text/csv"
    assert answer["fileSize"] == len(content)
    assert answer["documentHash"] == hashlib.sha256(content).hexdigest()
    assert answer["documentNature"] == "FILE"
    download = await raw.request("GET", f"/v3/documents/{doc}/file")
    assert download.content == content
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"relev_ _t_.csv\"; filename*=UTF-8''relev%C3%A9%20%C3%A9t%C3%A9.csv"
    )


async def test_upload_errors(raw: Raw) -> None:
    sr = await raw.draft()
    doc = await raw.document(sr, content=None)
    path = f"/v3/documents/{doc}/file"
    await raw.error("POST", path, 400, "BODY_VALIDATION_FAILED", files={"other": ("a", b"x")})
    await raw.error("POST", path, 400, "BODY_VALIDATION_FAILED", json={"file": "not multipart"})
    await raw.error(
        "POST", path, 400, "PDF_CORRUPTED", files={"file": ("a.pdf", b"hello", "application/pdf")}
    )
    guessed = await raw.ok("POST", path, files={"file": ("scan.png", b"\x89PNG...")})
    assert guessed["mimeType"] == "image/png"


def test_multipart_parser_edge_cases() -> None:
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="note"\r\n\r\n'
        b"hello\r\n"
        b"--XyZ\r\n"
        b"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E2%82%AC.bin\r\n"
        b"Content-Type: application/octet-stream\r\n\r\n"
        b"\r\nline--XyZ is no delimiter\r\n\r\n"
        b"--XyZ--\r\n"
    )
    parts = parse_multipart(body, "multipart/form-data; boundary=XyZ")
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("note", None, None),
        ("file", "€.bin", "application/octet-stream"),
    ]
    assert parts[1].data == b"\r\nline--XyZ is no delimiter\r\n"
    from ignisign_async.testing import FakeError

    for broken, content_type in [
        (body, "multipart/form-data"),
        (body[:-9], "multipart/form-data; boundary=XyZ"),
        (b"--XyZ\r\nno headers\r\n--XyZ--\r\n", "multipart/form-data; boundary=XyZ"),
        (body, "application/json"),
    ]:
        with pytest.raises(FakeError) as refused:
            parse_multipart(broken, content_type)
        assert refused.value.code == "BODY_VALIDATION_FAILED"


async def test_check_authenticity(fake: FakeIgnisign, raw: Raw) -> None:
    flow = await raw.published()
    path = f"/v3/documents/{flow['doc']}/check-authenticity"
    same = await raw.ok("POST", path, files={"file": ("x.pdf", PDF, "application/pdf")})
    other = await raw.ok("POST", path, files={"file": ("x.pdf", PDF + b" ", "application/pdf")})
    assert same == {"documentId": flow["doc"], "authenticityValidated": True}
    assert other["authenticityValidated"] is False


async def test_planted_content_streams_in_chunks_in_process(
    fake_ignisign: FakeIgnisign, ignisign_client: AsyncIgnisign
) -> None:
    """64 MiB through fake.transport, produced lazily: the body is never held whole."""
    fake, client = fake_ignisign, ignisign_client
    sr = await client.signature_requests.init(fake.default_signature_profile_id)
    assert sr.signature_request_id is not None
    doc = await client.documents.init(signature_request_id=sr.signature_request_id)
    produced: list[int] = []
    chunk = b"\x00" * (1 << 20)

    def body() -> object:
        for index in range(64):
            produced.append(index)
            yield chunk

    fake.set_proof_content(doc.document_id, body, content_length=64 << 20)  # type: ignore[arg-type]
    seen = 0
    async with client.proofs.stream_signature_proof(doc.document_id) as stream:
        assert stream.content_length == 64 << 20
        async for piece in stream.iter_bytes():
            if seen == 0:
                assert len(produced) < 4  # the first bytes arrive before the rest is produced
            seen += len(piece)
    assert (seen, len(produced)) == (64 << 20, 64)


async def test_planted_bytes_and_kinds(fake: FakeIgnisign, raw: Raw) -> None:
    sr = await raw.draft()
    doc = await raw.document(sr)
    fake.set_proof_content(doc, b"PK\x03\x04zip", kind="asic")

    async def parts() -> object:
        yield b"a"
        yield b"b"

    fake.set_proof_content(doc, parts, kind="signature-proof", content_type="application/x-test")  # type: ignore[arg-type]
    asic = await raw.request("GET", f"/v3/documents/{doc}/asics")
    proof = await raw.request("GET", f"/v3/documents/{doc}/signature-proof")
    assert (asic.content, asic.headers["content-type"]) == (
        b"PK\x03\x04zip",
        "application/vnd.etsi.asic-e+zip",
    )
    assert (proof.content, proof.headers["content-type"]) == (b"ab", "application/x-test")
    assert "content-length" not in proof.headers
    with pytest.raises(ValueError, match="kind"):
        fake.set_proof_content(doc, b"", kind="other")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fake.set_proof_content(doc, "text")  # type: ignore[arg-type]


async def test_downloads_stream_over_asgi_in_64k_chunks(fake: FakeIgnisign) -> None:
    sent: list[dict[str, object]] = []
    fake_doc_bytes = b"y" * 200_000
    raw_transport = httpx.ASGITransport(app=fake.app)
    async with httpx.AsyncClient(transport=raw_transport, base_url="http://fake") as http:
        raw = Raw(fake, http)
        await raw.login()
        sr = await raw.draft()
        doc = await raw.document(sr, content=None)
        await raw.ok(
            "POST",
            f"/v3/documents/{doc}/file",
            files={"file": ("big.bin", fake_doc_bytes, "application/octet-stream")},
        )
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/v3/documents/{doc}/file",
        "raw_path": f"/v3/documents/{doc}/file".encode(),
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {raw.token}".encode())],
    }
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await fake.app(scope, receive, send)  # type: ignore[arg-type]
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert [len(m["body"]) for m in bodies] == [65536, 65536, 65536, 3392, 0]  # type: ignore[arg-type]
    assert [m["more_body"] for m in bodies] == [True, True, True, True, False]
