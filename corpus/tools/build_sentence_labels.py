"""Build corpus/labels/sentences.csv: stand-off sentence labels on the shared real documents.

Run from the project root with ../shared present:
    PYTHONPATH=src python corpus/tools/build_sentence_labels.py [--dump-review FOLDER]

Three sources, merged with the higher one winning for a sentence (see corpus/README.md):
1. ``judged``: corpus/labels/judged.csv, sentences labelled by reading them (same columns);
2. ``quote``: the evidence quotes of the shared documents' own labels (tune documents only),
   located in the parsed text; the sentence(s) holding a quote get the topic and the strength of
   the document-level label (addressed -> substantive, mentioned -> mention);
3. ``cuad``: CUAD's expert clause spans in cuad-dev/master_clauses_dev.csv, located in the parsed
   contracts, mapped to topics by CUAD_TOPICS; spans of the categories in CUAD_NEGATIVE give
   no-topic sentences (hard negatives from the same contracts) where the rules see no topic either.

Documents split ``holdout`` in SPLITS.tsv are refused outright. Nothing of the documents' text is
written: only spans, hashes and labels.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from tenderlint.classify.standoff import SentenceLabel, split_sentences, write_labels
from tenderlint.parsers import parse

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT.parent / "shared" / "documents"
LABELS = ROOT / "corpus" / "labels"

# CUAD category (column of master_clauses_dev.csv) -> our topic, under ../shared/COVERAGE.md.
CUAD_TOPICS = {
    "Audit Rights": "audit-logging",
    "Cap On Liability": "liability",
    "Uncapped Liability": "liability",
    "Insurance": "liability",
    "Ip Ownership Assignment": "ip-licensing",
    "Joint Ip Ownership": "ip-licensing",
    "License Grant": "ip-licensing",
    "Non-Transferable License": "ip-licensing",
    "Affiliate License-Licensor": "ip-licensing",
    "Affiliate License-Licensee": "ip-licensing",
    "Unlimited/All-You-Can-Eat-License": "ip-licensing",
    "Irrevocable Or Perpetual License": "ip-licensing",
    "Source Code Escrow": "ip-licensing",
    "Warranty Duration": "maintenance-updates",
    "Most Favored Nation": "pricing",
    "Price Restrictions": "pricing",
    "Revenue/Profit Sharing": "pricing",
}
# Post-termination services are split by what the span does: handover and wind-down assistance is
# exit-transition, return or destruction of material is decommissioning; the rest (payments and
# sell-off periods after termination) is none of our topics and is left out.
POST_TERMINATION = "Post-Termination Services"
EXIT_WORDS = re.compile(r"transition|wind[- ]?down|transfer|migrat|hand ?over|assist|continu", re.I)
DELETE_WORDS = re.compile(r"return|destr|delet|erase|dispos", re.I)
# Categories that are none of our 27 topics: their sentences are negatives (when the rules see no
# topic there either). "form" says whether such a span is a provision or background.
CUAD_NEGATIVE = {
    "Document Name": "background", "Parties": "background", "Agreement Date": "background",
    "Effective Date": "background", "Governing Law": "provision", "Non-Compete": "provision",
    "Exclusivity": "provision", "No-Solicit Of Customers": "provision", "No-Solicit Of Employees": "provision",
    "Non-Disparagement": "provision", "Termination For Convenience": "provision",
    "Rofr/Rofo/Rofn": "provision", "Change Of Control": "provision", "Anti-Assignment": "provision",
    "Competitive Restriction Exception": "provision", "Notice Period To Terminate Renewal": "provision",
    "Third Party Beneficiary": "provision",
}
# Left out entirely (neither topic nor negative): Expiration Date, Renewal Term (pricing names
# "renewal terms", a term extension is not), Volume Restriction, Liquidated Damages and Covenant
# Not To Sue (each borders liability or ip-licensing), Minimum Commitment (purchase volumes, not the
# price model).

# CUAD's document-level labels (cuad-dev/labels.csv) say when a contract has none of a topic's
# categories: a sentence the rules take for that topic there is then at most a mention.
CUAD_DOCUMENT_NEGATIVE = {
    "audit-logging": ("audit_rights",),
    "ip-licensing": ("ip_ownership_assignment", "joint_ip_ownership", "license_grant"),
}

LABEL_STRENGTH = {"addressed": "substantive", "mentioned": "mention"}
PRIORITY = {"judged": 3, "quote": 2, "cuad": 1}


def splits() -> dict[str, str]:
    table = {}
    with (DOCS / "SPLITS.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            table[f"{row['folder']}/{row['document']}"] = row["split"]
    return table


def holdout_documents() -> set[str]:
    return {name for name, split in splits().items() if split == "holdout"}


def normalise(text: str) -> tuple[str, list[int]]:
    """Text with runs of whitespace as one space and curly quotes straightened, and the source
    index of each character kept."""
    out, index = [], []
    space = False
    for i, ch in enumerate(text):
        ch = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}.get(ch, ch)
        if ch.isspace():
            if not space and out:
                out.append(" ")
                index.append(i)
            space = True
            continue
        space = False
        out.append(ch.lower())
        index.append(i)
    return "".join(out), index


def locate(haystack: tuple[str, list[int]], needle: str) -> list[tuple[int, int]]:
    """Spans of ``needle`` in the original text (whitespace- and quote-insensitive)."""
    text, index = haystack
    key = normalise(needle)[0].strip()
    if len(key) < 12:
        return []
    spans, at = [], text.find(key)
    while at >= 0:
        spans.append((index[at], index[at + len(key) - 1] + 1))
        at = text.find(key, at + 1)
    return spans


def covering(sentences, span: tuple[int, int], share: float = 0.5):
    """Sentences of which at least ``share`` lies inside ``span``, or which hold the span."""
    a, b = span
    for s in sentences:
        overlap = min(b, s.end) - max(a, s.start)
        if overlap > 0 and (overlap >= share * (s.end - s.start) or (s.start <= a and b <= s.end)):
            yield s


def rule_topics(checker, document) -> dict[tuple[int, int], set[str]]:
    """(start, end) of each sentence span the rules hold evidence for -> its topics."""
    findings = checker.rules.find(document)
    hits = defaultdict(set)
    for topic, evs in findings.evidence.items():
        for ev in evs:
            hits[(ev.start, ev.end)].add(topic)
    return hits


def topics_near(hits, sentence) -> set[str]:
    found = set()
    for (a, b), topics in hits.items():
        if a < sentence.end and sentence.start < b:
            found |= topics
    return found


class Builder:
    def __init__(self):
        from tenderlint.check import Checker, CheckOptions

        self.checker = Checker(CheckOptions(use_model=False))
        self.rows: dict[tuple, SentenceLabel] = {}
        self.cache: dict[str, tuple] = {}
        self.holdout = holdout_documents()

    def document(self, name: str):
        if name in self.holdout:
            raise SystemExit(f"refusing holdout document {name}")
        if name not in self.cache:
            doc = parse(DOCS / name)
            self.cache[name] = (doc, split_sentences(doc), normalise(doc.text), rule_topics(self.checker, doc))
        return self.cache[name]

    def add(self, name, sentence, topic, strength, form, stance, source) -> None:
        key = (name, sentence.start, sentence.end, topic)
        old = self.rows.get(key)
        if old is not None and PRIORITY[old.source] >= PRIORITY[source]:
            return
        self.rows[key] = SentenceLabel(name, sentence.start, sentence.end, sentence.sha256, topic,
                                       strength if topic else "", form, stance, source)

    # -- CUAD ---------------------------------------------------------------------------------
    def cuad(self) -> Counter:
        counts = Counter()
        csv.field_size_limit(10**9)
        with (DOCS / "cuad-dev" / "master_clauses_dev.csv").open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        with (DOCS / "cuad-dev" / "labels.csv").open(encoding="utf-8") as handle:
            document_labels = {r["file"]: r for r in csv.DictReader(handle)}
        for row in rows:
            name = f"cuad-dev/contracts/{row['file']}"
            doc, sentences, norm, hits = self.document(name)
            positive: set[tuple[int, int]] = set()
            negative: dict[tuple[int, int], str] = {}
            touched: set[tuple[int, int]] = set()  # every sentence of any CUAD span
            for category, cell in row.items():
                if category in ("file", "Filename") or category.endswith("Answer") or cell in ("", "[]"):
                    continue
                try:
                    pieces = [p for clause in ast.literal_eval(cell) for p in clause.split("<omitted>")]
                except (ValueError, SyntaxError):
                    continue
                for piece in pieces:
                    for span in locate(norm, piece):
                        for s in covering(sentences, span):
                            touched.add((s.start, s.end))
                            topic = CUAD_TOPICS.get(category)
                            if category == POST_TERMINATION:
                                topic = ("decommissioning" if DELETE_WORDS.search(s.text)
                                         else "exit-transition" if EXIT_WORDS.search(s.text) else None)
                            if topic:
                                self.add(name, s, topic, "substantive", "provision", "", "cuad")
                                positive.add((s.start, s.end))
                                counts[f"{topic} (cuad)"] += 1
                            elif category in CUAD_NEGATIVE:
                                # The span's form describes the sentence only when it is most of it
                                # (a party's name inside an obligation says nothing of its form).
                                inside = min(span[1], s.end) - max(span[0], s.start)
                                form = CUAD_NEGATIVE[category] if inside >= 0.5 * (s.end - s.start) else ""
                                if negative.get((s.start, s.end)) != "provision":
                                    negative[(s.start, s.end)] = form
            by_span = {(s.start, s.end): s for s in sentences}
            for span, form in negative.items():
                s = by_span[span]
                if span in positive or topics_near(hits, s) or len(s.text.split()) < 4:
                    continue
                self.add(name, s, "", "", form, "", "cuad")
                counts["none (cuad)"] += 1
            labels = document_labels[row["file"]]
            for topic, columns in CUAD_DOCUMENT_NEGATIVE.items():
                if any(labels[c] == "Yes" for c in columns):
                    continue
                for s in sentences:
                    if (s.start, s.end) not in touched and topic in topics_near(hits, s):
                        self.add(name, s, topic, "mention", "", "", "cuad")
                        counts[f"{topic} mention (cuad document label No)"] += 1
        return counts

    # -- the shared labels' evidence quotes -------------------------------------------------
    def quotes(self) -> Counter:
        counts = Counter()
        table = splits()
        for name, split in sorted(table.items()):
            if split != "tune" or "*" in name:
                continue
            folder, file = name.split("/")
            label_file = DOCS / folder / "labels" / f"{file}.json"
            if not label_file.is_file():
                continue
            labels = json.loads(label_file.read_text(encoding="utf-8"))
            doc, sentences, norm, hits = self.document(name)
            for topic, item in labels["topics"].items():
                strength = LABEL_STRENGTH.get(item["label"])
                if strength is None:
                    continue
                for evidence in item.get("evidence", []):
                    spans = locate(norm, evidence["quote"])
                    if not spans:
                        counts["quote not found"] += 1
                        continue
                    for s in covering(sentences, spans[0], share=0.3):
                        self.add(name, s, topic, strength, "provision" if strength == "substantive" else "", "", "quote")
                        counts[f"{topic} (quote)"] += 1
        return counts

    # -- the judged rows ------------------------------------------------------------------------
    def judged(self) -> Counter:
        from tenderlint.classify.standoff import read_labels

        counts = Counter()
        path = LABELS / "judged.csv"
        if not path.is_file():
            return counts
        for row in read_labels(path):
            if row.document in self.holdout:
                raise SystemExit(f"refusing holdout document {row.document}")
            key = (row.document, row.start, row.end, row.topic)
            # A judged sentence replaces every other source's rows for the same sentence.
            for other in [k for k in self.rows if k[:3] == key[:3] and self.rows[k].source != "judged"]:
                del self.rows[other]
            self.rows[key] = row
            counts[f"{row.topic or 'none'} (judged)"] += 1
        return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    if not DOCS.is_dir():
        print(f"error[usage]: {DOCS}: the shared documents are needed to build the labels", file=sys.stderr)
        return 2
    builder = Builder()
    counts = builder.cuad() + builder.quotes() + builder.judged()
    rows = list(builder.rows.values())
    write_labels(LABELS / "sentences.csv", rows)
    sentences = {r.key for r in rows}
    print(f"{len(rows)} rows, {len(sentences)} sentences, {len({r.document for r in rows})} documents")
    for key, n in sorted(counts.items()):
        print(f"  {key}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
