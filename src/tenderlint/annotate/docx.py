"""Word comments in a copy of a DOCX: each note on the paragraph that holds its evidence.

Uses python-docx's comments support (``Document.add_comment``). Only comment ranges, comment
references and the comments part are added; every paragraph keeps its text, runs and style.
The summary note goes on the first paragraph with text.
"""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from tenderlint.annotate import AUTHOR, INITIALS, Markup, Note, quote_key, words
from tenderlint.parsers.docx import _collect_text

# Runs a comment may span: the paragraph's own, and those inside links, tracked insertions, smart tags.
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RUN_PATHS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:sdt/w:sdtContent/w:r"


def annotate_docx(data: bytes, markup: Markup) -> bytes:
    document = docx.Document(io.BytesIO(data))
    paragraphs = _text_paragraphs(document)
    unplaced: list[Note] = []
    placed: list[tuple[Paragraph, Note]] = []
    for note in markup.notes:
        paragraph = _find(paragraphs, note) if note.evidence is not None else None
        if paragraph is None:
            unplaced.append(note)
        else:
            placed.append((paragraph, note))
    summary = markup.summary
    if unplaced:
        extra = "\n".join(f"{n.title}: {n.body} (passage: \u201c{n.evidence.quote if n.evidence else ''}\u201d)"
                          for n in unplaced)
        summary = Note(summary.title, f"{summary.body}\n{extra}".strip())
    if paragraphs:
        placed.insert(0, (paragraphs[0][0], summary))
    for paragraph, note in placed:
        runs = _runs(paragraph)
        document.add_comment(runs, text=_comment_text(note), author=AUTHOR, initials=INITIALS)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _comment_text(note: Note) -> str:
    # Comment paragraphs are separated by newlines; drop control characters a quote could carry.
    text = note.text
    return "".join(ch for ch in text if ch == "\n" or ch == "\t" or ord(ch) >= 32)


def _text_paragraphs(document) -> list[tuple[Paragraph, str]]:
    """Body paragraphs (tables and text boxes included, fallback copies of shapes excluded) that have
    runs to anchor on, with their words joined by spaces."""
    body = document.element.body
    found = []
    for p in body.iter(qn("w:p")):
        if any(ancestor.tag == _FALLBACK for ancestor in p.iterancestors()):
            continue
        paragraph = Paragraph(p, document._body)
        if not _runs(paragraph):
            continue
        parts: list[str] = []
        _collect_text(p, parts)
        joined = " ".join(words("".join(parts)))
        if joined:
            found.append((paragraph, f" {joined} "))
    return found


def _runs(paragraph: Paragraph) -> list[Run]:
    return [Run(r, paragraph) for r in paragraph._p.xpath(_RUN_PATHS)]


def _find(paragraphs: list[tuple[Paragraph, str]], note: Note) -> Paragraph | None:
    key = quote_key(note.evidence.quote)
    if not key:
        return None
    wanted = f" {' '.join(key)} "
    for paragraph, joined in paragraphs:
        if wanted in joined:
            return paragraph
    return None
