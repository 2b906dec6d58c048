"""The compare form in a real headless Chromium, driven by Playwright: upload a solicitation and a
contract, see what was dropped, weakened and turned against the buyer, and download the marked-up
copy of the contract. The server and browser fixtures are those of test_web_browser.py (the same
``tenderlint serve`` subprocess setup); skips when Chromium or playwright is missing."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from comparepairs import build_pair
from test_web_browser import browser, server_url, sync_playwright  # noqa: F401  (fixtures used by name)

pytestmark = pytest.mark.slow


def test_browser_compares_a_contract_and_downloads_the_marked_up_copy(browser, server_url, tmp_path):
    pair = build_pair(tmp_path / "pair")
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(server_url)
        assert page.get_by_role("heading", name="Compare a contract with its solicitation").is_visible()
        page.set_input_files("input[type=file][name=solicitation]", str(pair["solicitation"]["pdf"]))
        page.set_input_files("input[type=file][name=contract]",
                             [str(pair["contract"]["docx"]), str(pair["exit-schedule"]["md"])])
        with page.expect_navigation(url=f"{server_url}compare", timeout=120_000):
            page.get_by_role("button", name="Compare the documents").click()

        assert page.get_by_role("heading", name="What the contract kept, weakened or dropped").is_visible()
        findings = page.locator("#findings")
        assert findings.get_by_role("heading", name="Dropped, weakened or against the buyer (5)").is_visible()
        for topic, change in (("testing-acceptance", "dropped"), ("audit-logging", "weakened"),
                              ("data-rights", "against")):
            assert change in page.locator(f"#topic-{topic} h3").inner_text()
        row = page.locator("#topics tr", has_text="exit-transition")
        assert "kept" in row.inner_text()  # kept by the exit schedule, the second contract file
        assert "The service keeps logs for its own operation." in page.locator("#topic-audit-logging").inner_text()

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Marked-up copy: contract.annotated.docx").click()
        download = download_info.value
        assert download.suggested_filename == "contract.annotated.docx"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        marked = docx.Document(str(saved))
        comments = [c.text for c in marked.comments]
        assert any(c.startswith("Weakened: Logging, traceability and audit rights") for c in comments)
        assert any(c.startswith("Against the buyer (high)") for c in comments)
        original = docx.Document(str(pair["contract"]["docx"]))
        assert [p.text for p in marked.paragraphs] == [p.text for p in original.paragraphs]
        with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
            assert "word/comments.xml" in archive.namelist()
        assert console_errors == []
    finally:
        context.close()
