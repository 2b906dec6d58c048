"""What every human-readable report shows, worked out once for the text, Markdown and HTML formats.

The renderers differ only in layout. Which status a topic is shown with, which evidence is
the strongest, how a location or a finder is described, which warnings a reader must see and
in what order gaps come are decided here, so the three formats never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tenderlint.language import language_name
from tenderlint.results import SEVERITY_RANK, DocumentResult, Evidence, RedFlag, TopicResult

# How a topic is shown. "not-expected" is a topic the document type does not call for and the
# document does not cover: listed for completeness, never counted as a gap.
DISPLAY_STATUSES: tuple[str, ...] = ("covered", "weak", "missing", "waived", "not-expected")

STATUS_SYMBOLS = {
    "covered": "✓",
    "weak": "◐",
    "missing": "✗",
    "waived": "⊘",
    "not-expected": "–",
}

STATUS_LABELS = {
    "covered": "covered",
    "weak": "weak",
    "missing": "missing",
    "waived": "waived",
    "not-expected": "not expected",
}

# One sentence per status, in the words a procurement officer would use.
STATUS_MEANINGS = {
    "covered": "the document has a substantive provision on this topic",
    "weak": "the topic is only mentioned, with no requirement or commitment behind it",
    "missing": "nothing in the document addresses this topic",
    "waived": "the buyer has decided this topic does not need to be addressed here",
    "not-expected": "this topic is not expected in this type of document",
}

DOC_TYPE_LABELS = {
    "rfp": "Solicitation (RFP, statement of work or tender notice)",
    "contract": "Contract, agreement or terms",
}

RED_FLAG_SYMBOL = "⚑"
WARNING_SYMBOL = "!"

# Control characters (other than newline and tab) could drive a terminal or corrupt a file
# when a document's text is echoed; they never carry meaning in a quote.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str | None) -> str:
    """Document-supplied text made safe to print: control characters removed, tabs as spaces."""
    if not text:
        return ""
    return _CONTROL_CHARACTERS.sub("", text).replace("\t", " ")


def one_line(text: str | None) -> str:
    """``clean_text`` folded onto a single line, for table cells and headings."""
    return " ".join(clean_text(text).split())


def display_status(topic: TopicResult) -> str:
    """The status a reader sees: a gap the document type does not call for is 'not expected'."""
    if topic.status == "waived":
        return "waived"
    if not topic.applies and topic.status in ("weak", "missing"):
        return "not-expected"
    return topic.status


def strongest_first(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence ordered for display: substantive before mentions. Within each, the order the
    decision stage chose (it ranks rules and model scores) is kept."""
    return sorted(evidence, key=lambda e: e.strength != "substantive")


def describe_source(evidence: Evidence) -> str:
    """What found a piece of evidence, e.g. 'rule privacy/residency' or 'classifier, score 0.82'."""
    source = evidence.source or "unknown"
    if source.startswith("rule:"):
        finder = f"rule {source[len('rule:'):]}"
    elif source == "model":
        finder = "classifier"
    else:
        finder = source
    if evidence.score is not None:
        finder += f", score {evidence.score:.2f}"
    if evidence.strength == "mention":
        finder += ", mention only"
    return one_line(finder)


def describe_section(evidence: Evidence) -> str:
    return " > ".join(one_line(part) for part in evidence.section if one_line(part))


def describe_location(evidence: Evidence) -> str:
    """Page (or source line, or DOCX paragraph) and section of a piece of evidence, e.g.
    'page 4, section 3 Data > 3.2 Use' or 'line 31, section 2 The Service'."""
    parts = []
    if evidence.page is not None:
        parts.append(f"page {evidence.page} (read by OCR)" if getattr(evidence, "ocr", False) else f"page {evidence.page}")
    if getattr(evidence, "line", None) is not None:
        parts.append(f"line {evidence.line}")
    elif getattr(evidence, "paragraph", None) is not None:
        parts.append(f"paragraph {evidence.paragraph}")
    section = describe_section(evidence)
    if section:
        parts.append(f"section {section}")
    return ", ".join(parts) if parts else "location not known"


@dataclass
class EvidenceView:
    quote: str
    page: int | None
    section: str
    location: str
    found_by: str
    strength: str
    score: float | None
    why: str  # why the passage has its strength; empty when the topic's reason already says it

    @property
    def found_by_why(self) -> str:
        return f"{self.found_by} ({self.why})" if self.why else self.found_by


def evidence_view(evidence: Evidence, *, already_said: str = "") -> EvidenceView:
    why = one_line(evidence.why)
    return EvidenceView(
        quote=clean_text(evidence.quote).strip(),
        page=evidence.page,
        section=describe_section(evidence),
        location=describe_location(evidence),
        found_by=describe_source(evidence),
        strength=evidence.strength,
        score=evidence.score,
        why="" if why and why in already_said else why,
    )


@dataclass
class RedFlagView:
    id: str
    topic: str
    topic_name: str
    title: str
    severity: str
    evidence: EvidenceView


@dataclass
class TopicView:
    id: str
    name: str
    status: str  # the decided status: covered | weak | missing | waived
    display: str  # one of DISPLAY_STATUSES
    symbol: str
    label: str
    meaning: str
    applies: bool
    is_gap: bool
    red_flag: bool  # a provision on this topic goes against the buyer
    severity: str
    reason: str
    waiver: str
    evidence: list[EvidenceView]
    questions: list[str]
    suggestion: str
    sources: list[str]
    red_flags: list[RedFlagView] = field(default_factory=list)

    @property
    def against_buyer(self) -> bool:
        """Addressed, but against the buyer: a gap although its provisions earn 'covered'."""
        return self.red_flag and self.display == "covered"

    @property
    def gap_symbol(self) -> str:
        return RED_FLAG_SYMBOL if self.against_buyer else self.symbol

    @property
    def gap_label(self) -> str:
        return "red flag" if self.against_buyer else self.label

    @property
    def status_text(self) -> str:
        """Symbol and status for tables, with the red-flag mark when a provision goes against the buyer."""
        text = f"{self.symbol} {self.label}"
        return f"{text} {RED_FLAG_SYMBOL}" if self.red_flag else text

    @property
    def status_phrase(self) -> str:
        """The status in words, e.g. 'covered, but against the buyer'."""
        return f"{self.label}, but against the buyer" if self.against_buyer else self.label

    @property
    def strongest(self) -> EvidenceView | None:
        return self.evidence[0] if self.evidence else None

    @property
    def evidence_page(self) -> str:
        strongest = self.strongest
        return "" if strongest is None or strongest.page is None else str(strongest.page)


@dataclass
class DocumentView:
    index: int
    anchor: str
    path: str
    sha256: str
    format: str
    doc_type: str
    doc_type_label: str
    doc_type_reason: str
    pages: int | None
    words: int | None
    language: str
    language_name: str
    notices: list[str]  # warnings the reader must see before trusting the findings
    ocr: str  # which pages were read by OCR and how confidently; empty when none
    error_code: str
    error_message: str
    topics: list[TopicView]
    gaps: list[TopicView]
    red_flags: list[RedFlagView]
    counts: dict[str, int]

    @property
    def failed(self) -> bool:
        return bool(self.error_code or self.error_message)

    def topics_shown_as(self, display: str) -> list[TopicView]:
        return [t for t in self.topics if t.display == display]

    @property
    def covered_topics(self) -> list[TopicView]:
        """Covered topics that are not gaps (a topic addressed against the buyer is a gap)."""
        return [t for t in self.topics_shown_as("covered") if not t.is_gap]

    @property
    def waived_topics(self) -> list[TopicView]:
        return self.topics_shown_as("waived")

    @property
    def not_expected_topics(self) -> list[TopicView]:
        return self.topics_shown_as("not-expected")

    @property
    def detail_order(self) -> list[TopicView]:
        """Topics in the order a reader works through them: gaps worst first, then the rest."""
        gap_ids = {t.id for t in self.gaps}
        rest = [t for t in self.topics if t.id not in gap_ids]
        order = {status: rank for rank, status in enumerate(("covered", "waived", "not-expected", "weak", "missing"))}
        return self.gaps + sorted(rest, key=lambda t: order[t.display])


def _red_flag_view(flag: RedFlag, names: dict[str, str]) -> RedFlagView:
    return RedFlagView(
        id=one_line(flag.id),
        topic=one_line(flag.topic),
        topic_name=one_line(names.get(flag.topic, flag.topic)),
        title=one_line(flag.title),
        severity=one_line(flag.severity),
        evidence=evidence_view(flag.evidence),
    )


def _topic_view(topic: TopicResult, flags: list[RedFlagView]) -> TopicView:
    display = display_status(topic)
    return TopicView(
        id=one_line(topic.id),
        name=one_line(topic.name),
        status=topic.status,
        display=display,
        symbol=STATUS_SYMBOLS[display],
        label=STATUS_LABELS[display],
        meaning=STATUS_MEANINGS[display],
        applies=topic.applies,
        is_gap=topic.is_gap,
        red_flag=topic.red_flag,
        severity=one_line(topic.severity),
        reason=one_line(topic.reason),
        waiver=one_line(topic.waiver),
        evidence=[evidence_view(e, already_said=topic.reason) for e in strongest_first(topic.evidence)],
        questions=[one_line(q) for q in topic.questions if one_line(q)],
        suggestion=clean_text(topic.suggestion).strip(),
        sources=[one_line(s) for s in topic.sources if one_line(s)],
        red_flags=[f for f in flags if f.topic == topic.id],
    )


def _notices(result: DocumentResult) -> list[str]:
    notices = []
    if result.error is None:
        if result.language is None:
            notices.append(
                "The document's language could not be detected. tenderlint's rules and classifier read "
                "English: check any 'missing' topic by hand."
            )
        elif result.language != "en":
            notices.append(
                f"This document appears to be in {language_name(result.language)} ({one_line(result.language)}), "
                "not English. tenderlint's rules and classifier read English, so provisions are easily "
                "missed: treat 'missing' and 'weak' as 'not found', not as absent."
            )
    notices.extend(one_line(w) for w in result.warnings if one_line(w))
    return notices


def ocr_summary(result: DocumentResult) -> str:
    """'pages 2, 5 of 9 were scanned and read by OCR (Tesseract), mean word confidence 93%; …' or ''."""
    if not result.ocr_pages:
        return ""
    pages = result.ocr_pages
    if result.pages is not None and len(pages) == result.pages:
        which = f"all {len(pages)} pages" if len(pages) > 1 else "the page"
    else:
        which = ("page " if len(pages) == 1 else "pages ") + ", ".join(str(p) for p in pages)
        if result.pages is not None:
            which += f" of {result.pages}"
    verb = "was" if len(pages) == 1 else "were"
    confidence = ("" if result.ocr_confidence is None
                  else f", mean word confidence {result.ocr_confidence:.0%}")
    return (f"{which[:1].upper()}{which[1:]} {verb} read by OCR (Tesseract){confidence}; "
            "quotes from OCR pages are marked \"read by OCR\" and may contain misread words")


def document_view(result: DocumentResult, index: int) -> DocumentView:
    """The presentation of one checked document (``index`` is 1-based and makes anchors unique)."""
    names = {t.id: t.name for t in result.topics}
    flags = [_red_flag_view(f, names) for f in result.red_flags]
    flags.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.topic, f.id))
    topics = [_topic_view(t, flags) for t in result.topics]
    by_id = {t.id: t for t in topics}
    gaps = [by_id[one_line(t.id)] for t in result.gaps]
    counts = {status: 0 for status in DISPLAY_STATUSES}
    for topic in topics:
        counts[topic.display] += 1
    error = result.error or {}
    doc_type = one_line(result.doc_type)
    return DocumentView(
        index=index,
        anchor=f"doc-{index}",
        path=one_line(result.path),
        sha256=one_line(result.sha256),
        format=one_line(result.format),
        doc_type=doc_type,
        doc_type_label=DOC_TYPE_LABELS.get(doc_type, doc_type or "unknown"),
        doc_type_reason=one_line(result.doc_type_reason),
        pages=result.pages,
        words=result.words,
        language=one_line(result.language),
        language_name=language_name(result.language),
        notices=_notices(result),
        ocr=ocr_summary(result),
        error_code=one_line(error.get("code")) if result.error is not None else "",
        error_message=one_line(error.get("message")) if result.error is not None else "",
        topics=topics,
        gaps=gaps,
        red_flags=flags,
        counts=counts,
    )


def document_views(results: list[DocumentResult]) -> list[DocumentView]:
    return [document_view(result, index) for index, result in enumerate(results, start=1)]


def counts_sentence(counts: dict[str, int]) -> str:
    """'12 covered, 4 weak, 6 missing, 1 waived, 4 not expected' (statuses with none are kept)."""
    return ", ".join(f"{counts[s]} {STATUS_LABELS[s]}" for s in DISPLAY_STATUSES)


def number(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"

