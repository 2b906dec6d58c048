"""The one spaCy pipeline tenderlint uses, built once per process and cached.

Default: ``spacy.blank("en")`` + sentencizer + a small component that stores the lower-cased
lookup lemma from ``spacy-lookups-data`` in ``token.norm_`` (and ``token.lemma_``). The sentencizer
is spaCy's, deciding from the token arrays rather than from Token objects (``ArraySentencizer``:
the same sentence starts, without building a Token per word of a long document). Rules match on
NORM, so "Audits", "audited" and "audit" all match "audit" whatever their case. A full pretrained
pipeline can be named with ``TENDERLINT_SPACY_MODEL`` (never required: none can be downloaded on
many machines); its own lemmatizer then gives the lemmas.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import IS_PUNCT, LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Token
from spacy.util import load_language_data, registry

# Lookup-table lemmas that would hurt matching in our domain ("data" -> "datum").
# ("and/or" reads as "or" in every rule: "may assign its rights and/or delegate its obligations";
# "could" and "might" keep their own norms — the lookup table makes them "can" and "may" — since
# they say what is possible, not what a party will or may do: "This could result in an
# inefficient upgrade" binds no one)
_NORM_OVERRIDES = {"data": "data", "media": "media", "criteria": "criterion", "'s": "'s", "us": "us",
                   "ai": "ai", "gis": "gis", "terms": "term", "services": "service", "datum": "data",
                   "and/or": "or", "could": "could", "might": "might"}
_TYPESET_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"'})
# Distinct lower-cased words whose norm is remembered (a bound on memory for huge inputs).
_CACHE_SIZE = 200_000


class ArraySentencizer(Sentencizer):
    """spaCy's rule-based sentencizer with its decision read from the token arrays.

    The rule is spaCy's own (``Sentencizer.predict``): a sentence ends after a token in
    ``punct_chars`` ("." "!" "?" and their kin), and the next one starts at the first token after it
    that is neither punctuation nor such a character. spaCy walks the Doc token by token, building a
    Token object for each; on a 390-page solicitation that was about a tenth of the whole check.
    Here the same walk runs over the ORTH and IS_PUNCT columns. Existing sentence starts are kept
    (spaCy's ``set_annotations``, unchanged).
    """

    def predict(self, docs):
        guesses = []
        for doc in docs:
            size = len(doc)
            if not size:
                guesses.append([])
                continue
            ends = self._end_hashes(doc)
            columns = doc.to_array([ORTH, IS_PUNCT])
            orths, puncts = columns[:, 0].tolist(), columns[:, 1].tolist()
            doc_guesses = [False] * size
            doc_guesses[0] = True
            start, seen_period = 0, False
            for i in range(size):
                ends_here = orths[i] in ends
                if seen_period and not puncts[i] and not ends_here:
                    doc_guesses[start] = True
                    start, seen_period = i, False
                elif ends_here:
                    seen_period = True
            doc_guesses[start] = True
            guesses.append(doc_guesses)
        return guesses

    def _end_hashes(self, doc: Doc) -> frozenset[int]:
        """The string hashes of ``punct_chars`` (the ORTH values that end a sentence), worked out
        once: the engine runs this on a few hundred batches of one document."""
        cached = getattr(self, "_ends", None)
        if cached is None or cached[0] is not self.punct_chars:
            strings = doc.vocab.strings
            cached = self._ends = (self.punct_chars, frozenset(strings.add(char) for char in self.punct_chars))
        return cached[1]


@Language.factory("tenderlint_sentencizer", assigns=["token.is_sent_start"])
def _make_sentencizer(nlp: Language, name: str):
    return ArraySentencizer(name)


@Language.factory("tenderlint_norm", assigns=["token.norm", "token.lemma"],
                  default_config={"lookup_lemmas": False})
def _make_norm_component(nlp: Language, name: str, lookup_lemmas: bool):
    return LemmaNorm(nlp, lookup_lemmas)


class LemmaNorm:
    """Set ``token.norm_`` (and ``token.lemma_``) to the lookup lemma of the lower-cased token.

    With ``lookup_lemmas`` the lemmas come from spaCy's lookup table in ``spacy-lookups-data``,
    read straight into a dict (the lookup lemmatizer would build and then hash the same table);
    otherwise from the pipeline's lemmatizer: its lookup table if it has one, else each token's lemma.
    """

    def __init__(self, nlp: Language, lookup_lemmas: bool = False):
        table = None
        if lookup_lemmas:
            table = load_language_data(registry.lookups.get(nlp.lang)["lemma_lookup"])
        elif "lemmatizer" in nlp.pipe_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            if lookups.has_table("lemma_lookup"):
                table = lookups.get_table("lemma_lookup")
        self.table = table
        self.strings = nlp.vocab.strings
        self.cache: dict[int, int] = {}  # lower-cased word -> its norm, as string hashes

    def __call__(self, doc: Doc) -> Doc:
        # Work on string hashes straight from the token array: building Token objects is the cost.
        cache = self.cache
        norms = []
        for i, lower in enumerate(doc.to_array(LOWER).tolist()):
            norm = cache.get(lower)
            if norm is None:
                norm = self.strings.add(self._norm(doc[i]))
                if len(cache) < _CACHE_SIZE:
                    cache[lower] = norm
            norms.append(norm)
        return doc.from_array([NORM, LEMMA], numpy.array([norms, norms], dtype=numpy.uint64).T)

    def _norm(self, token: Token) -> str:
        # Typeset apostrophes and quotes read as typed ones: "30 days’ notice", "Customer’s",
        # "don’t" are the rules' "days' notice", "customer's", "do not".
        lower = token.lower_.translate(_TYPESET_QUOTES)
        norm = _NORM_OVERRIDES.get(lower)
        if norm is None:
            norm = self.table.get(lower, lower) if self.table is not None else token.lemma_.lower()
            norm = norm.lower()
        return norm


@lru_cache(maxsize=2)
def get_pipeline(model: str | None = None) -> Language:
    """The cached pipeline; ``model`` (or $TENDERLINT_SPACY_MODEL) names an installed full model."""
    model = model or os.environ.get("TENDERLINT_SPACY_MODEL")
    if model:
        nlp = spacy.load(model, exclude=["ner", "textcat"])
        if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
        nlp.add_pipe("tenderlint_norm", last=True)
    else:
        nlp = spacy.blank("en")
        # (named "sentencizer", as spaCy's: the engine batches texts for this pipeline by its names)
        nlp.add_pipe("tenderlint_sentencizer", name="sentencizer")
        nlp.add_pipe("tenderlint_norm", config={"lookup_lemmas": True})
    # Documents are processed a few blocks at a time; a single block can still be long.
    nlp.max_length = 5_000_000
    return nlp
