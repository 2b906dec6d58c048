"""Checks on our own stand-off topic labels for shared documents (corpus/labels/*.csv).

Every label file named in ``tenderlint.evaluate.OWN_LABEL_FILES`` (``tenders.csv`` for
../shared/documents/tenders, ``ai-dev.csv`` for ../shared/documents/ai-dev, ``cuad.csv`` for
../shared/documents/cuad-dev/contracts) is checked here. The labels measure the tool, so their
shape must be exact: every taxonomy topic once per document, statuses from COVERAGE.md, a
location and a note for every finding. The notes are our own paraphrases; when ../shared is
present each labelled file must exist there and no note may repeat a run of eight or more of the
document's words.
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

from tenderlint.evaluate import OWN_LABEL_FILES
from tenderlint.results import DOC_TYPES as DOCUMENT_TYPES

REPO_ROOT = Path(__file__).resolve().parents[1]
LABELS_DIR = REPO_ROOT / "corpus" / "labels"
LABELS_README = LABELS_DIR / "README.md"
TAXONOMY = REPO_ROOT / "rules" / "taxonomy.yaml"
DOCUMENTS_DIR = REPO_ROOT.parent / "shared" / "documents"
# The first own label file; it must always be there (the others join as they are made).
REQUIRED_LABEL_FILE = "tenders.csv"

COLUMNS = ["file", "doc_type", "topic", "status", "page", "section", "note"]
STATUSES = {"covered", "weak", "missing", "red-flag"}
DOC_TYPES = set(DOCUMENT_TYPES)
PAGED_SUFFIXES = {".pdf"}
SECTION_TRAIL_SEPARATOR = " > "
MAX_NOTE_CHARS = 160
MAX_NOTE_WORDS = 25
# A shared run this long is a copied clause, not a coincidence of wording.
COPY_RUN_WORDS = 8


def _read(labels_csv: Path) -> list[dict[str, str]]:
    with labels_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"{labels_csv.name}: columns must be exactly {COLUMNS}"
        return list(reader)


LABEL_FILES = [(name, folder) for name, folder in OWN_LABEL_FILES.items() if (LABELS_DIR / name).is_file()]
ROWS_BY_FILE = {name: _read(LABELS_DIR / name) for name, _ in LABEL_FILES}
FOLDER_OF = dict(LABEL_FILES)
# (label file, row) for every row of every label file.
ROWS = [(name, row) for name, rows in ROWS_BY_FILE.items() for row in rows]
# (folder, document file name) for every labelled document.
DOCUMENTS = sorted({(FOLDER_OF[name], row["file"]) for name, row in ROWS})
FINDINGS = [(name, row) for name, row in ROWS if row["status"] != "missing"]


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
def _document_words(folder: str, name: str) -> tuple[str, ...]:
    from tenderlint.parsers import parse

    return tuple(_words(parse(DOCUMENTS_DIR / folder / name).text))


def _rows_of(folder: str, name: str) -> list[dict[str, str]]:
    return [row for label_file, row in ROWS if FOLDER_OF[label_file] == folder and row["file"] == name]


def _needs_documents(folder: str) -> None:
    if not (DOCUMENTS_DIR / folder).is_dir():
        pytest.skip(f"{DOCUMENTS_DIR / folder} is absent: checks against the real documents need the shared folder")


def test_labels_file_and_readme_exist():
    assert (LABELS_DIR / REQUIRED_LABEL_FILE).is_file(), f"{LABELS_DIR / REQUIRED_LABEL_FILE} is missing"
    assert LABELS_README.is_file(), f"{LABELS_README} is missing"
    for name, rows in ROWS_BY_FILE.items():
        assert rows, f"the labels file {name} has no rows"


def test_own_label_files_name_distinct_folders():
    """Each label file labels one shared folder, so a row's file name says where the document is."""
    assert len(set(OWN_LABEL_FILES.values())) == len(OWN_LABEL_FILES)
    assert REQUIRED_LABEL_FILE in OWN_LABEL_FILES


@pytest.mark.parametrize("label_file", [name for name, _ in LABEL_FILES])
def test_labels_cover_every_topic_exactly_once_per_document(label_file):
    expected = _topic_ids()
    rows = ROWS_BY_FILE[label_file]
    topics_by_file: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        topics_by_file[row["file"]].append(row["topic"])
    for name, topics in topics_by_file.items():
        assert sorted(topics) == sorted(expected), f"{label_file}: {name}: topics differ from the taxonomy"
    assert len(rows) == len(topics_by_file) * len(expected)


@pytest.mark.parametrize("label_file,row", ROWS, ids=[f"{n}:{r['file']}:{r['topic']}" for n, r in ROWS])
def test_label_row_is_well_formed(label_file, row):
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
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for label_file, row in ROWS:
        types[(FOLDER_OF[label_file], row["file"])].add(row["doc_type"])
    assert {doc: kinds for doc, kinds in types.items() if len(kinds) != 1} == {}


@pytest.mark.parametrize("folder,name", DOCUMENTS, ids=[f"{f}/{n}" for f, n in DOCUMENTS])
def test_readme_describes_every_labelled_document(folder, name):
    """The README names each labelled document where it lists that document's hard calls."""
    assert name in LABELS_README.read_text(encoding="utf-8"), f"{LABELS_README.name} says nothing about {name}"


@pytest.mark.parametrize("folder,name", DOCUMENTS, ids=[f"{f}/{n}" for f, n in DOCUMENTS])
def test_labelled_file_exists_in_shared(folder, name):
    _needs_documents(folder)
    assert (DOCUMENTS_DIR / folder / name).is_file(), f"{name} is not among the shared {folder} documents"


@pytest.mark.parametrize("folder,name", DOCUMENTS, ids=[f"{f}/{n}" for f, n in DOCUMENTS])
def test_notes_do_not_copy_the_document(folder, name):
    _needs_documents(folder)
    document = _document_words(folder, name)
    document_text = " ".join(document)
    document_runs = _runs(list(document), COPY_RUN_WORDS)
    for row in (r for r in _rows_of(folder, name) if r["note"]):
        note = _words(row["note"])
        if len(note) >= COPY_RUN_WORDS:
            assert " ".join(note) not in document_text, f"{row['topic']}: note is a verbatim quote"
        copied = _runs(note, COPY_RUN_WORDS) & document_runs
        assert not copied, f"{row['topic']}: note repeats the document's words: {' '.join(sorted(copied)[0])}"


@pytest.mark.parametrize("folder,name", DOCUMENTS, ids=[f"{f}/{n}" for f, n in DOCUMENTS])
def test_sections_name_headings_found_in_the_document(folder, name):
    _needs_documents(folder)
    document_text = " ".join(_document_words(folder, name))
    for row in (r for r in _rows_of(folder, name) if r["status"] != "missing"):
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
