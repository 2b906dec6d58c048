"""Regenerate the bundled example documents from their Markdown sources in examples/src/.

    python examples/build.py            # rewrite the outputs in examples/
    python examples/build.py --out DIR  # write them somewhere else (the tests do this)

The draft RFP becomes a DOCX (real Title, Heading 1/2, List Number and List Bullet styles, a
table, running header and a footer with page fields) and a PDF (see pdfwriter.py); the vendor
terms become a DOCX and a clean Markdown copy. Outputs are reproducible byte for byte: fixed
document properties, fixed ZIP timestamps, no dates in the PDF.

The sources use a small Markdown subset: a front-matter block of ``key: value`` lines, one
``#`` title, ``##`` and ``###`` headings, paragraphs, ``1.`` and ``-`` lists, pipe tables,
and whole-paragraph ``**bold**`` captions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

EXAMPLES_DIR = Path(__file__).resolve().parent
SOURCE_DIR = EXAMPLES_DIR / "src"
if str(EXAMPLES_DIR) not in sys.path:  # so the writer imports when this file is loaded by path
    sys.path.insert(0, str(EXAMPLES_DIR))

from pdfwriter import LETTER, PdfDocument  # noqa: E402

# Which files each source produces.
OUTPUTS = {
    "draft-rfp-ai-assistant": ("docx", "pdf"),
    "vendor-contract-ai-saas": ("docx", "md"),
}

# Fixed so that rebuilding an unchanged source gives identical files.
FIXED_TIMESTAMP = dt.datetime(2025, 2, 3, 9, 0, 0, tzinfo=dt.timezone.utc)
ZIP_TIMESTAMP = (2025, 2, 3, 9, 0, 0)

BULLET = "\u2022"


@dataclass
class SourceBlock:
    """One block of a source document, in reading order."""

    kind: str  # title | h1 | h2 | paragraph | caption | numbered | bulleted | table
    text: str = ""
    items: list[str] = field(default_factory=list)  # list entries, for lists
    rows: list[list[str]] = field(default_factory=list)  # header row first, for tables


@dataclass
class SourceDocument:
    """A parsed source: front-matter settings, blocks, and the Markdown body as written."""

    name: str
    meta: dict[str, str]
    blocks: list[SourceBlock]
    body: str

    @property
    def title(self) -> str:
        return self.meta["title"]


_NUMBERED = re.compile(r"^\d+\.\s+")
_BULLETED = re.compile(r"^-\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_CAPTION = re.compile(r"^\*\*(.+)\*\*$")


def _table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_source(path: Path) -> SourceDocument:
    """Read a Markdown source file into blocks; raises ValueError on anything outside the subset."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        front, _, text = text[4:].partition("\n---\n")
        for line in front.splitlines():
            key, sep, value = line.partition(":")
            if not sep:
                raise ValueError(f"{path.name}: front-matter line without a colon: {line!r}")
            meta[key.strip()] = value.strip()
    body = text.lstrip("\n")
    blocks: list[SourceBlock] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.rstrip() for line in chunk.splitlines()]
        first = lines[0]
        if first.startswith("### "):
            blocks.append(SourceBlock("h2", first[4:].strip()))
        elif first.startswith("## "):
            blocks.append(SourceBlock("h1", first[3:].strip()))
        elif first.startswith("# "):
            blocks.append(SourceBlock("title", first[2:].strip()))
        elif first.startswith("|"):
            rows = [_table_cells(line) for line in lines if not _TABLE_RULE.match(line.strip())]
            if len({len(row) for row in rows}) != 1:
                raise ValueError(f"{path.name}: table rows have different numbers of cells: {first!r}")
            blocks.append(SourceBlock("table", rows=rows))
        elif _NUMBERED.match(first):
            blocks.append(SourceBlock("numbered", items=[_NUMBERED.sub("", line) for line in lines]))
        elif _BULLETED.match(first):
            blocks.append(SourceBlock("bulleted", items=[_BULLETED.sub("", line) for line in lines]))
        else:
            paragraph = " ".join(line.strip() for line in lines)
            caption = _CAPTION.match(paragraph)
            blocks.append(SourceBlock("caption", caption.group(1)) if caption else SourceBlock("paragraph", paragraph))
        if len(lines) > 1 and blocks[-1].kind in ("h1", "h2", "title"):
            raise ValueError(f"{path.name}: a heading must stand alone in its block: {first!r}")
        for item in blocks[-1].items:
            if not item:
                raise ValueError(f"{path.name}: empty list item after {first!r}")
    if "title" not in meta:
        raise ValueError(f"{path.name}: the front matter must give a title")
    return SourceDocument(path.stem, meta, blocks, body)


def _column_shares(rows: list[list[str]]) -> list[float]:
    """Relative column widths from how much text each column holds.

    A column is never narrower than its longest word (plus a margin), so a short header
    such as "Weight" is not split across lines.
    """
    shares = []
    for col in range(len(rows[0])):
        cells = [row[col] for row in rows]
        longest_word = max(len(word) for cell in cells for word in cell.split() or [""])
        shares.append(float(max(longest_word + 3, min(60, max(len(cell) for cell in cells)))))
    return shares


# -- DOCX ------------------------------------------------------------------------------------


def _restarted_numbering(document: docx.document.Document) -> str:
    """A new numbering instance of the List Number style that starts again at 1."""
    style_num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _add_field(paragraph, instruction: str, placeholder: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _docx_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    shares = _column_shares(rows)
    total_width = 6.5
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.width = Inches(total_width * shares[c] / sum(shares))
            run = cell.paragraphs[0].add_run(value)
            run.bold = r == 0
    # Word repeats a header row at the top of each page the table runs onto.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)


def render_docx(source: SourceDocument) -> bytes:
    """The source as a Word document, with reproducible bytes."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    document.styles["Normal"].font.size = Pt(10.5)

    header = section.header.paragraphs[0]
    header.text = source.meta.get("header", "")
    footer = section.footer.paragraphs[0]
    footer.text = f"{source.meta.get('footer', '')}    Page "
    _add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES", "1")

    for block in source.blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "h1":
            document.add_heading(block.text, level=1)
        elif block.kind == "h2":
            document.add_heading(block.text, level=2)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        elif block.kind == "caption":
            document.add_paragraph(style="Caption").add_run(block.text).bold = True
        elif block.kind == "numbered":
            num_id = _restarted_numbering(document)
            for item in block.items:
                paragraph = document.add_paragraph(item, style="List Number")
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
        elif block.kind == "bulleted":
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif block.kind == "table":
            _docx_table(document, block.rows)
        else:  # pragma: no cover - parse_source only makes the kinds above
            raise ValueError(f"unknown block kind {block.kind!r}")

    props = document.core_properties
    props.title = source.title
    props.subject = source.meta.get("subject", "")
    props.author = source.meta.get("author", "")
    props.last_modified_by = source.meta.get("author", "")
    props.keywords = "tenderlint; example; fictional"
    props.comments = "Fictional example document written for the tenderlint project."
    props.category = "Example"
    props.language = "en-US"
    props.created = props.modified = props.last_printed = FIXED_TIMESTAMP
    props.revision = 1

    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """The same ZIP with every entry's timestamp fixed, so unchanged content gives unchanged bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


# -- PDF -------------------------------------------------------------------------------------


def render_pdf(source: SourceDocument) -> bytes:
    """The source as a paginated PDF with running header and page numbers."""
    pdf = PdfDocument(
        page_size=LETTER,
        header=source.meta.get("header", ""),
        footer=source.meta.get("footer", ""),
        info={
            "Title": source.title,
            "Author": source.meta.get("author", ""),
            "Subject": source.meta.get("subject", ""),
            "Creator": "tenderlint examples/build.py",
            "Producer": "tenderlint examples/pdfwriter.py",
        },
    )
    for block in source.blocks:
        if block.kind == "title":
            pdf.title(block.text)
        elif block.kind in ("h1", "h2"):
            pdf.heading(block.text, level=1 if block.kind == "h1" else 2)
        elif block.kind == "paragraph":
            pdf.paragraph(block.text)
        elif block.kind == "caption":
            pdf.paragraph(block.text, bold=True)
        elif block.kind == "numbered":
            for number, item in enumerate(block.items, start=1):
                pdf.list_item(f"{number}.", item)
        elif block.kind == "bulleted":
            for item in block.items:
                pdf.list_item(BULLET, item)
        elif block.kind == "table":
            pdf.table(block.rows, _column_shares(block.rows))
        else:  # pragma: no cover - parse_source only makes the kinds above
            raise ValueError(f"unknown block kind {block.kind!r}")
    return pdf.to_bytes()


# -- driver ----------------------------------------------------------------------------------


def build(out_dir: Path) -> list[Path]:
    """Write every example document into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, formats in OUTPUTS.items():
        source = parse_source(SOURCE_DIR / f"{name}.md")
        for fmt in formats:
            target = out_dir / f"{name}.{fmt}"
            if fmt == "docx":
                target.write_bytes(render_docx(source))
            elif fmt == "pdf":
                target.write_bytes(render_pdf(source))
            elif fmt == "md":
                target.write_text(source.body, encoding="utf-8")
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES_DIR, help="output folder (default: examples/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
