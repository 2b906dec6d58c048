"""Sentences to label by reading, and the reader's verdicts turned into judged.csv rows.

    PYTHONPATH=src python corpus/tools/review.py dump DOC [--all | --sample N] > batch.txt
    PYTHONPATH=src python corpus/tools/review.py apply DOC batch-verdicts.txt

``dump`` prints each sentence of a tune document (never a holdout one) with a number and what the
rules see in it (topics, * where they judge it substantive), for a reader to judge under
COVERAGE.md. The printout is a working file outside the repository: it holds the documents' text.
``apply`` reads the reader's verdicts, one line per sentence:
``NUMBER TOPICS FORM STANCE`` where TOPICS is ``-`` (none) or ``topic:s`` / ``topic:m`` joined by
commas (s = substantive, m = mention), FORM is ``p`` (provision) or ``b`` (background) and STANCE
``f`` / ``n`` / ``a`` (for, neutral, against the buyer); and adds them to corpus/labels/judged.csv (replacing earlier verdicts on the same sentences).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from build_sentence_labels import DOCS, LABELS, Builder, topics_near

from tenderlint.classify.standoff import SentenceLabel, read_labels, write_labels

FORM = {"p": "provision", "b": "background"}
STANCE = {"f": "for", "n": "neutral", "a": "against"}
STRENGTH = {"s": "substantive", "m": "mention"}


def chosen(builder: Builder, name: str, sample: int | None, seed: int):
    doc, sentences, norm, hits = builder.document(name)
    sentences = [s for s in sentences if len(s.text.split()) >= 3]
    if sample is None or sample >= len(sentences):
        return sentences, hits
    rng = random.Random(seed)
    with_topic = [s for s in sentences if topics_near(hits, s)]
    without = [s for s in sentences if not topics_near(hits, s)]
    take = rng.sample(with_topic, min(len(with_topic), sample * 2 // 3))
    take += rng.sample(without, min(len(without), sample - len(take)))
    return sorted(take, key=lambda s: s.start), hits


def dump(args) -> None:
    builder = Builder()
    sentences, hits = chosen(builder, args.document, args.sample, args.seed)
    for number, s in enumerate(sentences):
        seen = ",".join(sorted(topics_near(hits, s))) or "-"
        text = " ".join(s.text.split())
        print(f"{number} [{seen}] {text[:args.width]}")


def apply(args) -> None:
    builder = Builder()
    sentences, _ = chosen(builder, args.document, args.sample, args.seed)
    path = LABELS / "judged.csv"
    rows = read_labels(path) if path.is_file() else []
    added, new = 0, []
    for line in Path(args.verdicts).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        number, topics, form, stance = parts
        s = sentences[int(number)]
        labels = [("", "")] if topics == "-" else [
            (t.split(":")[0], STRENGTH[t.split(":")[1]]) for t in topics.split(",")]
        for topic, strength in labels:
            new.append(SentenceLabel(args.document, s.start, s.end, s.sha256, topic, strength,
                                      FORM[form], STANCE[stance], "judged"))
        added += 1
    replaced = {r.key for r in new}  # a verdict given again replaces the earlier one
    write_labels(path, [r for r in rows if r.key not in replaced] + new)
    print(f"{added} sentences added to {path}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("dump", "apply"))
    parser.add_argument("document", help="folder/file under ../shared/documents")
    parser.add_argument("verdicts", nargs="?")
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--width", type=int, default=260)
    args = parser.parse_args()
    if not (DOCS / args.document).is_file():
        raise SystemExit(f"no such document {args.document}")
    dump(args) if args.action == "dump" else apply(args)


if __name__ == "__main__":
    main()
