"""Turn a file into a ``Document``: guard the input, detect the format from its bytes, run its parser.

``parse`` is the one entry point every later stage uses. Each format has its own module
(``pdf``, ``docx``, ``html``, ``markdown``) producing located ``Block``s; this module adds what
every format shares: size and existence checks, the SHA-256, the language guess and its
warning, and character offsets.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from tenderlint.document import Block, Document
from tenderlint.errors import TenderlintError, shown_path
from tenderlint.language import guess_language, language_warning
from tenderlint.logs import quiet_libraries
from tenderlint.parsers.sniff import FORMATS, detect_format

__all__ = ["DEFAULT_MAX_BYTES", "PDF_BACKENDS", "FORMATS", "parse", "detect_format", "read_bytes"]

quiet_libraries()  # a damaged file gets one coded line, not also the parser library's log lines

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# A document's extracted text may not be longer than this: about three million words, some
# 6,000 dense pages. The rules would need minutes for more, and the report would be unreadable.
MAX_TEXT_CHARS = 20_000_000
PDF_BACKENDS: tuple[str, ...] = ("auto", "pdfium", "pypdf")


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


def parse(path: str | Path, *, pdf_backend: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Parse the document at ``path`` into located blocks.

    ``pdf_backend`` is "auto" (pypdfium2, falling back to pypdf), "pdfium" or "pypdf".
    Raises ``TenderlintError`` for anything wrong with the file itself.
    """
    if pdf_backend not in PDF_BACKENDS:
        raise TenderlintError("usage", f"unknown PDF backend {pdf_backend!r}; choose one of {', '.join(PDF_BACKENDS)}")
    path = Path(path)
    data = read_bytes(path, max_bytes=max_bytes)
    fmt = detect_format(path, data)
    if fmt == "pdf":
        from tenderlint.parsers.pdf import parse_pdf

        parsed = parse_pdf(data, path.name, backend=pdf_backend)
    elif fmt == "docx":
        from tenderlint.parsers.docx import parse_docx

        parsed = parse_docx(data, path.name)
    elif fmt == "html":
        from tenderlint.parsers.html import parse_html

        parsed = parse_html(data, path.name)
    else:
        from tenderlint.parsers.markdown import parse_markdown, parse_plain_text

        parsed = parse_markdown(data, path.name) if fmt == "markdown" else parse_plain_text(data, path.name)
    return finish_document(path, data, fmt, parsed)


class ParsedContent:
    """What a format parser hands back before the shared finishing steps."""

    __slots__ = ("blocks", "pages", "title", "warnings")

    def __init__(self, blocks: list[Block], *, pages: int | None = None, title: str | None = None, warnings: list[str] | None = None):
        self.blocks = blocks
        self.pages = pages
        self.title = title
        self.warnings = warnings or []


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
    # Building the Document locates the blocks: their offsets into its text.
    document = Document(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt, blocks=blocks, pages=parsed.pages)
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
    return document
