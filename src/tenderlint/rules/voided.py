"""Clauses the document itself declares void: attached vendor terms the contract strikes out.

A public contract often attaches the vendor's standard licence terms and then cancels the parts it
will not accept: "Sections C-2.2, C-3 and C-5 of Exhibit C shall have no force or effect as
against the State". A provision in a struck clause binds no one, so it cannot go against the buyer,
and a reviewer does not report it as a red flag. This module reads such sentences once per document
and answers, for a block of text, whether it belongs to a struck clause: its text opens with the
clause's number, and one of the block's section headings names the place the sentence gave for the
clauses ("of Exhibit C"). A sentence that names no such place ("Section 4 shall not apply to small
orders") limits a clause; it does not strike attached terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "shall have no force or effect", "are hereby deleted", "shall not apply", "null and void"
VOIDING = re.compile(
    r"\b(?:shall|will|do|does)\s+(?:have\s+no\s+(?:force|effect)|not\s+apply|be\s+(?:void|deleted|struck|"
    r"of\s+no\s+(?:force|effect)|without\s+(?:force|effect)))"
    r"|\b(?:is|are)\s+(?:hereby\s+)?(?:deleted|void|struck|superseded|excluded)\b"
    r"|\bno\s+force\s+or\s+effect\b|\bnull\s+and\s+void\b",
    re.I,
)
# The clauses named just before: "Sections C-2.2, C-3 and C-5 of Exhibit C"
_KEYWORD = re.compile(r"\b(?:sections?|clauses?|paragraphs?|articles?)\s+", re.I)
_NUMBER = re.compile(r"(?<![\w.-])(?:[A-Z]{1,2}-)?\d{1,2}(?:\.\d{1,2}){0,3}(?![\w-])")
_PLACE = re.compile(r"\bof\s+(?:the\s+)?((?:exhibit|attachment|appendix|annex|schedule)\s+[\w-]+|[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})",
                    re.I)


@dataclass(frozen=True)
class StruckClause:
    number: str  # "C-3", "4.2"
    place: str  # where the struck clauses are, lower-cased: "exhibit c", "license terms"


def struck_clauses(texts: list[str]) -> list[StruckClause]:
    """Every clause the document's ``texts`` declare void, in order."""
    struck: list[StruckClause] = []
    for text in texts:
        if not VOIDING.search(text):
            continue
        for sentence in re.split(r"(?<=[.;])\s+", text):
            voiding = VOIDING.search(sentence)
            if voiding is None:
                continue
            before = sentence[:voiding.start()]
            keywords = list(_KEYWORD.finditer(before))
            if not keywords:
                continue
            refs = before[keywords[-1].end():]  # the clauses named last, just before the voiding words
            place = _PLACE.search(refs)
            if place is None:
                continue  # "Section 4 shall not apply to small orders": a limit, not attached terms struck out
            struck += [StruckClause(n, place.group(1).lower()) for n in _NUMBER.findall(refs[:place.start()])]
    return struck


def is_struck(block_text: str, section: list[str] | tuple[str, ...], struck: list[StruckClause]) -> bool:
    """Whether a block (its text and section headings) is one of the ``struck`` clauses. Give a
    sentence's text too when clauses are numbered inside one block."""
    if not struck:
        return False
    opening = block_text.lstrip(" *_#\t\n").lower()
    headings = " / ".join(section).lower()
    for clause in struck:
        number = clause.number.lower()
        # (a sub-clause of a struck clause is struck with it: "C-3" takes "C-3.1" along)
        if opening.startswith(number) and not opening[len(number):len(number) + 1].isalnum():
            if clause.place in headings:
                return True
    return False


_REF = re.compile(r"\b(?:clause|section|paragraph|article)\s+((?:[A-Z]{1,2}-)?\d{1,2}(?:\.\d{1,2}){0,3})\b", re.I)


def struck_in_place(block_text: str, sentence: str) -> bool:
    """Whether the block that quotes a clause of attached terms also strikes it out: "Clause 5.3 of
    the Supplier Terms permits the Supplier to use customer content to improve its products. The
    Parties agree that Clause 5.3 does not apply to Buyer Data." The flagged sentence names the
    clause; another sentence of the same block names it again before the voiding words."""
    named = {m.group(1) for m in _REF.finditer(sentence)}
    if not named or not VOIDING.search(block_text):
        return False
    for other in re.split(r"(?<=[.;])\s+", block_text):
        voiding = VOIDING.search(other)
        if voiding and other.strip() != sentence.strip():
            if named & {m.group(1) for m in _REF.finditer(other[:voiding.start()])}:
                return True
    return False
