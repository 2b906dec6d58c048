"""Ablation: rules alone vs classifier alone vs the shipped combination, per topic.

(a) passage level, on the corpus: the rules judge each passage on its own; the classifier's
    probabilities are out-of-fold (k-fold cross-validation, as `tenderlint train` does);
    "combined" is what `check` does — rule coverage, plus model evidence where the rules at
    least mention the topic and the probability reaches the topic's threshold.
(b), (c) document level, on CUAD and the labelled shared tenders: `tenderlint eval
    --evidence rules|model|combined` (run separately; this script prints (a)).

    python bench/ablation.py [--folds 5] [--demote-below 0.02]

``--demote-below P`` also scores the variant the check no longer has: a rule hit whose model
probability is below P counts only as a mention (docs/accuracy.md: it lost on every set).
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from tenderlint.classify.corpus import corpus_dir, load_passages
from tenderlint.classify.predict import NO_MODEL_EVIDENCE
from tenderlint.classify.train import label_matrix, out_of_fold_probabilities, precision_recall_f1
from tenderlint.resources import models_dir
from tenderlint.rules.engine import compile_rules, judge_text
from tenderlint.rules.loader import load_rule_pack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--demote-below", type=float, default=None,
                        help="also score demoting rule hits whose model probability is below this")
    args = parser.parse_args()
    pack = load_rule_pack()
    topics = pack.topic_ids
    passages = load_passages(corpus_dir() / "passages", topics)
    texts = [p.text for p in passages]
    gold = label_matrix(passages, topics).astype(bool)
    compiled = compile_rules(pack)
    rules = np.zeros_like(gold)
    mentioned = np.zeros_like(gold)
    index = {t: i for i, t in enumerate(topics)}
    for row, text in enumerate(texts):
        covered, mentions, _flags = judge_text(compiled, text)
        for t in covered:
            rules[row, index[t]] = True
        for t in covered | mentions:
            mentioned[row, index[t]] = True
    thresholds = json.loads((models_dir() / "card.json").read_text())["thresholds"]
    probs = out_of_fold_probabilities(texts, gold.astype(np.int8), args.seed, args.folds)
    model = probs >= np.array([thresholds[t] for t in topics])
    allowed = np.array([t not in NO_MODEL_EVIDENCE for t in topics])
    combined = rules | (model & mentioned & allowed)
    print(f"Passage level, {len(passages)} corpus passages, {args.folds}-fold out-of-fold model probabilities\n")
    print("| topic | rules F1 | model F1 | combined F1 | rules P/R | combined P/R |")
    print("|---|---|---|---|---|---|")
    sums = np.zeros(3)
    for i, t in enumerate(topics):
        r = precision_recall_f1(gold[:, i], rules[:, i])
        m = precision_recall_f1(gold[:, i], model[:, i])
        c = precision_recall_f1(gold[:, i], combined[:, i])
        sums += [r[2], m[2], c[2]]
        print(f"| {t} | {r[2]:.2f} | {m[2]:.2f} | {c[2]:.2f} | {r[0]:.2f}/{r[1]:.2f} | {c[0]:.2f}/{c[1]:.2f} |")
    n = len(topics)
    print(f"| **macro** | **{sums[0] / n:.3f}** | **{sums[1] / n:.3f}** | **{sums[2] / n:.3f}** | | |")
    variants = [("rules", rules), ("model", model), ("combined", combined)]
    if args.demote_below is not None:
        demoted = (rules & (probs >= args.demote_below)) | (model & mentioned & allowed)
        macro = sum(precision_recall_f1(gold[:, i], demoted[:, i])[2] for i in range(n)) / n
        print(f"combined with demotion below {args.demote_below:g}: macro-F1 {macro:.3f}")
        variants.append((f"combined, demote < {args.demote_below:g}", demoted))
    for label, guess in variants:
        p, r, f = precision_recall_f1(gold, guess)
        print(f"micro {label}: P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
