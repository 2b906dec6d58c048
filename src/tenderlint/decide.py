"""Turn evidence into a decision per topic: covered, weak, missing or waived.

- **covered**: at least one substantive provision (rule evidence in requirement form, or a
  model passage above its threshold). For AI-specific topics (bias, oversight, …) only in a
  document that is about AI; elsewhere such evidence counts as a mention (COVERAGE.md).
- **weak**: the topic is only mentioned.
- **missing**: nothing.
- **waived**: declared out of scope in the configuration, with the written reason.

A red flag is itself a substantive provision on its topic (COVERAGE.md: a provision that goes
against the buyer): the topic is *addressed*, so it counts as covered even when no other
provision on it was found. It is marked ``red_flag`` and listed among the gaps all the same, so
the report asks for it to be renegotiated rather than presenting it as a protection.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from tenderlint.results import Evidence, RedFlag, TopicResult
from tenderlint.rules.cues import is_statement
from tenderlint.rules.loader import RulePack

if TYPE_CHECKING:  # the engine imports spaCy; deciding needs only its findings
    from tenderlint.rules.engine import Findings

MAX_EVIDENCE = 5


@dataclass(frozen=True)
class PerFileSelection:
    """Topics ignored or waived in the files that ``glob`` matches (``[[per-file]]`` in the configuration)."""

    glob: str
    ignore: frozenset[str] = frozenset()
    waivers: tuple[tuple[str, str], ...] = ()

    def matches(self, path: str, root: str | None) -> bool:
        """Whether ``path`` matches: relative to ``root`` when inside it, else as given; a glob
        without a slash also matches the file name alone (``*.md``)."""
        candidates = {PurePath(path).as_posix()}
        if root:
            try:
                candidates.add(PurePath(os.path.relpath(os.path.abspath(path), root)).as_posix())
            except ValueError:  # another drive (Windows)
                pass
        if "/" not in self.glob:
            candidates.add(PurePath(path).name)
        return any(fnmatch.fnmatchcase(c, self.glob) or fnmatch.fnmatchcase(c, "./" + self.glob)
                   for c in candidates)


@dataclass
class Selection:
    """Which topics are expected, how severe their gaps are, and which are waived."""

    select: set[str] | None = None  # None = all
    ignore: set[str] = field(default_factory=set)
    severities: dict[str, str] = field(default_factory=dict)
    waivers: dict[str, str] = field(default_factory=dict)  # topic id -> written reason
    per_file: tuple[PerFileSelection, ...] = ()
    root: str | None = None  # the folder per-file globs are relative to (the configuration's)

    def for_path(self, path: str) -> Selection:
        """This selection with the per-file entries that match ``path`` applied (later ones win)."""
        matching = [entry for entry in self.per_file if entry.matches(path, self.root)]
        if not matching:
            return self
        ignore, waivers = set(self.ignore), dict(self.waivers)
        for entry in matching:
            ignore |= entry.ignore
            waivers.update(entry.waivers)
        return replace(self, ignore=ignore, waivers=waivers, per_file=())


def decide(
    pack: RulePack,
    findings: Findings,
    doc_type: str,
    selection: Selection | None = None,
    model_evidence: dict[str, list[Evidence]] | None = None,
) -> tuple[list[TopicResult], list[RedFlag]]:
    """One TopicResult per topic in the pack (taxonomy order) and the red flags found."""
    selection = selection or Selection()
    model_evidence = model_evidence or {}
    flagged_topics = {flag.topic for flag in findings.red_flags}
    flag_evidence: dict[str, list[Evidence]] = {}
    for flag in findings.red_flags:
        flag_evidence.setdefault(flag.topic, []).append(flag.evidence)
    results = []
    for topic in pack.topics:
        rule = pack.rules[topic.id]
        evidence = list(findings.evidence.get(topic.id, []))
        evidence += model_evidence.get(topic.id, [])
        # A provision against the buyer addresses the topic: its evidence joins the topic's own.
        known = {(ev.start, ev.end) for ev in evidence if ev.strength == "substantive"}
        evidence += [ev for ev in flag_evidence.get(topic.id, []) if (ev.start, ev.end) not in known]
        if doc_type != "contract":
            # A plain statement ("outputs may be wrong", "the service is AI-powered") is a provision
            # when the vendor's terms give it (COVERAGE.md); in a solicitation it is background.
            evidence = [_as_mention(ev, "a statement, not a requirement, in a solicitation")
                        if ev.strength == "substantive" and is_statement(ev.why) else ev
                        for ev in evidence]
        if rule.only_in_solicitations and doc_type == "contract":
            evidence = [_as_mention(ev, "a solicitation's topic, in a contract") if ev.strength == "substantive"
                        else ev for ev in evidence]
        if rule.ai_specific and not findings.is_ai_document:
            evidence = [_as_mention(ev, "the document is not about AI") if ev.strength == "substantive" else ev
                        for ev in evidence]
        substantive = [ev for ev in evidence if ev.strength == "substantive"]
        if substantive:
            status, reason = "covered", _covered_reason(substantive)
        elif evidence:
            status, reason = "weak", f"only mentioned ({evidence[0].why or 'no requirement found'})"
        else:
            status, reason = "missing", "nothing in the document concerns this topic"
        applies = rule.applies_to in ("both", doc_type)
        if selection.select is not None and topic.id not in selection.select:
            applies, reason = False, reason + "; not selected"
        if topic.id in selection.ignore:
            applies, reason = False, reason + "; ignored"
        waiver = selection.waivers.get(topic.id)
        if waiver:
            status, reason = "waived", f"waived: {waiver}"
        red_flag = topic.id in flagged_topics
        if red_flag and status != "waived":
            reason += "; a provision goes against the buyer (red flag)"
        results.append(
            TopicResult(
                id=topic.id,
                name=rule.title,
                status=status,
                applies=applies,
                severity=selection.severities.get(topic.id, rule.severity),
                evidence=_strongest(evidence),
                questions=list(rule.questions),
                suggestion=rule.suggestion.strip(),
                sources=[_source_text(s) for s in rule.sources],
                reason=reason,
                waiver=waiver,
                red_flag=red_flag,
            )
        )
    return results, findings.red_flags


def _as_mention(ev: Evidence, why: str) -> Evidence:
    return Evidence(**{**ev.__dict__, "strength": "mention", "why": f"{ev.why}; {why}" if ev.why else why})


def _covered_reason(substantive: list[Evidence]) -> str:
    sources = sorted({"model" if ev.source == "model" else "rules" for ev in substantive})
    n = len(substantive)
    return f"{n} substantive provision{'s' if n != 1 else ''} found by {' and '.join(sources)}"


def _strongest(evidence: list[Evidence]) -> list[Evidence]:
    """Substantive first (rules before model, then by model score), then mentions; document order within."""
    def key(ev: Evidence):
        return (ev.strength != "substantive", -(ev.score or 0.0) if ev.source == "model" else -1.0, ev.start)

    seen: set[tuple[int, int]] = set()
    best = []
    for ev in sorted(evidence, key=key):
        if (ev.start, ev.end) in seen:
            continue
        seen.add((ev.start, ev.end))
        best.append(ev)
        if len(best) == MAX_EVIDENCE:
            break
    return best


def _source_text(source) -> str:
    parts = [source.ref]
    if source.file:
        parts.append(source.file)
    if source.section:
        parts.append(source.section)
    return " — ".join(parts)
