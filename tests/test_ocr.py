"""OCR of scanned PDFs: our example RFP and a real tender, scanned at test time, read back with Tesseract.

A scan is made by rendering each page of a PDF that has a text layer to an image and writing an
image-only PDF (tests/scans.py); the original's own text and check are the answer key. Tests
that run Tesseract skip, saying why, where it (or tesserocr) is not installed; the behaviour
without Tesseract is tested everywhere by making it unavailable.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scans import image_pdf, mixed_pdf, page_images, scanned_pdf, word_recall
from tenderlint.check import Checker, CheckOptions, parse_file
from tenderlint.cli import main
from tenderlint.document import Document
from tenderlint.errors import TenderlintError
from tenderlint.parsers import ocr as ocr_module
from tenderlint.parsers import parse
from tenderlint.report import render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "draft-rfp-ai-assistant.pdf"
GSA_RFQ = "documents/tenders/gsa-software-license-management-rfq.pdf"
OCR_MISSING = ocr_module.unavailable_reason()
needs_tesseract = pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR cannot run here: {OCR_MISSING}")
INSTALL_WORDS = "apt-get install tesseract-ocr tesseract-ocr-eng"


def page_texts(pdf_path: Path) -> dict[int, str]:
    """Each page's text layer, read directly with pdfium (the answer key for page numbers)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        texts = {}
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            texts[index + 1] = textpage.get_text_range()
            textpage.close()
        return texts
    finally:
        pdf.close()


def compare_checks(original, scanned, original_result, scanned_result, pages_text: dict[int, str]) -> dict:
    """The figures the issue asks for: word recall, topics with the same status, evidence on the right page."""
    statuses = {t.id: t.status for t in original_result.topics}
    same = [t.id for t in scanned_result.topics if statuses[t.id] == t.status]
    evidence = [e for t in scanned_result.topics for e in t.evidence] + [f.evidence for f in scanned_result.red_flags]
    # A quote is on the right page when the original's check put the same passage on that page
    # (a sentence keeps the page its paragraph starts on), or, for a passage the original's check
    # did not quote, when it starts on that page of the original and (nearly) all of its words are
    # there or on the next page, for a paragraph that runs over the page break.
    quoted = [(e.quote, e.page) for t in original_result.topics for e in t.evidence]

    def right_page(quote: str, page: int) -> bool:
        same = [p for q, p in quoted if word_recall(quote, q) >= 0.9 and word_recall(q, quote) >= 0.9]
        if same:
            return page in same
        here, spill = pages_text.get(page, ""), pages_text.get(page + 1, "")
        start = " ".join(quote.split()[:12])
        return word_recall(start, here) >= 0.9 and word_recall(quote, here + "\n" + spill) >= 0.9

    misplaced = [(e.page, e.quote[:80]) for e in evidence if not right_page(e.quote, e.page)]
    return {
        "recall": word_recall(original.text, scanned.text),
        "same": len(same),
        "topics": len(statuses),
        "differing": sorted(set(statuses) - set(same)),
        "evidence": evidence,
        "misplaced": misplaced,
    }


@pytest.fixture(scope="module")
def checker():
    return Checker(CheckOptions())


@pytest.fixture(scope="module")
def example_scan(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scans") / "draft-rfp-scanned.pdf"
    path.write_bytes(scanned_pdf(EXAMPLE, 200))
    return path


@pytest.fixture(scope="module")
def example_checked(checker, example_scan):
    original = parse_file(EXAMPLE, checker.options)
    scanned = parse_file(example_scan, checker.options)
    assert isinstance(scanned, Document), getattr(scanned, "error", None)
    return original, scanned, checker.check_parsed(original), checker.check_parsed(scanned)


# -- reading scans back ---------------------------------------------------------------------------


@needs_tesseract
def test_scanned_example_is_read_back_word_for_word(example_checked):
    original, scanned, _, _ = example_checked
    assert scanned.ocr_pages == list(range(1, 10))
    assert scanned.pages == original.pages == 9
    assert word_recall(original.text, scanned.text) >= 0.95
    assert word_recall(scanned.text, original.text) >= 0.95  # and little that was not there
    assert scanned.ocr_confidence is not None and scanned.ocr_confidence >= ocr_module.LOW_CONFIDENCE
    assert not [w for w in scanned.warnings if w.startswith("ocr:")], scanned.warnings
    headings = {b.text for b in scanned.blocks if b.kind == "heading"}
    assert {"1 Introduction and background", "1.1 Purpose of this RFP", "2.2 Objectives"} <= headings


@needs_tesseract
def test_scanned_example_gets_the_same_check(example_checked):
    original, scanned, original_result, scanned_result = example_checked
    figures = compare_checks(original, scanned, original_result, scanned_result, page_texts(EXAMPLE))
    print(f"\nexample RFP at 200 dpi: recall {figures['recall']:.3f}, confidence {scanned.ocr_confidence:.3f}, "
          f"same status {figures['same']}/{figures['topics']} (differing: {figures['differing']}), "
          f"evidence {len(figures['evidence'])}, misplaced {len(figures['misplaced'])}")
    assert figures["topics"] == 27
    assert figures["same"] >= 25, f"statuses differ on {figures['differing']}"
    assert figures["evidence"] and not figures["misplaced"], figures["misplaced"]
    assert all(e.ocr for e in figures["evidence"])


@needs_tesseract
def test_every_report_says_which_pages_were_read_by_ocr(example_checked):
    from test_report import schema_errors

    _, _, original_result, result = example_checked
    text = render([result], "text", color=False)
    assert "All 9 pages were read by OCR (Tesseract), mean word confidence" in " ".join(text.split())
    assert "(read by OCR)" in text
    markdown = render([result], "markdown")
    assert "| OCR | All 9 pages were read by OCR" in markdown and "(read by OCR)" in markdown
    html = render([result], "html")
    assert "<dt>OCR</dt>" in html and "(read by OCR)" in html
    data = json.loads(render([result], "json"))
    document = data["documents"][0]
    assert document["ocr"]["pages"] == list(range(1, 10))
    assert 0.8 <= document["ocr"]["confidence"] <= 1
    quotes = [e for t in document["topics"] for e in t["evidence"]]
    assert quotes and all(e["ocr"] is True for e in quotes)
    assert schema_errors(data) == []
    # A document with a text layer says nothing about OCR.
    plain = json.loads(render([original_result], "json"))["documents"][0]
    assert plain["ocr"] is None and all("ocr" not in e for t in plain["topics"] for e in t["evidence"])
    assert "OCR" not in render([original_result], "text", color=False)


@needs_tesseract
def test_mixed_pdf_reads_only_its_scanned_page(tmp_path, monkeypatch):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(mixed_pdf(EXAMPLE, scanned_page=2, dpi=200, pages=[1, 2, 3]))
    asked = []
    real = ocr_module.recognise_pages

    def spy(data, numbers, name, **kwargs):
        asked.append(list(numbers))
        return real(data, numbers, name, **kwargs)

    monkeypatch.setattr(ocr_module, "recognise_pages", spy)
    document = parse(path)
    assert asked == [[2]] and document.ocr_pages == [2]
    texts = page_texts(EXAMPLE)
    assert word_recall(texts[1] + texts[2] + texts[3], document.text) >= 0.97
    page_two = " ".join(b.text for b in document.blocks if b.page == 2)
    assert word_recall(texts[2], page_two) >= 0.9
    # The text pages keep their own text layer, character for character.
    text_only = parse(EXAMPLE)
    first_page = [b.text for b in text_only.blocks if b.page == 1]
    assert [b.text for b in document.blocks if b.page == 1][:-1] == first_page[:-1]


@needs_tesseract
def test_ocr_always_reads_text_pages_too_and_never_reads_none(tmp_path):
    path = tmp_path / "two-pages.pdf"
    path.write_bytes(mixed_pdf(EXAMPLE, scanned_page=2, dpi=150, pages=[1, 2]))
    assert parse(path, ocr="always").ocr_pages == [1, 2]
    never = parse(path, ocr="never")
    assert never.ocr_pages == [] and not [b for b in never.blocks if b.page == 2]


@needs_tesseract
def test_poor_scan_gets_a_low_confidence_warning(tmp_path):
    from PIL import ImageFilter

    # Blurred past what Tesseract reads well (bench/ocr_confidence.py: confidence under 80%).
    image = page_images(EXAMPLE, 200, [1])[0].filter(ImageFilter.GaussianBlur(3))
    path = tmp_path / "blurred.pdf"
    path.write_bytes(image_pdf([image], 200))
    document = parse(path)
    assert document.ocr_pages == [1] and document.ocr_confidence < ocr_module.LOW_CONFIDENCE
    assert any(w.startswith("ocr: low recognition confidence on 1 page(s) (page 1:") for w in document.warnings)


@needs_tesseract
def test_ocr_stops_at_the_time_limit(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(EXAMPLE, 200, [1, 2, 3]))
    with pytest.raises(TenderlintError) as caught:
        parse(path, ocr_time_limit=0.2, ocr_workers=1)
    assert caught.value.code == "timeout" and "per-document time limit" in caught.value.message


@needs_tesseract
def test_cli_check_and_extract_read_a_scan(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(EXAMPLE, 150, [1]))
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(path), "--format", "json", "--no-model", "--exit-zero"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["documents"][0]["ocr"]["pages"] == [1]
    extracted = runner.invoke(main, ["extract", str(path)])
    assert extracted.exit_code == 0
    assert "p1(ocr) [heading 2] 1 Introduction and background | 1.1 Purpose of this RFP" in extracted.stdout
    for command in ("check", "compare"):
        files = [str(path)] if command == "check" else [str(path), str(EXAMPLE)]
        refused = runner.invoke(main, [command, *files, "--ocr", "never", "--no-model"])
        assert refused.exit_code == 2, command
        assert "error[no-text-layer]" in refused.stderr and "--ocr auto" in refused.stderr


@needs_tesseract
def test_web_page_offers_ocr_and_honours_the_choice(tmp_path):
    from fastapi.testclient import TestClient

    from tenderlint.web.app import create_app

    scan = scanned_pdf(EXAMPLE, 150, [1])
    with TestClient(create_app(workers=0, options=CheckOptions(use_model=False))) as client:
        assert 'name="ocr" value="auto" checked' in client.get("/").text
        files = {"file": ("scan.pdf", scan, "application/pdf")}
        read = client.post("/api/check", files=files, data={"ocr": "auto"})
        assert read.status_code == 200 and read.json()["documents"][0]["ocr"]["pages"] == [1]
        refused = client.post("/api/check", files=files, data={"ocr": "never"})
        assert refused.status_code == 422 and refused.json()["documents"][0]["error"]["code"] == "no-text-layer"


@needs_tesseract
def test_audit_stores_ocr_facts_and_summarises_them(tmp_path):
    from tenderlint.audit import audit, discover
    from tenderlint.report.audit_summary import collect, render_summary
    from tenderlint.store import ResultStore

    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "signed-contract.pdf").write_bytes(scanned_pdf(EXAMPLE, 150, [1, 2]))
    (folder / "notes.md").write_text("# Statement of work\n\nThe Contractor shall encrypt all data at rest.\n")
    options = CheckOptions(use_model=False)
    with ResultStore(tmp_path / "audit.sqlite") as store:
        never = audit(discover([str(folder)]), store, CheckOptions(use_model=False, ocr="never"), jobs=1)
        assert [code for _, code, _ in never.failures] == ["no-text-layer"]
        # Run again with OCR: the stored no-text-layer failure is checked again, and read this time.
        summary = audit(discover([str(folder)]), store, options, jobs=1)
        assert summary.failures == [] and summary.ocr_documents == 1 and summary.ocr_pages == 2
        row = store.db.execute("SELECT ocr_pages, ocr_confidence FROM documents WHERE path LIKE '%signed%'").fetchone()
        assert json.loads(row["ocr_pages"]) == [1, 2] and 0.8 < row["ocr_confidence"] <= 1
        data = collect(store, summary.document_ids, ["privacy"], {})
        assert [(o["pages"], o["of"]) for o in data["ocr"]] == [(2, 2)]
        html = render_summary(store, summary.document_ids, ["privacy"], {})
        assert "read by OCR (2 pages)" in html and "Documents read by OCR" in html


@needs_tesseract
@pytest.mark.slow
@pytest.mark.shared
def test_real_tender_scanned_at_200_dpi(shared_dir, tmp_path, checker):
    original_path = shared_dir / GSA_RFQ
    scan = tmp_path / "gsa-rfq-scanned.pdf"
    scan.write_bytes(scanned_pdf(original_path, 200))
    original, scanned = parse_file(original_path, checker.options), parse_file(scan, checker.options)
    figures = compare_checks(original, scanned, checker.check_parsed(original), checker.check_parsed(scanned),
                             page_texts(original_path))
    print(f"\nGSA RFQ at 200 dpi: recall {figures['recall']:.3f}, confidence {scanned.ocr_confidence:.3f}, "
          f"same status {figures['same']}/{figures['topics']} (differing: {figures['differing']}), "
          f"evidence {len(figures['evidence'])}, misplaced {len(figures['misplaced'])}")
    assert scanned.ocr_pages == list(range(1, original.pages + 1))
    assert figures["recall"] >= 0.95
    assert figures["same"] >= 25, f"statuses differ on {figures['differing']}"
    assert not figures["misplaced"], figures["misplaced"]


# -- without Tesseract ----------------------------------------------------------------------------


@pytest.fixture
def no_tesseract(monkeypatch):
    reason = f"tesserocr is not installed; {ocr_module.INSTALL_HINT}"
    monkeypatch.setattr(ocr_module, "unavailable_reason", lambda: reason)
    return reason


def test_auto_without_tesseract_gives_the_no_text_layer_error_with_the_install_hint(tmp_path, no_tesseract):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(EXAMPLE, 100, [1]))
    with pytest.raises(TenderlintError) as caught:
        parse(path)
    assert caught.value.code == "no-text-layer"
    assert "looks scanned" in caught.value.message and INSTALL_WORDS in caught.value.message


def test_always_without_tesseract_exits_2_with_ocr_unavailable(tmp_path, no_tesseract):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(EXAMPLE, 100, [1]))
    runner = CliRunner()
    for command in (["check", str(path), "--no-model"], ["extract", str(path)],
                    ["audit", str(path), "--db", str(tmp_path / "a.sqlite")], ["compare", str(path), str(path)]):
        result = runner.invoke(main, command + ["--ocr", "always"])
        assert result.exit_code == 2, command
        assert result.stderr.startswith("error[ocr-unavailable]: ") and INSTALL_WORDS in result.stderr
    with pytest.raises(TenderlintError) as caught:
        parse(path, ocr="always")
    assert caught.value.code == "ocr-unavailable"


def test_mixed_pdf_without_tesseract_is_read_with_a_warning(tmp_path, no_tesseract):
    path = tmp_path / "mixed.pdf"
    path.write_bytes(mixed_pdf(EXAMPLE, scanned_page=2, dpi=100, pages=[1, 2, 3]))
    document = parse(path)
    assert document.ocr_pages == [] and document.pages == 3
    assert any("1 of 3 pages have no usable text layer and were not read (pages 2)" in w and INSTALL_WORDS in w
               for w in document.warnings)


def test_unknown_ocr_mode_is_a_usage_error(tmp_path):
    with pytest.raises(TenderlintError) as caught:
        parse(EXAMPLE, ocr="sometimes")
    assert caught.value.code == "usage"
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), "--ocr", "sometimes"])
    assert result.exit_code == 2


def test_text_pdf_check_never_loads_ocr():
    """The whole check of a PDF with a text layer (parse, rules, model, report) never imports the OCR
    reader or Tesseract's binding."""
    code = ("import sys; from tenderlint.check import Checker, CheckOptions; "
            "r = Checker(CheckOptions()).check_file(sys.argv[1]); "
            "print(r.error, r.ocr_pages, len(r.topics), "
            "sorted(m for m in sys.modules if 'tesser' in m or m.endswith('.ocr')))")
    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None [] 27 []"


def test_store_of_schema_version_1_is_migrated_in_place(tmp_path):
    from tenderlint.store import SCHEMA, SCHEMA_VERSION, ResultStore

    path = tmp_path / "old.sqlite"
    old_schema = SCHEMA.replace(",\n    ocr_pages TEXT,", "").replace(
        "    ocr_confidence REAL                  -- mean OCR word confidence, 0..1\n", "")
    assert "ocr_" not in old_schema.split("seconds REAL")[1].split(");")[0]
    db = sqlite3.connect(path)
    db.executescript(old_schema)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    db.execute("INSERT INTO documents (key, path, tool_version, rules_version, model_version, pages) "
               "VALUES ('k', 'old.pdf', '0.1', 'r', 'm', 4)")
    db.commit()
    db.close()
    with ResultStore(path) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        row = store.db.execute("SELECT path, pages, ocr_pages, ocr_confidence FROM documents").fetchone()
        assert tuple(row) == ("old.pdf", 4, None, None)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.commit()
    db.close()
    with pytest.raises(TenderlintError) as caught:
        ResultStore(path)
    assert caught.value.code == "usage" and "newer tenderlint" in caught.value.message
