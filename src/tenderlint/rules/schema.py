"""The shape of a rule file, validated when the rule pack is loaded.

A rule file (``rules/<topic-id>.yaml``) describes one guidance topic: what it checks and
why, where the guidance says so, the questions to put to bidders, a suggested clause, the
evidence patterns that find it, the red flags that go against the buyer, and example
sentences that must and must not count as coverage. The file is both the check and its
documentation.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tenderlint.results import DocType, Severity

TOPIC_ID_PATTERN = r"^[a-z][a-z0-9-]*$"
# The plain-statement readings a rule may name (``statement_cues``, ``mention_in_statements``); each
# is a pattern in ``cues.STATEMENT_CUES`` (the sentence's words) or ``cues.SECTION_STATEMENT_CUES`` (the
# headings over it) under the same name.
StatementCue = Literal["limitation-notice", "reliance-notice", "ai-nature", "governing-policy", "acts-under-a-law",
                       "service-level-target", "names-its-subprocessors", "listed-among-subprocessors",
                       "export-window"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the guidance behind a rule says so: a taxonomy source code plus file and section."""

    ref: str = Field(description="taxonomy source code, e.g. O15 (Buying AI file 15), E, U, K, W, A, S")
    file: str | None = Field(default=None, description="file in the guidance, e.g. buying-ai/15-contract-clauses.md")
    section: str | None = Field(default=None, description="section heading in that file")


class CooccurrencePattern(_Strict):
    """Evidence when one sentence contains a phrase from *every* group, close together."""

    name: str
    all: list[list[str]] = Field(min_length=2)
    within: int | None = Field(
        default=None, ge=2,
        description="the phrases must fall within this many tokens of each other (default: the engine's "
                    "clause-sized window; long contract sentences list unrelated matters side by side)")
    from_heading: list[int] = Field(
        default_factory=list,
        description="indices (from 0) of groups the nearest heading may supply to a sentence under it that "
                    "holds every other group: under \"Effect of Termination\", \"you have 30 days to "
                    "export your data\" is an export at the end")

    @model_validator(mode="after")
    def _heading_groups_exist(self) -> CooccurrencePattern:
        outside = [i for i in self.from_heading if not 0 <= i < len(self.all)]
        if outside:
            raise ValueError(f"from_heading names groups {outside} of a co-occurrence with {len(self.all)} groups")
        if len(set(self.from_heading)) >= len(self.all):
            raise ValueError("from_heading must leave at least one group for the sentence itself")
        return self


class TokenPattern(_Strict):
    """A spaCy ``Matcher`` token pattern (list of token dicts). Keep these few and precise."""

    name: str
    pattern: list[dict] = Field(min_length=1)


class EvidencePatterns(_Strict):
    """How a topic is found in a sentence.

    ``terms`` are specific to the topic: one in a sentence of requirement form is coverage.
    ``cooccur`` demands a phrase from each group in the same sentence (for topics whose
    single words are too common, e.g. "data" + "own"). ``patterns`` are token patterns.
    ``mentions`` are broader words that only show the topic is mentioned (never coverage).
    ``exclude`` phrases veto a hit in the sentence they appear in (known false friends).
    Phrases are matched on lower-cased lemmas, so "audits", "Audited" and "audit" match "audit".
    """

    terms: list[str] = Field(default_factory=list)
    cooccur: list[CooccurrencePattern] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)
    mentions: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_some_evidence(self) -> "EvidencePatterns":
        if not (self.terms or self.cooccur or self.patterns):
            raise ValueError("evidence needs at least one of terms, cooccur or patterns")
        return self


class KnownMiss(_Strict):
    """A sentence the rule gets wrong today, kept so the miss is visible (run as xfail)."""

    text: str
    expected: Literal["covered", "not_covered"]
    reason: str


class Examples(_Strict):
    covered: list[str] = Field(min_length=1, description="sentences that must count as coverage")
    not_covered: list[str] = Field(
        min_length=1, description="sentences that must not: gaps, negations, mere mentions, false friends"
    )
    known_misses: list[KnownMiss] = Field(default_factory=list)


class RedFlagExamples(_Strict):
    flagged: list[str] = Field(min_length=1)
    not_flagged: list[str] = Field(min_length=1)


class _FlagMatchers(_Strict):
    """What finds a red flag, or the provision that answers one, in a sentence: co-occurring
    phrases or token patterns (at least one of them)."""

    cooccur: list[CooccurrencePattern] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_some_evidence(self) -> "_FlagMatchers":
        if not (self.cooccur or self.patterns):
            raise ValueError("a red flag, or its answer, needs cooccur or patterns")
        return self


class CounterProvision(_FlagMatchers):
    """A provision elsewhere in the document that answers a red flag, so that it goes against the
    buyer no longer: a stock "as is" disclaimer beside measured service levels, or a disclaimer of
    non-infringement beside an indemnity against infringement claims. Found anywhere in the
    document, in any sentence, it withdraws the flag for the whole document."""

    description: str
    exclude: list[str] = Field(
        default_factory=list,
        description="phrases that veto the answer in a sentence, besides the denials every answer shares "
                    "(\"exempt from disclosure under the public records act\" names the law but keeps the secret)")
    examples: list[str] = Field(
        min_length=1, description="short documents holding the flag's provision and its answer: not flagged")
    not_answers: list[str] = Field(
        default_factory=list,
        description="short documents holding the flag's provision and words that only look like its answer "
                    "(the contract's own name \"Services Agreement\", an SLA the vendor says it does not offer): "
                    "still flagged")


class RedFlagRule(_FlagMatchers):
    """A provision that addresses the topic against the buyer (e.g. vendor trains on buyer data)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*/[a-z0-9-]+$", description="<topic-id>/<short-name>")
    title: str
    severity: Severity = "high"
    description: str
    exclude: list[str] = Field(default_factory=list, description="phrases that veto the flag in a sentence")
    unless_elsewhere: CounterProvision | None = Field(
        default=None, description="a provision that, found anywhere in the document, answers the flag")
    examples: RedFlagExamples


class Rule(_Strict):
    """One guidance topic and how to find it."""

    id: str = Field(pattern=TOPIC_ID_PATTERN, description="the topic id from the taxonomy; never renamed")
    title: str
    severity: Severity
    applies_to: Literal[DocType, "both"]
    ai_specific: bool = Field(
        default=False, description="only AI/ML/automated-decision documents can cover it; elsewhere at most weak"
    )
    only_in_solicitations: bool = Field(
        default=False,
        description="only a solicitation states it (how bids are scored, the problem to solve): in a "
                    "document detected as a contract its words mean other things (mitigating factors, "
                    "seeking an injunction), so they count as mentions there",
    )
    statement_cues: list[StatementCue] = Field(
        default_factory=list,
        description="plain statements that are provisions on this topic although they carry no modal duty: "
                    "'limitation-notice' (outputs may be wrong or incomplete: COVERAGE.md counts such a notice "
                    "as transparency, and as a disclaimer of accuracy for performance), 'reliance-notice' (what the "
                    "service produces is no substitute for professional advice, or is to be checked before relying "
                    "on it), 'ai-nature' (the "
                    "vendor says its service is AI-powered: a disclosure of AI use), 'governing-policy' (the "
                    "use is governed by, subject to, or the terms incorporate a named policy of the vendor), "
                    "'acts-under-a-law' (the vendor says it acts in accordance with, or is compliant with, a "
                    "law the sentence names)",
    )
    mention_in_statements: list[StatementCue] = Field(
        default_factory=list,
        description="statements that are at most mentions of this topic: a warning that outputs may be "
                    "'incomplete, inaccurate, biased' is a notice of limitations, not a fairness commitment",
    )
    use_restrictions_mention: bool = Field(
        default=False,
        description="a restriction on what the customer may use the service for ('do not use the service for "
                    "discriminatory purposes', a licence's list of prohibited uses, the provider declining such "
                    "projects) is only a mention of this topic: it binds the user, not the system bought",
    )
    about_the_solution: bool = Field(
        default=False,
        description="the topic concerns the solution bought, so a provision about handling the bids "
                    "(proposals destroyed, white papers reviewed) is only a mention: it governs the "
                    "procurement, not the solution (COVERAGE.md)",
    )
    objectives_count: bool = Field(
        default=False,
        description="a statement of the aim ('The objective of this project is to …', 'The purpose of the "
                    "system is …') is a provision on this topic, as COVERAGE.md counts a statement of "
                    "objectives for outcomes; for every other topic such a statement names an aim and is "
                    "only a mention",
    )
    section_titles: list[str] = Field(
        default_factory=list,
        description="standard titles of a clause or section on this topic, as regular expressions each matching "
                    "a whole part of a heading ('intellectual\\s+property', 'service\\s+levels?'): under a heading "
                    "made only of such titles ('4.2 Intellectual Property', 'Security and Privacy') a provision "
                    "that mentions the topic is a provision on it. Titles of a neighbouring matter stay out",
    )
    titled_entries_state_it: bool = Field(
        default=False,
        description="the first entry under one of the topic's titles states the topic whatever its words "
                    "(the entries under '2. Objectives' state the outcomes sought)",
    )
    title_does_not_lend: str | None = Field(
        default=None,
        description="a regular expression: a sentence it finds stays a mention under the topic's titles, where "
                    "COVERAGE.md draws the topic's boundary (a personnel clearance under 'Security')",
    )
    not_under_headings: str | None = Field(
        default=None,
        description="a regular expression: under a heading it finds, anywhere in a sentence's trail of "
                    "headings, the topic's words mean something else and are no evidence at all (evaluation "
                    "under 'Quality Assurance Surveillance Plan' rates the contractor's work after award, not bids)",
    )
    defined_terms_carry: bool = Field(
        default=False,
        description="a name the document defines by one of this rule's terms ('\"Data Protection Law\" means "
                    "the GDPR and …') names that term wherever the document uses it: 'comply with the Data "
                    "Protection Law' then names the GDPR",
    )
    description: str = Field(min_length=20, description="what the rule checks, in our words")
    rationale: str = Field(min_length=20, description="why it matters to the buyer")
    sources: list[Source] = Field(min_length=1)
    questions: list[str] = Field(min_length=1, description="the guidance's key questions, in our words")
    suggestion: str = Field(min_length=20, description="suggested clause wording, in our words")
    evidence: EvidencePatterns
    red_flags: list[RedFlagRule] = Field(default_factory=list)
    examples: Examples
    aliases: list[str] = Field(default_factory=list, description="retired ids that still select this topic")

    @field_validator("section_titles", "title_does_not_lend", "not_under_headings")
    @classmethod
    def _patterns_compile(cls, value: list[str] | str | None, info) -> list[str] | str | None:
        for pattern in [value] if isinstance(value, str) else value or ():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{info.field_name} {pattern!r} is not a regular expression: {error}") from None
        return value

    @field_validator("red_flags")
    @classmethod
    def _red_flags_belong_to_topic(cls, flags: list[RedFlagRule], info) -> list[RedFlagRule]:
        topic = info.data.get("id")
        for flag in flags:
            if topic and not flag.id.startswith(topic + "/"):
                raise ValueError(f"red flag {flag.id!r} must be named {topic}/<name>")
        return flags
