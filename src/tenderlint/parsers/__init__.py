"""Turn a file into a ``Document``: guard the input, detect the format from its bytes, run its parser.

``parse`` is the one entry point every later stage uses. Each format has its own module
(``pdf``, ``docx``, ``html``, ``markdown``) producing located ``Block``s; this module adds what
every format shares: size and existence checks, the SHA-256, the language guess and its
warning, and character offsets.
"""

from __future__ import annotations

import gc
import hashlib
import os
import stat
from contextlib import contextmanager
from pathlib import Path

from tenderlint.document import Block, Document
from tenderlint.errors import TenderlintError, shown_path
from tenderlint.language import guess_language, language_warning
from tenderlint.logs import quiet_libraries
from tenderlint.parsers.sniff import FORMATS, detect_format

__all__ = ["DEFAULT_MAX_BYTES", "OCR_MODES", "PDF_BACKENDS", "FORMATS", "parse", "parse_bytes", "detect_format",
           "read_bytes"]

quiet_libraries()  # a damaged file gets one coded line, not also the parser library's log lines

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# A document's extracted text may not be longer than this: about three million words, some
# 6,000 dense pages. The rules would need minutes for more, and the report would be unreadable.
MAX_TEXT_CHARS = 20_000_000
PDF_BACKENDS: tuple[str, ...] = ("auto", "pdfium", "pypdf")
OCR_MODES: tuple[str, ...] = ("auto", "always", "never")  # the same as tenderlint.parsers.ocr.OCR_MODES


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, after checking it exists, is a regular file, is not empty and is not over ``max_bytes``.

    The file is opened without blocking (a FIFO with no writer would wait forever) and checked
    to be a regular file before anything is read: a directory, FIFO, socket or device is refused
    with ``not-a-file``. The read itself stops at ``max_bytes``, so a file whose size the system
    does not know (``/proc`` files, a file still growing) cannot use unbounded memory.
    """
    path = Path(path)
    name = shown_path(path.name or path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise TenderlintError("not-found", f"{shown_path(path)} does not exist")
    except OSError as error:
        raise TenderlintError("not-found", f"{shown_path(path)} cannot be read ({error.strerror or error})")
    if not stat.S_ISREG(info.st_mode):
        raise TenderlintError("not-a-file", f"{name} is {_kind_of(info.st_mode)}, not a document file")
    if info.st_size > max_bytes:
        raise TenderlintError("too-large", f"{name} is {info.st_size / 1048576:.1f} MiB, over the {_limit(max_bytes)} size limit")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise TenderlintError("not-found", f"{shown_path(path)} cannot be read ({error.strerror or error})")
    try:
        info = os.fstat(fd)  # the path may have been swapped for another kind of file since the stat
        if not stat.S_ISREG(info.st_mode):
            raise TenderlintError("not-a-file", f"{name} is {_kind_of(info.st_mode)}, not a document file")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise TenderlintError("not-found", f"{shown_path(path)} cannot be read ({error.strerror or error})")
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # the file grew between stat and read, or its size is not known
        raise TenderlintError("too-large", f"{name} is over the {_limit(max_bytes)} size limit")
    if not data.strip():
        raise TenderlintError("empty", f"{name} is empty")
    return data


def _limit(max_bytes: int) -> str:
    return f"{max_bytes / 1048576:.1f} MiB"


def _kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def parse(path: str | Path, *, pdf_backend: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES, ocr: str = "auto",
          ocr_workers: int | None = None, ocr_time_limit: float | None = None, ocr_progress: bool = False) -> Document:
    """Parse the document at ``path`` into located blocks.

    ``pdf_backend`` is "auto" (pypdfium2, falling back to pypdf), "pdfium" or "pypdf".
    ``ocr`` ("auto", "always" or "never") says when PDF pages are read with Tesseract (see
    ``tenderlint.parsers.ocr``); ``ocr_workers`` threads read them (default: one per core),
    within ``ocr_time_limit`` seconds, with a progress bar on a terminal when ``ocr_progress``.
    Raises ``TenderlintError`` for anything wrong with the file itself.
    """
    if pdf_backend not in PDF_BACKENDS:
        raise TenderlintError("usage", f"unknown PDF backend {pdf_backend!r}; choose one of {', '.join(PDF_BACKENDS)}")
    path = Path(path)
    return parse_bytes(read_bytes(path, max_bytes=max_bytes), path, pdf_backend=pdf_backend, ocr=ocr,
                       ocr_workers=ocr_workers, ocr_time_limit=ocr_time_limit, ocr_progress=ocr_progress)


def parse_bytes(data: bytes, path: str | Path, *, pdf_backend: str = "auto", ocr: str = "auto",
                ocr_workers: int | None = None, ocr_time_limit: float | None = None,
                ocr_progress: bool = False) -> Document:
    """Parse a document's bytes; ``path`` names it (its suffix helps detect the format).

    The PDF and OCR options are those of ``parse``.
    """
    if pdf_backend not in PDF_BACKENDS:
        raise TenderlintError("usage", f"unknown PDF backend {pdf_backend!r}; choose one of {', '.join(PDF_BACKENDS)}")
    if ocr not in OCR_MODES:
        raise TenderlintError("usage", f"unknown OCR mode {ocr!r}; choose one of {', '.join(OCR_MODES)}")
    path = Path(path)
    if not data.strip():
        raise TenderlintError("empty", f"{path.name} is empty")
    fmt = detect_format(path, data)
    if fmt == "pdf":
        from tenderlint.parsers.pdf import parse_pdf

        parsed = parse_pdf(data, path.name, backend=pdf_backend, ocr=ocr, ocr_workers=ocr_workers,
                           ocr_time_limit=ocr_time_limit, ocr_progress=ocr_progress)
        return finish_document(path, data, fmt, parsed)
    with collection_paused():
        if fmt == "docx":
            from tenderlint.parsers.docx import parse_docx

            parsed = parse_docx(data, path.name)
        elif fmt == "html":
            from tenderlint.parsers.html import parse_html

            parsed = parse_html(data, path.name)
        else:
            from tenderlint.parsers.markdown import parse_markdown, parse_plain_text

            parsed = parse_markdown(data, path.name) if fmt == "markdown" else parse_plain_text(data, path.name)
    return finish_document(path, data, fmt, parsed)


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector paused while a DOCX, HTML, Markdown or text file is read.

    These readers build hundreds of thousands of objects for a big table (blocks, lxml's element
    proxies), none of them in a reference cycle, and each automatic full collection walks all that
    are alive again: about a fifth of the time of reading a 200,000-row DOCX table. Cycles made
    meanwhile (python-docx's package and parts hold the whole XML tree in one) are collected at
    the first collection after, before the document is finished (its language is guessed with
    lingua's models loaded). Not for PDFs, whose libraries do build cyclic structures page after page.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class ParsedContent:
    """What a format parser hands back before the shared finishing steps."""

    __slots__ = ("blocks", "pages", "title", "warnings", "ocr_pages", "ocr_confidence")

    def __init__(self, blocks: list[Block], *, pages: int | None = None, title: str | None = None, warnings: list[str] | None = None,
                 ocr_pages: list[int] | None = None, ocr_confidence: float | None = None):
        self.blocks = blocks
        self.pages = pages
        self.title = title
        self.warnings = warnings or []
        self.ocr_pages = ocr_pages or []
        self.ocr_confidence = ocr_confidence


def finish_document(path: Path, data: bytes, fmt: str, parsed: ParsedContent) -> Document:
    """Build the ``Document``: drop empty blocks, guess the language, set offsets."""
    blocks = [block for block in parsed.blocks if block.text.strip()]
    warnings = list(parsed.warnings)
    if not blocks:
        raise TenderlintError("empty", f"{shown_path(path.name)} contains no text")
    characters = sum(len(block.text) for block in blocks)
    if characters > MAX_TEXT_CHARS:
        raise TenderlintError(
            "too-large", f"{shown_path(path.name)} has {characters / 1e6:.1f} million characters of text, over the "
            f"limit of {MAX_TEXT_CHARS / 1e6:g} million characters a document may have")
    blocks, directives = _source_locations_and_directives(blocks, data, fmt)
    if not blocks:
        raise TenderlintError("empty", f"{shown_path(path.name)} contains nothing but tenderlint waivers")
    # Building the Document locates the blocks: their offsets into its text.
    document = Document(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt, blocks=blocks, pages=parsed.pages)
    document.directives = directives
    body = [block.text for block in blocks if block.kind != "header_footer"]
    code, confidence = guess_language("\n".join(body))
    document.language, document.language_confidence = code, confidence
    warning = language_warning(code, confidence)
    if warning:
        warnings.append(warning)
    title = (parsed.title or "").strip()
    if not title:
        first_heading = next((block.text for block in blocks if block.kind == "heading"), None)
        title = first_heading or ""
    document.title = title[:200] or None
    document.warnings = warnings
    document.ocr_pages = list(parsed.ocr_pages)
    document.ocr_confidence = parsed.ocr_confidence
    return document


def _source_locations_and_directives(blocks: list[Block], data: bytes, fmt: str):
    """Blocks located in the source (line formats) without the inline waivers, and those waivers."""
    from tenderlint.directives import Directive, comment_directives, parse_directive
    from tenderlint.locations import LINE_FORMATS, SourceLines, anchor_blocks
    from tenderlint.parsers.text import decode_text

    source = None
    if fmt in LINE_FORMATS:
        source = decode_text(data)
        anchor_blocks(blocks, source)
    directives: list[Directive] = []
    kept: list[Block] = []
    for block in blocks:
        parsed = parse_directive(block.text) if "tenderlint" in block.text.lower() else None
        if parsed is None:
            kept.append(block)
            continue
        if block.line is not None:
            where = f"line {block.line}"
        elif block.paragraph is not None:
            where = f"paragraph {block.paragraph}"
        else:
            where = f"page {block.page}" if block.page else ""
        directives.append(Directive(parsed[0], parsed[1], where))
    if source is not None and "tenderlint" in source.lower():
        lines = SourceLines(source)
        found = [(lines.line_column(offset)[0], topics, reason)
                 for offset, topics, reason in (comment_directives(source) if fmt != "text" else [])]
        own_lines: set[int] = set()  # directives standing as lines of the text (not in comments)
        if fmt != "html":  # a line of its own, also inside a paragraph or after a list or quote marker
            for number, line in enumerate(source.split("\n"), start=1):
                if "tenderlint" in line.lower():
                    parsed = parse_directive(line.strip().lstrip(">*-+ \t"))
                    if parsed is not None and not line.lstrip().startswith("<!--"):
                        found.append((number, *parsed))
                        own_lines.add(number)
        for number, topics, reason in sorted(found, key=lambda item: item[0]):
            where = f"line {number}"
            if not any(d.where == where or (d.topics, d.reason) == (topics, reason) for d in directives):
                directives.append(Directive(topics, reason, where))
        # A directive line inside a paragraph: take it out of that paragraph's text.
        kept = [_without_lines(block, own_lines) for block in kept]
        kept = [block for block in kept if block.text.strip()]
    return kept, directives


def _without_lines(block: Block, numbers: set[int]) -> Block:
    """``block`` without the text that came from the source lines ``numbers`` (located blocks only)."""
    anchors = block.anchors
    if not anchors or not numbers or anchors[0][1] > max(numbers) or anchors[-1][1] < min(numbers):
        return block
    cuts = []
    for i, (offset, line, _column) in enumerate(anchors):
        if line in numbers and (i == 0 or anchors[i - 1][1] != line):
            end = next((a[0] for a in anchors[i + 1:] if a[1] != line), len(block.text))
            cuts.append((offset, end))
    if not cuts:
        return block
    text, kept_anchors = block.text, []
    pieces, position = [], 0
    for start, end in cuts:
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    for offset, line, column in anchors:
        if line in numbers:
            continue
        shift = sum(end - start for start, end in cuts if end <= offset)
        kept_anchors.append((offset - shift, line, column))
    new_text = "".join(pieces)
    stripped = new_text.rstrip()
    block.text = stripped
    block.anchors = tuple(a for a in kept_anchors if a[0] < len(stripped)) or ()
    if block.anchors:
        block.line, block.column = block.anchors[0][1], block.anchors[0][2]
    return block
