"""Stand-off sentence labels on real documents: where a labelled sentence is, and its text back.

``corpus/labels/sentences.csv`` labels sentences of the shared real documents without storing
their text. A row names the document (``folder/file`` under ``../shared/documents``), the
sentence's character span ``[start, end)`` in ``Document.text`` as tenderlint's parser builds it
(the blocks' texts joined by blank lines, see document.py: the same offsets ``Evidence.start`` and
``Evidence.end`` use), the sha256 of that span's text, and its labels. Training reads the text back
through the parser and checks the hash, so a parser that now extracts other text is caught rather
than silently training on the wrong words (see corpus/README.md).

Sentences are split as the rules engine splits them: every block except headers and footers, on its
own, by the project's spaCy pipeline (blank English + sentencizer), trimmed of surrounding spaces.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tenderlint.errors import TenderlintError

FIELDS = ("document", "start", "end", "sha256", "topic", "strength", "form", "stance", "source")
STRENGTHS = ("substantive", "mention")
FORMS = ("provision", "background")
STANCES = ("for", "neutral", "against")


@dataclass(frozen=True)
class SentenceSpan:
    """One sentence of a parsed document: its span in ``Document.text`` and its text."""

    start: int
    end: int
    text: str

    @property
    def sha256(self) -> str:
        return text_hash(self.text)


@dataclass(frozen=True)
class SentenceLabel:
    """One row of sentences.csv: a sentence and one topic (or none) with its labels.

    ``strength`` is for the topic (empty when ``topic`` is empty); ``form`` and ``stance`` are
    about the sentence whatever its topic, empty where the source did not judge them.
    """

    document: str
    start: int
    end: int
    sha256: str
    topic: str
    strength: str
    form: str
    stance: str
    source: str

    @property
    def key(self) -> tuple[str, int, int]:
        return self.document, self.start, self.end


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_sentences(document) -> list[SentenceSpan]:
    """The sentences of a parsed ``Document`` with their spans in ``document.text``."""
    from tenderlint.nlp import get_pipeline

    nlp = get_pipeline()
    blocks = [b for b in document.blocks if b.kind != "header_footer" and b.text.strip()]
    spans: list[SentenceSpan] = []
    for block, doc in zip(blocks, nlp.pipe(b.text for b in blocks)):
        for sent in doc.sents:
            raw = sent.text
            text = raw.strip()
            if not text:
                continue
            start = block.start + sent.start_char + (len(raw) - len(raw.lstrip()))
            spans.append(SentenceSpan(start, start + len(text), text))
    return spans


def read_labels(path: Path, topic_ids: list[str] | None = None) -> list[SentenceLabel]:
    """The rows of a sentences.csv, validated (topics, strengths, forms, stances, spans)."""
    known = set(topic_ids) if topic_ids is not None else None
    rows: list[SentenceLabel] = []
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise TenderlintError("usage", f"{path}: cannot read the sentence labels ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != FIELDS:
            raise TenderlintError("usage", f"{path}: the columns must be {', '.join(FIELDS)}")
        for number, row in enumerate(reader, 2):
            where = f"{path.name}:{number}"
            try:
                label = SentenceLabel(row["document"], int(row["start"]), int(row["end"]), row["sha256"],
                                      row["topic"], row["strength"], row["form"], row["stance"], row["source"])
            except (TypeError, ValueError):
                raise TenderlintError("usage", f"{where}: start and end must be whole numbers") from None
            if not 0 <= label.start < label.end or len(label.sha256) != 64:
                raise TenderlintError("usage", f"{where}: bad span or sha256")
            if label.topic and known is not None and label.topic not in known:
                raise TenderlintError("usage", f"{where}: unknown topic {label.topic!r}")
            if label.topic and label.strength not in STRENGTHS:
                raise TenderlintError("usage", f"{where}: strength must be one of {', '.join(STRENGTHS)}")
            if label.form not in ("", *FORMS) or label.stance not in ("", *STANCES):
                raise TenderlintError("usage", f"{where}: unknown form or stance")
            rows.append(label)
    return rows


def write_labels(path: Path, rows: list[SentenceLabel]) -> None:
    rows = sorted(rows, key=lambda r: (r.document, r.start, r.end, r.topic))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FIELDS)
        for r in rows:
            writer.writerow([r.document, r.start, r.end, r.sha256, r.topic, r.strength, r.form, r.stance, r.source])


@dataclass
class ResolvedSentences:
    """The labelled sentences whose text was read back, and what could not be."""

    texts: dict[tuple[str, int, int], str]  # (document, start, end) -> the sentence's text
    stale: list[tuple[str, int, int]]  # the hash no longer matches what the parser extracts
    missing_documents: list[str]


def resolve(rows: list[SentenceLabel], documents_dir: Path) -> ResolvedSentences:
    """Read every labelled sentence back from the documents under ``documents_dir``, checking hashes."""
    from tenderlint.parsers import parse

    texts: dict[tuple[str, int, int], str] = {}
    stale: list[tuple[str, int, int]] = []
    missing: list[str] = []
    by_document: dict[str, list[SentenceLabel]] = {}
    for row in rows:
        by_document.setdefault(row.document, []).append(row)
    for name in sorted(by_document):
        path = documents_dir / name
        if not path.is_file():
            missing.append(name)
            continue
        text = parse(path).text
        for row in by_document[name]:
            if row.key in texts:
                continue
            piece = text[row.start:row.end]
            if text_hash(piece) == row.sha256:
                texts[row.key] = piece
            elif row.key not in stale:
                stale.append(row.key)
    return ResolvedSentences(texts, stale, missing)


@dataclass
class LabelledSentences:
    """The stand-off labels read back into training examples, one per sentence."""

    texts: list[str]
    topics: list[tuple[str, ...]]  # topics the sentence is a substantive provision on
    forms: list[str]  # provision | background | "" (not judged)
    stances: list[str]  # for | neutral | against | "" (not judged)
    groups: list[str]  # the document each sentence comes from (cross-validation groups)
    sources: list[str]
    summary: dict  # for the model card


def labels_file(corpus: Path) -> Path:
    return corpus / "labels" / "sentences.csv"


def holdout_documents(documents_dir: Path) -> set[str]:
    """``folder/file`` of every document SPLITS.tsv keeps for evaluation only."""
    splits = documents_dir / "SPLITS.tsv"
    if not splits.is_file():
        return set()
    with splits.open(encoding="utf-8") as handle:
        return {f"{row['folder']}/{row['document']}" for row in csv.DictReader(handle, delimiter="\t")
                if row.get("split") == "holdout"}


def load_labelled_sentences(corpus: Path, documents_dir: Path, topic_ids: list[str],
                            skip_texts: set[str] = frozenset()) -> LabelledSentences:
    """Every labelled sentence of ``corpus/labels/sentences.csv``, its text read from ``documents_dir``.

    Sentences whose hash no longer matches (the parser changed) are left out and counted; a row on
    a held-out document stops training. Sentences whose text repeats one already taken, or one in
    ``skip_texts`` (lower-cased, spaces collapsed), are taken once, so no text sits on both sides
    of a cross-validation split.
    """
    path = labels_file(corpus)
    rows = read_labels(path, topic_ids)
    holdout = holdout_documents(documents_dir)
    forbidden = sorted({r.document for r in rows} & holdout)
    if forbidden:
        raise TenderlintError("usage", f"{path}: labels on held-out document(s) {', '.join(forbidden)}")
    resolved = resolve(rows, documents_dir)
    by_key: dict[tuple[str, int, int], list[SentenceLabel]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    out = LabelledSentences([], [], [], [], [], [], {})
    seen = set(skip_texts)
    repeated = 0
    for key, group in by_key.items():
        text = resolved.texts.get(key)
        if text is None:
            continue
        norm = " ".join(text.lower().split())
        if norm in seen:
            repeated += 1
            continue
        seen.add(norm)
        out.texts.append(text)
        out.topics.append(tuple(sorted({r.topic for r in group if r.topic and r.strength == "substantive"})))
        out.forms.append(next((r.form for r in group if r.form), ""))
        out.stances.append(next((r.stance for r in group if r.stance), ""))
        out.groups.append(key[0])
        out.sources.append(group[0].source)
    digest = hashlib.sha256()
    for text, topics, form, stance, group in zip(out.texts, out.topics, out.forms, out.stances, out.groups):
        digest.update(json.dumps([group, text, list(topics), form, stance]).encode())
    out.summary = {
        "labels_file": "corpus/labels/sentences.csv",
        "labels_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "sentences_sha256": digest.hexdigest(),
        "rows": len(rows),
        "sentences": len(out.texts),
        "documents": len(set(out.groups)),
        "stale": len(resolved.stale),
        "missing_documents": resolved.missing_documents,
        "repeated_texts_left_out": repeated,
        "with_topic": sum(1 for t in out.topics if t),
        "with_form": sum(1 for f in out.forms if f),
        "with_stance": sum(1 for s in out.stances if s),
    }
    return out
