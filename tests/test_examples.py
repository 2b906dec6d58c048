"""Tests for the bundled example documents in examples/: their files, their ground truth, their build.

The committed DOCX and PDF files must open cleanly, carry real structure (heading styles, lists,
tables, running header and page numbers), read back as the words we wrote, and match what
examples/build.py makes from examples/src/. The ground-truth tables in examples/README.md must
cover every taxonomy topic, and the deliberate gaps in the draft RFP must stay gaps.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import docx
import pypdf
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
RFP = "draft-rfp-ai-assistant"
VENDOR = "vendor-contract-ai-saas"
STATUSES = {"covered", "weak", "missing"}


def _load_module(name: str):
    spec = importlib.util.spec_from_file_location(f"tenderlint_examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return _load_module("build")


@pytest.fixture(scope="module")
def pdfwriter(build):  # build.py puts examples/ on sys.path, so this is the module it uses
    return sys.modules["pdfwriter"]


@pytest.fixture(scope="module")
def rebuilt(build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    build.build(out)
    return out


@pytest.fixture(scope="module")
def rfp_source(build):
    return build.parse_source(EXAMPLES / "src" / f"{RFP}.md")


@pytest.fixture(scope="module")
def vendor_source(build):
    return build.parse_source(EXAMPLES / "src" / f"{VENDOR}.md")


# -- helpers ---------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def _expected_pdf_text(source) -> str:
    """What a stream-order text extractor should read from the PDF body, page furniture removed."""
    parts: list[str] = []
    for block in source.blocks:
        if block.kind == "numbered":
            parts += [f"{n}. {item}" for n, item in enumerate(block.items, start=1)]
        elif block.kind == "bulleted":
            parts += [f"\u2022 {item}" for item in block.items]
        elif block.kind == "table":
            parts += [cell for row in block.rows for cell in row]
        else:
            parts.append(block.text)
    return _squash(" ".join(parts))


def _without_furniture(page_texts: list[str], source) -> str:
    """Join extracted page texts, dropping the running header, footer and page numbers.

    Extractors differ on whether the footer and the page number, which share a baseline,
    come out as one line or two, so they are removed as text rather than as lines.
    """
    text = _squash(" ".join(page_texts))
    for furniture in (source.meta["header"], source.meta["footer"]):
        text = text.replace(furniture, " ")
    return _squash(re.sub(r"Page \d+ of \d+", " ", text))


def _pypdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path, strict=True).pages]


def _docx_texts(path: Path) -> list[str]:
    """Every piece of text in a DOCX, in order: body paragraphs, table cells, header, footer."""
    document = docx.Document(path)
    texts = [f"{p.style.name}: {p.text}" for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    section = document.sections[0]
    texts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return texts


def _ground_truth(heading: str) -> dict[str, dict[str, str]]:
    """One ground-truth table of examples/README.md, by topic id."""
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"### {heading}")
    end = readme.find("\n### ", start + 1)
    rows: dict[str, dict[str, str]] = {}
    for line in readme[start : end if end != -1 else None].splitlines():
        match = re.match(r"^\| `([a-z-]+)` \| (\w+) \| ([^|]+) \| ([^|]+) \|", line)
        if match:
            topic, status, flag, where = (g.strip() for g in match.groups())
            assert topic not in rows, f"{topic} listed twice under {heading!r}"
            rows[topic] = {"status": status, "red_flag": flag, "where": where}
    return rows


def _red_flags() -> dict[str, dict[str, str]]:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Vendor terms: red flags written in")
    flags = {}
    for line in readme[start:].splitlines():
        match = re.match(r"^\| (RF\d+) \| `([a-z-]+)` \| ([^|]+) \|", line)
        if match:
            flags[match.group(1)] = {"topic": match.group(2), "where": match.group(3).strip()}
    return flags


def _topic_ids() -> list[str]:
    for path in (REPO / "rules" / "taxonomy.yaml", REPO.parent / "shared" / "taxonomy.yaml"):
        if path.is_file():
            return [topic["id"] for topic in yaml.safe_load(path.read_text(encoding="utf-8"))["topics"]]
    pytest.skip("no taxonomy.yaml found (neither rules/ nor ../shared/)")


def _section_numbers(source) -> set[str]:
    """Numbers that a ground-truth "Where" may cite: numbered headings and numbered clauses."""
    numbers = set()
    for block in source.blocks:
        if block.kind in ("h1", "h2", "paragraph"):
            match = re.match(r"^(\d+(?:\.\d+)*)\s", block.text)
            if match and (block.kind != "paragraph" or "." in match.group(1)):
                numbers.add(match.group(1))
    return numbers


def _text_by_section(source) -> list[tuple[str, str]]:
    """(section number, text) for every block, numbered by the nearest heading above it."""
    section = ""
    located = []
    for block in source.blocks:
        if block.kind in ("h1", "h2"):
            section = block.text.split()[0]
        text = " ".join([block.text, *block.items, *(c for row in block.rows for c in row)])
        located.append((section, text))
    return located


# -- the committed files ---------------------------------------------------------------------


def test_examples_outputs_exist_and_are_nonempty(build):
    for name, formats in build.OUTPUTS.items():
        for fmt in formats:
            path = EXAMPLES / f"{name}.{fmt}"
            assert path.is_file(), f"{path.name} is missing: run examples/build.py"
            assert path.stat().st_size > 5_000


def test_rfp_docx_has_real_structure():
    document = docx.Document(EXAMPLES / f"{RFP}.docx")
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("Title") == 1
    assert styles.count("Heading 1") >= 9
    assert styles.count("Heading 2") >= 30
    assert styles.count("List Number") >= 10 and styles.count("List Bullet") >= 10
    assert len(document.tables) == 2
    criteria = document.tables[1]
    assert [c.text for c in criteria.rows[0].cells] == ["No.", "Criterion", "What the panel looks for", "Weight"]
    assert sum(int(row.cells[3].text) for row in criteria.rows[1:]) == 100
    section = document.sections[0]
    assert "City of Port Alder" in section.header.paragraphs[0].text
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    headings = {p.text for p in document.paragraphs if p.style.name == "Heading 1"}
    assert {"1 Introduction and background", "7 Evaluation criteria", "9 Submission logistics"} <= headings


def test_rfp_docx_numbered_lists_restart_at_one():
    document = docx.Document(EXAMPLES / f"{RFP}.docx")
    list_ids = []
    previous_was_item = False
    for paragraph in document.paragraphs:
        is_item = paragraph.style.name == "List Number"
        if is_item:
            num_id = paragraph._p.pPr.numPr.numId.val
            if not previous_was_item:
                list_ids.append(num_id)
            else:
                assert num_id == list_ids[-1], "items of one list must share a numbering instance"
        previous_was_item = is_item
    assert len(list_ids) >= 4 and len(set(list_ids)) == len(list_ids)
    numbering = document.part.numbering_part.element
    for num_id in list_ids:
        start = numbering.num_having_numId(num_id).xpath("./w:lvlOverride/w:startOverride/@w:val")
        assert start == ["1"]


def test_example_docx_core_properties_are_fixed(build):
    for name in (RFP, VENDOR):
        props = docx.Document(EXAMPLES / f"{name}.docx").core_properties
        assert props.created == build.FIXED_TIMESTAMP and props.modified == build.FIXED_TIMESTAMP
        assert props.title and "fictional" in props.author


def test_rfp_pdf_opens_strictly_without_warnings(caplog):
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        reader = pypdf.PdfReader(EXAMPLES / f"{RFP}.pdf", strict=True)
        assert 6 <= len(reader.pages) <= 10
        for page in reader.pages:
            page.extract_text()
        assert reader.metadata.title.startswith("Request for Proposals DS-25-031")
    assert not caught, [str(w.message) for w in caught]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_rfp_pdf_has_running_header_and_page_numbers(rfp_source):
    pages = _pypdf_pages(EXAMPLES / f"{RFP}.pdf")
    for number, text in enumerate(pages, start=1):
        assert rfp_source.meta["header"] in text
        assert f"Page {number} of {len(pages)}" in text


def test_rfp_pdf_text_contains_every_section_heading(rfp_source):
    text = _squash(" ".join(_pypdf_pages(EXAMPLES / f"{RFP}.pdf")))
    headings = [b.text for b in rfp_source.blocks if b.kind in ("title", "h1", "h2")]
    assert len(headings) > 40
    for heading in headings:
        assert heading in text


def test_rfp_pdf_text_layer_reads_back_as_written_with_pypdf(rfp_source):
    extracted = _without_furniture(_pypdf_pages(EXAMPLES / f"{RFP}.pdf"), rfp_source)
    assert extracted == _expected_pdf_text(rfp_source)


def test_rfp_pdf_text_layer_reads_back_as_written_with_pypdfium2(rfp_source):
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(EXAMPLES / f"{RFP}.pdf"))
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    assert _without_furniture(pages, rfp_source) == _expected_pdf_text(rfp_source)


def test_rfp_pdf_text_layer_reads_back_as_written_with_pdftotext(rfp_source):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    # -raw keeps content-stream order, the order the writer drew table cells in.
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(EXAMPLES / f"{RFP}.pdf"), "-"],
        capture_output=True, text=True, check=True,
    )
    assert done.stderr == ""
    assert _without_furniture(done.stdout.split("\f"), rfp_source) == _expected_pdf_text(rfp_source)


def test_vendor_markdown_is_the_source_without_front_matter(vendor_source):
    shipped = (EXAMPLES / f"{VENDOR}.md").read_text(encoding="utf-8")
    assert shipped == vendor_source.body
    assert shipped.startswith("# Quillmark Assist Master Subscription Agreement")


def test_vendor_docx_has_headings_and_all_clauses(vendor_source):
    document = docx.Document(EXAMPLES / f"{VENDOR}.docx")
    heading_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heading_1 == [b.text for b in vendor_source.blocks if b.kind == "h1"]
    body = {p.text for p in document.paragraphs}
    for clause in ("3.3 Service improvement.", "8.3 Effect of termination.", "12.2 Terms of this Agreement."):
        assert any(text.startswith(clause) for text in body)


# -- rebuilding ------------------------------------------------------------------------------


def test_rebuild_gives_the_committed_outputs(build, rebuilt):
    for name, formats in build.OUTPUTS.items():
        for fmt in formats:
            committed, fresh = EXAMPLES / f"{name}.{fmt}", rebuilt / f"{name}.{fmt}"
            if fmt == "docx":
                assert _docx_texts(fresh) == _docx_texts(committed), f"{committed.name} is stale: rebuild"
            else:
                # The PDF writer and the Markdown copy use only our own code: compare bytes.
                assert fresh.read_bytes() == committed.read_bytes(), f"{committed.name} is stale: rebuild"
    fresh_pages = _pypdf_pages(rebuilt / f"{RFP}.pdf")
    assert fresh_pages == _pypdf_pages(EXAMPLES / f"{RFP}.pdf")


def test_build_is_byte_reproducible(build, rebuilt, tmp_path):
    build.build(tmp_path)
    for path in sorted(rebuilt.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_parse_source_rejects_uneven_table(build, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: T\n---\n\n# T\n\n| a | b |\n| --- | --- |\n| 1 |\n", encoding="utf-8")
    with pytest.raises(ValueError, match="different numbers of cells"):
        build.parse_source(bad)


# -- the PDF writer --------------------------------------------------------------------------


def _afm_widths(name: str) -> dict[str, int]:
    matplotlib = pytest.importorskip("matplotlib")
    path = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts" / f"{name}.afm"
    if not path.is_file():
        pytest.skip(f"matplotlib ships no {path.name}")
    widths = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        match = re.match(r"C -?\d+ ; WX (\d+) ; N (\S+) ;", line)
        if match:
            widths[match.group(2)] = int(match.group(1))
    return widths


# Glyph names of the WinAnsi codes that differ from their ASCII character's name in Adobe's list.
_GLYPHS = {
    " ": "space", "!": "exclam", '"': "quotedbl", "#": "numbersign", "$": "dollar", "%": "percent",
    "&": "ampersand", "'": "quotesingle", "(": "parenleft", ")": "parenright", "*": "asterisk",
    "+": "plus", ",": "comma", "-": "hyphen", ".": "period", "/": "slash", ":": "colon",
    ";": "semicolon", "<": "less", "=": "equal", ">": "greater", "?": "question", "@": "at",
    "[": "bracketleft", "\\": "backslash", "]": "bracketright", "^": "asciicircum",
    "_": "underscore", "`": "grave", "{": "braceleft", "|": "bar", "}": "braceright",
    "~": "asciitilde", "\u2013": "endash", "\u2014": "emdash", "\u2018": "quoteleft",
    "\u2019": "quoteright", "\u201c": "quotedblleft", "\u201d": "quotedblright",
    "\u2022": "bullet", "\u00a7": "section", "\u20ac": "Euro", "\u2026": "ellipsis",
}
_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@pytest.mark.parametrize("font, afm", [("F1", "Helvetica"), ("F2", "Helvetica-Bold")])
def test_pdfwriter_widths_match_adobe_metrics(pdfwriter, font, afm):
    metrics = _afm_widths(afm)
    characters = [chr(c) for c in range(32, 127)] + [c for c in _GLYPHS if ord(c) > 126]
    for char in characters:
        glyph = _GLYPHS.get(char) or (_DIGITS[int(char)] if char.isdigit() else char)
        assert pdfwriter.char_width(char, font) == metrics[glyph], f"{char!r} in {afm}"


def test_pdfwriter_wrap_never_exceeds_the_width(pdfwriter, rfp_source):
    for block in rfp_source.blocks:
        for text in [block.text, *block.items]:
            for line in pdfwriter.wrap(text, "F1", 10.0, 300.0):
                assert pdfwriter.text_width(line, "F1", 10.0) <= 300.0
            assert " ".join(pdfwriter.wrap(text, "F1", 10.0, 300.0)) == _squash(text)


def test_pdfwriter_escapes_strings_and_refuses_characters_outside_winansi(pdfwriter):
    assert pdfwriter._pdf_string("a(b)\\c \u2022") == b"(a\\(b\\)\\\\c \\225)"
    with pytest.raises(ValueError, match="WinAnsi"):
        pdfwriter._pdf_string("\u2265 90 percent")


# -- the ground truth ------------------------------------------------------------------------


@pytest.mark.parametrize("heading", ["Draft RFP: intended status per topic", "Vendor terms: intended status per topic"])
def test_ground_truth_lists_every_topic_once(heading):
    truth = _ground_truth(heading)
    assert set(truth) == set(_topic_ids())
    assert {row["status"] for row in truth.values()} <= STATUSES


def test_ground_truth_for_the_rfp_has_the_intended_mix():
    truth = _ground_truth("Draft RFP: intended status per topic")
    counts = {status: sum(r["status"] == status for r in truth.values()) for status in STATUSES}
    assert 12 <= counts["covered"] <= 15 and 4 <= counts["weak"] <= 6
    assert truth["exit-transition"]["status"] == "weak"  # negated provision, not coverage
    assert all(row["red_flag"] == "-" for row in truth.values())


def test_ground_truth_cites_sections_that_exist(rfp_source, vendor_source):
    for heading, source in (("Draft RFP: intended status per topic", rfp_source),
                            ("Vendor terms: intended status per topic", vendor_source)):
        numbers = _section_numbers(source)
        for topic, row in _ground_truth(heading).items():
            cited = [] if row["where"] == "-" else [n.strip() for n in row["where"].split(";")]
            assert bool(cited) == (row["status"] != "missing"), f"{topic}: where vs status"
            for number in cited:
                assert number in numbers, f"{topic} cites {number}, which {source.name} lacks"


def test_ground_truth_red_flags_match_the_topic_table(vendor_source):
    truth = _ground_truth("Vendor terms: intended status per topic")
    flags = _red_flags()
    assert len(flags) >= 7
    numbers = _section_numbers(vendor_source)
    for flag_id, flag in flags.items():
        assert flag_id in truth[flag["topic"]]["red_flag"]
        assert truth[flag["topic"]]["status"] == "covered"
        assert all(n.strip() in numbers for n in flag["where"].split(";"))
    listed = {f for row in truth.values() for f in re.findall(r"RF\d+", row["red_flag"])}
    assert listed == set(flags)


# Words that would mean the draft RFP says something about a topic we left out on purpose.
_MISSING_CUES = {
    "data-quality": r"training data|data quality|provenance|representativeness",
    "audit-logging": r"\blogs?\b|logging|audit|traceab|\brecords?\b",
    "monitoring-incidents": r"monitor|incident|breach|outage",
    "ip-licensing": r"intellectual property|licen[cs]|copyright|proprietary",
    "decommissioning": r"decommission|delet|destr|dispos",
    "sustainability": r"energy|carbon|emission|environment|sustainab",
    "contract-transparency": r"public records|freedom of information|\bFOIA\b|publish (the|this) (contract|agreement)",
    "supply-chain": r"subcontract|sub-processor|subprocessor|third[- ]part|foundation model",
}
# Words of the topics we only mention, and the one section each may appear in.
_WEAK_CUES = {
    "bias-fairness": (r"\bfair|\bbias", "1.4"),
    "risk-management": (r"\brisks?\b", "4.5"),
    "liability": (r"liabilit|indemn|insur", "5.4"),
    "exit-transition": (r"transition|hand over", "5.5"),
    "interoperability": (r"interoperab|integrat|\bAPIs?\b|\bdata formats?\b", "5.6"),
}


def test_rfp_gaps_stay_gaps(rfp_source):
    truth = _ground_truth("Draft RFP: intended status per topic")
    located = _text_by_section(rfp_source)
    for topic, pattern in _MISSING_CUES.items():
        assert truth[topic]["status"] == "missing"
        hits = [(s, t) for s, t in located if re.search(pattern, t, re.IGNORECASE)]
        assert not hits, f"{topic} was meant to be missing: {hits}"
    for topic, (pattern, section) in _WEAK_CUES.items():
        assert truth[topic]["status"] == "weak"
        places = {s for s, t in located if re.search(pattern, t, re.IGNORECASE)}
        assert places == {section}, f"{topic} should be mentioned only in {section}, found in {places}"
