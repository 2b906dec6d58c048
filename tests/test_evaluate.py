"""`tenderlint eval`: every figure on tune and on held-out documents, errors of tune only."""

from __future__ import annotations

import pytest

from tenderlint.evaluate import SetScore, TopicScore, format_set, shared_labels, split_of, splits


def test_split_of_reads_the_folder_wildcard_and_holds_out_what_is_not_listed():
    table = {("tenders", "a.md"): "tune", ("cuad-dev", "*"): "tune", ("ai-dev", "b.md"): "holdout"}
    assert split_of(table, "tenders", "a.md") == "tune"
    assert split_of(table, "cuad-dev", "any.txt") == "tune"
    assert split_of(table, "ai-dev", "b.md") == "holdout"
    assert split_of(table, "ai-dev", "unlisted.md") == "holdout"  # the safe side


def test_format_set_lists_errors_only_when_asked_and_scores_red_flags():
    result = SetScore("Shared labelled documents, tune", documents=2, labels_red_flags=True, red_flag_cells=2)
    result.tool["privacy"] = TopicScore()
    result.tool["privacy"].add(True, False, "a.md")
    result.tool["privacy"].add(True, True, "b.md")
    result.red_flags.add(True, True, "a.md liability")
    result.red_flags.add(True, False, "b.md pricing")
    quiet = format_set(result)
    assert "fn: a.md" not in quiet
    assert "red flags (2 labelled cells): precision 1.00 · recall 0.50 · F1 0.67" in quiet
    listed = format_set(result, show_errors=True)
    assert "- privacy: fn: a.md" in listed and "- red flags: fn: b.md pricing" in listed


@pytest.mark.shared
def test_shared_labels_follow_splits_tsv(shared_dir):
    table = splits(shared_dir)
    docs = shared_labels(shared_dir)
    assert docs and {d.split for d in docs} == {"tune", "holdout"}
    for doc in docs:
        assert doc.split == table[(doc.path.parent.name, doc.path.name)]
        assert doc.red_flags is not None and doc.red_flags <= {t for t, positive in doc.labels.items() if positive}


def test_a_partial_shared_folder_is_named_not_used(tmp_path):
    """The shared_dir fixture skips (naming what is missing) when ../shared is only partly there."""
    from conftest import SHARED_PARTS, missing_shared_parts

    (tmp_path / "documents" / "tenders").mkdir(parents=True)
    (tmp_path / "documents" / "SPLITS.tsv").write_text("document\tfolder\tsplit\n")
    assert missing_shared_parts(tmp_path) == ["documents/ai-dev", "documents/cuad-dev", "ocds"]
    for part in SHARED_PARTS[2:]:
        (tmp_path / part).mkdir(parents=True)
    assert missing_shared_parts(tmp_path) == []


def test_synthetic_documents_carry_a_label_for_every_topic_and_their_rounds_split():
    from tenderlint.classify.corpus import corpus_dir
    from tenderlint.evaluate import synthetic_labels
    from tenderlint.rules.loader import load_rule_pack

    topics = set(load_rule_pack().rules)
    docs = synthetic_labels()
    assert len(docs) >= 18
    for doc in docs:
        assert set(doc.labels) == topics, doc.path.name
        assert doc.doc_type in ("rfp", "contract"), doc.path.name
        assert doc.red_flags <= topics
    splits = {d.path.parent.name: d.split for d in docs}
    assert splits["round-1"] == "tune" and splits["round-3"] == "holdout"
    statuses = {row.split(",")[1] for p in (corpus_dir() / "synthetic").glob("round-*/*.labels.csv")
                for row in p.read_text(encoding="utf-8").splitlines()[1:]}
    assert statuses <= {"covered", "weak", "missing", "red-flag"}


def test_eval_scores_the_synthetic_documents_without_the_shared_folder(tmp_path):
    from click.testing import CliRunner

    from tenderlint.cli import main

    result = CliRunner().invoke(main, ["eval", "--set", "synthetic", "--split", "holdout", "--shared", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Synthetic documents written blind to the rules" in result.output
    assert "red flags (" in result.output
    refused = CliRunner().invoke(main, ["eval", "--set", "own", "--shared", str(tmp_path)])
    assert refused.exit_code == 2


def test_the_eval_command_offers_every_label_set():
    from tenderlint.commands.evaluate import evaluate
    from tenderlint.evaluate import LABEL_SETS

    choice = next(p for p in evaluate.params if p.name == "sets").type
    assert tuple(choice.choices) == LABEL_SETS
