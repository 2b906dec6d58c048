"""The batch audit's summary report: one self-contained HTML file an auditor can present.

Per-topic coverage rates across the audited documents, a topic × document heatmap, the
documents with most gaps, red flags by frequency, trends by year and by issuer when the
manifest gives them, and the failures. An OCDS audit adds its contracting processes (gaps and
red flags per process, and what the contract side dropped of the solicitation side) and takes
the year and buyer groups from the OCDS data itself. Charts are inline SVG
(report/audit_charts.py); the page makes no external request.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tenderlint import __version__
from tenderlint.report.audit_charts import STATUS_COLOURS, STATUS_ORDER, charts
from tenderlint.store import ResultStore

YEAR_KEYS = ("year", "fiscal_year", "date")
ISSUER_KEYS = ("issuer", "buyer", "agency", "organisation", "organization")


def _pick(metadata: dict, keys: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): v for k, v in metadata.items()}
    for key in keys:
        if lowered.get(key):
            return str(lowered[key])
    return None


def collect(store: ResultStore, document_ids: list[int], topic_ids: list[str], names: dict[str, str],
            processes: list | None = None) -> dict:
    """Everything the summary shows, as plain data (also handy for tests).

    ``processes``: the ``ProcessView``s of an OCDS audit, if any (see tenderlint.ocds_audit).
    """
    wanted = set(document_ids)
    docs = [row for row in store.documents() if row["id"] in wanted]
    statuses = store.topic_statuses()
    ok = [d for d in docs if not d["error_code"]]
    coverage = []
    for topic in topic_ids:
        counts = Counter(statuses.get(d["id"], {}).get(topic, "missing") for d in ok)
        total = max(1, len(ok))
        coverage.append({"id": topic, "name": names.get(topic, topic),
                         **{s: counts.get(s, 0) for s in STATUS_ORDER},
                         "rate": counts.get("covered", 0) / total})
    applies = defaultdict(dict)
    for row in store.db.execute("SELECT document_id, topic, applies, red_flag, status FROM topic_results"):
        if row["document_id"] in wanted:
            applies[row["document_id"]][row["topic"]] = (bool(row["applies"]), bool(row["red_flag"]), row["status"])
    gaps = []
    for d in ok:
        per = applies.get(d["id"], {})
        n = sum(1 for a, flag, status in per.values() if a and (status in ("missing", "weak") or flag))
        gaps.append({"path": d["path"], "doc_type": d["doc_type"], "gaps": n,
                     "missing": sum(1 for a, _f, s in per.values() if a and s == "missing")})
    gaps.sort(key=lambda g: (-g["gaps"], g["path"]))
    flags = Counter()
    flag_titles = {}
    for row in store.db.execute("SELECT document_id, flag, title FROM red_flags"):
        if row["document_id"] in wanted:
            flags[row["flag"]] += 1
            flag_titles[row["flag"]] = row["title"]
    flag_docs = Counter()
    for row in store.db.execute("SELECT DISTINCT document_id, flag FROM red_flags"):
        if row["document_id"] in wanted:
            flag_docs[row["flag"]] += 1
    trends = {}
    for label, keys in (("year", YEAR_KEYS), ("issuer", ISSUER_KEYS)):
        groups = defaultdict(list)
        for d in ok:
            value = _pick(json.loads(d["metadata"] or "{}"), keys)
            if value:
                groups[value[:4] if label == "year" else value].append(d["id"])
        if len(groups) >= 1 and any(groups.values()):
            trends[label] = {
                group: sum(1 for i in ids for t in topic_ids if statuses.get(i, {}).get(t) == "covered")
                / max(1, len(ids) * len(topic_ids))
                for group, ids in sorted(groups.items())
            }
    failures = [{"path": d["path"], "code": d["error_code"], "message": d["error_message"]}
                for d in docs if d["error_code"]]
    ocds = None
    labels: dict[int, str] = {}
    if processes is not None:
        ocds = _ocds_sections(processes, statuses, topic_ids, {d["id"] for d in ok})
        trends = ocds.pop("trends")
        failures = ocds.pop("failures") + failures
        for view in processes:  # name a document by where the OCDS data lists it, not by its cache file
            for doc in view.documents:
                row = doc.row["document_row"]
                if row is not None and row not in labels:
                    labels[row] = (f"{view.process['ocid']} · {doc.row['document_id']}"
                                   + (f" ({doc.row['document_type']})" if doc.row["document_type"] else ""))
        names_by_path = {d["path"]: labels[d["id"]] for d in docs if d["id"] in labels}
        for entry in gaps + failures:
            entry["path"] = names_by_path.get(entry["path"], entry["path"])
    return {
        "processes": ocds["processes"] if ocds else None,
        "documents": [{"id": d["id"], "path": labels.get(d["id"], d["path"]), "doc_type": d["doc_type"],
                       "statuses": [statuses.get(d["id"], {}).get(t, "") for t in topic_ids]} for d in ok],
        "coverage": coverage,
        "gaps": gaps,
        "red_flags": [{"id": f, "title": flag_titles[f], "count": n, "documents": flag_docs[f]}
                      for f, n in flags.most_common()],
        "trends": trends,
        "failures": failures,
        "total": len(docs) + (len(failures) - len([d for d in docs if d["error_code"]]) if ocds else 0),
        "checked": len(ok),
        "ocr": _ocr_documents(ok),
    }


def _ocds_sections(processes: list, statuses: dict, topic_ids: list[str], checked: set[int]) -> dict:
    """Per-process rows, coverage by year and by buyer from the OCDS data, and the documents never checked."""
    rows, failures = [], []
    groups: dict[str, dict[str, set[int]]] = {"year": defaultdict(set), "buyer": defaultdict(set)}
    for view in processes:
        process = view.process
        ids = {d.row["document_row"] for d in view.documents if d.row["document_row"] in checked}
        for label, value in (("year", process["year"]), ("buyer", process["buyer_name"] or process["buyer_id"])):
            if value and ids:
                groups[label][value] |= ids
        for doc in view.documents:
            if doc.row["error_code"] and doc.row["error_code"] != "no-url":
                failures.append({"path": f"{process['ocid']} · {doc.row['document_id']} · {doc.row['url']}",
                                 "code": doc.row["error_code"], "message": doc.row["error_message"]})
        rows.append({"ocid": process["ocid"], "buyer": process["buyer_name"] or process["buyer_id"] or "",
                     "year": process["year"] or "", "title": process["title"] or "",
                     "documents": len(view.documents), "checked": len(view.checked),
                     "failed": sum(1 for d in view.documents if not d.ok and d.row["error_code"] != "no-url"),
                     "no_url": sum(1 for d in view.documents if d.row["error_code"] == "no-url"),
                     "gaps": view.gaps(), "red_flags": view.red_flags(), "changes": _changes(view)})
    trends = {}
    for label, series in groups.items():
        if series:
            trends[label] = {
                group: sum(1 for i in ids for t in topic_ids if statuses.get(i, {}).get(t) == "covered")
                / max(1, len(ids) * len(topic_ids))
                for group, ids in sorted(series.items())
            }
    return {"processes": rows, "trends": trends, "failures": failures}


def _changes(view) -> dict | None:
    """The contract side against the solicitation side: topic ids per failing change, or None."""
    comparison = view.comparison()
    if comparison is None:
        return None
    return {change: [t.id for t in comparison.findings if t.change == change]
            for change in ("dropped", "weakened", "against")}


def _ocr_documents(docs) -> list[dict]:
    """The documents of which some pages were read by OCR, least confident first."""
    rows = []
    for d in docs:
        pages = json.loads(d["ocr_pages"]) if d["ocr_pages"] else []
        if pages:
            rows.append({"path": d["path"], "pages": len(pages), "of": d["pages"], "confidence": d["ocr_confidence"]})
    rows.sort(key=lambda r: (r["confidence"] if r["confidence"] is not None else -1, r["path"]))
    return rows


def render_summary(store: ResultStore, document_ids: list[int], topic_ids: list[str], names: dict[str, str],
                   title: str = "Audit summary", processes: list | None = None) -> str:
    data = collect(store, document_ids, topic_ids, names, processes)
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.get_template("audit-summary.html.j2")
    runs = store.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return template.render(title=title, data=data, charts=charts(data, topic_ids), topic_ids=topic_ids,
                           names=names, version=__version__, run=dict(runs) if runs else None,
                           colours=STATUS_COLOURS)
