"""The HTML report: one self-contained, printable page rendered with Jinja2.

Autoescaping is on for every template, so document text is always shown as text. The page
makes no requests of any kind: CSS is inline, the coverage chart is inline SVG, there is no
script, and a Content-Security-Policy meta tag forbids anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tenderlint import __version__
from tenderlint.report.view import (
    DISPLAY_STATUSES,
    RED_FLAG_SYMBOL,
    STATUS_LABELS,
    STATUS_MEANINGS,
    STATUS_SYMBOLS,
    WARNING_SYMBOL,
    DocumentView,
    document_views,
    number,
)
from tenderlint.results import DocumentResult

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_WIDTH = 600
CHART_HEIGHT = 30


@dataclass
class ChartSegment:
    status: str
    count: int
    x: float
    width: float
    symbol: str
    label: str

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def wide_enough_for_label(self) -> bool:
        return self.width >= 28


def chart_segments(view: DocumentView) -> list[ChartSegment]:
    """The stacked bar of display statuses, in chart units (0..CHART_WIDTH)."""
    total = sum(view.counts.values())
    segments, x = [], 0.0
    for status in DISPLAY_STATUSES:
        count = view.counts[status]
        if not count or not total:
            continue
        width = round(CHART_WIDTH * count / total, 1)
        segments.append(ChartSegment(status, count, round(x, 1), width, STATUS_SYMBOLS[status], STATUS_LABELS[status]))
        x += width
    return segments


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["number"] = number
    return environment


def render_html(results: list[DocumentResult]) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        version=__version__,
        documents=document_views(results),
        chart_segments=chart_segments,
        chart_width=CHART_WIDTH,
        chart_height=CHART_HEIGHT,
        statuses=DISPLAY_STATUSES,
        symbols=STATUS_SYMBOLS,
        labels=STATUS_LABELS,
        meanings=STATUS_MEANINGS,
        red_flag_symbol=RED_FLAG_SYMBOL,
        warning_symbol=WARNING_SYMBOL,
    )
