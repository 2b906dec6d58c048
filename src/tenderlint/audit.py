"""Batch audit: check many documents in parallel into the SQLite store, resumably.

The parent process finds the inputs, hashes them, skips every document the store already
holds for the same content and rule/model versions, and hands the rest to worker processes
(each loads the rules and model once). A worker that exceeds the per-document time limit is
killed and replaced, and the document is recorded with error ``timeout``. Results are written
by the parent only, one transaction per document, as each finishes — so ``kill -9`` at any
moment loses at most the documents in flight, and the next run does exactly those.

With ``scheduler`` the same per-document work runs on a Dask distributed cluster instead;
the client still writes the store, so results are identical to a local run.

The local worker pool is hand-written for a measured reason (issue 14). ``pebble``'s
ProcessPool was tried in its place (initializer loading the Checker, per-task timeout,
ProcessExpired for dead workers): the same speed within this machine's noise (86 shared and
CUAD documents, 2 jobs, no model: 67.6 and 67.7 s hand-written, 58.9 and 70.9 s pebble), but
no start-up limit, and a worker that fails to start logs a traceback to stderr and is either
restarted without end (while another worker is busy) or breaks the whole pool ("All workers
expired"), depending on timing. Keeping one coded error for a worker that cannot start would
need a watchdog and log filtering on top of pebble: no simpler than the pool below.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import multiprocessing
import os
import stat
import sys
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable

from tenderlint.check import CheckOptions
from tenderlint.errors import TenderlintError
from tenderlint.results import DocumentResult
from tenderlint.store import ResultStore, document_key

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".text"}
DEFAULT_TIMEOUT = 300.0
# Stored failures that OCR may now overcome: an audit with --ocr auto or always checks them again.
OCR_RETRY_ERRORS = ("no-text-layer", "ocr-unavailable")
CSV_FIXED_COLUMNS = ["path", "sha256", "format", "doc_type", "pages", "words", "error"]


@dataclass
class AuditInput:
    path: str
    sha256: str | None
    metadata: dict = field(default_factory=dict)
    doc_type: str | None = None  # checked as this type rather than the run's --type (OCDS documentType)

    def key(self, versions: dict[str, str], run_type: str) -> str:
        """The store key: content, versions and the type asked for (this input's own, else the run's)."""
        return document_key(self.sha256, self.path, versions, self.doc_type or run_type)


@dataclass
class AuditSummary:
    run_id: int
    seen: int = 0
    checked: int = 0
    skipped: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # path, code, message
    document_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    ocr_documents: int = 0  # documents checked in this run with pages read by OCR
    ocr_pages: int = 0


# -- inputs -------------------------------------------------------------------------------------

def discover(paths: Iterable[str], manifest: Path | None = None) -> list[AuditInput]:
    """Files named, found in folders (recursively) or matched by globs, plus the manifest's rows."""
    found: dict[str, dict] = {}
    for raw in paths:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            raise TenderlintError("usage", f"{raw}: no file matches")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for child in _documents_under(path):
                    found.setdefault(str(child), {})
            else:
                found.setdefault(str(path), {})  # a missing file is recorded as a failure, not an abort
    if manifest is not None:
        for path, metadata in read_manifest(manifest).items():
            found.setdefault(path, {}).update(metadata)
    if not found:
        raise TenderlintError("usage", "no documents to audit (folders are searched for "
                                       + ", ".join(sorted(DOCUMENT_SUFFIXES)) + ")")
    return [AuditInput(path, _sha256(path), metadata) for path, metadata in found.items()]


def _documents_under(root: Path) -> list[Path]:
    """Every entry with a document suffix under ``root``, whatever it is: a FIFO, a device, a
    broken link or a symlink loop named like a document is recorded (its check fails with a coded
    error) rather than silently skipped. Linked folders are not followed, so a loop cannot recur."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            child = Path(folder) / name
            if child.suffix.lower() in DOCUMENT_SUFFIXES and not _hidden(child, root):
                found.append(child)
    return sorted(found)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_manifest(manifest: Path) -> dict[str, dict]:
    """path -> metadata from a CSV with a ``path`` column (relative paths are from the CSV's folder)."""
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TenderlintError("usage", f"{manifest}: cannot read the manifest ({error.strerror})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "path" not in reader.fieldnames:
        raise TenderlintError("usage", f"{manifest}: the manifest needs a 'path' column")
    rows = {}
    for row in reader:
        raw = (row.pop("path") or "").strip()
        if not raw:
            continue
        path = Path(raw)
        if not path.is_absolute():
            path = manifest.parent / path
        rows[str(path)] = {k: v for k, v in row.items() if k and v not in (None, "")}
    return rows


def _sha256(path: str) -> str | None:
    """The file's SHA-256; None for anything but a readable regular file (opened without blocking,
    so a FIFO cannot hang the audit; its check then reports what it is)."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.hexdigest()


def current_versions(options: CheckOptions) -> dict[str, str]:
    """Tool, rules and model versions without compiling anything (cheap, for the parent)."""
    from tenderlint import __version__
    from tenderlint.classify.model import MODEL_FILE
    from tenderlint.resources import models_dir
    from tenderlint.rules.fingerprint import rules_fingerprint
    from tenderlint.rules.loader import load_rule_pack

    model = "none"
    if options.use_model:
        path = models_dir() / MODEL_FILE
        if path.exists():
            model = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    rules = rules_fingerprint(load_rule_pack(tuple(options.rules_dirs)))
    selection = selection_fingerprint(options)
    # The configuration changes results as the rules do: a store made with another one is not reused.
    return {"tool": __version__, "rules": f"{rules}+{selection}" if selection else rules, "model": model}


def selection_fingerprint(options: CheckOptions) -> str:
    """A short digest of the options' selection and type, or "" when they are the defaults."""
    import json

    sel = options.selection
    data = {
        "select": sorted(sel.select) if sel.select is not None else None,
        "ignore": sorted(sel.ignore),
        "severities": sorted(sel.severities.items()),
        "waivers": sorted(sel.waivers.items()),
        "per_file": [[e.glob, sorted(e.ignore), sorted(e.waivers)] for e in sel.per_file],
        "root": sel.root if sel.per_file else None,
    }
    if data == {"select": None, "ignore": [], "severities": [], "waivers": [], "per_file": [], "root": None}:
        return ""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]


# -- workers ------------------------------------------------------------------------------------

_WORKER_CHECKER = None


def check_one(path: str, options: CheckOptions, doc_type: str | None = None) -> tuple[DocumentResult, float]:
    """Check one document in this process (as ``doc_type`` when given), loading the Checker once per process."""
    global _WORKER_CHECKER
    from tenderlint.check import Checker

    if _WORKER_CHECKER is None or _WORKER_CHECKER.options != options:
        _WORKER_CHECKER = Checker(options)
    started = time.perf_counter()
    try:
        result = _WORKER_CHECKER.check_file(path, doc_type)
    except TenderlintError as error:
        result = DocumentResult(path=path, error=error.as_dict())
    except Exception as error:  # a bug on one file must not stop the batch
        result = DocumentResult(path=path, error={"code": "internal", "message": f"{type(error).__name__}: {error}"})
    return result, time.perf_counter() - started


def _worker_main(conn, options: CheckOptions) -> None:
    try:
        # Load the rules and model before taking work, so the time limit counts checking only.
        global _WORKER_CHECKER
        from tenderlint.check import Checker

        _WORKER_CHECKER = Checker(options)
        conn.send("ready")
        while True:
            job = conn.recv()
            if job is None:
                return
            conn.send(check_one(job[0], options, job[1]))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        return


class _Worker:
    def __init__(self, context, options: CheckOptions):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, options), daemon=True)
        self.process.start()
        child.close()
        self.job: AuditInput | None = None
        self.started = 0.0
        self.ready = False
        self.launched = time.monotonic()

    def startup_overdue(self, limit: float) -> bool:
        """True when this worker has not said it is ready within ``limit`` seconds of its own launch."""
        return not self.ready and time.monotonic() - self.launched > limit

    def give(self, job: AuditInput) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send((job.path, job.doc_type))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self.conn.close()


def _process_context():
    return multiprocessing.get_context("spawn" if sys.platform != "linux" else "forkserver")


def run_local(jobs_todo: list[AuditInput], options: CheckOptions, workers: int, timeout: float,
              on_result: Callable[[AuditInput, DocumentResult, float], None],
              startup_limit: float | None = None) -> None:
    """Check ``jobs_todo`` in ``workers`` processes, calling ``on_result`` in this process.

    Each worker has ``startup_limit`` seconds (default: the larger of 120 s and ``timeout``) from
    its own launch to load the rules and model; the results of other workers do not extend it.
    """
    if not jobs_todo:
        return
    context = _process_context()
    pending = list(reversed(jobs_todo))
    pool = [_Worker(context, options) for _ in range(max(1, min(workers, len(jobs_todo))))]
    startup_limit = max(120.0, timeout) if startup_limit is None else startup_limit
    try:
        while pending or any(w.job for w in pool):
            for worker in pool:
                if worker.ready and worker.job is None and pending:
                    worker.give(pending.pop())
            waiting = [w for w in pool if w.job or (not w.ready and pending)]
            if not waiting:
                break
            now = time.monotonic()
            limits = [timeout - (now - w.started) if w.job else startup_limit - (now - w.launched) for w in waiting]
            wait_for = max(0.05, min(limits)) if limits else 1.0
            ready = wait([w.conn for w in waiting] + [w.process.sentinel for w in waiting], timeout=wait_for)
            for worker in waiting:
                i = pool.index(worker)
                if not worker.ready:
                    if worker.conn in ready:
                        try:
                            worker.ready = worker.conn.recv() == "ready"
                        except (EOFError, OSError):
                            worker.ready = False
                    if not worker.ready and (worker.process.sentinel in ready or not worker.process.is_alive()
                                             or worker.startup_overdue(startup_limit)):
                        raise TenderlintError("internal", "a worker process could not start (see the traceback "
                                                          "with TENDERLINT_DEBUG=1 and --jobs 1)")
                    continue
                job = worker.job
                if worker.conn in ready:
                    try:
                        result, seconds = worker.conn.recv()
                    except (EOFError, OSError):
                        result, seconds = _crashed(job), time.monotonic() - worker.started
                        pool[i] = _replace(worker, context, options)
                elif worker.process.sentinel in ready or not worker.process.is_alive():
                    result, seconds = _crashed(job), time.monotonic() - worker.started
                    pool[i] = _replace(worker, context, options)
                elif time.monotonic() - worker.started > timeout:
                    result = DocumentResult(path=job.path, sha256=job.sha256, error={
                        "code": "timeout", "message": f"stopped after {timeout:g} s (per-document time limit)"})
                    seconds = timeout
                    pool[i] = _replace(worker, context, options, kill=True)
                else:
                    continue
                worker.job = None
                on_result(job, result, seconds)
    finally:
        for worker in pool:
            worker.stop(kill=worker.job is not None or not worker.ready)


def _replace(worker: _Worker, context, options: CheckOptions, kill: bool = True) -> _Worker:
    worker.stop(kill=kill)
    return _Worker(context, options)


def _crashed(job: AuditInput) -> DocumentResult:
    return DocumentResult(path=job.path, sha256=job.sha256,
                          error={"code": "internal", "message": "the worker process died while checking this file"})


def run_dask(jobs_todo: list[AuditInput], options: CheckOptions, scheduler,
             on_result: Callable[[AuditInput, DocumentResult, float], None]) -> None:
    """Check ``jobs_todo`` on a Dask cluster (an address or a Client); results come back here."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise TenderlintError("usage", "--scheduler needs Dask: pip install 'tenderlint[dask]'") from None
    if not jobs_todo:
        return
    client = scheduler if isinstance(scheduler, Client) else None
    owned = client is None
    if owned:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise TenderlintError("usage", f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
    try:
        futures = {client.submit(check_one, job.path, options, job.doc_type, pure=False): job for job in jobs_todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result, seconds = future.result()
            except Exception as error:
                result, seconds = DocumentResult(path=job.path, sha256=job.sha256, error={
                    "code": "internal", "message": f"the cluster failed on this file ({type(error).__name__})"}), 0.0
            on_result(job, result, seconds)
    finally:
        if owned:
            client.close()


# -- the audit ----------------------------------------------------------------------------------

def audit(inputs: list[AuditInput], store: ResultStore, options: CheckOptions, jobs: int | None = None,
          timeout: float = DEFAULT_TIMEOUT, scheduler=None,
          progress: Callable[[int, int, AuditInput, DocumentResult | None, float], None] | None = None,
          ) -> AuditSummary:
    """Check every input not yet in the store; returns what was done."""
    versions = current_versions(options)
    jobs = jobs or os.cpu_count() or 1
    if options.ocr_workers is None:
        # Each worker reads its scanned pages in threads: share the cores out instead of multiplying them.
        options = replace(options, ocr_workers=max(1, (os.cpu_count() or 1) // jobs))
    run_id = store.start_run(versions, jobs, str(scheduler) if scheduler is not None else None)
    summary = AuditSummary(run_id=run_id, seen=len(inputs))
    started = time.perf_counter()
    todo: list[AuditInput] = []
    duplicates: list[AuditInput] = []  # the same content twice in this run: checked once, both paths kept
    queued: set[str] = set()
    for item in inputs:
        key = item.key(versions, options.doc_type)
        existing = store.find(key)
        if existing is not None and options.ocr != "never" and store.error_code(existing) in OCR_RETRY_ERRORS:
            store.forget(existing)  # scanned, and read this time: Tesseract may have been installed since
            existing = None
        if existing is not None:
            store.add_path(existing, item.path)
            summary.skipped += 1
            summary.document_ids.append(existing)
            if progress:
                progress(summary.skipped + summary.checked, len(inputs), item, None, 0.0)
        elif key in queued:
            summary.skipped += 1
            duplicates.append(item)
        else:
            queued.add(key)
            todo.append(item)

    def on_result(item: AuditInput, result: DocumentResult, seconds: float) -> None:
        result.path = item.path
        if result.sha256 is None:
            result.sha256 = item.sha256
        key = item.key(versions, options.doc_type)
        doc_id = store.save(result, key, versions, item.metadata, run_id, round(seconds, 3))
        summary.document_ids.append(doc_id)
        summary.checked += 1
        if result.ocr_pages:
            summary.ocr_documents += 1
            summary.ocr_pages += len(result.ocr_pages)
        if result.error:
            summary.failures.append((item.path, result.error["code"], result.error["message"]))
        if progress:
            progress(summary.skipped + summary.checked, len(inputs), item, result, seconds)

    if scheduler is not None:
        run_dask(todo, options, scheduler, on_result)
    else:
        run_local(todo, options, jobs, timeout, on_result)
    for item in duplicates:
        doc_id = store.find(item.key(versions, options.doc_type))
        if doc_id is not None:
            store.add_path(doc_id, item.path)
    summary.seconds = time.perf_counter() - started
    store.finish_run(run_id, summary.seen, summary.checked, summary.skipped, len(summary.failures))
    summary.document_ids = sorted(set(summary.document_ids))
    return summary


def write_csv(store: ResultStore, document_ids: list[int], topic_ids: list[str], out) -> None:
    """One row per document: the fixed columns, then one status column per topic (no timings)."""
    statuses = store.topic_statuses()
    wanted = set(document_ids)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIXED_COLUMNS + topic_ids)
    for row in store.documents():
        if row["id"] not in wanted:
            continue
        error = f"{row['error_code']}: {row['error_message']}" if row["error_code"] else ""
        topics = statuses.get(row["id"], {})
        writer.writerow([row["path"], row["sha256"] or "", row["format"] or "", row["doc_type"] or "",
                         "" if row["pages"] is None else row["pages"], "" if row["words"] is None else row["words"],
                         error] + [topics.get(t, "") for t in topic_ids])
