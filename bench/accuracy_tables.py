"""Print the tables of docs/accuracy.md: held-out beside tune, per topic, with the keyword checklist.

Usage: python bench/accuracy_tables.py [--shared ../shared] [--no-model]

Held-out documents are scored as figures only (no list of errors is printed for them). Needs the
shared documents beside the project; the CUAD table is tune only (every CUAD dev contract is tune).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tenderlint.check import Checker, CheckOptions
from tenderlint.evaluate import cuad_labels, keyword_baseline, score_set, shared_labels, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    checker = Checker(CheckOptions(use_model=not args.no_model))
    baseline = keyword_baseline(args.shared)
    labelled = shared_labels(args.shared)
    sets = {split: score_set(checker, split, [d for d in labelled if d.split == split], baseline)
            for split in ("holdout", "tune")}
    held, tune = sets["holdout"], sets["tune"]
    print(f"Shared labelled documents: {held.documents} held out, {tune.documents} tune\n")
    print("| topic | held-out P | R | F1 | checklist F1 | tune F1 | checklist F1 | held-out − tune |")
    print("|---|---|---|---|---|---|---|---|")
    for topic, s in held.tool.items():
        t = tune.tool[topic]
        print(f"| {topic} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {held.baseline[topic].f1:.2f} "
              f"| {t.f1:.2f} | {tune.baseline[topic].f1:.2f} | {s.f1 - t.f1:+.2f} |")
    print()
    print("| set | macro-F1 | micro-F1 | micro P / R | checklist macro / micro | red flags P / R / F1 (cells) |")
    print("|---|---|---|---|---|---|")
    for name, result in (("held out", held), ("tune", tune)):
        tool, base, rf = summary(result.tool), summary(result.baseline), result.red_flags
        print(f"| {name} | {tool['macro_f1']:.3f} | {tool['micro_f1']:.3f} | {tool['micro_precision']:.3f} / "
              f"{tool['micro_recall']:.3f} | {base['macro_f1']:.3f} / {base['micro_f1']:.3f} | "
              f"{rf.precision:.2f} / {rf.recall:.2f} / {rf.f1:.2f} ({result.red_flag_cells}) |")
    cuad = score_set(checker, "cuad", cuad_labels(args.shared), baseline)
    print("\nCUAD dev contracts (tune)\n")
    print("| topic | P | R | F1 | checklist F1 |")
    print("|---|---|---|---|---|")
    for topic, s in cuad.tool.items():
        print(f"| {topic} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {cuad.baseline[topic].f1:.2f} |")
    tool, base = summary(cuad.tool), summary(cuad.baseline)
    print(f"| **macro** | | | **{tool['macro_f1']:.3f}** | {base['macro_f1']:.3f} |")


if __name__ == "__main__":
    main()
