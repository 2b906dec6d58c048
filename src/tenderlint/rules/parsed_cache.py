"""Rule data already worked out, kept as JSON in the user's cache folder so a later run skips the work.

Two kinds of entry. Parsed rule files: reading the 28 YAML files of the shipped pack costs about
0.14 s on every run, before the first document is even opened; loading the same data from JSON
costs about a tenth of that. The phrases' norms: tokenizing and lemmatizing the pack's 4,600
phrases for the PhraseMatcher costs about 0.1 s more (rules/engine.py). An entry is named by the
SHA-256 of everything it was computed from (a rule file's bytes; the phrases with the versions of
spaCy, its lookup tables and our tokenizing code), so an edited rule file or a new spaCy is worked
out afresh and a stale entry is never read; only data that reads back equal from JSON is kept
(bench/check_speed.py).

The folder is ``$TENDERLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/tenderlint``, else
``~/.cache/tenderlint``; ``TENDERLINT_CACHE_DIR=off`` turns the cache off. A folder that cannot be
written, or an entry that cannot be read, only costs the work: the cache never fails a check.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

# The kinds of entry, each in a folder of its own; a change to how one is stored gets a new name.
RULE_FILES = "rules-v1"
PHRASE_NORMS = "phrase-norms-v1"
OFF = "off"


def cache_folder() -> Path | None:
    """Where the entries are kept, or None when the cache is off."""
    chosen = os.environ.get("TENDERLINT_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in (OFF, "") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tenderlint"


def _entry(folder: Path, raw: bytes, kind: str) -> Path:
    return folder / kind / f"{hashlib.sha256(raw).hexdigest()}.json"


def cached(raw: bytes, kind: str = RULE_FILES) -> dict | None:
    """The data an earlier run kept for ``raw`` (a rule file's bytes, or what else the data of
    ``kind`` was computed from), if any."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        data = json.loads(_entry(folder, raw, kind).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def keep(raw: bytes, data: dict, kind: str = RULE_FILES) -> None:
    """Keep ``data`` computed from ``raw`` (silently not, when it cannot be)."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:  # a value JSON would change (a date, a number as a key)
            return
        path = _entry(folder, raw, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed: a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError):
        return
