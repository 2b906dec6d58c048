"""Letters lost in PDF ligature glyphs are put back, and only in documents that show the loss."""

from __future__ import annotations

import pytest

from tenderlint.parsers import ligatures


def test_damaged_words_are_repaired_with_their_case():
    texts = [
        "The Supplier must notfy the Buyer of any terminaton afer the event.",
        "Informaton about each acton and every obligaton is kept in the Certfcate.",
    ]
    repaired, count = ligatures.repair(texts)
    assert repaired == [
        "The Supplier must notify the Buyer of any termination after the event.",
        "Information about each action and every obligation is kept in the Certificate.",
    ]
    assert count == 7


def test_function_words_are_never_rewritten():
    texts = ["The informaton on the acton and the obligaton is then sent to the office with its notficaton."]
    repaired, _ = ligatures.repair(texts)
    assert repaired == ["The information on the action and the obligation is then sent to the office with its notification."]


def test_text_without_the_symptom_is_left_alone():
    texts = ["The relay team passed the baton; the Contractor shall notify the Agency of any acton item."]
    assert ligatures.repair(texts) == (texts, 0)


@pytest.mark.shared
def test_real_contract_with_lost_ligatures_reads_right(shared_dir):
    from tenderlint.parsers import parse

    document = parse(shared_dir / "documents" / "ai-dev" / "uk-ccs-framework-core-terms-v2-7.pdf")
    text = "\n".join(block.text for block in document.blocks)
    assert "notify" in text and "notfy" not in text
    assert any("ligature" in warning for warning in document.warnings)
