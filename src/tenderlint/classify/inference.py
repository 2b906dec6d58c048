"""Predict with the shipped topic classifier using numpy alone, straight from its skops file.

The model is saved with skops (classify/train.py). Loading it back through skops imports
scikit-learn and skops' registry of every estimator: about 2.5 s per process, more than the rest of
a check of a 400-page tender. This module reads the same skops archive without scikit-learn and
without executing anything from it: ``schema.json`` is plain JSON, the weights are ``.npy`` files
read with ``allow_pickle=False``, every class named in the file must be one the shipped pipeline
is built from, and only the exact pipeline shape train.py builds is accepted.

It then does what that pipeline does at prediction time:
hashed word 1–2-grams and character 3–5-grams within word boundaries (murmurhash3, as
scikit-learn's HashingVectorizer), sublinear TF-IDF with an l2 norm per branch, and one logistic
regression per topic. tests/test_classify.py holds it to scikit-learn's own ``predict_proba``.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import chain

import numpy as np
from murmurhash.mrmr import hash as murmurhash3_32

from tenderlint.errors import TenderlintError

# Every type the shipped pipeline is built from. Loading refuses a file that names anything else.
TRUSTED_TYPES = frozenset({
    "builtins.dict",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int32",
    "numpy.int64",
    "numpy.ndarray",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
})
_CONTAINERS = frozenset({"builtins.list", "builtins.tuple", "builtins.str", "builtins.int", "builtins.float",
                         "builtins.bool", "builtins.NoneType"})
_WHITE_SPACES = re.compile(r"\s\s+")


class UnsupportedModel(ValueError):
    """The archive is readable but is not the pipeline this module knows how to run."""


@dataclass
class _Estimator:
    """An object node of the skops tree: its class and its attributes, nothing executed."""

    kind: str
    attrs: dict

    def get(self, name: str, expected: type | tuple[type, ...] | None = None):
        if name not in self.attrs:
            raise UnsupportedModel(f"{self.kind} has no {name}")
        value = self.attrs[name]
        if expected is not None and not isinstance(value, expected):
            raise UnsupportedModel(f"{self.kind}.{name} has an unexpected type")
        return value


def named_types(schema: dict) -> set[str]:
    """Every class a skops schema names, as "module.Class"."""
    named: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                named.add(f"{node['__module__']}.{node['__class__']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return named


def untrusted_types(schema: dict) -> set[str]:
    """Every class named in a skops schema that the shipped pipeline does not use."""
    return named_types(schema) - TRUSTED_TYPES - _CONTAINERS


def _decode(node: dict, archive: zipfile.ZipFile):
    loader = node.get("__loader__")
    content = node.get("content")
    if loader == "JsonNode":
        return json.loads(content)
    if loader in ("ListNode", "TupleNode"):
        items = [_decode(child, archive) for child in content]
        return items if loader == "ListNode" else tuple(items)
    if loader == "DictNode":
        return {key: _decode(child, archive) for key, child in content.items()}
    if loader == "ObjectNode":
        attrs = _decode(content, archive) if content is not None else {}
        return _Estimator(f"{node['__module__']}.{node['__class__']}", attrs)
    if loader == "TypeNode":
        return f"{node['__module__']}.{node['__class__']}"
    if loader == "NdArrayNode" and node.get("type") == "numpy":
        return np.load(io.BytesIO(archive.read(node["file"])), allow_pickle=False)
    raise UnsupportedModel(f"unsupported node {loader} ({node.get('__module__')}.{node.get('__class__')})")


def _steps(pipeline: _Estimator, names: tuple[str, ...]) -> list[_Estimator]:
    if pipeline.kind != "sklearn.pipeline.Pipeline":
        raise UnsupportedModel(f"expected a Pipeline, found {pipeline.kind}")
    steps = pipeline.get("steps", list)
    if tuple(name for name, _ in steps) != names:
        raise UnsupportedModel(f"expected the steps {names}")
    return [step for _, step in steps]


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class HashedTfidf:
    """One feature branch: hashed n-grams (HashingVectorizer) followed by its fitted TF-IDF."""

    def __init__(self, hasher: _Estimator, tfidf: _Estimator):
        for name, wanted in (("alternate_sign", False), ("norm", None), ("binary", False), ("preprocessor", None),
                             ("tokenizer", None), ("stop_words", None), ("input", "content"),
                             ("dtype", "numpy.float32")):
            if hasher.get(name) != wanted:
                raise UnsupportedModel(f"HashingVectorizer.{name} must be {wanted!r}")
        for name, wanted in (("norm", "l2"), ("use_idf", True), ("sublinear_tf", True)):
            if tfidf.get(name) != wanted:
                raise UnsupportedModel(f"TfidfTransformer.{name} must be {wanted!r}")
        self.analyzer = hasher.get("analyzer", str)
        if self.analyzer not in ("word", "char_wb"):
            raise UnsupportedModel(f"unsupported analyzer {self.analyzer!r}")
        self.min_n, self.max_n = hasher.get("ngram_range", (tuple, list))
        self.n_features = int(hasher.get("n_features", int))
        self.lowercase = bool(hasher.get("lowercase", bool))
        self.strip_accents = hasher.get("strip_accents")
        if self.strip_accents not in (None, "unicode"):
            raise UnsupportedModel(f"unsupported strip_accents {self.strip_accents!r}")
        self.token_pattern = re.compile(hasher.get("token_pattern", str))
        self.idf = np.asarray(tfidf.get("idf_", np.ndarray), dtype=np.float32)
        if self.idf.shape != (self.n_features,):
            raise UnsupportedModel("TF-IDF weights do not match the number of hashed features")
        self._columns = _ColumnCache(self.n_features)
        self._word_columns = _WordColumns(self._char_ngrams_of_word, self._columns)

    def _preprocess(self, text: str) -> str:
        if self.lowercase:
            text = text.lower()
        if self.strip_accents == "unicode":
            text = _strip_accents(text)
        return text

    def _word_ngrams(self, text: str) -> list[str]:
        tokens = self.token_pattern.findall(text)
        grams = list(tokens) if self.min_n == 1 else []
        for n in range(max(self.min_n, 2), min(self.max_n, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _char_ngrams_of_word(self, word: str) -> list[str]:
        padded = f" {word} "
        grams = []
        for n in range(self.min_n, self.max_n + 1):
            if len(padded) <= n:  # a short word is counted once, whole
                grams.append(padded)
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
        return grams

    def _hashed(self, text: str) -> list[int]:
        text = self._preprocess(text)
        if self.analyzer == "word":
            return list(map(self._columns.__getitem__, self._word_ngrams(text)))
        # Character n-grams never cross a word boundary, so each word's columns are worked out once.
        return list(chain.from_iterable(map(self._word_columns.__getitem__, _WHITE_SPACES.sub(" ", text).split())))

    def features_of_rows(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The features of many texts at once: (row, column, value) of every nonzero, sorted by row
        then column; each row's values are its l2-normalised TF-IDF, as ``features`` gives them."""
        hashed = [self._hashed(text) for text in texts]
        lengths = np.fromiter(map(len, hashed), dtype=np.int64, count=len(hashed))
        flat = np.fromiter(chain.from_iterable(hashed), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        # One key per (row, column): counting the keys counts each column within its row.
        keys, counts = np.unique(rows * self.n_features + flat, return_counts=True)
        rows, columns = np.divmod(keys, self.n_features)
        values = (np.log(counts.astype(np.float32)) + np.float32(1.0)) * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts))).astype(np.float32)
        values /= np.where(norms > 0, norms, np.float32(1.0))[rows]
        return rows, columns, values

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and l2-normalised TF-IDF values of one text in this branch."""
        hashed = self._hashed(text)
        if not hashed:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns, counts = np.unique(np.array(hashed, dtype=np.int64), return_counts=True)
        values = (np.log(counts.astype(np.float32)) + np.float32(1.0)) * self.idf[columns]
        norm = np.sqrt(np.dot(values, values))
        if norm > 0:
            values /= norm
        return columns, values


class _WordColumns(dict):
    """word → the hashed columns of its character n-grams; remembered per process."""

    LIMIT = 200_000

    def __init__(self, ngrams_of_word, columns: "_ColumnCache"):
        super().__init__()
        self.ngrams_of_word = ngrams_of_word
        self.columns = columns

    def __missing__(self, word: str) -> tuple[int, ...]:
        columns = tuple(map(self.columns.__getitem__, self.ngrams_of_word(word)))
        if len(self) >= self.LIMIT:
            self.clear()
        self[word] = columns
        return columns


class _ColumnCache(dict):
    """n-gram → hashed column, as scikit-learn's feature hasher computes it; remembered per process.

    Most n-grams recur from sentence to sentence, so a dictionary lookup replaces most hash calls.
    """

    LIMIT = 500_000

    def __init__(self, n_features: int):
        super().__init__()
        self.n_features = n_features

    def __missing__(self, gram: str) -> int:
        h = murmurhash3_32(gram)
        column = (2147483647 - (self.n_features - 1)) % self.n_features if h == -2147483648 else abs(h) % self.n_features
        if len(self) >= self.LIMIT:
            self.clear()
        self[gram] = column
        return column


class LinearTopicPredictor:
    """The shipped pipeline's prediction: feature branches side by side, one logistic regression per topic."""

    def __init__(self, branches: list[HashedTfidf], coef: np.ndarray, intercept: np.ndarray):
        self.branches = branches
        self.offsets = np.cumsum([0] + [b.n_features for b in branches])[:-1]
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def from_skops(cls, data: bytes) -> "LinearTopicPredictor":
        """Read a skops archive of the pipeline train.py builds; raise UnsupportedModel otherwise."""
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            schema = json.loads(archive.read("schema.json"))
            unknown = untrusted_types(schema)
            if unknown:
                raise UnsupportedModel(f"untrusted type(s) {', '.join(sorted(unknown))}")
            root = _decode(schema, archive)
        if not isinstance(root, _Estimator):
            raise UnsupportedModel("the archive does not hold an estimator")
        features, classifier = _steps(root, ("features", "classifier"))
        if features.kind != "sklearn.pipeline.FeatureUnion" or features.get("transformer_weights") is not None:
            raise UnsupportedModel("expected an unweighted FeatureUnion of feature branches")
        branches = [HashedTfidf(*_steps(branch, ("hash", "tfidf")))
                    for _, branch in features.get("transformer_list", list)]
        if classifier.kind != "sklearn.multiclass.OneVsRestClassifier":
            raise UnsupportedModel(f"expected OneVsRestClassifier, found {classifier.kind}")
        if classifier.get("label_binarizer_", _Estimator).get("y_type_") != "multilabel-indicator":
            raise UnsupportedModel("expected one binary classifier per topic (multilabel)")
        width = sum(b.n_features for b in branches)
        coef, intercept = [], []
        for estimator in classifier.get("estimators_", list):
            if estimator.kind != "sklearn.linear_model._logistic.LogisticRegression":
                raise UnsupportedModel(f"expected LogisticRegression, found {estimator.kind}")
            weights = estimator.get("coef_", np.ndarray)
            if weights.shape != (1, width) or list(estimator.get("classes_", np.ndarray)) != [0, 1]:
                raise UnsupportedModel("a topic's regression does not match the feature width")
            coef.append(weights[0])
            intercept.append(estimator.get("intercept_", np.ndarray)[0])
        return cls(branches, np.asarray(coef, dtype=np.float32), np.asarray(intercept, dtype=np.float32))

    # Texts scored together: the weights of their nonzero features are gathered at once (topics ×
    # nonzeros, float32), so a chunk of this many sentences stays within a few megabytes.
    ROWS_AT_ONCE = 256

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probability of each topic (columns) for each text (rows).

        Many texts are scored in one pass of numpy (a few calls per chunk, not per sentence):
        about a tenth of a second less on a 400-page tender (bench/check_speed.py).
        """
        probs = np.zeros((len(texts), len(self.intercept)), dtype=np.float32)
        for first in range(0, len(texts), self.ROWS_AT_ONCE):
            chunk = texts[first:first + self.ROWS_AT_ONCE]
            decision = np.repeat(self.intercept[:, None], len(chunk), axis=1)
            for branch, offset in zip(self.branches, self.offsets):
                rows, columns, values = branch.features_of_rows(chunk)
                if not len(rows):
                    continue
                # Each nonzero's weight for every topic, summed within its row (rows come sorted).
                weighted = np.take(self.coef, columns + offset, axis=1) * values
                present, starts = np.unique(rows, return_index=True)
                decision[:, present] += np.add.reduceat(weighted, starts, axis=1)
            probs[first:first + len(chunk)] = (1.0 / (1.0 + np.exp(-decision))).T
        return probs


def load_predictor(data: bytes) -> LinearTopicPredictor:
    """The predictor in a skops archive, or a coded error naming what is wrong with it."""
    try:
        return LinearTopicPredictor.from_skops(data)
    except UnsupportedModel as error:
        reason = str(error)
        if reason.startswith("untrusted"):
            raise TenderlintError("model-invalid", f"refuses {reason}") from None
        raise TenderlintError("model-invalid", f"not the pipeline tenderlint ships ({reason})") from None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        raise TenderlintError("model-invalid", f"cannot read the model ({type(error).__name__})") from None
