"""The parsers on the real tender documents in ../shared/documents/tenders (skipped when absent).

Each file is parsed once per module. PDF page counts are compared with pdfinfo (or pypdf),
word counts with pdftotext when poppler-utils is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from tenderlint.document import Document
from tenderlint.parsers import parse
from tenderlint.parsers.pdf import is_page_number

pytestmark = pytest.mark.shared

TENDERS = Path(__file__).resolve().parents[1].parent / "shared" / "documents" / "tenders"
FILES = sorted(p for p in TENDERS.glob("*") if p.is_file()) if TENDERS.is_dir() else []
PDFS = [p for p in FILES if p.suffix == ".pdf"]
DOCXS = [p for p in FILES if p.suffix == ".docx"]

# Files without headings, and why.
NO_HEADINGS = {"PROVENANCE.tsv": "a tab-separated provenance table, not a tender"}
WORD_TOLERANCE = 0.05


def _ids(paths):
    return [p.name for p in paths]


@pytest.fixture(autouse=True)
def _needs_shared(shared_dir):
    if not TENDERS.is_dir():
        pytest.skip(f"{TENDERS} is absent")


@lru_cache(maxsize=None)
def parsed(path: Path) -> Document:
    return parse(path)


def test_the_shared_folder_holds_the_expected_documents():
    assert len(FILES) >= 26
    assert {p.suffix for p in FILES} >= {".pdf", ".docx", ".md", ".html"}


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_every_file_parses_into_located_blocks(path: Path):
    doc = parsed(path)
    assert doc.blocks and doc.words > 0
    assert len(doc.sha256) == 64
    for block in doc.blocks[:50] + doc.blocks[-50:]:
        assert doc.text[block.start:block.end] == block.text
    if path.name not in NO_HEADINGS:
        assert doc.headings, f"{path.name}: no headings found"


def _real_page_count(path: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))
    import pypdf

    return len(pypdf.PdfReader(str(path)).pages)


@pytest.mark.parametrize("path", PDFS, ids=_ids(PDFS))
def test_pdf_page_count_is_real(path: Path):
    doc = parsed(path)
    assert doc.pages == _real_page_count(path)
    assert {b.page for b in doc.blocks} <= set(range(1, doc.pages + 1))


def _furniture_key(text: str) -> str:
    return " ".join(re.sub(r"\d", "#", re.sub(r"[^\w\s]", " ", text.lower())).split())


@pytest.mark.parametrize("path", PDFS, ids=_ids(PDFS))
def test_pdf_word_count_matches_pdftotext(path: Path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    doc = parsed(path)
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=120).stdout
    total = len(layout.split())
    # Running headers, footers and page numbers are kept once, not per page, by design:
    # compare against pdftotext's text without those repeated lines.
    furniture = {_furniture_key(b.text) for b in doc.blocks if b.kind == "header_footer"}
    body = sum(len(line.split()) for line in layout.splitlines() if _furniture_key(line) not in furniture and not is_page_number(line.strip()))
    assert abs(doc.words - body) <= WORD_TOLERANCE * body, (doc.words, body)
    # And the furniture stripped is never a large part of the document.
    assert doc.words >= 0.85 * total


@pytest.mark.parametrize("path", DOCXS, ids=_ids(DOCXS))
def test_docx_tables_are_found(path: Path):
    docx = pytest.importorskip("docx")
    has_table_text = any(cell.text.strip() for table in docx.Document(str(path)).tables for row in table.rows for cell in row.cells)
    cells = [b for b in parsed(path).blocks if b.kind == "table_cell"]
    assert bool(cells) == has_table_text
    assert all(b.table is not None and b.row is not None and b.col is not None for b in cells)


def test_every_shared_docx_has_tables():
    # Checked by hand: all seven shared DOCX files hold tables with text.
    assert all(any(b.kind == "table_cell" for b in parsed(path).blocks) for path in DOCXS)


def test_dutch_pdf_is_flagged_not_refused():
    doc = parsed(TENDERS / "nl-genai-compliance-faq.pdf")
    assert doc.language == "nl"
    assert any("Dutch" in warning and "(nl)" in warning for warning in doc.warnings)


def test_english_documents_carry_no_language_warning():
    for path in FILES:
        if path.name.startswith("nl-genai"):
            continue
        doc = parsed(path)
        assert doc.language == "en", path.name
        assert not any(w.startswith("language:") for w in doc.warnings), path.name


def test_pdf_running_headers_are_kept_once():
    doc = parsed(TENDERS / "gsa-fpds-ng-solicitation.pdf")
    furniture = [b.text for b in doc.blocks if b.kind == "header_footer"]
    assert furniture and len(furniture) == len(set(furniture))
    assert len(furniture) < doc.pages / 4


def test_pdf_sections_follow_clause_numbering():
    doc = parsed(TENDERS / "gsa-software-license-management-rfq.pdf")
    nested = [b for b in doc.headings if re.match(r"^B\.\d", b.text)]
    assert nested and all(b.section and b.section[0].upper().startswith("SECTION B") for b in nested)


def test_contents_pages_do_not_become_headings():
    doc = parsed(TENDERS / "gsa-it-security-privacy-requirements-acquisitions.pdf")
    assert not any("...." in b.text or "\u2026" in b.text for b in doc.headings)
    assert any(b.kind == "paragraph" and "\u2026" in b.text for b in doc.blocks)
