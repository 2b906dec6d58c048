"""Train the topic classifier from ``corpus/`` and write it to ``models/`` with its card.

The model is a scikit-learn ``Pipeline``: hashed word (1–2 gram) and character (3–5 gram)
TF-IDF features → one-vs-rest logistic regression, one binary classifier per topic. Per-topic
decision thresholds are chosen on out-of-fold probabilities from k-fold cross-validation,
favouring precision (F0.5), and the same folds give the card's per-topic figures. Training
is deterministic for a fixed seed. The model is saved with skops, never pickle.
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
THRESHOLD_GRID = [round(x, 2) for x in np.arange(0.30, 0.96, 0.05)]
MIN_THRESHOLD = 0.5


@dataclass
class TrainingResult:
    pipeline: object
    card: dict


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


def out_of_fold_probabilities(texts: list[str], y: np.ndarray, seed: int, folds: int) -> np.ndarray:
    from sklearn.model_selection import KFold

    probs = np.zeros(y.shape, dtype=float)
    for train_idx, test_idx in KFold(n_splits=folds, shuffle=True, random_state=seed).split(texts):
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


def train(topics: list[str], passages: list[Passage], seed: int = 13, folds: int = 5) -> TrainingResult:
    import scipy
    import sklearn
    import skops

    from tenderlint import __version__

    texts = [p.text for p in passages]
    y = label_matrix(passages, topics)
    probs = out_of_fold_probabilities(texts, y, seed, folds)
    thresholds, figures = {}, {}
    for i, topic in enumerate(topics):
        gold = y[:, i].astype(bool)
        thresholds[topic] = choose_threshold(gold, probs[:, i])
        p, r, f = precision_recall_f1(gold, probs[:, i] >= thresholds[topic])
        figures[topic] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                          "support": int(gold.sum())}
    pipeline = build_pipeline(seed)
    pipeline.fit(texts, _ensure_both_classes(y))
    compact(pipeline)
    card = {
        "name": "tenderlint topic classifier",
        "model_file": MODEL_FILE,
        "tenderlint_version": __version__,
        "topics": topics,
        "thresholds": thresholds,
        "seed": seed,
        "folds": folds,
        "training_data": {
            "passages": len(passages),
            "sha256": corpus_hash(passages),
            "positives_per_topic": {t: int(y[:, i].sum()) for i, t in enumerate(topics)},
            "no_topic": int((y.sum(axis=1) == 0).sum()),
        },
        "libraries": {"scikit-learn": sklearn.__version__, "skops": skops.__version__,
                      "numpy": np.__version__, "scipy": scipy.__version__},
        "cross_validation": figures,
        "cross_validation_macro_f1": round(float(np.mean([f["f1"] for f in figures.values()])), 3),
        "pipeline": f"hashed word 1-2grams ({WORD_BUCKETS}) + char_wb 3-5grams ({CHAR_BUCKETS}) -> TF-IDF -> one-vs-rest logistic regression (lbfgs, balanced classes, float32 weights)",
    }
    return TrainingResult(pipeline, card)


def save(result: TrainingResult, folder: Path) -> Path:
    import skops.io as sio

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    sio.dump(result.pipeline, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    card = dict(result.card)
    card["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    card["model_bytes"] = path.stat().st_size
    card["untrusted_types"] = sorted(sio.get_untrusted_types(file=path))
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(model_readme(card), encoding="utf-8")
    return path


def model_readme(card: dict) -> str:
    lines = [
        "# The shipped topic classifier",
        "",
        "Generated by `tenderlint train` together with `card.json`; do not edit by hand.",
        "",
        f"- Pipeline: {card['pipeline']}.",
        f"- Trained on {card['training_data']['passages']} passages written by the project (corpus/), "
        f"sha256 `{card['training_data']['sha256'][:16]}…`, seed {card['seed']}.",
        f"- Saved with skops (`{card['model_file']}`, {card.get('model_bytes', 0) / 1e6:.1f} MB), never pickle. "
        "`tenderlint check` reads it with numpy alone (src/tenderlint/classify/inference.py): an explicit list "
        "of trusted types, nothing executed from the file, and no scikit-learn import.",
        "- Libraries: " + ", ".join(f"{k} {v}" for k, v in card["libraries"].items()) + ".",
        f"- Cross-validated ({card['folds']}-fold) macro-F1 over topics: {card['cross_validation_macro_f1']}.",
        "",
        "| topic | threshold | precision | recall | F1 | positives |",
        "|---|---|---|---|---|---|",
    ]
    for topic in card["topics"]:
        f = card["cross_validation"][topic]
        lines.append(f"| {topic} | {card['thresholds'][topic]:.2f} | {f['precision']:.2f} | {f['recall']:.2f} | "
                     f"{f['f1']:.2f} | {f['support']} |")
    lines += ["", "Figures are passage-level, on out-of-fold predictions over the corpus; document-level",
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


def train_from_corpus(corpus: Path, topics: list[str], out: Path, seed: int = 13, folds: int = 5) -> dict:
    require_training_libraries()
    passages = load_passages(corpus / "passages", topics)
    result = train(topics, passages, seed=seed, folds=folds)
    save(result, out)
    return json.loads((out / CARD_FILE).read_text())
