"""Measure how Tesseract's mean word confidence tracks what it really read, to set the low-confidence warning.

Pages of our example RFP are rendered, degraded the ways scans go wrong (too coarse, blurred,
speckled), read with tenderlint's OCR and compared with the page's own text layer: word
recall (share of the original's words read back) against the page's mean word confidence.
The warning threshold (``tenderlint.parsers.ocr.LOW_CONFIDENCE``) sits where recall drops.

Run from the repository root:  PYTHONPATH=src .venv/bin/python bench/ocr_confidence.py [--pages 1,6]
A benchmark, not a test; it needs Tesseract (see docs/accuracy.md, "Scanned documents (OCR)").
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "draft-rfp-ai-assistant.pdf"
_WORD = re.compile(r"[a-z0-9]+")

# name -> (render dpi, blur radius in pixels, share of pixels flipped to noise)
DEGRADATIONS = {
    "clean 200 dpi": (200, 0.0, 0.0),
    "clean 100 dpi": (100, 0.0, 0.0),
    "clean 75 dpi": (75, 0.0, 0.0),
    "clean 60 dpi": (60, 0.0, 0.0),
    "clean 50 dpi": (50, 0.0, 0.0),
    "blur 1.5 px, 200 dpi": (200, 1.5, 0.0),
    "blur 2.5 px, 200 dpi": (200, 2.5, 0.0),
    "blur 3.5 px, 200 dpi": (200, 3.5, 0.0),
    "speckle 1%, 200 dpi": (200, 0.0, 0.01),
    "speckle 3%, 200 dpi": (200, 0.0, 0.03),
    "speckle 10%, 200 dpi": (200, 0.0, 0.10),
    "speckle 2% + blur 2 px, 150 dpi": (150, 2.0, 0.02),
}


def recall(reference: str, read: str) -> float:
    wanted, got = Counter(_WORD.findall(reference.lower())), Counter(_WORD.findall(read.lower()))
    total = sum(wanted.values())
    return sum(min(n, got[w]) for w, n in wanted.items()) / total if total else 1.0


def degraded_pdf(pdf, number: int, dpi: int, blur: float, noise: float) -> bytes:
    from PIL import Image, ImageFilter

    image = pdf[number - 1].render(scale=dpi / 72, grayscale=True).to_pil()
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = random.Random(number)
        pixels = image.load()
        width, height = image.size
        for _ in range(int(width * height * noise)):
            x, y = rng.randrange(width), rng.randrange(height)
            pixels[x, y] = rng.choice((0, 255))
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PDF", resolution=dpi)
    Image.Image.close(image)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="1,6", help="1-based pages of the example to use (comma-separated)")
    args = parser.parse_args(argv)
    import pypdfium2 as pdfium

    from tenderlint.parsers.ocr import LOW_CONFIDENCE, MIN_WORDS, recognise_pages, unavailable_reason

    reason = unavailable_reason()
    if reason:
        print(f"OCR cannot run here: {reason}", file=sys.stderr)
        return 2
    pdf = pdfium.PdfDocument(str(EXAMPLE))
    pages = [int(p) for p in args.pages.split(",")]
    print(f"{'degradation':36} {'page':>4} {'words':>5} {'confidence':>10} {'recall':>7}")
    rows = []
    for name, (dpi, blur, noise) in DEGRADATIONS.items():
        for number in pages:
            reference = pdf[number - 1].get_textpage().get_text_range()
            data = degraded_pdf(pdf, number, dpi, blur, noise)
            read = recognise_pages(data, [1], name, dpi=dpi)[0]
            text = "\n".join(line.text for line in read.lines)
            confidence = read.confidence if read.confidence is not None else 0.0
            rows.append((confidence, recall(reference, text), read.words))
            print(f"{name:36} {number:>4} {read.words:>5} {confidence:>10.0%} {rows[-1][1]:>7.3f}")
    # Pages where Tesseract found (almost) no words get their own warning, whatever the confidence.
    judged = [(c, r) for c, r, words in rows if words >= MIN_WORDS]
    good = [c for c, r in judged if r >= 0.9]
    bad = [c for c, r in judged if r < 0.9]
    print(f"\npages read with recall >= 0.90: lowest confidence {min(good):.0%}" if good else "")
    print(f"pages read with recall <  0.90: highest confidence {max(bad):.0%}" if bad else "no page under 0.90 recall")
    print(f"pages with fewer than {MIN_WORDS} words read (warned as such): {len(rows) - len(judged)}")
    warned = [(c < LOW_CONFIDENCE or words < MIN_WORDS, r) for c, r, words in rows]
    flagged = sum(1 for w, r in warned if w)
    missed = sum(1 for w, r in warned if r < 0.9 and not w)
    false = sum(1 for w, r in warned if r >= 0.9 and w)
    print(f"threshold {LOW_CONFIDENCE:.0%}: {flagged} of {len(rows)} pages warned; {missed} pages under 0.90 recall "
          f"not warned; {false} pages at or over 0.90 recall warned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
