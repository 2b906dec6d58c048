"""The SQLite results store of a batch audit (standard-library ``sqlite3``, WAL mode).

Schema (documented in docs/audit-store.md):

- ``runs``: one row per ``tenderlint audit`` run — versions of tool, rules and model, timings.
- ``documents``: one row per document *content* (sha256), rule/model versions and requested
  document type (``--type``): format,
  type, pages, words, language, manifest metadata (JSON), error code and message.
- ``document_paths``: every path seen with that content (the same file in two folders).
- ``topic_results``: status per topic per document, with the reason.
- ``evidence``: the located evidence kept for each topic (quote, page, section, span, source).
- ``red_flags``: provisions against the buyer, located.

Each document is written in one transaction as it finishes, so a run killed at any moment
leaves every stored document complete and the next run only does the rest.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from tenderlint.errors import TenderlintError
from tenderlint.results import DocumentResult

# Version 2: the document key ends with the requested document type (auto, rfp, contract).
SCHEMA_VERSION = 2
# Failures that say nothing final about the document (a bug, a crashed worker): the next audit
# run checks such a document again instead of skipping it as done.
RETRIED_ERRORS = ("internal",)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    tool_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    model_version TEXT NOT NULL,
    jobs INTEGER,
    scheduler TEXT,
    documents_seen INTEGER DEFAULT 0,
    documents_checked INTEGER DEFAULT 0,
    documents_skipped INTEGER DEFAULT 0,
    failures INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- sha256 (or path when unreadable) + versions + requested type
    path TEXT NOT NULL,                  -- the first path this content was found at
    sha256 TEXT,
    format TEXT,
    doc_type TEXT,
    doc_type_reason TEXT,
    pages INTEGER,
    words INTEGER,
    language TEXT,
    warnings TEXT,                       -- JSON list
    metadata TEXT,                       -- JSON object from the manifest
    error_code TEXT,
    error_message TEXT,
    tool_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    model_version TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    seconds REAL
);
CREATE TABLE IF NOT EXISTS document_paths (
    path TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    PRIMARY KEY (path, document_id)
);
CREATE TABLE IF NOT EXISTS topic_results (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    topic TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('covered', 'weak', 'missing', 'waived')),
    applies INTEGER NOT NULL,
    severity TEXT NOT NULL,
    red_flag INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    PRIMARY KEY (document_id, topic)
);
CREATE TABLE IF NOT EXISTS evidence (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    topic TEXT NOT NULL,
    rank INTEGER NOT NULL,
    quote TEXT NOT NULL,
    page INTEGER,
    section TEXT,
    start INTEGER,
    "end" INTEGER,
    source TEXT,
    strength TEXT,
    score REAL,
    PRIMARY KEY (document_id, topic, rank)
);
CREATE TABLE IF NOT EXISTS red_flags (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    flag TEXT NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    quote TEXT NOT NULL,
    page INTEGER,
    section TEXT,
    start INTEGER,
    "end" INTEGER
);
CREATE INDEX IF NOT EXISTS red_flags_document ON red_flags(document_id);
"""


def document_key(sha256: str | None, path: str, versions: dict[str, str], doc_type: str) -> str:
    """The identity of one judgement: content, the versions that judged it and the type asked for."""
    identity = sha256 or f"path:{path}"
    return f"{identity}|{versions['tool']}|{versions['rules']}|{versions['model']}|{doc_type}"


# The reason check.py stores when the user set the type; any other reason means it was detected.
_USER_TYPE_REASON = "set by the user (--type)"


def _migrate_1_to_2(db: sqlite3.Connection) -> None:
    """Version-1 keys lack the requested type: recover it from the stored reason (auto otherwise)."""
    db.execute("UPDATE documents SET key = key || '|' || CASE WHEN doc_type_reason = ? AND doc_type IS NOT NULL "
               "THEN doc_type ELSE 'auto' END", (_USER_TYPE_REASON,))


MIGRATIONS = {1: _migrate_1_to_2}


class ResultStore:
    """An open audit database."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring an older database up to ``SCHEMA_VERSION`` in one transaction; refuse a newer one."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = SCHEMA_VERSION if row is None else int(row["value"])
            if version > SCHEMA_VERSION:
                raise TenderlintError("usage", f"{self.path}: the audit database was written by a newer tenderlint "
                                               f"(schema {version}; this one reads up to {SCHEMA_VERSION})")
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](db)
                version += 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, versions: dict[str, str], jobs: int, scheduler: str | None) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (started_at, tool_version, rules_version, model_version, jobs, scheduler) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (time.time(), versions["tool"], versions["rules"], versions["model"], jobs, scheduler),
        )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, seen: int, checked: int, skipped: int, failures: int) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at=?, documents_seen=?, documents_checked=?, documents_skipped=?, failures=? "
            "WHERE id=?",
            (time.time(), seen, checked, skipped, failures, run_id),
        )

    # -- documents ----------------------------------------------------------------------------

    def find(self, key: str) -> int | None:
        """The stored document with ``key``, unless its result is one to retry (see RETRIED_ERRORS)."""
        row = self.db.execute("SELECT id, error_code FROM documents WHERE key=?", (key,)).fetchone()
        return None if row is None or row["error_code"] in RETRIED_ERRORS else int(row["id"])

    def add_path(self, document_id: int, path: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (path, document_id))

    def save(self, result: DocumentResult, key: str, versions: dict[str, str], metadata: dict | None,
             run_id: int | None, seconds: float | None = None) -> int:
        """Write one document and everything found in it, atomically."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            existing = db.execute("SELECT id, error_code FROM documents WHERE key=?", (key,)).fetchone()
            old_paths: list[str] = []
            if existing is not None and existing["error_code"] in RETRIED_ERRORS:
                replaced = int(existing["id"])  # a failed try: this result takes its place
                old_paths = [row["path"] for row in db.execute(
                    "SELECT path FROM document_paths WHERE document_id=?", (replaced,))]
                for table in ("evidence", "red_flags", "topic_results", "document_paths"):
                    db.execute(f"DELETE FROM {table} WHERE document_id=?", (replaced,))
                db.execute("DELETE FROM documents WHERE id=?", (replaced,))
            elif existing is not None:  # another writer finished it first: keep the stored one
                db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (result.path, existing["id"]))
                db.execute("COMMIT")
                return int(existing["id"])
            error = result.error or {}
            cur = db.execute(
                "INSERT INTO documents (key, path, sha256, format, doc_type, doc_type_reason, pages, words, language, "
                "warnings, metadata, error_code, error_message, tool_version, rules_version, model_version, run_id, "
                "seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, result.path, result.sha256, result.format, result.doc_type, result.doc_type_reason,
                 result.pages, result.words, result.language, json.dumps(result.warnings),
                 json.dumps(metadata or {}, sort_keys=True), error.get("code"), error.get("message"),
                 versions["tool"], versions["rules"], versions["model"], run_id, seconds),
            )
            doc_id = int(cur.lastrowid)
            db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (result.path, doc_id))
            for path in old_paths:
                db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (path, doc_id))
            for topic in result.topics:
                db.execute(
                    "INSERT INTO topic_results VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, topic.id, topic.status, int(topic.applies), topic.severity, int(topic.red_flag),
                     topic.reason),
                )
                for rank, ev in enumerate(topic.evidence):
                    db.execute(
                        'INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                        (doc_id, topic.id, rank, ev.quote, ev.page, " > ".join(ev.section), ev.start, ev.end,
                         ev.source, ev.strength, ev.score),
                    )
            for flag in result.red_flags:
                ev = flag.evidence
                db.execute(
                    "INSERT INTO red_flags VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, flag.id, flag.topic, flag.title, flag.severity, ev.quote, ev.page,
                     " > ".join(ev.section), ev.start, ev.end),
                )
            db.execute("COMMIT")
            return doc_id
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # -- reading back ---------------------------------------------------------------------------

    def documents(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM documents ORDER BY path, id").fetchall()

    def topic_statuses(self) -> dict[int, dict[str, str]]:
        statuses: dict[int, dict[str, str]] = {}
        for row in self.db.execute("SELECT document_id, topic, status FROM topic_results"):
            statuses.setdefault(row["document_id"], {})[row["topic"]] = row["status"]
        return statuses
