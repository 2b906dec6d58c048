"""``tenderlint audit``: batch-audit folders of past tenders into SQLite, a CSV and a summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from tenderlint.commands._common import EXIT_ERROR, ocr_option, user_errors, verbose_option
from tenderlint.errors import TenderlintError, error_line, shown_path
from tenderlint.results import REQUESTED_DOC_TYPES


@click.command("audit")
@click.argument("paths", nargs=-1)
@click.option("--manifest", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="CSV with a 'path' column plus metadata columns (issuer, year, ocid, title, …).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("audit.sqlite"),
              show_default=True, help="The SQLite results store (created if missing; reruns resume).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes.  [default: number of cores]")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the HTML summary report here.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write one row per document (fixed columns, then one status column per topic).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the checks on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True,
              help="Seconds one document may take before it is stopped and recorded as a failure.")
@click.option("--type", "doc_type", type=click.Choice(REQUESTED_DOC_TYPES), default=None,
              help="Document type for every document.  [default: the configuration's, else auto]")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="An extra folder of rule files (repeatable).")
@click.option("--no-model", is_flag=True, help="Use the rules alone, without the classifier.")
@click.option("--ocds", is_flag=True,
              help="PATHS are OCDS publications (release or record packages, JSON Lines of releases or records): "
                   "check the documents of each contracting process.")
@click.option("--documents", "document_sources", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="With --ocds: a folder holding the documents at their URL paths, or a url,file CSV (repeatable).")
@click.option("--download", is_flag=True, help="With --ocds: download the documents not found under --documents.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path(".tenderlint-cache"), show_default=True,
              help="With --download: where downloads are kept and reused (keyed by URL, ETag, Last-Modified).")
@click.option("--max-download-mb", type=click.FloatRange(min=0.001), default=100, show_default=True,
              help="Largest document downloaded; a larger one is stopped while it streams.")
@click.option("--download-timeout", type=click.FloatRange(min=0.1), default=30, show_default=True,
              help="Seconds one download attempt may take.")
@click.option("--retries", type=click.IntRange(min=0, max=10), default=2, show_default=True,
              help="Further attempts after a timeout, a dropped connection or a 5xx/429 answer (with backoff).")
@click.option("--download-jobs", type=click.IntRange(min=1, max=32), default=4, show_default=True,
              help="Downloads at the same time.")
@click.option("--release-schema", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="With --ocds: a local (patched) OCDS release schema to take merge rules from "
                   "[default: the OCDS 1.1 rules].")
@click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write one line per OCDS contracting process (documents' results, gaps, red flags).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A tenderlint.toml or pyproject.toml (default: the nearest one found), as for check.")
@ocr_option
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@verbose_option
@user_errors
def audit(paths, manifest, db_path, jobs, report_path, csv_path, scheduler, timeout, doc_type, rules_dirs, no_model,
          ocds, document_sources, download, cache_dir, max_download_mb, download_timeout, retries, download_jobs,
          release_schema, jsonl_path, config_path, ocr, quiet) -> None:
    """Check every document under PATHS (files, folders, globs) into the results store.

    With --ocds, PATHS are OCDS publications and the documents of each contracting process are
    checked, each with the type its documentType implies. Documents already in the store with
    the same content and rule/model versions are not checked again, so an interrupted run
    simply continues. With no PATHS and no --manifest, the --report, --csv and --jsonl are
    written from the existing store. The configuration (selection, severities, waivers,
    per-file entries, extra rules) is read as `check` reads it."""
    from tenderlint.audit import audit as run_audit
    from tenderlint.audit import current_versions, discover, write_csv
    from tenderlint.check import check_ocr_mode
    from tenderlint.config import check_options, load_config
    from tenderlint.report.audit_summary import render_summary
    from tenderlint.rules.loader import load_rule_pack
    from tenderlint.store import ResultStore

    check_ocr_mode(ocr)
    config = load_config(config_path) if config_path else load_config()
    options = check_options(config, doc_type=doc_type, rules_dirs=tuple(str(d) for d in rules_dirs),
                            use_model=not no_model,
                            # OCR stops itself a little before the worker would be killed: same error, no restart.
                            ocr=ocr, ocr_time_limit=0.9 * timeout)
    pack = load_rule_pack(options.rules_dirs)
    topic_ids = pack.topic_ids
    names = {t.id: t.name for t in pack.topics}
    failures = []
    if (document_sources or download or release_schema) and not ocds:
        raise TenderlintError("usage", "--documents, --download and --release-schema go with --ocds")
    if ocds and manifest:
        raise TenderlintError("usage", "--manifest does not go with --ocds (the OCDS data gives the metadata)")
    if ocds and not paths:
        raise TenderlintError("usage", "--ocds needs the OCDS publications to read (PATHS)")
    if jsonl_path and not ocds and (paths or manifest):
        raise TenderlintError("usage", "--jsonl writes OCDS contracting processes: it goes with --ocds")
    views = None
    with ResultStore(db_path) as store:
        if ocds:
            from tenderlint.commands.audit_ocds import run_ocds

            fetch_options = {"max_bytes": int(max_download_mb * 1048576), "timeout": download_timeout,
                             "retries": retries, "concurrency": download_jobs}
            document_ids, views, failures = run_ocds(
                paths, store, options, document_sources=list(document_sources), download=download,
                cache_dir=cache_dir, fetch_options=fetch_options, release_schema=release_schema, jobs=jobs,
                timeout=timeout, scheduler=scheduler, quiet=quiet, db_path=db_path, progress_printer=ProgressPrinter,
                names=names)
        elif paths or manifest:
            inputs = discover(paths, manifest)
            progress = None if quiet else ProgressPrinter(len(inputs))
            try:
                summary = run_audit(inputs, store, options, jobs=jobs, timeout=timeout, scheduler=scheduler,
                                    progress=progress.update if progress else None)
            finally:
                if progress:
                    progress.close()
            document_ids = summary.document_ids
            failures = summary.failures
            if not quiet:
                read_by_ocr = f", {summary.ocr_documents} read by OCR ({summary.ocr_pages} pages)" if summary.ocr_documents else ""
                click.echo(f"{summary.seen} documents: {summary.checked} checked, {summary.skipped} already in "
                           f"{db_path}, {len(failures)} failed{read_by_ocr} ({summary.seconds:.1f} s)", err=True)
        else:
            if not db_path.exists():
                raise TenderlintError("usage", f"{db_path}: no store to report from (give PATHS to audit)")
            versions = current_versions(options)
            document_ids = [r["id"] for r in store.documents()
                            if (r["rules_version"], r["model_version"]) == (versions["rules"], versions["model"])]
            if not document_ids:
                raise TenderlintError("usage", f"{db_path}: holds no results for the current rules and model")
            if store.processes():  # an OCDS store: the reports are per contracting process
                from tenderlint.ocds_audit import process_views

                views = process_views(store, None, names)
        if jsonl_path:
            if views is None:
                raise TenderlintError("usage", f"{db_path}: holds no OCDS contracting process for --jsonl")
            from tenderlint.ocds_audit import write_jsonl

            with _open_output(jsonl_path) as handle:
                write_jsonl(views, handle)
        if csv_path:
            with _open_output(csv_path) as handle:
                if views is not None:
                    from tenderlint.ocds_audit import write_ocds_csv

                    write_ocds_csv(views, topic_ids, handle)
                else:
                    write_csv(store, document_ids, topic_ids, handle)
        if report_path:
            html = render_summary(store, document_ids, topic_ids, names, title=f"Audit summary: {db_path.name}",
                                  processes=views)
            with _open_output(report_path) as handle:
                handle.write(html)
    for path, code, message in failures:
        click.echo(error_line(code, path, message), err=True)
    if failures:
        sys.exit(EXIT_ERROR)


def _open_output(path: Path):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise TenderlintError("usage", f"{path}: cannot write ({error.strerror})") from None


class ProgressPrinter:
    """A rich progress bar (documents/s, ETA) on a terminal; one plain line per document otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("[bold]audit"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]} docs/s"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task("audit", total=total, rate="0.0")
            self.bar.start()
        self.started = time.monotonic()

    def update(self, done: int, total: int, item, result, seconds: float) -> None:
        if self.bar is not None:
            rate = done / max(1e-6, time.monotonic() - self.started)
            self.bar.update(self.task, completed=done, rate=f"{rate:.1f}")
            return
        if result is None:
            state = "already in store"
        elif result.error:
            state = f"error[{result.error['code']}]"
        else:
            counts = result.counts()
            state = f"covered {counts['covered']}, weak {counts['weak']}, missing {counts['missing']}"
            if result.ocr_pages:
                state += f", {len(result.ocr_pages)} pages read by OCR"
        click.echo(f"[{done}/{total}] {shown_path(item.path)}: {state} ({seconds:.1f} s)", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
