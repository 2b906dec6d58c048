"""The web page's compare form (``POST /compare``, ``POST /api/compare``) through FastAPI's TestClient:
the pair we wrote is compared as on the command line, the marked-up contract comes back as a
download made in memory, and the upload guarantees of the check form hold (limit, nothing left on
disk, escaping, no outside requests). Fixtures and helpers are those of test_web.py."""

from __future__ import annotations

import base64
import logging
import io
import json
import zipfile

import pytest

pytest.importorskip("fastapi", reason="the web extras (fastapi, python-multipart) are not installed")
pytest.importorskip("multipart", reason="python-multipart is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from comparepairs import INTENDED, build_pair  # noqa: E402
from test_web import (  # noqa: E402,F401  (fixtures used by name)
    CANARY,
    SMALL_LIMIT_MB,
    assert_strict_csp,
    client,
    decoded_data_url,
    page_parts,
    upload_folders,
)
from tenderlint.compare import load_schema  # noqa: E402
from tenderlint.web import compare_page  # noqa: E402
from tenderlint.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return build_pair(tmp_path_factory.mktemp("pair"))


def compare(client, solicitation, contracts, endpoint="/compare"):
    files = [("solicitation", (solicitation[0], solicitation[1], "application/octet-stream"))]
    files += [("contract", (name, data, "application/octet-stream")) for name, data in contracts]
    return client.post(endpoint, files=files)


def named(path):
    return path.name, path.read_bytes()


def data_url_bytes(href: str) -> bytes:
    header, _, data = href.partition(",")
    assert header.startswith("data:") and header.endswith(";base64")
    return base64.b64decode(data)


def test_form_page_has_the_compare_form(client):
    parts = page_parts(client.get("/").text)
    assert {"action": "/compare", "method": "post", "enctype": "multipart/form-data"} in parts.forms
    inputs = {i["name"]: i for i in parts.inputs if i.get("type") == "file"}
    assert "multiple" in inputs["contract"] and "multiple" not in inputs["solicitation"]
    assert "required" in inputs["contract"] and "required" in inputs["solicitation"]
    assert "Compare a contract with its solicitation" in parts.visible_text


def test_compare_page_shows_the_changes_and_offers_the_marked_up_copy(client, pair, upload_folders):
    response = compare(client, named(pair["solicitation"]["pdf"]), [named(pair["contract"]["docx"])])
    assert response.status_code == 200, response.text[:500]
    assert_strict_csp(response)
    assert len(upload_folders) == 1
    parts = page_parts(response.text)
    assert parts.scripts == 0
    text = parts.visible_text
    for name in ("Exit and transition", "Testing, acceptance and pilots", "Logging, traceability and audit rights",
                 "Data rights and use"):
        assert name in text
    assert "The service keeps logs for its own operation." in text
    downloads = {link["download"]: link["href"] for link in parts.downloads}
    assert set(downloads) == {"solicitation.compare.json", "solicitation.compare.md", "contract.annotated.docx"}
    report = json.loads(decoded_data_url(downloads["solicitation.compare.json"]))
    jsonschema = pytest.importorskip("jsonschema")
    assert list(jsonschema.Draft202012Validator(load_schema()).iter_errors(report)) == []
    assert report["solicitation"]["path"] == "solicitation.pdf" and report["contracts"][0]["path"] == "contract.docx"
    assert {t["id"] for t in report["topics"] if t["change"] == "dropped"} == INTENDED["dropped"]
    assert "tenderlint-upload-" not in response.text  # no temporary path anywhere
    marked = data_url_bytes(downloads["contract.annotated.docx"])
    with zipfile.ZipFile(io.BytesIO(marked)) as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
    assert "Weakened: Logging, traceability and audit rights" in comments and "Dropped: Exit and transition" in comments


def test_api_compare_pools_several_contract_files(client, pair):
    response = compare(client, named(pair["solicitation"]["md"]),
                       [named(pair["contract"]["pdf"]), named(pair["exit-schedule"]["docx"])], "/api/compare")
    assert response.status_code == 200
    report = response.json()
    assert [c["path"] for c in report["contracts"]] == ["contract.pdf", "exit-schedule.docx"]
    topics = {t["id"]: t for t in report["topics"]}
    assert topics["exit-transition"]["change"] == "kept"
    assert {e["document"] for e in topics["exit-transition"]["evidence"]["contract"]} == {"exit-schedule.docx"}


def test_two_contract_files_with_one_name_are_told_apart(client, pair):
    contract = pair["contract"]["md"].read_bytes()
    response = compare(client, named(pair["solicitation"]["md"]), [("terms.md", contract), ("terms.md", contract)],
                       "/api/compare")
    assert [c["path"] for c in response.json()["contracts"]] == ["terms.md", "terms (2).md"]


def test_missing_contract_is_a_usage_page(client, pair):
    response = client.post("/compare", files=[("solicitation", named(pair["solicitation"]["md"]))])
    assert response.status_code == 400 and "usage" in response.text


def test_unreadable_solicitation_gets_the_error_page(client, pair, upload_folders):
    response = compare(client, ("empty.pdf", b""), [named(pair["contract"]["md"])])
    assert response.status_code == 422
    assert "empty" in page_parts(response.text).visible_text
    assert len(upload_folders) == 1


def test_compare_over_the_limit_in_all_gets_413_and_keeps_nothing(pair, upload_folders):
    with TestClient(create_app(max_upload_mb=SMALL_LIMIT_MB, workers=0)) as small:
        # Each file is under the limit; together they are over it.
        half = int(SMALL_LIMIT_MB * 1024 * 1024 * 0.6)
        response = compare(small, ("a.txt", b"a " * (half // 2)), [("b.txt", b"b " * (half // 2))])
    assert response.status_code == 413
    assert "too large" in response.text.lower()


def test_document_text_is_escaped_and_never_logged(client, pair, caplog):
    contract = (f"The {CANARY} supplier may use Customer data to train and improve its models "
                "<script>alert(1)</script>.\n").encode()
    with caplog.at_level("DEBUG"):
        response = compare(client, named(pair["solicitation"]["md"]), [("terms.txt", contract)])
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert CANARY not in caplog.text


def test_unexpected_failure_in_a_comparison_is_an_internal_error_not_a_traceback(client, pair, monkeypatch, caplog):
    """The compare page shares the check page's handling of a failed worker (web.app._worker_failure)."""
    def failing_comparison(solicitation, contracts, options):
        raise RuntimeError("boom while reading the confidential contract")

    monkeypatch.setattr(compare_page, "compare_uploads", failing_comparison)
    caplog.set_level(logging.DEBUG)
    response = compare(client, named(pair["solicitation"]["md"]), [named(pair["contract"]["pdf"])], "/api/compare")
    assert response.status_code == 500
    report = response.json()
    assert report["solicitation"]["error"]["code"] == "internal"
    assert "confidential" not in response.text
    assert any("RuntimeError" in record.getMessage() for record in caplog.records)
    assert all("confidential" not in record.getMessage() for record in caplog.records)
