"""Benchmark OCR throughput: pages per second read from a scanned PDF, at 200 and 300 dpi.

The scan is made here from a PDF with a text layer (default: our example RFP, 9 pages): each
page rendered to a greyscale image and written as an image-only PDF, as a scanner would. Then
tenderlint's OCR (tesserocr, pages rendered with pypdfium2) reads every page, first with one
worker, then with one worker per core (the default). Word recall against the original's text
layer is printed beside each figure, so speed is never bought with accuracy unseen.

Two rates are printed: pages per second of wall-clock time, and pages per CPU-second (all
threads and child processes counted). On a machine busy with other work the first falls and
the second does not; on an idle machine with N cores the default rate approaches N times the
second.

With ``--engines`` it also times pytesseract (one ``tesseract`` program run per page, threads
in parallel) on the same pages, when pytesseract is installed: the measurement behind the choice
of tesserocr (docs/accuracy.md, "Scanned documents (OCR)").

Run from the repository root:  PYTHONPATH=src .venv/bin/python bench/ocr_throughput.py [PDF] [--engines]
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "examples" / "draft-rfp-ai-assistant.pdf"
DPIS = (200, 300)
_WORD = re.compile(r"[a-z0-9]+")


def recall(reference: str, read: str) -> float:
    wanted, got = Counter(_WORD.findall(reference.lower())), Counter(_WORD.findall(read.lower()))
    total = sum(wanted.values())
    return sum(min(n, got[w]) for w, n in wanted.items()) / total if total else 1.0


def scan(path: Path, dpi: int) -> tuple[bytes, str, int]:
    """The image-only PDF of ``path`` at ``dpi``, the original's text, and the page count."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue(), text, len(images)


def cpu_seconds() -> float:
    """CPU time of this process (every thread) and of its finished child processes."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def time_tesserocr(data: bytes, pages: int, dpi: int, workers: int) -> str:
    from tenderlint.parsers.ocr import recognise_pages

    read = recognise_pages(data, list(range(1, pages + 1)), "bench", dpi=dpi, workers=workers)
    return "\n".join(line.text for page in read for line in page.lines)


def time_pytesseract(data: bytes, pages: int, dpi: int, workers: int) -> str:
    import pypdfium2 as pdfium
    import pytesseract

    def read(image) -> str:
        return pytesseract.image_to_string(image, lang="eng", config=f"--psm 4 --dpi {dpi}")

    pdf = pdfium.PdfDocument(data)
    images = (pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(pages))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return "\n".join(pool.map(read, images))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT, help="a PDF with a text layer to scan")
    parser.add_argument("--engines", action="store_true", help="also time pytesseract, when it is installed")
    args = parser.parse_args(argv)
    from tenderlint.parsers.ocr import default_workers, unavailable_reason

    reason = unavailable_reason()
    if reason:
        print(f"OCR cannot run here: {reason}", file=sys.stderr)
        return 2
    engines = {"tesserocr": time_tesserocr}
    if args.engines:
        try:
            import pytesseract  # noqa: F401

            engines["pytesseract"] = time_pytesseract
        except ImportError:
            print("pytesseract is not installed: only tesserocr is timed", file=sys.stderr)
    cores = default_workers()
    print(f"{args.pdf.name}, {os.cpu_count()} cores")
    print(f"{'engine':12} {'dpi':>4} {'workers':>7} {'pages':>5} {'seconds':>8} {'pages/s':>8} "
          f"{'pages/CPU-s':>11} {'recall':>7}")
    for dpi in DPIS:
        data, reference, pages = scan(args.pdf, dpi)
        for name, run in engines.items():
            for workers in sorted({1, cores}):
                started, cpu = time.perf_counter(), cpu_seconds()
                text = run(data, pages, dpi, workers)
                seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
                print(f"{name:12} {dpi:>4} {workers:>7} {pages:>5} {seconds:>8.2f} {pages / seconds:>8.2f} "
                      f"{pages / cpu:>11.2f} {recall(reference, text):>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
