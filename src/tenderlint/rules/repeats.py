"""Texts that are the same up to their free-standing numbers, so that the rules read them once.

A long table repeats a few texts with a different number in each row ("Item 17", "Unit 17 is
delivered."), and a long paragraph cut into pieces may repeat one piece. The rule engine
(``CompiledRules.find``) groups a document's texts by their *shape* (``Shapes.shape``): the text
with every free-standing number that no rule names replaced by placeholders of the same length.
Texts of one shape give the same matches, so one of them is matched for all; when it yields
nothing (no evidence, no red flag), the others are not tokenized at all.

Why texts of one shape match alike: such a number stands between whitespace (it may carry one
``.``, ``,``, ``;`` or ``:``), so the tokenizer makes it one token whatever its digits (none of
spaCy's special cases is ASCII digits alone, with or without one of those marks: ``8)``, ``0.0``
or ``3am`` keep their digits in the shape). The token is no phrase word and no pattern literal
(those digits are kept), its norm is itself (lemma-table keys that are digits are kept too), and
the token-pattern conditions allowed here (``SAFE_PATTERN_KEYS``) see only its kind and length,
which the placeholder keeps. A rule pack whose patterns use any other condition (a regular
expression, a length range, a part of speech) gets no shapes: every text is then read on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FREE_NUMBER = re.compile(r"(?<!\S)[0-9]+(?=[.,;:]?(?!\S))")
_DIGITS = re.compile(r"[0-9]+")
# Stands for a digit in a shape; a text holding it is never grouped (its shape could collide).
PLACEHOLDER = "\x00"
# Token-pattern conditions that a number's digits cannot change, and value operators on literals.
SAFE_PATTERN_KEYS = frozenset({"OP", "ORTH", "TEXT", "LOWER", "NORM", "IS_DIGIT", "IS_ALPHA", "IS_ASCII",
                               "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_LOWER", "IS_UPPER", "IS_STOP",
                               "LIKE_NUM", "LENGTH", "SHAPE", "IS_SENT_START"})
SAFE_VALUE_OPERATORS = frozenset({"IN", "NOT_IN"})


class Shapes:
    """Shapes of texts for one rule pack: ``literals`` are every phrase, phrase norm, pattern value
    and lemma-table key whose digits must stay as they are."""

    def __init__(self, literals: Iterable[str]):
        self.kept = frozenset(digits for literal in literals for digits in _DIGITS.findall(literal))

    @classmethod
    def for_patterns(cls, literals: Iterable[str], patterns: Iterable[list[dict]]) -> Shapes | None:
        """Shapes, or None when some token pattern uses a condition that numbers could change."""
        literals = list(literals)
        for pattern in patterns:
            for spec in pattern:
                for key, value in spec.items():
                    if key not in SAFE_PATTERN_KEYS:
                        return None
                    if isinstance(value, dict):
                        if not set(value) <= SAFE_VALUE_OPERATORS:
                            return None
                        literals += [str(v) for values in value.values() for v in values]
                    else:
                        literals.append(str(value))
        return cls(literals)

    def shape(self, text: str) -> str | None:
        """``text`` with its free-standing numbers that no rule names as placeholders (None: never grouped)."""
        if PLACEHOLDER in text:
            return None
        return FREE_NUMBER.sub(self._placeholder, text)

    def _placeholder(self, match: re.Match[str]) -> str:
        digits = match.group()
        return digits if digits in self.kept else PLACEHOLDER * len(digits)
