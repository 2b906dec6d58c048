"""The FastAPI application behind ``tenderlint serve``.

- ``GET /``: the upload form.
- ``POST /check``: multipart field ``file`` (and ``doc_type``) → the HTML gap report, with the
  same result as JSON and Markdown downloads embedded in the page.
- ``POST /api/check``: the JSON report (the schema of ``check --format json``).
- ``POST /compare`` and ``POST /api/compare``: a contract compared with its solicitation
  (``web.compare_page``), with a marked-up copy of the contract to download.

Confidential drafts: an upload is written to a private temporary folder only for the time of
the check and removed when the request ends, also on errors; document text is never logged.
The analysis runs in worker processes (each loads the rules and model once), off the event
loop, so several uploads are served at once; if a worker dies, the pool is started afresh.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tenderlint import __version__
from tenderlint.budget import DEFAULT_TIMEOUT
from tenderlint.check import CheckOptions
from tenderlint.errors import TenderlintError
from tenderlint.results import REQUESTED_DOC_TYPES, DocumentResult

CHUNK = 1 << 20
# How long past the per-check time limit a worker may take to answer before it counts as stalled
# (a new worker first loads the rules and the model, which can take a while on a busy machine).
STALL_GRACE_SECONDS = 60.0
ORPHAN_CHECK_SECONDS = 1.0
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))

# -- the work, in a worker process --------------------------------------------------------------

# One Checker per options and document type per process: loading the rules and the model is the
# slow part, so a type override shares them with the base Checker instead of loading them again.
_CHECKERS: dict[str, object] = {}
_CHECKERS_LOCK = threading.Lock()
_MAX_CACHED_CHECKERS = 12


def _init_worker(options: CheckOptions) -> None:
    # A forked worker inherits uvicorn's signal handlers, which would make it ignore SIGTERM; and
    # uvicorn ends the server by re-raising the signal, so the pool never says goodbye to its
    # workers. Restore the default for SIGTERM, leave Ctrl+C to the server, and end the worker
    # as soon as the server process is gone, so no worker outlives ``tenderlint serve``.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_when_orphaned, args=(os.getppid(),), name="tenderlint-orphan-watch",
                     daemon=True).start()
    _checker_for(options)


def _end_when_orphaned(server_pid: int) -> None:
    while os.getppid() == server_pid:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def _checker_for(options: CheckOptions):
    from tenderlint.check import Checker

    # Keyed by the options' text: a worker process receives a fresh copy of them with every task.
    # The OCR mode is left out: it only changes how a file is read, and is passed with each file.
    options_key = repr(replace(options, ocr="auto"))
    with _CHECKERS_LOCK:  # threads (workers=0) must not load the rule pack twice at once
        checker = _CHECKERS.get(options_key)
        if checker is None:
            if len(_CHECKERS) >= _MAX_CACHED_CHECKERS:
                _CHECKERS.clear()
            checker = _CHECKERS[options_key] = Checker(options)
        return checker


def _worker_failure(app, executor, error: Exception, job: str, timeout_message: str) -> TenderlintError:
    """The coded error for a ``job`` ("check", "comparison") that did not come back from its worker.

    One place for the check and compare pages: a worker that stalled past the time limit cannot be
    stopped alone, so the whole pool is replaced; a dead worker (a crash in a native parser, killed
    for memory) leaves the pool unusable, so it is replaced too. Only the exception's type is
    logged: its message could quote the confidential document.
    """
    if isinstance(error, TenderlintError):  # e.g. an invalid rule pack: the same coded message as the CLI
        return error
    if isinstance(error, asyncio.TimeoutError):
        logger.error("a worker stalled past the time limit during a %s; starting new workers", job)
        _replace_broken_pool(app, executor, kill=True)
        return TenderlintError("timeout", timeout_message)
    if isinstance(error, BrokenProcessPool):
        logger.error("a worker process died during a %s; starting new workers", job)
        _replace_broken_pool(app, executor)
        return TenderlintError("internal", f"the {job} stopped unexpectedly (a bug: please report it); try again")
    logger.error("a %s failed: internal error %s", job, type(error).__name__)
    return TenderlintError("internal", f"an unexpected internal error stopped the {job} (a bug: please report it)")


def _check(path: str, doc_type: str, options: CheckOptions):
    """Check one uploaded file with this worker's Checker (``doc_type`` may override auto)."""
    return _checker_for(options).check_file(path, doc_type, options.ocr)


logger = logging.getLogger(__name__)


class UploadTooLarge(Exception):
    """The request body grew past the upload limit while it was being received."""


def create_app(max_upload_mb: float = 25, workers: int = 2, options: CheckOptions | None = None,
               executor: Executor | None = None, timeout: float | None = None) -> FastAPI:
    """The application; ``workers=0`` checks in threads of this process (handy for tests).

    Each check has a time limit (``timeout``, else the options', else the default 120 s): a worker
    process checks each upload in a child it kills when over the limit (``error[timeout]``). Should
    a worker itself stall past the limit and a grace period, the upload gets ``error[timeout]`` and
    the workers are replaced. (Threads cannot be stopped: with ``workers=0`` the page still answers
    at the limit, but the thread runs on.)
    """
    options = options or CheckOptions()
    options = replace(options, timeout=timeout or options.timeout or DEFAULT_TIMEOUT)
    limit = int(max_upload_mb * 1024 * 1024)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = executor is None
        app.state.new_worker_pool = None
        if executor is not None:
            app.state.executor = executor
        elif workers > 0:
            def new_worker_pool() -> ProcessPoolExecutor:
                return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(options,))

            app.state.new_worker_pool = new_worker_pool
            app.state.executor = new_worker_pool()
        else:
            app.state.executor = ThreadPoolExecutor(max_workers=2)
        try:
            yield
        finally:
            if own:
                app.state.executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="tenderlint", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.get("/", response_class=HTMLResponse)
    async def form() -> HTMLResponse:
        from tenderlint.web.compare_page import MAX_CONTRACT_FILES

        return _page("form.html.j2", max_upload_mb=max_upload_mb, max_contract_files=MAX_CONTRACT_FILES,
                     ocr=options.ocr)

    @app.post("/check", response_class=HTMLResponse)
    async def check_html(request: Request) -> Response:
        outcome = await _run_upload(request, limit, options)
        if isinstance(outcome, Response):
            return refusal_page(outcome, "The file is too large",
                                f"Uploads are limited to {max_upload_mb:g} MB. Split the document or ask the "
                                "administrator to raise the limit (tenderlint serve --max-upload-mb).")
        result, name = outcome
        if result.error:
            return _problem(result.error["code"], result.error["message"], name)
        from tenderlint.report import render

        html = render([result], "html")
        downloads = _downloads(result, name)
        return HTMLResponse(_insert_downloads(html, downloads))

    @app.post("/api/check")
    async def check_json(request: Request) -> Response:
        outcome = await _run_upload(request, limit, options, api=True)
        if isinstance(outcome, Response):
            return outcome
        result, _name = outcome
        from tenderlint.report import render

        status = 200 if not result.error else 500 if result.error["code"] == "internal" else 422
        return Response(render([result], "json"), status_code=status, media_type="application/json")

    from tenderlint.web.compare_page import add_compare_routes

    add_compare_routes(app, limit, max_upload_mb, options)
    return app


async def _run_upload(request: Request, limit: int, options: CheckOptions, api: bool = False):
    """Receive the upload into a private temporary folder, check it, always remove it."""
    limited = _limited(request, limit + 64 * 1024)  # the multipart envelope around the file
    if limited is None:
        return _too_large(api, limit)
    folder = tempfile.mkdtemp(prefix="tenderlint-upload-")
    form = None
    try:
        try:
            form = await limited.form(max_files=1, max_fields=10)
        except UploadTooLarge:
            return _too_large(api, limit)
        except Exception:  # a malformed multipart body
            return _bad_request(api, "usage", "the request is not a multipart form upload with a 'file' field")
        upload = form.get("file")
        doc_type = str(form.get("doc_type") or options.doc_type or "auto")
        if doc_type not in REQUESTED_DOC_TYPES:
            doc_type = "auto"
        ocr = str(form.get("ocr") or options.ocr)
        if ocr not in ("auto", "always", "never"):
            ocr = options.ocr
        if upload is None or not hasattr(upload, "read"):
            return _bad_request(api, "usage", "choose a document to upload (form field 'file')")
        name = _safe_name(upload.filename or "document")
        target = Path(folder) / name
        if await save_upload(upload, target, limit) is None:
            return _too_large(api, limit)
        loop = asyncio.get_running_loop()
        executor = request.app.state.executor
        try:
            upload_options = options if ocr == options.ocr else replace(options, ocr=ocr)
            result = await asyncio.wait_for(
                loop.run_in_executor(executor, _check, str(target), doc_type, upload_options),
                options.timeout + STALL_GRACE_SECONDS)
        except Exception as error:
            result = DocumentResult(path=name, error=_worker_failure(
                request.app, executor, error, "check",
                f"the check took longer than the {options.timeout:g} s time limit").as_dict())
        result.path = name  # never show the server's temporary path
        _hide_folder(result, folder)
        return result, name
    finally:
        if form is not None:
            await form.close()
        shutil.rmtree(folder, ignore_errors=True)


async def save_upload(upload, target: Path, allowance: int) -> int | None:
    """Write an uploaded file to ``target`` in chunks; its size, or None as soon as it passes
    ``allowance`` bytes (what is left of the request's limit)."""
    size = 0
    with target.open("wb") as handle:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > allowance:
                return None
            handle.write(chunk)
    return size


def _limited(request: Request, allowance: int) -> Request | None:
    """The request with its body counted as it streams in: reading past ``allowance`` bytes raises
    UploadTooLarge, so a chunked upload without Content-Length is stopped too. None when the
    Content-Length already says the body is over it."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > allowance:
        return None
    received = 0

    async def limited_receive():
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > allowance:
            raise UploadTooLarge()
        return message

    return Request(request.scope, receive=limited_receive)


def _replace_broken_pool(app: FastAPI, broken: Executor, kill: bool = False) -> None:
    # Requests that failed together all land here; only the first replaces the pool. A stalled
    # pool's processes are killed (``kill``): shutting it down would wait for them forever.
    if app.state.new_worker_pool is not None and app.state.executor is broken:
        app.state.executor = app.state.new_worker_pool()
        processes = list((getattr(broken, "_processes", None) or {}).values()) if kill else []
        broken.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()


def _hide_folder(result: DocumentResult, folder: str) -> None:
    """Remove the private temporary folder from messages: the user only knows their file's name."""
    prefix = str(Path(folder)) + "/"
    if result.error:
        result.error = {**result.error, "message": result.error.get("message", "").replace(prefix, "")}
    result.warnings = [warning.replace(prefix, "") for warning in result.warnings]


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "document"
    return name[:120]


def _page(template: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(version=__version__, **context), status_code=status)


def _problem(code: str, message: str, name: str) -> HTMLResponse:
    titles = {
        "unsupported-format": "This file type is not supported",
        "corrupt": "The file is damaged",
        "encrypted": "The PDF is password-protected",
        "no-text-layer": "The PDF has no text layer",
        "empty": "The file is empty",
        "too-large": "The file is too large",
        "decompression-limit": "The document expands too much",
        "unsafe-xml": "The document contains refused XML",
        "binary-text": "The text file contains binary data",
    }
    status = 500 if code == "internal" else 422
    return _page("problem.html.j2", status=status, title=titles.get(code, "The document could not be checked"),
                 message=message, code=code, name=name)


def refusal_page(response: Response, title: str, message: str) -> Response:
    """What an HTML route shows for an upload refused before checking: the bare 413 of
    ``_too_large`` becomes a page saying the limit; other refusals already are pages."""
    if response.status_code != 413:
        return response
    return _page("problem.html.j2", status=413, title=title, message=message, code="too-large")


def _too_large(api: bool, limit: int) -> Response:
    message = f"uploads are limited to {limit / (1024 * 1024):.3g} MB"
    if api:
        return JSONResponse({"error": {"code": "too-large", "message": message}}, status_code=413)
    return Response(status_code=413)


def _bad_request(api: bool, code: str, message: str) -> Response:
    if api:
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=400)
    return _page("problem.html.j2", status=400, title="Nothing to check", message=message, code=code)


def _downloads(result, name: str) -> list[tuple[str, str, str]]:
    from tenderlint.report import render

    stem = Path(name).stem or "report"
    links = []
    for label, fmt, suffix, mime in (("JSON", "json", "json", "application/json"),
                                     ("Markdown", "markdown", "md", "text/markdown")):
        data = base64.b64encode(render([result], fmt).encode("utf-8")).decode("ascii")
        links.append((label, f"data:{mime};charset=utf-8;base64,{data}", f"{stem}.tenderlint.{suffix}"))
    return links


def _insert_downloads(html: str, downloads: list[tuple[str, str, str]]) -> str:
    bar = _env.get_template("downloads.html.j2").render(downloads=downloads)
    match = re.search(r"<body[^>]*>", html)
    if not match:
        return bar + html
    return html[: match.end()] + bar + html[match.end():]
