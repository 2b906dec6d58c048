"""Word comments in a copy of a DOCX: each note on the paragraph that holds its evidence.

Uses python-docx's comments support (``Document.add_comment``). Only comment ranges, comment
references and the comments part are added; every paragraph keeps its text, runs and style.
The summary note goes on the first paragraph with text. A passage running over several paragraphs
(a table cell's lines) is commented from its first paragraph to its last.
"""

from __future__ import annotations

import bisect
import io
import zipfile

import docx
from lxml import etree
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
    stream = _WordStream(document)
    unplaced: list[Note] = []
    placed: list[tuple[tuple[Paragraph, Paragraph], Note]] = []
    for note in markup.notes:
        span = stream.find(note.evidence.quote) if note.evidence is not None else None
        if span is None:
            unplaced.append(note)
        else:
            placed.append((span, note))
    summary = markup.summary_with(unplaced)
    if stream.paragraphs:
        placed.insert(0, ((stream.paragraphs[0], stream.paragraphs[0]), summary))
    for (first, last), note in placed:
        runs = [_runs(first)[0], _runs(last)[-1]]
        document.add_comment(runs, text=_comment_text(note), author=AUTHOR, initials=INITIALS)
    out = io.BytesIO()
    document.save(out)
    return _original_bytes_where_unchanged(data, out.getvalue())


def _original_bytes_where_unchanged(original: bytes, saved: bytes) -> bytes:
    """``saved`` with every part whose XML did not change put back as the original's bytes, and the
    original's unreferenced parts (left out by python-docx) kept.

    python-docx writes every part it loaded anew (its XML declaration in other quotes, for one);
    a part the comments did not touch is kept byte for byte, so only the body, the comments part
    and their registration differ from the reviewer's file.
    """
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        originals = {info.filename: (info, source.read(info)) for info in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as written, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in written.infolist():
            data = written.read(info)
            before = originals.pop(info.filename, (None, None))[1]
            if before is not None and before != data and _same_xml(before, data):
                data = before
            target.writestr(info, data)
        for info, data in originals.values():  # parts nothing refers to, which python-docx leaves out
            target.writestr(info, data)
    return out.getvalue()


def _same_xml(first: bytes, second: bytes) -> bool:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return (etree.tostring(etree.fromstring(first, parser), method="c14n")
                == etree.tostring(etree.fromstring(second, parser), method="c14n"))
    except etree.XMLSyntaxError:  # not XML (media, fonts): different bytes are a different part
        return False


def _comment_text(note: Note) -> str:
    # Comment paragraphs are separated by newlines; drop control characters a quote could carry.
    text = note.text
    return "".join(ch for ch in text if ch == "\n" or ch == "\t" or ord(ch) >= 32)


class _WordStream:
    """The words of every body paragraph that has runs to anchor on (tables and text boxes included,
    fallback copies of shapes excluded), as one string, with the paragraph of every word: a quote
    is found even when it runs over several paragraphs of one table cell."""

    def __init__(self, document):
        self.paragraphs: list[Paragraph] = []
        self.word_starts: list[int] = []  # character offset of each word in ``text``
        self.word_paragraphs: list[int] = []  # index in ``paragraphs`` of each word
        self.words: list[str] = []
        pieces = self.words
        offset = 1
        for p in document.element.body.iter(qn("w:p")):
            if any(ancestor.tag == _FALLBACK for ancestor in p.iterancestors()):
                continue
            paragraph = Paragraph(p, document._body)
            if not _runs(paragraph):
                continue
            parts: list[str] = []
            _collect_text(p, parts)
            found = words("".join(parts))
            if not found:
                continue
            self.paragraphs.append(paragraph)
            for word in found:
                self.word_starts.append(offset)
                self.word_paragraphs.append(len(self.paragraphs) - 1)
                pieces.append(word)
                offset += len(word) + 1
        self.text = " " + " ".join(pieces) + " "

    def find(self, quote: str) -> tuple[Paragraph, Paragraph] | None:
        """The first and last paragraph holding ``quote`` (as far as it matches word for word), or None."""
        key = quote_key(quote)
        if not key:
            return None
        at = self.text.find(f" {' '.join(key)} ")
        if at < 0:
            return None
        first = bisect.bisect_left(self.word_starts, at + 1)
        quoted = words(quote.rstrip("…"))
        last = first + len(key) - 1
        while last + 1 < len(self.words) and last + 1 - first < len(quoted) and self.words[last + 1] == quoted[last + 1 - first]:
            last += 1
        return self.paragraphs[self.word_paragraphs[first]], self.paragraphs[self.word_paragraphs[last]]


def _runs(paragraph: Paragraph) -> list[Run]:
    return [Run(r, paragraph) for r in paragraph._p.xpath(_RUN_PATHS)]
