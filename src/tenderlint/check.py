"""The check of one document, start to finish: file → Document → evidence → decisions.

``Checker`` loads the rule pack, compiles its matchers and loads the classifier once, then
checks any number of files; the CLI, the batch audit and the web page all use it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from tenderlint.budget import call_with_budget, can_fork_here, time_limit
from tenderlint.decide import PerFileSelection, Selection, decide
from tenderlint.document import Document
from tenderlint.doctype import detect_doc_type
from tenderlint.errors import TenderlintError, shown_path
from tenderlint.results import REQUESTED_DOC_TYPES, DocumentResult
from tenderlint.rules.loader import RulePack, load_rule_pack


@dataclass
class CheckOptions:
    doc_type: str = "auto"
    rules_dirs: tuple[str, ...] = ()
    selection: Selection = field(default_factory=Selection)
    use_model: bool = True
    pdf_backend: str = "auto"
    max_bytes: int | None = None
    # Which evidence may make a topic covered: the ablation in docs/accuracy.md scores each alone.
    evidence_from: tuple[str, ...] = ("rules", "model")
    # When PDF pages are read with Tesseract: "auto" (pages without a usable text layer),
    # "always" or "never" (see tenderlint.parsers.ocr). Every command that checks files takes it.
    ocr: str = "auto"
    ocr_workers: int | None = None  # threads reading pages; None: one per core
    ocr_time_limit: float | None = None  # seconds of OCR per document; None: the OCR module's default
    ocr_progress: bool = False  # a progress bar on standard error when it is a terminal
    # Per-document time limit in seconds (None: none). With a limit, ``Checker.check_file`` checks
    # each file in a forked child that is killed when over it (see tenderlint.budget).
    timeout: float | None = None


OCR_MODES = ("auto", "always", "never")


def parse_file(path: str | Path, options: CheckOptions, ocr: str | None = None) -> Document | DocumentResult:
    """Parse one file with the options' limits; a user error comes back as an error result.

    Needs no Checker, so a caller can parse while the rules and model are still loading.
    ``ocr`` overrides the options' OCR mode for this file only (the web page's choice).
    """
    from tenderlint.parsers import parse

    started = time.perf_counter()
    try:
        kwargs = {"pdf_backend": options.pdf_backend, "ocr": ocr or options.ocr, "ocr_workers": options.ocr_workers,
                  "ocr_time_limit": options.ocr_time_limit, "ocr_progress": options.ocr_progress}
        if options.max_bytes is not None:
            kwargs["max_bytes"] = options.max_bytes
        document = parse(path, **kwargs)
    except TenderlintError as error:
        return DocumentResult(path=str(path), error=error.as_dict())
    document.parse_seconds = round(time.perf_counter() - started, 4)
    return document


def rule_hits_as_mentions(findings):
    """``findings`` with every rule hit kept only as a mention: the model-alone run of the ablation."""
    why = "rule evidence set aside (evidence from the model only)"
    return replace(findings, evidence={
        topic: [replace(ev, strength="mention", why=f"{ev.why}; {why}" if ev.why else why) for ev in evs]
        for topic, evs in findings.evidence.items()})


def validated_rule_pack(options: CheckOptions) -> RulePack:
    """The options' rule pack, once the options are known to be usable (a usage error otherwise).

    Cheap (no spaCy): the check command calls it before it starts parsing, so a mistyped topic is
    reported at once rather than after a long PDF has been read.
    """
    if options.doc_type not in REQUESTED_DOC_TYPES:
        raise TenderlintError("usage", f"--type must be one of {', '.join(REQUESTED_DOC_TYPES)}")
    check_ocr_mode(options.ocr)
    pack = load_rule_pack(tuple(options.rules_dirs))
    options.selection = resolved_selection(pack, options.selection)
    return pack


def resolved_selection(pack: RulePack, selection: Selection) -> Selection:
    """``selection`` with every topic name resolved to its id (aliases followed); unknown: usage error."""

    def resolve(name: str) -> str:
        try:
            return pack.resolve(name)
        except KeyError:
            raise TenderlintError("usage", f"unknown topic {name!r} (see `tenderlint rules`)") from None

    return Selection(
        select=None if selection.select is None else {resolve(n) for n in selection.select},
        ignore={resolve(n) for n in selection.ignore},
        severities={resolve(n): v for n, v in selection.severities.items()},
        waivers={resolve(n): v for n, v in selection.waivers.items()},
        per_file=tuple(PerFileSelection(e.glob, frozenset(resolve(n) for n in e.ignore),
                                        tuple((resolve(n), r) for n, r in e.waivers)) for e in selection.per_file),
        root=selection.root,
    )


def check_ocr_mode(mode: str) -> None:
    """A usage error for an unknown mode, and ``ocr-unavailable`` at once when "always" cannot be honoured."""
    if mode not in OCR_MODES:
        raise TenderlintError("usage", f"--ocr must be one of {', '.join(OCR_MODES)}")
    if mode == "always":
        from tenderlint.parsers.ocr import require_available

        require_available()


class Checker:
    """Checks documents with one loaded rule pack (and classifier, unless disabled)."""

    def __init__(self, options: CheckOptions | None = None):
        self.options = options or CheckOptions()
        self.pack = validated_rule_pack(self.options)
        from tenderlint.rules.engine import compile_rules  # imports spaCy: parse_file needs none of it

        self.rules = compile_rules(self.pack)
        self.ai_topics = frozenset(topic for topic, rule in self.pack.rules.items() if rule.ai_specific)
        self.model = None
        if self.options.use_model:
            from tenderlint.classify.model import load_shipped_model

            self.model = load_shipped_model()

    def check_file(self, path: str | Path, doc_type: str | None = None, ocr: str | None = None) -> DocumentResult:
        """Check one file; a user error becomes the result's ``error`` (the batch goes on).

        ``doc_type`` and ``ocr`` override the options' type and OCR mode for this file only
        (the web page's choices). With ``options.timeout`` the whole check runs in a forked child
        within the time and memory budget (``error[timeout]`` / ``error[too-large]`` when over).
        """
        if self.options.timeout is None or not can_fork_here():
            return self._check_here(path, doc_type, ocr)
        try:
            return call_with_budget(self._check_here, path, doc_type, ocr, timeout=self.options.timeout,
                                    label=shown_path(Path(path).name))
        except TenderlintError as error:
            return DocumentResult(path=str(path), error=error.as_dict())

    def _check_here(self, path: str | Path, doc_type: str | None = None, ocr: str | None = None) -> DocumentResult:
        return self.check_parsed(parse_file(path, self.options, ocr), doc_type)

    def check_parsed(self, parsed: Document | DocumentResult, doc_type: str | None = None,
                     seconds_left: float | None = None) -> DocumentResult:
        """Check what ``parse_file`` returned (an error result passes through), within
        ``seconds_left`` seconds when given (the rest of the document's time limit)."""
        if isinstance(parsed, DocumentResult):
            return parsed
        try:
            with time_limit(seconds_left, self.options.timeout):
                result = self.check_document(parsed, doc_type)
        except TenderlintError as error:
            if error.code != "timeout":
                raise
            return DocumentResult(path=parsed.path, error=error.as_dict())
        result.timings["parse"] = parsed.parse_seconds
        return result

    def selection_for(self, document: Document, warnings: list[str]) -> Selection:
        """The options' selection for this document: per-file entries that match its path, then the
        waivers written in the document itself (an unknown topic there is a warning)."""
        selection = self.options.selection.for_path(document.path)
        if not document.directives:
            return selection
        waivers = dict(selection.waivers)
        for directive in document.directives:
            place = f" ({directive.where})" if directive.where else ""
            if not directive.reason:
                warnings.append(f"inline waiver of {', '.join(directive.topics)}{place} has no reason: ignored")
                continue
            for name in directive.topics:
                try:
                    waivers[self.pack.resolve(name)] = directive.describe()
                except KeyError:
                    warnings.append(f"inline waiver names unknown topic {name!r}{place}: ignored")
        return replace(selection, waivers=waivers)

    def check_document(self, document: Document, doc_type: str | None = None) -> DocumentResult:
        started = time.perf_counter()
        doc_type = doc_type or self.options.doc_type
        if doc_type not in REQUESTED_DOC_TYPES:
            raise TenderlintError("usage", f"document type must be one of {', '.join(REQUESTED_DOC_TYPES)}")
        if doc_type == "auto":
            doc_type, reason = detect_doc_type(document)
        else:
            reason = "set by the user (--type)"
        findings = self.rules.find(document, keep_sentences=self.model is not None, contract=doc_type == "contract")
        matched = time.perf_counter()
        model_evidence = {}
        if self.model is not None and "model" in self.options.evidence_from:
            model_evidence = self.model.evidence(document, findings, self.ai_topics, self.rules.objective_topics)
        if "rules" not in self.options.evidence_from:
            findings = rule_hits_as_mentions(findings)
        warnings = list(document.warnings)
        selection = self.selection_for(document, warnings)
        topics, red_flags = decide(self.pack, findings, doc_type, selection, model_evidence)
        from tenderlint.locations import locate_evidence

        quoted = _all_evidence(topics, red_flags)
        locate_evidence(document, quoted)
        finished = time.perf_counter()
        if document.ocr_pages:
            ocr_pages = set(document.ocr_pages)
            for evidence in quoted:  # every quote taken from a page that was read by OCR
                evidence.ocr = evidence.page in ocr_pages
        return DocumentResult(
            path=document.path,
            sha256=document.sha256,
            format=document.format,
            doc_type=doc_type,
            doc_type_reason=reason,
            pages=document.pages,
            words=document.words,
            language=document.language,
            warnings=warnings,
            topics=topics,
            red_flags=red_flags,
            ocr_pages=list(document.ocr_pages),
            ocr_confidence=document.ocr_confidence,
            timings={"rules": round(matched - started, 4), "decide": round(finished - matched, 4)},
        )


def _all_evidence(topics, red_flags) -> list:
    """Every quote the result shows: each topic's evidence, then each red flag's."""
    return [e for topic in topics for e in topic.evidence] + [flag.evidence for flag in red_flags]
