"""Load benchmark for ``tenderlint serve``: many large uploads at once, on loopback only.

Starts ``tenderlint serve`` on a free 127.0.0.1 port with two worker processes, writes a long
(about 60 pages) draft RFP of generated requirement paragraphs in our own words, sends the
uploads all at once and reports latency (p50, p95, max) and throughput. Every upload must get a
200 with a complete report; the run stops at a fixed deadline. Not a test: run it by hand.

    PYTHONPATH=src .venv/bin/python bench/web_load.py [--uploads 20] [--pages 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import docx
import httpx

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # never anything but loopback
MAX_UPLOADS = 50
DEADLINE_SECONDS = 600
SERVER_START_SECONDS = 90
WORDS_PER_PAGE = 450

# Sentence parts for the generated draft; combined in turn so that paragraphs vary.
PARTIES = ["The supplier", "The contractor", "The vendor", "The successful bidder", "The service provider"]
DUTIES = [
    "shall document how the assistant reaches each answer it gives to residents",
    "must keep a complete log of prompts, answers and staff corrections for at least three years",
    "shall give the buyer a copy of all data created for the service in an open format on request",
    "must report every security incident that affects resident data within twenty-four hours",
    "shall test the system for unequal error rates across language groups before go-live",
    "must let staff review, edit or reject every reply before it is sent",
    "shall describe each subcontractor and hosted model the service relies on",
    "must measure answer accuracy each month against a sample checked by City staff",
    "shall hand over the service, its data and its documentation at the end of the contract",
    "must state the energy used to run the service and how it plans to reduce it",
    "shall not use resident data to train models offered to other customers",
    "must meet the accessibility standard the City applies to its own websites",
]
CONDITIONS = [
    "during the whole term of the contract",
    "at no extra charge to the City",
    "in a form the City can publish",
    "and the City may verify this through an independent audit",
    "unless the contract manager agrees otherwise in writing",
    "and report on it in the quarterly service review",
]
CONTEXT = [
    "Residents ask about permits, inspections and benefit programs in several languages.",
    "The service desk answered about two hundred thousand calls last year.",
    "Staff will keep the final say on every decision that affects a resident.",
    "The pilot covers the permit counter first and the benefits office six months later.",
]


def draft_rfp_docx(pages: int) -> bytes:
    """A draft RFP of about ``pages`` pages: numbered sections of varied requirement paragraphs."""
    document = docx.Document()
    document.add_heading("Request for proposals: generated load-test draft", level=0)
    sentences = itertools.cycle(
        f"{party} {duty} {condition}."
        for condition in CONDITIONS for duty in DUTIES for party in PARTIES
    )
    context = itertools.cycle(CONTEXT)
    for page in range(1, pages + 1):
        document.add_heading(f"{page} Requirements, part {page}", level=1)
        words = 0
        while words < WORDS_PER_PAGE:
            paragraph = " ".join([next(context)] + [next(sentences) for _ in range(3)])
            document.add_paragraph(paragraph)
            words += len(paragraph.split())
        if page < pages:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen(
        [sys.executable, "-m", "tenderlint", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"tenderlint serve exited with {server.returncode}: {server.stderr.read()}")
        try:
            if httpx.get(f"http://{HOST}:{port}/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.25)
    stop_server(server)
    raise SystemExit(f"tenderlint serve did not answer within {SERVER_START_SECONDS} s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * fraction))
    return ordered[rank - 1]


def upload(client: httpx.Client, url: str, data: bytes, index: int) -> tuple[int, float, dict]:
    """Status, seconds and the checked document's entry of the JSON report (empty on failure)."""
    started = time.perf_counter()
    response = client.post(url, files={"file": (f"load-test-{index:02d}.docx", data, "application/octet-stream")},
                           data={"doc_type": "rfp"})
    elapsed = time.perf_counter() - started
    document = response.json()["documents"][0] if response.status_code == 200 else {}
    return response.status_code, elapsed, document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=20, help=f"uploads sent at once (at most {MAX_UPLOADS})")
    parser.add_argument("--pages", type=int, default=60, help="pages of the generated draft")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the server")
    args = parser.parse_args()
    uploads = max(1, min(args.uploads, MAX_UPLOADS))

    data = draft_rfp_docx(args.pages)
    port = free_port()
    print(f"draft: {args.pages} pages, {len(data) / 1024:.0f} KiB; {uploads} uploads at once to "
          f"http://{HOST}:{port}/api/check, server workers={args.workers}, {os.cpu_count()} CPUs")
    server = start_server(port, args.workers)
    try:
        url = f"http://{HOST}:{port}/api/check"
        with httpx.Client(timeout=DEADLINE_SECONDS, limits=httpx.Limits(max_connections=uploads)) as client:
            # One warm-up upload so worker start-up (rules and model loading) is not counted.
            status, warm_up, document = upload(client, url, data, 0)
            assert status == 200, f"warm-up upload got {status}"
            print(f"warm-up (one upload alone, includes worker start-up): {warm_up:.2f} s; "
                  f"{document['words']} words checked, counts {document['counts']}")
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=uploads) as pool:
                futures = [pool.submit(upload, client, url, data, index) for index in range(1, uploads + 1)]
                outcomes = [future.result(timeout=DEADLINE_SECONDS) for future in as_completed(futures)]
            wall = time.perf_counter() - started
    finally:
        stop_server(server)

    statuses = [status for status, _, _ in outcomes]
    assert statuses == [200] * uploads, f"not every upload got 200: {statuses}"
    assert all(len(document["topics"]) == 27 for _, _, document in outcomes), "a report is missing topics"
    latencies = [elapsed for _, elapsed, _ in outcomes]
    print(f"all {uploads} answered 200 with 27 topics each")
    print(f"latency p50 {percentile(latencies, 0.50):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
          f"max {max(latencies):.2f} s, mean {statistics.mean(latencies):.2f} s")
    print(f"throughput {uploads / wall:.2f} documents/s ({uploads * args.pages / wall:.0f} pages/s, "
          f"{uploads * len(data) / wall / 1048576:.2f} MiB/s) over {wall:.2f} s wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
