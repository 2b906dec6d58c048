"""Heading inference from a line's text, table-of-contents detection, and the section trail.

PDFs, plain text and DOCX files without heading styles only tell us a heading by how its
line reads: a clause number ("5.3 Data"), a structural label ("Section C", "ARTICLE IV",
"PART 2"), a lettered clause ("C.1 Scope"), or a short line in capitals. The section trail
turns the headings met so far into each block's ``section`` list.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

# Longest text we still accept as a heading; longer lines are sentences with a number in front.
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 16
MAX_CAPS_WORDS = 10

_ROMAN = r"(?:[IVXLC]{1,6})"
_STRUCTURAL = re.compile(
    r"^(?P<label>section|article|part|chapter|appendix|attachment|exhibit|annex|schedule)"
    rf"\s+(?P<number>{_ROMAN}|[A-Z](?:\.\d+)*|\d+(?:\.\d+)*)(?![\w])\.?\s*(?:[:.\-\u2013\u2014]\s*)?(?P<title>.*)$",
    re.IGNORECASE,
)
# "5", "5.3", "5.3.1", "1.0", optionally followed by a dot or a closing parenthesis.
_NUMBERED = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,3}){0,5})(?:\.|\))?\s+(?P<title>\S.*)$")
# "C.1", "C.1.2", "B1.", "L.9.2.1"
_LETTERED = re.compile(r"^(?P<letter>[A-Z])(?:\.(?P<dotted>\d{1,3}(?:\.\d{1,3}){0,4})|(?P<joined>\d{1,2}(?:\.\d{1,3}){0,4}))\.?\s+(?P<title>\S.*)$")
# A lone letter or roman numeral clause: "A. Definitions", "IV. Terms"
_ALPHA_ITEM = re.compile(rf"^(?P<number>{_ROMAN}|[A-Z])(?P<mark>[.)]|\s+[\u2013\u2014-])\s+(?P<title>\S.*)$")

_LEADER = re.compile(r"(?:\.\s?){4,}|\u2026{2,}|_{4,}|(?:-\s?){6,}")
_LEADER_HINT = re.compile(r"\.\.|\. \.|\u2026\u2026|____|--|- -")
_TOC_ENTRY = re.compile(r"(?:(?:\.\s?){3,}|\u2026+|_{3,}|\s)\s*(?:\d{1,4}|[ivxlc]{1,6})$", re.IGNORECASE)
_TOC_TITLE = re.compile(
    r"^(?:table of contents|contents|inhoud|inhoudsopgave|inhaltsverzeichnis|inhalt|table des mati[eè]res|sommaire|[ií]ndice)\s*:?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;,]$")
# Addresses and dates end in long numbers ("MA 01803", "2019"); headings do not.
_TRAILING_CODE = re.compile(r"\d{4,}$")
_WHOLE_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_LETTER_AND_NUMBER = re.compile(r"[A-Z](?:\.\d+)+")
_ASCII_UPPER = string.ascii_uppercase.encode("ascii")
_ASCII_LOWER = string.ascii_lowercase.encode("ascii")


@dataclass(frozen=True, slots=True)
class HeadingGuess:
    """A line judged to be a heading: its level and whether a clause number or label gave it away."""

    level: int
    numbered: bool


def has_dot_leader(line: str) -> bool:
    """True for a table-of-contents style line with dot (or underscore) leaders."""
    # A cheap substring test first: the regex is slow and almost every line has no leader.
    if not _LEADER_HINT.search(line):
        return False
    return bool(_LEADER.search(line))


def is_toc_title(line: str) -> bool:
    return bool(_TOC_TITLE.match(line.strip()))


def looks_like_toc_entry(line: str) -> bool:
    """A line ending with a page number after leaders or a space, as contents entries do."""
    return bool(_TOC_ENTRY.search(line.strip())) and len(line) < 200


def _title_ok(title: str, *, allow_empty: bool = False) -> bool:
    title = title.strip()
    if not title:
        return allow_empty
    if len(title) > MAX_HEADING_CHARS or len(title.split()) > MAX_HEADING_WORDS:
        return False
    if _SENTENCE_END.search(title) or has_dot_leader(title) or _TRAILING_CODE.search(title):
        return False
    first = title[0]
    # Titles start with a capital, a digit or an opening quote; lower case means a sentence.
    return first.isupper() or first.isdigit() or first in "\"'\u201c\u2018("


def _depth(number: str) -> int:
    parts = [p for p in number.split(".") if p]
    # "1.0 Overview" is a top-level heading written with a trailing zero.
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return len(parts)


def _letter_cases(line: str) -> tuple[int, int]:
    """How many upper-case and lower-case letters ``line`` has."""
    if line.isascii():
        # Deleting one case's letters from the bytes counts them far faster than testing each character.
        data = line.encode("ascii")
        return len(data) - len(data.translate(None, _ASCII_UPPER)), len(data) - len(data.translate(None, _ASCII_LOWER))
    return sum(map(str.isupper, line)), sum(map(str.islower, line))


def is_caps_heading(line: str) -> bool:
    """A short line written in capitals, like "SCOPE OF WORK" (not an acronym soup sentence)."""
    if len(line) > 90 or len(line.split()) > MAX_CAPS_WORDS:
        return False
    upper, lower = _letter_cases(line)
    if upper + lower < 4:
        return False
    return upper / (upper + lower) >= 0.85 and not _SENTENCE_END.search(line) and not has_dot_leader(line)


def guess_heading(line: str, *, allow_caps: bool = True) -> HeadingGuess | None:
    """Judge one line of text: a ``HeadingGuess`` when it reads like a heading, else None."""
    line = line.strip()
    if not line or len(line) > MAX_HEADING_CHARS + 20 or has_dot_leader(line):
        return None
    match = _STRUCTURAL.match(line)
    if match and _title_ok(match["title"], allow_empty=True):
        label = match["label"].lower()
        number = match["number"]
        # "Section 2.01" sits under an article; "Section C" is a top-level part of a solicitation.
        level = _depth(number) if _WHOLE_NUMBER.fullmatch(number) and label == "section" else 1
        if _LETTER_AND_NUMBER.fullmatch(number):
            level = _depth(number)
        if not match["label"][0].isupper():
            return None
        return HeadingGuess(level=max(1, level), numbered=True)
    match = _LETTERED.match(line)
    if match and _title_ok(match["title"]):
        digits = match["dotted"] or match["joined"]
        return HeadingGuess(level=1 + _depth(digits), numbered=True)
    match = _NUMBERED.match(line)
    if match and _title_ok(match["title"]):
        number = match["number"]
        # A bare "2003 ..." or "25 percent" is not a clause number.
        if int(number.split(".")[0]) > 60:
            return None
        return HeadingGuess(level=_depth(number), numbered=True)
    match = _ALPHA_ITEM.match(line)
    if match and _title_ok(match["title"]) and len(match["title"].split()) <= 8:
        if match["mark"] == ")":
            # "A) General" enumerates inside the current clause rather than opening a part.
            return HeadingGuess(level=0, numbered=False)
        return HeadingGuess(level=1, numbered=True)
    if allow_caps and is_caps_heading(line):
        return HeadingGuess(level=0, numbered=False)  # level decided by the trail
    return None


class SectionTrail:
    """The stack of headings above the current block, outermost first."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []
        self._last_numbered_level = 0

    @property
    def trail(self) -> list[str]:
        return [text for _, text in self._stack]

    def level_for_unnumbered(self) -> int:
        """An unnumbered heading sits one below the last numbered one (or at the top)."""
        return min(self._last_numbered_level + 1, 9)

    def enter(self, text: str, level: int, *, numbered: bool = True) -> list[str]:
        """Record a heading at ``level`` and return the trail *above* it."""
        level = max(1, level)
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        above = self.trail
        self._stack.append((level, text))
        if numbered:
            self._last_numbered_level = level
        return above

    def rename_innermost(self, text: str) -> None:
        """Replace the innermost heading's text (a heading found to continue on the next line)."""
        if self._stack:
            self._stack[-1] = (self._stack[-1][0], text)
