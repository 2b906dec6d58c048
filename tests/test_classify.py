"""The topic classifier: it learns, it is deterministic, the shipped one matches the code, loading is safe."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tenderlint.classify.corpus import corpus_dir, load_passages
from tenderlint.classify.model import MODEL_FILE, load_shipped_model
from tenderlint.classify.inference import named_types
from tenderlint.classify.predict import TRUSTED_TYPES, TopicModel
from tenderlint.classify.train import build_pipeline, label_matrix, precision_recall_f1
from tenderlint.errors import TenderlintError
from tenderlint.resources import models_dir
from tenderlint.rules.loader import load_taxonomy

TOPICS = [t.id for t in load_taxonomy()]


def _slice(per_topic: int, boilerplate: int, seed: int = 7):
    passages = load_passages(corpus_dir() / "passages", TOPICS)
    rng = random.Random(seed)
    chosen, taken = [], {t: 0 for t in TOPICS}
    for p in rng.sample(passages, len(passages)):
        if p.topics and any(taken[t] < per_topic for t in p.topics):
            chosen.append(p)
            for t in p.topics:
                taken[t] += 1
    chosen += rng.sample([p for p in passages if not p.topics], boilerplate)
    return chosen


@pytest.mark.slow
def test_classifier_learns_on_a_small_slice_and_is_deterministic():
    passages = _slice(per_topic=40, boilerplate=400)
    rng = random.Random(3)
    rng.shuffle(passages)
    cut = int(len(passages) * 0.75)
    train, test = passages[:cut], passages[cut:]
    y_train, y_test = label_matrix(train, TOPICS), label_matrix(test, TOPICS)
    model = build_pipeline(seed=13).fit([p.text for p in train], y_train)
    probs = model.predict_proba([p.text for p in test])
    _, _, f1 = precision_recall_f1(y_test.astype(bool), probs >= 0.5)
    # Chance (guessing each topic at its prevalence) gives a micro-F1 of about 0.03 here.
    prevalence = y_train.mean(axis=0)
    chance = np.random.default_rng(0).random(y_test.shape) < prevalence
    _, _, chance_f1 = precision_recall_f1(y_test.astype(bool), chance)
    assert f1 >= 0.45 and f1 > 5 * chance_f1, (f1, chance_f1)
    again = build_pipeline(seed=13).fit([p.text for p in train], y_train)
    assert np.array_equal(again.predict_proba([p.text for p in test]), probs)


def test_shipped_model_card_matches_the_code():
    card = json.loads((models_dir() / "card.json").read_text())
    assert card["topics"] == TOPICS
    assert set(card["thresholds"]) == set(TOPICS)
    assert all(0.5 <= v < 1 for v in card["thresholds"].values())
    assert set(card["cross_validation"]) == set(TOPICS)
    path = models_dir() / MODEL_FILE
    assert path.stat().st_size <= 20 * 1024 * 1024
    assert card["model_bytes"] == path.stat().st_size
    assert set(card["untrusted_types"]) <= TRUSTED_TYPES
    # What the shipped file names, read as the check reads it: all of it trusted, and the pipeline is there.
    with zipfile.ZipFile(path) as archive:
        named = named_types(json.loads(archive.read("schema.json")))
    assert {"sklearn.pipeline.Pipeline", "sklearn.multiclass.OneVsRestClassifier"} <= named
    assert named - {t for t in named if t.startswith("builtins.")} <= TRUSTED_TYPES
    model = load_shipped_model()
    assert model is not None and model.topics == TOPICS
    probs = model.predict_proba(["The Contractor shall notify the City of any breach of personal data within 24 hours.",
                                 "Proposals are due at 2 p.m. local time on the closing date."])
    privacy = TOPICS.index("privacy")
    assert probs[0, privacy] > 0.5 > probs[1, privacy]


def test_shipped_model_card_records_the_corpus_it_was_trained_on():
    from tenderlint.classify.corpus import corpus_hash

    card = json.loads((models_dir() / "card.json").read_text())
    passages = load_passages(corpus_dir() / "passages", TOPICS)
    assert card["training_data"]["passages"] == len(passages)
    assert card["training_data"]["sha256"] == corpus_hash(passages), "corpus changed: run `tenderlint train`"


def test_model_loading_refuses_untrusted_types(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / MODEL_FILE
    sio.dump(FunctionTransformer(func=print), path)
    (tmp_path / "card.json").write_text(json.dumps({"topics": ["privacy"], "thresholds": {"privacy": 0.5}}))
    with pytest.raises(TenderlintError) as caught:
        TopicModel.load(path)
    assert caught.value.code == "model-invalid"
    assert "untrusted" in caught.value.message


def test_numpy_prediction_equals_scikit_learn_on_the_shipped_model():
    """The check reads the skops file with numpy alone; scikit-learn's own pipeline must agree."""
    import skops.io as sio

    data = (models_dir() / MODEL_FILE).read_bytes()
    pipeline = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    model = load_shipped_model()
    texts = [p.text for p in load_passages(corpus_dir() / "passages", TOPICS)][::4]
    texts += ["", "   ", "a", "Ünïcödé naïve café: “quoted” text with an ﬁ ligature", "word " * 2000,
              "tab\tand\nnew  lines", "x" * 3000]
    ours, theirs = model.predict_proba(texts), pipeline.predict_proba(texts)
    assert ours.shape == theirs.shape == (len(texts), len(TOPICS))
    assert np.abs(ours - theirs).max() < 1e-5


def test_model_loading_refuses_a_pipeline_of_another_shape(tmp_path):
    import skops.io as sio
    from sklearn.feature_extraction.text import HashingVectorizer

    from tenderlint.classify.train import label_matrix

    passages = _slice(per_topic=3, boilerplate=10)
    pipeline = build_pipeline(seed=1)
    pipeline.set_params(features__words__hash=HashingVectorizer(n_features=2**10, alternate_sign=False, norm=None, binary=True))
    pipeline.fit([p.text for p in passages], label_matrix(passages, TOPICS))
    path = tmp_path / MODEL_FILE
    sio.dump(pipeline, path)
    (tmp_path / "card.json").write_text((models_dir() / "card.json").read_text())
    with pytest.raises(TenderlintError) as caught:
        TopicModel.load(path)
    assert caught.value.code == "model-invalid"
    assert "binary" in caught.value.message


def test_model_loading_refuses_a_damaged_file(tmp_path):
    path = tmp_path / MODEL_FILE
    path.write_bytes((models_dir() / MODEL_FILE).read_bytes()[:5000])
    (tmp_path / "card.json").write_text((models_dir() / "card.json").read_text())
    with pytest.raises(TenderlintError) as caught:
        TopicModel.load(path)
    assert caught.value.code == "model-invalid"


def test_model_evidence_is_located_in_requirement_sentences():
    from tenderlint.check import Checker, CheckOptions
    from tenderlint.document import Block, Document

    text = ("The Contractor shall explain how it protects the privacy of the personal records of residents "
            "who use the assistant, and how long it keeps them.")
    document = Document(path="x", sha256="", format="text", blocks=[
        Block(text="Background. The city has 40 libraries.", page=1, section=["1 Background"]),
        Block(text=text, page=3, section=["4 Requirements"])])
    result = Checker(CheckOptions(evidence_from=("model",))).check_document(document)
    found = [e for t in result.topics for e in t.evidence if e.source == "model"]
    assert found, "the classifier should confirm the privacy requirement the rules see mentioned"
    for ev in found:
        assert ev.page == 3 and ev.section == ["4 Requirements"]
        assert document.text[ev.start:ev.end].strip() == ev.quote
        assert 0.0 < ev.score <= 1.0
    rule_hits = [e for t in result.topics for e in t.evidence if e.source != "model"]
    assert rule_hits and all(e.strength == "mention" and "set aside" in e.why for e in rule_hits)


def test_model_adds_no_evidence_for_a_topic_it_never_saw_in_real_wording():
    from tenderlint.classify.model import load_shipped_model
    from tenderlint.classify.predict import MIN_REAL_POSITIVES

    model = load_shipped_model()
    real = model.card.get("cross_validation_real_sentences") or {}
    expected = {t for t, f in real.items() if f.get("support", 0) < MIN_REAL_POSITIVES}
    assert model.unlearnt == expected
    assert "risk-management" in model.unlearnt  # no real sentence labelled with it
    assert "privacy" not in model.unlearnt


def test_an_unlearnt_topic_gets_no_model_evidence_in_a_check():
    # The assertion above restates the rule; this one checks its effect. In this synthetic AI
    # agreement the classifier, left to itself, reads "Customer acknowledges that Provider has not
    # assessed the Models for any High-Risk Use" as risk management; with the shipped model card it
    # adds nothing for that topic, and still adds evidence for topics it learnt from real wording.
    from pathlib import Path

    from tenderlint.check import Checker, CheckOptions, parse_file

    checker = Checker(CheckOptions())
    path = Path(__file__).resolve().parents[1] / "corpus" / "synthetic" / "round-1" / "synth-model-api-agreement.md"
    document = parse_file(path, checker.options)
    findings = checker.rules.find(document, keep_sentences=True, contract=True)
    shipped = checker.model.unlearnt
    checker.model.unlearnt = frozenset()
    unrestricted = checker.model.evidence(document, findings, checker.ai_topics)
    checker.model.unlearnt = shipped
    restricted = checker.model.evidence(document, findings, checker.ai_topics)
    assert "risk-management" in unrestricted
    assert not restricted.keys() & shipped
    assert "privacy" in restricted
