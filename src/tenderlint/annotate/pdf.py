"""Notes in a copy of a PDF: a highlight over each evidence quote, carrying its finding, and a
summary note on page 1.

Quotes are located with pypdfium2: the page text is read character by character, split into
words, and the quote's words are looked for on the evidence's page (then on the others); the
matched characters' boxes become the highlight's quadrilaterals. The annotations are written
with pypdf into the pages' ``/Annots``: the page content streams are not touched, so the text
of the document is exactly what it was.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass

from tenderlint.annotate import AUTHOR, Markup, Note, quote_key, words

HIGHLIGHT_COLOR = "ffd33d"
SUMMARY_ICON_SIZE = 20
# pdfium marks a word hyphenated across two lines with one of these: not a word break.
_JOINERS = {"\ufffe", "\u0002", "\u00ad"}


@dataclass
class _Word:
    text: str
    first: int  # text index of the first character
    last: int  # text index of the last character


def annotate_pdf(data: bytes, markup: Markup) -> bytes:
    from pypdf import PdfWriter

    # pypdf logs every harmless oddity of a real PDF (duplicate keys…) on stderr; the copy is still exact.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        writer = PdfWriter(clone_from=io.BytesIO(data))
        return _annotated(writer, data, markup)
    finally:
        pypdf_logger.setLevel(level)


def _annotated(writer, data: bytes, markup: Markup) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    pages = _PageWords(pdf)
    try:
        unplaced: list[Note] = []
        for note in markup.notes:
            found = _locate(pages, note) if note.evidence is not None else None
            if found is None:
                unplaced.append(note)
                continue
            page_index, boxes = found
            writer.add_annotation(page_index, _highlight(note, boxes))
        writer.add_annotation(0, _summary_note(markup.summary_with(unplaced), writer.pages[0].mediabox))
    finally:
        pages.close()
        pdf.close()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _PageWords:
    """Each page's words with their character positions, read once and kept."""

    def __init__(self, pdf):
        self.pdf = pdf
        self._cache: dict[int, tuple[object, object, list[_Word]]] = {}

    def __len__(self) -> int:
        return len(self.pdf)

    def get(self, index: int):
        if index not in self._cache:
            page = self.pdf[index]
            textpage = page.get_textpage()
            self._cache[index] = (page, textpage, _page_words(textpage.get_text_range()))
        return self._cache[index]

    def close(self) -> None:
        for page, textpage, _ in self._cache.values():
            textpage.close()
            page.close()
        self._cache.clear()


def _page_words(text: str) -> list[_Word]:
    found: list[_Word] = []
    current, first, last = [], -1, -1
    for index, char in enumerate(text):
        if char in _JOINERS and current:
            continue
        expanded = unicodedata.normalize("NFKC", char).lower()
        if expanded and all(c.isalnum() or c == "_" for c in expanded):
            if not current:
                first = index
            current.append(expanded)
            last = index
        elif current:
            found.append(_Word("".join(current), first, last))
            current = []
    if current:
        found.append(_Word("".join(current), first, last))
    return found


def _locate(pages: _PageWords, note: Note) -> tuple[int, list[tuple[float, float, float, float]]] | None:
    evidence = note.evidence
    key = quote_key(evidence.quote)
    if not key:
        return None
    quote_words = words(evidence.quote.rstrip("…"))
    order = list(range(len(pages)))
    if evidence.page and 1 <= evidence.page <= len(pages):
        order.remove(evidence.page - 1)
        order.insert(0, evidence.page - 1)
    for index in order:
        _, textpage, page_words = pages.get(index)
        texts = [w.text for w in page_words]
        for start in range(len(texts) - len(key) + 1):
            if texts[start:start + len(key)] != key:
                continue
            end = start + len(key)
            while end < len(texts) and end - start < len(quote_words) and texts[end] == quote_words[end - start]:
                end += 1
            boxes = _boxes(textpage, page_words[start].first, page_words[end - 1].last)
            if boxes:
                return index, boxes
    return None


def _boxes(textpage, first_text_index: int, last_text_index: int) -> list[tuple[float, float, float, float]]:
    from pypdfium2 import raw

    handle = textpage.raw
    first = raw.FPDFText_GetCharIndexFromTextIndex(handle, first_text_index)
    last = raw.FPDFText_GetCharIndexFromTextIndex(handle, last_text_index)
    if first < 0 or last < first:
        return []
    count = textpage.count_rects(first, last - first + 1)
    return [textpage.get_rect(i) for i in range(count)]


def _highlight(note: Note, boxes: list[tuple[float, float, float, float]]):
    from pypdf.annotations import Highlight
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    quads = []
    for left, bottom, right, top in boxes:
        quads += [left, top, right, top, left, bottom, right, bottom]
    rect = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    annotation = Highlight(rect=rect, quad_points=ArrayObject(FloatObject(round(v, 2)) for v in quads),
                           highlight_color=HIGHLIGHT_COLOR, printing=True, title_bar=AUTHOR)
    annotation[NameObject("/Contents")] = TextStringObject(note.text)
    return annotation


def _summary_note(note: Note, mediabox):
    from pypdf.annotations import Text

    left, top = float(mediabox.left) + 8, float(mediabox.top) - 8
    rect = (left, top - SUMMARY_ICON_SIZE, left + SUMMARY_ICON_SIZE, top)
    return Text(rect=rect, text=note.text, open=False, title_bar=AUTHOR)
