"""Scanned PDFs made at test time from PDFs with a text layer, and how well OCR reads them back.

A "scan" here is each page rendered to a greyscale image with pypdfium2 and written as an
image-only PDF with Pillow: no text layer at all, as a scanner or a print-and-scan gives.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"[a-z0-9]+")


def page_images(pdf_path: str | Path, dpi: int, pages: list[int] | None = None) -> list:
    """Pillow images of the PDF's pages (1-based ``pages``; all when None)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        numbers = pages or list(range(1, len(pdf) + 1))
        return [pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil() for number in numbers]
    finally:
        pdf.close()


def image_pdf(images: list, dpi: int) -> bytes:
    """An image-only PDF with one page per image."""
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def scanned_pdf(pdf_path: str | Path, dpi: int, pages: list[int] | None = None) -> bytes:
    """The PDF's pages as an image-only PDF rendered at ``dpi``."""
    return image_pdf(page_images(pdf_path, dpi, pages), dpi)


def mixed_pdf(pdf_path: str | Path, scanned_page: int, dpi: int, pages: list[int]) -> bytes:
    """``pages`` of the PDF with their text layers, except ``scanned_page``, which is an image only."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(pdf_path))
    scan = pdfium.PdfDocument(scanned_pdf(pdf_path, dpi, [scanned_page]))
    out = pdfium.PdfDocument.new()
    try:
        for number in pages:
            if number == scanned_page:
                out.import_pages(scan, [0])
            else:
                out.import_pages(source, [number - 1])
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        out.close()
        scan.close()
        source.close()


def words(text: str) -> Counter:
    return Counter(_WORD.findall(text.lower()))


def word_recall(reference: str, read: str) -> float:
    """Share of the reference's words (with repeats) that the read text also has."""
    wanted, got = words(reference), words(read)
    total = sum(wanted.values())
    return sum(min(count, got[word]) for word, count in wanted.items()) / total if total else 1.0
