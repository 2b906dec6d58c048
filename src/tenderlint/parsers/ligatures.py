"""Put back letters that a PDF's ligature glyphs lost: "notfy" → "notify", "afer" → "after".

Some PDFs (often from Word with Calibri or Cambria) draw "ti", "ft", "fi", "fl", "tt" and "ff" as
one ligature glyph whose text mapping holds only its first letter. Every extractor, pdftotext
included, then reads "informaton", "obligatons", "terminaton", "Certfcate", and a check that
looks for "notify" or "termination" finds nothing. Such a document shows it plainly: many words
ending in "aton" ("-ation" less its "ti"). Only then are the unknown words of the document
repaired, each by the single reading that turns it into an English word form (spaCy's lookup
tables, already installed): a letter put back after a "t" or an "f", at most twice per word.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

# "-ation" words read as "-aton": the tell-tale of a lost "ti" ligature.
_SYMPTOM = re.compile(r"\b[a-z]{2,}atons?\b", re.I)
SYMPTOM_MIN = 3
_WORD = re.compile(r"[A-Za-z]{3,}")
# Letters a ligature may have swallowed after its first letter ("ti", "tt", "ft", "fi", "fl", "ff").
_LOST_AFTER = {"t": "itf", "f": "tifl"}
# Words that do end in -aton in ordinary text.
_REAL_ATON = frozenset({"baton", "batons", "croaton", "croatons"})


def needs_repair(text: str) -> bool:
    """Whether the text shows lost ligature letters (several "-aton" words)."""
    hits = (m.group(0) for m in _SYMPTOM.finditer(text))
    return sum(1 for word in hits if word.lower() not in _REAL_ATON) >= SYMPTOM_MIN


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English word forms: spaCy's English lemma lookup table (its keys and values) and
    stop words (the table leaves out words that never inflect: "the" must not become "tithe")."""
    import spacy_lookups_data
    from spacy.lang.en.stop_words import STOP_WORDS

    table = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(table, "rt", encoding="utf-8") as handle:
        lookup = json.load(handle)
    return frozenset(word.lower() for pair in lookup.items() for word in pair) | frozenset(STOP_WORDS)


def _readings(word: str, depth: int) -> set[str]:
    """``word`` with one letter put back after a "t" or "f" (recursively, ``depth`` times at most)."""
    found: set[str] = set()
    for i, letter in enumerate(word):
        for lost in _LOST_AFTER.get(letter, ""):
            candidate = word[: i + 1] + lost + word[i + 1:]
            found.add(candidate)
            if depth > 1:
                found |= _readings(candidate, depth - 1)
    return found


def repair_map(text: str) -> dict[str, str]:
    """Lower-case damaged word → its repair, for the unknown words of ``text`` with one reading."""
    known = english_words()
    repairs: dict[str, str] = {}
    for word in {m.group(0).lower() for m in _WORD.finditer(text)}:
        if word in known or ("t" not in word and "f" not in word):
            continue
        for depth in (1, 2):
            readings = {r for r in _readings(word, depth) if r in known}
            if readings:
                if len(readings) == 1:
                    repairs[word] = readings.pop()
                break
    return repairs


def _cased_like(original: str, repaired: str) -> str:
    if original.isupper():
        return repaired.upper()
    if original[0].isupper():
        return repaired[0].upper() + repaired[1:]
    return repaired


def repair(texts: list[str]) -> tuple[list[str], int]:
    """The texts with lost ligature letters put back, and how many words were repaired.

    Unchanged (and nothing loaded) unless the texts show the symptom.
    """
    joined = "\n".join(texts)
    if not needs_repair(joined):
        return texts, 0
    repairs = repair_map(joined)
    if not repairs:
        return texts, 0
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        word = match.group(0)
        repaired = repairs.get(word.lower())
        if repaired is None:
            return word
        count += 1
        return _cased_like(word, repaired)

    return [_WORD.sub(fix, text) for text in texts], count
