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
