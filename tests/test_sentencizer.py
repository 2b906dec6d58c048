"""The pipeline's sentencizer (``tenderlint.nlp.ArraySentencizer``) splits exactly as spaCy's."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.attrs import SENT_START

from tenderlint.nlp import ArraySentencizer, get_pipeline

TEXTS = [
    "",
    "One sentence without an end",
    "The Contractor shall deliver the report. The Agency will review it within ten days.",
    "What?! Really... yes. \u201cQuoted.\u201d Next one starts here",
    "(a) first item; (b) second item. (c) third item!",
    "Dr. Smith signed on 1 May. He left at 5 p.m. and returned.",
    "Fees are due in 30 days.\n\nLate fees apply.  Interest accrues daily . Then stop",
    "\u3002 Full-width stop first \u3002 then a word \u0964 Devanagari danda next",
    "...",
    "Section 4.2: the vendor shall not use Customer Data to train models. Section 4.3 follows.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_starts_are_spacys(text):
    reference = spacy.blank("en")
    reference.add_pipe("sentencizer")
    ours = spacy.blank("en")
    ours.add_pipe("tenderlint_sentencizer", name="sentencizer")
    assert ours(text).to_array([SENT_START]).tolist() == reference(text).to_array([SENT_START]).tolist()


def test_sentence_starts_set_before_are_kept():
    # The engine marks where each text of a batch begins; the sentencizer fills in the rest.
    nlp = get_pipeline()
    doc = nlp.make_doc("first block without a stop second block. And more")
    starts = numpy.zeros(len(doc), dtype=numpy.uint64)
    starts[5] = 1  # "second"
    doc.from_array([SENT_START], starts)
    doc = nlp.get_pipe("sentencizer")(doc)
    assert [sent.text for sent in doc.sents] == ["first block without a stop", "second block.", "And more"]


def test_the_default_pipeline_uses_it_under_spacys_name():
    nlp = get_pipeline()
    assert nlp.pipe_names == ["sentencizer", "tenderlint_norm"]
    assert isinstance(nlp.get_pipe("sentencizer"), ArraySentencizer)
