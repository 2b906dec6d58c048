"""Tests for the local upload page (``tenderlint serve``) through FastAPI's TestClient.

The app runs with ``workers=0`` so checks run in threads of the test process and the loaded
rules and model are shared between tests. Every test runs with a private temporary folder as
``tempfile.gettempdir()`` and records each upload folder the app creates, so "nothing of the
upload is left on disk" is checked on real folders, also after errors and refused uploads.
Test documents are built here, in our own words.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extras (fastapi, python-multipart) are not installed")
pytest.importorskip("multipart", reason="python-multipart is not installed")

import docx  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from tenderlint.check import CheckOptions  # noqa: E402
from tenderlint.errors import TenderlintError  # noqa: E402
from tenderlint.parsers import parse  # noqa: E402
from tenderlint.report import render  # noqa: E402
from tenderlint.web import app as web_app  # noqa: E402
from tenderlint.web.app import CSP, create_app  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_DOCX = REPO / "examples" / "draft-rfp-ai-assistant.docx"
EXAMPLE_NAME = EXAMPLE_DOCX.name
# Gaps the example draft RFP was written to have: it only reports residents' worry about fair
# treatment and says nothing at all about energy use.
DELIBERATE_GAPS = {"bias-fairness", "sustainability"}
TOPIC_KEYS = {"id", "status", "applies", "evidence", "questions", "suggestion"}
UPLOAD_PREFIX = "tenderlint-upload-"
SMALL_LIMIT_MB = 0.01  # 10 KiB: the example DOCX (about 46 KiB) is over it
CANARY = "Quillfeather-Marrowgate"  # a made-up word that must never reach the logs


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    # Load the rules and the model once, here, rather than inside whichever test uploads first.
    web_app._checker_for(CheckOptions())
    with TestClient(create_app(workers=0)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def small_limit_client():
    with TestClient(create_app(max_upload_mb=SMALL_LIMIT_MB, workers=0)) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def upload_folders(tmp_path, monkeypatch):
    """Give each test its own temp dir and list the upload folders the app makes in it.

    After the test, every one of them must be gone. A private temp dir keeps uploads of other
    processes on this machine out of the count.
    """
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    created: list[Path] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        folder = real_mkdtemp(*args, **kwargs)
        created.append(Path(folder))
        return folder

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    yield created
    leftovers = sorted(p.name for p in Path(tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*"))
    assert leftovers == [], f"upload folders left behind: {leftovers}"
    assert all(not folder.exists() for folder in created)


# --- helpers -------------------------------------------------------------------------------


class PageParts(HTMLParser):
    """Collects what the tests look at in a page: visible text, inputs, links, script tags."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.inputs: list[dict] = []
        self.forms: list[dict] = []
        self.downloads: list[dict] = []
        self.scripts = 0
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "script":
            self.scripts += 1
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "input":
            self.inputs.append(attributes)
        if tag == "form":
            self.forms.append(attributes)
        if tag == "a" and "download" in attributes:
            self.downloads.append(attributes)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def page_parts(html: str) -> PageParts:
    parts = PageParts()
    parts.feed(html)
    parts.close()
    return parts


def upload(client: TestClient, path_or_bytes, *, name: str | None = None, doc_type: str | None = "rfp",
           endpoint: str = "/check"):
    if isinstance(path_or_bytes, Path):
        data, name = path_or_bytes.read_bytes(), name or path_or_bytes.name
    else:
        data = path_or_bytes
    form = {"doc_type": doc_type} if doc_type else {}
    return client.post(endpoint, files={"file": (name, data, "application/octet-stream")}, data=form)


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading("Request for proposals: a service desk assistant", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def script_docx() -> bytes:
    return docx_bytes([
        f"The supplier shall tell every user of the {CANARY} service that they are talking to an AI system "
        "<script>alert(1)</script> before the conversation starts.",
        "Replies are drafted for staff, who check each one before it is sent.",
        "The contractor shall keep an audit log of every answer the system gives for three years.",
    ])


def multipart_body(field_name: str, filename: str, payload: bytes, boundary: str) -> bytes:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + payload + f"\r\n--{boundary}--\r\n".encode()


def decoded_data_url(href: str) -> str:
    header, _, data = href.partition(",")
    assert header.startswith("data:") and header.endswith(";base64")
    return base64.b64decode(data).decode("utf-8")


def assert_strict_csp(response) -> None:
    assert response.headers["content-security-policy"] == CSP
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives  # so scripts fall back to default-src 'none'
    assert response.headers["x-content-type-options"] == "nosniff"


# --- the form ------------------------------------------------------------------------------


def test_form_page_offers_file_input_doc_type_choice_and_explanation(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_strict_csp(response)
    parts = page_parts(response.text)
    assert parts.forms == [{"action": "/check", "method": "post", "enctype": "multipart/form-data"},
                           {"action": "/compare", "method": "post", "enctype": "multipart/form-data"}]
    file_inputs = [i for i in parts.inputs if i.get("type") == "file"]
    assert [i["name"] for i in file_inputs] == ["file", "solicitation", "contract"]  # see test_web_compare.py
    assert ".docx" in file_inputs[0]["accept"] and ".pdf" in file_inputs[0]["accept"]
    choices = [i["value"] for i in parts.inputs if i.get("name") == "doc_type" and i.get("type") == "radio"]
    assert choices == ["auto", "rfp", "contract"]
    checked = [i["value"] for i in parts.inputs if i.get("name") == "doc_type" and "checked" in i]
    assert checked == ["auto"]
    assert "checks it against 27 topics" in parts.visible_text
    assert "Nothing you upload is kept" in parts.visible_text
    assert parts.scripts == 0


# --- a good upload -------------------------------------------------------------------------


def test_check_page_is_the_html_report_with_its_gaps_and_downloads(client, upload_folders):
    response = upload(client, EXAMPLE_DOCX)
    assert response.status_code == 200, response.text[:500]
    assert_strict_csp(response)
    assert len(upload_folders) == 1  # the upload really went through a temporary folder

    parts = page_parts(response.text)
    downloads = {link["download"]: link["href"] for link in parts.downloads}
    stem = EXAMPLE_DOCX.stem
    assert set(downloads) == {f"{stem}.tenderlint.json", f"{stem}.tenderlint.md"}

    report = json.loads(decoded_data_url(downloads[f"{stem}.tenderlint.json"]))
    document = report["documents"][0]
    assert document["path"] == EXAMPLE_NAME and document["error"] is None
    gaps = {gap["id"]: gap["name"] for gap in document["gaps"]}
    assert DELIBERATE_GAPS <= set(gaps)
    for name in gaps.values():
        assert name in parts.visible_text

    markdown = decoded_data_url(downloads[f"{stem}.tenderlint.md"])
    assert all(name in markdown for name in gaps.values())

    # The page is the same HTML report `tenderlint check --format html` writes, plus the bar of
    # download links: nothing of the report is lost or changed on the way through the server.
    checked = web_app._checker_for(CheckOptions()).check_file(EXAMPLE_DOCX, "rfp")
    checked.path = EXAMPLE_NAME
    without_bar = re.sub(r'<nav aria-label="Downloads".*?</nav>', "", response.text, count=1, flags=re.S)
    assert without_bar == render([checked], "html")


def test_api_check_returns_the_check_json_schema(client):
    response = upload(client, EXAMPLE_DOCX, endpoint="/api/check")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    report = response.json()
    assert report["schema"] == 1
    assert report["tool"]["name"] == "tenderlint"
    [document] = report["documents"]
    assert document["error"] is None and document["format"] == "docx" and document["doc_type"] == "rfp"
    assert len(document["topics"]) == 27
    for topic in document["topics"]:
        assert TOPIC_KEYS <= set(topic), topic["id"]
        assert topic["status"] in ("covered", "weak", "missing", "waived")
        assert isinstance(topic["questions"], list) and topic["suggestion"]
    covered = [t for t in document["topics"] if t["status"] == "covered"]
    assert covered and all(t["evidence"] and t["evidence"][0]["quote"] for t in covered)
    assert DELIBERATE_GAPS <= {gap["id"] for gap in document["gaps"]}


def test_api_check_equals_cli_check_format_json(client, tmp_path):
    from tenderlint.cli import main

    response = upload(client, EXAMPLE_DOCX, endpoint="/api/check")
    copy = tmp_path / EXAMPLE_NAME
    copy.write_bytes(EXAMPLE_DOCX.read_bytes())
    cwd = os.getcwd()
    os.chdir(tmp_path)  # so the CLI names the file exactly as the upload was named
    try:
        result = CliRunner().invoke(main, ["check", EXAMPLE_NAME, "--type", "rfp", "--format", "json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output  # 1: the example has gaps
    assert response.json() == json.loads(result.stdout)


def test_doc_type_choice_is_used_and_auto_detects(client):
    as_contract = upload(client, EXAMPLE_DOCX, doc_type="contract", endpoint="/api/check").json()["documents"][0]
    assert as_contract["doc_type"] == "contract" and as_contract["doc_type_reason"] == "set by the user (--type)"
    detected = upload(client, EXAMPLE_DOCX, doc_type="auto", endpoint="/api/check").json()["documents"][0]
    assert detected["doc_type"] == "rfp" and detected["doc_type_reason"] != "set by the user (--type)"
    not_given = upload(client, EXAMPLE_DOCX, doc_type=None, endpoint="/api/check").json()["documents"][0]
    assert not_given["doc_type"] == "rfp" and not_given["doc_type_reason"] == detected["doc_type_reason"]


def test_upload_name_is_reduced_to_a_harmless_file_name(client):
    response = upload(client, EXAMPLE_DOCX, name="..\\..\\etc\\draft<img src=x>.docx", endpoint="/api/check")
    assert response.status_code == 200
    assert response.json()["documents"][0]["path"] == "draft_img src_x_.docx"


# --- refused and unreadable uploads --------------------------------------------------------


def test_upload_over_the_limit_with_content_length_gets_413_page(small_limit_client, upload_folders):
    response = upload(small_limit_client, os.urandom(200_000), name="big.docx")
    assert response.status_code == 413
    assert_strict_csp(response)
    parts = page_parts(response.text)
    assert "The file is too large" in parts.visible_text and "too-large" in parts.visible_text
    assert f"{SMALL_LIMIT_MB:g} MB" in parts.visible_text
    assert upload_folders == []  # refused from the header alone, before anything was written


def test_upload_over_the_limit_without_content_length_gets_413(small_limit_client, upload_folders):
    boundary = "tenderlint-test-boundary"
    body = multipart_body("file", "big.docx", os.urandom(300_000), boundary)
    sent: list[int] = []

    def chunks():
        for start in range(0, len(body), 16_384):
            sent.append(start)
            yield body[start:start + 16_384]

    for endpoint in ("/check", "/api/check"):
        sent.clear()
        response = small_limit_client.post(endpoint, content=chunks(),
                                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert "content-length" not in {k.lower() for k in response.request.headers}
        assert response.request.headers["transfer-encoding"] == "chunked"
        assert response.status_code == 413
        assert_strict_csp(response)
    assert "The file is too large" in page_parts(small_limit_client.post(
        "/check", content=chunks(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    ).text).visible_text
    assert len(upload_folders) == 3  # the body was being received when the limit stopped it


def test_file_over_the_limit_inside_the_multipart_allowance_gets_413(small_limit_client, upload_folders):
    # 46 KiB: over the 10 KiB limit but under the limit plus the multipart envelope allowance,
    # so it is the size of the file itself, counted while it is written, that refuses it.
    response = upload(small_limit_client, EXAMPLE_DOCX, endpoint="/api/check")
    assert response.status_code == 413
    assert response.json() == {"error": {"code": "too-large", "message": "uploads are limited to 0.01 MB"}}
    assert len(upload_folders) == 1


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Length 999 >>\nstream\n" + bytes(
        range(256)) * 4


UNREADABLE_UPLOADS = {
    "random-bytes": ("notes.bin", lambda: os.urandom(4096), "unsupported-format", "This file type is not supported"),
    "random-bytes-named-docx": ("draft.docx", lambda: os.urandom(4096), "unsupported-format",
                                "This file type is not supported"),
    "empty-file": ("draft.docx", lambda: b"", "empty", "The file is empty"),
    "whitespace-text": ("draft.txt", lambda: b"  \n\n\t ", "empty", "The file is empty"),
    "corrupt-pdf": ("draft.pdf", broken_pdf, "corrupt", "The file is damaged"),
    "truncated-docx": ("draft.docx", lambda: EXAMPLE_DOCX.read_bytes()[:20_000], "corrupt", "The file is damaged"),
}


@pytest.mark.parametrize("case", UNREADABLE_UPLOADS, ids=list(UNREADABLE_UPLOADS))
def test_unreadable_upload_gets_a_friendly_page_with_the_cli_error_code(client, case, tmp_path, upload_folders):
    name, make, code, title = UNREADABLE_UPLOADS[case]
    data = make()
    on_disk = tmp_path / name
    on_disk.write_bytes(data)
    with pytest.raises(TenderlintError) as raised:  # what `tenderlint check` reports for this file
        parse(on_disk)
    assert raised.value.code == code

    page = upload(client, data, name=name)
    assert page.status_code == 422
    assert_strict_csp(page)
    text = page_parts(page.text).visible_text
    assert title in text and code in text and name in text
    assert "Traceback" not in page.text and "tenderlint-upload-" not in page.text and str(tmp_path) not in page.text

    api = upload(client, data, name=name, endpoint="/api/check")
    assert api.status_code == 422
    document = api.json()["documents"][0]
    assert document["error"]["code"] == code and document["path"] == name
    assert "tenderlint-upload-" not in document["error"]["message"]
    assert len(upload_folders) == 2


def test_request_without_a_file_gets_a_usage_page(client):
    page = client.post("/check", data={"doc_type": "rfp"})
    assert page.status_code == 400
    assert "usage" in page_parts(page.text).visible_text and "choose a document" in page.text
    api = client.post("/api/check", content=b'{"file": "x"}', headers={"Content-Type": "application/json"})
    assert api.status_code == 400 and api.json()["error"]["code"] == "usage"


def test_unexpected_failure_gets_an_internal_error_page_not_a_traceback(client, monkeypatch, caplog):
    def failing_check(path, doc_type, options):
        raise RuntimeError(f"boom while reading {CANARY}")

    monkeypatch.setattr(web_app, "_check", failing_check)
    caplog.set_level(logging.DEBUG)
    page = upload(client, EXAMPLE_DOCX)
    assert page.status_code == 500
    assert "internal" in page_parts(page.text).visible_text and "Traceback" not in page.text
    assert CANARY not in page.text
    api = upload(client, EXAMPLE_DOCX, endpoint="/api/check")
    assert api.status_code == 500 and api.json()["documents"][0]["error"]["code"] == "internal"
    assert any("RuntimeError" in record.getMessage() for record in caplog.records)
    assert all(CANARY not in record.getMessage() for record in caplog.records)


def end_worker_process(path, doc_type, options):
    """Stands in for the check in a worker process and ends that process, as a native crash would."""
    os._exit(70)


def test_dead_worker_process_gets_an_error_page_and_fresh_workers(monkeypatch, caplog):
    # The forked worker finds this test module already imported, so it can run end_worker_process.
    with TestClient(create_app(workers=1)) as worker_client:
        first_pool, real_check = worker_client.app.state.executor, web_app._check
        monkeypatch.setattr(web_app, "_check", end_worker_process)
        crashed = upload(worker_client, EXAMPLE_DOCX)
        assert crashed.status_code == 500
        assert "internal" in page_parts(crashed.text).visible_text and "Traceback" not in crashed.text
        assert any("worker process died" in record.getMessage() for record in caplog.records)
        monkeypatch.setattr(web_app, "_check", real_check)
        assert worker_client.app.state.executor is not first_pool
        recovered = upload(worker_client, EXAMPLE_DOCX, endpoint="/api/check")
        assert recovered.status_code == 200 and len(recovered.json()["documents"][0]["topics"]) == 27, recovered.text[:300]


# --- document text stays text, and stays out of the logs ----------------------------------


def test_script_in_a_document_is_shown_escaped(client):
    response = upload(client, script_docx(), name="script.docx")
    assert response.status_code == 200, response.text[:500]
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text  # quoted as evidence, as text
    parts = page_parts(response.text)
    assert parts.scripts == 0
    assert "<script>alert(1)</script>" in parts.visible_text  # what the reader sees
    assert_strict_csp(response)


def test_document_text_never_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    good = upload(client, script_docx(), name="canary.docx")
    assert good.status_code == 200 and CANARY in good.text  # the text did go through the check
    broken = upload(client, script_docx()[:3000], name="canary.docx")
    assert broken.status_code == 422
    example = upload(client, EXAMPLE_DOCX, endpoint="/api/check").json()["documents"][0]
    quotes = [e["quote"] for t in example["topics"] for e in t["evidence"]]
    assert quotes
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert CANARY not in logged and "alert(1)" not in logged
    assert not [quote for quote in quotes if quote[:60] in logged]


# --- several uploads at once ---------------------------------------------------------------


def test_four_uploads_at_once_all_get_their_report(client, monkeypatch):
    running, most_at_once = 0, 0
    lock = threading.Lock()
    real_check = web_app._check

    def counting_check(*args):
        nonlocal running, most_at_once
        with lock:
            running += 1
            most_at_once = max(most_at_once, running)
        try:
            time.sleep(0.2)  # widen the window so overlapping checks are seen on a busy machine
            return real_check(*args)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(web_app, "_check", counting_check)
    results: dict[int, object] = {}

    def send(index: int) -> None:
        name = f"draft-{index}.docx"
        results[index] = upload(client, EXAMPLE_DOCX, name=name, endpoint="/api/check")

    threads = [threading.Thread(target=send, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [0, 1, 2, 3]
    reports = []
    for index, response in sorted(results.items()):
        assert response.status_code == 200
        document = response.json()["documents"][0]
        assert document["path"] == f"draft-{index}.docx"
        reports.append([(t["id"], t["status"]) for t in document["topics"]])
    assert all(report == reports[0] for report in reports) and len(reports[0]) == 27
    assert most_at_once >= 2  # the checks really overlapped (the thread pool has two workers)


# --- the command ---------------------------------------------------------------------------


def test_serve_command_documents_its_options():
    from tenderlint.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--max-upload-mb", "--workers", "--no-model"):
        assert option in result.output
    assert "127.0.0.1" in result.output


# --- time limits (issue 14) ------------------------------------------------------------------


def check_with_a_stuck_parser(path, doc_type, options):
    """In a worker: the real check, with a parser that never finishes (as a pathological file would)."""
    import tenderlint.check

    real = tenderlint.check.parse_file
    tenderlint.check.parse_file = lambda *_args: time.sleep(600)
    try:
        return web_app._check(path, doc_type, options)
    finally:
        tenderlint.check.parse_file = real


def stall_the_worker(path, doc_type, options):
    """In a worker: the worker itself stops answering (its own time limit never comes into play)."""
    time.sleep(600)


def test_a_check_over_the_time_limit_gets_error_timeout_and_the_worker_goes_on(monkeypatch):
    with TestClient(create_app(workers=1, timeout=5)) as worker_client:
        pool, real_check = worker_client.app.state.executor, web_app._check
        pool.submit(time.sleep, 0).result()  # the worker has started and loaded its Checker
        monkeypatch.setattr(web_app, "_check", check_with_a_stuck_parser)
        started = time.monotonic()
        stuck = upload(worker_client, EXAMPLE_DOCX, endpoint="/api/check")
        assert time.monotonic() - started < 30
        assert stuck.status_code == 422 and stuck.json()["documents"][0]["error"]["code"] == "timeout"
        monkeypatch.setattr(web_app, "_check", real_check)
        assert worker_client.app.state.executor is pool, "the worker killed its own check: no new pool needed"
        after = upload(worker_client, b"The Contractor shall encrypt all data at rest.\n", name="short.txt",
                       endpoint="/api/check")
        assert after.status_code == 200 and len(after.json()["documents"][0]["topics"]) == 27, after.json()["documents"][0]["error"]


def test_a_stalled_worker_is_replaced(monkeypatch, caplog):
    # (A limit generous enough for the real check afterwards on a busy machine; the grace is cut short.)
    monkeypatch.setattr(web_app, "STALL_GRACE_SECONDS", 0.5)
    with TestClient(create_app(workers=1, timeout=15)) as worker_client:
        pool, real_check = worker_client.app.state.executor, web_app._check
        pool.submit(time.sleep, 0).result()  # the worker has started and loaded its Checker
        processes = list(pool._processes.values())
        monkeypatch.setattr(web_app, "_check", stall_the_worker)
        stalled = upload(worker_client, EXAMPLE_DOCX)
        assert stalled.status_code == 422 and "timeout" in page_parts(stalled.text).visible_text
        assert any("stalled" in record.getMessage() for record in caplog.records)
        assert worker_client.app.state.executor is not pool
        for process in processes:
            # The pool's own management thread may reap the killed child first; wait for the
            # process to be seen dead (its exit code set) rather than for one join to return.
            deadline = time.monotonic() + 60
            while process.exitcode is None and time.monotonic() < deadline:
                process.join(timeout=1)
            assert process.exitcode is not None, "the stalled worker was killed"
        monkeypatch.setattr(web_app, "_check", real_check)
        worker_client.app.state.executor.submit(time.sleep, 0).result()  # the new pool starts
        recovered = upload(worker_client, b"The Contractor shall encrypt all data at rest.\n", name="short.txt",
                           endpoint="/api/check")
        assert recovered.status_code == 200 and len(recovered.json()["documents"][0]["topics"]) == 27, recovered.text[:300]
