"""Shared test fixtures: where ../shared lives (skipping when it is absent), the compiled rule pack."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


# The parts of ../shared the tests read: a partial copy skips with the missing part named rather
# than failing with a file-not-found error deep in a test.
SHARED_PARTS = ("documents/SPLITS.tsv", "documents/tenders", "documents/ai-dev", "documents/cuad-dev", "ocds")


def pytest_configure(config):
    """Parsed rule files are cached in a folder of this test run's own (tenderlint/rules/parsed_cache),
    never in the user's cache: every test, and every process a test starts, reads the same one."""
    folder = tempfile.mkdtemp(prefix="tenderlint-test-cache-")
    config._tenderlint_cache = folder
    os.environ["TENDERLINT_CACHE_DIR"] = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_tenderlint_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def missing_shared_parts(root: Path) -> list[str]:
    """The parts of ``SHARED_PARTS`` absent under ``root``."""
    return [part for part in SHARED_PARTS if not (root / part).exists()]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder (guidance, real documents); skips the test when it, or a part
    of it the tests read, is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent: tests on real documents need the shared folder")
    missing = missing_shared_parts(SHARED_DIR)
    if missing:
        pytest.skip(f"{SHARED_DIR} lacks {', '.join(missing)}: tests on real documents need the whole shared folder")
    return SHARED_DIR


@pytest.fixture
def loopback_only(monkeypatch):
    """Any TCP connection the test opens in this process must go to 127.0.0.1 (or ::1); the guard fails
    the test otherwise (the OCDS download tests use it: their servers are local)."""
    original = socket.socket.connect

    def connect(self, address):
        # TCP only: a UDP connect sends nothing (Dask uses one to learn this host's address).
        if self.family in (socket.AF_INET, socket.AF_INET6) and self.type == socket.SOCK_STREAM \
                and address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"a test tried to reach {address!r}: only 127.0.0.1 is allowed")
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="session")
def compiled():
    """The shipped rule pack compiled for matching (judge_text and the engine's cues)."""
    from tenderlint.rules.engine import compile_rules
    from tenderlint.rules.loader import load_rule_pack

    return compile_rules(load_rule_pack(()))
