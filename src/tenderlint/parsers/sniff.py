"""Decide a file's format from its bytes: PDF and ZIP magic numbers, DOCX members, HTML and Markdown sniffing.

The file name never decides the format; its suffix only breaks the tie between Markdown
and plain text when the content gives no clear signal either way.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from tenderlint.errors import TenderlintError
from tenderlint.parsers.text import decode_text, looks_binary

FORMATS: tuple[str, ...] = ("pdf", "docx", "html", "markdown", "text")

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
DOCX_MEMBERS = ("[Content_Types].xml", "word/document.xml")
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".mdown", ".mkd"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
# (No pattern below may take more than linear time: "[^<>]" rather than "[^>]" so that a run of
# "<" is not rescanned from each of its characters.)
_HTML_TAGS = re.compile(rb"<(?:html|body|head|p|div|h[1-6]|table|ul|ol|span|meta|title)\b[^<>]*>", re.IGNORECASE)
# A PDF header not at the very start counts only in a file that also has PDF objects.
_PDF_HEADER = re.compile(rb"%PDF-\d")
_PDF_OBJECT = re.compile(rb"\d+[ \t\r\n]+\d+[ \t\r\n]+obj\b")

# Markdown constructs that plain text almost never has. Each pattern is linear in the text: indents
# are "[ \t]*", never "\s*" (which would run over every following blank line from every line
# start), and bracketed parts exclude their own opening character.
_MD_STRONG = [
    re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE),  # ATX heading
    re.compile(r"^\S.*\n(?:={3,}|-{3,})[ \t]*$", re.MULTILINE),  # setext heading
    re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE),  # fenced code
    re.compile(r"\[[^\[\]\n]+\]\([^()\s]+\)"),  # inline link
    re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|", re.MULTILINE),  # pipe-table separator row
]
_MD_WEAK = [
    re.compile(r"^[ \t]*[-*+][ \t]+\S", re.MULTILINE),  # bullet list
    re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"),  # strong emphasis
    re.compile(r"^>\s", re.MULTILINE),  # block quote
]


def detect_format(path: str | Path, data: bytes | None = None) -> str:
    """Return pdf | docx | html | markdown | text for the file at ``path``.

    ``data`` may pass the bytes already read. Raises ``unsupported-format`` for content that
    is none of these, ``binary-text`` for binary content in a .txt/.md file, and ``corrupt``
    for a ZIP container too damaged to list.
    """
    path = Path(path)
    if data is None:
        from tenderlint.parsers import read_bytes

        data = read_bytes(path)
    name = path.name
    if _looks_pdf(data):
        return "pdf"
    if data.startswith(ZIP_MAGICS) and not (_zip_damaged(data) and not looks_binary(data)):
        # (a readable text that merely starts with the ZIP signature is text)
        return _zip_format(data, name)
    if data.startswith(OLE2_MAGIC):
        raise TenderlintError(
            "unsupported-format", f"{name} is a legacy binary Office file (.doc/.xls); save it as DOCX or PDF first"
        )
    text_suffix = path.suffix.lower() in TEXT_SUFFIXES
    if looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if text_suffix:
            raise TenderlintError("binary-text", f"{name} contains binary content (NUL or control bytes), not text")
        raise TenderlintError("unsupported-format", f"{name} is not a PDF, DOCX, HTML, Markdown or text document")
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = decode_text(data, name=name)[:4096].encode("utf-8", "replace")
    head = head.removeprefix(b"\xef\xbb\xbf")
    starts_with_tag = head.lstrip().startswith(b"<")
    if _HTML_START.match(head) or (starts_with_tag and len(_HTML_TAGS.findall(head)) >= 3):
        return "html"
    text = decode_text(data[:262144], name=name)
    return "markdown" if _looks_markdown(text, path.suffix.lower()) else "text"


def _looks_pdf(data: bytes) -> bool:
    """A PDF starts with its header; the format allows junk before it (within the first KiB), but
    then the file must also hold PDF objects: a text that talks about "%PDF-1.7" is still text."""
    if data.startswith(PDF_MAGIC):
        return True
    header = _PDF_HEADER.search(data, 0, 1024 + len(PDF_MAGIC) + 1)
    return header is not None and _PDF_OBJECT.search(data, header.end(), header.end() + 65536) is not None


def _zip_damaged(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)):
            return False
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        return True


def _looks_markdown(text: str, suffix: str) -> bool:
    strong = sum(1 for pattern in _MD_STRONG if pattern.search(text))
    weak = sum(1 for pattern in _MD_WEAK if pattern.search(text))
    if strong >= 1 and strong + weak >= 2 or strong >= 2:
        return True
    if strong == 0 and weak == 0:
        return suffix in MARKDOWN_SUFFIXES
    # One lone signal is a tie: the suffix decides.
    return suffix in MARKDOWN_SUFFIXES if suffix in TEXT_SUFFIXES else strong >= 1


def _zip_format(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
        raise TenderlintError("corrupt", f"{name} is a damaged or truncated ZIP/DOCX container ({error})")
    if all(member in members for member in DOCX_MEMBERS):
        return "docx"
    if "word/document.xml" in members or "[Content_Types].xml" in members:
        raise TenderlintError("corrupt", f"{name} looks like a DOCX but is missing {', '.join(m for m in DOCX_MEMBERS if m not in members)}")
    raise TenderlintError("unsupported-format", f"{name} is a ZIP archive but not a DOCX document")
