"""How many findings ``annotate`` places on their own passage, and how long writing the copy takes.

For each DOCX and PDF (default: every one in ../shared/documents/tenders and ../shared/documents/ai-dev)
the check's findings are written into a copy; the script prints per file the notes placed on
their passage, the notes that had to join the summary (passage not found), the seconds spent
writing the copy (the check itself not counted), and for PDFs whether ``pdftotext`` gives the
same text for the original and the copy.

Run from the repository root:  PYTHONPATH=src .venv/bin/python bench/annotate_locating.py [FILE ...]
A benchmark, not a test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tenderlint.annotate import annotate_file, check_markup
from tenderlint.check import Checker, CheckOptions

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "documents"
DEFAULT_FOLDERS = (SHARED / "tenders", SHARED / "ai-dev")


def placed_notes(path: Path) -> tuple[int, int]:
    """(notes on a passage, notes folded into the summary) in an annotated copy."""
    if path.suffix == ".docx":
        import docx

        comments = list(docx.Document(str(path)).comments)
        return len(comments) - 1, comments[0].text.count("(passage:") if comments else 0
    import pypdf

    reader = pypdf.PdfReader(str(path))
    notes = [ref.get_object() for page in reader.pages for ref in (page.get("/Annots") or [])]
    summary = next((str(n["/Contents"]) for n in notes if n["/Subtype"] == "/Text"), "")
    return sum(1 for n in notes if n["/Subtype"] == "/Highlight"), summary.count("(passage:")


def same_text(original: Path, copy: Path) -> str:
    if copy.suffix != ".pdf" or not shutil.which("pdftotext"):
        return ""
    texts = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True).stdout for p in (original, copy)]
    return "same text" if texts[0] == texts[1] else "TEXT DIFFERS"


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted(p for folder in DEFAULT_FOLDERS if folder.is_dir()
                                               for p in folder.iterdir() if p.suffix in (".docx", ".pdf"))
    if not files:
        print("no DOCX or PDF files to annotate (../shared is absent; name files on the command line)")
        return 1
    checker = Checker(CheckOptions())
    total_placed = total_unplaced = 0
    with tempfile.TemporaryDirectory() as folder:
        for path in files:
            result = checker.check_file(path)
            if result.error:
                print(f"{path.name}: not checked: error[{result.error['code']}]")
                continue
            started = time.perf_counter()
            data = annotate_file(path, result.format, check_markup(result))
            seconds = time.perf_counter() - started
            copy = Path(folder) / path.name
            copy.write_bytes(data)
            placed, unplaced = placed_notes(copy)
            total_placed, total_unplaced = total_placed + placed, total_unplaced + unplaced
            print(f"{path.name}: {placed} placed, {unplaced} in the summary, {seconds:.2f} s, "
                  f"{result.pages or '-'} pages {same_text(path, copy)}")
    print(f"all: {total_placed} notes placed on their passage, {total_unplaced} folded into the summary")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
