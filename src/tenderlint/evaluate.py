"""Score document-level topic detection against labelled documents.

Two label sets ship beside the project (in ``../shared``, absent on a user's machine):
- the tenders' stand-off labels (``documents/tenders/labels/labels.csv``): a status per topic;
- CUAD (``documents/cuad-dev/labels.csv``): expert clause labels, mapped to three topics.

A topic counts as *positive* when it has a substantive provision: labelled ``covered`` or
``red-flag`` (a provision against the buyer is still a provision). The tool's prediction is
positive when its status is ``covered``. Per-topic precision, recall and F1, their macro
average, and micro-F1 are reported.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from tenderlint.check import Checker, CheckOptions

CUAD_TOPICS = {
    "audit-logging": ["audit_rights"],
    "liability": ["cap_on_liability", "uncapped_liability", "insurance"],
    "ip-licensing": ["ip_ownership_assignment", "joint_ip_ownership", "license_grant"],
}
POSITIVE_LABELS = {"covered", "red-flag"}


@dataclass
class LabelledDocument:
    path: Path
    doc_type: str | None
    labels: dict[str, bool]  # topic -> has a substantive provision


@dataclass
class TopicScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)  # "fp: file" / "fn: file"

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def tender_labels(shared: Path) -> list[LabelledDocument]:
    folder = shared / "documents" / "tenders"
    rows = list(csv.DictReader((folder / "labels" / "labels.csv").open(encoding="utf-8")))
    docs = []
    for row in rows:
        labels = {k: v in POSITIVE_LABELS for k, v in row.items() if k not in ("document", "doc_type")}
        docs.append(LabelledDocument(folder / row["document"], row.get("doc_type"), labels))
    return docs


def own_labels(shared: Path, labels_csv: Path | None = None) -> list[LabelledDocument]:
    """The project's own stand-off labels (corpus/labels/tenders.csv) for more shared tenders."""
    if labels_csv is None:
        from tenderlint.classify.corpus import corpus_dir

        labels_csv = corpus_dir() / "labels" / "tenders.csv"
    docs: dict[str, LabelledDocument] = {}
    for row in csv.DictReader(labels_csv.open(encoding="utf-8")):
        doc = docs.setdefault(row["file"], LabelledDocument(shared / "documents" / "tenders" / row["file"],
                                                            row.get("doc_type"), {}))
        doc.labels[row["topic"]] = row["status"] in POSITIVE_LABELS
    return list(docs.values())


def cuad_labels(shared: Path, limit: int | None = None) -> list[LabelledDocument]:
    folder = shared / "documents" / "cuad-dev"
    docs = []
    for row in csv.DictReader((folder / "labels.csv").open(encoding="utf-8")):
        path = folder / "contracts" / row["file"]
        if not path.exists():
            continue
        labels = {topic: any(row[c] == "Yes" for c in cats) for topic, cats in CUAD_TOPICS.items()}
        docs.append(LabelledDocument(path, "contract", labels))
        if limit and len(docs) >= limit:
            break
    return docs


def score(checker: Checker, docs: list[LabelledDocument], use_doc_type: bool = False) -> dict[str, TopicScore]:
    """Check every document and compare each labelled topic's status with its label."""
    scores: dict[str, TopicScore] = {}
    for doc in docs:
        result = checker.check_file(doc.path)
        if result.error:
            raise RuntimeError(f"{doc.path}: {result.error}")
        predicted = {t.id: t.status == "covered" for t in result.topics}
        for topic, gold in doc.labels.items():
            s = scores.setdefault(topic, TopicScore())
            guess = predicted.get(topic, False)
            if gold and guess:
                s.tp += 1
            elif guess:
                s.fp += 1
                s.errors.append(f"fp: {doc.path.name}")
            elif gold:
                s.fn += 1
                s.errors.append(f"fn: {doc.path.name}")
            else:
                s.tn += 1
    return scores


def summary(scores: dict[str, TopicScore]) -> dict[str, float]:
    tp = sum(s.tp for s in scores.values())
    fp = sum(s.fp for s in scores.values())
    fn = sum(s.fn for s in scores.values())
    micro_p = tp / (tp + fp) if tp + fp else 1.0
    micro_r = tp / (tp + fn) if tp + fn else 1.0
    micro_f1 = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    macro_f1 = sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0
    return {"macro_f1": macro_f1, "micro_f1": micro_f1, "micro_precision": micro_p, "micro_recall": micro_r}


def format_table(title: str, scores: dict[str, TopicScore], show_errors: bool = False) -> str:
    lines = [f"## {title}", "", "| topic | P | R | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for topic, s in scores.items():
        lines.append(f"| {topic} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.tp} | {s.fp} | {s.fn} |")
    totals = summary(scores)
    lines += ["", f"macro-F1 {totals['macro_f1']:.3f} · micro-F1 {totals['micro_f1']:.3f} "
              f"(micro P {totals['micro_precision']:.3f}, R {totals['micro_recall']:.3f})", ""]
    if show_errors:
        for topic, s in scores.items():
            if s.errors:
                lines.append(f"- {topic}: " + "; ".join(s.errors))
        lines.append("")
    return "\n".join(lines)


def run(shared: Path, use_model: bool = True, cuad_limit: int | None = None, show_errors: bool = False,
        evidence_from: tuple[str, ...] = ("rules", "model")) -> str:
    checker = Checker(CheckOptions(use_model=use_model, evidence_from=evidence_from))
    out = [format_table("CUAD dev contracts (audit-logging, liability, ip-licensing)",
                        score(checker, cuad_labels(shared, cuad_limit)), show_errors)]
    out.append(format_table("Shared tenders, reviewer labels (10 documents, all topics)",
                            score(checker, tender_labels(shared)), show_errors))
    out.append(format_table("Shared tenders, our own stand-off labels (corpus/labels, 6 documents)",
                            score(checker, own_labels(shared)), show_errors))
    return "\n".join(out)
