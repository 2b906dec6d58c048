"""The web page's second form: compare a contract (one or more files) with its solicitation.

- ``POST /compare``: multipart fields ``solicitation`` (one file) and ``contract`` (one or more)
  → the HTML compare report, with the JSON and Markdown reports and a marked-up copy of each DOCX
  or PDF contract file as downloads embedded in the page (made in memory, never written to disk).
- ``POST /api/compare``: the JSON of ``tenderlint compare --format json``.

The same guarantees as the check upload (``web.app``): the whole request is limited to the
upload limit, the files live in a private temporary folder only while they are compared and are
removed when the request ends, document text is never logged, and the page is escaped and
makes no outside request.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import tempfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from tenderlint.check import CheckOptions
from tenderlint.results import DocumentResult

MAX_CONTRACT_FILES = 6
MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def compare_uploads(solicitation: tuple[str, str], contracts: list[tuple[str, str]], options: CheckOptions):
    """In a worker: check the files (given as (path, name)), compare them, mark up the contracts.

    Results carry the uploaded names, never the temporary paths. Returns the comparison and the
    marked-up copies as (download name, bytes, MIME type).
    """
    from tenderlint.annotate import ANNOTATABLE_FORMATS, annotate_file, contract_markup
    from tenderlint.compare import compare_documents
    from tenderlint.web.app import _check, _hide_folder

    checked = []
    for (path, name), doc_type in [(solicitation, "rfp")] + [(c, "contract") for c in contracts]:
        result = _check(path, doc_type, options)
        result.path = name
        _hide_folder(result, str(Path(path).parent))
        checked.append(result)
    comparison = compare_documents(checked[0], checked[1:])
    copies = []
    if comparison.compared:
        for (path, name), result in zip(contracts, comparison.contracts):
            if result.error or result.format not in ANNOTATABLE_FORMATS:
                continue
            data = annotate_file(path, result.format, contract_markup(comparison, result.path))
            stem, suffix = Path(name).stem, Path(name).suffix or f".{result.format}"
            copies.append((f"{stem}.annotated{suffix}", data, MIME_TYPES[result.format]))
    return comparison, copies


def add_compare_routes(app: FastAPI, limit: int, max_upload_mb: float, options: CheckOptions) -> None:
    from tenderlint.web.app import _insert_downloads, _problem, refusal_page

    @app.post("/compare", response_class=HTMLResponse)
    async def compare_html(request: Request) -> Response:
        outcome = await _run_compare_upload(request, limit, options)
        if isinstance(outcome, Response):
            return refusal_page(outcome, "The files are too large",
                                f"A comparison's files are limited to {max_upload_mb:g} MB in all. Ask the "
                                "administrator to raise the limit (tenderlint serve --max-upload-mb).")
        comparison, copies = outcome
        if not comparison.compared:
            failed = comparison.errors[0]
            return _problem(failed.error["code"], failed.error["message"], failed.path)
        from tenderlint.report.comparison import render_comparison

        html = render_comparison(comparison, "html")
        return HTMLResponse(_insert_downloads(html, _downloads(comparison, copies)))

    @app.post("/api/compare")
    async def compare_json(request: Request) -> Response:
        outcome = await _run_compare_upload(request, limit, options, api=True)
        if isinstance(outcome, Response):
            return outcome
        comparison, _copies = outcome
        codes = [r.error["code"] for r in comparison.errors]
        status = 500 if "internal" in codes else 422 if not comparison.compared else 200
        return Response(comparison.to_json(), status_code=status, media_type="application/json")


async def _run_compare_upload(request: Request, limit: int, options: CheckOptions, api: bool = False):
    """Receive the files into a private temporary folder, compare them, always remove the folder."""
    from tenderlint.web import app as web_app
    from tenderlint.web.app import UploadTooLarge, _bad_request, _limited, _safe_name, _too_large, save_upload

    limited = _limited(request, limit + 64 * 1024 * (1 + MAX_CONTRACT_FILES))  # the multipart envelope
    if limited is None:
        return _too_large(api, limit)
    folder = tempfile.mkdtemp(prefix="tenderlint-upload-")
    form = None
    try:
        try:
            form = await limited.form(max_files=1 + MAX_CONTRACT_FILES, max_fields=10)
        except UploadTooLarge:
            return _too_large(api, limit)
        except Exception:  # a malformed multipart body, or too many files
            return _bad_request(api, "usage", "the request is not a multipart form upload with a 'solicitation' "
                                              f"file and up to {MAX_CONTRACT_FILES} 'contract' files")
        solicitation = form.get("solicitation")
        contracts = [c for c in form.getlist("contract") if hasattr(c, "read") and (c.filename or c.size)]
        if solicitation is None or not hasattr(solicitation, "read") or not contracts:
            return _bad_request(api, "usage", "choose the solicitation (field 'solicitation') and at least one "
                                              "contract document (field 'contract')")
        names: set[str] = set()
        saved: list[tuple[str, str]] = []
        total = 0
        for index, upload in enumerate([solicitation, *contracts]):
            name = _unique(_safe_name(upload.filename or "document"), names)
            target = Path(folder) / f"{index}-{name}"
            size = await save_upload(upload, target, limit - total)  # the limit holds for all files together
            if size is None:
                return _too_large(api, limit)
            total += size
            saved.append((str(target), name))
        loop = asyncio.get_running_loop()
        executor = request.app.state.executor
        try:
            # Each file has its time limit in the worker; a worker that stalls past all of them
            # (and a grace period) is replaced, as on the check page.
            return await asyncio.wait_for(loop.run_in_executor(executor, compare_uploads, saved[0], saved[1:], options),
                                          options.timeout * len(saved) + web_app.STALL_GRACE_SECONDS)
        except Exception as error:
            failure = web_app._worker_failure(request.app, executor, error, "comparison",
                                              "the comparison took longer than its time limit")
            from tenderlint.compare import compare_documents

            failed = DocumentResult(path=saved[0][1], error=failure.as_dict())
            return compare_documents(failed, [DocumentResult(path=n, error=failure.as_dict()) for _, n in saved[1:]]), []
    finally:
        if form is not None:
            await form.close()
        shutil.rmtree(folder, ignore_errors=True)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… when another upload already has it."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        path = Path(name)
        candidate = f"{path.stem} ({number}){path.suffix}"
    taken.add(candidate)
    return candidate


def _downloads(comparison, copies) -> list[tuple[str, str, str]]:
    from tenderlint.report.comparison import render_comparison

    stem = Path(comparison.solicitation.path).stem or "comparison"
    links = []
    for label, fmt, suffix, mime in (("JSON", "json", "json", "application/json"),
                                     ("Markdown", "markdown", "md", "text/markdown")):
        data = base64.b64encode(render_comparison(comparison, fmt).encode("utf-8")).decode("ascii")
        links.append((label, f"data:{mime};charset=utf-8;base64,{data}", f"{stem}.compare.{suffix}"))
    for name, data, mime in copies:
        links.append((f"Marked-up copy: {name}", f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", name))
    return links
