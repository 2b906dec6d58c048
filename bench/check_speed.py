"""Benchmark: a whole `tenderlint check` of the 390-page FPDS-NG solicitation against pdftotext.

Targets (issue 11, tightening issue 4's 3× and 500 MB): at most 2.8× pdftotext's time on the same
file, peak memory at most 400 MB.
Each measurement runs in a fresh process, so start-up and model loading are counted as a user
would feel them (after one untimed run, as after a user's first check: it fills the cache of
rule data, tenderlint/rules/parsed_cache.py); peak memory counts the helper process the check parses in.

    python bench/check_speed.py [PDF] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATIO_TARGET = 2.8  # times pdftotext's median on the same file
PEAK_TARGET_MB = 400
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "documents" / "tenders" / "gsa-fpds-ng-solicitation.pdf"




def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / 2**20


def measure(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time over fresh processes, and the peak memory of the process tree.

    `tenderlint check` parses its first file in a second process, so the peak is the larger of the
    largest single process (ru_maxrss) and the sampled sum over the tree (every 50 ms, in a run of
    its own so that sampling does not slow the timed runs).
    """
    times, peaks = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"failed: {' '.join(command)}")
        peaks.append(usage.ru_maxrss / 1024)
    if Path("/proc/self/statm").exists():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            peaks.append(_tree_rss_mb(process.pid))
            time.sleep(0.05)
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.pdf.exists():
        sys.exit(f"{args.pdf} not found (the shared documents are only in the development workspace)")
    tenderlint = shutil.which("tenderlint") or str(Path(sys.executable).with_name("tenderlint"))
    out = Path(tempfile.mkdtemp()) / "report.json"
    rows = []
    if shutil.which("pdftotext"):
        rows.append(("pdftotext", *measure(["pdftotext", str(args.pdf), os.devnull], args.repeat)))
    check = [tenderlint, "check", str(args.pdf), "--format", "json", "-o", str(out)]
    # The untimed run is a whole check: the rules are compiled, so both kinds of cache entry are
    # written (`tenderlint rules` would parse the rule files only). Exit 1 means gaps were found.
    subprocess.run(check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for label, extra in (("tenderlint check (rules + model)", []), ("tenderlint check --no-model", ["--no-model"])):
        rows.append((label, *measure([*check, *extra], args.repeat)))
    print(f"{args.pdf.name}: median of {args.repeat} runs, each in a fresh process")
    print(f"{'command':<36} {'seconds':>8} {'peak MB':>8}")
    for label, seconds, peak in rows:
        print(f"{label:<36} {seconds:8.2f} {peak:8.0f}")
    if rows and rows[0][0] == "pdftotext":
        base = rows[0][1]
        for label, seconds, peak in rows[1:]:
            verdict = "ok" if seconds <= RATIO_TARGET * base and peak <= PEAK_TARGET_MB else "OVER TARGET"
            print(f"{label}: {seconds / base:.2f}× pdftotext, peak {peak:.0f} MB "
                  f"(target ≤ {RATIO_TARGET}×, ≤ {PEAK_TARGET_MB} MB): {verdict}")


if __name__ == "__main__":
    main()
