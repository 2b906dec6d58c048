"""Findings written into the reviewer's own document: Word comments in a DOCX, notes in a PDF.

A check (or a comparison) becomes a list of ``Note`` objects: each anchored on the passage of
its evidence, plus one summary note for the start of the document. ``annotate_file`` writes a
copy of the original file with them, through ``annotate.docx`` or ``annotate.pdf``; the
document's own text, styles and page content are left as they were. A note whose passage
cannot be found in the file (a running header, a quote the PDF lays out differently) is added
to the summary, so no finding is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tenderlint.errors import TenderlintError
from tenderlint.results import DocumentResult, Evidence

ANNOTATABLE_FORMATS: tuple[str, ...] = ("docx", "pdf")
AUTHOR = "tenderlint"
INITIALS = "TL"

_WORDS = re.compile(r"\w+")
LOCATING_WORDS = 12  # a quote is found by its first words (quotes may be cut short with "…")


@dataclass
class Note:
    """One finding to write into the document, on the passage of ``evidence`` (None: the summary)."""

    title: str  # e.g. "Red flag (high): Supplier may use the buyer's data to train its models"
    body: str  # what to do about it
    evidence: Evidence | None = None

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}".strip()


@dataclass
class Markup:
    """Everything to write into one document: the anchored notes and the summary."""

    notes: list[Note]
    summary: Note

    def summary_with(self, unplaced: list[Note]) -> Note:
        """The summary, with the notes whose passage could not be found in the file added to it."""
        if not unplaced:
            return self.summary
        extra = "\n".join(f"{n.title}: {n.body} (passage: \u201c{n.evidence.quote if n.evidence else ''}\u201d)"
                          for n in unplaced)
        return Note(self.summary.title, f"{self.summary.body}\n{extra}".strip())


def words(text: str) -> list[str]:
    """The words of ``text`` in lower case: what locating a quote compares."""
    return _WORDS.findall(text.lower())


def quote_key(quote: str) -> list[str]:
    """The first words of an evidence quote, the part that is in the document as quoted."""
    return words(quote.rstrip("…"))[:LOCATING_WORDS]


def not_annotatable_reason(fmt: str | None) -> str:
    return f"cannot annotate a {fmt or 'document of this'} file; annotate writes into DOCX and PDF files only"


def not_annotatable(path: str, fmt: str | None) -> TenderlintError:
    return TenderlintError("unsupported-format", f"{path}: {not_annotatable_reason(fmt)}")


def annotate_file(path: str | Path, fmt: str | None, markup: Markup) -> bytes:
    """The annotated copy of the file at ``path`` (already parsed as ``fmt``), as bytes."""
    data = Path(path).read_bytes()
    if fmt == "docx":
        from tenderlint.annotate.docx import annotate_docx

        return annotate_docx(data, markup)
    if fmt == "pdf":
        from tenderlint.annotate.pdf import annotate_pdf

        return annotate_pdf(data, markup)
    raise not_annotatable(str(path), fmt)


def _first(items: list[str], n: int = 2) -> str:
    return " ".join(f"Ask: {q}" for q in items[:n])


def check_markup(result: DocumentResult) -> Markup:
    """The notes of a check: red flags, topics only mentioned, and the missing topics in the summary."""
    notes: list[Note] = []
    names = {t.id: t.name for t in result.topics}
    for flag in result.red_flags:
        topic = result.topic(flag.topic) if flag.topic in names else None
        body = f"Topic: {names.get(flag.topic, flag.topic)}. Renegotiate this provision."
        if topic is not None and topic.suggestion:
            body += f" Suggested clause: {topic.suggestion}"
        notes.append(Note(f"Red flag ({flag.severity}): {flag.title}", body, flag.evidence))
    for topic in result.gaps:
        if topic.status != "weak" or not topic.evidence:
            continue
        why = topic.evidence[0].why or "no requirement found"
        body = (f"Only mentioned here, with no requirement or commitment behind it ({why}). "
                f"What is missing: {topic.questions[0] if topic.questions else 'a binding provision'}")
        if topic.suggestion:
            body += f" Suggested clause: {topic.suggestion}"
        notes.append(Note(f"Weak: {topic.name} ({topic.severity} severity)", body, topic.evidence[0]))
    missing = [t for t in result.gaps if t.status == "missing"]
    if missing:
        lines = [f"- {t.name} ({t.id}, {t.severity}): {_first(t.questions)}" for t in missing]
        summary = Note(f"tenderlint: {len(missing)} topic(s) missing from this document",
                       "\n".join(lines))
    else:
        summary = Note("tenderlint: no topic is missing from this document",
                       f"{len(notes)} finding(s) are commented where they occur.")
    return Markup(notes, summary)


def contract_markup(comparison, document: str) -> Markup:
    """The notes for one contract file of a comparison: what it weakened or turned against the buyer
    where it says so, and in the summary what the deal dropped from the solicitation."""
    notes: list[Note] = []
    elsewhere: list[str] = []
    for topic in comparison.findings:
        requirement = topic.requirement
        required = ""
        if requirement is not None:
            where = ", ".join(p for p in (f"page {requirement.page}" if requirement.page else "",
                                          " > ".join(requirement.section)) if p)
            required = f"The solicitation requires: \u201c{requirement.quote}\u201d" + (f" ({where})." if where else ".")
        if topic.change == "against":
            for flag in topic.red_flags:
                if flag.document == document:
                    notes.append(Note(f"Against the buyer ({flag.flag.severity}): {flag.flag.title}",
                                      f"Topic: {topic.name}. {required} Suggested clause: {topic.suggestion}".strip(),
                                      flag.flag.evidence))
            if not any(flag.document == document for flag in topic.red_flags):
                elsewhere.append(f"- Against the buyer: {topic.name} (in another contract document)")
        elif topic.change == "weakened":
            here = [c for c in topic.contract_evidence if c.document == document]
            closest = topic.closest
            anchor = closest if closest is not None and closest.document == document else (here[0] if here else None)
            if anchor is not None:
                notes.append(Note(f"Weakened: {topic.name} ({topic.severity} severity)",
                                  f"Only mentioned here. {required} Suggested clause: {topic.suggestion}",
                                  anchor.evidence))
            else:
                elsewhere.append(f"- Weakened: {topic.name}. {required} Suggested clause: {topic.suggestion}")
        else:  # dropped
            elsewhere.append(f"- Dropped: {topic.name} ({topic.severity}). {required} "
                             f"Suggested clause: {topic.suggestion}")
    dropped = len(comparison.changed("dropped"))
    summary = Note(
        f"tenderlint compare: {dropped} topic(s) dropped, {len(comparison.changed('weakened'))} weakened, "
        f"{len(comparison.changed('against'))} against the buyer, compared with the solicitation "
        f"{Path(comparison.solicitation.path).name}",
        "\n".join(elsewhere) or "Every finding is commented where it occurs.",
    )
    return Markup(notes, summary)
