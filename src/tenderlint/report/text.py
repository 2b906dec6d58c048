"""The terminal report: a compact summary, a table of every topic and the details of each gap.

Rendered with rich into a string. Colour is used only when asked for (a terminal); piped
output is plain text. Document text is always passed as ``Text`` objects, never as rich
markup, so a quote cannot restyle the report.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from tenderlint import __version__
from tenderlint.report.view import (
    DISPLAY_STATUSES,
    RED_FLAG_SYMBOL,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    WARNING_SYMBOL,
    DocumentView,
    EvidenceView,
    RedFlagView,
    TopicView,
    document_views,
    number,
)
from tenderlint.results import DocumentResult

WIDTH = 100

STATUS_STYLES = {
    "covered": "green",
    "weak": "yellow",
    "missing": "bold red",
    "waived": "cyan",
    "not-expected": "dim",
}
SEVERITY_STYLES = {"high": "bold", "medium": "", "low": "dim"}
LABEL_STYLE = "bold"


def _status(topic: TopicView) -> Text:
    text = Text(f"{topic.symbol} {topic.label}", style=STATUS_STYLES[topic.display])
    if topic.red_flag:
        text.append(f" {RED_FLAG_SYMBOL}", style="bold red")
    return text


def _gap_style(topic: TopicView) -> str:
    return "bold red" if topic.against_buyer else STATUS_STYLES[topic.display]


def _indented(renderable: RenderableType, left: int) -> Padding:
    return Padding(renderable, (0, 0, 0, left))


def _facts(rows: list[tuple[str, str | Text]]) -> Table:
    """Label and value pairs whose values wrap under themselves, not under the labels."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=LABEL_STYLE, width=10, no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), value if isinstance(value, Text) else Text(value))
    return grid


def _hanging(marker: str, text: str, style: str = "") -> Table:
    """A marked line whose continuation lines hang under the text, not under the marker."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style=style)
    grid.add_column(overflow="fold", style=style)
    grid.add_row(Text(marker), Text(text))
    return grid


def _coverage(view: DocumentView) -> Text:
    text = Text()
    for position, status in enumerate(DISPLAY_STATUSES):
        if position:
            text.append("  ")
        count = f"{STATUS_SYMBOLS[status]} {view.counts[status]} {STATUS_LABELS[status]}"
        text.append(count, style=STATUS_STYLES[status])
    return text


def _evidence(evidence: EvidenceView) -> Text:
    return Text.assemble(
        (f"“{evidence.quote}”", "italic"),
        "\n",
        (f"{evidence.location} · found by {evidence.found_by_why}", "dim"),
    )


def _summary(view: DocumentView) -> list[RenderableType]:
    doc_type = Text(view.doc_type_label)
    if view.doc_type_reason:
        doc_type.append(f" (why: {view.doc_type_reason})", style="dim")
    size_parts = [f"{number(view.pages)} pages" if view.pages is not None else "pages unknown",
                  f"{number(view.words)} words" if view.words is not None else "words unknown"]
    size = f"{', '.join(size_parts)} · language {view.language_name}"
    if view.format:
        size += f" · {view.format}"
    facts: list[tuple[str, str | Text]] = [("Type", doc_type), ("Size", size)]
    if view.ocr:
        facts.append(("OCR", view.ocr))
    facts.append(("Coverage", _coverage(view)))
    lines: list[RenderableType] = [_facts(facts)]
    if view.notices:
        lines.append(Text())
        lines.extend(_hanging(WARNING_SYMBOL, notice, "bold yellow") for notice in view.notices)
    return lines


def _red_flags(flags: list[RedFlagView]) -> list[RenderableType]:
    if not flags:
        return []
    parts: list[RenderableType] = [Text(), Text(f"{RED_FLAG_SYMBOL} Red flags ({len(flags)})", style="bold red")]
    for flag in flags:
        heading = Text(f"{RED_FLAG_SYMBOL} {flag.severity.upper()}  ", style="bold red")
        heading.append(flag.title, style="bold")
        heading.append(f"  [{flag.topic}]", style="dim")
        parts.append(_indented(heading, 2))
        parts.append(_indented(_evidence(flag.evidence), 4))
    return parts


def _gap_list(view: DocumentView) -> list[RenderableType]:
    if not view.gaps:
        return [Text(), Text("No gaps: every expected topic is covered or waived.", style="green")]
    parts: list[RenderableType] = [Text(), Text(f"Gaps, worst first ({len(view.gaps)})", style="bold")]
    for topic in view.gaps:
        line = Text("  ")
        line.append(f"{topic.gap_symbol} {topic.gap_label:<8}", style=_gap_style(topic))
        line.append(f" {topic.severity:<7}", style=SEVERITY_STYLES.get(topic.severity, ""))
        line.append(f" {topic.id:<21} ")
        line.append(topic.name, style="dim")
        parts.append(line)
    return parts


def _topic_table(view: DocumentView) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False, title_justify="left")
    table.add_column("Topic", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Page", justify="right", no_wrap=True)
    for topic in view.topics:
        table.add_row(Text(topic.id), Text(topic.name), _status(topic), Text(topic.evidence_page))
    return table


def _gap_detail(topic: TopicView) -> list[RenderableType]:
    heading = Text()
    heading.append(f"{topic.gap_symbol} {topic.id}", style=_gap_style(topic))
    heading.append(f" — {topic.name} · {topic.status_phrase} · {topic.severity} severity", style="bold")
    facts: list[tuple[str, str | Text]] = []
    if topic.reason:
        facts.append(("Why", topic.reason))
    strongest = topic.strongest
    if strongest is None:
        facts.append(("Evidence", Text("none found in the document", style="dim")))
    else:
        facts.append(("Evidence", _evidence(strongest)))
    body: list[RenderableType] = [_facts(facts)]
    for flag in topic.red_flags:
        body.append(Text(f"{RED_FLAG_SYMBOL} red flag: {flag.title}", style="bold red"))
    if topic.questions:
        body.append(Text("Ask", style=LABEL_STYLE))
        body.extend(_indented(_hanging("•", question), 2) for question in topic.questions)
    if topic.suggestion:
        body.append(Text("Suggested clause", style=LABEL_STYLE))
        body.append(_indented(Text(topic.suggestion), 2))
    if topic.sources:
        body.append(_facts([("Sources", "; ".join(topic.sources))]))
    return [Text(), heading, _indented(Group(*body), 2)]


def _other_topics(view: DocumentView) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if view.waived_topics:
        parts += [Text(), Text("Waived", style="bold")]
        for topic in view.waived_topics:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, style=STATUS_STYLES["waived"])
            grid.add_column(overflow="fold")
            grid.add_row(Text(f"{topic.symbol} {topic.id}"), Text(f"— {topic.waiver or 'no reason given'}"))
            parts.append(_indented(grid, 2))
    if view.not_expected_topics:
        names = ", ".join(t.id for t in view.not_expected_topics)
        parts += [Text(), Text(f"Not expected for this document type (not gaps): {names}", style="dim")]
    return parts


def _document(view: DocumentView) -> list[RenderableType]:
    parts: list[RenderableType] = [Rule(Text(view.path, style="bold"), align="left")]
    if view.failed:
        problem = f"Could not check this document: error[{view.error_code}] {view.error_message}"
        parts.append(_hanging("✗", problem, "bold red"))
        parts.extend(_hanging(WARNING_SYMBOL, notice, "bold yellow") for notice in view.notices)
        return parts
    parts += _summary(view)
    parts += _red_flags(view.red_flags)
    parts += _gap_list(view)
    parts += [Text(), _topic_table(view)]
    if view.gaps:
        parts += [Text(), Text("Gap details", style="bold")]
        for topic in view.gaps:
            parts += _gap_detail(topic)
    parts += _other_topics(view)
    return parts


def render_text(results: list[DocumentResult], *, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=WIDTH,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        soft_wrap=False,
    )
    console.print(Text(f"tenderlint {__version__} report · {len(results)} document(s)", style="bold"))
    for view in document_views(results):
        console.print()
        for part in _document(view):
            console.print(part)
    text = buffer.getvalue()
    # Trailing spaces from padded table cells are invisible noise in files and diffs.
    return "\n".join(line.rstrip() for line in text.split("\n"))
