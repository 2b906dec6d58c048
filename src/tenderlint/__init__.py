"""tenderlint: check tender documents and contracts for AI and technology against procurement guidance.

The public Python API is what this module exports (``__all__``) and what ``docs/api.md``
documents: ``check_file``, ``check_text``, ``compare_files`` and the result types they return. Every other
module is internal and may change between releases. Importing ``tenderlint`` is cheap: spaCy,
the rules and the classifier load on the first check (and stay loaded for the next ones).
"""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING, Iterable

__version__ = "0.1.0"
__all__ = ["check_file", "check_text", "compare_files", "Comparison", "DocumentResult", "TenderlintError",
           "__version__"]

if TYPE_CHECKING:
    from tenderlint.check import Checker
    from tenderlint.compare import Comparison
    from tenderlint.errors import TenderlintError
    from tenderlint.results import DocumentResult


def check_file(
    path: str | PathLike[str],
    *,
    doc_type: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    rules: Iterable[str | PathLike[str]] | None = None,
    model: bool = True,
    config: str | PathLike[str] | None = None,
) -> DocumentResult:
    """Check one document (PDF, DOCX, HTML, Markdown or text) as ``tenderlint check`` does.

    ``doc_type`` is "rfp", "contract" or None/"auto" (detected); ``select`` / ``ignore`` name
    topics (ids or aliases); ``rules`` adds rule folders; ``model=False`` uses the rules alone;
    ``config`` names a tenderlint.toml or pyproject.toml to apply (none is searched for).
    Raises ``TenderlintError`` (with ``.code``) when the options or the file are unusable.
    """
    from pathlib import Path

    checker = _checker(doc_type, select, ignore, rules, model, config)
    return _raise_on_error(checker.check_file(Path(path)))


def check_text(
    text: str,
    *,
    name: str = "document.md",
    doc_type: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    rules: Iterable[str | PathLike[str]] | None = None,
    model: bool = True,
    config: str | PathLike[str] | None = None,
) -> DocumentResult:
    """Check a document held in memory (Markdown, text or HTML, detected from the content; the suffix
    of ``name`` breaks a tie between Markdown and text). ``name`` is the path the result reports.
    Other arguments as for ``check_file``."""
    from tenderlint.parsers import parse_bytes

    checker = _checker(doc_type, select, ignore, rules, model, config)
    return _raise_on_error(checker.check_parsed(parse_bytes(text.encode("utf-8"), name)))


def compare_files(
    solicitation: str | PathLike[str],
    contracts: Iterable[str | PathLike[str]],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    rules: Iterable[str | PathLike[str]] | None = None,
    model: bool = True,
    config: str | PathLike[str] | None = None,
) -> Comparison:
    """Compare a solicitation (checked as an RFP) with the contract files that form the deal (checked
    as contracts, their evidence pooled), as ``tenderlint compare`` does: per topic kept, weakened,
    dropped, added or against the buyer. Raises ``TenderlintError`` for an unusable file or option."""
    from pathlib import Path

    from tenderlint.compare import compare_documents
    from tenderlint.errors import TenderlintError as Error

    checker = _checker(None, select, ignore, rules, model, config)
    contract_paths = [contracts] if isinstance(contracts, (str, PathLike)) else list(contracts)
    if not contract_paths:
        raise Error("usage", "compare_files needs at least one contract file")
    wanted = checker.check_file(Path(solicitation), "rfp")
    results = [_raise_on_error(result) for result in
               [wanted] + [checker.check_file(Path(path), "contract") for path in contract_paths]]
    return compare_documents(wanted, results[1:])


def _raise_on_error(result: DocumentResult) -> DocumentResult:
    """The result, or its coded error raised: the API reports an unusable file by exception."""
    from tenderlint.errors import TenderlintError

    if result.error:
        raise TenderlintError(result.error["code"], result.error["message"])
    return result


# Loaded Checkers, by their options: loading spaCy, the rules and the model is the slow part.
_CHECKERS: dict[str, Checker] = {}
_MAX_CHECKERS = 4


def _checker(doc_type, select, ignore, rules, model, config) -> Checker:
    from tenderlint.check import Checker
    from tenderlint.config import check_options, load_config

    def names(values) -> list[str]:
        if values is None:
            return []
        if isinstance(values, str):
            values = values.split(",")
        return [v.strip() for v in values if v.strip()]

    options = check_options(
        load_config(config, discover=False) if config is not None else None,
        doc_type=doc_type,
        rules_dirs=tuple(str(r) for r in (rules or ())),
        select=names(select),
        ignore=names(ignore),
        use_model=model,
    )
    key = repr(options)
    checker = _CHECKERS.get(key)
    if checker is None:
        if len(_CHECKERS) >= _MAX_CHECKERS:
            _CHECKERS.clear()
        checker = _CHECKERS[key] = Checker(options)
    return checker


def __getattr__(name: str):
    # The result and error types, imported only when asked for (``from tenderlint import DocumentResult``).
    if name == "DocumentResult":
        from tenderlint.results import DocumentResult

        return DocumentResult
    if name == "Comparison":
        from tenderlint.compare import Comparison

        return Comparison
    if name == "TenderlintError":
        from tenderlint.errors import TenderlintError

        return TenderlintError
    raise AttributeError(f"module 'tenderlint' has no attribute {name!r}")
