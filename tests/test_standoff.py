"""Stand-off sentence labels on real documents, and training with and without them."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tenderlint.classify.corpus import corpus_dir, load_passages
from tenderlint.classify.standoff import (
    FIELDS, holdout_documents, labels_file, load_labelled_sentences, read_labels, resolve, split_sentences,
    text_hash, write_labels,
)
from tenderlint.classify.train import grouped_folds, train_from_corpus
from tenderlint.errors import TenderlintError
from tenderlint.resources import models_dir
from tenderlint.rules.loader import load_taxonomy

TOPICS = [t.id for t in load_taxonomy()]
LABELS = labels_file(corpus_dir())
HOLDOUT = {  # SPLITS.tsv's holdout documents, spelled out so the check also runs without ../shared
    "ai-dev/arpah-precise-ai-draft-solicitation.pdf", "ai-dev/huggingface-terms-of-service.md",
    "ai-dev/uk-ccs-call-off-schedule-10-exit-management.pdf", "ai-dev/usaf-robins-legacy-applications-support-pws.pdf",
}


def test_sentence_labels_are_valid_stand_off_rows_and_hold_no_text():
    rows = read_labels(LABELS, TOPICS)
    sentences = {r.key for r in rows}
    assert len(sentences) >= 3000
    assert not {r.document for r in rows} & HOLDOUT
    assert {r.document.split("/")[0] for r in rows} == {"tenders", "ai-dev", "cuad-dev"}
    # Hard negatives: sentences with no topic, from the same documents as the positives.
    negatives = {r.key for r in rows if not r.topic}
    assert len(negatives) >= 1000
    assert {k[0] for k in negatives} & {r.document for r in rows if r.topic}
    assert Counter(r.source for r in rows).keys() == {"judged", "quote", "cuad"}
    header = LABELS.read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == FIELDS  # offsets and labels only: no column for text


def test_sentence_label_reader_rejects_bad_rows(tmp_path):
    path = tmp_path / "sentences.csv"
    path.write_text(",".join(FIELDS) + "\ntenders/x.md,5,2," + "a" * 64 + ",privacy,substantive,,,judged\n")
    with pytest.raises(TenderlintError, match="bad span"):
        read_labels(path, TOPICS)
    path.write_text(",".join(FIELDS) + "\ntenders/x.md,1,9," + "a" * 64 + ",privacy,strong,,,judged\n")
    with pytest.raises(TenderlintError, match="strength"):
        read_labels(path, TOPICS)


@pytest.mark.shared
def test_labels_read_back_with_matching_hashes(shared_dir):
    """Every labelled sentence of every document (PDF, Markdown, DOCX, CUAD text) is where its
    offsets say, with the same hash: a parser change that moves text shows here as stale rows, not
    later as sentences the next training silently leaves out (sixty-five CUAD rows went stale so
    once, unnoticed while this test read four documents)."""
    # (and the rows read by hand that corpus/tools/build_sentence_labels.py builds them from)
    rows = read_labels(LABELS, TOPICS) + read_labels(LABELS.with_name("judged.csv"), TOPICS)
    assert {"ai-dev/uk-ccs-framework-core-terms-v2-7.pdf", "ai-dev/xai-enterprise-terms-of-service.md",
            "tenders/va-vdh-sor-grant-management-system.docx", "cuad-dev/contracts/cuad-dev-000.txt"} <= {
        r.document for r in rows}
    resolved = resolve(rows, shared_dir / "documents")
    assert not resolved.stale and not resolved.missing_documents
    for row in rows:
        text = resolved.texts[row.key]
        assert text_hash(text) == row.sha256 and text == text.strip() and text


@pytest.mark.shared
def test_sentence_split_offsets_point_into_the_document_text(shared_dir):
    from tenderlint.parsers import parse

    document = parse(shared_dir / "documents" / "ai-dev" / "deepseek-open-platform-terms.md")
    spans = split_sentences(document)
    assert len(spans) > 100
    for span in spans:
        assert document.text[span.start:span.end] == span.text


@pytest.mark.shared
def test_labels_on_a_held_out_document_stop_training(tmp_path, shared_dir):
    (tmp_path / "labels").mkdir()
    bad = "ai-dev/huggingface-terms-of-service.md"
    assert bad in holdout_documents(shared_dir / "documents")
    (tmp_path / "labels" / "sentences.csv").write_text(
        ",".join(FIELDS) + f"\n{bad},0,10," + "a" * 64 + ",,,background,neutral,judged\n")
    with pytest.raises(TenderlintError, match="held-out"):
        load_labelled_sentences(tmp_path, shared_dir / "documents", TOPICS)


def test_grouped_folds_never_share_a_document():
    groups = [f"doc{i % 23}" for i in range(500)] + [f"passage:{i}" for i in range(300)]
    random.Random(1).shuffle(groups)
    splits = grouped_folds(groups, 5, seed=13)
    assert len(splits) == 5
    tested = np.concatenate([test for _, test in splits])
    assert sorted(tested.tolist()) == list(range(len(groups)))  # every example is tested once
    for train, test in splits:
        assert not {groups[i] for i in train} & {groups[i] for i in test}


# Three topics keep the training tests quick; the code paths are those of all 27.
FEW = ["privacy", "liability", "pricing"]


def _small_corpus(folder: Path, per_topic: int = 12, boilerplate: int = 40) -> None:
    passages = load_passages(corpus_dir() / "passages", TOPICS)
    rng = random.Random(5)
    taken, lines = Counter(), []
    for p in rng.sample(passages, len(passages)):
        if not set(p.topics) <= set(FEW):
            continue
        if (p.topics and any(taken[t] < per_topic for t in p.topics)) or (not p.topics and boilerplate > 0):
            boilerplate -= not p.topics
            taken.update(p.topics)
            lines.append(json.dumps({"text": p.text, "topics": list(p.topics), "kind": p.kind}))
    (folder / "passages").mkdir(parents=True)
    (folder / "passages" / "slice.jsonl").write_text("\n".join(lines) + "\n")


def test_training_from_the_corpus_alone_when_shared_is_absent(tmp_path):
    corpus, out, empty = tmp_path / "corpus", tmp_path / "models", tmp_path / "no-shared"
    _small_corpus(corpus)
    (corpus / "labels").mkdir()
    (corpus / "labels" / "sentences.csv").write_text(LABELS.read_text(encoding="utf-8"))
    empty.mkdir()
    card = train_from_corpus(corpus, FEW, out, folds=2, documents=empty / "documents")
    assert card["training_data"]["real_sentences"] is None
    assert card["heads"] == {} and card["cross_validation_real_sentences"] is None
    assert (out / "topic-classifier.skops").exists() and not (out / "stance-classifier.skops").exists()
    assert "alone" in (out / "README.md").read_text()


@pytest.mark.slow
@pytest.mark.shared
def test_training_adds_the_stand_off_sentences_and_heads(tmp_path, shared_dir):
    """A small corpus plus the real sentences of a few documents: the card records them, and the
    heads are written, load with numpy alone and agree with scikit-learn."""
    import skops.io as sio

    from tenderlint.classify.predict import TopicModel

    corpus, out = tmp_path / "corpus", tmp_path / "models"
    _small_corpus(corpus)
    rows = read_labels(LABELS, TOPICS)
    keep = {"ai-dev/xai-enterprise-terms-of-service.md", "ai-dev/microsoft-copilot-terms-of-service.md",
            "ai-dev/deepseek-open-platform-terms.md", "tenders/gsa-smartpay-rfq.md"}
    (corpus / "labels").mkdir()
    kept = [r for r in rows if r.document in keep and r.topic in ("", *FEW)]
    write_labels(corpus / "labels" / "sentences.csv", kept)
    card = train_from_corpus(corpus, FEW, out, folds=2, documents=shared_dir / "documents")
    real = card["training_data"]["real_sentences"]
    assert real["documents"] == len(keep) and real["stale"] == 0
    assert real["sentences"] + real["repeated_texts_left_out"] == len({r.key for r in kept})
    assert real["positives_per_topic"]["liability"] > 10
    assert set(card["heads"]) == {"provision", "stance"}
    model = TopicModel.load(out / "topic-classifier.skops")
    assert model.topics == FEW
    assert model.head_names == ["provision", "stance"]
    texts = ["The Supplier must notify the Buyer of any data breach within 24 hours.",
             "The provider may use your prompts to improve its models without notice.", "1.2 Background"]
    for name in model.head_names:
        ours = model.head_proba(name, texts)
        data = (out / card["heads"][name]["model_file"]).read_bytes()
        theirs = sio.loads(data, trusted=sio.get_untrusted_types(data=data)).predict_proba(texts)
        for j, column in enumerate(card["heads"][name]["columns"]):
            assert np.abs(ours[column] - theirs[:, j]).max() < 1e-5


def test_shipped_model_records_its_training_data():
    card = json.loads((models_dir() / "card.json").read_text())
    real = card["training_data"].get("real_sentences")
    if real is None:
        pytest.skip("the shipped model was trained without the shared documents")
    assert real["labels_sha256"] == __import__("hashlib").sha256(LABELS.read_bytes()).hexdigest(), \
        "corpus/labels/sentences.csv changed: run `tenderlint train`"
    assert real["stale"] == 0 and real["sentences"] >= 3000
    total = sum((models_dir() / f).stat().st_size for f in
                [card["model_file"]] + [h["model_file"] for h in card["heads"].values()])
    assert total <= 20 * 1024 * 1024
