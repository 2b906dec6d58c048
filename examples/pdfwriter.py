"""A small, dependency-free PDF writer for the bundled example documents.

It lays out headings, paragraphs, list items and simple tables in the base-14 Helvetica fonts
(WinAnsi encoding, nothing embedded), with a running header and a "Page N of M" footer, and
writes a classic uncompressed PDF 1.4 file with an exact cross-reference table. The output is
byte-for-byte reproducible: no dates, no random document IDs.

Plain text layers are the point: every line is drawn with real spaces between words, so
pypdf, pypdfium2 and pdftotext all read the words back as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)

REGULAR = "F1"
BOLD = "F2"
_BASE_FONTS = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold"}

# Advance widths (1/1000 em) of the printable ASCII range 32..126, from Adobe's Helvetica and
# Helvetica-Bold metrics, re-indexed for WinAnsi: code 39 is quotesingle and 96 is grave
# (Adobe's standard encoding puts quoteright and quoteleft there).
_ASCII_WIDTHS = {
    REGULAR: [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ],
    BOLD: [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    ],
}
# The few typographic characters outside ASCII that prose tends to use.
_EXTRA_WIDTHS = {
    REGULAR: {"\u2013": 556, "\u2014": 1000, "\u2018": 222, "\u2019": 222, "\u201c": 333,
              "\u201d": 333, "\u2022": 350, "\u00a7": 556, "\u20ac": 556, "\u2026": 1000},
    BOLD: {"\u2013": 556, "\u2014": 1000, "\u2018": 278, "\u2019": 278, "\u201c": 500,
           "\u201d": 500, "\u2022": 350, "\u00a7": 556, "\u20ac": 556, "\u2026": 1000},
}
# Any other WinAnsi character is measured as a typical lower-case letter: close enough for
# wrapping, which is all the widths are used for.
_FALLBACK_WIDTH = 556


def char_width(char: str, font: str) -> int:
    """Advance width of ``char`` in ``font`` (REGULAR or BOLD), in 1/1000 em."""
    code = ord(char)
    if 32 <= code <= 126:
        return _ASCII_WIDTHS[font][code - 32]
    return _EXTRA_WIDTHS[font].get(char, _FALLBACK_WIDTH)


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` set in ``font`` at ``size`` points."""
    return sum(char_width(c, font) for c in text) * size / 1000.0


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A single word wider than the line (a long address, say) is cut where it must be.
        while text_width(word, font, size) > width:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def _pdf_string(text: str) -> bytes:
    """``text`` as a PDF literal string in WinAnsi (cp1252) encoding."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise ValueError(f"character {exc.object[exc.start]!r} cannot be set in a WinAnsi font") from exc
    out = bytearray(b"(")
    for byte in raw:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    out += b")"
    return bytes(out)


def _num(value: float) -> bytes:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode("ascii")


def _text_op(x: float, baseline: float, text: str, font: str, size: float, gray: float = 0.0) -> bytes:
    """One line of text; saved and restored graphics state keeps a grey from leaking onward."""
    return (
        b"q " + _num(gray) + b" g BT /" + font.encode() + b" " + _num(size) + b" Tf 1 0 0 1 "
        + _num(x) + b" " + _num(baseline) + b" Tm " + _pdf_string(text) + b" Tj ET Q"
    )


def _rule_op(x1: float, y: float, x2: float, width: float = 0.5, gray: float = 0.0) -> bytes:
    """A horizontal line from ``x1`` to ``x2`` at height ``y``."""
    return (
        b"q " + _num(gray) + b" G " + _num(width) + b" w " + _num(x1) + b" " + _num(y) + b" m "
        + _num(x2) + b" " + _num(y) + b" l S Q"
    )


def _column_widths(rows: list[list[str]], shares: list[float], total: float, size: float, padding: float) -> list[float]:
    """Split ``total`` points between columns by ``shares``, never narrower than a column's longest word."""
    floors = [
        max(text_width(word, BOLD, size) for row in rows for word in row[col].split() or [""]) + 2 * padding
        for col in range(len(shares))
    ]
    fixed: set[int] = set()
    while True:
        free = total - sum(floors[c] for c in fixed)
        free_share = sum(share for c, share in enumerate(shares) if c not in fixed)
        widths = [floors[c] if c in fixed else free * shares[c] / free_share for c in range(len(shares))]
        narrow = {c for c, w in enumerate(widths) if c not in fixed and w < floors[c]}
        if not narrow:
            return widths
        fixed |= narrow


@dataclass
class _Page:
    """The drawing operators of one page's body, in the order they are drawn."""

    ops: list[bytes] = field(default_factory=list)


@dataclass
class Style:
    """Type settings for one kind of block."""

    font: str
    size: float
    leading: float
    space_before: float
    space_after: float


STYLES = {
    "title": Style(BOLD, 17.0, 21.0, 0.0, 10.0),
    "h1": Style(BOLD, 13.5, 17.0, 12.0, 5.0),
    "h2": Style(BOLD, 11.0, 14.0, 8.0, 3.0),
    "body": Style(REGULAR, 10.0, 13.4, 0.0, 6.0),
    "caption": Style(BOLD, 10.0, 13.4, 4.0, 4.0),
    "table": Style(REGULAR, 9.0, 11.6, 0.0, 0.0),
    "running": Style(REGULAR, 8.0, 10.0, 0.0, 0.0),
}


class PdfDocument:
    """Flows blocks of text onto pages and serialises them as a PDF file.

    Call ``title``, ``heading``, ``paragraph``, ``list_item`` and ``table`` in reading order,
    then ``to_bytes``. Page furniture (header, footer, page numbers) is added at the end,
    once the page count is known.
    """

    def __init__(
        self,
        *,
        page_size: tuple[float, float] = LETTER,
        margin: float = 66.0,
        header: str = "",
        footer: str = "",
        info: dict[str, str] | None = None,
        lang: str = "en-US",
    ) -> None:
        self.width, self.height = page_size
        self.margin = margin
        self.header = header
        self.footer = footer
        self.info = dict(info or {})
        self.lang = lang
        self.pages: list[_Page] = []
        self._top = self.height - margin
        self._bottom = margin
        self._y = 0.0
        self._new_page()

    # -- layout -----------------------------------------------------------------------------

    @property
    def _text_width(self) -> float:
        return self.width - 2 * self.margin

    def _new_page(self) -> None:
        self.pages.append(_Page())
        self._y = self._top

    def _ensure(self, height: float) -> None:
        """Start a new page unless ``height`` points still fit above the bottom margin."""
        if self._y - height < self._bottom and self._y < self._top:
            self._new_page()

    def _text(self, x: float, baseline: float, text: str, font: str, size: float, gray: float = 0.0) -> None:
        self.pages[-1].ops.append(_text_op(x, baseline, text, font, size, gray))

    def _rule(self, x1: float, y: float, x2: float, width: float = 0.5, gray: float = 0.0) -> None:
        self.pages[-1].ops.append(_rule_op(x1, y, x2, width, gray))

    def _lines(self, lines: list[str], style: Style, x: float, first_prefix: str = "", indent: float = 0.0) -> None:
        """Set already wrapped ``lines`` from the cursor down, breaking pages between lines.

        A list marker (``first_prefix``) is set in the same string as the first line, so text
        extractors read "1. Text" rather than a stray number in a column of its own; the later
        lines hang at ``indent``, the marker's exact width.
        """
        for number, line in enumerate(lines):
            self._ensure(style.leading)
            baseline = self._y - style.size
            if number == 0:
                self._text(x, baseline, f"{first_prefix}{line}", style.font, style.size)
            else:
                self._text(x + indent, baseline, line, style.font, style.size)
            self._y -= style.leading

    def _block(self, text: str, style: Style, keep_with_next: float = 0.0) -> None:
        lines = wrap(text, style.font, style.size, self._text_width)
        if self._y < self._top:
            self._y -= style.space_before
        # Headings and captions must not be stranded at the foot of a page without the text
        # they introduce; a paragraph may break across pages, but not after its first line.
        needed = len(lines) if keep_with_next else min(len(lines), 2)
        self._ensure(needed * style.leading + keep_with_next)
        self._lines(lines, style, self.margin)
        self._y -= style.space_after

    def title(self, text: str) -> None:
        self._block(text, STYLES["title"])

    def heading(self, text: str, level: int) -> None:
        body = STYLES["body"]
        self._block(text, STYLES["h1" if level <= 1 else "h2"], keep_with_next=3 * body.leading)

    def paragraph(self, text: str, bold: bool = False) -> None:
        self._block(text, STYLES["caption"] if bold else STYLES["body"],
                    keep_with_next=2 * STYLES["body"].leading if bold else 0.0)

    def list_item(self, marker: str, text: str) -> None:
        """A numbered or bulleted item with a hanging indent; ``marker`` is "1." or a bullet."""
        style = STYLES["body"]
        inset = 12.0
        prefix = f"{marker} "
        indent = text_width(prefix, style.font, style.size)
        lines = wrap(text, style.font, style.size, self._text_width - inset - indent)
        self._ensure(min(len(lines), 2) * style.leading)
        self._lines(lines, style, self.margin + inset, first_prefix=prefix, indent=indent)
        self._y -= style.space_after / 2

    def table(self, rows: list[list[str]], column_shares: list[float]) -> None:
        """A table drawn as text rows between rules; the first row is the header.

        ``column_shares`` gives each column's share of the text width. The header row is
        repeated at the top of every page the table continues onto.
        """
        style = STYLES["table"]
        padding = 5.0
        widths = _column_widths(rows, column_shares, self._text_width, style.size, padding)
        header, body = rows[0], rows[1:]

        def wrapped(row: list[str], font: str) -> list[list[str]]:
            return [wrap(cell, font, style.size, w - 2 * padding) for cell, w in zip(row, widths)]

        def height(cells: list[list[str]]) -> float:
            return max(len(c) for c in cells) * style.leading + 2 * padding

        def draw(cells: list[list[str]], font: str) -> None:
            top = self._y
            x = self.margin
            # Cell by cell, so text extractors that follow stream order keep a cell's lines together.
            for lines, w in zip(cells, widths):
                for number, line in enumerate(lines):
                    baseline = top - padding - style.size - number * style.leading
                    self._text(x + padding, baseline, line, font, style.size)
                x += w
            self._y = top - height(cells)
            self._rule(self.margin, self._y, self.margin + self._text_width, width=0.4, gray=0.55)

        def draw_header() -> None:
            self._rule(self.margin, self._y, self.margin + self._text_width, width=0.8)
            draw(wrapped(header, BOLD), BOLD)

        head_cells = wrapped(header, BOLD)
        self._y -= 2.0
        first_body = wrapped(body[0], REGULAR) if body else []
        self._ensure(height(head_cells) + (height(first_body) if body else 0.0))
        draw_header()
        for row in body:
            cells = wrapped(row, REGULAR)
            if self._y - height(cells) < self._bottom:
                self._new_page()
                draw_header()
            draw(cells, REGULAR)
        self._y -= STYLES["body"].space_after + 4.0

    # -- output -----------------------------------------------------------------------------

    def _furniture(self, number: int, count: int) -> tuple[list[bytes], list[bytes]]:
        """The running header, and the footer with its page number, for page ``number``."""
        style = STYLES["running"]
        head: list[bytes] = []
        if self.header:
            baseline = self.height - self.margin + 22.0
            head.append(_text_op(self.margin, baseline, self.header, style.font, style.size, 0.35))
            head.append(_rule_op(self.margin, baseline - 5.0, self.width - self.margin, 0.4, 0.6))
        foot: list[bytes] = []
        baseline = self.margin - 30.0
        if self.footer:
            foot.append(_text_op(self.margin, baseline, self.footer, style.font, style.size, 0.35))
        label = f"Page {number} of {count}"
        x = self.width - self.margin - text_width(label, style.font, style.size)
        foot.append(_text_op(x, baseline, label, style.font, style.size, 0.35))
        return head, foot

    def to_bytes(self) -> bytes:
        """The finished PDF file."""
        if not self.pages[-1].ops and len(self.pages) > 1:
            self.pages.pop()
        count = len(self.pages)
        objects: list[bytes] = []  # objects[i] is object number i + 1

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")  # filled in once the page tree's number is known
        pages_ref = add(b"")
        fonts = {
            name: add(b"<< /Type /Font /Subtype /Type1 /BaseFont /" + base.encode()
                      + b" /Encoding /WinAnsiEncoding >>")
            for name, base in _BASE_FONTS.items()
        }
        font_dict = b"<< " + b" ".join(b"/" + n.encode() + b" " + str(r).encode() + b" 0 R"
                                       for n, r in fonts.items()) + b" >>"
        page_refs = []
        for number, page in enumerate(self.pages, start=1):
            # Header first, then body, then footer: extractors then read each page top to bottom.
            head, foot = self._furniture(number, count)
            content = b"\n".join(head + page.ops + foot) + b"\n"
            stream = add(b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"endstream")
            page_refs.append(add(
                b"<< /Type /Page /Parent " + str(pages_ref).encode() + b" 0 R /MediaBox [0 0 "
                + _num(self.width) + b" " + _num(self.height) + b"] /Resources << /Font " + font_dict
                + b" /ProcSet [/PDF /Text] >> /Contents " + str(stream).encode() + b" 0 R >>"
            ))
        objects[pages_ref - 1] = (
            b"<< /Type /Pages /Kids [" + b" ".join(str(r).encode() + b" 0 R" for r in page_refs)
            + b"] /Count " + str(count).encode() + b" >>"
        )
        objects[catalog - 1] = (
            b"<< /Type /Catalog /Pages " + str(pages_ref).encode() + b" 0 R /Lang "
            + _pdf_string(self.lang) + b" >>"
        )
        info = add(b"<< " + b" ".join(b"/" + k.encode("ascii") + b" " + _pdf_string(v)
                                      for k, v in self.info.items()) + b" >>")

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
        xref_at = len(out)
        out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += (
            b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root " + str(catalog).encode()
            + b" 0 R /Info " + str(info).encode() + b" 0 R >>\nstartxref\n" + str(xref_at).encode()
            + b"\n%%EOF\n"
        )
        return bytes(out)
