"""PDF → blocks: text lines from pypdfium2 (pypdf as fallback), rebuilt into headings and paragraphs.

A PDF has no paragraphs, only positioned lines. We read each page's lines with the
position and font size of their first character (cheap with pdfium: two calls a line),
strip running headers, footers and page numbers, then rebuild paragraphs from vertical
gaps, list markers and sentence ends, and infer headings from clause numbering, capitals,
bold and larger fonts. pypdf gives lines without positions; the same rules then work from
the text alone.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tenderlint.document import Block
from tenderlint.errors import TenderlintError
from tenderlint.parsers.headings import (
    HeadingGuess,
    SectionTrail,
    guess_heading,
    has_dot_leader,
    is_caps_heading,
    is_toc_title,
    looks_like_toc_entry,
)
from tenderlint.parsers.text import clean_line, normalise_characters

# Characters pdfium uses for a hyphen it judged soft (a word broken across lines).
_SOFT_HYPHENS = ("\ufffe", "\u0002", "\u00ad")
_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25cb\u25aa\u25a0\u25e6\u25ab\u2023\u2043\u2219\u27a2\u2794\u25ba\u25b6\u00b7\uf0b7\uf0a7\uf0d8\uf076\uf0fc*]|o(?=\s+[A-Z])|[-\u2013](?=\s))\s*")
_ENUMERATED = re.compile(r"^(?:\(?[a-z]{1,2}\)|\(?\d{1,3}\)|\(?[ivx]{1,5}\)|[a-z]\.(?=\s)|\d{1,3}\.(?=\s)|\d{1,2}(?:\.\d{1,3})+\.?(?=\s))\s*")
_FOOTNOTE_MARK = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021])\s+\S")
_CLAUSE_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,3})+\.?\s")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|pagina|seite|p[aá]gina|p\.)\s*)?[-\u2013\u2014]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-\u2013\u2014]?"
    r"(?:\s*(?:of|/|van|von|de|sur)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.:;?!)\]\"\u201d]$")
_PUNCTUATION = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
_LOWER_ASCII = re.compile(r"[a-z]")
_LABEL_ONLY = re.compile(r"(?i:section|article|part|chapter|appendix|attachment|exhibit|annex|schedule)\s+[\w.]+[.:]?")
_LEADER_RUN = re.compile(r"\s*(?:(?:\.\s?){4,}|\u2026{2,}|_{4,})\s*")

# Share of the page height treated as the header or footer band.
FURNITURE_BAND = 0.12
FURNITURE_LINES = 4  # lines per band considered as running header/footer candidates
HEADING_SIZE_STEP = 1.5  # points above body size that make a line a heading
# A page with fewer letters and digits than this in its text layer has no usable text layer
# (a scanned page often carries only a stamped number or a few stray characters).
OCR_MIN_TEXT_CHARACTERS = 40


@dataclass(slots=True)
class Line:
    """One text line of a page, with the geometry of its first character when the backend gives it."""

    text: str
    page: int
    top: float | None = None
    bottom: float | None = None
    size: float | None = None
    bold: bool = False
    soft_hyphen_end: bool = False


@dataclass(slots=True)
class Page:
    number: int
    height: float | None
    lines: list[Line] = field(default_factory=list)
    # Whether the page draws an image or a form object; None when the backend cannot tell.
    # Asked only of pages with almost no text: it is what tells a scanned page from a blank one.
    has_image: bool | None = None
    ocr: bool = False  # the lines were read by OCR

    def has_usable_text(self) -> bool:
        """At least ``OCR_MIN_TEXT_CHARACTERS`` letters and digits (counting stops there: this runs on every page)."""
        count = 0
        for line in self.lines:
            count += sum(1 for ch in line.text if ch.isalnum())
            if count >= OCR_MIN_TEXT_CHARACTERS:
                return True
        return False

    def needs_ocr(self) -> bool:
        """No usable text layer, and something drawn that may be a scan of text."""
        return self.has_image is not False and not self.has_usable_text()


@dataclass(slots=True)
class Extraction:
    pages: list[Page]
    page_count: int
    title: str | None
    warnings: list[str]


def parse_pdf(data: bytes, name: str, *, backend: str = "auto", ocr: str = "auto", ocr_workers: int | None = None,
              ocr_time_limit: float | None = None, ocr_progress: bool = False, ocr_dpi: int | None = None):
    """Parse PDF bytes into ``ParsedContent`` (blocks, page count, title, warnings, OCR facts).

    ``ocr`` is "auto" (read pages without a usable text layer with Tesseract), "always" (read
    every page with Tesseract) or "never".
    """
    from tenderlint.parsers import ParsedContent

    extraction = extract_lines(data, name, backend=backend)
    warnings = list(extraction.warnings)
    wanted = _pages_for_ocr(extraction.pages, ocr, data)
    ocr_pages: list[int] = []
    ocr_confidence = None
    unavailable = None
    if wanted:
        from tenderlint.parsers import ocr as tesseract

        unavailable = tesseract.unavailable_reason()
        if unavailable and ocr == "always":
            raise TenderlintError("ocr-unavailable", f"{name}: --ocr always needs Tesseract: {unavailable}")
        if not unavailable:
            kwargs = {"dpi": ocr_dpi} if ocr_dpi else {}
            read = tesseract.recognise_pages(data, wanted, name, workers=ocr_workers, time_limit=ocr_time_limit,
                                             progress=ocr_progress, **kwargs)
            ocr_pages, ocr_confidence = [page.number for page in read], _mean_confidence(read)
            _use_ocr_lines(extraction.pages, read)
            warnings.extend(_low_confidence_warnings(read, tesseract.LOW_CONFIDENCE, tesseract.MIN_WORDS))
    if not any(line.text.strip() for page in extraction.pages for line in page.lines):
        if ocr_pages:
            message = (f"{name} has {extraction.page_count} page(s) but no text layer; they look scanned, and OCR "
                       "found no text on them")
        elif unavailable:
            message = (f"{name} has {extraction.page_count} page(s) but no text layer; it looks scanned and needs "
                       f"OCR, which cannot run here: {unavailable}")
        else:
            message = f"{name} has {extraction.page_count} page(s) but no text layer; it looks scanned and needs OCR first"
            if ocr == "never":
                message += " (--ocr auto reads it with Tesseract)"
        raise TenderlintError("no-text-layer", message)
    if unavailable:
        warnings.append(f"pdf: {len(wanted)} of {extraction.page_count} pages have no usable text layer and were not "
                        f"read (pages {_page_list(wanted)}): OCR cannot run here: {unavailable}")
    else:
        empty_pages = [page.number for page in extraction.pages if not page.lines and not page.ocr]
        if empty_pages and len(empty_pages) > max(2, extraction.page_count // 10):
            warnings.append(f"pdf: {len(empty_pages)} of {extraction.page_count} pages have no text layer (scanned pages need OCR)")
    blocks = LayoutReader(extraction.pages).blocks()
    repaired = _repair_ligatures(blocks)
    if repaired:
        warnings.append(f"pdf: {repaired} words had letters lost in ligature glyphs ('notfy'); they were put back")
    title = extraction.title
    if title and title.lower().startswith(("microsoft word -", "untitled")):
        title = None
    return ParsedContent(blocks, pages=extraction.page_count, title=title, warnings=warnings, ocr_pages=ocr_pages,
                         ocr_confidence=ocr_confidence)


def _pages_for_ocr(pages: list[Page], ocr: str, data: bytes) -> list[int]:
    if ocr == "always":
        return [page.number for page in pages]
    if ocr != "auto":
        return []
    unknown = [page for page in pages if page.has_image is None and page.needs_ocr()]
    if unknown:  # pypdf read the text: ask pdfium whether those pages draw anything to read
        _find_images(unknown, data)
    return [page.number for page in pages if page.needs_ocr()]


def _find_images(pages: list[Page], data: bytes) -> None:
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
    except Exception:  # no pdfium, or it cannot open the file: the pages stay candidates
        return
    try:
        for page in pages:
            handle = pdf[page.number - 1]
            try:
                page.has_image = _draws_image(handle)
            finally:
                handle.close()
    except Exception:
        return
    finally:
        pdf.close()


def _use_ocr_lines(pages: list[Page], read) -> None:
    """Put the OCR lines in place of the text layer's lines on the pages that were read.

    Sizes are scaled so that OCR body text has the size of the text layer's body text (OCR
    estimates sizes from row heights), which keeps headings comparable across a mixed document.
    """
    by_number = {page.number: page for page in pages}
    text_pages = [page for page in pages if page.number not in {r.number for r in read}]
    text_body = LayoutReader(text_pages).body_size if text_pages else None
    for result in read:
        page = by_number[result.number]
        factor = text_body / result.body_size if text_body and result.body_size else 1.0
        page.height = result.height
        page.lines = [Line(line.text, page.number, top=line.top, bottom=line.bottom,
                           size=round(line.size * factor * 2) / 2) for line in result.lines]
        page.ocr = True


def _mean_confidence(read) -> float | None:
    """Mean word confidence over every word read, 0..1."""
    words = sum(page.words for page in read if page.confidence is not None)
    if not words:
        return None
    return sum(page.confidence * page.words for page in read if page.confidence is not None) / words


def _low_confidence_warnings(read, threshold: float, min_words: int) -> list[str]:
    warnings = []
    low = [page for page in read if page.confidence is not None and page.confidence < threshold
           and page.words >= min_words]
    if low:
        figures = ", ".join(f"page {page.number}: {page.confidence:.0%}" for page in low)
        warnings.append(f"ocr: low recognition confidence on {len(low)} page(s) ({figures}; below {threshold:.0%}): "
                        "the text read there may be garbled, so check findings on those pages against the scan")
    sparse = [page.number for page in read if page.words < min_words]
    if sparse:
        warnings.append(f"ocr: fewer than {min_words} words were read on {len(sparse)} scanned page(s) "
                        f"({_page_list(sparse)}): a blank page, or a scan too poor to read; check those pages by hand")
    return warnings


def _page_list(numbers: list[int]) -> str:
    """'1-3, 7' for [1, 2, 3, 7]."""
    ranges: list[str] = []
    start = previous = None
    for number in numbers + [None]:
        if number is not None and previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            ranges.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = number
    return ", ".join(ranges)


def _repair_ligatures(blocks: list) -> int:
    """Put back letters the PDF's ligature glyphs lost (parsers/ligatures.py); the number of words repaired."""
    from tenderlint.parsers.ligatures import repair

    texts, count = repair([block.text for block in blocks])
    if count:
        for block, text in zip(blocks, texts):
            block.text = text
    return count


# --------------------------------------------------------------------------- extraction


def extract_lines(data: bytes, name: str, *, backend: str = "auto") -> Extraction:
    """Read every page's lines with the chosen backend; "auto" falls back from pdfium to pypdf."""
    if backend == "pypdf":
        return _pypdf_lines(data, name)
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        if backend == "pdfium":
            raise TenderlintError("usage", "pypdfium2 is not installed; use --pdf-backend pypdf")
        return _pypdf_lines(data, name)
    try:
        return _pdfium_lines(data, name)
    except _PasswordRequired:
        if backend == "pdfium":
            raise TenderlintError("encrypted", f"{name} is encrypted and needs a password to open")
        return _pypdf_lines(data, name)  # pypdf tries the empty password, then reports `encrypted`
    except _PdfiumFailed as failure:
        if backend == "pdfium":
            raise TenderlintError("corrupt", f"{name} cannot be opened as a PDF ({failure})")
        extraction = _pypdf_lines(data, name)
        extraction.warnings.append(f"pdf: pdfium could not read this file ({failure}); text comes from pypdf")
        return extraction


class _PasswordRequired(Exception):
    pass


class _PdfiumFailed(Exception):
    pass


def _pdfium_lines(data: bytes, name: str) -> Extraction:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise _PasswordRequired(str(error))
        raise _PdfiumFailed(str(error))
    warnings: list[str] = []
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise _PdfiumFailed("no pages")
        try:
            title = pdf.get_metadata_dict().get("Title") or None
        except Exception:  # metadata is a nicety; a broken info dictionary must not fail the parse
            title = None
        first_chars = _FirstCharReader()
        pages: list[Page] = []
        for index in range(page_count):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as error:
                warnings.append(f"pdf: page {index + 1} cannot be read ({error})")
                pages.append(Page(index + 1, None))
                continue
            try:
                height = page.get_height()
                textpage = page.get_textpage()
                try:
                    entry = Page(index + 1, height, _pdfium_page_lines(textpage, index + 1, first_chars))
                finally:
                    textpage.close()
                if not entry.has_usable_text():
                    entry.has_image = _draws_image(page)
                pages.append(entry)
            finally:
                page.close()
        return Extraction(pages, page_count, title, warnings)
    finally:
        pdf.close()


def _draws_image(page) -> bool:
    """Whether the page has an image or a form object (a scan is an image, sometimes inside a form)."""
    from pypdfium2 import raw

    handle = page.raw
    for index in range(raw.FPDFPage_CountObjects(handle)):
        kind = raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(handle, index))
        if kind in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM):
            return True
    return False


class _FirstCharReader:
    """Reads the geometry and font of a line's first character with raw pdfium calls, reusing its buffers."""

    def __init__(self) -> None:
        from pypdfium2 import PdfiumError, raw

        self._raw = raw
        self._error = PdfiumError
        self._box = raw.FS_RECTF()
        self._font_name = ctypes.create_string_buffer(128)
        self._flags = ctypes.c_int(0)
        self._flags_ref = ctypes.byref(self._flags)

    def place(self, line: Line, handle, text_index: int) -> None:
        """Set ``line``'s top, bottom, size and boldness from the character at ``text_index`` of the page text."""
        raw = self._raw
        char_index = raw.FPDFText_GetCharIndexFromTextIndex(handle, text_index)
        if char_index < 0:
            return
        if not raw.FPDFText_GetLooseCharBox(handle, char_index, self._box):
            raise self._error("Failed to get charbox.")
        line.top, line.bottom = self._box.top, self._box.bottom
        size = raw.FPDFText_GetFontSize(handle, char_index)
        line.size = round(size * 2) / 2 if size > 0 else None
        bold = raw.FPDFText_GetFontWeight(handle, char_index) >= 600
        if not bold:
            font_name = self._font_name
            length = raw.FPDFText_GetFontInfo(handle, char_index, font_name, len(font_name), self._flags_ref)
            if length > 0:
                lowered = font_name.value.lower()
                bold = b"bold" in lowered or b"black" in lowered or b"heavy" in lowered or bool(self._flags.value & 0x40000)
        line.bold = bold


def _pdfium_page_lines(textpage, number: int, first_chars: _FirstCharReader) -> list[Line]:
    text = textpage.get_text_range()
    handle = textpage.raw
    lines: list[Line] = []
    text_index = 0  # where the current raw line starts in the page text
    # Normalising keeps every line break, so the raw and the clean lines pair up one to one.
    for raw_text, clean_text in zip(_split_lines(text), _split_lines(normalise_characters(text))):
        line_start, text_index = text_index, text_index + len(raw_text) + 1
        soft = raw_text.rstrip().endswith(_SOFT_HYPHENS)
        line_text = _clean_pdf_line(raw_text, soft) if soft else clean_text.strip()
        if not line_text:
            continue
        line = Line(line_text, number, soft_hyphen_end=soft)
        first_chars.place(line, handle, line_start + len(raw_text) - len(raw_text.lstrip()))
        lines.append(line)
    return lines


def _split_lines(text: str) -> list[str]:
    """``text`` split at every carriage return and every line feed: "\\r\\n" leaves an empty line between."""
    return text.replace("\r", "\n").split("\n")


def _clean_pdf_line(raw_text: str, soft_hyphen_end: bool) -> str:
    if soft_hyphen_end:
        raw_text = raw_text.rstrip().rstrip("".join(_SOFT_HYPHENS))
    return clean_line(raw_text)


def _pypdf_lines(data: bytes, name: str) -> Extraction:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as error:  # unsupported algorithm or missing crypto library
                raise TenderlintError("encrypted", f"{name} is encrypted and cannot be decrypted here ({error})")
            if not opened:
                raise TenderlintError("encrypted", f"{name} is encrypted and needs a password to open")
        page_count = len(reader.pages)
    except TenderlintError:
        raise
    except (PdfReadError, Exception) as error:  # pypdf raises many types on damaged files
        raise TenderlintError("corrupt", f"{name} is damaged or truncated and cannot be parsed ({type(error).__name__}: {error})")
    if page_count == 0:
        raise TenderlintError("corrupt", f"{name} has no pages")
    warnings: list[str] = []
    title = None
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        title = None
    pages: list[Page] = []
    for index in range(page_count):
        try:
            text = reader.pages[index].extract_text() or ""
        except Exception as error:  # one bad page should not lose the whole document
            warnings.append(f"pdf: page {index + 1} cannot be read ({type(error).__name__})")
            text = ""
        lines = []
        for raw_text in text.splitlines():
            soft = raw_text.rstrip().endswith(_SOFT_HYPHENS)
            cleaned = _clean_pdf_line(raw_text, soft)
            if cleaned:
                lines.append(Line(cleaned, index + 1, soft_hyphen_end=soft))
        pages.append(Page(index + 1, None, lines))
    return Extraction(pages, page_count, str(title) if title else None, warnings)


# --------------------------------------------------------------------------- layout


def _furniture_key(text: str) -> str:
    return " ".join(_DIGIT.sub("#", _PUNCTUATION.sub(" ", text.lower())).split())


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


@dataclass(slots=True)
class LineFacts:
    """What classification and assembly consult about one kept line, all known before either runs."""

    line: Line
    width: int  # a full line on this line's page, in characters
    on_toc_page: bool
    with_leader: bool
    in_row: bool  # shares its baseline with another line: a table cell, not a heading
    bullet: bool
    starts_item: bool  # a bullet or an enumeration mark
    guess: HeadingGuess | None
    gap_before: bool


@dataclass(slots=True)
class ReadingOrder:
    """The lines left once furniture is dropped, with their facts, and the furniture lines kept once."""

    facts: list[LineFacts]
    furniture_before: dict[int, list[Line]]  # position in facts -> header/footer lines kept as blocks there


class LayoutReader:
    """Rebuilds blocks from the lines of all pages of one PDF.

    Three steps, each a function of the previous one's result: the reading order (lines and
    their facts), one classification per line, and the assembly of blocks with the section trail.
    """

    def __init__(self, pages: list[Page]):
        self.pages = pages
        self._heights = {page.number: page.height for page in pages}
        self.geometry = any(line.top is not None for page in pages for line in page.lines)
        self.body_size = self._body_size()
        self.body_is_bold = self._body_is_bold()

    # -- statistics -------------------------------------------------------

    def _body_size(self) -> float | None:
        # Running text is in long lines; counting short ones lets dense small-print tables win.
        sizes: Counter[float] = Counter()
        fallback: Counter[float] = Counter()
        for page in self.pages:
            for line in page.lines:
                if line.size:
                    fallback[line.size] += len(line.text)
                    if len(line.text) >= 50:
                        sizes[line.size] += len(line.text)
        chosen = sizes or fallback
        return chosen.most_common(1)[0][0] if chosen else None

    def _body_is_bold(self) -> bool:
        bold = sum(len(line.text) for page in self.pages for line in page.lines if line.bold)
        total = sum(len(line.text) for page in self.pages for line in page.lines) or 1
        return bold / total > 0.4

    # -- running headers and footers -------------------------------------

    def _band_lines(self, page: Page) -> tuple[list[tuple[int, Line]], set[int]]:
        """The page's header and footer band lines, and the ids of each band's outermost line."""
        indexed = list(enumerate(page.lines))
        if self.geometry and page.height:
            placed = [(i, line) for i, line in indexed if line.top is not None]
            by_top = sorted(placed, key=lambda item: -item[1].top)
            top_band = [item for item in by_top[:FURNITURE_LINES] if item[1].top >= page.height * (1 - FURNITURE_BAND)]
            bottom_band = [item for item in by_top[::-1][:FURNITURE_LINES] if item[1].bottom <= page.height * FURNITURE_BAND]
            # Only on a band's outermost line may a lone leading token identify a running head.
            outermost = {id(band[0][1]) for band in (top_band, bottom_band) if band}
            return top_band + bottom_band, outermost
        # Without positions only the first and last lines can be furniture.
        return (indexed[:2] + indexed[-2:] if len(indexed) > 4 else indexed[:1] + indexed[-1:]), set()

    def find_furniture(self) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
        """Lines to drop (page, index), and which of them to keep once as header/footer blocks."""
        count = len(self.pages)
        threshold = 2 if count <= 4 else max(3, math.ceil(count * 0.25))
        seen_on: dict[tuple, set[int]] = defaultdict(set)
        candidates: list[tuple[int, int, Line, list[tuple]]] = []
        drop: set[tuple[int, int]] = set()
        for page in self.pages:
            band, outermost = self._band_lines(page)
            for index, line in band:
                if is_page_number(line.text):
                    drop.add((page.number, index))
                    continue
                key = _furniture_key(line.text)
                if not key:
                    continue
                keys: list[tuple] = [("text", key)]
                tokens = key.split()
                if self.geometry and line.top is not None and len(tokens) >= 2 and len(line.text) <= 80:
                    prefix = tokens[:-1]
                    # Running heads that name the current section ("... Section B") differ only at the end.
                    # Distance from the nearer page edge, so portrait and landscape pages agree.
                    edge = round(min(page.height - line.top, line.bottom) / 4) if page.height else round(line.top / 4)
                    # A prefix of one number ("# scope" -> "#") would match every numbered heading.
                    if len(prefix) >= 2 and any(sum(ch.isalpha() for ch in token) >= 3 for token in prefix):
                        keys.append(("prefix", edge, " ".join(prefix)))
                    lead = tokens[0]
                    if id(line) in outermost and len(lead) >= 5 and _LOWER_ASCII.search(lead) and lead.strip("#"):
                        # "GS00M02PDR0008 Section C" / "GS00M02PDR0008 J1 - Data ..." share only a document number.
                        keys.append(("lead", edge, lead))
                for k in keys:
                    seen_on[k].add(page.number)
                candidates.append((page.number, index, line, keys))
        keep_once: dict[tuple[int, int], str] = {}
        kept_keys: set[str] = set()
        if count < 2:
            return drop, keep_once
        for page_number, index, line, keys in candidates:
            if any(len(seen_on[k]) >= threshold for k in keys):
                drop.add((page_number, index))
                key = keys[0][1]
                if key not in kept_keys and not is_page_number(line.text):
                    kept_keys.add(key)
                    keep_once[(page_number, index)] = line.text
        return drop, keep_once

    # -- contents pages ---------------------------------------------------

    def _is_toc_page(self, page: Page, with_leader: list[bool], after_toc_page: bool) -> bool:
        """Contents pages: many dot leaders, or a contents title (or a contents page before) and many page refs."""
        texts = [line.text for line in page.lines]
        if not texts:
            return False
        leaders = sum(with_leader)
        if leaders >= 5 or leaders >= 0.4 * len(texts):
            return True
        if after_toc_page or any(is_toc_title(text) for text in texts[:8]):
            entries = sum(1 for text in texts if looks_like_toc_entry(text))
            return entries >= 0.4 * len(texts)
        return False

    def _shares_row(self, page: Page) -> set[int]:
        """Ids of lines that sit on the same baseline as another line: table cells, not headings."""
        placed = sorted((line.top, id(line)) for line in page.lines if line.top is not None)
        shared: set[int] = set()
        for (top_a, id_a), (top_b, id_b) in zip(placed, placed[1:]):
            if top_b - top_a < 1.5:
                shared.update((id_a, id_b))
        return shared

    # -- classification ---------------------------------------------------

    def _full_width(self, page: Page) -> int:
        lengths = sorted(len(line.text) for line in page.lines)
        if not lengths:
            return 80
        return max(40, lengths[int(len(lengths) * 0.8)])

    def _gap_before(self, previous: Line | None, line: Line) -> bool:
        """A vertical gap or a jump upwards between two lines of the same page."""
        if previous is None or previous.page != line.page:
            return True
        if line.top is None or previous.top is None or previous.bottom is None or line.bottom is None:
            return False
        height = max(line.top - line.bottom, 1.0)
        gap = previous.bottom - line.top
        return gap > max(3.0, 0.45 * height) or line.top > previous.top + 2

    def _size_heading(self, line: Line) -> bool:
        if not (self.body_size and line.size and line.size >= self.body_size + HEADING_SIZE_STEP):
            return False
        return len(line.text.split()) <= 14 and not line.text.endswith((".", ",", ";"))

    def _bold_heading(self, line: Line) -> bool:
        if not line.bold or self.body_is_bold:
            return False
        text = line.text
        return len(text.split()) <= 12 and not text.endswith((".", ",", ";")) and not _BULLET.match(text) and text[:1].isupper() | text[:1].isdigit()

    def blocks(self) -> list[Block]:
        order = self.reading_order(*self.find_furniture())
        kinds = [self._classify(order.facts, i) for i in range(len(order.facts))]
        return self._assemble(order, kinds, _recurring_heading_sizes(order.facts, kinds))

    def reading_order(self, drop: set[tuple[int, int]], keep_once: dict[tuple[int, int], str]) -> ReadingOrder:
        """The lines not in ``drop``, in page order, with the facts the later steps consult."""
        kept: list[tuple[Line, int, bool, bool, bool]] = []
        furniture_before: dict[int, list[Line]] = defaultdict(list)
        toc = False
        for page in self.pages:
            with_leader = [has_dot_leader(line.text) for line in page.lines]
            width = self._full_width(page)
            toc = self._is_toc_page(page, with_leader, after_toc_page=toc)
            in_row = self._shares_row(page) if self.geometry else set()
            for index, line in enumerate(page.lines):
                if (page.number, index) in keep_once:
                    furniture_before[len(kept)].append(line)
                if (page.number, index) in drop:
                    continue
                kept.append((line, width, toc, with_leader[index], id(line) in in_row))
        guess_by_text: dict[str, HeadingGuess | None] = {}  # form labels and repeated captions are judged once
        facts: list[LineFacts] = []
        previous: Line | None = None
        for line, width, on_toc_page, with_leader_mark, in_row_mark in kept:
            if line.text not in guess_by_text:
                guess_by_text[line.text] = guess_heading(line.text)
            bullet = bool(_BULLET.match(line.text))
            facts.append(LineFacts(
                line=line, width=width, on_toc_page=on_toc_page, with_leader=with_leader_mark, in_row=in_row_mark,
                bullet=bullet, starts_item=bullet or bool(_ENUMERATED.match(line.text)),
                guess=guess_by_text[line.text], gap_before=self._gap_before(previous, line),
            ))
            previous = line
        return ReadingOrder(facts, furniture_before)

    def _assemble(self, order: ReadingOrder, kinds: list[tuple[str, HeadingGuess | None]],
                  heading_sizes: list[float]) -> list[Block]:
        """Paragraphs and headings from the classified lines, tracking the section trail."""
        facts, furniture_before = order.facts, order.furniture_before
        trail = SectionTrail()
        blocks: list[Block] = []
        current: list[Line] = []
        current_kind = "paragraph"

        def flush() -> None:
            nonlocal current, current_kind
            if current:
                text = _join_lines(current)
                if current_kind == "list_item":
                    text = _BULLET.sub("", text, count=1).strip() or text
                blocks.append(Block(text=text, kind=current_kind, page=current[0].page, section=trail.trail))
            current, current_kind = [], "paragraph"

        last_heading: tuple[int, Block, str] | None = None  # (line index, block, how)
        for i, fact in enumerate(facts):
            line = fact.line
            for furniture in furniture_before.get(i, ()):
                flush()
                blocks.append(Block(text=furniture.text, kind="header_footer", page=furniture.page))
            kind, guess = kinds[i]
            previous = facts[i - 1].line if i else None
            if kind.endswith("heading"):
                flush()
                if last_heading and self._continues_heading(last_heading, i, line, previous, kind):
                    _, block, how = last_heading
                    block.text = f"{block.text} {line.text}".strip()
                    trail.rename_innermost(block.text)
                    last_heading = (i, block, how)
                    continue
                if kind == "size-heading" and not (guess and guess.numbered):
                    level = 1 + sum(1 for size in heading_sizes if size > (line.size or 0))
                    numbered = False
                elif guess and guess.numbered:
                    level, numbered = guess.level, True
                else:
                    level, numbered = trail.level_for_unnumbered(), False
                above = trail.enter(line.text, level, numbered=numbered)
                block = Block(text=line.text, kind="heading", page=line.page, section=above, level=level)
                blocks.append(block)
                last_heading = (i, block, kind)
                continue
            last_heading = None if kind != "toc" else last_heading
            if kind == "toc-title":
                # A heading, but not a parent of what follows the contents pages.
                flush()
                blocks.append(Block(text=line.text, kind="heading", page=line.page, section=trail.trail, level=1))
                continue
            if kind == "toc":
                flush()
                blocks.append(Block(text=_collapse_leaders(line.text), kind="paragraph", page=line.page, section=trail.trail))
                continue
            if kind == "footnote":
                flush()
                current, current_kind = [line], "footnote"
                continue
            # A paragraph being built always ends with the line before this one.
            if current and self._breaks(facts, i):
                flush()
            if not current:
                # "1.1.1. The contractor shall ..." is a numbered clause, not a list entry.
                current_kind = "list_item" if fact.starts_item and not _CLAUSE_NUMBER.match(line.text) else "paragraph"
            current.append(line)
        flush()
        for furniture in furniture_before.get(len(facts), []):
            blocks.append(Block(text=furniture.text, kind="header_footer", page=furniture.page))
        return blocks

    def _classify(self, facts: list[LineFacts], i: int) -> tuple[str, HeadingGuess | None]:
        """How line ``i`` reads: a heading (and how it was recognised), body, contents entry or footnote."""
        fact = facts[i]
        line, text, width = fact.line, fact.line.text, fact.width
        if fact.on_toc_page:
            if is_toc_title(text):
                return "toc-title", None
            return "toc", None
        if fact.with_leader:
            return "toc", None
        if fact.bullet:
            return "body", None
        if fact.in_row:
            return "body", None
        if self._is_footnote_start(line):
            return "footnote", None
        if not self._starts_fresh(facts, i):
            return "body", None
        continues = self._continues(facts, i)
        guess = fact.guess
        if self._size_heading(line) and not (continues and len(text) >= 0.6 * width):
            return "size-heading", guess
        if continues:
            return "body", None
        if guess is not None:
            return "text-heading", guess
        if self._bold_heading(line):
            return "bold-heading", None
        return "body", None

    def _is_footnote_start(self, line: Line) -> bool:
        """A small-print line near the page foot that starts with a note number."""
        height = self._heights.get(line.page)
        if not (height and line.size and self.body_size and line.bottom is not None):
            return False
        return line.size <= self.body_size - 1.5 and line.bottom < 0.3 * height and bool(_FOOTNOTE_MARK.match(line.text))

    def _starts_fresh(self, facts: list[LineFacts], i: int) -> bool:
        if facts[i].gap_before:
            return True
        line, previous = facts[i].line, facts[i - 1].line
        if self.geometry and previous.size and line.size and abs(previous.size - line.size) >= 1:
            return True
        prev_text = previous.text
        return bool(_SENTENCE_END.search(prev_text)) or len(prev_text) < 0.6 * facts[i].width or facts[i - 1].guess is not None

    def _continues(self, facts: list[LineFacts], i: int) -> bool:
        """True when line ``i`` runs on into the next line, so it is part of a paragraph."""
        if i + 1 == len(facts) or facts[i + 1].gap_before:
            return False
        line, following = facts[i].line, facts[i + 1].line
        if line.soft_hyphen_end:
            return True
        if self.geometry and line.size and following.size and abs(line.size - following.size) >= 1:
            return False
        nxt = following.text
        if nxt[:1].islower():
            return True
        return len(line.text) >= 0.85 * facts[i].width and not facts[i + 1].starts_item and facts[i + 1].guess is None

    def _continues_heading(self, last: tuple[int, Block, str], i: int, line: Line, previous: Line | None, kind: str) -> bool:
        """A heading wrapped over two lines, or a bare label ("ARTICLE IV") followed by its title."""
        index, block, how = last
        if index != i - 1 or previous is None or previous.page != line.page:
            return False
        if how == "size-heading" and kind == "size-heading":
            same_size = previous.size == line.size
            short_enough = len(block.text.split()) + len(line.text.split()) <= 25
            return same_size and short_enough and not self._big_gap(previous, line) and not guess_heading(line.text, allow_caps=False)
        label_only = _LABEL_ONLY.fullmatch(block.text)
        return bool(label_only) and (is_caps_heading(line.text) or kind != "body") and not guess_heading(line.text, allow_caps=False)

    def _big_gap(self, previous: Line, line: Line) -> bool:
        if line.top is None or previous.bottom is None or line.bottom is None:
            return False
        return previous.bottom - line.top > 0.8 * max(line.top - line.bottom, 1.0)

    def _breaks(self, facts: list[LineFacts], i: int) -> bool:
        """Whether line ``i`` starts a new paragraph after the line before it."""
        if facts[i].starts_item:
            return True
        line, previous = facts[i].line, facts[i - 1].line
        if previous.page != line.page:
            # A paragraph runs on over a page break when the sentence is clearly unfinished.
            return bool(_SENTENCE_END.search(previous.text)) or not line.text[:1].islower()
        if facts[i].gap_before:
            return True
        if self.geometry and previous.size and line.size and abs(previous.size - line.size) >= 1:
            return True
        if _SENTENCE_END.search(previous.text) and len(previous.text) < 0.7 * facts[i - 1].width and not line.text[:1].islower():
            return True
        return False


def _recurring_heading_sizes(facts: list[LineFacts], kinds: list[tuple[str, HeadingGuess | None]]) -> list[float]:
    """Font sizes of size-recognised headings seen on two or more pages, largest first.

    One-off sizes (a cover page's title) rank with the largest.
    """
    pages_by_size: dict[float, set[int]] = defaultdict(set)
    for fact, (kind, _) in zip(facts, kinds):
        if kind == "size-heading" and fact.line.size:
            pages_by_size[fact.line.size].add(fact.line.page)
    return sorted((size for size, on in pages_by_size.items() if len(on) >= 2), reverse=True)


def _join_lines(lines: list[Line]) -> str:
    parts: list[str] = []
    for i, line in enumerate(lines):
        text = line.text
        if not parts:
            parts.append(text)
            continue
        previous = lines[i - 1]
        if previous.soft_hyphen_end:
            parts[-1] = parts[-1] + text
        elif parts[-1].endswith("-") and len(parts[-1]) > 1 and parts[-1][-2].islower() and text[:1].islower():
            parts[-1] = parts[-1][:-1] + text
        else:
            parts.append(" " + text)
    return "".join(parts).strip()


def _collapse_leaders(text: str) -> str:
    return _LEADER_RUN.sub(" \u2026 ", text).strip()
