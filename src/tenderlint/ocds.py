"""Read OCDS publications into contracting processes and the documents they link to.

Accepted shapes (what publishers and collection tools produce): release packages, record
packages, and JSON Lines (or a JSON array) of releases, compiled releases, records or
packages. Releases are grouped by ``ocid`` and merged into the process's compiled release by
``ocdsmerge``, the Open Contracting Partnership's reference implementation of the merge
routine; a compiled release found in the input (a record's ``compiledRelease``, or a release
tagged ``compiled``) is used as it is.

ocdsmerge reads its merge rules from the release schema, and by default downloads the latest
schema from the standard's web site. tenderlint never lets it: it passes the OCDS 1.1 merge
rules below, or the rules of a local schema file the user names (``--release-schema``, for
publications that use extensions with merge properties of their own).

Each document becomes a ``ProcessDocument`` with the document type its ``documentType``
implies: tender-side documents are solicitations (``rfp``), signed contracts and their annexes
and schedules are contracts, anything else is left to automatic detection.
"""

from __future__ import annotations

import glob
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tenderlint.errors import TenderlintError

SOLICITATION_TYPES = frozenset({
    "tenderNotice", "biddingDocuments", "technicalSpecifications", "evaluationCriteria", "eligibilityCriteria",
    "contractDraft", "clarifications", "billOfQuantity",
})
CONTRACT_TYPES = frozenset({"contractSigned", "contractAnnexe", "contractSchedule"})

# The merge properties of the OCDS 1.1 release schema (standard.open-contracting.org, schema
# "release-schema.json", fields marked omitWhenMerged or wholeListMerge), as ocdsmerge's
# ``Merger(merge_rules=…)`` takes them: a path of field names (array positions left out) → rule.
# Arrays of strings, and arrays of objects without ``id``, are merged whole by ocdsmerge
# without a rule; every other array of objects is merged by ``id``.
_ORGANIZATION_REFERENCES = (("buyer",), ("tender", "procuringEntity"), ("tender", "tenderers"),
                            ("awards", "suppliers"), ("contracts", "implementation", "transactions", "payer"),
                            ("contracts", "implementation", "transactions", "payee"), ("parties",))
_ITEM_LISTS = (("tender", "items"), ("awards", "items"), ("contracts", "items"))
OCDS_11_MERGE_RULES: dict[tuple[str, ...], str] = {
    **{(name,): "omitWhenMerged" for name in ("id", "date", "tag", "publisher", "links")},
    **{(*path, "additionalIdentifiers"): "wholeListMerge" for path in _ORGANIZATION_REFERENCES},
    **{(*path, "additionalClassifications"): "wholeListMerge" for path in _ITEM_LISTS},
    ("tender", "identifiers"): "wholeListMerge",
    ("contracts", "identifiers"): "wholeListMerge",
}
DOCUMENT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".jl")


@dataclass
class ProcessDocument:
    """One entry of a ``documents`` array, where it sits and how it is to be checked."""

    ocid: str
    section: str  # planning | tender | awards/<id> | contracts/<id> | contracts/<id>/implementation
    document_id: str
    document_type: str | None
    url: str | None
    title: str | None
    format: str | None
    date_published: str | None
    release_id: str | None  # the release that last carried this document (the compiled release's id otherwise)

    @property
    def doc_type(self) -> str:
        """rfp | contract | auto, from ``documentType``."""
        return doc_type_for(self.document_type)


@dataclass
class Process:
    """A contracting process: its compiled release's facts and its documents."""

    ocid: str
    release_id: str | None
    buyer_id: str | None
    buyer_name: str | None
    title: str | None
    date: str | None
    sources: list[str] = field(default_factory=list)
    documents: list[ProcessDocument] = field(default_factory=list)

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date and self.date[:4].isdigit() else None


def doc_type_for(document_type: str | None) -> str:
    if document_type in SOLICITATION_TYPES:
        return "rfp"
    if document_type in CONTRACT_TYPES:
        return "contract"
    return "auto"


# -- reading ------------------------------------------------------------------------------------

@dataclass
class _Collected:
    releases: dict[str, list[dict]] = field(default_factory=dict)  # ocid -> releases
    compiled: dict[str, dict] = field(default_factory=dict)  # ocid -> compiled release
    sources: dict[str, list[str]] = field(default_factory=dict)  # ocid -> files it came from


def find_publications(paths: list[str]) -> list[Path]:
    """Files named or matched by globs, or the ``.json``/``.jsonl`` files in folders named (recursively)."""
    found: list[Path] = []
    expanded: list[str] = []
    for raw in paths:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            raise TenderlintError("usage", f"{raw}: no file matches")
        expanded.extend(matches)
    for raw in expanded:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def read_publications(paths: list[str], release_schema: str | None = None
                      ) -> tuple[list[Process], list[tuple[str, str, str]]]:
    """The contracting processes in ``paths`` (sorted by ocid), and (path, code, message) per unreadable file."""
    collected = _Collected()
    failures: list[tuple[str, str, str]] = []
    for path in find_publications(paths):
        try:
            for item in _items(path):
                _collect(item, str(path), collected)
        except TenderlintError as error:
            failures.append((str(path), error.code, error.message))
    merger = None
    processes = []
    for ocid in sorted(set(collected.releases) | set(collected.compiled)):
        compiled = collected.compiled.get(ocid)
        releases = _distinct(collected.releases.get(ocid, []))
        if compiled is None:
            if merger is None:
                merger = _merger(release_schema)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # duplicate ids within an array: ocdsmerge keeps the last
                    compiled = merger.create_compiled_release(releases)
            except Exception as error:  # ocdsmerge's errors for releases without dates, non-objects, …
                failures.append((", ".join(collected.sources[ocid]), "ocds-invalid",
                                 f"{ocid}: the releases cannot be merged ({type(error).__name__}: {error})"))
                continue
        processes.append(_process(ocid, compiled, releases, collected.sources[ocid]))
    return processes, failures


def _merger(release_schema: str | None):
    try:
        from ocdsmerge import Merger
    except ImportError:
        raise TenderlintError("usage", "merging OCDS releases needs ocdsmerge: pip install 'tenderlint[ocds]'") \
            from None
    if release_schema is None:
        return Merger(merge_rules=OCDS_11_MERGE_RULES)
    schema = Path(release_schema)
    try:
        data = json.loads(schema.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TenderlintError("usage", f"{schema}: cannot read the release schema ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("properties"), dict):
        raise TenderlintError("usage", f"{schema}: not a JSON Schema with 'properties' (an OCDS release schema)")
    try:
        return Merger(schema=data)
    except Exception as error:  # a $ref that cannot be resolved locally
        raise TenderlintError("usage", f"{schema}: cannot derive merge rules ({type(error).__name__}: {error})") \
            from None


def _items(path: Path) -> Iterator:
    """The JSON values in one file: a single document, or one per line (JSON Lines)."""
    try:
        handle = path.open("r", encoding="utf-8-sig")
    except OSError as error:
        raise TenderlintError("not-found", f"cannot read ({error.strerror or error})") from None
    with handle:
        if path.suffix.lower() not in (".jsonl", ".ndjson", ".jl"):
            text = handle.read()
            try:
                yield json.loads(text)
                return
            except json.JSONDecodeError as error:
                if "Extra data" not in error.msg:
                    raise TenderlintError("ocds-invalid", f"not valid JSON (line {error.lineno}: {error.msg})") \
                        from None
            lines: Iterator[str] = iter(text.splitlines())
        else:
            lines = handle
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                raise TenderlintError("ocds-invalid", f"line {number} is not valid JSON ({error.msg})") from None


def _collect(item, source: str, collected: _Collected) -> None:
    if isinstance(item, list):
        for entry in item:
            _collect(entry, source, collected)
        return
    if not isinstance(item, dict):
        raise TenderlintError("ocds-invalid", "holds a JSON value that is not an object")
    if isinstance(item.get("records"), list):  # a record package
        for record in item["records"]:
            _collect_record(record, source, collected)
    elif isinstance(item.get("releases"), list) and "ocid" not in item:  # a release package
        for release in item["releases"]:
            _collect_release(release, source, collected)
    elif "ocid" in item and ("compiledRelease" in item or isinstance(item.get("releases"), list)):  # a record
        _collect_record(item, source, collected)
    elif "ocid" in item:  # a release or a compiled release
        _collect_release(item, source, collected)
    else:
        raise TenderlintError("ocds-invalid", "not a release package, record package, record or release "
                                              "(no 'releases', 'records' or 'ocid')")


def _collect_record(record, source: str, collected: _Collected) -> None:
    if not isinstance(record, dict) or not record.get("ocid"):
        raise TenderlintError("ocds-invalid", "a record without an ocid")
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        compiled = {**compiled, "ocid": compiled.get("ocid") or record["ocid"]}
        _collect_release({**compiled, "tag": ["compiled"]}, source, collected)
        return
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "ocid" in r]
    if not embedded:
        raise TenderlintError("ocds-invalid", f"record {record['ocid']} has no compiled release and only links to "
                                              "its releases (give the release packages instead)")
    for release in embedded:
        _collect_release(release, source, collected)


def _collect_release(release, source: str, collected: _Collected) -> None:
    if not isinstance(release, dict) or not isinstance(release.get("ocid"), str) or not release["ocid"].strip():
        raise TenderlintError("ocds-invalid", "a release without an ocid")
    ocid = release["ocid"].strip()
    sources = collected.sources.setdefault(ocid, [])
    if source not in sources:
        sources.append(source)
    if "compiled" in (release.get("tag") or []):
        previous = collected.compiled.get(ocid)
        if previous is None or str(release.get("date") or "") >= str(previous.get("date") or ""):
            collected.compiled[ocid] = release
    else:
        collected.releases.setdefault(ocid, []).append(release)


def _distinct(releases: list[dict]) -> list[dict]:
    """The same release found in two packages counts once."""
    seen, out = set(), []
    for release in releases:
        key = (release.get("id"), release.get("date")) if release.get("id") else json.dumps(release, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(release)
    return out


# -- a process from its compiled release --------------------------------------------------------

def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _process(ocid: str, compiled: dict, releases: list[dict], sources: list[str]) -> Process:
    carriers = _document_carriers(releases)
    buyer_id, buyer_name = _buyer(compiled)
    tender = compiled.get("tender") if isinstance(compiled.get("tender"), dict) else {}
    process = Process(ocid=ocid, release_id=_text(compiled.get("id")), buyer_id=buyer_id, buyer_name=buyer_name,
                      title=_text(tender.get("title")), date=_process_date(compiled), sources=list(sources))
    for section, documents in _document_lists(compiled):
        for position, document in enumerate(documents):
            if not isinstance(document, dict):
                continue
            document_id = _text(document.get("id")) or f"#{position}"
            process.documents.append(ProcessDocument(
                ocid=ocid, section=section, document_id=document_id,
                document_type=_text(document.get("documentType")), url=_text(document.get("url")),
                title=_text(document.get("title")), format=_text(document.get("format")),
                date_published=_text(document.get("datePublished")),
                release_id=carriers.get((section, document_id), process.release_id)))
    return process


def _document_lists(release: dict) -> Iterator[tuple[str, list]]:
    def docs(container) -> list:
        value = container.get("documents") if isinstance(container, dict) else None
        return value if isinstance(value, list) else []

    yield "planning", docs(release.get("planning"))
    yield "tender", docs(release.get("tender"))
    for award in release.get("awards") or []:
        if isinstance(award, dict):
            yield f"awards/{_text(award.get('id'))}", docs(award)
    for contract in release.get("contracts") or []:
        if isinstance(contract, dict):
            yield f"contracts/{_text(contract.get('id'))}", docs(contract)
            yield f"contracts/{_text(contract.get('id'))}/implementation", docs(contract.get("implementation"))


def _document_carriers(releases: list[dict]) -> dict[tuple[str, str], str]:
    """(section, document id) -> id of the latest release that listed the document."""
    carriers: dict[tuple[str, str], str] = {}
    for release in sorted(releases, key=lambda r: str(r.get("date") or "")):
        release_id = _text(release.get("id"))
        if release_id is None:
            continue
        for section, documents in _document_lists(release):
            for position, document in enumerate(documents):
                if isinstance(document, dict):
                    carriers[(section, _text(document.get("id")) or f"#{position}")] = release_id
    return carriers


def _buyer(release: dict) -> tuple[str | None, str | None]:
    buyer = release.get("buyer")
    if isinstance(buyer, dict) and (buyer.get("id") or buyer.get("name")):
        buyer_id, name = _text(buyer.get("id")), _text(buyer.get("name"))
        if name is None:
            for party in release.get("parties") or []:
                if isinstance(party, dict) and _text(party.get("id")) == buyer_id:
                    name = _text(party.get("name"))
        return buyer_id, name
    for party in release.get("parties") or []:
        if isinstance(party, dict) and "buyer" in (party.get("roles") or []):
            return _text(party.get("id")), _text(party.get("name"))
    return None, None


def _process_date(release: dict) -> str | None:
    """When the process happened, for grouping by year: the tender's opening, else its later milestones."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    candidates = [period.get("startDate"), tender.get("datePublished")]
    for award in release.get("awards") or []:
        if isinstance(award, dict):
            candidates.append(award.get("date"))
    for contract in release.get("contracts") or []:
        if isinstance(contract, dict):
            candidates.append(contract.get("dateSigned"))
    candidates.append(release.get("date"))
    for value in candidates:
        text = _text(value)
        if text and text[:4].isdigit():
            return text
    return None
