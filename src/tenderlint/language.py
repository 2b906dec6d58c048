"""Name a document's language (any of the 75 lingua knows), so that a non-English one is warned about.

The rules are written for English; parsers use this guess to warn when a document is in
another language. Identification is lingua's (``lingua-language-detector``), chosen over
``py3langid`` by measurement (issue 14): py3langid spends 1.1–1.7 s decompressing its model in
every process before its first answer; lingua in low-accuracy mode (trigram models) gives its
first answer over all languages in about 0.6 s and 120 MB, then a few ms per 5,000 characters.
Its high-accuracy mode is not used: on a text under 120 characters it loads every language's
five-gram models, 30 s and 960 MB for one answer.

Most tenders are English, and for them even lingua's first answer would be the slowest part of
a short check, so an English text is recognised first by its function words: in English prose
they are a third of all words, in other languages a few in a hundred. Only a text that does
not clearly pass that test goes to lingua.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Function words that make up about a third of any English prose and rarely occur in other
# languages' text (shared short words such as "a", "in", "is", "die", "van" are left out).
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to are be that this for with as by on or not which will shall must "
    "from at an it its have has was were been any all such these those their they "
    "would should may can than other into under within where when who whether".split()
)
# Share of function words above which a text is English without asking lingua. Measured on
# the bundled examples and the 25 shared tenders: English documents 0.15–0.38; the Dutch tender
# and our test texts in eight other languages 0.00–0.03.
ENGLISH_SHARE = 0.12
MIN_WORDS = 5

# Windows read from the start, the middle and the end: enough for a stable answer, and a
# long document with an English cover page is still judged by its body.
WINDOW_CHARS = 4_000

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# lingua's enum names read well title-cased, except these.
_DISPLAY_NAMES = {"BOKMAL": "Norwegian Bokmål", "NYNORSK": "Norwegian Nynorsk"}


def guess_language(text: str) -> tuple[str, float]:
    """Return ``(code, confidence)`` for ``text``: an ISO 639-1 code and 0..1.

    Text with too few words to judge returns ``("en", 0.0)``: the tool's default language,
    with no confidence behind it.
    """
    sample = _sample(text)
    words = _WORD.findall(sample.lower())
    if len(words) < MIN_WORDS:
        return "en", 0.0
    english_share = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS) / len(words)
    if english_share >= ENGLISH_SHARE:
        return "en", round(min(1.0, english_share / 0.3) * min(1.0, len(words) / 50), 3)
    confidences = _detector().compute_language_confidence_values(sample)
    if not confidences:
        return "en", 0.0
    best = confidences[0]
    code = best.language.iso_code_639_1.name.lower()
    # A few words are weak evidence even when lingua is sure.
    return code, round(best.value * min(1.0, len(words) / 20), 3)


def language_name(code: str | None) -> str:
    """The English name of an ISO 639-1 code ("pt" → "Portuguese"); an unknown code is returned as is."""
    if not code:
        return "unknown"
    from lingua import IsoCode639_1, Language

    try:
        language = Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except (ValueError, AttributeError):
        return code
    return _DISPLAY_NAMES.get(language.name, language.name.title())


def language_warning(code: str, confidence: float) -> str | None:
    """The warning a parser attaches to a document that does not look English, or None."""
    if code == "en" or confidence < 0.3:
        return None
    return f"language: document looks {language_name(code)} ({code}); the rules are written for English"


def _sample(text: str) -> str:
    if len(text) <= 3 * WINDOW_CHARS:
        return text
    middle = len(text) // 2 - WINDOW_CHARS // 2
    return "\n".join((text[:WINDOW_CHARS], text[middle:middle + WINDOW_CHARS], text[-WINDOW_CHARS:]))


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
