"""The batch audit's summary report: one self-contained HTML file an auditor can present.

Per-topic coverage rates across the audited documents, a topic × document heatmap, the
documents with most gaps, red flags by frequency, trends by year and by issuer when the
manifest gives them, and the failures. Charts are drawn with matplotlib and embedded as
PNG data URIs; the page makes no external request.
"""

from __future__ import annotations

import base64
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tenderlint import __version__
from tenderlint.store import ResultStore

STATUS_COLOURS = {"covered": "#2e7d32", "weak": "#f9a825", "missing": "#c62828", "waived": "#757575"}
STATUS_ORDER = ["covered", "weak", "missing", "waived"]
YEAR_KEYS = ("year", "fiscal_year", "date")
ISSUER_KEYS = ("issuer", "buyer", "agency", "organisation", "organization")


def _pick(metadata: dict, keys: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): v for k, v in metadata.items()}
    for key in keys:
        if lowered.get(key):
            return str(lowered[key])
    return None


def collect(store: ResultStore, document_ids: list[int], topic_ids: list[str], names: dict[str, str]) -> dict:
    """Everything the summary shows, as plain data (also handy for tests)."""
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
    return {
        "documents": [{"id": d["id"], "path": d["path"], "doc_type": d["doc_type"],
                       "statuses": [statuses.get(d["id"], {}).get(t, "") for t in topic_ids]} for d in ok],
        "coverage": coverage,
        "gaps": gaps,
        "red_flags": [{"id": f, "title": flag_titles[f], "count": n, "documents": flag_docs[f]}
                      for f, n in flags.most_common()],
        "trends": trends,
        "failures": [{"path": d["path"], "code": d["error_code"], "message": d["error_message"]}
                     for d in docs if d["error_code"]],
        "total": len(docs),
        "checked": len(ok),
        "ocr": _ocr_documents(ok),
    }


def _ocr_documents(docs) -> list[dict]:
    """The documents of which some pages were read by OCR, least confident first."""
    rows = []
    for d in docs:
        pages = json.loads(d["ocr_pages"]) if d["ocr_pages"] else []
        if pages:
            rows.append({"path": d["path"], "pages": len(pages), "of": d["pages"], "confidence": d["ocr_confidence"]})
    rows.sort(key=lambda r: (r["confidence"] if r["confidence"] is not None else -1, r["path"]))
    return rows


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def charts(data: dict, topic_ids: list[str]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    out = {}
    plt.rcParams.update({"font.size": 8, "svg.hashsalt": "tenderlint"})
    if data["coverage"] and data["checked"]:
        fig, ax = plt.subplots(figsize=(8, 0.28 * len(topic_ids) + 1))
        left = [0] * len(topic_ids)
        labels = [c["id"] for c in data["coverage"]]
        for status in STATUS_ORDER:
            values = [c[status] for c in data["coverage"]]
            ax.barh(labels, values, left=left, color=STATUS_COLOURS[status], label=status)
            left = [a + b for a, b in zip(left, values)]
        ax.invert_yaxis()
        ax.set_xlabel("documents")
        ax.legend(loc="lower right", ncols=4, fontsize=7)
        ax.set_title("Topic status across the audited documents")
        out["coverage"] = _png(fig)
        plt.close(fig)
    docs = data["documents"][:200]
    if docs:
        code = {"covered": 0, "weak": 1, "missing": 2, "waived": 3, "": 2}
        grid = [[code[s] for s in d["statuses"]] for d in docs]
        fig, ax = plt.subplots(figsize=(min(14, 2 + 0.3 * len(docs)), 0.25 * len(topic_ids) + 1.5))
        cmap = ListedColormap([STATUS_COLOURS[s] for s in STATUS_ORDER])
        ax.imshow([list(col) for col in zip(*grid)], aspect="auto", cmap=cmap, vmin=0, vmax=3,
                  interpolation="nearest")
        ax.set_yticks(range(len(topic_ids)), topic_ids)
        ax.set_xticks(range(len(docs)), [Path(d["path"]).name[:28] for d in docs], rotation=90, fontsize=6)
        ax.set_title("Topic × document (green covered, amber weak, red missing, grey waived)")
        out["heatmap"] = _png(fig)
        plt.close(fig)
    for label, series in data["trends"].items():
        if not series:
            continue
        fig, ax = plt.subplots(figsize=(7, 3))
        keys = list(series)
        values = [100 * series[k] for k in keys]
        if label == "year":
            ax.plot(keys, values, marker="o", color=STATUS_COLOURS["covered"])
        else:
            ax.bar(keys, values, color=STATUS_COLOURS["covered"])
            ax.tick_params(axis="x", rotation=45)
        ax.set_ylabel("% of topics covered")
        ax.set_ylim(0, 100)
        ax.set_title(f"Coverage by {label}")
        out[f"trend_{label}"] = _png(fig)
        plt.close(fig)
    return out


def render_summary(store: ResultStore, document_ids: list[int], topic_ids: list[str], names: dict[str, str],
                   title: str = "Audit summary") -> str:
    data = collect(store, document_ids, topic_ids, names)
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.get_template("audit-summary.html.j2")
    runs = store.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return template.render(title=title, data=data, charts=charts(data, topic_ids), topic_ids=topic_ids,
                           names=names, version=__version__, run=dict(runs) if runs else None,
                           colours=STATUS_COLOURS)
