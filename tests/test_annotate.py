"""``tenderlint annotate`` and ``compare --annotate-contract``: the findings land in a copy of the
reviewer's own DOCX (Word comments) or PDF (highlights with notes), and nothing else changes:
same paragraphs, text and styles; same page content and ``pdftotext`` output. The annotated DOCX
opens in LibreOffice. Other formats are refused with one line and exit status 2."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from click.testing import CliRunner

from comparepairs import INTENDED, build_pair
from tenderlint.annotate import quote_key, words
from tenderlint.check import Checker, CheckOptions
from tenderlint.cli import main
from tenderlint.parsers.docx import _collect_text

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return build_pair(tmp_path_factory.mktemp("pair"))


@pytest.fixture(scope="module")
def checker():
    return Checker(CheckOptions())


# -- reading the outputs -------------------------------------------------------------------------

def body_paragraphs(path: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """Every body paragraph (tables included): (text, style id, ids of the comments starting and
    ending in it)."""
    document = docx.Document(str(path))
    found = []
    for p in document.element.body.iter(f"{W}p"):
        parts: list[str] = []
        _collect_text(p, parts)
        style = p.find(f"{W}pPr/{W}pStyle")
        starts = [el.get(f"{W}id") for el in p.iter(f"{W}commentRangeStart")]
        ends = [el.get(f"{W}id") for el in p.iter(f"{W}commentRangeEnd")]
        found.append(("".join(parts), style.get(f"{W}val") if style is not None else "", starts, ends))
    return found


def anchored_text(paragraphs, comment_id: str) -> str:
    """The text of the paragraphs a comment spans, from its range start to its range end."""
    first = next(i for i, p in enumerate(paragraphs) if comment_id in p[2])
    last = next(i for i, p in enumerate(paragraphs) if comment_id in p[3])
    return " ".join(p[0] for p in paragraphs[first:last + 1])


def comments(path: Path) -> dict[str, str]:
    document = docx.Document(str(path))
    return {str(c.comment_id): c.text for c in document.comments}


def expected_findings(result) -> list[tuple[str, str]]:
    """(comment title, evidence quote) of every finding a check reports on a passage."""
    expected = [(f"Red flag ({f.severity}): {f.title}", f.evidence.quote) for f in result.red_flags]
    expected += [(f"Weak: {t.name} ({t.severity} severity)", t.evidence[0].quote)
                 for t in result.gaps if t.status == "weak" and t.evidence]
    return expected


def holds(paragraph_text: str, quote: str) -> bool:
    return f" {' '.join(quote_key(quote))} " in f" {' '.join(words(paragraph_text))} "


def assert_docx_annotated(original: Path, annotated: Path, findings: list[tuple[str, str]], summary_start: str):
    with zipfile.ZipFile(original) as before_zip, zipfile.ZipFile(annotated) as after_zip:
        assert set(after_zip.namelist()) == set(before_zip.namelist()) | {"word/comments.xml"}
        # Only the comments part, its registration and the comment marks in the body are new:
        # styles, numbering, headers, footers, settings, media are the original bytes.
        changed = {name for name in before_zip.namelist() if before_zip.read(name) != after_zip.read(name)}
        assert changed <= {"word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"}
    before, after = body_paragraphs(original), body_paragraphs(annotated)
    assert [(p[0], p[1]) for p in after] == [(p[0], p[1]) for p in before]
    texts = comments(annotated)
    assert len(texts) == len(findings) + 1, "one comment per finding and the summary"
    first_with_text = next(p for p in after if p[0].strip())
    summary_ids = [i for i in first_with_text[2] if texts[i].startswith(summary_start)]
    assert len(summary_ids) == 1, "the summary comment is on the first paragraph"
    for title, quote in findings:
        ids = [i for i, text in texts.items() if text.startswith(title) and holds(anchored_text(after, i), quote)]
        assert ids, f"no comment {title!r} on the paragraph holding {quote!r}"


def pdf_annotations(path: Path) -> list[tuple[int, str, str, list[float]]]:
    """(page number, subtype, contents, boxes) of every annotation; the boxes of a highlight are its
    quadrilaterals (one per line of the quote), else the annotation's rectangle."""
    found = []
    for number, page in enumerate(pypdf.PdfReader(str(path)).pages, start=1):
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            boxes = [[float(v) for v in annotation["/Rect"]]]
            if "/QuadPoints" in annotation:
                points = [float(v) for v in annotation["/QuadPoints"]]
                quads = [points[i:i + 8] for i in range(0, len(points), 8)]
                boxes = [[q[0], q[5], q[2], q[1]] for q in quads]
            found.append((number, annotation["/Subtype"], str(annotation.get("/Contents", "")), boxes))
    return found


def text_in_boxes(path: Path, page_number: int, boxes: list[list[float]]) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        textpage = pdf[page_number - 1].get_textpage()
        return " ".join(textpage.get_text_bounded(left - 1, bottom - 1, right + 1, top + 1)
                        for left, bottom, right, top in boxes)
    finally:
        pdf.close()


def assert_pdf_annotated(original: Path, annotated: Path, findings: list[tuple[str, str, int]], summary_start: str):
    notes = pdf_annotations(annotated)
    assert not pdf_annotations(original)
    highlights = [n for n in notes if n[1] == "/Highlight"]
    assert len(highlights) == len(findings)
    for title, quote, page in findings:
        matching = [n for n in highlights if n[2].startswith(title) and n[0] == page
                    and quote_key(quote)[:6] == words(text_in_boxes(annotated, page, n[3]))[:6]]
        assert matching, f"no highlight {title!r} over {quote!r} on page {page}"
    summaries = [n for n in notes if n[1] == "/Text"]
    assert len(summaries) == 1 and summaries[0][0] == 1 and summaries[0][2].startswith(summary_start)
    reader_in, reader_out = pypdf.PdfReader(str(original)), pypdf.PdfReader(str(annotated))
    assert [p.get_contents().get_data() for p in reader_in.pages] == [p.get_contents().get_data() for p in reader_out.pages]
    if shutil.which("pdftotext"):
        text_in = subprocess.run(["pdftotext", str(original), "-"], capture_output=True, check=True).stdout
        text_out = subprocess.run(["pdftotext", str(annotated), "-"], capture_output=True, check=True).stdout
        assert text_in == text_out and text_in.strip()


# -- annotate ------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["pair-contract", "example-rfp"])
def test_annotate_docx_comments_each_finding_on_its_paragraph(pair, checker, tmp_path, source):
    original = pair["contract"]["docx"] if source == "pair-contract" else EXAMPLES / "draft-rfp-ai-assistant.docx"
    out = tmp_path / "annotated.docx"
    result = run("annotate", original, "-o", out)
    assert result.exit_code == 0, result.output
    check = checker.check_file(original)
    findings = expected_findings(check)
    assert findings, "the document has findings to write"
    missing = [t for t in check.gaps if t.status == "missing"]
    assert_docx_annotated(original, out, findings, f"tenderlint: {len(missing)} topic(s) missing")
    summary = next(text for text in comments(out).values() if text.startswith("tenderlint:"))
    for topic in missing:
        assert f"{topic.name} ({topic.id}, {topic.severity}): Ask: {topic.questions[0]}" in summary


@pytest.mark.parametrize("source", ["pair-contract", "example-rfp"])
def test_annotate_pdf_highlights_each_finding_on_its_page(pair, checker, tmp_path, source):
    original = pair["contract"]["pdf"] if source == "pair-contract" else EXAMPLES / "draft-rfp-ai-assistant.pdf"
    out = tmp_path / "annotated.pdf"
    result = run("annotate", original, "-o", out)
    assert result.exit_code == 0, result.output
    check = checker.check_file(original)
    findings = [(title, quote, page) for (title, quote), page in
                zip(expected_findings(check), [f.evidence.page for f in check.red_flags] +
                    [t.evidence[0].page for t in check.gaps if t.status == "weak" and t.evidence])]
    assert findings and all(page for _, _, page in findings)
    missing = [t for t in check.gaps if t.status == "missing"]
    assert_pdf_annotated(original, out, findings, f"tenderlint: {len(missing)} topic(s) missing")


@pytest.mark.parametrize("suffix", [".md", ".html", ".txt"])
def test_annotate_refuses_other_formats_with_one_line(tmp_path, suffix):
    source = tmp_path / f"terms{suffix}"
    source.write_text("<html><body><p>The Supplier shall keep audit logs.</p></body></html>" if suffix == ".html"
                      else "The Supplier shall keep audit logs of every decision.\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    result = run("annotate", source, "-o", out)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"error[unsupported-format]: {source}: ")
    assert "DOCX and PDF" in line and not out.exists()


def test_annotate_reports_unreadable_input_and_will_not_overwrite(tmp_path, pair):
    missing = tmp_path / "missing.docx"
    result = run("annotate", missing, "-o", tmp_path / "out.docx")
    assert result.exit_code == 2 and result.stderr.startswith(f"error[not-found]: {missing}: ")
    original = pair["contract"]["docx"]
    result = run("annotate", original, "-o", original)
    assert result.exit_code == 2 and result.stderr.startswith("error[usage]: ")


# -- compare --annotate-contract -----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_compare_marks_up_the_contract_with_what_was_dropped_weakened_or_against(pair, tmp_path, fmt):
    contract = pair["contract"][fmt]
    out = tmp_path / f"marked.{fmt}"
    result = run("compare", pair["solicitation"]["md"], contract, "--annotate-contract", out, "--format", "json")
    assert result.exit_code == 1, result.output
    findings = [("Against the buyer (high): Supplier may use the buyer's data to train or improve its models or services",
                 "Supplier may use Customer data to train and improve its models and services.", 1),
                ("Weakened: Logging, traceability and audit rights (medium severity)",
                 "The service keeps logs for its own operation.", 1)]
    summary_start = "tenderlint compare: 4 topic(s) dropped, 1 weakened, 1 against the buyer"
    if fmt == "docx":
        assert_docx_annotated(contract, out, [(t, q) for t, q, _ in findings], summary_start)
        summary = next(text for text in comments(out).values() if text.startswith(summary_start))
    else:
        assert_pdf_annotated(contract, out, findings, summary_start)
        summary = next(n[2] for n in pdf_annotations(out) if n[1] == "/Text")
    for name in ("Exit and transition", "Testing, acceptance and pilots", "Interoperability and lock-in avoidance",
                 "Decommissioning and data deletion"):
        assert f"- Dropped: {name}" in summary
    assert "The solicitation requires: \u201cThe Contractor shall complete acceptance testing" in summary
    assert "Evaluation" not in summary, "solicitation-only topics are not reported as dropped"
    assert len(INTENDED["dropped"]) == 4


def test_compare_annotates_each_of_several_contracts_into_a_folder(pair, tmp_path):
    folder = tmp_path / "marked"
    result = run("compare", pair["solicitation"]["md"], pair["contract"]["docx"], pair["exit-schedule"]["pdf"],
                 "--annotate-contract", folder)
    assert result.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == ["contract.annotated.docx", "exit-schedule.annotated.pdf"]
    # The red flag is in the contract, so the schedule's copy gets only the summary.
    assert [n[1] for n in pdf_annotations(folder / "exit-schedule.annotated.pdf")] == ["/Text"]


def test_compare_cannot_annotate_a_markdown_contract_but_still_reports(pair, tmp_path):
    out = tmp_path / "marked.md"
    result = run("compare", pair["solicitation"]["md"], pair["contract"]["md"], "--annotate-contract", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error[unsupported-format]: {pair['contract']['md']}: cannot annotate")
    assert "✗ dropped" in result.stdout and not out.exists()


# -- validity and real documents ------------------------------------------------------------------

@pytest.mark.slow
def test_the_annotated_docx_opens_in_libreoffice(pair, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    annotated = tmp_path / "annotated.docx"
    assert run("annotate", pair["contract"]["docx"], "-o", annotated).exit_code == 0
    profile = tmp_path / "lo-profile"
    for target in ("pdf", "odt"):
        done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                               target, "--outdir", str(tmp_path / target), str(annotated)], capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0 and (tmp_path / target / f"annotated.{target}").is_file(), done.stdout + done.stderr
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(tmp_path / "pdf" / "annotated.pdf")).pages)
    assert "The service keeps logs for its own operation." in " ".join(text.split())
    # LibreOffice read every Word comment: each is an office:annotation in the OpenDocument copy.
    with zipfile.ZipFile(tmp_path / "odt" / "annotated.odt") as archive:
        content = archive.read("content.xml").decode("utf-8")
    assert content.count("<office:annotation ") + content.count("<office:annotation>") == len(comments(annotated))
    assert "Red flag (high): Supplier may use the buyer" in content


@pytest.mark.shared
@pytest.mark.slow
def test_real_documents_keep_their_text(shared_dir, tmp_path, checker):
    pws = shared_dir / "documents" / "tenders" / "gsa-smartpay-pws.docx"
    out = tmp_path / "pws.docx"
    assert run("annotate", pws, "-o", out).exit_code == 0
    assert_docx_annotated(pws, out, expected_findings(checker.check_file(pws)), "tenderlint:")
    exit_schedule = shared_dir / "documents" / "ai-dev" / "uk-ccs-call-off-schedule-10-exit-management.pdf"
    out = tmp_path / "exit.pdf"
    assert run("annotate", exit_schedule, "-o", out).exit_code == 0
    if shutil.which("pdftotext"):
        texts = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, check=True).stdout
                 for p in (exit_schedule, out)]
        assert texts[0] == texts[1]
    notes = pdf_annotations(out)
    assert [n for n in notes if n[1] == "/Text" and n[0] == 1]
