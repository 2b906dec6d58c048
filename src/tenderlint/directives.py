"""Inline waivers written in the document itself, as Vale and ruff allow in source files.

A line, a DOCX paragraph or a Markdown/HTML comment of the form::

    tenderlint: waive privacy — handled by the agency's data processing agreement
    <!-- tenderlint: waive privacy, security — covered by the framework contract -->

waives those topics for that document, with that reason. The reason may follow an em or en
dash, ``--``, `` - `` or a colon; a waiver without a reason is ignored with a warning, as the
configuration's ``[waivers]`` demand one too. Such lines are taken out of the document's text,
so they never count as evidence. Topic names are resolved (aliases followed) when the document
is checked; an unknown one is a warning on that document, not an error, because it is content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = (r"tenderlint\s*:\s*waive\s+(?P<topics>[a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*)"
              r"(?:\s*(?:\u2014|\u2013|--|:)|\s+-)?\s*(?P<reason>.*?)")
# A whole block (line or paragraph) that is a directive, possibly inside a comment.
BLOCK_DIRECTIVE = re.compile(r"^\s*(?:<!--\s*)?" + _DIRECTIVE + r"\s*(?:-->)?\s*$", re.IGNORECASE | re.DOTALL)
# A directive inside a Markdown or HTML comment, anywhere in the source.
COMMENT_DIRECTIVE = re.compile(r"<!--\s*" + _DIRECTIVE + r"\s*-->", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Directive:
    """One inline waiver: the topic names as written, the reason, and where it was written."""

    topics: tuple[str, ...]
    reason: str
    where: str  # "line 12", "paragraph 4", "page 2" or "" when the format has no such place

    def describe(self) -> str:
        """The waiver text shown in reports: the reason, then where the document says so."""
        place = f", {self.where}" if self.where else ""
        return f"{self.reason} (waived in the document{place})"


def parse_directive(text: str, pattern: re.Pattern[str] = BLOCK_DIRECTIVE) -> tuple[tuple[str, ...], str] | None:
    """(topic names, reason) when ``text`` is a directive, else None."""
    match = pattern.fullmatch(text) if pattern is BLOCK_DIRECTIVE else pattern.search(text)
    if match is None:
        return None
    topics = tuple(name.strip().lower() for name in match.group("topics").split(","))
    return topics, " ".join(match.group("reason").split())


def comment_directives(source: str) -> list[tuple[int, tuple[str, ...], str]]:
    """(offset, topics, reason) of every directive inside a comment of ``source``."""
    found = []
    for match in COMMENT_DIRECTIVE.finditer(source):
        topics = tuple(name.strip().lower() for name in match.group("topics").split(","))
        found.append((match.start(), topics, " ".join(match.group("reason").split())))
    return found
