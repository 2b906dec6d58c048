"""The SQLite results store of a batch audit (standard-library ``sqlite3``, WAL mode).

Schema (documented in docs/audit-store.md):

- ``runs``: one row per ``tenderlint audit`` run — versions of tool, rules and model, timings.
- ``documents``: one row per document *content* (sha256), rule/model versions and requested
  document type (``--type``): format, type, pages, words, language, manifest metadata (JSON),
  error code and message, and the pages read by OCR with their mean word confidence.
- ``document_paths``: every path seen with that content (the same file in two folders).
- ``topic_results``: status per topic per document, with the reason.
- ``evidence``: the located evidence kept for each topic (quote, page, section, span, source).
- ``red_flags``: provisions against the buyer, located.
- ``ocds_processes`` (schema 3): one row per OCDS contracting process audited (``audit --ocds``):
  ocid, compiled release id, buyer, title, date.
- ``ocds_documents`` (schema 3): one row per document an OCDS process lists, with its release
  and document ids, ``documentType``, URL, the type it was checked as, and either the
  ``documents`` row holding its result or the code of the failure that kept it unchecked.

Each document is written in one transaction as it finishes, so a run killed at any moment
leaves every stored document complete and the next run only does the rest.

``meta.schema_version`` says which schema a store has. Opening an older store brings it up to
date in place (``MIGRATIONS``, one step per version); a store written by a newer tenderlint is
refused rather than guessed at.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from tenderlint.errors import TenderlintError
from tenderlint.results import DocumentResult, Evidence, RedFlag, TopicResult

# Version 2: the document key ends with the requested document type (auto, rfp, contract).
# Version 3: the OCDS tables (audit --ocds); nothing older changes.
# Version 4: the pages read by OCR and their mean word confidence (two columns of documents).
SCHEMA_VERSION = 4
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
    seconds REAL,
    ocr_pages TEXT,                      -- JSON list of the pages read by OCR, NULL when none
    ocr_confidence REAL                  -- mean OCR word confidence, 0..1
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
# Schema 3: the OCDS tables. Created with the others in a new store, added by migration to an older one.
OCDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS ocds_processes (
    ocid TEXT PRIMARY KEY,
    release_id TEXT,                     -- the compiled release's id
    buyer_id TEXT,
    buyer_name TEXT,
    title TEXT,
    date TEXT,                           -- ISO 8601: the tender's opening, else award/signature/release date
    year TEXT,
    sources TEXT,                        -- JSON list of the package files it was read from
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS ocds_documents (
    ocid TEXT NOT NULL REFERENCES ocds_processes(ocid),
    section TEXT NOT NULL,               -- planning | tender | awards/<id> | contracts/<id>[/implementation]
    document_id TEXT NOT NULL,           -- the OCDS document id
    release_id TEXT,                     -- the release that carried the document
    document_type TEXT,                  -- OCDS documentType
    url TEXT,
    title TEXT,
    format TEXT,
    date_published TEXT,
    doc_type TEXT NOT NULL,              -- rfp | contract | auto: the type it was checked as
    local_path TEXT,                     -- the file that was checked (cache or --documents)
    document_row INTEGER REFERENCES documents(id),  -- the result, when it could be checked
    error_code TEXT,                     -- why it could not be fetched (download-failed, http-404, …)
    error_message TEXT,
    run_id INTEGER REFERENCES runs(id),
    PRIMARY KEY (ocid, section, document_id)
);
CREATE INDEX IF NOT EXISTS ocds_documents_row ON ocds_documents(document_row);
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


def _migrate_2_to_3(db: sqlite3.Connection) -> None:
    """Add the OCDS tables (already there when SCHEMA created them on opening; then nothing to do)."""
    for statement in OCDS_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_3_to_4(db: sqlite3.Connection) -> None:
    """The OCR facts: NULL (no page read by OCR) for every document already stored."""
    have = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    for column, kind in (("ocr_pages", "TEXT"), ("ocr_confidence", "REAL")):
        if column not in have:  # a database made from this schema but labelled older already has it
            db.execute(f"ALTER TABLE documents ADD COLUMN {column} {kind}")


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}


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
        self.db.executescript(SCHEMA + OCDS_SCHEMA)
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

    @property
    def schema_version(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row["value"])

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

    def error_code(self, document_id: int) -> str | None:
        row = self.db.execute("SELECT error_code FROM documents WHERE id=?", (document_id,)).fetchone()
        return None if row is None else row["error_code"]

    def forget(self, document_id: int) -> None:
        """Remove a document and everything found in it, so that it can be checked again."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for table in ("evidence", "red_flags", "topic_results", "document_paths"):
                db.execute(f"DELETE FROM {table} WHERE document_id=?", (document_id,))
            db.execute("DELETE FROM documents WHERE id=?", (document_id,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

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
            ocds_rows: list[int] = []
            if existing is not None and existing["error_code"] in RETRIED_ERRORS:
                replaced = int(existing["id"])  # a failed try: this result takes its place
                old_paths = [row["path"] for row in db.execute(
                    "SELECT path FROM document_paths WHERE document_id=?", (replaced,))]
                for table in ("evidence", "red_flags", "topic_results", "document_paths"):
                    db.execute(f"DELETE FROM {table} WHERE document_id=?", (replaced,))
                # (an OCDS document row pointing at the failed try points at the new result below)
                ocds_rows = [row[0] for row in db.execute(
                    "SELECT rowid FROM ocds_documents WHERE document_row=?", (replaced,))]
                db.execute("UPDATE ocds_documents SET document_row=NULL WHERE document_row=?", (replaced,))
                db.execute("DELETE FROM documents WHERE id=?", (replaced,))
            elif existing is not None:  # another writer finished it first: keep the stored one
                db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (result.path, existing["id"]))
                db.execute("COMMIT")
                return int(existing["id"])
            error = result.error or {}
            cur = db.execute(
                "INSERT INTO documents (key, path, sha256, format, doc_type, doc_type_reason, pages, words, language, "
                "warnings, metadata, error_code, error_message, tool_version, rules_version, model_version, run_id, "
                "seconds, ocr_pages, ocr_confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, result.path, result.sha256, result.format, result.doc_type, result.doc_type_reason,
                 result.pages, result.words, result.language, json.dumps(result.warnings),
                 json.dumps(metadata or {}, sort_keys=True), error.get("code"), error.get("message"),
                 versions["tool"], versions["rules"], versions["model"], run_id, seconds,
                 json.dumps(result.ocr_pages) if result.ocr_pages else None,
                 None if result.ocr_confidence is None else round(result.ocr_confidence, 4)),
            )
            doc_id = int(cur.lastrowid)
            db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (result.path, doc_id))
            for path in old_paths:
                db.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (path, doc_id))
            for rowid in ocds_rows:
                db.execute("UPDATE ocds_documents SET document_row=? WHERE rowid=?", (doc_id, rowid))
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

    def load_result(self, document_id: int, names: dict[str, str] | None = None) -> DocumentResult:
        """A stored document back as a ``DocumentResult`` (topics, kept evidence, red flags; no timings).

        Questions and suggested clauses are not stored: a report that shows them takes them from
        the rule pack. ``names`` gives the topic names (the id stands in otherwise).
        """
        names = names or {}
        row = self.db.execute("SELECT * FROM documents WHERE id=?", (document_id,)).fetchone()
        if row is None:
            raise KeyError(document_id)
        error = {"code": row["error_code"], "message": row["error_message"]} if row["error_code"] else None
        result = DocumentResult(path=row["path"], sha256=row["sha256"], format=row["format"], doc_type=row["doc_type"],
                                doc_type_reason=row["doc_type_reason"] or "", pages=row["pages"], words=row["words"],
                                language=row["language"], warnings=json.loads(row["warnings"] or "[]"), error=error)
        evidence: dict[str, list[Evidence]] = {}
        for ev in self.db.execute("SELECT * FROM evidence WHERE document_id=? ORDER BY topic, rank", (document_id,)):
            evidence.setdefault(ev["topic"], []).append(_evidence(ev["topic"], ev))
        for topic in self.db.execute("SELECT * FROM topic_results WHERE document_id=? ORDER BY rowid", (document_id,)):
            result.topics.append(TopicResult(
                id=topic["topic"], name=names.get(topic["topic"], topic["topic"]), status=topic["status"],
                applies=bool(topic["applies"]), severity=topic["severity"], reason=topic["reason"] or "",
                red_flag=bool(topic["red_flag"]), evidence=evidence.get(topic["topic"], [])))
        for flag in self.db.execute("SELECT * FROM red_flags WHERE document_id=? ORDER BY rowid", (document_id,)):
            result.red_flags.append(RedFlag(id=flag["flag"], topic=flag["topic"], title=flag["title"],
                                            severity=flag["severity"], evidence=_evidence(flag["topic"], flag)))
        return result

    # -- OCDS -----------------------------------------------------------------------------------

    def save_process(self, process, documents: list[dict], run_id: int | None) -> None:
        """Write (or rewrite) one OCDS process and its documents' rows, atomically.

        ``documents``: one dict per ``ProcessDocument`` with ``document`` (the ProcessDocument),
        ``local_path``, ``document_row`` and ``error`` ({code, message} or None).
        """
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT OR REPLACE INTO ocds_processes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (process.ocid, process.release_id, process.buyer_id, process.buyer_name, process.title,
                        process.date, process.year, json.dumps(process.sources), run_id))
            db.execute("DELETE FROM ocds_documents WHERE ocid=?", (process.ocid,))
            for entry in documents:
                doc, error = entry["document"], entry.get("error") or {}
                db.execute(
                    "INSERT OR REPLACE INTO ocds_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc.ocid, doc.section, doc.document_id, doc.release_id, doc.document_type, doc.url, doc.title,
                     doc.format, doc.date_published, entry["doc_type"], entry.get("local_path"),
                     entry.get("document_row"), error.get("code"), error.get("message"), run_id))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def processes(self, ocids: list[str] | None = None) -> list[sqlite3.Row]:
        rows = self.db.execute("SELECT * FROM ocds_processes ORDER BY ocid").fetchall()
        if ocids is None:
            return rows
        wanted = set(ocids)
        return [r for r in rows if r["ocid"] in wanted]

    def process_documents(self, ocid: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM ocds_documents WHERE ocid=? ORDER BY rowid",
                               (ocid,)).fetchall()


def _evidence(topic: str, row: sqlite3.Row) -> Evidence:
    keys = row.keys()
    return Evidence(topic=topic, quote=row["quote"], page=row["page"],
                    section=[s for s in (row["section"] or "").split(" > ") if s], start=row["start"] or 0,
                    end=row["end"] or 0, source=row["source"] if "source" in keys else "",
                    strength=row["strength"] if "strength" in keys and row["strength"] else "substantive",
                    score=row["score"] if "score" in keys else None)
