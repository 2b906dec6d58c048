"""The audit summary's charts as inline SVG: topic status bars, the topic × document map, trends.

Drawn as plain SVG text, like the check report's coverage bar, so the summary needs no plotting
library and the page stays one self-contained file. Every mark carries a ``<title>`` that a
browser shows on hover, and every chart a title for screen readers.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from markupsafe import Markup

STATUS_COLOURS = {"covered": "#2e7d32", "weak": "#f9a825", "missing": "#c62828", "waived": "#757575"}
STATUS_ORDER = ("covered", "weak", "missing", "waived")
MAX_MAP_DOCUMENTS = 200

_FONT = 'font-family="system-ui, sans-serif" font-size="11"'
_LABEL_WIDTH = 190
_ROW = 16


def _svg(width: float, height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'role="img" {_FONT}><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}">'
            f"<title>{escape(tip)}</title></rect>")


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _legend(y: float) -> list[str]:
    parts, x = [], _LABEL_WIDTH
    for status in STATUS_ORDER:
        parts.append(_rect(x, y - 9, 10, 10, STATUS_COLOURS[status], status))
        parts.append(_text(x + 14, y, status))
        x += 80
    return parts


def coverage_chart(coverage: list[dict], checked: int, bar_width: float = 480) -> Markup | None:
    """One stacked bar per topic: how many documents have it covered, weak, missing or waived."""
    if not coverage or not checked:
        return None
    body = _legend(14)
    top = 26
    for index, topic in enumerate(coverage):
        y = top + index * _ROW
        body.append(_text(_LABEL_WIDTH - 6, y + 11, topic["id"], "end"))
        x = float(_LABEL_WIDTH)
        for status in STATUS_ORDER:
            count = topic[status]
            if count:
                width = bar_width * count / checked
                body.append(_rect(x, y + 2, width, _ROW - 4, STATUS_COLOURS[status],
                                  f"{topic['id']}: {count} of {checked} documents {status}"))
                x += width
    height = top + len(coverage) * _ROW + 18
    body.append(_text(_LABEL_WIDTH + bar_width, height - 4, f"{checked} documents", "end"))
    return _svg(_LABEL_WIDTH + bar_width + 10, height, "Topic status across the audited documents", body)


def status_map(documents: list[dict], topic_ids: list[str], cell: float = 11) -> Markup | None:
    """A cell per topic (row) and document (column), coloured by status; documents beyond 200 are left out."""
    documents = documents[:MAX_MAP_DOCUMENTS]
    if not documents:
        return None
    label_height = 150
    body = []
    for row, topic in enumerate(topic_ids):
        body.append(_text(_LABEL_WIDTH - 6, row * cell + cell - 2, topic, "end"))
    for col, document in enumerate(documents):
        name = Path(document["path"]).name
        x = _LABEL_WIDTH + col * cell
        for row, status in enumerate(document["statuses"]):
            status = status or "missing"
            body.append(_rect(x, row * cell, cell - 1, cell - 1, STATUS_COLOURS.get(status, STATUS_COLOURS["missing"]),
                              f"{name} · {topic_ids[row]}: {status}"))
        label_y = len(topic_ids) * cell + 4
        body.append(_text(x + cell - 3, label_y, name[:28], "end",
                          f' transform="rotate(-90 {x + cell - 3:.1f} {label_y:.1f})" font-size="9"'))
    width = _LABEL_WIDTH + len(documents) * cell + 10
    return _svg(width, len(topic_ids) * cell + label_height, "Topic status per document (green covered, "
                "amber weak, red missing, grey waived)", body)


def trend_chart(label: str, series: dict[str, float], width: float = 520, height: float = 200) -> Markup | None:
    """Share of topics covered per group: a line over years, bars per issuer."""
    if not series:
        return None
    left, bottom, top = 44, 40, 10
    plot_height = height - bottom - top
    step = (width - left - 10) / len(series)
    body = []
    for percent in (0, 50, 100):
        y = top + plot_height * (1 - percent / 100)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10:g}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(_text(left - 4, y + 4, f"{percent}%", "end"))
    points = []
    for index, (group, share) in enumerate(series.items()):
        x = left + step * index + step / 2
        y = top + plot_height * (1 - share)
        tip = f"{label} {group}: {100 * share:.0f}% of topics covered"
        if label == "year":
            points.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{STATUS_COLOURS["covered"]}">'
                        f"<title>{escape(tip)}</title></circle>")
        else:
            body.append(_rect(x - step * 0.35, y, step * 0.7, top + plot_height - y, STATUS_COLOURS["covered"], tip))
        body.append(_text(x, height - bottom + 16, group[:18], "middle"))
    if len(points) > 1:
        body.insert(0, f'<polyline points="{" ".join(points)}" fill="none" stroke="{STATUS_COLOURS["covered"]}" '
                       'stroke-width="2"/>')
    return _svg(width, height, f"Coverage by {label}", body)


def charts(data: dict, topic_ids: list[str]) -> dict[str, Markup]:
    """Every chart the summary shows, keyed as the template expects; a chart with no data is left out."""
    out = {"coverage": coverage_chart(data["coverage"], data["checked"]),
           "heatmap": status_map(data["documents"], topic_ids)}
    for label, series in data["trends"].items():
        out[f"trend_{label}"] = trend_chart(label, series)
    return {key: chart for key, chart in out.items() if chart is not None}
