"""The versioned JSON report: the machine-readable contract other tools build on.

The shape is described by ``report.schema.json`` (shipped beside this module) and in
docs/json-report.md. Keys listed there never change meaning; new keys may be added, and a
change that would break a reader bumps ``schema``.
"""

from __future__ import annotations

import json
from importlib import resources

from tenderlint import __version__
from tenderlint.results import DocumentResult

SCHEMA_VERSION = 1
SCHEMA_FILE = "report.schema.json"


def document_dict(result: DocumentResult) -> dict:
    """One document's entry in ``documents``."""
    return {
        "path": result.path,
        "sha256": result.sha256,
        "format": result.format,
        "doc_type": result.doc_type,
        "doc_type_reason": result.doc_type_reason,
        "pages": result.pages,
        "words": result.words,
        "language": result.language,
        "warnings": list(result.warnings),
        "ocr": result.ocr_facts(),
        "error": None if result.error is None else {
            "code": result.error.get("code"),
            "message": result.error.get("message"),
        },
        "counts": result.counts(),
        "topics": [topic.as_dict() for topic in result.topics],
        "red_flags": [flag.as_dict() for flag in result.red_flags],
        "gaps": [{"id": t.id, "name": t.name, "status": t.status, "severity": t.severity} for t in result.gaps],
    }


def to_json_dict(results: list[DocumentResult]) -> dict:
    """The whole report as plain data, ready for ``json.dumps``."""
    return {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "tenderlint", "version": __version__},
        "documents": [document_dict(result) for result in results],
    }


def render_json(results: list[DocumentResult]) -> str:
    # Timings are left out on purpose: they differ on every run and would make reports
    # of the same document impossible to compare byte for byte.
    return json.dumps(to_json_dict(results), indent=2, ensure_ascii=False) + "\n"


def load_schema(name: str = SCHEMA_FILE) -> dict:
    """The JSON Schema (draft 2020-12) that every rendered report validates against (``name``: another
    schema shipped beside it, e.g. compare.schema.json)."""
    text = resources.files("tenderlint.report").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)
