"""Texts read once for all that share their shape (rules/repeats.py): same findings as reading each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderlint.document import Block, Document
from tenderlint.parsers import parse
from tenderlint.rules.engine import CompiledRules
from tenderlint.rules.loader import load_rule_pack
from tenderlint.rules.repeats import PLACEHOLDER, Shapes

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def compiled() -> CompiledRules:
    return CompiledRules(load_rule_pack())


def test_shape_hides_only_free_numbers_that_no_rule_names():
    shapes = Shapes(["24/7 support", "ISO 27001"])
    hidden = PLACEHOLDER * 2
    assert shapes.shape("Item 17") == f"Item {hidden}"
    assert shapes.shape("Unit 17 is delivered.") == f"Unit {hidden} is delivered."
    assert shapes.shape("Items 17, 18; 19: done") == f"Items {hidden}, {hidden}; {hidden}: done"
    # digits a rule names, and numbers the tokenizer may split by their value, stay
    assert shapes.shape("Support 24 hours, ISO 27001") == "Support 24 hours, ISO 27001"
    for text in ("at 3am", "see (8)", "8) smile", "0.0", "v2", "+17", "17%", "17.5 days"):
        assert shapes.shape(text) == text, text
    assert shapes.shape("odd \x00 byte 17") is None


def test_no_shapes_when_a_token_pattern_could_tell_numbers_apart():
    assert Shapes.for_patterns([], [[{"LOWER": "item"}, {"IS_DIGIT": True}]]) is not None
    assert Shapes.for_patterns([], [[{"TEXT": {"REGEX": "^1"}}]]) is None
    assert Shapes.for_patterns([], [[{"LENGTH": {">=": 3}}]]) is None
    assert Shapes.for_patterns([], [[{"POS": "NUM"}]]) is None
    assert "30" in Shapes.for_patterns([], [[{"NORM": {"IN": ["within", "30"]}}]]).kept


def _repeating_document() -> Document:
    """The example contract's blocks three times over with a row number after each, among table
    rows that differ only in their number, lead-ins followed by items, entries under a deliverables
    heading, and AI sentences. (Without the example's service levels, which would answer the
    disclaimer of the outputs' accuracy read through a lead-in below.)"""
    example = parse(EXAMPLES / "vendor-contract-ai-saas.md")
    blocks: list[Block] = []
    for copy in range(3):
        blocks += [Block(text=f"{b.text} {copy + 7}", kind=b.kind, section=list(b.section), level=b.level)
                   for b in example.blocks if not b.text.rstrip().endswith(":")
                   and not any("Service Levels" in s for s in [b.text, *b.section])]
        # items that say nothing alone but something after their lead-in, and again, alone, in a table
        blocks.append(Block(text="On termination the Supplier shall:", kind="paragraph"))
        blocks += [Block(text=f"return the records of unit {n};", kind="list_item") for n in (61, 62, 63)]
        blocks.append(Block(text="We make no warranty to you:", kind="paragraph"))
        blocks += [Block(text=f"that the output {n} is accurate;", kind="list_item") for n in (61, 62)]
        # entries that say nothing alone but borrow what a deliverables heading says
        heading = "F.4 Contract Deliverables"
        blocks.append(Block(text=heading, kind="heading", level=2))
        blocks += [Block(text=f"All case records at end of contract {n}", kind="list_item", section=[heading])
                   for n in (61, 62, 63)]
        blocks.append(Block(text="Schedule of items", kind="heading", level=2))  # ends the lead-ins
        for row in range(40):
            number = copy * 100 + row
            blocks += [Block(text=f"Item {number}", kind="table_cell", table=copy, row=row, col=0),
                       Block(text=f"Unit {number} is delivered.", kind="table_cell", table=copy, row=row, col=1),
                       Block(text=f"The chatbot {number} is blue.", kind="table_cell", table=copy,
                             row=row, col=2),
                       Block(text=f"The Supplier shall keep audit logs of model {number} for a year.",
                             kind="table_cell", table=copy, row=row, col=3),
                       Block(text=f"return the records of unit {number};", kind="table_cell", table=copy, row=row, col=4),
                       Block(text=f"that the output {number} is accurate;", kind="table_cell", table=copy, row=row,
                             col=5),
                       Block(text=f"All case records at end of contract {number}", kind="table_cell", table=copy,
                             row=row, col=6)]
        blocks.append(Block(text=f"Meeting at {copy + 3}am {copy + 5}.", kind="paragraph"))
    return Document(path="repeats.md", sha256="", format="markdown", blocks=blocks)


def test_reading_repeats_once_finds_what_reading_every_text_finds(compiled: CompiledRules,
                                                                 monkeypatch: pytest.MonkeyPatch):
    document = _repeating_document()
    texts = [block.text for block in document.blocks]
    skipped = compiled._inert_repeats(texts, document.blocks)
    # the number-only rows and the AI sentences are skipped, rows with a finding are not
    hidden = [i for i, text in enumerate(texts) if text.startswith("Item ") and text[5:] not in compiled.shapes.kept]
    assert len(hidden) > 90 and set(hidden) <= set(skipped)
    assert not [i for i in skipped if "audit logs" in texts[i] or document.blocks[i].kind == "list_item"]
    assert texts.index("return the records of unit 131;") in skipped
    assert skipped[texts.index("The chatbot 131 is blue.")] == 1
    once = compiled.find(document, keep_sentences=True)
    monkeypatch.setattr(compiled, "shapes", None)
    every = compiled.find(document, keep_sentences=True)
    assert once.evidence == every.evidence and once.red_flags == every.red_flags
    assert once.ai_sentences == every.ai_sentences >= 120
    assert [(s.text, s.start, s.substantive, s.why) for s in once.sentences] == [
        (s.text, s.start, s.substantive, s.why) for s in every.sentences]
    assert sum(len(evs) for evs in once.evidence.values()) > 120
    # (the list read with its lead-in "We make no warranty to you:")
    assert {"performance/disclaims-output-accuracy"} <= {flag.id for flag in once.red_flags}
    assert [ev.quote for ev in once.evidence["decommissioning"]].count("return the records of unit 62;") == 3
    assert [ev.quote for ev in once.evidence["exit-transition"]].count("All case records at end of contract 62") == 3


def test_a_repeated_paragraph_long_enough_to_be_cut_is_read_once_and_found_alike(compiled: CompiledRules,
                                                                                monkeypatch: pytest.MonkeyPatch):
    text = "The contractor shall protect data. " * 9_000 + "The Supplier shall keep audit logs for a year."
    document = Document(path="long.txt", sha256="", format="text", blocks=[Block(text=text)])
    once = compiled.find(document)
    monkeypatch.setattr(compiled, "shapes", None)
    every = compiled.find(document)
    assert once.evidence == every.evidence and once.red_flags == every.red_flags
    assert once.ai_sentences == every.ai_sentences and once.evidence
