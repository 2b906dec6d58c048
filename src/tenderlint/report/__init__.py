"""The reports of ``tenderlint check``: a terminal summary, a Markdown memo, a self-contained
HTML page, versioned JSON, SARIF 2.1.0 and GitHub Actions annotations, all rendered from
``DocumentResult`` objects.

``render(results, fmt)`` is the one entry point; each format lives in its own module and is
imported only when asked for, so the JSON path never loads rich or Jinja2.
"""

from __future__ import annotations

import os
import sys

from tenderlint.errors import TenderlintError
from tenderlint.results import DocumentResult

FORMATS: tuple[str, ...] = ("text", "markdown", "html", "json", "sarif", "github")


def wants_color(color: bool | None) -> bool:
    """Colour when forced, else when stdout is a terminal and NO_COLOR is not set."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def render(results: list[DocumentResult], fmt: str, *, color: bool | None = None, pack=None) -> str:
    """The report on ``results`` in format ``fmt`` (one of ``FORMATS``) as a string.

    ``color`` applies to the text format only: None colours when stdout is a terminal. ``pack`` is
    the rule pack the check used (SARIF lists its rules; the shipped pack when None).
    """
    if fmt == "text":
        from tenderlint.report.text import render_text

        return render_text(results, color=wants_color(color))
    if fmt == "markdown":
        from tenderlint.report.markdown import render_markdown

        return render_markdown(results)
    if fmt == "html":
        from tenderlint.report.html import render_html

        return render_html(results)
    if fmt == "json":
        from tenderlint.report.json_report import render_json

        return render_json(results)
    if fmt == "sarif":
        from tenderlint.report.sarif import render_sarif

        return render_sarif(results, pack)
    if fmt == "github":
        from tenderlint.report.github import render_github

        return render_github(results)
    raise TenderlintError("usage", f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
