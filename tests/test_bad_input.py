"""Every kind of bad input ends in a coded TenderlintError (or exit status 2 on the CLI), never a traceback or hang."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pdfgen import make_image_only_pdf, make_pdf
from tenderlint.errors import TenderlintError
from tenderlint.parsers import parse
from tenderlint.parsers import safezip

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGES = [["1 Scope", "", "The supplier shall deliver the system."], ["2 Terms", "", "Payment follows acceptance."]]


def _code(path: Path, **options) -> str:
    with pytest.raises(TenderlintError) as caught:
        parse(path, **options)
    return caught.value.code


def _minimal_docx(document_xml: bytes = b"", extra: dict[str, bytes] | None = None) -> bytes:
    body = document_xml or (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Hello tender</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr("word/document.xml", body)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_minimal_docx_fixture_parses(tmp_path: Path):
    path = tmp_path / "ok.docx"
    path.write_bytes(_minimal_docx())
    assert parse(path).text == "Hello tender"


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _code(path) == "empty"


def test_whitespace_only_file_is_empty(tmp_path: Path):
    path = tmp_path / "blank.txt"
    path.write_text("  \n\n\t\n")
    assert _code(path) == "empty"


def test_missing_file(tmp_path: Path):
    assert _code(tmp_path / "nope.pdf") == "not-found"


def test_directory_is_not_a_document(tmp_path: Path):
    assert _code(tmp_path) == "not-a-file"


def test_truncated_pdf(tmp_path: Path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(make_pdf(PAGES)[:120])
    assert _code(path) == "corrupt"


def test_garbled_pdf_body(tmp_path: Path):
    path = tmp_path / "garbled.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(4096))
    assert _code(path) == "corrupt"


@pytest.mark.parametrize("backend", ["auto", "pdfium", "pypdf"])
def test_truncated_pdf_each_backend(tmp_path: Path, backend: str):
    path = tmp_path / "cut.pdf"
    path.write_bytes(make_pdf(PAGES)[:200])
    assert _code(path, pdf_backend=backend) == "corrupt"


def test_truncated_docx(tmp_path: Path):
    path = tmp_path / "cut.docx"
    path.write_bytes(_minimal_docx()[:300])
    assert _code(path) == "corrupt"


def test_random_bytes(tmp_path: Path):
    path = tmp_path / "noise.bin"
    path.write_bytes(bytes(range(256)) * 64)
    assert _code(path) == "unsupported-format"


def test_zip_that_is_not_docx(tmp_path: Path):
    path = tmp_path / "archive.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    path.write_bytes(buffer.getvalue())
    assert _code(path) == "unsupported-format"


# The real cap is 200 MiB; a 4 MiB cap exercises the same code without compressing 200 MiB per test.
TEST_CAP = 4 * 1024 * 1024


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(safezip, "MAX_INFLATED_BYTES", TEST_CAP)
    return TEST_CAP


def test_decompression_cap_is_200_mib():
    assert safezip.MAX_INFLATED_BYTES == 200 * 1024 * 1024


def test_docx_declared_size_over_limit(tmp_path: Path, small_cap: int):
    # Highly compressible: a few KiB on disk that declares more than the cap.
    filler = b"<w:t>" + b"A" * (small_cap + 1024) + b"</w:t>"
    path = tmp_path / "bomb.docx"
    path.write_bytes(_minimal_docx(extra={"word/bomb.xml": filler}))
    assert path.stat().st_size < small_cap // 10
    assert _code(path) == "decompression-limit"


def test_docx_zip_bomb_with_lying_headers(tmp_path: Path, small_cap: int):
    """Headers claim a tiny member; the stream-decompress cap must still stop it."""
    payload = b"B" * (small_cap + 1024 * 1024)
    good = _minimal_docx(extra={"word/bomb.xml": payload})
    # Rewrite the bomb member's uncompressed size to 10 bytes in both local and central headers.
    data = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo("word/bomb.xml")
        local_offset, real_size = info.header_offset, info.file_size
    data[local_offset + 22:local_offset + 26] = (10).to_bytes(4, "little")
    position = 0
    while True:
        position = bytes(data).find(b"PK\x01\x02", position)
        if position < 0:
            break
        name_length = int.from_bytes(data[position + 28:position + 30], "little")
        name = bytes(data[position + 46:position + 46 + name_length])
        if name == b"word/bomb.xml":
            assert int.from_bytes(data[position + 24:position + 28], "little") == real_size
            data[position + 24:position + 28] = (10).to_bytes(4, "little")
        position += 4
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("word/bomb.xml").file_size == 10
    # Either the cap trips, or the reader notices the lie: both refuse the file, neither inflates it all.
    assert _code(path) in {"decompression-limit", "corrupt"}


@pytest.mark.parametrize("marker", [b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b'<!ENTITY bomb "boom">'])
def test_docx_with_dtd_or_entities_is_refused(tmp_path: Path, marker: bytes):
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + marker +
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = tmp_path / "xxe.docx"
    path.write_bytes(_minimal_docx(xml))
    assert _code(path) == "unsafe-xml"


def test_dtd_in_another_docx_part_is_refused(tmp_path: Path):
    path = tmp_path / "styles.docx"
    path.write_bytes(_minimal_docx(extra={"word/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'}))
    assert _code(path) == "unsafe-xml"


def _encrypted(tmp_path: Path, user_password: str) -> Path:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf(PAGES)))
    # RC4 works without an optional crypto library; the parser's handling is the same for AES.
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    path = tmp_path / f"encrypted-{bool(user_password)}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize("backend", ["auto", "pdfium", "pypdf"])
def test_encrypted_pdf_with_empty_user_password_opens(tmp_path: Path, backend: str):
    doc = parse(_encrypted(tmp_path, ""), pdf_backend=backend)
    assert doc.pages == 2 and "Payment follows acceptance." in doc.text


@pytest.mark.parametrize("backend", ["auto", "pdfium", "pypdf"])
def test_encrypted_pdf_with_password(tmp_path: Path, backend: str):
    assert _code(_encrypted(tmp_path, "s3cret"), pdf_backend=backend) == "encrypted"


@pytest.mark.parametrize("backend", ["auto", "pdfium", "pypdf"])
def test_pdf_without_text_layer(tmp_path: Path, backend: str):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_image_only_pdf(3))
    with pytest.raises(TenderlintError) as caught:
        parse(path, pdf_backend=backend)
    assert caught.value.code == "no-text-layer"
    assert "scanned" in caught.value.message and "OCR" in caught.value.message


def test_file_over_max_bytes(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_text("The supplier shall deliver. " * 100)
    assert _code(path, max_bytes=1000) == "too-large"


def test_too_large_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "big.pdf"
    path.write_bytes(b"x" * 5000)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the file must not be read when stat says it is too large")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr("tenderlint.parsers.os.open", refuse)
    assert _code(path, max_bytes=100) == "too-large"


@pytest.mark.parametrize("name", ["notes.txt", "notes.md"])
def test_binary_content_in_text_file(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes(b"Scope of work\x00\x01\x02" + os.urandom(2000))
    assert _code(path) == "binary-text"


def test_control_characters_in_text_file(tmp_path: Path):
    path = tmp_path / "controls.txt"
    path.write_bytes(b"Scope " + bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 50)
    assert _code(path) == "binary-text"


def test_unknown_pdf_backend_is_a_usage_error(tmp_path: Path):
    path = tmp_path / "doc.txt"
    path.write_text("Some text.")
    assert _code(path, pdf_backend="ocr") == "usage"


def test_cli_extract_bad_input_exits_2_with_one_line(tmp_path: Path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    env.pop("TENDERLINT_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "tenderlint", "extract", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error[empty]")


def test_cli_extract_prints_located_blocks(tmp_path: Path):
    from click.testing import CliRunner

    from tenderlint.cli import main

    path = tmp_path / "tender.pdf"
    path.write_bytes(make_pdf(PAGES))
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert "p1 [heading 1] | 1 Scope" in result.output
    assert "p2 [paragraph] 2 Terms | Payment follows acceptance." in result.output
    as_json = CliRunner().invoke(main, ["extract", str(path), "--format", "json", "--pdf-backend", "pypdf"])
    assert as_json.exit_code == 0 and '"pages": 2' in as_json.output
