"""OCR of PDF pages that have no usable text layer: pages rendered with pypdfium2, read by Tesseract.

Tesseract is reached through ``tesserocr`` (the ``ocr`` extra), which calls the library in
process: on this project's measurements it reads a page in about half the time ``pytesseract``
needs, because nothing is written to disk and no program is started per page (see
docs/accuracy.md, "Scanned documents (OCR)"). Tesseract's English data (Debian
``tesseract-ocr-eng``) must be installed; ``unavailable_reason`` says what is missing.

Pages are rendered one at a time in the calling thread (pdfium is not thread-safe) and
recognised in a pool of threads, one per core: tesserocr releases the GIL while Tesseract
works. Each recognised line keeps its position, in PDF points like the text layer's lines, so
the layout reader rebuilds paragraphs and headings from OCR pages exactly as from text pages.

Nothing here is imported on the path of a PDF with a text layer: ``parse_pdf`` calls in only
when a page needs reading.
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from tenderlint.errors import TenderlintError

# Tesseract built with OpenMP would start threads of its own for every page; the pool below
# already keeps every core busy with one page each. Set before tesserocr is first imported.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_MODES: tuple[str, ...] = ("auto", "always", "never")
LANGUAGE = "eng"
DEFAULT_DPI = 300
DEFAULT_TIME_LIMIT = 600.0  # seconds of OCR per document when the caller sets none
# A page whose mean word confidence is below this gets a warning. Measured with
# bench/ocr_confidence.py (docs/accuracy.md): every degraded page read with word recall under
# 0.9 had a confidence of 79% or less; clean pages read 92% or more, speckled ones 70-86%.
LOW_CONFIDENCE = 0.80
# A scanned page on which Tesseract finds fewer words than this is warned about too: heavy
# speckle makes it find no text lines at all, with the confidence of the one or two "words" it
# does find still high.
MIN_WORDS = 10
INSTALL_HINT = ("install Tesseract's English data (apt-get install tesseract-ocr tesseract-ocr-eng) "
                "and tesserocr (pip install 'tenderlint[ocr]')")

# Where Debian, Fedora, Homebrew and source builds put the language data.
_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
)
# How a line's box is drawn around its baseline, in ems of the estimated font size: close to
# the loose character boxes pdfium gives for a text layer, so the same gap rules apply.
_ASCENT, _DESCENT = 0.95, 0.30
# Lines whose row height is within this share of the page's commonest one are body text;
# other heights within this share of a more frequent one take its size (one heading style, one size).
_BODY_TOLERANCE = 0.2
_SIZE_TOLERANCE = 0.1
# Tesseract's usual misreadings of a list bullet at the start of a line ("e" only before a
# capitalised word: no sentence starts with a lone small "e").
_MISREAD_BULLET = re.compile(r"^(?:[\u00a2\u00ab\u00bb\u00a9\u00b0]|e(?=\s+[A-Z]))(?=\s)")
# "AI" read as "Al" (capital i as small L): in a tender the word is nearly always AI.
_MISREAD_AI = re.compile(r"\b(Gen|Open)?Al\b")


@dataclass(slots=True)
class OcrLine:
    """One recognised line: its text and geometry in PDF points (y upwards from the page foot)."""

    text: str
    top: float
    bottom: float
    size: float


@dataclass(slots=True)
class OcrPage:
    """What Tesseract read on one page."""

    number: int  # 1-based
    height: float  # in points
    lines: list[OcrLine] = field(default_factory=list)
    confidence: float | None = None  # mean word confidence, 0..1; None when no word was found
    words: int = 0
    body_size: float | None = None  # the estimated size of the page's body text, in points


def tessdata_dir() -> Path | None:
    """The folder holding Tesseract's English data, or None when it is not installed."""
    configured = os.environ.get("TESSDATA_PREFIX")
    candidates = [configured, str(Path(configured) / "tessdata")] if configured else []
    for candidate in [*candidates, *_TESSDATA_CANDIDATES]:
        if candidate and (Path(candidate) / f"{LANGUAGE}.traineddata").is_file():
            return Path(candidate)
    return None


def unavailable_reason() -> str | None:
    """Why OCR cannot run here (with what to install), or None when it can."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return f"tesserocr is not installed; {INSTALL_HINT}"
    except Exception as error:  # a broken native library
        return f"tesserocr cannot be loaded ({type(error).__name__}: {error}); {INSTALL_HINT}"
    if tessdata_dir() is None:
        return f"Tesseract's English data ({LANGUAGE}.traineddata) was not found; {INSTALL_HINT}, or set TESSDATA_PREFIX"
    return None


def require_available() -> None:
    """Raise ``ocr-unavailable`` when OCR cannot run (for ``--ocr always``)."""
    reason = unavailable_reason()
    if reason:
        raise TenderlintError("ocr-unavailable", f"--ocr always needs Tesseract: {reason}")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- recognition


class _Reader:
    """One Tesseract engine per thread (an engine is not shared between threads)."""

    def __init__(self, tessdata: Path):
        self._tessdata = str(tessdata)
        self._local = threading.local()
        self._engines: list = []
        self._lock = threading.Lock()

    def engine(self):
        engine = getattr(self._local, "engine", None)
        if engine is None:
            import tesserocr

            # One column of text of varying sizes: on our examples the automatic segmentation split
            # list numbers ("3.") from their items and lost the digits; a tender page is one column
            # (a table row is read across, as a text layer gives it).
            engine = tesserocr.PyTessBaseAPI(path=self._tessdata, lang=LANGUAGE, psm=tesserocr.PSM.SINGLE_COLUMN)
            self._local.engine = engine
            with self._lock:
                self._engines.append(engine)
        return engine

    def close(self) -> None:
        for engine in self._engines:
            engine.End()
        self._engines.clear()

    def read(self, image, number: int, height: float, dpi: int, timeout_ms: int) -> OcrPage:
        from tesserocr import RIL

        engine = self.engine()
        engine.SetImage(image)
        engine.SetSourceResolution(dpi)
        started = time.monotonic()
        if not engine.Recognize(timeout=max(1, timeout_ms)):
            if (time.monotonic() - started) * 1000 >= timeout_ms - 50:
                raise _PageTimedOut(number)
            return OcrPage(number, height)  # Tesseract gave up on the image: no words, and a warning says so
        scale = 72.0 / dpi
        raw: list[tuple[str, float, float]] = []  # text, baseline (points from the page top), row height
        iterator = engine.GetIterator()
        if iterator is not None and not iterator.Empty(RIL.TEXTLINE):
            while True:
                text = (iterator.GetUTF8Text(RIL.TEXTLINE) or "").strip()
                if text:
                    baseline = iterator.Baseline(RIL.TEXTLINE)
                    box = iterator.BoundingBox(RIL.TEXTLINE)
                    if baseline:
                        (_, y1), (_, y2) = baseline
                        base = (y1 + y2) / 2
                    else:
                        base = box[3] if box else 0
                    attributes = iterator.RowAttributes() or {}
                    row = attributes.get("row_height") or ((box[3] - box[1]) if box else 0)
                    raw.append((text, base * scale, max(row, 1.0) * scale))
                if not iterator.Next(RIL.TEXTLINE):
                    break
        confidences = [float(value) for value in engine.AllWordConfidences() or [] if value >= 0]
        lines, body = _placed_lines(raw, height)
        page = OcrPage(number, height, lines, words=len(confidences), body_size=body)
        if confidences:
            page.confidence = sum(confidences) / len(confidences) / 100.0
        return page


class _PageTimedOut(Exception):
    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


def _placed_lines(raw: list[tuple[str, float, float]], height: float) -> tuple[list[OcrLine], float | None]:
    """Lines with boxes and sizes (row heights near the page's commonest one count as body text), and that size."""
    from tenderlint.parsers.text import clean_line, normalise_characters

    if not raw:
        return [], None
    weighted: dict[float, int] = {}
    for text, _, row in raw:
        key = round(row * 2) / 2
        weighted[key] = weighted.get(key, 0) + len(text)
    by_weight = sorted(weighted, key=lambda size: -weighted[size])
    body = by_weight[0]
    snapped = {}
    for size in weighted:
        if abs(size - body) <= _BODY_TOLERANCE * body:
            snapped[size] = body
        else:
            snapped[size] = next(other for other in by_weight if abs(size - other) <= _SIZE_TOLERANCE * other)
    lines = []
    for text, baseline, row in raw:
        size = snapped[round(row * 2) / 2]
        cleaned = clean_line(normalise_characters(" ".join(text.split())))
        cleaned = _MISREAD_AI.sub(lambda m: (m.group(1) or "") + "AI", _MISREAD_BULLET.sub("\u2022", cleaned))
        if not cleaned:
            continue
        y = height - baseline
        lines.append(OcrLine(cleaned, top=y + _ASCENT * size, bottom=y - _DESCENT * size, size=size))
    return lines, body


def recognise_pages(data: bytes, numbers: list[int], name: str, *, dpi: int = DEFAULT_DPI, workers: int | None = None,
                    time_limit: float | None = None, progress: bool = False) -> list[OcrPage]:
    """Read ``numbers`` (1-based pages of the PDF ``data``) with Tesseract, in parallel.

    Raises ``ocr-unavailable`` when Tesseract cannot run and ``timeout`` when the pages take
    longer than ``time_limit`` seconds altogether.
    """
    reason = unavailable_reason()
    if reason:
        raise TenderlintError("ocr-unavailable", f"{name} needs OCR but {reason}")
    import pypdfium2 as pdfium

    limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
    deadline = time.monotonic() + limit
    workers = max(1, workers or default_workers())
    reader = _Reader(tessdata_dir())
    bar = _Progress(name, len(numbers)) if progress else None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise TenderlintError("corrupt", f"{name}: its pages cannot be rendered for OCR ({error})") from None
    results: dict[int, OcrPage] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tenderlint-ocr")
    running: set[Future] = set()
    try:
        queue = list(numbers)
        while queue or running:
            # Render ahead only as far as the pool can use: a page image at 300 dpi is about 8 MB.
            while queue and len(running) < 2 * workers:
                number = queue.pop(0)
                page = pdf[number - 1]
                try:
                    height = page.get_height()
                    image = page.render(scale=dpi / 72.0, grayscale=True).to_pil()
                finally:
                    page.close()
                remaining_ms = int((deadline - time.monotonic()) * 1000)
                if remaining_ms <= 0:
                    raise _PageTimedOut(number)
                running.add(pool.submit(reader.read, image, number, height, dpi, remaining_ms))
            done, running = wait(running, timeout=max(0.01, deadline - time.monotonic()), return_when=FIRST_COMPLETED)
            if not done:
                raise _PageTimedOut(min(set(numbers) - set(results)))
            for future in done:
                page_result = future.result()
                results[page_result.number] = page_result
                if bar:
                    bar.advance()
    except _PageTimedOut:
        raise TenderlintError("timeout", f"{name}: OCR stopped after {limit:g} s (per-document time limit); "
                                         f"{len(results)} of {len(numbers)} scanned pages were read") from None
    except pdfium.PdfiumError as error:  # a damaged page (found by bench/fuzz.py)
        raise TenderlintError("corrupt", f"{name}: a page cannot be rendered for OCR ({error})") from None
    finally:
        for future in running:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)  # an engine in use must finish before it is ended
        reader.close()
        pdf.close()
        if bar:
            bar.close()
    return [results[number] for number in numbers]


class _Progress:
    """Pages read so far, on standard error when it is a terminal."""

    def __init__(self, name: str, total: int):
        import sys

        self.bar = None
        if total > 1 and sys.stderr.isatty():
            from rich.console import Console
            from rich.markup import escape
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn(f"[bold]OCR[/bold] {escape(name)}", markup=True), BarColumn(),
                                MofNCompleteColumn(), TextColumn("pages"), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("ocr", total=total)
            self.bar.start()

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
