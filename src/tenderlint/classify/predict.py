"""The shipped classifier at work: load it safely and turn its predictions into evidence.

How the model combines with the rules (measured in docs/accuracy.md): it may **add** evidence
the rules missed — a sentence in requirement form (the same cues the rules use) whose probability
for a topic reaches that topic's threshold (from the card) becomes model evidence with its
probability and located quote. It never overrules a rule hit: demoting hits the model judged
off-topic lost on all three evaluation sets (docs/accuracy.md; ``bench/ablation.py
--demote-below`` measures it again).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from tenderlint.classify.inference import TRUSTED_TYPES, LinearTopicPredictor, load_predictor
from tenderlint.errors import TenderlintError
from tenderlint.results import Evidence
from tenderlint.rules.cues import STATED_AIM

__all__ = ["TRUSTED_TYPES", "TopicModel"]

ADD_EVIDENCE = True
# Model evidence only where the rules saw the topic at least mentioned in the same sentence: the
# classifier then judges a sentence the rules found too vague, rather than inventing a topic from
# style alone (which cost precision on the CUAD contracts; see docs/accuracy.md).
ADD_ONLY_ON_RULE_MENTION = True
# Topics where adding model evidence lost F1 in the ablation (docs/accuracy.md): on CUAD, model
# evidence for liability added 11 false positives (commercial "responsible for" clauses) for 2 hits.
NO_MODEL_EVIDENCE = frozenset({"liability"})
# The classifier adds evidence only for a topic it learnt from real wording: at least this many
# real labelled sentences on the topic (the card's cross-validation support). A topic learnt from our
# own passages alone (risk-management has none, sustainability one) is judged by the rules: on the
# synthetic documents its model evidence was all false positives, on negated or optional sentences.
MIN_REAL_POSITIVES = 10
MAX_MODEL_EVIDENCE = 3
QUOTE_LIMIT = 400


class TopicModel:
    """A loaded topic classifier with its card, and the topic-independent heads the card lists."""

    def __init__(self, predictor: LinearTopicPredictor, card: dict, fingerprint: str, folder: Path | None = None):
        self.predictor = predictor
        self.card = card
        self.folder = folder
        self._heads: dict[str, LinearTopicPredictor] = {}
        self.topics: list[str] = list(card["topics"])
        self.thresholds = np.array([card["thresholds"][t] for t in self.topics])
        self.fingerprint = fingerprint
        real = card.get("cross_validation_real_sentences") or {}
        self.unlearnt = frozenset(t for t, figures in real.items() if figures.get("support", 0) < MIN_REAL_POSITIVES)
        if len(predictor.intercept) != len(self.topics):
            raise TenderlintError("model-invalid", "the model and its card disagree on the number of topics")

    @classmethod
    def load(cls, path: Path) -> "TopicModel":
        """Load the model with numpy alone (classify/inference.py): no scikit-learn import, nothing executed."""
        card_path = path.with_name("card.json")
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
            data = path.read_bytes()
        except (OSError, ValueError) as error:
            raise TenderlintError("model-invalid", f"{path}: cannot read the model or its card ({error})") from None
        try:
            predictor = load_predictor(data)
        except TenderlintError as error:
            raise TenderlintError(error.code, f"{path}: {error.message}") from None
        return cls(predictor, card, hashlib.sha256(data).hexdigest()[:12], path.parent)

    @property
    def head_names(self) -> list[str]:
        """The topic-independent heads shipped with this model ("provision", "stance")."""
        return sorted(name for name, head in (self.card.get("heads") or {}).items() if head.get("trained"))

    def head_proba(self, name: str, texts: list[str]) -> dict[str, np.ndarray]:
        """Probabilities of head ``name`` for ``texts``, per column: "provision" gives provision and
        background, "stance" gives for and against (neutral when neither). Loaded on first use, with
        the same numpy reader and trusted types as the topic model."""
        head = (self.card.get("heads") or {}).get(name)
        if not head or not head.get("trained") or self.folder is None:
            raise TenderlintError("model-invalid", f"this model has no {name!r} head")
        if name not in self._heads:
            path = self.folder / head["model_file"]
            try:
                data = path.read_bytes()
            except OSError as error:
                raise TenderlintError("model-invalid", f"{path}: cannot read the {name} head ({error.strerror})") from None
            predictor = load_predictor(data)
            if len(predictor.intercept) != len(head["columns"]):
                raise TenderlintError("model-invalid", f"{path}: the head and the card disagree on its columns")
            self._heads[name] = predictor
        probs = self._heads[name].predict_proba(texts) if texts else np.zeros((0, len(head["columns"])))
        return {column: probs[:, j] for j, column in enumerate(head["columns"])}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.topics)))
        return self.predictor.predict_proba(texts)

    def evidence(self, document, findings, ai_topics: frozenset[str] = frozenset(),
                 aim_topics: frozenset[str] | None = None) -> dict[str, list[Evidence]]:
        """Model evidence per topic for one document.

        For the AI-specific topics (``ai_topics``) the model adds evidence only in a sentence that
        itself names AI, a model or an algorithm (COVERAGE.md): in an AI tender, "describe how
        technical risk will be mitigated" is project risk, not AI risk management. When
        ``aim_topics`` is given, a sentence that only states an aim ("The purpose of the project is
        …") gives evidence only for those topics (the rules' ``objectives_count``).
        """
        mentioned = {(topic, ev.start, ev.end) for topic, evs in findings.evidence.items() for ev in evs}
        candidates = [s for s in findings.sentences if s.substantive]
        if ADD_ONLY_ON_RULE_MENTION:
            # Only a sentence where the rules saw a topic the model may add can change the result.
            spans = {(start, end) for topic, start, end in mentioned
                     if topic not in NO_MODEL_EVIDENCE and topic not in self.unlearnt}
            candidates = [s for s in candidates if (s.start, s.end) in spans]
        probs = self.predict_proba([s.text for s in candidates])
        added: dict[str, list[Evidence]] = {}
        if ADD_EVIDENCE and len(candidates):
            above = probs >= self.thresholds
            for j, topic in enumerate(self.topics):
                if topic in NO_MODEL_EVIDENCE or topic in self.unlearnt:
                    continue
                rows = np.nonzero(above[:, j])[0]
                if ADD_ONLY_ON_RULE_MENTION:
                    rows = np.array([i for i in rows if (topic, candidates[i].start, candidates[i].end) in mentioned],
                                    dtype=int)
                if topic in ai_topics:
                    rows = np.array([i for i in rows if candidates[i].ai], dtype=int)
                if aim_topics is not None and topic not in aim_topics:
                    rows = np.array([i for i in rows if candidates[i].why != STATED_AIM], dtype=int)
                if not len(rows):
                    continue
                best = rows[np.argsort(-probs[rows, j])][:MAX_MODEL_EVIDENCE]
                added[topic] = [self._evidence(topic, candidates[i], float(probs[i, j])) for i in best]
        return added

    @staticmethod
    def _evidence(topic: str, sentence, probability: float) -> Evidence:
        quote = sentence.text if len(sentence.text) <= QUOTE_LIMIT else sentence.text[: QUOTE_LIMIT - 1] + "…"
        return Evidence(
            topic=topic, quote=quote, page=sentence.block.page, section=list(sentence.block.section),
            start=sentence.start, end=sentence.end, source="model", strength="substantive",
            score=probability, block_kind=sentence.block.kind,
            why=f"{sentence.why}; classifier probability {probability:.2f}",
        )
