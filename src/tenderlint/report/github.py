"""GitHub Actions workflow commands (``--format github``): findings shown inline in a pull request.

One line per red flag and per gap::

    ::error file=rfq.md,line=12,col=1,endLine=12,endColumn=40,title=tenderlint privacy (weak)::…

Level from severity (high ``error``, medium ``warning``, low ``notice``). A finding with a line in
the source (Markdown, text, HTML) is placed on it; a missing topic, or one in a PDF or DOCX, is
an annotation on the file. A document that could not be read is an ``error`` line with its code.
Values are escaped as the Actions runner expects (``%``, CR, LF; also ``:`` and ``,`` in
properties).
"""

from __future__ import annotations

from tenderlint.results import DocumentResult, Evidence

LEVELS = {"high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties) -> str:
    """One workflow command line; properties with a None value are left out."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{level} {props}::{escape_data(message)}" if props else f"::{level}::{escape_data(message)}"


def _place(ev: Evidence | None) -> dict:
    if ev is None or ev.line is None:
        return {}
    place = {"line": ev.line, "col": ev.column}
    if ev.end_line is not None:
        place.update(endLine=ev.end_line, endColumn=ev.end_column)
    return place


def _where(ev: Evidence) -> str:
    parts = [f"page {ev.page}" if ev.page else "", f"paragraph {ev.paragraph}" if ev.paragraph else "",
             " > ".join(ev.section)]
    described = ", ".join(p for p in parts if p)
    return f" ({described})" if described else ""


def render_github(results: list[DocumentResult]) -> str:
    lines: list[str] = []
    for result in results:
        if result.error:
            lines.append(command("error", result.error.get("message", ""), file=result.path,
                                 title=f"tenderlint error[{result.error.get('code')}]"))
            continue
        for flag in result.red_flags:
            ev = flag.evidence
            lines.append(command(
                LEVELS.get(flag.severity, "error"),
                f"Red flag: {flag.title}{_where(ev)}: “{ev.quote}”",
                file=result.path, **_place(ev), title=f"tenderlint {flag.id} (red flag)",
            ))
        for topic in result.gaps:
            if topic.status == "missing":
                what = "missing: nothing in the document addresses it"
            elif topic.status == "weak":
                what = "weak: only mentioned, with no requirement"
            else:
                what = "addressed against the buyer (red flag)"
            ask = f" Ask: {topic.questions[0]}" if topic.questions else ""
            evidence = topic.evidence[0] if topic.status == "weak" and topic.evidence else None
            lines.append(command(
                LEVELS.get(topic.severity, "warning"),
                f"{topic.name} is {what}.{ask}",
                file=result.path, **_place(evidence),
                title=f"tenderlint {topic.id} ({topic.status if topic.status in ('missing', 'weak') else 'red flag'})",
            ))
    return "\n".join(lines) + ("\n" if lines else "")
