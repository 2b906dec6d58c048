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
