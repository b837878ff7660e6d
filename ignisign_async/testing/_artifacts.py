"""The files the emulator serves once a request is signed, made in code with the stdlib.

* :func:`signature_proof_pdf`: a real one-page PDF (valid cross-reference table) stating the
  document, its hash and who signed when (:func:`text_pdf` makes such a PDF of any lines);
* :func:`xades_xml`: a XAdES-shaped XML signature for one signature;
* :func:`asic_e_zip`: an ASiC-E container: ``mimetype`` first and stored, the original file,
  and ``META-INF/signatures001.xml``;
* :func:`signature_png`: a small PNG used as each signer's signature image.

They are realistic in shape, not cryptographically meaningful.
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from typing import Final
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "ASIC_MIME",
    "asic_e_zip",
    "signature_png",
    "signature_proof_pdf",
    "text_pdf",
    "xades_xml",
]

ASIC_MIME: Final = "application/vnd.etsi.asic-e+zip"


def _pdf_text(text: str) -> str:
    safe = text.encode("latin-1", errors="replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def signature_proof_pdf(
    *, label: str, document_id: str, document_hash: str | None, signers: Sequence[str]
) -> bytes:
    """A one-page PDF proof: title, document label and id, hash, one line per signature."""
    return text_pdf(
        [
            "Signature proof",
            f"Document: {label}",
            f"Document id: {document_id}",
            f"SHA-256: {document_hash or '-'}",
            *(f"Signed by {s}" for s in signers),
        ]
    )


def text_pdf(lines: Sequence[str]) -> bytes:
    """A real one-page PDF (Helvetica, valid cross-reference table): a title, then the lines."""
    title, *rest = lines or [""]
    ops = ["BT", "/F1 16 Tf", "50 790 Td", f"({_pdf_text(title)}) Tj", "/F1 10 Tf"]
    for line in rest:
        ops.append("0 -18 Td")
        ops.append(f"({_pdf_text(line)}) Tj")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref_at)
    )
    return out.getvalue()


def xades_xml(
    *,
    signature_id: str,
    document_name: str,
    document_hash: str | None,
    signer: str,
    signing_time: str,
) -> bytes:
    """A XAdES-BES-shaped ``ds:Signature`` over one document."""
    digest = base64.b64encode(bytes.fromhex(document_hash or hashlib.sha256(b"").hexdigest()))
    value = base64.b64encode(hashlib.sha256(f"{signature_id}:{signer}".encode()).digest())
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id={quoteattr("sig-" + signature_id)}>
  <ds:SignedInfo>
    <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
    <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
    <ds:Reference URI={quoteattr(document_name)}>
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <ds:DigestValue>{digest.decode()}</ds:DigestValue>
    </ds:Reference>
  </ds:SignedInfo>
  <ds:SignatureValue>{value.decode()}</ds:SignatureValue>
  <ds:Object>
    <xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#">
      <xades:SignedProperties>
        <xades:SignedSignatureProperties>
          <xades:SigningTime>{escape(signing_time)}</xades:SigningTime>
          <xades:SignerRole><xades:ClaimedRoles><xades:ClaimedRole>{escape(signer)}</xades:ClaimedRole></xades:ClaimedRoles></xades:SignerRole>
        </xades:SignedSignatureProperties>
      </xades:SignedProperties>
    </xades:QualifyingProperties>
  </ds:Object>
</ds:Signature>
"""
    return xml.encode("utf-8")


def asic_e_zip(*, file_name: str, original: bytes, signatures_xml: Sequence[bytes]) -> bytes:
    """An ASiC-E container: ``mimetype`` (first, stored), the original, the XAdES signatures."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ASIC_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr(file_name, original, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/signatures001.xml",
            _xades_container(signatures_xml),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


def _xades_container(signatures_xml: Sequence[bytes]) -> bytes:
    """The ``asic:XAdESSignatures`` root (ETSI EN 319 162) holding every ``ds:Signature``."""
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    body = b"".join(xml.removeprefix(declaration) for xml in signatures_xml)
    return (
        declaration
        + b'<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#">\n'
        + body
        + b"</asic:XAdESSignatures>\n"
    )


def signature_png(seed: str) -> bytes:
    """A small grayscale PNG whose stroke depends on ``seed`` (so signers differ)."""
    width, height = 48, 16
    shift = int(hashlib.sha256(seed.encode()).hexdigest()[:2], 16) % 6
    rows = []
    for y in range(height):
        row = bytearray(b"\xff" * width)
        for x in range(width):
            if abs((x // 4 + shift) % 8 - y // 2) == 0:
                row[x] = 0x20
        rows.append(b"\x00" + bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
