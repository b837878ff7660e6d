"""``client.proofs``: #36-#41 and S4."""

from __future__ import annotations

import io
import pathlib

import pytest

from ignisign_async import AsyncIgnisign, NotFoundError
from ignisign_async.models import (
    AppEnv,
    DocumentIdContainer,
    Signature,
    SignatureImage,
    SignatureImages,
    SignatureMode,
    SignatureStatus,
)
from tests.fixtures import seed_samples as samples

from .conftest import FakeApi

DOC = "doc 1"
DOC_PATH = "/v3/documents/doc%201"
SIG = "sig/2"
SIG_ENC = "sig%2F2"
SEED_SIGNATURE = Signature(
    id="string",
    app_id=samples.APP_ID,
    app_env=AppEnv.DEVELOPMENT,
    signer_id="string",
    signer_key_id="string",
    session_id="string",
    document_id="string",
    status=SignatureStatus.INIT,
    mode=SignatureMode.SERVER_SIDE_SIGNATURE,
    ocsp_check_value=None,
    content_hash="string",
    signature="string",
    signature_value="string",
    signed_properties="string",
    signed_properties_hash="string",
    signing_ip="string",
    signing_time="string",
    certificate="string",
)


async def test_list_signatures(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{DOC_PATH}/signatures", [samples.SIGNATURE])
    signatures = await client.proofs.list_signatures(DOC)
    api.single().expect("GET", f"{DOC_PATH}/signatures")
    assert signatures == [SEED_SIGNATURE]


async def test_get_signature(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{DOC_PATH}/signatures/{SIG_ENC}", samples.SIGNATURE)
    signature = await client.proofs.get_signature(DOC, SIG)
    api.single().expect("GET", f"{DOC_PATH}/signatures/{SIG_ENC}")
    assert signature == SEED_SIGNATURE


async def test_signature_without_its_non_public_fields(api: FakeApi, client: AsyncIgnisign) -> None:
    """Reference 7.8: the server may strip the fields outside IGNISIGN_SIGNATURE_PUBLIC_FIELDS."""
    public = {
        k: v
        for k, v in samples.SIGNATURE.items()
        if k not in {"appEnv", "sessionId", "ocspCheckValue", "signedProperties"}
    }
    api.reply("GET", f"{DOC_PATH}/signatures/{SIG_ENC}", public)
    signature = await client.proofs.get_signature(DOC, SIG)
    assert (signature.app_env, signature.session_id, signature.signed_properties) == (
        None,
        None,
        None,
    )


async def test_signature_images(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{DOC_PATH}/img-signatures", samples.SIGNATURE_IMAGES)
    images = await client.proofs.signature_images(DOC)
    api.single().expect("GET", f"{DOC_PATH}/img-signatures")
    assert images == SignatureImages(
        document_id="string",
        signatures=(SignatureImage(signer_id="string", img_b64="aVZCT1J3MEtHZ28="),),
    )


async def test_generate_advanced_proof_reads_json(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{DOC_PATH}/generate-advanced-signature-proof"
    api.reply("POST", path, samples.DOCUMENT_ID)
    result = await client.proofs.generate_advanced_proof(DOC)
    api.single().expect("POST", path, json={})
    assert result == DocumentIdContainer(document_id="string")


async def test_generate_advanced_proof_accepts_a_non_json_answer(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    """The Node SDK reads this answer as a stream (reference 12.20)."""
    path = f"{DOC_PATH}/generate-advanced-signature-proof"
    api.reply("POST", path, content=b"\x00\x01 not json", headers={"content-type": "text/plain"})
    result = await client.proofs.generate_advanced_proof(DOC)
    assert result == DocumentIdContainer(document_id=DOC)


async def test_generate_advanced_proof_with_an_empty_answer(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    path = f"{DOC_PATH}/generate-advanced-signature-proof"
    api.reply("POST", path, content=b"")
    assert await client.proofs.generate_advanced_proof(DOC) == DocumentIdContainer(document_id=DOC)


async def test_download_signature_proof(
    api: FakeApi, client: AsyncIgnisign, tmp_path: pathlib.Path
) -> None:
    api.reply(
        "GET",
        f"{DOC_PATH}/signature-proof",
        content=b"%PDF proof",
        headers={"content-type": "application/pdf", "content-length": "10"},
    )
    result = await client.proofs.download_signature_proof(DOC, tmp_path / "proof.pdf")
    api.single().expect("GET", f"{DOC_PATH}/signature-proof")
    assert (result.path, result.bytes_written) == (tmp_path / "proof.pdf", 10)
    assert (tmp_path / "proof.pdf").read_bytes() == b"%PDF proof"


async def test_stream_signature_proof(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply(
        "GET", f"{DOC_PATH}/signature-proof", content=b"%PDF", headers={"content-length": "4"}
    )
    async with client.proofs.stream_signature_proof(DOC) as stream:
        assert stream.content_length == 4
        body = b"".join([chunk async for chunk in stream.iter_bytes()])
    api.single().expect("GET", f"{DOC_PATH}/signature-proof")
    assert body == b"%PDF"


async def test_download_xades_to_a_file_object(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{DOC_PATH}/signatures/{SIG_ENC}/xades"
    api.reply("GET", path, content=b"<xades/>", headers={"content-type": "application/xml"})
    sink = io.BytesIO()
    result = await client.proofs.download_xades(DOC, SIG, sink)
    api.single().expect("GET", path)
    assert (result.path, result.bytes_written, sink.getvalue()) == (None, 8, b"<xades/>")


async def test_stream_xades(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{DOC_PATH}/signatures/{SIG_ENC}/xades"
    api.reply("GET", path, content=b"<xades/>", headers={"content-type": "application/xml"})
    async with client.proofs.stream_xades(DOC, SIG) as stream:
        assert stream.content_type == "application/xml"
        body = b"".join([chunk async for chunk in stream.iter_bytes()])
    api.single().expect("GET", path)
    assert body == b"<xades/>"


async def test_download_asic(api: FakeApi, client: AsyncIgnisign, tmp_path: pathlib.Path) -> None:
    api.reply(
        "GET",
        f"{DOC_PATH}/asics",
        content=b"PK\x03\x04zip",
        headers={"content-type": "application/vnd.etsi.asic-e+zip"},
    )
    result = await client.proofs.download_asic(DOC, tmp_path / "proof.asice")
    api.single().expect("GET", f"{DOC_PATH}/asics")
    assert result.bytes_written == 7
    assert (tmp_path / "proof.asice").read_bytes() == b"PK\x03\x04zip"


async def test_stream_asic(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{DOC_PATH}/asics", content=b"PK\x03\x04")
    async with client.proofs.stream_asic(DOC) as stream:
        body = b"".join([chunk async for chunk in stream.iter_bytes()])
    api.single().expect("GET", f"{DOC_PATH}/asics")
    assert body == b"PK\x03\x04"


async def test_a_download_error_is_a_typed_error(api: FakeApi, client: AsyncIgnisign) -> None:
    body = {**samples.ERROR_BODY, "code": "DOCUMENT_PROOF_NOT_FOUND", "status": 404}
    api.reply("GET", f"{DOC_PATH}/asics", body, status=404)
    sink = io.BytesIO()
    with pytest.raises(NotFoundError) as info:
        await client.proofs.download_asic(DOC, sink)
    assert info.value.code == "DOCUMENT_PROOF_NOT_FOUND"
    assert sink.getvalue() == b""
