"""End-to-end test of the upload page in a real headless Chromium, driven by Playwright.

``tenderlint serve`` runs as a subprocess on a free loopback port with one worker process, as a
user would start it; the browser opens the page, uploads the example draft RFP, reads the gap
report, downloads the JSON result and takes a screenshot. When the server stops, none of its
worker processes may be left running. Skips when Chromium or the playwright package is missing.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[1]
EXAMPLE_DOCX = REPO / "examples" / "draft-rfp-ai-assistant.docx"
# The example draft RFP says nothing at all about environmental sustainability.
KNOWN_GAP = "Environmental sustainability"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SERVER_START_SECONDS = 90

pytestmark = pytest.mark.slow


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (install the chromium package to run the browser test)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    return playwright_api.sync_playwright


@pytest.fixture(scope="module")
def server_url(sync_playwright):
    pytest.importorskip("uvicorn", reason="the web extras (uvicorn) are not installed")
    port = free_loopback_port()
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen(
        [sys.executable, "-m", "tenderlint", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"tenderlint serve exited with {server.returncode}: {server.stdout.read()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"tenderlint serve did not answer on {url} within {SERVER_START_SECONDS} s")
            time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        # Worker processes carry the server's command line; none may outlive the server.
        leftovers = processes_serving_on(port, within_seconds=10)
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
        assert leftovers == [], f"worker processes outlived tenderlint serve: {leftovers}"


def processes_serving_on(port: int, within_seconds: float) -> list[int]:
    """Pids of `tenderlint serve --port PORT` processes still running after ``within_seconds``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    wanted = ["serve", "--port", str(port)]
    deadline = time.monotonic() + within_seconds
    while True:
        found = []
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                arguments = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:  # ended while we looked
                continue
            if "tenderlint" in arguments and all(part in arguments for part in wanted):
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return sorted(found)
        time.sleep(0.25)


@pytest.fixture(scope="module")
def browser(sync_playwright):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_browser_uploads_the_example_rfp_and_sees_its_gaps(browser, server_url, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(server_url)
        assert page.title() == "tenderlint — check a tender document"
        assert page.get_by_text("checks it against 27 topics").is_visible()

        page.set_input_files("input[type=file][name=file]", str(EXAMPLE_DOCX))
        page.check("input[name=doc_type][value=rfp]")
        with page.expect_navigation(url=f"{server_url}check", timeout=120_000):
            page.get_by_role("button", name="Check the document").click()

        assert page.get_by_role("heading", name="tenderlint report").is_visible()
        gaps_heading = page.get_by_role("heading", name="Gaps, worst first")
        assert gaps_heading.is_visible()
        gap_row = page.locator("tr", has_text=KNOWN_GAP).first
        assert gap_row.is_visible()
        assert "missing" in gap_row.inner_text()

        with page.expect_download() as download_info:
            page.get_by_role("link", name="JSON", exact=True).click()
        download = download_info.value
        assert download.suggested_filename == f"{EXAMPLE_DOCX.stem}.tenderlint.json"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        report = json.loads(saved.read_text(encoding="utf-8"))
        document = report["documents"][0]
        assert report["schema"] == 1 and document["path"] == EXAMPLE_DOCX.name and document["doc_type"] == "rfp"
        assert "bias-fairness" in {gap["id"] for gap in document["gaps"]}

        screenshot = tmp_path / "report.png"
        page.screenshot(path=str(screenshot), full_page=False)
        data = screenshot.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
        if os.environ.get("TENDERLINT_KEEP_SCREENSHOT"):  # for a person to look at the page
            Path(os.environ["TENDERLINT_KEEP_SCREENSHOT"]).write_bytes(data)
        # The page needs nothing the Content-Security-Policy forbids: no violations were reported.
        assert console_errors == []
    finally:
        context.close()
