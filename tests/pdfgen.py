"""A tiny dependency-free PDF writer for tests: Helvetica text lines on pages, optional running header/footer.

Each page is a list of lines; a line is text, or ``(text, size)`` for a larger heading.
Writes a classic cross-reference table so every reader (pdfium, pypdf, poppler) opens it.
"""

from __future__ import annotations

from pathlib import Path

PAGE_WIDTH, PAGE_HEIGHT = 612, 792
BODY_SIZE = 11
LEADING = 14


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(lines, number: int, total: int, header: str | None, footer: str | None, page_numbers: bool) -> bytes:
    ops: list[str] = []

    def show(text: str, x: float, y: float, size: float) -> None:
        ops.append(f"BT /F1 {size} Tf {x} {y} Td ({_escape(text)}) Tj ET")

    if header:
        show(header, 72, PAGE_HEIGHT - 40, 9)
    y = PAGE_HEIGHT - 80
    for line in lines:
        text, size = (line, BODY_SIZE) if isinstance(line, str) else line
        if text == "":
            y -= LEADING  # a blank line: the paragraph gap a reader sees
            continue
        show(text, 72, y, size)
        y -= max(LEADING, size + 4)
    if footer:
        show(footer, 72, 30, 9)
    if page_numbers:
        show(f"Page {number} of {total}", PAGE_WIDTH - 140, 30, 9)
    return "\n".join(ops).encode("latin-1")


def build_pdf(objects: list[bytes], root: int) -> bytes:
    """Serialise numbered objects (1-based, in order) with a valid xref table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def make_pdf(pages, *, header: str | None = None, footer: str | None = None, page_numbers: bool = False) -> bytes:
    """PDF bytes with one page per entry of ``pages`` (each a list of lines)."""
    total = len(pages)
    # 1 catalog, 2 page tree, 3 font, then a (page, content) pair per page.
    kids = [4 + 2 * i for i in range(total)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {total} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, lines in enumerate(pages):
        content = _page_stream(lines, index + 1, total, header, footer, page_numbers)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {kids[index] + 1} 0 R >>".encode()
        )
        objects.append(_stream(content))
    return build_pdf(objects, root=1)


def make_image_only_pdf(page_count: int = 2) -> bytes:
    """A PDF whose pages carry only a drawn rectangle: pages, but no text layer (like a scan)."""
    kids = [3 + 2 * i for i in range(page_count)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {page_count} >>".encode(),
    ]
    for index in range(page_count):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] /Contents {kids[index] + 1} 0 R >>".encode())
        objects.append(_stream(b"0.5 g 72 72 468 648 re f"))
    return build_pdf(objects, root=1)


def write_pdf(path: Path, pages, **options) -> Path:
    path.write_bytes(make_pdf(pages, **options))
    return path
