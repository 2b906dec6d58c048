"""Benchmark: a whole `tenderlint check` of the 390-page FPDS-NG solicitation against pdftotext.

Targets (issue 4): at most 3× pdftotext's time on the same file, peak memory at most 500 MB.
Each measurement runs in a fresh process (wall time and the peak resident memory of that
process), so start-up and model loading are counted as a user would feel them.

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
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "documents" / "tenders" / "gsa-fpds-ng-solicitation.pdf"




def measure(command: list[str], repeat: int) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(repeat):
        # ru_maxrss of children is a running maximum: measure each run in its own interpreter.
        probe = [sys.executable, "-c",
                 "import resource,subprocess,sys,time;t=time.perf_counter();"
                 "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL).returncode;"
                 "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, r)",
                 *command]
        out = subprocess.run(probe, capture_output=True, text=True, check=True).stdout.split()
        if int(out[2]) not in (0, 1):
            sys.exit(f"failed: {' '.join(command)}")
        times.append(float(out[0]))
        peaks.append(float(out[1]))
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
    for label, extra in (("tenderlint check (rules + model)", []), ("tenderlint check --no-model", ["--no-model"])):
        rows.append((label, *measure([tenderlint, "check", str(args.pdf), "--format", "json", "-o", str(out),
                                      *extra], args.repeat)))
    print(f"{args.pdf.name}: median of {args.repeat} runs, each in a fresh process")
    print(f"{'command':<36} {'seconds':>8} {'peak MB':>8}")
    for label, seconds, peak in rows:
        print(f"{label:<36} {seconds:8.2f} {peak:8.0f}")
    if rows and rows[0][0] == "pdftotext":
        base = rows[0][1]
        for label, seconds, peak in rows[1:]:
            verdict = "ok" if seconds <= 3 * base and peak <= 500 else "OVER TARGET"
            print(f"{label}: {seconds / base:.1f}× pdftotext, peak {peak:.0f} MB (target ≤ 3×, ≤ 500 MB): {verdict}")


if __name__ == "__main__":
    main()
