"""The shipped classifier at work: load it safely and turn its predictions into evidence.

How the model combines with the rules (measured in docs/accuracy.md):
- it may **add** evidence the rules missed: a sentence in requirement form (the same cues the
  rules use) whose probability for a topic reaches that topic's threshold (from the card)
  becomes model evidence with its probability and located quote;
- it may **demote** a rule hit to a mention when it is confident the sentence is not about the
  topic (probability below ``DEMOTE_BELOW``) — enabled per the ablation in docs/accuracy.md.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from tenderlint.errors import TenderlintError
from tenderlint.results import Evidence

# Every type the shipped pipeline is built from. Loading refuses a file that needs anything else.
TRUSTED_TYPES = frozenset({
    "builtins.dict",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int32",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
})
ADD_EVIDENCE = True
# Model evidence only where the rules saw the topic at least mentioned in the same sentence: the
# classifier then judges a sentence the rules found too vague, rather than inventing a topic from
# style alone (which cost precision on the CUAD contracts; see docs/accuracy.md).
ADD_ONLY_ON_RULE_MENTION = True
# Topics where adding model evidence lost F1 in the ablation (docs/accuracy.md): on CUAD, model
# evidence for liability added 11 false positives (commercial "responsible for" clauses) for 2 hits.
NO_MODEL_EVIDENCE = frozenset({"liability"})
DEMOTE = False
DEMOTE_BELOW = 0.02
MAX_MODEL_EVIDENCE = 3
QUOTE_LIMIT = 400


class TopicModel:
    """A loaded topic classifier with its card."""

    def __init__(self, pipeline, card: dict, fingerprint: str):
        self.pipeline = pipeline
        self.card = card
        self.topics: list[str] = list(card["topics"])
        self.thresholds = np.array([card["thresholds"][t] for t in self.topics])
        self.fingerprint = fingerprint

    @classmethod
    def load(cls, path: Path) -> "TopicModel":
        import skops.io as sio

        card_path = path.with_name("card.json")
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
            data = path.read_bytes()
            needed = set(sio.get_untrusted_types(data=data))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise TenderlintError("model-invalid", f"{path}: cannot read the model or its card ({error})") from None
        unknown = needed - TRUSTED_TYPES
        if unknown:
            raise TenderlintError("model-invalid", f"{path}: refuses untrusted type(s) {', '.join(sorted(unknown))}")
        try:
            pipeline = sio.loads(data, trusted=sorted(needed))
        except Exception as error:  # a damaged archive can fail in many ways inside skops
            raise TenderlintError("model-invalid", f"{path}: cannot load the model ({type(error).__name__})") from None
        return cls(pipeline, card, hashlib.sha256(data).hexdigest()[:12])

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.topics)))
        return self.pipeline.predict_proba(texts)

    def evidence(self, document, findings) -> tuple[dict[str, list[Evidence]], dict[str, set[tuple[int, int]]]]:
        """Model evidence per topic, and the rule hits (spans) to demote, for one document."""
        candidates = [s for s in findings.sentences if s.substantive]
        probs = self.predict_proba([s.text for s in candidates])
        added: dict[str, list[Evidence]] = {}
        mentioned = {(topic, ev.start, ev.end) for topic, evs in findings.evidence.items() for ev in evs}
        if ADD_EVIDENCE and len(candidates):
            above = probs >= self.thresholds
            for j, topic in enumerate(self.topics):
                if topic in NO_MODEL_EVIDENCE:
                    continue
                rows = np.nonzero(above[:, j])[0]
                if ADD_ONLY_ON_RULE_MENTION:
                    rows = np.array([i for i in rows if (topic, candidates[i].start, candidates[i].end) in mentioned],
                                    dtype=int)
                if not len(rows):
                    continue
                best = rows[np.argsort(-probs[rows, j])][:MAX_MODEL_EVIDENCE]
                added[topic] = [self._evidence(topic, candidates[i], float(probs[i, j])) for i in best]
        demoted: dict[str, set[tuple[int, int]]] = {}
        if DEMOTE:
            span_row = {(s.start, s.end): i for i, s in enumerate(candidates)}
            index = {t: j for j, t in enumerate(self.topics)}
            for topic, evs in findings.evidence.items():
                if topic not in index:
                    continue
                for ev in evs:
                    row = span_row.get((ev.start, ev.end))
                    if ev.strength == "substantive" and row is not None and probs[row, index[topic]] < DEMOTE_BELOW:
                        demoted.setdefault(topic, set()).add((ev.start, ev.end))
        return added, demoted

    @staticmethod
    def _evidence(topic: str, sentence, probability: float) -> Evidence:
        quote = sentence.text if len(sentence.text) <= QUOTE_LIMIT else sentence.text[: QUOTE_LIMIT - 1] + "…"
        return Evidence(
            topic=topic, quote=quote, page=sentence.block.page, section=list(sentence.block.section),
            start=sentence.start, end=sentence.end, source="model", strength="substantive",
            score=probability, block_kind=sentence.block.kind,
            why=f"{sentence.why}; classifier probability {probability:.2f}",
        )
