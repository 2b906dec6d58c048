"""Benchmark PDF extraction: seconds and pages/s per backend (pdfium, pypdf) for each shared PDF, plus pdftotext.

Run from the repository root:  PYTHONPATH=src .venv/bin/python bench/extraction.py [PDF ...]
Without arguments it measures every PDF in ../shared/documents/tenders. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tenderlint.errors import TenderlintError
from tenderlint.parsers import parse

DEFAULT_FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "documents" / "tenders"
BACKENDS = ("pdfium", "pypdf")


def time_backend(path: Path, backend: str) -> tuple[float, int | None]:
    start = time.perf_counter()
    try:
        pages = parse(path, pdf_backend=backend).pages
    except TenderlintError as error:
        print(f"  {path.name}: {backend} failed: {error.one_line()}", file=sys.stderr)
        pages = None
    return time.perf_counter() - start, pages


def time_pdftotext(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=False, timeout=600)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path, help="PDF files (default: the shared tender PDFs)")
    parser.add_argument("--skip-pypdf", action="store_true", help="skip the slow pure-Python backend")
    args = parser.parse_args(argv)
    pdfs = args.pdfs or sorted(DEFAULT_FOLDER.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs given and {DEFAULT_FOLDER} has none", file=sys.stderr)
        return 2
    backends = [b for b in BACKENDS if not (args.skip_pypdf and b == "pypdf")]
    poppler = shutil.which("pdftotext") is not None
    columns = [f"{b} s  {b} p/s" for b in backends] + (["pdftotext s"] if poppler else [])
    print(f"{'file':48} {'pages':>5}  " + "  ".join(f"{c:>20}" for c in columns))
    totals = {b: 0.0 for b in backends}
    total_poppler = 0.0
    total_pages = 0
    for path in pdfs:
        row = []
        pages = None
        for backend in backends:
            seconds, counted = time_backend(path, backend)
            pages = pages or counted
            totals[backend] += seconds
            rate = (counted or 0) / seconds if seconds else 0.0
            row.append(f"{seconds:9.3f} {rate:10.1f}")
        if poppler:
            seconds = time_pdftotext(path)
            total_poppler += seconds
            row.append(f"{seconds:20.3f}")
        total_pages += pages or 0
        print(f"{path.name[:48]:48} {pages or 0:>5}  " + "  ".join(f"{c:>20}" for c in row))
    summary = [f"{totals[b]:9.3f} {total_pages / totals[b] if totals[b] else 0:10.1f}" for b in backends]
    if poppler:
        summary.append(f"{total_poppler:20.3f}")
    print(f"{'TOTAL':48} {total_pages:>5}  " + "  ".join(f"{c:>20}" for c in summary))
    if not poppler:
        print("pdftotext is not installed: poppler-utils gives a reference time", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
