"""Review before award: what a contract kept, weakened or dropped of what its solicitation required.

``compare_documents(solicitation, contracts)`` takes the checked solicitation (RFP, RFQ, SOW or
evaluated proposal, checked as ``rfp``) and the checked contract documents that together form
the deal (order form, vendor terms, DPA, checked as ``contract``). The contract side's evidence
is pooled over its files; every piece of contract evidence and every red flag names its file.

Per topic the change is one of:

- ``kept``: required (covered in the solicitation) and still covered in the contract;
- ``weakened``: required, only mentioned in the contract;
- ``dropped``: required, missing from the contract;
- ``added``: not required by the solicitation, covered in the contract;
- ``against``: the contract addresses the topic against the buyer (a red flag), whatever else;
- ``absent``: neither requires nor covers it;
- ``solicitation-only``: a topic only solicitations carry (evaluation criteria, outcomes…) that
  the contract does not cover: never reported as dropped;
- ``waived`` / ``not-compared``: waived in the configuration, or left out by --select/--ignore.

``dropped``, ``weakened`` and ``against`` are the changes a reviewer must act on (``FAILING``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Sequence

from tenderlint import __version__
from tenderlint.results import SEVERITY_RANK, DocumentResult, Evidence, RedFlag, TopicResult

CHANGES: tuple[str, ...] = (
    "dropped", "weakened", "against", "kept", "added", "absent", "solicitation-only", "waived", "not-compared",
)
FAILING: tuple[str, ...] = ("dropped", "weakened", "against")
SCHEMA_VERSION = 1
SCHEMA_FILE = "compare.schema.json"

# Best status first: pooling several contract files keeps the best any of them reached.
_STATUS_ORDER = ("covered", "weak", "missing")
_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or shall that the this to will with "
    "must may any all such not no be been which who their our we you your they".split()
)


@dataclass
class ContractEvidence:
    """A piece of contract evidence and the contract file it came from."""

    document: str
    evidence: Evidence

    def as_dict(self) -> dict:
        return {"document": self.document, **self.evidence.as_dict()}


@dataclass
class ContractRedFlag:
    """A red flag found in one of the contract files."""

    document: str
    flag: RedFlag

    def as_dict(self) -> dict:
        return {"document": self.document, **self.flag.as_dict()}


@dataclass
class TopicChange:
    """One topic across the deal: its status on each side and what changed."""

    id: str
    name: str
    severity: str
    solicitation: str  # the solicitation's status: covered | weak | missing | waived
    contract: str  # the contract side's pooled status (the best over its files)
    change: str  # one of CHANGES
    reason: str
    solicitation_evidence: list[Evidence] = field(default_factory=list)
    contract_evidence: list[ContractEvidence] = field(default_factory=list)
    red_flags: list[ContractRedFlag] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    suggestion: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def failing(self) -> bool:
        return self.change in FAILING

    @property
    def requirement(self) -> Evidence | None:
        """The solicitation's strongest requirement on this topic (for weakened and dropped)."""
        substantive = [e for e in self.solicitation_evidence if e.strength == "substantive"]
        return substantive[0] if substantive else None

    @property
    def closest(self) -> ContractEvidence | None:
        """The contract's wording closest to the requirement: of its evidence on this topic, the one
        sharing most words with the requirement (None when the contract says nothing on it)."""
        if not self.contract_evidence:
            return None
        requirement = self.requirement
        if requirement is None:
            return self.contract_evidence[0]
        wanted = _content_words(requirement.quote)
        return max(self.contract_evidence, key=lambda c: len(wanted & _content_words(c.evidence.quote)))

    def as_dict(self) -> dict:
        requirement, closest = self.requirement, self.closest
        shows_requirement = self.change in ("weakened", "dropped")
        return {
            "id": self.id,
            "name": self.name,
            "severity": self.severity,
            "solicitation": self.solicitation,
            "contract": self.contract,
            "change": self.change,
            "reason": self.reason,
            "evidence": {
                "solicitation": [e.as_dict() for e in self.solicitation_evidence],
                "contract": [c.as_dict() for c in self.contract_evidence],
            },
            "requirement": requirement.as_dict() if shows_requirement and requirement else None,
            "closest": closest.as_dict() if shows_requirement and closest else None,
            "red_flags": [flag.as_dict() for flag in self.red_flags],
            "questions": list(self.questions),
            "suggestion": self.suggestion,
            "sources": list(self.sources),
        }


@dataclass
class Comparison:
    """The solicitation, the contract files, and the change on every topic."""

    solicitation: DocumentResult
    contracts: list[DocumentResult]
    topics: list[TopicChange]
    red_flags: list[ContractRedFlag]

    @property
    def errors(self) -> list[DocumentResult]:
        """The documents that could not be checked (the comparison uses the others)."""
        return [r for r in [self.solicitation, *self.contracts] if r.error]

    @property
    def compared(self) -> bool:
        """Whether there was anything to compare: a readable solicitation and a readable contract."""
        return not self.solicitation.error and any(not c.error for c in self.contracts)

    def changed(self, *changes: str) -> list[TopicChange]:
        return [t for t in self.topics if t.change in changes]

    @property
    def findings(self) -> list[TopicChange]:
        """Dropped, weakened and against-the-buyer topics, worst first."""
        order = {change: rank for rank, change in enumerate(FAILING)}
        return sorted((t for t in self.topics if t.failing),
                      key=lambda t: (SEVERITY_RANK.get(t.severity, 9), order[t.change], t.id))

    def counts(self) -> dict[str, int]:
        counts = {change: 0 for change in CHANGES}
        for topic in self.topics:
            counts[topic.change] += 1
        return counts

    def to_dict(self) -> dict:
        """The comparison as plain data, the shape of ``compare --format json`` (compare.schema.json)."""
        from tenderlint.report.json_report import document_dict

        return {
            "schema": SCHEMA_VERSION,
            "tool": {"name": "tenderlint", "version": __version__},
            "solicitation": document_dict(self.solicitation),
            "contracts": [document_dict(c) for c in self.contracts],
            "counts": self.counts(),
            "topics": [t.as_dict() for t in self.topics],
            "red_flags": [f.as_dict() for f in self.red_flags],
        }

    def to_json(self) -> str:
        """The JSON text ``tenderlint compare --format json`` writes."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def compare_documents(solicitation: DocumentResult, contracts: Sequence[DocumentResult]) -> Comparison:
    """Compare a checked solicitation with the checked contract files that form the deal.

    The solicitation should be checked as ``rfp`` and the contracts as ``contract`` (the compare
    command does so): a topic the contract type does not expect but the solicitation does is
    what makes it solicitation-only. Documents with an error take no part; with no readable
    solicitation or contract, there are no topics.
    """
    contracts = list(contracts)
    readable = [c for c in contracts if not c.error]
    flags = [ContractRedFlag(c.path, flag) for c in readable for flag in c.red_flags]
    flags.sort(key=lambda f: (SEVERITY_RANK.get(f.flag.severity, 9), f.flag.topic, f.flag.id, f.document))
    if solicitation.error or not readable:
        return Comparison(solicitation, contracts, [], flags)
    topics = []
    for wanted in solicitation.topics:
        sides = [(c.path, c.topic(wanted.id)) for c in readable]
        topic_flags = [f for f in flags if f.flag.topic == wanted.id]
        topics.append(_topic_change(wanted, sides, topic_flags))
    return Comparison(solicitation, contracts, topics, flags)


def _topic_change(wanted: TopicResult, sides: list[tuple[str, TopicResult]], flags: list[ContractRedFlag]) -> TopicChange:
    statuses = [topic.status for _, topic in sides]
    pooled = min(statuses, key=lambda s: _STATUS_ORDER.index(s) if s in _STATUS_ORDER else -1)
    evidence = [ContractEvidence(path, e) for path, topic in sides for e in topic.evidence]
    evidence.sort(key=lambda c: c.evidence.strength != "substantive")
    change, reason = _change(wanted, pooled, any(topic.applies for _, topic in sides), flags)
    return TopicChange(
        id=wanted.id,
        name=wanted.name,
        severity=wanted.severity,
        solicitation=wanted.status,
        contract=pooled,
        change=change,
        reason=reason,
        solicitation_evidence=list(wanted.evidence),
        contract_evidence=evidence,
        red_flags=flags,
        questions=list(wanted.questions),
        suggestion=wanted.suggestion,
        sources=list(wanted.sources),
    )


def _change(wanted: TopicResult, contract: str, expected_in_contract: bool,
            flags: list[ContractRedFlag]) -> tuple[str, str]:
    if wanted.status == "waived" or contract == "waived":
        return "waived", wanted.reason
    if not wanted.applies and not expected_in_contract:
        return "not-compared", "left out by --select or --ignore"
    if flags:
        titles = "; ".join(sorted({f.flag.title for f in flags}))
        return "against", f"the contract addresses it against the buyer: {titles}"
    required = wanted.status == "covered"
    if required and not expected_in_contract and contract != "covered":
        return "solicitation-only", "a solicitation topic a contract need not carry"
    if required:
        if contract == "covered":
            return "kept", "required in the solicitation and still covered in the contract"
        if contract == "weak":
            return "weakened", "required in the solicitation, only mentioned in the contract"
        return "dropped", "required in the solicitation, missing from the contract"
    if contract == "covered":
        return "added", "not required in the solicitation, covered in the contract"
    if not expected_in_contract:
        return "solicitation-only", "a solicitation topic a contract need not carry"
    return "absent", "neither required in the solicitation nor covered in the contract"


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS and len(w) > 2}


def load_schema() -> dict:
    """The JSON Schema (draft 2020-12) of ``compare --format json``."""
    from tenderlint.report.json_report import load_schema as shipped_schema

    return shipped_schema(SCHEMA_FILE)
