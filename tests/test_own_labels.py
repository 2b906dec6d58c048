"""Checks on our own stand-off topic labels for shared tenders (corpus/labels/tenders.csv).

The labels measure the tool, so their shape must be exact: every taxonomy topic once per
document, statuses from COVERAGE.md, a location and a note for every finding. The notes are
our own paraphrases; when ../shared is present each labelled file must exist there and no note
may repeat a run of eight or more of the document's words.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tenderlint.results import DOC_TYPES as DOCUMENT_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]
LABELS_CSV = REPO_ROOT / "corpus" / "labels" / "tenders.csv"
LABELS_README = REPO_ROOT / "corpus" / "labels" / "README.md"
TAXONOMY = REPO_ROOT / "rules" / "taxonomy.yaml"
TENDERS_DIR = REPO_ROOT.parent / "shared" / "documents" / "tenders"

COLUMNS = ["file", "doc_type", "topic", "status", "page", "section", "note"]
STATUSES = {"covered", "weak", "missing", "red-flag"}
DOC_TYPES = set(DOCUMENT_TYPES)
PAGED_SUFFIXES = {".pdf"}
SECTION_TRAIL_SEPARATOR = " > "
MAX_NOTE_CHARS = 160
MAX_NOTE_WORDS = 25
# A shared run this long is a copied clause, not a coincidence of wording.
COPY_RUN_WORDS = 8


def _rows() -> list[dict[str, str]]:
    with LABELS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"columns must be exactly {COLUMNS}"
        return list(reader)


ROWS = _rows() if LABELS_CSV.is_file() else []
FILES = sorted({row["file"] for row in ROWS})
FINDINGS = [row for row in ROWS if row["status"] != "missing"]


def _topic_ids() -> list[str]:
    taxonomy = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    return [topic["id"] for topic in taxonomy["topics"]]


def _words(text: str) -> list[str]:
    """Lower-case word tokens, with typographic quotes and dashes folded so formatting cannot hide a copy."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)?", text.lower())


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


@lru_cache(maxsize=None)
def _document_words(name: str) -> tuple[str, ...]:
    from tenderlint.parsers import parse

    return tuple(_words(parse(TENDERS_DIR / name).text))


def _needs_tenders() -> None:
    if not TENDERS_DIR.is_dir():
        pytest.skip(f"{TENDERS_DIR} is absent: checks against the real documents need the shared folder")


def test_labels_file_and_readme_exist():
    assert LABELS_CSV.is_file(), f"{LABELS_CSV} is missing"
    assert LABELS_README.is_file(), f"{LABELS_README} is missing"
    assert ROWS, "the labels file has no rows"


def test_labels_cover_every_topic_exactly_once_per_document():
    expected = _topic_ids()
    topics_by_file: dict[str, list[str]] = defaultdict(list)
    for row in ROWS:
        topics_by_file[row["file"]].append(row["topic"])
    for name, topics in topics_by_file.items():
        assert sorted(topics) == sorted(expected), f"{name}: topics differ from the taxonomy"
    assert len(ROWS) == len(FILES) * len(expected)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['file']}:{r['topic']}" for r in ROWS])
def test_label_row_is_well_formed(row):
    assert row["status"] in STATUSES, f"unknown status {row['status']!r}"
    assert row["doc_type"] in DOC_TYPES, f"unknown doc_type {row['doc_type']!r}"
    if Path(row["file"]).suffix.lower() in PAGED_SUFFIXES:
        if row["status"] != "missing":
            assert row["page"].isdigit() and int(row["page"]) >= 1, "a PDF finding needs a 1-based page"
    else:
        assert row["page"] == "", "only PDF labels carry a page"
    if row["status"] == "missing":
        assert row["section"] == "", "a missing topic has no location"
    else:
        assert row["section"].strip(), "a finding needs the section where its evidence is"
        assert row["note"].strip(), "a finding needs a note saying what the provision does"
    assert len(row["note"]) <= MAX_NOTE_CHARS and len(row["note"].split()) <= MAX_NOTE_WORDS, "note is too long"


def test_each_document_has_one_doc_type():
    types: dict[str, set[str]] = defaultdict(set)
    for row in ROWS:
        types[row["file"]].add(row["doc_type"])
    assert {name: kinds for name, kinds in types.items() if len(kinds) != 1} == {}


@pytest.mark.parametrize("name", FILES)
def test_labelled_file_exists_in_shared(name):
    _needs_tenders()
    assert (TENDERS_DIR / name).is_file(), f"{name} is not among the shared tenders"


@pytest.mark.parametrize("name", FILES)
def test_notes_do_not_copy_the_document(name):
    _needs_tenders()
    document = _document_words(name)
    document_text = " ".join(document)
    document_runs = _runs(list(document), COPY_RUN_WORDS)
    for row in (r for r in ROWS if r["file"] == name and r["note"]):
        note = _words(row["note"])
        if len(note) >= COPY_RUN_WORDS:
            assert " ".join(note) not in document_text, f"{row['topic']}: note is a verbatim quote"
        copied = _runs(note, COPY_RUN_WORDS) & document_runs
        assert not copied, f"{row['topic']}: note repeats the document's words: {' '.join(sorted(copied)[0])}"


@pytest.mark.parametrize("name", FILES)
def test_sections_name_headings_found_in_the_document(name):
    _needs_tenders()
    document_text = " ".join(_document_words(name))
    for row in (r for r in FINDINGS if r["file"] == name):
        for part in row["section"].split(SECTION_TRAIL_SEPARATOR):
            words = " ".join(_words(part))
            assert words and words in document_text, f"{row['topic']}: section part {part!r} not in the document"


def test_the_copy_check_catches_a_copied_note():
    """Guards the guard: a sentence lifted from a text must trip the eight-word run check."""
    source = _words("The contractor shall deliver all source code to the agency at the end of the term.")
    lifted = _words("contractor shall deliver all source code to the agency at the end")
    paraphrase = _words("Supplier hands the code over to the buyer when the contract ends")
    assert _runs(lifted, COPY_RUN_WORDS) & _runs(source, COPY_RUN_WORDS)
    assert not _runs(paraphrase, COPY_RUN_WORDS) & _runs(source, COPY_RUN_WORDS)
