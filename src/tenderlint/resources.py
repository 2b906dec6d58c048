"""Where the shipped data lives: the rule pack (``rules/``) and the classifier (``models/``).

In an installed wheel both sit inside the package as ``tenderlint/_data/``; in a source
checkout they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder ``name`` (``rules`` or ``models``), wherever this install keeps it."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"tenderlint's {name}/ folder is missing from this installation")


def rules_dir() -> Path:
    return data_dir("rules")


def models_dir() -> Path:
    return data_dir("models")
