"""What a check finds: located evidence, red flags, per-topic decisions and a document's result.

These are the objects that flow from the decision stage into every report format, the
audit store and the web page. They carry no rendering logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

# The vocabularies every stage shares, each defined here once.
Status = Literal["covered", "weak", "missing", "waived"]
STATUSES: tuple[str, ...] = get_args(Status)
Severity = Literal["high", "medium", "low"]  # most severe first
SEVERITIES: tuple[str, ...] = get_args(Severity)
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
DocType = Literal["rfp", "contract"]  # a solicitation (RFP, RFQ, SOW...) or a contract (agreement, terms)
DOC_TYPES: tuple[str, ...] = get_args(DocType)
# What a user may ask for (--type, the configuration's type, the web form): a type, or detection.
REQUESTED_DOC_TYPES: tuple[str, ...] = ("auto", *DOC_TYPES)


@dataclass
class Evidence:
    """A located passage that bears on a topic, and what found it."""

    topic: str
    quote: str
    page: int | None
    section: list[str]
    start: int  # character span in Document.text
    end: int
    source: str  # "rule:<rule id>" or "model"
    strength: Literal["substantive", "mention"] = "substantive"
    score: float | None = None  # model probability, or the rule's confidence
    block_kind: str = "paragraph"
    why: str = ""  # why this strength: "obligation", "definition", "matched: …"
    # Where in the source file (set by locations.locate_evidence): 1-based line and column of the
    # first character and the column after the last, for Markdown, text and HTML; DOCX paragraph.
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    paragraph: int | None = None
    ocr: bool = False  # the quote comes from a page read by OCR

    def as_dict(self) -> dict:
        data = {
            "quote": self.quote,
            "page": self.page,
            "section": " > ".join(self.section) if self.section else None,
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "strength": self.strength,
            "score": None if self.score is None else round(self.score, 3),
            "why": self.why,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "paragraph": self.paragraph,
        }
        if self.ocr:  # only then: reports of documents with a text layer keep their exact shape
            data["ocr"] = True
        return data


@dataclass
class RedFlag:
    """A provision that addresses a topic against the buyer, with its evidence."""

    id: str
    topic: str
    title: str
    severity: str
    evidence: Evidence

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "topic": self.topic,
            "title": self.title,
            "severity": self.severity,
            "evidence": self.evidence.as_dict(),
        }


@dataclass
class TopicResult:
    """The decision for one topic in one document."""

    id: str
    name: str
    status: Status
    applies: bool  # whether the topic is expected for this document type
    severity: str
    evidence: list[Evidence] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    suggestion: str = ""
    sources: list[str] = field(default_factory=list)
    reason: str = ""  # why this status (e.g. "only mentioned", "waived: <reason>")
    waiver: str | None = None
    red_flag: bool = False  # a provision on this topic goes against the buyer (see DocumentResult.red_flags)

    @property
    def is_gap(self) -> bool:
        """Expected here and not protected: missing, only mentioned, or addressed against the buyer."""
        return self.applies and (self.status in ("missing", "weak") or (self.red_flag and self.status != "waived"))

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "applies": self.applies,
            "severity": self.severity,
            "reason": self.reason,
            "waiver": self.waiver,
            "red_flag": self.red_flag,
            "evidence": [e.as_dict() for e in self.evidence],
            "questions": list(self.questions),
            "suggestion": self.suggestion,
            "sources": list(self.sources),
        }


@dataclass
class DocumentResult:
    """Everything a check found in one document, or the error that stopped it."""

    path: str
    sha256: str | None = None
    format: str | None = None
    doc_type: str | None = None  # rfp | contract
    doc_type_reason: str = ""
    pages: int | None = None
    words: int | None = None
    language: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: dict | None = None  # {"code", "message"} when the document could not be checked
    topics: list[TopicResult] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (1-based)
    ocr_confidence: float | None = None  # mean word confidence of the OCR, 0..1

    def ocr_facts(self) -> dict | None:
        """``{"pages": [...], "confidence": ...}`` when pages were read by OCR, else None."""
        from tenderlint.document import ocr_facts

        return ocr_facts(self.ocr_pages, self.ocr_confidence)

    @property
    def gaps(self) -> list[TopicResult]:
        """Topics expected for this document type that are missing or only mentioned, worst first."""
        gaps = [t for t in self.topics if t.is_gap]
        return sorted(gaps, key=lambda t: (SEVERITY_RANK.get(t.severity, 9), t.status != "missing", t.id))

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for topic in self.topics:
            counts[topic.status] += 1
        return counts

    def topic(self, topic_id: str) -> TopicResult:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def to_dict(self) -> dict:
        """The JSON report of this document as plain data (``schema`` 1, as docs/json-report.md describes)."""
        from tenderlint.report.json_report import to_json_dict

        return to_json_dict([self])

    def to_json(self) -> str:
        """The JSON report of this document: the same text ``tenderlint check --format json`` writes."""
        from tenderlint.report.json_report import render_json

        return render_json([self])
