"""Read the labelled training passages in ``corpus/passages/*.jsonl``.

Each line is ``{"text", "topics": [...], "register", "kind": positive|hard-negative|boilerplate}``
(see corpus/README.md). Passages are written by the project, never copied from documents.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from tenderlint.errors import TenderlintError

KINDS = ("positive", "hard-negative", "boilerplate")


@dataclass(frozen=True)
class Passage:
    text: str
    topics: tuple[str, ...]
    register: str
    kind: str
    source: str  # file:line


def corpus_dir() -> Path:
    """The corpus folder of a source checkout (the corpus is not shipped in the wheel)."""
    here = Path(__file__).resolve()
    for base in here.parents:
        if (base / "corpus" / "passages").is_dir():
            return base / "corpus"
    raise TenderlintError("usage", "no corpus/passages folder found (training needs a source checkout)")


def load_passages(folder: Path, topic_ids: list[str]) -> list[Passage]:
    """All passages under ``folder`` (sorted files, file order), validated against ``topic_ids``."""
    known = set(topic_ids)
    passages: list[Passage] = []
    seen: set[str] = set()
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise TenderlintError("usage", f"{folder}: no *.jsonl passage files")
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                item = json.loads(line)
                text = " ".join(str(item["text"]).split())
                topics = tuple(item.get("topics", []))
                kind = item.get("kind", "positive" if topics else "boilerplate")
                register = str(item.get("register", "unknown"))
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise TenderlintError("usage", f"corpus {where}: malformed passage ({error})") from None
            unknown = set(topics) - known
            if unknown:
                raise TenderlintError("usage", f"corpus {where}: unknown topic {sorted(unknown)[0]!r}")
            if kind not in KINDS:
                raise TenderlintError("usage", f"corpus {where}: kind must be one of {', '.join(KINDS)}")
            key = text.lower()
            if not text or key in seen:
                continue  # duplicates would leak between cross-validation folds
            seen.add(key)
            passages.append(Passage(text, topics, register, kind, where))
    return passages


def corpus_hash(passages: list[Passage]) -> str:
    digest = hashlib.sha256()
    for p in passages:
        digest.update(json.dumps([p.text, sorted(p.topics)]).encode())
    return digest.hexdigest()
