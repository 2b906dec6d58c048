"""``tenderlint audit --ocds``: read the publications, find or download the documents, audit, say what happened."""

from __future__ import annotations

from pathlib import Path

import click

from tenderlint.errors import TenderlintError


def run_ocds(paths, store, options, *, document_sources: list[Path], download: bool, cache_dir: Path,
             fetch_options: dict, release_schema: Path | None, jobs, timeout, scheduler, quiet: bool, db_path: Path,
             progress_printer, names: dict[str, str]):
    """Audit the OCDS publications in ``paths``; returns (document row ids, process views, failures)."""
    from tenderlint.fetch import FetchSettings
    from tenderlint.ocds import read_publications
    from tenderlint.ocds_audit import LocalDocuments, audit_ocds, process_views

    processes, failures = read_publications(list(paths), str(release_schema) if release_schema else None)
    if not processes:
        if failures:
            path, code, message = failures[0]
            raise TenderlintError(code, f"{path}: {message}")
        raise TenderlintError("ocds-invalid", f"{', '.join(paths)}: no contracting process found")
    local = LocalDocuments(document_sources) if document_sources else None
    settings = FetchSettings(cache_dir=cache_dir, **fetch_options) if download else None
    total = sum(len(p.documents) for p in processes)
    if not quiet:
        click.echo(f"{len(processes)} contracting processes, {total} documents", err=True)

    def fetched(outcome) -> None:
        if quiet:
            return
        state = f"error[{outcome.error['code']}]" if outcome.error else outcome.state
        click.echo(f"fetch {outcome.url}: {state}" + (f" ({outcome.warning})" if outcome.warning else ""), err=True)

    printer = None

    def checked_one(done, total, item, result, seconds) -> None:
        nonlocal printer
        if printer is None:
            printer = progress_printer(total)
        printer.update(done, total, item, result, seconds)

    try:
        summary = audit_ocds(processes, store, options, local=local, fetch_settings=settings, jobs=jobs,
                             timeout=timeout, scheduler=scheduler,
                             progress=None if quiet else checked_one, fetch_progress=fetched)
    finally:
        if printer:
            printer.close()
    checked = summary.audit
    if not quiet:
        fetch = summary.fetch
        downloads = (f"; downloads: {fetch.count('downloaded')} downloaded, {fetch.count('not-modified')} not "
                     f"modified, {fetch.count('cached')} reused from the cache, {fetch.count('failed')} failed"
                     if fetch else "")
        click.echo(f"{len(processes)} processes, {summary.documents} documents ({summary.no_url} without a URL)"
                   f"{downloads}; {checked.checked} checked, {checked.skipped} already in {db_path}, "
                   f"{len(summary.failures)} failed ({checked.seconds:.1f} s)", err=True)
    views = process_views(store, summary.processes, names)
    document_ids = sorted({d.row["document_row"] for v in views for d in v.documents
                           if d.row["document_row"] is not None})
    return document_ids, views, failures + summary.failures
