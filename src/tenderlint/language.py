"""Guess a document's language from stop-word profiles (en, nl, de, fr, es), with no model.

The rules are written for English; parsers use this guess to warn when a document is in
another language. Function words are what give a language away in a few hundred words,
so each profile is a set of very common short words that rarely occur in the others.
"""

from __future__ import annotations

import re
from collections import Counter

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "nl": "Dutch",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
}

# Words shared by several languages ("a", "en", "de", "die", "in", "is", "van") are kept
# only in the profile where they are most telling, or dropped, so that scores separate well.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to is are be that this for with as by on or not which will shall must "
        "from at an it its have has was were been any all such these those their they "
        "would should may can than other into under within where when who whether".split()
    ),
    "nl": frozenset(
        "het een van de en is zijn dat dit voor met als door op niet wordt worden moet "
        "kan bij aan ook naar uit deze die wat wel geen maar nog om tot over hoe wanneer "
        "waar heeft hebben er zij u uw je onder tussen welke dan volgens mag".split()
    ),
    "de": frozenset(
        "der die das und ist sind ein eine einer eines nicht mit für von zu den dem des "
        "auf auch wird werden sich als bei oder nach wie aus muss kann dass diese dieser "
        "zur zum im über unter sowie wenn durch noch nur".split()
    ),
    "fr": frozenset(
        "le la les et est sont un une des du de pour dans par sur avec qui que ne pas "
        "au aux ce cette ces être doit peut il elle ou son sa ses leur lors entre selon "
        "comme tout tous été sont être".split()
    ),
    "es": frozenset(
        "el la los las y es son un una del de para en por con que no se su sus al "
        "como este esta estos estas debe puede ser sobre entre cuando donde también "
        "o lo más sin hasta".split()
    ),
}

# Enough text for a stable guess; reading more only costs time on 400-page documents.
SAMPLE_CHARS = 200_000
MIN_STOP_WORDS = 5

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> tuple[str, float]:
    """Return ``(code, confidence)`` for ``text``: a code from ``LANGUAGE_NAMES`` and 0..1.

    Confidence is the winning profile's share of all stop-word hits, scaled down when
    there are few hits. Text with too few stop words to judge returns ``("en", 0.0)``:
    the tool's default language, with no confidence behind it.
    """
    words = _WORD.findall(text[:SAMPLE_CHARS].lower())
    counts: Counter[str] = Counter()
    for word in words:
        for code, profile in STOP_WORDS.items():
            if word in profile:
                counts[code] += 1
    total = sum(counts.values())
    if total < MIN_STOP_WORDS:
        return "en", 0.0
    code, best = counts.most_common(1)[0]
    share = best / total
    # A handful of hits is weak evidence even when they all agree.
    certainty = min(1.0, total / 50)
    return code, round(share * certainty, 3)


def language_warning(code: str, confidence: float) -> str | None:
    """The warning a parser attaches to a document that does not look English, or None."""
    if code == "en" or confidence < 0.3:
        return None
    name = LANGUAGE_NAMES.get(code, code)
    return f"language: document looks {name} ({code}); the rules are written for English"
