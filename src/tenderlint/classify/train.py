"""Train the topic classifier from ``corpus/`` and write it to ``models/`` with its card.

The model is a scikit-learn ``Pipeline``: hashed word (1–2 gram) and character (3–5 gram)
TF-IDF features → one-vs-rest logistic regression, one binary classifier per topic. It learns
from the passages the project wrote (``corpus/passages``) and, when the shared documents are
present, from the stand-off sentence labels on real documents (``corpus/labels/sentences.csv``,
read back by offset and checked by hash; see classify/standoff.py). Two topic-independent heads
of the same shape learn from the real sentences alone: *provision* (a provision rather than
background) and *stance* (for or against the buyer).

Per-topic decision thresholds are chosen on out-of-fold probabilities from cross-validation
grouped by document (a real document's sentences never sit on both sides of a split; each
written passage is its own group), favouring precision (F0.5), and the same folds give the
card's figures. Training is deterministic for a fixed seed. Models are saved with skops, never
pickle.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tenderlint.classify.corpus import Passage, corpus_hash, load_passages
from tenderlint.errors import TenderlintError

MODEL_FILE = "topic-classifier.skops"
CARD_FILE = "card.json"
# The topic-independent heads: file, and the columns of their one-vs-rest regression.
HEADS = {
    "provision": ("provision-classifier.skops", ("provision", "background")),
    "stance": ("stance-classifier.skops", ("for", "against")),
}
THRESHOLD_GRID = [round(x, 2) for x in np.arange(0.30, 0.96, 0.05)]
MIN_THRESHOLD = 0.5


@dataclass
class TrainingResult:
    pipeline: object
    card: dict
    heads: dict | None = None  # head name -> fitted pipeline


WORD_BUCKETS = 2**15
CHAR_BUCKETS = 2**16


def build_pipeline(seed: int = 13):
    """Hashed word and character n-grams → TF-IDF → one logistic regression per topic.

    Hashing keeps no vocabulary, so the saved model is a handful of numeric arrays that skops
    loads in a fraction of a second (a 30,000-word vocabulary took seconds to load).
    """
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    def hashed(**kwargs) -> Pipeline:
        return Pipeline([
            ("hash", HashingVectorizer(alternate_sign=False, norm=None, strip_accents="unicode", dtype=np.float32,
                                       **kwargs)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ])

    features = FeatureUnion([
        ("words", hashed(ngram_range=(1, 2), n_features=WORD_BUCKETS)),
        ("chars", hashed(analyzer="char_wb", ngram_range=(3, 5), n_features=CHAR_BUCKETS)),
    ])
    classifier = OneVsRestClassifier(
        LogisticRegression(C=8.0, class_weight="balanced", solver="lbfgs", max_iter=1000, random_state=seed)
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def compact(pipeline) -> None:
    """Store the fitted weights as float32: half the size, and no visible change in probabilities."""
    for estimator in pipeline.named_steps["classifier"].estimators_:
        estimator.coef_ = estimator.coef_.astype(np.float32)
        estimator.intercept_ = estimator.intercept_.astype(np.float32)
    for _name, branch in pipeline.named_steps["features"].transformer_list:
        tfidf = branch.named_steps["tfidf"]
        tfidf.idf_ = tfidf.idf_.astype(np.float32)


def label_matrix(passages: list[Passage], topics: list[str]) -> np.ndarray:
    index = {t: i for i, t in enumerate(topics)}
    y = np.zeros((len(passages), len(topics)), dtype=np.int8)
    for row, passage in enumerate(passages):
        for topic in passage.topics:
            y[row, index[topic]] = 1
    return y


def grouped_folds(groups: list[str], folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index arrays of a cross-validation grouped by ``groups``: no group on both sides."""
    from sklearn.model_selection import GroupKFold

    folds = min(folds, len(set(groups)))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def out_of_fold_probabilities(texts: list[str], y: np.ndarray, seed: int, folds: int,
                              groups: list[str] | None = None) -> np.ndarray:
    groups = groups if groups is not None else [str(i) for i in range(len(texts))]
    probs = np.zeros(y.shape, dtype=float)
    for train_idx, test_idx in grouped_folds(groups, folds, seed):
        model = build_pipeline(seed)
        model.fit([texts[i] for i in train_idx], _ensure_both_classes(y[train_idx]))
        probs[test_idx] = model.predict_proba([texts[i] for i in test_idx])
    return probs


def _ensure_both_classes(y: np.ndarray) -> np.ndarray:
    # OneVsRest needs each topic column to have a positive; tiny slices in tests may lack one.
    if (y.sum(axis=0) == 0).any():
        raise ValueError("every topic needs at least one positive passage in the training data")
    return y


def precision_recall_f1(gold: np.ndarray, guess: np.ndarray) -> tuple[float, float, float]:
    tp = int((gold & guess).sum())
    fp = int((~gold & guess).sum())
    fn = int((gold & ~guess).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def choose_threshold(gold: np.ndarray, probs: np.ndarray) -> float:
    """The grid threshold with the best F0.5 (precision weighs double), never below MIN_THRESHOLD."""
    best, best_score = MIN_THRESHOLD, -1.0
    for threshold in THRESHOLD_GRID:
        if threshold < MIN_THRESHOLD:
            continue
        p, r, _ = precision_recall_f1(gold, probs >= threshold)
        score = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        if score > best_score + 1e-9:
            best, best_score = threshold, score
    return best


def _figures(gold: np.ndarray, probs: np.ndarray, threshold: float) -> dict:
    p, r, f = precision_recall_f1(gold, probs >= threshold)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": int(gold.sum())}


def train(topics: list[str], passages: list[Passage], seed: int = 13, folds: int = 5,
          sentences=None) -> TrainingResult:
    """Fit the topic classifier (and, with real ``sentences``, the two heads) and their card.

    ``sentences`` is a ``standoff.LabelledSentences`` or None (the corpus alone).
    """
    import scipy
    import sklearn
    import skops

    from tenderlint import __version__

    texts = [p.text for p in passages]
    y = label_matrix(passages, topics)
    groups = [f"passage:{p.source}" for p in passages]
    real = np.zeros(len(texts), dtype=bool)
    if sentences is not None and sentences.texts:
        index = {t: i for i, t in enumerate(topics)}
        extra = np.zeros((len(sentences.texts), len(topics)), dtype=np.int8)
        for row, found in enumerate(sentences.topics):
            for topic in found:
                extra[row, index[topic]] = 1
        texts += sentences.texts
        y = np.vstack([y, extra])
        groups += [f"document:{g}" for g in sentences.groups]
        real = np.concatenate([real, np.ones(len(sentences.texts), dtype=bool)])
    probs = out_of_fold_probabilities(texts, y, seed, folds, groups)
    thresholds, figures, real_figures = {}, {}, {}
    for i, topic in enumerate(topics):
        gold = y[:, i].astype(bool)
        thresholds[topic] = choose_threshold(gold, probs[:, i])
        figures[topic] = _figures(gold, probs[:, i], thresholds[topic])
        if real.any():
            real_figures[topic] = _figures(gold[real], probs[real, i], thresholds[topic])
    pipeline = build_pipeline(seed)
    pipeline.fit(texts, _ensure_both_classes(y))
    compact(pipeline)
    heads, head_cards = {}, {}
    if sentences is not None and sentences.texts:
        for name, (file, columns) in HEADS.items():
            fitted, head_card = train_head(name, columns, sentences, seed, folds)
            if fitted is not None:
                heads[name] = fitted
                head_cards[name] = dict(head_card, model_file=file)
    training_data = {
        "passages": len(passages),
        "sha256": corpus_hash(passages),
        "positives_per_topic": {t: int(y[~real, i].sum()) for i, t in enumerate(topics)},
        "no_topic": int((y[~real].sum(axis=1) == 0).sum()),
        "real_sentences": None,
    }
    if sentences is not None:
        training_data["real_sentences"] = dict(
            sentences.summary,
            positives_per_topic={t: int(y[real, i].sum()) for i, t in enumerate(topics)},
            no_topic=int((y[real].sum(axis=1) == 0).sum()),
        )
    card = {
        "name": "tenderlint topic classifier",
        "model_file": MODEL_FILE,
        "tenderlint_version": __version__,
        "topics": topics,
        "thresholds": thresholds,
        "seed": seed,
        "folds": folds,
        "cross_validation_grouping": "by document: a real document's sentences stay in one fold; "
                                     "each written passage is its own group",
        "training_data": training_data,
        "libraries": {"scikit-learn": sklearn.__version__, "skops": skops.__version__,
                      "numpy": np.__version__, "scipy": scipy.__version__},
        "cross_validation": figures,
        "cross_validation_macro_f1": round(float(np.mean([f["f1"] for f in figures.values()])), 3),
        "cross_validation_real_sentences": real_figures or None,
        "cross_validation_real_sentences_macro_f1": (
            round(float(np.mean([f["f1"] for f in real_figures.values() if f["support"]])), 3)
            if real_figures else None),
        "heads": head_cards,
        "pipeline": f"hashed word 1-2grams ({WORD_BUCKETS}) + char_wb 3-5grams ({CHAR_BUCKETS}) -> TF-IDF -> one-vs-rest logistic regression (lbfgs, balanced classes, float32 weights)",
    }
    return TrainingResult(pipeline, card, heads)


def head_labels(name: str, sentences) -> tuple[list[int], np.ndarray]:
    """Rows of ``sentences`` the head learns from, and their label columns (see HEADS)."""
    rows, labels = [], []
    for i, (form, stance) in enumerate(zip(sentences.forms, sentences.stances)):
        if name == "provision" and form:
            rows.append(i)
            labels.append((form == "provision", form == "background"))
        elif name == "stance" and stance:
            rows.append(i)
            labels.append((stance == "for", stance == "against"))
    return rows, np.array(labels, dtype=np.int8).reshape(-1, 2)


def train_head(name: str, columns: tuple[str, ...], sentences, seed: int, folds: int):
    """A topic-independent head fitted on the real sentences that carry its label, with grouped-CV figures."""
    rows, y = head_labels(name, sentences)
    if len(rows) < 20 or (y.sum(axis=0) == 0).any():
        return None, {"trained": False, "reason": "too few labelled sentences"}
    texts = [sentences.texts[i] for i in rows]
    groups = [sentences.groups[i] for i in rows]
    probs = out_of_fold_probabilities(texts, y, seed, folds, groups)
    figures = {column: _figures(y[:, j].astype(bool), probs[:, j], 0.5) for j, column in enumerate(columns)}
    if name == "stance":
        # Three-way accuracy: the larger of for / against when it reaches 0.5, else neutral.
        guess = np.where(probs.max(axis=1) >= 0.5, probs.argmax(axis=1), 2)
        gold = np.where(y.sum(axis=1) > 0, y.argmax(axis=1), 2)
        figures["accuracy_3way"] = round(float((guess == gold).mean()), 3)
        figures["majority_baseline"] = round(float(np.bincount(gold, minlength=3).max() / len(gold)), 3)
    else:
        gold = y[:, 0].astype(bool)
        figures["accuracy"] = round(float(((probs[:, 0] >= 0.5) == gold).mean()), 3)
        figures["majority_baseline"] = round(float(max(gold.mean(), 1 - gold.mean())), 3)
    pipeline = build_pipeline(seed)
    pipeline.fit(texts, y)
    compact(pipeline)
    card = {"trained": True, "columns": list(columns), "sentences": len(rows), "documents": len(set(groups)),
            "per_column": {c: int(y[:, j].sum()) for j, c in enumerate(columns)},
            "cross_validation": figures}
    return pipeline, card


def _dump(pipeline, path: Path, compression: int = zipfile.ZIP_DEFLATED) -> dict:
    """Save with skops. The topic model, read by every check, is stored uncompressed
    (``ZIP_STORED``): inflating its 11 MB of weights took 0.05 s of each run
    (bench/check_speed.py); the heads, read only by ``eval``, stay compressed."""
    import skops.io as sio

    sio.dump(pipeline, path, compression=compression,
             compresslevel=None if compression == zipfile.ZIP_STORED else 9)
    return {"model_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "model_bytes": path.stat().st_size,
            "untrusted_types": sorted(sio.get_untrusted_types(file=path))}


def save(result: TrainingResult, folder: Path) -> Path:
    """Write the model, the heads trained (a head not trained this time is removed), card and README."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    card = dict(result.card)
    card.update(_dump(result.pipeline, path, compression=zipfile.ZIP_STORED))
    heads = dict(card.get("heads") or {})
    for name, (file, _columns) in HEADS.items():
        if result.heads and name in result.heads:
            heads[name] = dict(heads[name], **_dump(result.heads[name], folder / file))
        elif (folder / file).exists():
            (folder / file).unlink()
    card["heads"] = heads
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(model_readme(card), encoding="utf-8")
    return path


def model_readme(card: dict) -> str:
    data = card["training_data"]
    real = data.get("real_sentences")
    if real:
        source = (f"- Trained on {data['passages']} passages written by the project (corpus/passages, sha256 "
                  f"`{data['sha256'][:16]}…`) and {real['sentences']} sentences of {real['documents']} real "
                  f"documents labelled stand-off (corpus/labels/sentences.csv, sha256 `{real['labels_sha256'][:16]}…`; "
                  f"texts read from ../shared by offset, {real['stale']} stale), seed {card['seed']}.")
    else:
        source = (f"- Trained on {data['passages']} passages written by the project (corpus/passages, sha256 "
                  f"`{data['sha256'][:16]}…`) alone: the shared documents the stand-off labels point into were "
                  f"absent. Seed {card['seed']}.")
    size = card.get("model_bytes", 0) + sum(h.get("model_bytes", 0) for h in (card.get("heads") or {}).values())
    lines = [
        "# The shipped topic classifier",
        "",
        "Generated by `tenderlint train` together with `card.json`; do not edit by hand.",
        "",
        f"- Pipeline: {card['pipeline']}.",
        source,
        f"- Saved with skops (`{card['model_file']}`; all model files together {size / 1e6:.1f} MB), never pickle. "
        "`tenderlint check` reads it with numpy alone (src/tenderlint/classify/inference.py): an explicit list "
        "of trusted types, nothing executed from the file, and no scikit-learn import.",
        "- Libraries: " + ", ".join(f"{k} {v}" for k, v in card["libraries"].items()) + ".",
        f"- Cross-validated ({card['folds']}-fold, grouped by document) macro-F1 over topics: "
        f"{card['cross_validation_macro_f1']} on all examples"
        + (f", {card['cross_validation_real_sentences_macro_f1']} on the real sentences alone."
           if card.get("cross_validation_real_sentences") else "."),
        "",
        "| topic | threshold | precision | recall | F1 | positives | real: precision | recall | F1 | positives |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for topic in card["topics"]:
        f = card["cross_validation"][topic]
        r = (card.get("cross_validation_real_sentences") or {}).get(topic)
        tail = f"{r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} | {r['support']}" if r else "– | – | – | –"
        lines.append(f"| {topic} | {card['thresholds'][topic]:.2f} | {f['precision']:.2f} | {f['recall']:.2f} | "
                     f"{f['f1']:.2f} | {f['support']} | {tail} |")
    heads = card.get("heads") or {}
    if heads:
        lines += ["", "## Topic-independent heads", "",
                  "Trained on the real sentences alone (labels `form` and `stance` of corpus/labels/sentences.csv), "
                  "same pipeline shape, one file each; figures from cross-validation grouped by document, "
                  "at probability 0.5.", "",
                  "| head | file | sentences | documents | column | precision | recall | F1 | positives |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, head in heads.items():
            for column in head["columns"]:
                f = head["cross_validation"][column]
                lines.append(f"| {name} | `{head['model_file']}` | {head['sentences']} | {head['documents']} | "
                             f"{column} | {f['precision']:.2f} | {f['recall']:.2f} | {f['f1']:.2f} | {f['support']} |")
            cv = head["cross_validation"]
            accuracy = cv.get("accuracy", cv.get("accuracy_3way"))
            lines.append(f"| {name} | | | | accuracy{' (for / neutral / against)' if name == 'stance' else ''}: "
                         f"{accuracy:.2f}, majority class {cv['majority_baseline']:.2f} | | | | |")
    lines += ["", "Figures are sentence- and passage-level, on out-of-fold predictions; document-level",
              "figures on real documents are in docs/accuracy.md.", ""]
    return "\n".join(lines)


def require_training_libraries() -> None:
    """Raise ``usage`` naming the ``train`` extra when scikit-learn or skops is not installed."""
    missing = []
    for module, package in (("sklearn", "scikit-learn"), ("skops", "skops")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise TenderlintError("usage", f"training needs {' and '.join(missing)}, which a check does not: "
                                       "pip install 'tenderlint[train]'")


def default_documents_dir(corpus: Path) -> Path:
    """``../shared/documents`` beside the checkout that holds ``corpus``."""
    return corpus.resolve().parent.parent / "shared" / "documents"


def train_from_corpus(corpus: Path, topics: list[str], out: Path, seed: int = 13, folds: int = 5,
                      documents: Path | None = None) -> dict:
    """Train from ``corpus``: its passages, plus its stand-off sentence labels when ``documents``
    (default ``../shared/documents``) is there to read them from."""
    from tenderlint.classify.standoff import labels_file, load_labelled_sentences

    require_training_libraries()

    passages = load_passages(corpus / "passages", topics)
    documents = documents if documents is not None else default_documents_dir(corpus)
    sentences = None
    if documents.is_dir() and labels_file(corpus).is_file():
        skip = {p.text.lower() for p in passages}
        sentences = load_labelled_sentences(corpus, documents, topics, skip_texts=skip)
    result = train(topics, passages, seed=seed, folds=folds, sentences=sentences)
    save(result, out)
    return json.loads((out / CARD_FILE).read_text())
