"""Benchmark: `tenderlint audit` documents/s with --jobs 1 and --jobs 2.

Over the shared tenders plus 100 CUAD contracts (issue 5 target: 2 jobs at least 1.8× one
job). Each run uses a fresh database so nothing is skipped.

    python bench/audit_throughput.py [--cuad 100] [--no-model]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=int, default=100)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit("the shared documents are only in the development workspace")
    work = Path(tempfile.mkdtemp(prefix="tenderlint-bench-"))
    corpus = work / "docs"
    corpus.mkdir()
    files = [p for p in (SHARED / "tenders").iterdir() if p.suffix in {".pdf", ".docx", ".md", ".html"}]
    files += sorted((SHARED / "cuad-dev" / "contracts").glob("*.txt"))[: args.cuad]
    for path in files:
        (corpus / path.name).symlink_to(path)
    tenderlint = shutil.which("tenderlint") or str(Path(sys.executable).with_name("tenderlint"))
    extra = ["--no-model"] if args.no_model else []
    rates = {}
    for jobs in (1, 2):
        db = work / f"jobs{jobs}.sqlite"
        started = time.perf_counter()
        subprocess.run([tenderlint, "audit", str(corpus), "--db", str(db), "--jobs", str(jobs), "-q", *extra],
                       check=False)
        seconds = time.perf_counter() - started
        rates[jobs] = len(files) / seconds
        print(f"--jobs {jobs}: {len(files)} documents in {seconds:.1f} s = {rates[jobs]:.2f} documents/s")
    speedup = rates[2] / rates[1]
    print(f"speed-up with 2 jobs: {speedup:.2f}× (target ≥ 1.8×): {'ok' if speedup >= 1.8 else 'BELOW TARGET'}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
