"""The batch audit of OCDS publications: contracting processes in, their documents checked, findings per ocid.

``audit_ocds`` finds each document of each process locally (``--documents``: a folder laid out
by URL path, or a ``url,file`` CSV) or downloads it (``fetch.py``), then hands the files to the
ordinary batch audit (``audit.py``: worker processes or Dask, resumable, each content checked
once per type) with the type the document's ``documentType`` implies, and finally records each
process and each of its documents in the store's OCDS tables, pointing at the stored result or
at the failure that kept the document unchecked.

Everything a report shows per process (``process_views``) is read back from the store, so
``--csv``, ``--jsonl`` and ``--report`` give the same output after a resumed run, a rerun that
checked nothing, or from the store alone.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from tenderlint.audit import CSV_FIXED_COLUMNS, AuditInput, AuditSummary, _sha256, audit, current_versions
from tenderlint.check import CheckOptions
from tenderlint.errors import TenderlintError
from tenderlint.fetch import FetchReport, FetchSettings, check_url, fetch_all, fetch_key
from tenderlint.ocds import Process, ProcessDocument
from tenderlint.results import SEVERITY_RANK, DocumentResult
from tenderlint.store import ResultStore

OCDS_CSV_COLUMNS = ["ocid", "release_id", "document_id", "document_type", "buyer_id", "buyer", "date", "url"]


# -- where the documents are ----------------------------------------------------------------------

class LocalDocuments:
    """Documents already on disk: folders laid out by URL path, and ``url,file`` mapping CSVs."""

    def __init__(self, sources: list[Path]):
        self.folders: list[Path] = []
        self.mapping: dict[str, Path] = {}
        for source in sources:
            if source.is_dir():
                self.folders.append(source)
            elif source.is_file():
                self.mapping.update(_read_mapping(source))
            else:
                raise TenderlintError("usage", f"{source}: --documents takes a folder or a url,file CSV")

    def find(self, url: str) -> Path | None:
        key = fetch_key(url)
        if key in self.mapping:
            return self.mapping[key]
        parts = urllib.parse.urlsplit(key)
        relative = PurePosixPath(urllib.parse.unquote(parts.path)).parts[1:]
        if not relative or any(part in ("..", ".") for part in relative):
            return None
        for folder in self.folders:
            for candidate in (folder.joinpath(parts.hostname or "", *relative), folder.joinpath(*relative)):
                if candidate.is_file():
                    return candidate
        return None


def _read_mapping(path: Path) -> dict[str, Path]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TenderlintError("usage", f"{path}: cannot read the document mapping ({error.strerror})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"url", "file"} <= set(reader.fieldnames):
        raise TenderlintError("usage", f"{path}: the document mapping needs 'url' and 'file' columns")
    mapping = {}
    for row in reader:
        url, file = (row.get("url") or "").strip(), (row.get("file") or "").strip()
        if url and file:
            target = Path(file)
            mapping[fetch_key(url)] = target if target.is_absolute() else path.parent / target
    return mapping


# -- the audit ------------------------------------------------------------------------------------

@dataclass
class OcdsAuditSummary:
    processes: list[str] = field(default_factory=list)  # ocids
    documents: int = 0  # document entries across the processes
    no_url: int = 0
    fetch: FetchReport | None = None
    audit: AuditSummary | None = None
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # where, code, message


@dataclass
class _Located:
    path: str | None = None
    error: dict | None = None


def locate(processes: list[Process], local: LocalDocuments | None, fetch_settings: FetchSettings | None,
           fetch_progress: Callable | None = None) -> tuple[dict[str, _Located], FetchReport | None]:
    """URL -> the local file to check, or the error that leaves none; downloads what is not on disk."""
    located: dict[str, _Located] = {}
    to_fetch: list[str] = []
    for process in processes:
        for doc in process.documents:
            if doc.url is None or doc.url in located:
                continue
            try:
                check_url(fetch_key(doc.url))
            except TenderlintError as error:
                located[doc.url] = _Located(error=error.as_dict())
                continue
            found = local.find(doc.url) if local else None
            if found is not None:
                located[doc.url] = _Located(path=str(found))
            elif fetch_settings is not None:
                located[doc.url] = _Located()
                to_fetch.append(doc.url)
            else:
                located[doc.url] = _Located(error={"code": "not-found", "message": "no local copy under --documents "
                                                   "and --download not given"})
    report = None
    if to_fetch:
        report = fetch_all(to_fetch, fetch_settings, progress=fetch_progress)
        for url in to_fetch:
            outcome = report.results[url]
            located[url] = _Located(path=outcome.path, error=outcome.error)
    return located, report


def audit_ocds(processes: list[Process], store: ResultStore, options: CheckOptions, *,
               local: LocalDocuments | None = None, fetch_settings: FetchSettings | None = None,
               jobs: int | None = None, timeout: float = 300.0, scheduler=None,
               progress: Callable | None = None, fetch_progress: Callable | None = None) -> OcdsAuditSummary:
    """Check every document of ``processes`` not yet in the store, and record the processes."""
    summary = OcdsAuditSummary(processes=[p.ocid for p in processes])
    located, summary.fetch = locate(processes, local, fetch_settings, fetch_progress)
    inputs: dict[tuple[str, str | None], AuditInput] = {}
    for process in processes:
        for doc in process.documents:
            summary.documents += 1
            place = located.get(doc.url) if doc.url else None
            if place is not None and place.path is not None:
                key = (place.path, _set_type(doc))
                if key not in inputs:  # the same file in two processes (or twice in one) is checked once
                    inputs[key] = AuditInput(path=place.path, sha256=_sha256(place.path), doc_type=key[1])
    items = list(inputs.values())
    summary.audit = audit(items, store, options, jobs=jobs, timeout=timeout, scheduler=scheduler, progress=progress)
    versions = current_versions(options)
    rows = {key: store.find(item.key(versions, options.doc_type)) for key, item in inputs.items()}
    for process in processes:
        entries = []
        for doc in process.documents:
            entry = {"document": doc, "doc_type": _set_type(doc) or options.doc_type, "local_path": None,
                     "document_row": None, "error": None}
            if doc.url is None:
                summary.no_url += 1
                entry["error"] = {"code": "no-url", "message": "the document has no URL"}
            else:
                place = located[doc.url]
                entry["local_path"] = place.path
                if place.path is not None:
                    entry["document_row"] = rows.get((place.path, _set_type(doc)))
                else:
                    entry["error"] = place.error
            entries.append(entry)
        store.save_process(process, entries, summary.audit.run_id)
    reported: set[tuple[str, str]] = set()
    for process in processes:
        for doc in process.documents:
            place = located.get(doc.url) if doc.url else None
            if place is not None and place.error and (doc.url, place.error["code"]) not in reported:
                reported.add((doc.url, place.error["code"]))
                summary.failures.append((doc.url, place.error["code"], place.error["message"]))
    url_of = {place.path: url for url, place in located.items() if place.path is not None}
    summary.failures.extend((url_of.get(path, path), code, message) for path, code, message in summary.audit.failures)
    return summary


def _set_type(doc: ProcessDocument) -> str | None:
    """The type the check is told to use, or None to use the run's --type (auto by default)."""
    return None if doc.doc_type == "auto" else doc.doc_type


# -- reading a process back -----------------------------------------------------------------------

@dataclass
class DocumentView:
    row: dict  # the ocds_documents row
    result: DocumentResult | None  # None when it was not fetched or has no URL

    @property
    def ok(self) -> bool:
        return self.result is not None and not self.result.error

    @property
    def error(self) -> dict | None:
        if self.row["error_code"]:
            return {"code": self.row["error_code"], "message": self.row["error_message"]}
        if self.result is None:
            return {"code": "internal", "message": "the stored result is missing (rerun the audit)"}
        return self.result.error


@dataclass
class ProcessView:
    process: dict  # the ocds_processes row
    documents: list[DocumentView]

    @property
    def checked(self) -> list[DocumentView]:
        return [d for d in self.documents if d.ok]

    def gaps(self) -> list[dict]:
        """Topics expected of some checked document that no checked document of the process covers."""
        best: dict[str, dict] = {}
        for view in self.checked:
            for topic in view.result.topics:
                entry = best.setdefault(topic.id, {"id": topic.id, "name": topic.name, "severity": topic.severity,
                                                   "applies": False, "status": "missing"})
                entry["applies"] = entry["applies"] or topic.applies
                if _STATUS_RANK[topic.status] < _STATUS_RANK[entry["status"]]:
                    entry["status"] = topic.status
        gaps = [g for g in best.values() if g["applies"] and g["status"] in ("missing", "weak")]
        gaps.sort(key=lambda g: (SEVERITY_RANK.get(g["severity"], 9), g["status"] != "missing", g["id"]))
        return [{k: g[k] for k in ("id", "name", "status", "severity")} for g in gaps]

    def red_flags(self) -> list[dict]:
        flags = []
        for view in self.checked:
            for flag in view.result.red_flags:
                flags.append({"document_id": view.row["document_id"], "id": flag.id, "topic": flag.topic,
                              "title": flag.title, "severity": flag.severity, "quote": flag.evidence.quote,
                              "page": flag.evidence.page})
        return flags

    def sides(self) -> tuple[list[DocumentView], list[DocumentView]]:
        """The solicitation side and the contract side of the process, as their documentType says.

        When no documentType names a side, the tender's documents that were detected as
        solicitations (and the contracts' documents detected as contracts) stand in for it.
        """
        solicitations = [d for d in self.checked if d.row["doc_type"] == "rfp"]
        contracts = [d for d in self.checked if d.row["doc_type"] == "contract"]
        if not solicitations:
            solicitations = [d for d in self.checked if d.row["section"] == "tender" and d.result.doc_type == "rfp"]
        if not contracts:
            contracts = [d for d in self.checked if d.row["section"].startswith("contracts/")
                         and not d.row["section"].endswith("/implementation") and d.result.doc_type == "contract"]
        return solicitations, contracts

    def comparison(self):
        """What the contract side kept, weakened or dropped of the solicitation side (``compare``), or None.

        Several solicitation documents are pooled first (per topic, the best status any of them
        reached, with that document's evidence); the contract documents are pooled by
        ``compare_documents`` itself. Documents are named by their OCDS id in the comparison.
        """
        solicitations, contracts = self.sides()
        if not solicitations or not contracts:
            return None
        from tenderlint.compare import compare_documents

        named = [dataclasses.replace(d.result, path=d.row["document_id"]) for d in solicitations]
        return compare_documents(pool_solicitations(named),
                                 [dataclasses.replace(d.result, path=d.row["document_id"]) for d in contracts])


def pool_solicitations(results: list[DocumentResult]) -> DocumentResult:
    """One solicitation standing for several (tender notice + bidding documents + specifications…)."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    topics = []
    for topic in first.topics:
        candidates = [r.topic(topic.id) for r in results if any(t.id == topic.id for t in r.topics)]
        best = min(candidates, key=lambda t: _STATUS_RANK[t.status])
        topics.append(dataclasses.replace(best, applies=any(t.applies for t in candidates),
                                          red_flag=any(t.red_flag for t in candidates)))
    return DocumentResult(path=" + ".join(r.path for r in results), doc_type="rfp",
                          doc_type_reason="the solicitation side of the process, pooled", format=None,
                          topics=topics, red_flags=[f for r in results for f in r.red_flags],
                          warnings=sorted({w for r in results for w in r.warnings}))


_STATUS_RANK = {"covered": 0, "waived": 1, "weak": 2, "missing": 3}


def process_views(store: ResultStore, ocids: list[str] | None = None,
                  names: dict[str, str] | None = None) -> list[ProcessView]:
    """Every stored process (or those in ``ocids``), sorted by ocid, with its documents' stored results."""
    cache: dict[int, DocumentResult] = {}
    views = []
    for process in store.processes(ocids):
        documents = []
        for row in store.process_documents(process["ocid"]):
            result = None
            if row["document_row"] is not None:
                if row["document_row"] not in cache:
                    try:
                        cache[row["document_row"]] = store.load_result(row["document_row"], names)
                    except KeyError:
                        cache[row["document_row"]] = None
                result = cache[row["document_row"]]
            documents.append(DocumentView(dict(row), result))
        views.append(ProcessView(dict(process), documents))
    return views


# -- outputs --------------------------------------------------------------------------------------

def write_ocds_csv(views: list[ProcessView], topic_ids: list[str], out) -> None:
    """One row per OCDS document: the OCDS columns, the audit's fixed columns, one status column per topic."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OCDS_CSV_COLUMNS + CSV_FIXED_COLUMNS + topic_ids)
    for view in views:
        process = view.process
        for doc in view.documents:
            row, result = doc.row, doc.result
            error = doc.error
            statuses = {t.id: t.status for t in result.topics} if result is not None else {}
            writer.writerow(
                [process["ocid"], row["release_id"] or "", row["document_id"], row["document_type"] or "",
                 process["buyer_id"] or "", process["buyer_name"] or "", process["date"] or "", row["url"] or ""]
                + [row["local_path"] or "", (result.sha256 if result else None) or "",
                   (result.format if result else None) or "", (result.doc_type if result else None) or "",
                   "" if result is None or result.pages is None else result.pages,
                   "" if result is None or result.words is None else result.words,
                   f"{error['code']}: {error['message']}" if error else ""]
                + [statuses.get(t, "") for t in topic_ids])


def process_json(view: ProcessView) -> dict:
    """One line of ``--jsonl``: the process, its documents' results, gaps and red flags, keyed for joining back."""
    from tenderlint.report.json_report import document_dict

    process = view.process
    documents = []
    for doc in view.documents:
        row = doc.row
        result = document_dict(doc.result) if doc.result is not None else None
        if result is not None:
            result.pop("path", None)
            if row["doc_type"] != "auto":
                result["doc_type_reason"] = f"set from the OCDS documentType {row['document_type']!r}"
        documents.append({"id": row["document_id"], "release_id": row["release_id"], "section": row["section"],
                          "documentType": row["document_type"], "url": row["url"], "title": row["title"],
                          "checked_as": row["doc_type"], "error": doc.error if not doc.ok else None,
                          "result": result})
    return {
        "ocid": process["ocid"],
        "release_id": process["release_id"],
        "buyer": {"id": process["buyer_id"], "name": process["buyer_name"]},
        "title": process["title"],
        "date": process["date"],
        "year": process["year"],
        "documents": documents,
        "gaps": view.gaps(),
        "red_flags": view.red_flags(),
        "comparison": comparison_json(view.comparison()),
    }


def comparison_json(comparison) -> dict | None:
    """The comparison as ``compare --format json`` gives it, with its documents named by OCDS id
    (their full results are already in the line's ``documents``)."""
    if comparison is None:
        return None
    data = comparison.to_dict()
    data["solicitation"] = comparison.solicitation.path.split(" + ")
    data["contracts"] = [c.path for c in comparison.contracts]
    data["findings"] = [{"id": t.id, "change": t.change, "severity": t.severity} for t in comparison.findings]
    return data


def write_jsonl(views: list[ProcessView], out) -> None:
    import json

    for view in views:
        out.write(json.dumps(process_json(view), ensure_ascii=False, sort_keys=True) + "\n")
