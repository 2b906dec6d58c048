"""A fast seeded fuzz run (bench/fuzz.py's mutations of the bundled examples), held to the promise:
every case ends in a report or a coded error that is neither ``internal`` nor ``timeout``.

The long run over the ../shared documents too (1,500+ cases, each through the CLI) is
``python bench/fuzz.py``; its figures are in docs/robustness.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import fuzz  # noqa: E402
from tenderlint.check import Checker, CheckOptions  # noqa: E402

CASES = 200
# Cases larger than this are left to the long run, so that the suite's run stays short.
MAX_CASE_BYTES = 256 * 1024


def _cases(seed: int, count: int) -> list[fuzz.Case]:
    seeds = fuzz.load_seeds(use_shared=False)
    cases, number = [], 0
    while len(cases) < count:
        case = fuzz.make_case(number, seed, seeds)
        if len(case.data) <= MAX_CASE_BYTES:
            cases.append(case)
        number += 1
    return cases


def test_cases_are_reproducible_from_their_seed():
    first, again = _cases(7, 20), _cases(7, 20)
    assert [c.data for c in first] == [c.data for c in again]
    assert len({c.data for c in first}) == 20
    hows = " ".join(c.how for c in _cases(7, 200))
    for kind in ("bit flips", "truncated", "another file", "DOCX", "PDF", "pathological"):
        assert kind in hows


def test_the_promise_holds_on_a_seeded_fuzz_run(tmp_path: Path):
    checker = Checker(CheckOptions(use_model=False, timeout=60))
    started = time.monotonic()
    violations = fuzz.check_cases(_cases(14, CASES), tmp_path, checker)
    assert violations == []
    print(f"{CASES} fuzz cases in {time.monotonic() - started:.0f} s")


def test_the_harness_catches_a_broken_promise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The check above could not fail if the harness missed violations: a parser that raises a bug
    or hangs must be reported."""
    checker = Checker(CheckOptions(use_model=False, timeout=2))
    cases = _cases(3, 2)

    def broken(path, options, *rest):
        if str(path).endswith(cases[0].name):
            raise RuntimeError("a bug")
        time.sleep(30)

    monkeypatch.setattr("tenderlint.check.parse_file", broken)
    violations = fuzz.check_cases(cases, tmp_path, checker)
    assert len(violations) == 2
    assert "error[internal]" in violations[0] and "error[timeout]" in violations[1]
