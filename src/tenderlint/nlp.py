"""The one spaCy pipeline tenderlint uses, built once per process and cached.

Default: ``spacy.blank("en")`` + sentencizer + the lookup lemmatizer from
``spacy-lookups-data`` + a small component that stores the lower-cased lemma in
``token.norm_``. Rules match on NORM, so "Audits", "audited" and "audit" all match "audit"
whatever their case. A full pretrained pipeline can be named with ``TENDERLINT_SPACY_MODEL``
(never required: none can be downloaded on many machines).
"""

from __future__ import annotations

import os
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Lookup-table lemmas that would hurt matching in our domain ("data" -> "datum").
_NORM_OVERRIDES = {"data": "data", "media": "media", "criteria": "criterion", "'s": "'s", "us": "us",
                   "ai": "ai", "gis": "gis", "terms": "term", "services": "service", "datum": "data"}


@Language.factory("tenderlint_norm", assigns=["token.norm", "token.lemma"])
def _make_norm_component(nlp: Language, name: str):
    return LemmaNorm(nlp)


class LemmaNorm:
    """Set ``token.norm_`` (and ``token.lemma_``) to the lookup lemma of the lower-cased token."""

    def __init__(self, nlp: Language):
        table = None
        if "lemmatizer" in nlp.pipe_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            if lookups.has_table("lemma_lookup"):
                table = lookups.get_table("lemma_lookup")
        self.table = table
        self.cache: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self.cache
        for token in doc:
            lower = token.lower_
            norm = cache.get(lower)
            if norm is None:
                norm = _NORM_OVERRIDES.get(lower)
                if norm is None:
                    norm = self.table.get(lower, lower) if self.table is not None else token.lemma_.lower()
                    norm = norm.lower()
                if len(cache) < 200_000:
                    cache[lower] = norm
            token.norm_ = norm
            token.lemma_ = norm
        return doc


@lru_cache(maxsize=2)
def get_pipeline(model: str | None = None) -> Language:
    """The cached pipeline; ``model`` (or $TENDERLINT_SPACY_MODEL) names an installed full model."""
    model = model or os.environ.get("TENDERLINT_SPACY_MODEL")
    if model:
        nlp = spacy.load(model, exclude=["ner", "textcat"])
        if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    nlp.add_pipe("tenderlint_norm", last=True)
    if not model:
        # The norm component reads the lemmatizer's lookup table itself and sets lemma and norm in
        # one pass; running the lemmatizer as well would only do the lookup twice.
        nlp.disable_pipe("lemmatizer")
    # Documents are processed block by block; a single block can still be long.
    nlp.max_length = 5_000_000
    return nlp
