"""Rule files already parsed, kept as JSON in the user's cache folder so a later run skips YAML.

Reading the 28 YAML files of the shipped pack costs about 0.14 s on every run, before the first
document is even opened; loading the same data from JSON costs about a tenth of that
(bench/check_speed.py). An entry is named by the SHA-256 of the file's bytes, so an edited rule
file is parsed afresh and a stale entry is never read; only files that parsed without error are
kept, and only when their JSON reads back equal to the parsed data.

The folder is ``$TENDERLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/tenderlint``, else
``~/.cache/tenderlint``; ``TENDERLINT_CACHE_DIR=off`` turns the cache off. A folder that cannot be
written, or an entry that cannot be read, only costs the parse: the cache never fails a check.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

# Part of every entry's name: a change to how parsed rule data is stored starts a new set.
_FORMAT = "rules-v1"
OFF = "off"


def cache_folder() -> Path | None:
    """Where parsed rule files are kept, or None when the cache is off."""
    chosen = os.environ.get("TENDERLINT_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in (OFF, "") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tenderlint"


def _entry(folder: Path, raw: bytes) -> Path:
    return folder / _FORMAT / f"{hashlib.sha256(raw).hexdigest()}.json"


def cached(raw: bytes) -> dict | None:
    """The parsed data of a rule file with these bytes, if an earlier run kept it."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        data = json.loads(_entry(folder, raw).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def keep(raw: bytes, data: dict) -> None:
    """Keep the parsed ``data`` of a rule file with these bytes (silently not, when it cannot be)."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:  # a value JSON would change (a date, a number as a key)
            return
        path = _entry(folder, raw)
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
