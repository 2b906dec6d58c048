"""The reports of ``tenderlint compare``: text, Markdown, HTML and JSON, from one ``Comparison``.

What each topic shows is worked out once here (``comparison_view``); the formats differ only in
layout. Document text goes through the same cleaning and escaping as the check's reports: the
view's ``clean_text``/``one_line``, Markdown's ``escape`` and Jinja2's autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tenderlint import __version__
from tenderlint.compare import CHANGES, Comparison, ContractEvidence, TopicChange
from tenderlint.errors import TenderlintError
from tenderlint.report.view import (
    RED_FLAG_SYMBOL,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    EvidenceView,
    clean_text,
    evidence_view,
    one_line,
)

CHANGE_SYMBOLS = {
    "dropped": "✗", "weakened": "◐", "against": RED_FLAG_SYMBOL, "kept": "✓", "added": "+", "absent": "–",
    "solicitation-only": "·", "waived": "⊘", "not-compared": "–",
}
CHANGE_MEANINGS = {
    "dropped": "required in the solicitation, missing from the contract",
    "weakened": "required in the solicitation, only mentioned in the contract",
    "against": "the contract addresses it against the buyer (red flag)",
    "kept": "required in the solicitation and still covered in the contract",
    "added": "not required in the solicitation, covered in the contract",
    "absent": "neither required in the solicitation nor covered in the contract",
    "solicitation-only": "a solicitation topic (evaluation, outcomes…) a contract need not carry",
    "waived": "waived in the configuration",
    "not-compared": "left out by --select or --ignore",
}
_ANSI = {"dropped": "1;31", "weakened": "33", "against": "1;31", "kept": "32", "added": "36"}


@dataclass
class PlacedEvidence:
    """Evidence shown with the file it came from (empty for the solicitation's)."""

    document: str
    view: EvidenceView

    @property
    def where(self) -> str:
        return f"{self.document}, {self.view.location}" if self.document else self.view.location


@dataclass
class TopicChangeView:
    id: str
    name: str
    severity: str
    solicitation: str
    contract: str
    change: str
    symbol: str
    reason: str
    requirement: PlacedEvidence | None
    closest: PlacedEvidence | None
    flags: list[tuple[str, str, str, PlacedEvidence]]  # (severity, title, id, evidence)
    questions: list[str]
    suggestion: str

    @property
    def solicitation_text(self) -> str:
        return f"{STATUS_SYMBOLS.get(self.solicitation, '')} {STATUS_LABELS.get(self.solicitation, self.solicitation)}"

    @property
    def contract_text(self) -> str:
        return f"{STATUS_SYMBOLS.get(self.contract, '')} {STATUS_LABELS.get(self.contract, self.contract)}"

    @property
    def change_text(self) -> str:
        return f"{self.symbol} {self.change}"


@dataclass
class ComparisonView:
    solicitation: str
    solicitation_facts: str
    contracts: list[tuple[str, str]]  # (path, facts)
    errors: list[tuple[str, str, str]]  # (path, code, message)
    counts: dict[str, int]
    findings: list[TopicChangeView]
    topics: list[TopicChangeView]
    compared: bool
    notices: list[str] = field(default_factory=list)

    @property
    def counts_sentence(self) -> str:
        return ", ".join(f"{self.counts[c]} {c}" for c in CHANGES if self.counts[c] or c in ("dropped", "weakened", "against"))


def _placed(document: str, evidence) -> PlacedEvidence:
    return PlacedEvidence(one_line(document), evidence_view(evidence))


def _facts(result) -> str:
    if result.error:
        return f"could not be read: error[{one_line(result.error.get('code'))}] {one_line(result.error.get('message'))}"
    parts = [result.format or "", f"{result.pages} pages" if result.pages else "", f"{result.words:,} words" if result.words else ""]
    return ", ".join(one_line(p) for p in parts if p)


def _topic_view(topic: TopicChange) -> TopicChangeView:
    shows = topic.change in ("weakened", "dropped")
    requirement = topic.requirement if shows else None
    closest: ContractEvidence | None = topic.closest if shows else None
    return TopicChangeView(
        id=one_line(topic.id),
        name=one_line(topic.name),
        severity=one_line(topic.severity),
        solicitation=topic.solicitation,
        contract=topic.contract,
        change=topic.change,
        symbol=CHANGE_SYMBOLS[topic.change],
        reason=one_line(topic.reason),
        requirement=_placed("", requirement) if requirement else None,
        closest=_placed(closest.document, closest.evidence) if closest else None,
        flags=[(one_line(f.flag.severity), one_line(f.flag.title), one_line(f.flag.id), _placed(f.document, f.flag.evidence))
               for f in topic.red_flags],
        questions=[one_line(q) for q in topic.questions if one_line(q)],
        suggestion=clean_text(topic.suggestion).strip() if shows or topic.change == "against" else "",
    )


def comparison_view(comparison: Comparison) -> ComparisonView:
    topics = [_topic_view(t) for t in comparison.topics]
    by_id = {t.id: t for t in topics}
    notices = []
    languages = {c.language for c in [comparison.solicitation, *comparison.contracts] if not c.error}
    if languages - {"en"}:
        notices.append("A document is not in English (or its language is unknown): tenderlint's rules read English, "
                       "so a 'dropped' or 'weakened' topic may only be unrecognised.")
    return ComparisonView(
        solicitation=one_line(comparison.solicitation.path),
        solicitation_facts=_facts(comparison.solicitation),
        contracts=[(one_line(c.path), _facts(c)) for c in comparison.contracts],
        errors=[(one_line(r.path), one_line(r.error.get("code")), one_line(r.error.get("message"))) for r in comparison.errors],
        counts=comparison.counts(),
        findings=[by_id[one_line(t.id)] for t in comparison.findings],
        topics=topics,
        compared=comparison.compared,
        notices=notices,
    )


def render_comparison(comparison: Comparison, fmt: str, *, color: bool | None = None) -> str:
    if fmt == "json":
        return comparison.to_json()
    view = comparison_view(comparison)
    if fmt == "text":
        from tenderlint.report import wants_color

        return render_text(view, color=wants_color(color))
    if fmt == "markdown":
        return render_markdown(view)
    if fmt == "html":
        return render_html(view)
    raise TenderlintError("usage", f"unknown report format {fmt!r}; choose one of text, markdown, html, json")


# -- text --------------------------------------------------------------------------------------

def render_text(view: ComparisonView, *, color: bool = False) -> str:
    def paint(change: str, text: str) -> str:
        code = _ANSI.get(change)
        return f"\x1b[{code}m{text}\x1b[0m" if color and code else text

    lines = [f"tenderlint {__version__} compare · solicitation and {len(view.contracts)} contract file(s)", "",
             f"Solicitation  {view.solicitation} ({view.solicitation_facts})"]
    lines += [f"Contract      {path} ({facts})" for path, facts in view.contracts]
    lines += [f"! {notice}" for notice in view.notices]
    if not view.compared:
        lines += ["", "Nothing compared: the solicitation and at least one contract file must be readable."]
        return "\n".join(lines) + "\n"
    lines += [f"Changes       {view.counts_sentence}", ""]
    if view.findings:
        lines.append(f"Dropped, weakened or against the buyer, worst first ({len(view.findings)})")
        for topic in view.findings:
            lines.append("  " + paint(topic.change, f"{topic.symbol} {topic.change:<9}") +
                         f" {topic.severity:<7} {topic.id:<21} {topic.name}")
    else:
        lines.append("Nothing required by the solicitation was dropped or weakened, and nothing goes against the buyer.")
    lines += ["", f"{'Topic':<22} {'Solicitation':<14} {'Contract':<12} Change", "-" * 64]
    for topic in view.topics:
        lines.append(f"{topic.id:<22} {topic.solicitation_text:<14} {topic.contract_text:<12} "
                     + paint(topic.change, topic.change_text))
    for topic in view.findings:
        lines += ["", paint(topic.change, f"{topic.symbol} {topic.id}") +
                  f" — {topic.name} · {topic.change} · {topic.severity} severity", f"  Why: {topic.reason}"]
        if topic.requirement:
            lines += [f"  The solicitation requires ({topic.requirement.where}):", f"    “{topic.requirement.view.quote}”"]
        if topic.change in ("weakened", "dropped"):
            if topic.closest:
                lines += [f"  The contract's closest wording ({topic.closest.where}):", f"    “{topic.closest.view.quote}”"]
            else:
                lines.append("  The contract's closest wording: nothing in the contract files concerns this topic.")
        for severity, title, _id, evidence in topic.flags:
            lines += [f"  {RED_FLAG_SYMBOL} {severity.upper()} {title} ({evidence.where}):", f"    “{evidence.view.quote}”"]
        if topic.suggestion:
            lines += ["  Suggested clause:", *(f"    {line}" for line in topic.suggestion.splitlines())]
    for path, code, message in view.errors:
        lines += ["", f"✗ {path}: error[{code}] {message}"]
    return "\n".join(lines) + "\n"


# -- Markdown ----------------------------------------------------------------------------------

def render_markdown(view: ComparisonView) -> str:
    from tenderlint.report.markdown import blockquote, cell, code, escape, table

    lines = ["# tenderlint compare report", "", f"Compared by tenderlint {__version__}.", "",
             f"- **Solicitation:** {escape(view.solicitation)} ({escape(view.solicitation_facts)})"]
    lines += [f"- **Contract:** {escape(path)} ({escape(facts)})" for path, facts in view.contracts]
    lines.append("")
    lines += [f"> **Warning:** {escape(notice)}\n" for notice in view.notices]
    for path, error_code, message in view.errors:
        lines += [f"**✗ {escape(path)}:** error\\[{escape(error_code)}\\] {escape(message)}", ""]
    if not view.compared:
        return "\n".join(lines + ["Nothing compared: the solicitation and at least one contract file must be readable.", ""])
    lines += [f"**Changes:** {escape(view.counts_sentence)}", "", "Key:", ""]
    lines += [f"- {CHANGE_SYMBOLS[c]} **{c}**: {CHANGE_MEANINGS[c]}" for c in CHANGES[:7]]
    lines += ["", f"## Dropped, weakened or against the buyer ({len(view.findings)})", ""]
    if not view.findings:
        lines += ["Nothing required by the solicitation was dropped or weakened, and nothing goes against the buyer.", ""]
    for topic in view.findings:
        lines += [f"### {topic.symbol} {escape(topic.name)} ({code(topic.id)}): {topic.change}, "
                  f"{escape(topic.severity)} severity", "", f"**Why:** {escape(topic.reason)}", ""]
        if topic.requirement:
            lines += [f"**The solicitation requires** ({escape(topic.requirement.where)}):", "",
                      blockquote(topic.requirement.view.quote), ""]
        if topic.change in ("weakened", "dropped"):
            if topic.closest:
                lines += [f"**The contract's closest wording** ({escape(topic.closest.where)}):", "",
                          blockquote(topic.closest.view.quote), ""]
            else:
                lines += ["**The contract's closest wording:** nothing in the contract files concerns this topic.", ""]
        for severity, title, _id, evidence in topic.flags:
            lines += [f"**{RED_FLAG_SYMBOL} {escape(severity.upper())}: {escape(title)}** ({escape(evidence.where)}):", "",
                      blockquote(evidence.view.quote), ""]
        if topic.suggestion:
            lines += ["**Suggested clause**", ""] + [escape(line) for line in topic.suggestion.splitlines()] + [""]
    rows = [[code(t.id), cell(t.name), t.solicitation_text, t.contract_text, t.change_text] for t in view.topics]
    lines += ["## All topics", ""] + table(["Topic", "Name", "Solicitation", "Contract", "Change"], rows) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


# -- HTML --------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(view: ComparisonView) -> str:
    return _environment().get_template("compare.html.j2").render(
        version=__version__, view=view, changes=CHANGES[:7], symbols=CHANGE_SYMBOLS, meanings=CHANGE_MEANINGS,
        red_flag_symbol=RED_FLAG_SYMBOL)
