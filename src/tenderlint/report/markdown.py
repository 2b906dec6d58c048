"""The Markdown report, for pasting into tickets, memos and review threads.

Headings, a summary table and one section per gap, with the document's own words quoted as
blockquotes. Every piece of text that comes from a document is escaped so that it stays
literal: a pipe cannot split a table cell and a tag cannot become HTML where the Markdown
is rendered.
"""

from __future__ import annotations

import re

from tenderlint import __version__
from tenderlint.report.view import (
    DISPLAY_STATUSES,
    RED_FLAG_SYMBOL,
    STATUS_LABELS,
    STATUS_MEANINGS,
    STATUS_SYMBOLS,
    DocumentView,
    EvidenceView,
    TopicView,
    counts_sentence,
    document_views,
    number,
)
from tenderlint.results import DocumentResult

# Characters that start emphasis, code, links, HTML or table cells anywhere in a line.
_INLINE_SIGNIFICANT = re.compile(r"([\\`*_\[\]<|~])")
# Character references ("&amp;") that a renderer would decode; escaping the "&" keeps them as typed.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Characters that start a heading, quote, list or rule at the beginning of a line.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", flags=re.M)
_PLAIN_ID = re.compile(r"^[a-z0-9][a-z0-9/-]*$")


def escape(text: str) -> str:
    """Document text made literal in Markdown (CommonMark and GitHub's tables)."""
    text = _INLINE_SIGNIFICANT.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if len(m.group(2)) == 1
                           else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def code(identifier: str) -> str:
    """A topic or rule id as inline code when it is a plain id, escaped text otherwise."""
    return f"`{identifier}`" if _PLAIN_ID.match(identifier) else escape(identifier)


def cell(text: str) -> str:
    return escape(" ".join(text.split())) if text else ""


def blockquote(text: str) -> str:
    lines = text.splitlines() or [""]
    return "\n".join(f"> {escape(line)}".rstrip() for line in lines)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _evidence(evidence: EvidenceView, heading: str) -> list[str]:
    return [
        f"**{heading}** ({escape(evidence.location)}; found by {escape(evidence.found_by_why)}):",
        "",
        blockquote(evidence.quote),
        "",
    ]


def _summary(view: DocumentView) -> list[str]:
    doc_type = escape(view.doc_type_label)
    if view.doc_type_reason:
        doc_type += f" — why: {cell(view.doc_type_reason)}"
    rows = [
        ["Type", doc_type],
        ["Pages", number(view.pages)],
        ["Words", number(view.words)],
        ["Language", f"{cell(view.language_name)} ({cell(view.language)})" if view.language else "unknown"],
        ["Format", cell(view.format) or "unknown"],
        ["SHA-256", cell(view.sha256) or "unknown"],
        ["Coverage", escape(counts_sentence(view.counts))],
    ]
    if view.ocr:
        rows.insert(5, ["OCR", cell(view.ocr)])
    lines = table(["Fact", "Value"], rows) + [""]
    for notice in view.notices:
        lines += [f"> **Warning:** {escape(notice)}", ""]
    return lines


def _red_flags(view: DocumentView) -> list[str]:
    if not view.red_flags:
        return []
    lines = [f"### {RED_FLAG_SYMBOL} Red flags ({len(view.red_flags)})", ""]
    lines.append("Provisions that work against the buyer. Raise these before anything else.")
    lines.append("")
    for flag in view.red_flags:
        where = f"{escape(flag.evidence.location)}; found by {escape(flag.evidence.found_by_why)}"
        lines.append(f"- **{RED_FLAG_SYMBOL} {escape(flag.severity.upper())}: {escape(flag.title)}** "
                     f"(topic {code(flag.topic)}; {where})")
        lines.append("")
        lines += ["  " + line for line in blockquote(flag.evidence.quote).splitlines()]
        lines.append("")
    return lines


def _gaps(view: DocumentView) -> list[str]:
    lines = [f"### Gaps, worst first ({len(view.gaps)})", ""]
    if not view.gaps:
        return lines + ["No gaps: every topic expected in this type of document is covered or waived.", ""]
    rows = [
        [str(rank), f"{cell(t.name)} ({code(t.id)})", f"{t.gap_symbol} {t.gap_label}", cell(t.severity),
         t.evidence_page]
        for rank, t in enumerate(view.gaps, start=1)
    ]
    return lines + table(["#", "Topic", "Status", "Severity", "Evidence page"], rows) + [""]


def _all_topics(view: DocumentView) -> list[str]:
    rows = [
        [code(t.id), cell(t.name), t.status_text, t.evidence_page, cell(t.strongest.found_by) if t.strongest else ""]
        for t in view.topics
    ]
    return ["### All topics", ""] + table(["Topic", "Name", "Status", "Page", "Found by"], rows) + [""]


def _sources(topic: TopicView) -> list[str]:
    return ["**Sources in the guidance**", ""] + [f"- {escape(source)}" for source in topic.sources] + [""]


def _gap_detail(topic: TopicView) -> list[str]:
    lines = [f"#### {topic.gap_symbol} {escape(topic.name)} ({code(topic.id)}): {topic.status_phrase}, "
             f"{escape(topic.severity)} severity", ""]
    if topic.reason:
        lines += [f"**Why:** {escape(topic.reason)}", ""]
    if topic.strongest is None:
        lines += ["**Evidence:** none found in the document.", ""]
    else:
        lines += _evidence(topic.strongest, "Strongest evidence")
    for flag in topic.red_flags:
        lines += [f"**{RED_FLAG_SYMBOL} Red flag:** {escape(flag.title)} (see above)", ""]
    if topic.questions:
        lines += ["**Questions to ask**", ""] + [f"- {escape(q)}" for q in topic.questions] + [""]
    if topic.suggestion:
        lines += ["**Suggested clause**", ""] + [escape(line) for line in topic.suggestion.splitlines()] + [""]
    if topic.sources:
        lines += _sources(topic)
    return lines


def _covered(view: DocumentView) -> list[str]:
    if not view.covered_topics:
        return []
    lines = ["### Covered topics", ""]
    for topic in view.covered_topics:
        note = "" if topic.applies else " (not expected in this type of document)"
        lines += [f"#### {topic.symbol} {escape(topic.name)} ({code(topic.id)}): covered{note}", ""]
        if topic.strongest is not None:
            lines += _evidence(topic.strongest, "Strongest evidence")
        if len(topic.evidence) > 1:
            lines += [f"{len(topic.evidence) - 1} more passage(s) found.", ""]
        for flag in topic.red_flags:
            lines += [f"**{RED_FLAG_SYMBOL} Red flag:** {escape(flag.title)} (see above)", ""]
        if topic.sources:
            lines += _sources(topic)
    return lines


def _waived_and_not_expected(view: DocumentView) -> list[str]:
    lines = []
    if view.waived_topics:
        lines += ["### Waived", ""]
        lines += [f"- {topic.symbol} **{escape(topic.name)}** ({code(topic.id)}): waived — "
                  f"{escape(topic.waiver or 'no reason given')}" for topic in view.waived_topics]
        lines.append("")
    if view.not_expected_topics:
        lines += ["### Not expected in this type of document", "",
                  "These topics belong to other kinds of document and are not counted as gaps.", ""]
        lines += [f"- {topic.symbol} {escape(topic.name)} ({code(topic.id)})" for topic in view.not_expected_topics]
        lines.append("")
    return lines


def _document(view: DocumentView) -> list[str]:
    lines = [f"## {view.index}. {escape(view.path)}", ""]
    if view.failed:
        code_text = f"error\\[{escape(view.error_code)}\\]"
        lines += [f"**✗ Could not check this document:** {code_text} {escape(view.error_message)}", ""]
        lines += [f"> **Warning:** {escape(notice)}\n" for notice in view.notices]
        return lines
    lines += _summary(view)
    lines += _red_flags(view)
    lines += _gaps(view)
    lines += _all_topics(view)
    if view.gaps:
        lines += ["### Gap details", ""]
        for topic in view.gaps:
            lines += _gap_detail(topic)
    lines += _covered(view)
    lines += _waived_and_not_expected(view)
    return lines


def render_markdown(results: list[DocumentResult]) -> str:
    lines = [
        "# tenderlint report",
        "",
        f"Checked by tenderlint {__version__}: {len(results)} document(s).",
        "",
        "Key:",
        "",
    ]
    lines += [f"- {STATUS_SYMBOLS[s]} **{STATUS_LABELS[s]}**: {STATUS_MEANINGS[s]}" for s in DISPLAY_STATUSES]
    lines.append("")
    for view in document_views(results):
        lines += _document(view)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
