"""Benchmark: parse a Markdown file holding one 200,000-row table (issue 14's hostile input).

Prints the seconds and peak memory of ``tenderlint.parsers.parse`` on a generated file, in this
process; the target is a few seconds, against about a minute before markdown-it.

    python bench/markdown_table.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    from tenderlint.parsers import parse

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "prices.md"
        with path.open("w", encoding="utf-8") as out:
            out.write("# Price schedule\n\n| Item | Unit | Price |\n|---|---|---|\n")
            out.writelines(f"| Licence seat {i} | per month | {i % 97}.00 |\n" for i in range(args.rows))
        started = time.perf_counter()
        document = parse(path)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.rows} rows: "
          f"{len(document.blocks)} blocks in {seconds:.2f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
