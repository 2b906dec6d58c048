"""Score document-level topic detection and red flags against labelled documents, tune vs held out.

The labelled sets live beside the project in ``../shared`` (absent on a user's machine):
- the shared tenders' labels (``documents/tenders/labels/labels.csv``) and the AI documents'
  labels (``documents/ai-dev/labels/labels.csv``): a status per topic, ``covered`` / ``weak`` /
  ``missing`` / ``red-flag``; ``documents/SPLITS.tsv`` puts each document in ``tune`` or
  ``holdout``;
- CUAD (``documents/cuad-dev/labels.csv``): expert clause labels mapped to three topics (tune);
- our own stand-off labels of 76 more shared documents on all 27 topics (``corpus/labels/tenders.csv``,
  ``ai-dev.csv``, ``cuad.csv``; tune);
- and, in the project itself, documents written for measuring by helpers who never saw the rules
  (``corpus/synthetic/round-N/``: AI vendor terms, contracts and solicitations in our own words,
  each with its labels; ``corpus/synthetic/splits.tsv`` holds whole rounds out). This set needs
  no ``../shared``.
- real public documents outside ``../shared`` (``corpus/external/``: AI vendor terms from Open
  Terms Archive, SaaS and AI product terms, US federal and British Columbia software
  solicitations): our labels (for the terms, two labellers' adjudicated) and their sources are
  in the project, the texts are not; ``--external DIR`` names a folder where they were fetched
  (``NAME.md``, checked against the recorded SHA-256).

Only the errors of ``tune`` documents are ever listed: held-out documents are read as figures.
A topic counts as *positive* when it has a substantive provision: ``covered`` or ``red-flag``
(a provision against the buyer is still a provision). The tool's prediction is positive when its
status is ``covered``. Red flags are scored per (document, topic) cell: the tool flags a cell
when it reports a red flag on that topic. The keyword checklist in ``shared/tools`` is scored
beside the tool on the same text.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from tenderlint.check import Checker, CheckOptions

CUAD_TOPICS = {
    "audit-logging": ["audit_rights"],
    "liability": ["cap_on_liability", "uncapped_liability", "insurance"],
    "ip-licensing": ["ip_ownership_assignment", "joint_ip_ownership", "license_grant"],
}
POSITIVE_LABELS = {"covered", "red-flag"}
# The label sets `tenderlint eval` can score ("synthetic" needs no ../shared, "external" needs the
# folder its texts were fetched to).
LABEL_SETS = ("shared", "cuad", "own", "synthetic", "external")
LABELLED_FOLDERS = ("tenders", "ai-dev")


@dataclass
class LabelledDocument:
    path: Path
    doc_type: str | None
    labels: dict[str, bool]  # topic -> has a substantive provision
    split: str = "tune"
    red_flags: set[str] | None = None  # topics labelled red-flag; None: the set labels no red flags


@dataclass
class TopicScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)  # "fp: file" / "fn: file"

    def add(self, gold: bool, guess: bool, name: str) -> None:
        if gold and guess:
            self.tp += 1
        elif guess:
            self.fp += 1
            self.errors.append(f"fp: {name}")
        elif gold:
            self.fn += 1
            self.errors.append(f"fn: {name}")
        else:
            self.tn += 1

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


@dataclass
class SetScore:
    """The scores of one label set: the tool and the keyword checklist per topic, and red flags."""

    name: str
    documents: int = 0
    tool: dict[str, TopicScore] = field(default_factory=dict)
    baseline: dict[str, TopicScore] = field(default_factory=dict)
    red_flags: TopicScore = field(default_factory=TopicScore)
    red_flag_cells: int = 0  # labelled red-flag cells (0 and no flags: the set labels none)
    labels_red_flags: bool = False
    # documents the tool could not check ("name (code)"): scored as finding nothing, as a user
    # who gets the error finds nothing
    unreadable: list[str] = field(default_factory=list)


def pooled(name: str, parts: list[SetScore]) -> SetScore:
    """One set made of several already scored ones, every cell counted once (no document is checked
    again): the figure over all external groups that a reader otherwise sums by hand."""
    whole = SetScore(name, sum(part.documents for part in parts))
    for part in parts:
        for attribute in ("tool", "baseline"):
            into = getattr(whole, attribute)
            for topic, score in getattr(part, attribute).items():
                into[topic] = _sum_scores(into.get(topic, TopicScore()), score)
        whole.red_flags = _sum_scores(whole.red_flags, part.red_flags)
        whole.red_flag_cells += part.red_flag_cells
        whole.labels_red_flags |= part.labels_red_flags
        whole.unreadable += part.unreadable
    return whole


def _sum_scores(a: TopicScore, b: TopicScore) -> TopicScore:
    return TopicScore(a.tp + b.tp, a.fp + b.fp, a.fn + b.fn, a.tn + b.tn, a.errors + b.errors)


# -- label sets -----------------------------------------------------------------------------------

def splits(shared: Path) -> dict[tuple[str, str], str]:
    """(folder, document) -> "tune" | "holdout" from documents/SPLITS.tsv ("*" for a whole folder)."""
    path = shared / "documents" / "SPLITS.tsv"
    if not path.exists():
        return {}
    rows = csv.DictReader(path.open(encoding="utf-8"), delimiter="\t")
    return {(row["folder"], row["document"]): row["split"] for row in rows}


def split_of(table: dict[tuple[str, str], str], folder: str, document: str) -> str:
    # A labelled document that SPLITS.tsv does not list is held out: the safe side.
    return table.get((folder, document)) or table.get((folder, "*")) or "holdout"


def shared_labels(shared: Path) -> list[LabelledDocument]:
    """The labelled shared tenders and AI documents, each with its split and red-flag cells."""
    table = splits(shared)
    docs = []
    for folder_name in LABELLED_FOLDERS:
        folder = shared / "documents" / folder_name
        labels_csv = folder / "labels" / "labels.csv"
        if not labels_csv.exists():
            continue
        for row in csv.DictReader(labels_csv.open(encoding="utf-8")):
            topics = {k: v for k, v in row.items() if k not in ("document", "doc_type")}
            docs.append(LabelledDocument(
                folder / row["document"], row.get("doc_type"),
                {k: v in POSITIVE_LABELS for k, v in topics.items()},
                split_of(table, folder_name, row["document"]),
                {k for k, v in topics.items() if v == "red-flag"},
            ))
    return docs


# Our own label files: corpus/labels/<file> labels documents of ../shared/documents/<folder>.
OWN_LABEL_FILES = {"tenders.csv": "tenders", "ai-dev.csv": "ai-dev", "cuad.csv": "cuad-dev/contracts"}


def own_labels(shared: Path, labels_csv: Path | None = None, folder: str = "tenders") -> list[LabelledDocument]:
    """The project's own stand-off labels (one file of ``OWN_LABEL_FILES``) for more shared
    documents, with their red-flag cells."""
    if labels_csv is None:
        from tenderlint.classify.corpus import corpus_dir

        labels_csv = corpus_dir() / "labels" / "tenders.csv"
    if not labels_csv.exists():
        return []
    docs: dict[str, LabelledDocument] = {}
    for row in csv.DictReader(labels_csv.open(encoding="utf-8")):
        doc = docs.setdefault(row["file"], LabelledDocument(shared / "documents" / folder / row["file"],
                                                            row.get("doc_type"), {}, "tune", set()))
        doc.labels[row["topic"]] = row["status"] in POSITIVE_LABELS
        if row["status"] == "red-flag":
            doc.red_flags.add(row["topic"])
    return list(docs.values())


def cuad_labels(shared: Path, limit: int | None = None) -> list[LabelledDocument]:
    folder = shared / "documents" / "cuad-dev"
    table = splits(shared)
    docs = []
    for row in csv.DictReader((folder / "labels.csv").open(encoding="utf-8")):
        path = folder / "contracts" / row["file"]
        if not path.exists():
            continue
        labels = {topic: any(row[c] == "Yes" for c in cats) for topic, cats in CUAD_TOPICS.items()}
        docs.append(LabelledDocument(path, "contract", labels, split_of(table, "cuad-dev", row["file"])))
        if limit and len(docs) >= limit:
            break
    return docs


# -- the keyword checklist ------------------------------------------------------------------------

def keyword_baseline(shared: Path):
    """The checklist's ``covered(text)`` from ``shared/tools/keyword_baseline.py``, or None."""
    path = shared / "tools" / "keyword_baseline.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("tenderlint_keyword_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.covered


# -- scoring --------------------------------------------------------------------------------------

def score_set(checker: Checker, name: str, docs: list[LabelledDocument], baseline=None) -> SetScore:
    """Check every document and compare each labelled topic's status (and red flags) with its label.

    The checklist reads the same extracted text as the tool (our parser's blocks), so the two
    differ in judgement, not in what text they saw.
    """
    from tenderlint.check import parse_file

    result_set = SetScore(name, len(docs))
    for doc in docs:
        parsed = parse_file(doc.path, checker.options)
        # The document type is detected, as `tenderlint check` does by default: that is how it is used.
        result = checker.check_parsed(parsed)
        if result.error:
            result_set.unreadable.append(f"{doc.path.name} ({result.error.get('code', 'error')})")
        predicted = {t.id: t.status == "covered" for t in result.topics}
        guessed_by_checklist: set[str] = set()
        if baseline is not None and not result.error:
            guessed_by_checklist = set(baseline("\n".join(b.text for b in parsed.blocks)))
        for topic, gold in doc.labels.items():
            result_set.tool.setdefault(topic, TopicScore()).add(gold, predicted.get(topic, False), doc.path.name)
            if baseline is not None:
                result_set.baseline.setdefault(topic, TopicScore()).add(gold, topic in guessed_by_checklist,
                                                                        doc.path.name)
        if doc.red_flags is not None:
            result_set.labels_red_flags = True
            flagged = {flag.topic for flag in result.red_flags}
            result_set.red_flag_cells += len(doc.red_flags)
            for topic in doc.labels:
                result_set.red_flags.add(topic in doc.red_flags, topic in flagged, f"{doc.path.name} {topic}")
    return result_set


def summary(scores: dict[str, TopicScore]) -> dict[str, float]:
    tp = sum(s.tp for s in scores.values())
    fp = sum(s.fp for s in scores.values())
    fn = sum(s.fn for s in scores.values())
    micro_p = tp / (tp + fp) if tp + fp else 1.0
    micro_r = tp / (tp + fn) if tp + fn else 1.0
    micro_f1 = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    macro_f1 = sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0
    return {"macro_f1": macro_f1, "micro_f1": micro_f1, "micro_precision": micro_p, "micro_recall": micro_r}


def format_set(result: SetScore, show_errors: bool = False) -> str:
    """A Markdown table of one set: the tool per topic, the checklist's F1 beside it, red flags."""
    has_baseline = bool(result.baseline)
    head = "| topic | P | R | F1 | tp | fp | fn |" + (" checklist F1 |" if has_baseline else "")
    lines = [f"## {result.name} ({result.documents} documents)", "", head,
             "|---|---|---|---|---|---|---|" + ("---|" if has_baseline else "")]
    for topic, s in result.tool.items():
        row = f"| {topic} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.tp} | {s.fp} | {s.fn} |"
        if has_baseline:
            row += f" {result.baseline[topic].f1:.2f} |"
        lines.append(row)
    totals = summary(result.tool)
    lines += ["", f"tool: macro-F1 {totals['macro_f1']:.3f} · micro-F1 {totals['micro_f1']:.3f} "
              f"(micro P {totals['micro_precision']:.3f}, R {totals['micro_recall']:.3f})"]
    if has_baseline:
        base = summary(result.baseline)
        lines.append(f"keyword checklist: macro-F1 {base['macro_f1']:.3f} · micro-F1 {base['micro_f1']:.3f}")
    if result.labels_red_flags:
        rf = result.red_flags
        lines.append(f"red flags ({result.red_flag_cells} labelled cells): precision {rf.precision:.2f} · "
                     f"recall {rf.recall:.2f} · F1 {rf.f1:.2f} (tp {rf.tp}, fp {rf.fp}, fn {rf.fn})")
    if result.unreadable:
        lines.append("could not be checked, scored as finding nothing: " + ", ".join(result.unreadable))
    lines.append("")
    if show_errors:
        for topic, s in result.tool.items():
            if s.errors:
                lines.append(f"- {topic}: " + "; ".join(s.errors))
        if result.red_flags.errors:
            lines.append("- red flags: " + "; ".join(result.red_flags.errors))
        lines.append("")
    return "\n".join(lines)


def synthetic_labels(folder: Path | None = None) -> list[LabelledDocument]:
    """The synthetic documents of ``corpus/synthetic`` (``round-N/NAME.md`` with ``NAME.labels.csv``
    and ``NAME.doctype``), each with its round's split from ``splits.tsv``."""
    if folder is None:
        from tenderlint.classify.corpus import corpus_dir

        folder = corpus_dir() / "synthetic"
    table_path = folder / "splits.tsv"
    if not table_path.exists():
        return []
    table = {row["round"]: row["split"] for row in csv.DictReader(table_path.open(encoding="utf-8"), delimiter="\t")}
    docs = []
    for round_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for text in sorted(round_dir.glob("*.md")):
            labels_csv = text.with_suffix(".labels.csv")
            if not labels_csv.exists():
                continue
            doc_type_file = text.with_suffix(".doctype")
            doc_type = doc_type_file.read_text(encoding="utf-8").split()[0] if doc_type_file.exists() else None
            docs.append(_status_labelled(text, doc_type, labels_csv, table.get(round_dir.name, "holdout")))
    return docs


def _status_labelled(text: Path, doc_type: str | None, labels_csv: Path, split: str) -> LabelledDocument:
    """A document labelled one row per topic (``topic,status,…``, as corpus/synthetic and
    corpus/external write them)."""
    rows = list(csv.DictReader(labels_csv.open(encoding="utf-8")))
    return LabelledDocument(text, doc_type, {r["topic"]: r["status"] in POSITIVE_LABELS for r in rows}, split,
                            {r["topic"] for r in rows if r["status"] == "red-flag"})


@dataclass
class ExternalSet:
    """The external documents found in a folder, and what could not be scored."""

    documents: list[LabelledDocument]
    groups: dict[str, str]  # document name -> its group as sources.tsv names it ("vendor-terms", …)
    absent: list[str]  # recorded documents whose text is not in the folder
    changed: list[str]  # texts whose SHA-256 differs from the recorded one (scored all the same)


def external_labels(texts: Path, folder: Path | None = None) -> ExternalSet:
    """The documents of ``corpus/external/sources.tsv`` whose text is in ``texts`` (``NAME.md``),
    each with its labels (``labels/NAME.labels.csv``) and split."""
    import hashlib

    if folder is None:
        from tenderlint.classify.corpus import corpus_dir

        folder = corpus_dir() / "external"
    docs, groups, absent, changed = [], {}, [], []
    for row in csv.DictReader((folder / "sources.tsv").open(encoding="utf-8"), delimiter="\t"):
        name = row["document"]
        groups[name] = row["group"]
        text = texts / f"{name}.md"
        if not text.is_file():
            absent.append(name)
            continue
        if hashlib.sha256(text.read_bytes()).hexdigest() != row["sha256"]:
            changed.append(name)
        docs.append(_status_labelled(text, row["doc_type"], folder / "labels" / f"{name}.labels.csv", row["split"]))
    return ExternalSet(docs, groups, absent, changed)


def labeller_ceiling(documents: list[LabelledDocument], folder: Path | None = None) -> dict[str, dict[str, float]]:
    """Each labeller of ``documents`` scored against the adjudicated labels, as the tool is
    (``corpus/external/annotators/{first,second}``): the ceiling the tool's figures read against.
    Only documents labelled twice count; empty when there are none."""
    if folder is None:
        from tenderlint.classify.corpus import corpus_dir

        folder = corpus_dir() / "external"
    scores: dict[str, dict[str, TopicScore]] = {}
    for doc in documents:
        for labeller in ("first", "second"):
            path = folder / "annotators" / labeller / f"{doc.path.stem}.labels.csv"
            if not path.is_file():
                continue
            theirs = _status_labelled(path, None, path, doc.split).labels
            for topic, gold in doc.labels.items():
                scores.setdefault(labeller, {}).setdefault(topic, TopicScore()).add(
                    gold, theirs.get(topic, False), doc.path.name)
    return {labeller: summary(topics) for labeller, topics in scores.items()}


def _ceiling_line(documents: list[LabelledDocument]) -> str:
    ceiling = labeller_ceiling(documents)
    if not ceiling:
        return ""
    parts = [f"{labeller} labeller macro-F1 {s['macro_f1']:.3f} · micro-F1 {s['micro_f1']:.3f}"
             for labeller, s in ceiling.items()]
    return "each labeller against the adjudicated labels (the human ceiling): " + "; ".join(parts) + "\n"


def run(shared: Path, use_model: bool = True, cuad_limit: int | None = None, show_errors: bool = False,
        evidence_from: tuple[str, ...] = ("rules", "model"), sets: tuple[str, ...] = LABEL_SETS,
        split_names: tuple[str, ...] = ("holdout", "tune"), checker: Checker | None = None,
        external: Path | None = None) -> str:
    """Every figure twice, on ``tune`` and on ``holdout``; errors (with ``show_errors``) of tune only."""
    checker = checker or Checker(CheckOptions(use_model=use_model, evidence_from=evidence_from))
    baseline = keyword_baseline(shared)
    out = []
    if "shared" in sets:
        labelled = shared_labels(shared)
        for split in split_names:
            docs = [d for d in labelled if d.split == split]
            name = f"Shared labelled documents, {split}"
            out.append(format_set(score_set(checker, name, docs, baseline), show_errors and split == "tune"))
    if "cuad" in sets:
        cuad = cuad_labels(shared, cuad_limit)
        for split in split_names:
            docs = [d for d in cuad if d.split == split]
            if docs:
                name = f"CUAD dev contracts (audit-logging, liability, ip-licensing), {split}"
                out.append(format_set(score_set(checker, name, docs, baseline), show_errors and split == "tune"))
    if "synthetic" in sets:
        synthetic = synthetic_labels()
        for split in split_names:
            docs = [d for d in synthetic if d.split == split]
            if docs:
                name = f"Synthetic documents written blind to the rules (corpus/synthetic), {split}"
                out.append(format_set(score_set(checker, name, docs, baseline), show_errors and split == "tune"))
    if "external" in sets and external is not None:
        found = external_labels(external)
        scored: dict[str, list[SetScore]] = {split: [] for split in split_names}
        for group in dict.fromkeys(found.groups.values()):  # (in the order sources.tsv lists them)
            for split in split_names:
                docs = [d for d in found.documents if d.split == split and found.groups[d.path.stem] == group]
                if docs:
                    name = f"External real documents ({group}, corpus/external), {split}"
                    scored[split].append(score_set(checker, name, docs, baseline))
                    out.append(format_set(scored[split][-1], show_errors and split == "tune"))
                    ceiling = _ceiling_line(docs)
                    if ceiling:
                        out.append(ceiling)
        for split, parts in scored.items():
            if len(parts) > 1:  # the per-group errors were listed above; the pooled table adds figures
                out.append(format_set(pooled(f"External real documents, all {len(parts)} groups pooled, {split}",
                                             parts)))
        if found.absent or found.changed:
            out.append(f"external: {len(found.absent)} recorded texts not in {external}"
                       + (f"; {len(found.changed)} differ from the recorded SHA-256 ({', '.join(found.changed)})"
                          if found.changed else "") + "\n")
    if "own" in sets and "tune" in split_names:
        from tenderlint.classify.corpus import corpus_dir

        for file_name, folder in OWN_LABEL_FILES.items():
            docs = own_labels(shared, corpus_dir() / "labels" / file_name, folder)
            if docs:
                name = f"Shared {folder} documents, our own stand-off labels (tune)"
                out.append(format_set(score_set(checker, name, docs, baseline), show_errors))
    return "\n".join(out)
