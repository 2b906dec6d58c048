"""Parser behaviour per format on small documents generated at test time."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdfgen import write_pdf
from tenderlint.language import guess_language, language_warning
from tenderlint.parsers import detect_format, parse
from tenderlint.parsers.headings import guess_heading
from tenderlint.parsers.text import clean_line

# Our own sample wording, written for these tests.
CLAUSE_LINES = [
    "The supplier shall protect personal data and report",
    "every breach within 24 hours. The supplier must keep logs of model",
    "changes for audit purposes.",
]


def _tender_pages() -> list[list]:
    pages = []
    for number, topic in enumerate(["Scope of work", "Data and privacy", "Contract terms", "Evaluation"], start=1):
        pages.append([
            (f"{number} {topic}", 16),
            "",
            f"{number}.1 Requirements for part {number}",
            *CLAUSE_LINES,
            "",
            f"- The buyer may audit item {number}.",
            f"- The buyer owns output {number}.",
        ])
    return pages


@pytest.fixture
def tender_pdf(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "tender.pdf", _tender_pages(), header="Agency tender 2025 draft", footer="Buyer Agency", page_numbers=True)


@pytest.mark.parametrize("backend", ["auto", "pdfium", "pypdf"])
def test_pdf_pages_headings_and_paragraphs(tender_pdf: Path, backend: str):
    doc = parse(tender_pdf, pdf_backend=backend)
    assert doc.format == "pdf" and doc.pages == 4
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    # Wrapped lines are rebuilt into one paragraph per page.
    assert any(b.text.startswith("The supplier shall protect") and b.text.endswith("audit purposes.") for b in paragraphs)
    assert [b.page for b in paragraphs] == [1, 2, 3, 4]
    headings = [b.text for b in doc.headings]
    assert "3.1 Requirements for part 3" in headings
    clause = next(b for b in paragraphs if b.page == 3)
    assert clause.section[-1] == "3.1 Requirements for part 3"


def test_pdf_running_header_footer_and_page_numbers_are_stripped(tender_pdf: Path):
    doc = parse(tender_pdf)
    furniture = [b for b in doc.blocks if b.kind == "header_footer"]
    assert [b.text for b in furniture].count("Agency tender 2025 draft") == 1
    body = " ".join(b.text for b in doc.blocks if b.kind != "header_footer")
    assert "Page 2 of 4" not in body and "Agency tender" not in body


def test_pdf_section_trail_nests_numbered_headings(tender_pdf: Path):
    doc = parse(tender_pdf)
    sub = next(b for b in doc.headings if b.text.startswith("2.1"))
    assert sub.level == 2 and sub.section == ["2 Data and privacy"]
    item = next(b for b in doc.blocks if b.kind == "list_item" and b.page == 2)
    assert item.section == ["2 Data and privacy", "2.1 Requirements for part 2"]
    assert item.text == "The buyer may audit item 2."


def test_pdf_hyphenation_and_toc_lines(tmp_path: Path):
    pages = [
        ["Contents", "1 Introduction ........................ 2", "2 Obligations ........................ 3"],
        ["1 Introduction", "", "The contractor shall provide docu-", "mentation for every model release.", "", "2 Obligations", "",
         "The contractor shall notify the buyer."],
    ]
    path = write_pdf(tmp_path / "toc.pdf", pages)
    doc = parse(path)
    assert any("documentation for every model release." in b.text for b in doc.blocks)
    toc_entries = [b for b in doc.blocks if b.page == 1 and "Introduction" in b.text]
    assert toc_entries and all(b.kind == "paragraph" for b in toc_entries)
    assert [b.text for b in doc.headings if b.page == 2] == ["1 Introduction", "2 Obligations"]


def test_pdf_blocks_have_offsets_into_text(tender_pdf: Path):
    doc = parse(tender_pdf)
    for block in doc.blocks:
        assert doc.text[block.start:block.end] == block.text


def _make_docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Draft tender for an AI assistant"
    document.sections[0].header.paragraphs[0].text = "Agency X - draft tender"
    document.sections[0].footer.paragraphs[0].text = "Confidential until award"
    document.add_heading("5 Contract terms", level=1)
    document.add_heading("5.3 Data", level=2)
    document.add_paragraph("The supplier shall not use buyer data to train models.")
    document.add_paragraph("Deliver a model card.", style="List Number")
    document.add_paragraph("Deliver an impact assessment.", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Deliverable"
    table.cell(0, 1).text = "Due"
    table.cell(1, 0).text = "Model card"
    table.cell(1, 1).text = "Month 2"
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Merged heading cell"
    merged.cell(0, 2).text = "Last"
    document.add_heading("6 Evaluation", level=1)
    document.add_paragraph("Offers are scored on quality and price.")
    document.save(path)
    return path


def test_docx_headings_lists_tables_and_furniture(tmp_path: Path):
    doc = parse(_make_docx(tmp_path / "tender.docx"))
    assert doc.format == "docx" and doc.pages is None
    assert doc.title == "Draft tender for an AI assistant"
    assert [(b.text, b.level) for b in doc.headings] == [("5 Contract terms", 1), ("5.3 Data", 2), ("6 Evaluation", 1)]
    paragraph = next(b for b in doc.blocks if b.text.startswith("The supplier shall not"))
    assert paragraph.section == ["5 Contract terms", "5.3 Data"]
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items == ["Deliver a model card.", "Deliver an impact assessment."]
    cells = [(b.table, b.row, b.col, b.text) for b in doc.blocks if b.kind == "table_cell"]
    assert (0, 1, 1, "Month 2") in cells
    # A merged cell is read once, and the next cell keeps its grid column.
    assert [c for c in cells if c[0] == 1] == [(1, 0, 0, "Merged heading cell"), (1, 0, 2, "Last")]
    furniture = [b.text for b in doc.blocks if b.kind == "header_footer"]
    assert furniture == ["Agency X - draft tender", "Confidential until award"]
    # Body order: the table sits between the list and the next heading.
    kinds = [b.kind for b in doc.blocks]
    assert kinds.index("table_cell") < kinds.index("heading", kinds.index("list_item"))


def test_docx_without_heading_styles_infers_bold_headings(tmp_path: Path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for title, body in [("Scope of Work:", "The vendor shall host the service."), ("Acceptance Criteria", "Each deliverable is reviewed.")]:
        document.add_paragraph().add_run(title).bold = True
        document.add_paragraph(body)
    path = tmp_path / "plain.docx"
    document.save(path)
    doc = parse(path)
    assert [b.text for b in doc.headings] == ["Scope of Work:", "Acceptance Criteria"]
    assert next(b for b in doc.blocks if b.text.startswith("Each")).section == ["Acceptance Criteria"]


def test_html_drops_scripts_styles_nav_and_reads_blocks(tmp_path: Path):
    path = tmp_path / "page.txt"  # the name must not matter
    path.write_text(
        "<!DOCTYPE html><html><head><title>Tender page</title><style>p{color:red}</style></head><body>"
        "<nav>Home | About</nav><script>alert('x')</script><noscript>enable js</noscript>"
        "<h1>Tender</h1><h2>Data terms</h2><p>The supplier shall <b>delete</b> data on exit.</p>"
        "<ul><li>First item</li><li>Second item</li></ul>"
        "<table><tr><th>Lot</th><th>Value</th></tr><tr><td>1</td><td>High</td></tr></table>"
        "<div>Loose text in a div</div><template><p>hidden</p></template></body></html>",
        encoding="utf-8",
    )
    assert detect_format(path) == "html"
    doc = parse(path)
    texts = [b.text for b in doc.blocks]
    assert "The supplier shall delete data on exit." in texts
    assert not any(word in doc.text for word in ("alert", "color", "Home | About", "enable js", "hidden"))
    assert doc.title == "Tender page"
    assert [b.text for b in doc.blocks if b.kind == "list_item"] == ["First item", "Second item"]
    assert (0, 1, 1, "High") in [(b.table, b.row, b.col, b.text) for b in doc.blocks if b.kind == "table_cell"]
    assert next(b for b in doc.blocks if b.text.startswith("The supplier")).section == ["Tender", "Data terms"]
    assert "Loose text in a div" in texts


def test_html_contract_published_as_a_fill_in_form_keeps_its_clauses(tmp_path: Path):
    # A standard addendum put online as a form: the clauses sit inside <form>, with fields for the
    # parties' names. The clauses are the document; what a reader types into the fields is not.
    path = tmp_path / "addendum.html"
    path.write_text(
        "<html><body><form action='save.php' method='POST'>"
        "<h3>Addendum between the District and <input name='vendor' type='text'/></h3>"
        "<p>1. The Contractor shall delete all pupil records at the end of the Agreement.</p>"
        "<p>2. Signed by <input name='signer'/> on <textarea name='date'>typed date</textarea></p>"
        "<select name='choice'><option>Option A</option></select><button>Save</button>"
        "</form></body></html>",
        encoding="utf-8",
    )
    doc = parse(path)
    assert "1. The Contractor shall delete all pupil records at the end of the Agreement." in [b.text for b in doc.blocks]
    assert [b.text for b in doc.headings] == ["Addendum between the District and"]
    assert not any(word in doc.text for word in ("typed date", "Option A", "Save"))


def test_markdown_headings_lists_tables(tmp_path: Path):
    path = tmp_path / "tender.md"
    path.write_text(
        "---\ntitle: Sample tender\n---\n# Tender\n\nIntro with a [link](https://example.org) and **bold** text.\n\n"
        "Data terms\n----------\n\n- Keep logs\n- Report incidents\n  within a day\n\n"
        "| Item | Due |\n|---|---|\n| Model card | Month 2 |\n\n### Notes\n\n> [!NOTE]\n> Quoted note.\n",
        encoding="utf-8",
    )
    doc = parse(path)
    assert doc.format == "markdown" and doc.title == "Sample tender"
    assert [(b.text, b.level) for b in doc.headings] == [("Tender", 1), ("Data terms", 2), ("Notes", 3)]
    assert "Intro with a link and bold text." in [b.text for b in doc.blocks]
    assert [b.text for b in doc.blocks if b.kind == "list_item"] == ["Keep logs", "Report incidents within a day"]
    assert (0, 1, 0, "Model card") in [(b.table, b.row, b.col, b.text) for b in doc.blocks if b.kind == "table_cell"]
    assert doc.blocks[-1].text == "Quoted note." and doc.blocks[-1].section == ["Tender", "Data terms", "Notes"]


def test_plain_text_numbered_headings_and_encodings(tmp_path: Path):
    text = "1 Scope\n\nThe supplier delivers the caf\u00e9 system.\n\n1.1 Hosting\n\nHosting stays in the EU.\n"
    for encoding, prefix in [("utf-8-sig", b""), ("utf-16", b""), ("cp1252", b"")]:
        path = tmp_path / f"tender-{encoding}.txt"
        path.write_bytes(prefix + text.encode(encoding))
        doc = parse(path)
        assert doc.format == "text", encoding
        assert [b.text for b in doc.headings] == ["1 Scope", "1.1 Hosting"], encoding
        assert "caf\u00e9" in doc.text, encoding
        assert doc.blocks[-1].section == ["1 Scope", "1.1 Hosting"]


# Clauses we wrote, in the legacy code pages their languages were long saved in.
LEGACY_TEXTS = [
    ("iso-8859-2", "1 Ochrona danych\n\nWykonawca zapewni ochronę danych osobowych przez cały okres trwania umowy. "
                   "Zamawiający ma prawo do audytu systemu sztucznej inteligencji raz w roku.\n"),
    ("iso-8859-2", "1 Ochrana údajů\n\nDodavatel zajistí ochranu osobních údajů po celou dobu trvání smlouvy. "
                   "Zadavatel má právo jednou ročně přezkoumat systém umělé inteligence.\n"),
    ("cp1251", "1 Защита данных\n\nИсполнитель обязан обеспечить защиту персональных данных в течение всего срока "
               "действия договора. Заказчик вправе проверять систему искусственного интеллекта один раз в год.\n"),
    ("koi8-r", "1 Защита данных\n\nИсполнитель обязан обеспечить защиту персональных данных в течение всего срока "
               "действия договора. Заказчик вправе проверять систему искусственного интеллекта один раз в год.\n"),
    ("cp1252", "1 Données\n\nLe titulaire doit protéger les données personnelles pendant toute la durée du marché. "
               "L'acheteur a le droit de contrôler le système une fois par an.\n"),
]


@pytest.mark.parametrize(("encoding", "text"), LEGACY_TEXTS, ids=["polish-latin2", "czech-latin2", "russian-cp1251",
                                                                  "russian-koi8r", "french-cp1252"])
def test_plain_text_legacy_encodings_decode_right(tmp_path: Path, encoding: str, text: str):
    path = tmp_path / "clause.txt"
    path.write_bytes(text.encode(encoding))
    doc = parse(path)
    body = text.split("\n\n", 1)[1].strip()
    assert doc.blocks[-1].text == body
    assert "\ufffd" not in doc.text


def test_decode_text_utf8_cut_inside_its_last_character_stays_utf8():
    from tenderlint.parsers.text import decode_text

    data = "Żółć and données — café".encode("utf-8")
    assert decode_text(data[:-1]) == "Żółć and données — caf"
    cut = "Ochrona danych: zamawiający ".encode("utf-8") + "ż".encode("utf-8")[:1]
    assert decode_text(cut) == "Ochrona danych: zamawiający "


def test_detect_format_uses_bytes_not_suffix(tmp_path: Path, tender_pdf: Path):
    renamed = tmp_path / "looks-like.docx"
    renamed.write_bytes(tender_pdf.read_bytes())
    assert detect_format(renamed) == "pdf"
    md = tmp_path / "notes.txt"
    md.write_text("# Title\n\nSome text with a [link](https://example.org).\n", encoding="utf-8")
    assert detect_format(md) == "markdown"
    tie = tmp_path / "list.md"
    tie.write_text("Things:\n\n- one\n- two\n", encoding="utf-8")
    assert detect_format(tie) == "markdown"
    assert detect_format(tie.rename(tmp_path / "list.txt")) == "text"


@pytest.mark.parametrize(
    ("line", "level"),
    [("5.3 Data protection", 2), ("Section C", 1), ("C.1 Scope", 2), ("ARTICLE IV", 1), ("PART 2 Terms", 1), ("1.0 Overview", 1), ("SCOPE OF WORK", 0)],
)
def test_guess_heading_recognises_numbering(line: str, level: int):
    guess = guess_heading(line)
    assert guess is not None and guess.level == level


@pytest.mark.parametrize("line", ["2003 was the year the system went live", "the supplier shall comply.", "1 Introduction ........ 4", "12 Main Street, Springfield, MA 01803"])
def test_guess_heading_rejects_sentences_and_toc_lines(line: str):
    assert guess_heading(line) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The supplier shall deliver the system and it will be tested by the buyer before any payment is made to the supplier.", "en"),
        ("De leverancier moet het systeem leveren en het wordt door de opdrachtgever getest voordat er een betaling aan de leverancier wordt gedaan.", "nl"),
        ("Der Lieferant muss das System liefern und es wird von dem Auftraggeber getestet, bevor eine Zahlung an den Lieferanten erfolgt.", "de"),
        ("Le fournisseur doit livrer le système et il est testé par l'acheteur avant que le paiement ne soit fait au fournisseur dans les délais.", "fr"),
        ("El proveedor debe entregar el sistema y este será probado por el comprador antes de que se realice el pago al proveedor en el plazo.", "es"),
    ],
)
def test_guess_language_profiles(text: str, code: str):
    guessed, confidence = guess_language(text * 3)
    assert guessed == code and confidence > 0.3
    assert (language_warning(guessed, confidence) is None) == (code == "en")


def test_guess_language_without_evidence_is_english_with_zero_confidence():
    assert guess_language("AI ML API") == ("en", 0.0)


def test_clean_line_expands_ligatures_and_odd_spaces():
    assert clean_line("e\ufb03cient \ufb01les\u00a0and  \ufb02ows") == "efficient files and flows"
    assert clean_line("docu\ufffementation AI\ufffesysteem") == "documentation AI-systeem"


def test_docx_check_boxes_keep_only_the_selected_option(tmp_path):
    """Legacy form-field check boxes: ☒ stays with its option, an unselected option is dropped."""
    from docx import Document as WordDocument
    from docx.oxml import parse_xml

    from tenderlint.parsers import parse

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def box(checked: bool) -> str:
        state = '<w:checked/>' if checked else '<w:default w:val="0"/>'
        return (f'<w:r {w}><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/>{state}'
                f'</w:checkBox></w:ffData></w:fldChar></w:r>')

    word = WordDocument()
    paragraph = word.add_paragraph("Performance bond: ")
    paragraph._p.append(parse_xml(box(False)))
    paragraph.add_run(" Required for 10% of the contract value ")
    paragraph._p.append(parse_xml(box(True)))
    paragraph.add_run(" Not required")
    path = tmp_path / "boxes.docx"
    word.save(path)
    text = parse(path).blocks[0].text
    assert "☒ Not required" in text
    assert "Required for 10%" not in text and "☐ (not selected)" in text


def test_a_parsed_document_pickles_whole_with_shared_sections(tmp_path: Path):
    # Documents cross process boundaries (the parse-ahead child, the web workers) as columns of
    # block fields: every field of every block comes back, and blocks that shared a section trail
    # still share one list.
    import pickle

    path = tmp_path / "t.md"
    path.write_text("# Scope\n\nThe contractor shall report.\n\n| a | b |\n|---|---|\n| x | y |\n", encoding="utf-8")
    document = parse(path)
    copy = pickle.loads(pickle.dumps(document))
    assert copy == document and [b.section for b in copy.blocks] == [b.section for b in document.blocks]
    cells = [b for b in copy.blocks if b.kind == "table_cell"]
    assert len(cells) == 4 and all(cell.section is cells[0].section for cell in cells)
    assert pickle.loads(pickle.dumps(type(document)(path="x", sha256="", format="text"))).blocks == []


def test_clean_block_shortcut_for_plain_ascii_agrees_with_the_full_clean_up():
    from tenderlint.parsers.text import _REPLACEMENTS, clean_block

    # The shortcut assumes that nothing printable and ASCII is ever replaced.
    assert not [c for c in _REPLACEMENTS if c.isascii() and c.isprintable()]
    for text in ("  Unit 17 is delivered. ", "a  b", "x\ty", "line\nbreak", "ﬁne\u00a0print", "", "   ", "ok"):
        assert clean_block(text) == clean_line(text.replace("\r", " ").replace("\n", " ")), text


def test_plain_text_saved_as_markdown_keeps_its_numbered_headings(tmp_path: Path):
    """A licence or terms page exported as .md often has no Markdown heading at all, only
    numbered titles on their own lines: they still open sections, nested by their numbers, so
    findings are located ("4.1 Updates") and headings can say what the clauses under them are
    about."""
    path = tmp_path / "licence.md"
    path.write_text("Model Licence\n\nSection 4: Additional Provisions\n\n4.1 Updates\n\n"
                    "We may update the model from time to time.\n\n4.2 Intellectual Property\n\n"
                    "We claim no ownership of outputs.\n", encoding="utf-8")
    doc = parse(path)
    assert [b.text for b in doc.headings] == ["Section 4: Additional Provisions", "4.1 Updates",
                                              "4.2 Intellectual Property"]
    by_text = {b.text: b.section for b in doc.blocks}
    assert by_text["We may update the model from time to time."] == ["Section 4: Additional Provisions", "4.1 Updates"]
    # Markdown with a heading of its own is read as Markdown; a numbered title line in it is a
    # heading below the Markdown one (see the next test).
    path.write_text("# Licence\n\n4.1 Updates\n\nWe may update the model.\n", encoding="utf-8")
    doc = parse(path)
    assert [b.text for b in doc.headings] == ["Licence", "4.1 Updates"]
    assert doc.blocks[-1].section == ["Licence", "4.1 Updates"]


def test_markdown_headings_written_without_marks(tmp_path: Path):
    """Documents converted from Word or PDF write headings as a bold paragraph, a numbered or
    capitalised line, or a short title-case line; each opens a section under the last Markdown
    heading. A bold or title-case line opens one only when text follows it: the header cells of a
    flattened table ("**Deliverable Name**", "**Definition**") stay paragraphs. Sentences, bold
    words inside a sentence, and lines in a list stay what they are."""
    path = tmp_path / "sor.md"
    path.write_text("# Statement of requirements\n\nBusiness Need\n\nThe agency needs a new portal.\n\n"
                    "**Scope of Work**\n\nThe supplier shall build it.\n\nPROJECT COMPLEXITY\n\n"
                    "The work is of **medium** complexity.\n\nThank you for reading this.\n\n"
                    "**Deliverable Name**\n\n**Definition**\n\nMonthly Report\n\nWhat was done last month.\n\n"
                    "- Period Of Performance\n", encoding="utf-8")
    doc = parse(path)
    assert [b.text for b in doc.headings] == ["Statement of requirements", "Business Need", "Scope of Work",
                                              "PROJECT COMPLEXITY", "Monthly Report"]
    assert {b.text: b.kind for b in doc.blocks}["Deliverable Name"] == "paragraph"
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["The supplier shall build it."].section == ["Statement of requirements", "Scope of Work"]
    assert by_text["The work is of medium complexity."].kind == "paragraph"
    assert by_text["Thank you for reading this."].kind == "paragraph"
    assert by_text["Period Of Performance"].kind == "list_item"


def _parsed_markdown(tmp_path: Path, text: str):
    """``text`` written to a Markdown file and parsed, as a user's file would be."""
    path = tmp_path / "terms.md"
    path.write_text(text, encoding="utf-8")
    return parse(path)


def test_a_text_dump_saved_as_markdown_keeps_one_paragraph_per_line(tmp_path: Path):
    """A PDF's text saved as .md often has one clause per line and no blank line at all: read as
    Markdown it would be one giant paragraph (no sections, no located evidence). Read line by
    line, each clause is its own paragraph and its numbered titles open sections."""
    lines = ["Statement of requirements", "1) Credential management"]
    lines += [f"The platform must keep record {n} of each credential it issues." for n in range(12)]
    lines += ["2) Auditing and logging"]
    lines += [f"Capture event type {n} in the audit trail." for n in range(8)]
    path = tmp_path / "dump.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = parse(path)
    assert [b.text for b in doc.headings] == ["1) Credential management", "2) Auditing and logging"]
    by_text = {b.text: b.section for b in doc.blocks}
    assert by_text["Capture event type 7 in the audit trail."] == ["2) Auditing and logging"]
    assert len([b for b in doc.blocks if b.kind == "paragraph"]) == 21
    # With its blank lines, the same text is ordinary Markdown: soft-wrapped lines join.
    path.write_text("\n\n".join(["# Statement", "\n".join(lines[2:8])]) + "\n", encoding="utf-8")
    assert len([b for b in parse(path).blocks if b.kind == "paragraph"]) == 1


def test_a_double_spaced_text_dump_joins_its_wrapped_lines(tmp_path: Path):
    """A PDF's text saved with a blank line after every wrapped line splits each sentence across
    paragraphs ("… all or any portion of the" / "Services at its sole discretion."): no clause can
    then be read whole. When many lines carry a sentence on across the blank, the wrapped lines are
    joined; a heading line and two blank lines still part paragraphs. Ordinary Markdown, whose
    paragraphs end their sentences, is left as it is."""
    clause = ("Acme reserves the right to modify or discontinue, temporarily or permanently, all or any "
              "portion of the services at its sole discretion and without notice to the customer, "
              "whose data may then be deleted.")
    words = clause.split()
    wrapped = [" ".join(words[i:i + 6]) for i in range(0, len(words), 6)]
    paragraphs = ["\n\n".join(wrapped) for _ in range(5)]
    text = "Terms of Service\n\n\n" + "\n\n\n".join(paragraphs) + "\n\n\nChanges to the Terms\n\n\n" + paragraphs[0] + "\n"
    doc = _parsed_markdown(tmp_path, text)
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert texts == [clause] * 6
    assert [b.text for b in doc.headings][-1] == "Changes to the Terms"
    # The same clauses each on one line, as Markdown writes them, stay as they are.
    plain = _parsed_markdown(tmp_path, "Terms of Service\n\n" + "\n\n".join([clause] * 25) + "\n")
    assert [b.text for b in plain.blocks if b.kind == "paragraph"] == [clause] * 25


def test_a_sentence_broken_by_a_stray_blank_line_is_joined(tmp_path: Path):
    """A converted text may keep a page break as a blank line inside a sentence ("… may agree to
    indemnify you against", blank, "certain third-party claims …"): the two halves, read apart, say
    something neither says. Where a line stops in mid-sentence and the next goes on in lower case,
    the blank is a wrap even in a text that is not double-spaced; a line that ends its sentence, a
    heading, or a line that goes on in capitals still parts paragraphs."""
    text = ("# Terms\n\nWhere provided in a separate agreement, Acme may agree to indemnify you against\n\n"
            "certain third-party claims that the Service infringes.\n\n"
            "The customer pays the fees.\n\nlate fees are due on demand.\n\n"
            "Fees and payment terms\n\nThe customer pays within thirty days.\n")
    texts = [b.text for b in _parsed_markdown(tmp_path, text).blocks if b.kind == "paragraph"]
    assert ("Where provided in a separate agreement, Acme may agree to indemnify you against certain "
            "third-party claims that the Service infringes.") in texts
    assert "The customer pays the fees." in texts and "late fees are due on demand." in texts


def test_a_bold_lead_in_clause_is_no_heading_but_a_bold_label_is(tmp_path: Path):
    """A short bold line that ends in a colon and says what a party may, must or grants ("**We
    may modify these Terms:**") is a lead-in to the list under it, not a section title; a bold label
    with no such verb ("**For business clients:**") stays a heading."""
    text = ("# Terms\n\n## 15. Amendments\n\n**We may modify these Terms:**\n\n- by posting a new version\n\n"
            "**For business clients:**\n\n- with 30 days' notice\n")
    doc = _parsed_markdown(tmp_path, text)
    assert [b.text for b in doc.headings] == ["Terms", "15. Amendments", "For business clients:"]
    lead = next(b for b in doc.blocks if b.text == "We may modify these Terms:")
    assert lead.kind == "paragraph" and lead.section[-1] == "15. Amendments"


def test_a_markdown_file_that_is_mostly_html_is_read_as_html(tmp_path: Path):
    """A web page's source or a site template saved as .md (indented markup is a code block to
    Markdown) would be one paragraph per HTML block; read as HTML it keeps its headings and list
    items. A Markdown page with a small HTML block stays Markdown."""
    page = ("{% extends \"legal/base.html\" %}\n\n<section>\n    <h2>8. Breach notification</h2>\n"
            "    <p>In the event of a personal data breach, Acme will:</p>\n    <ul>\n"
            "      <li>Notify you within 72 hours of becoming aware of it.</li>\n"
            "      <li>Describe the measures taken to contain it.</li>\n    </ul>\n</section>\n")
    doc = _parsed_markdown(tmp_path, page)
    assert [b.text for b in doc.headings] == ["8. Breach notification"]
    assert [b.text for b in doc.blocks if b.kind == "list_item"] == [
        "Notify you within 72 hours of becoming aware of it.", "Describe the measures taken to contain it."]
    mixed = ("# Terms\n\n## 1. Fees\n\nThe customer pays the fees in the order form within thirty days of "
             "each invoice, and late amounts carry interest at the statutory rate.\n\n"
             "<p align=\"center\">Acme</p>\n\n## 2. Support\n\nSupport is given on working days.\n")
    assert [b.text for b in _parsed_markdown(tmp_path, mixed).headings] == ["Terms", "1. Fees", "2. Support"]


def test_a_numbered_heading_that_markdown_reads_as_a_one_item_list_is_a_heading(tmp_path: Path):
    """Converted terms write their numbered headings as "7. Termination and Suspension" on a line
    of their own: CommonMark reads each as an ordered list of one item, which would leave every
    clause in the section of the last heading it did recognise. Alone in its list and read as a
    heading by its numbering, it opens a section; a real list of numbered steps stays a list, and
    so does a single numbered sentence."""
    text = ("# Terms of Service\n\n6. Technology services\n\nWe run the models for you.\n\n"
            "7. Termination and Suspension\n\nWe may end the account at any time.\n\n"
            "8. Support steps\n\nTo get help:\n\n1. Open a ticket\n2. Wait for the reply\n\n"
            "9. The customer shall pay every invoice within thirty days.\n\nLate fees apply.\n\n"
            "10. Term and Termination.\n\nEither party may end the agreement on notice.\n")
    doc = _parsed_markdown(tmp_path, text)
    # (a short title may end with a full stop, as licence agreements write "10. Term and Termination.")
    assert [b.text for b in doc.headings] == ["Terms of Service", "6. Technology services",
                                              "7. Termination and Suspension", "8. Support steps",
                                              "10. Term and Termination."]
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["We may end the account at any time."].section[-1] == "7. Termination and Suspension"
    assert by_text["Open a ticket"].kind == "list_item"
    assert by_text["The customer shall pay every invoice within thirty days."].kind == "list_item"


def test_a_numbered_heading_run_on_into_the_clause_before_it_opens_its_section(tmp_path: Path):
    """CommonMark lets only a list that starts at 1 interrupt a paragraph, so "2. Purchase of the
    service" on the line after a clause's last sentence joins that clause's paragraph. It is a
    heading when it is short, the line before ends a sentence, and it ends the paragraph (or a
    numbered clause follows); a long numbered sentence running on into its next line is not."""
    text = ("# Terms\n\n1. Definitions\n\n1.1 Service means the hosted platform.\n"
            "2. Purchase of the service\n\n2.1 You must register before you buy.\n\n"
            "3.2 Rights in data are set out in Annex B.\n"
            "3.3 The right of use in article 3.2 includes the right to\nuse the data for new versions.\n")
    doc = _parsed_markdown(tmp_path, text)
    assert [b.text for b in doc.headings] == ["Terms", "1. Definitions", "2. Purchase of the service"]
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["1.1 Service means the hosted platform."].section[-1] == "1. Definitions"
    assert by_text["2.1 You must register before you buy."].section[-1] == "2. Purchase of the service"
    assert any(b.text.startswith("3.2 Rights in data") and "new versions" in b.text for b in doc.blocks)
