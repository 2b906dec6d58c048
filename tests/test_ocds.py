"""``audit --ocds``: OCDS publications in, documents fetched from 127.0.0.1 and checked, findings per ocid out.

The packages are our own, in the shape of the OCP fictional example (../shared/ocds/, used too
when present): several processes from several buyers and years, a release package whose
releases ocdsmerge merges, a record package with a compiled release, JSON Lines of releases.
Their documents are served by a local HTTP server started here, with a 404, a slow answer, a
file over the size limit, a file:// URL, a redirect to file:, and one document shared by two
processes.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ocds_server import DocumentServer, Route
from tenderlint.check import CheckOptions
from tenderlint.errors import TenderlintError
from tenderlint.ocds import OCDS_11_MERGE_RULES, doc_type_for, read_publications
from tenderlint.store import SCHEMA, SCHEMA_VERSION, ResultStore

REPO = Path(__file__).resolve().parents[1]
SHARED_OCDS = REPO.parent / "shared" / "ocds"
OPTIONS = CheckOptions(use_model=False)

RFP_ONE = b"""# Request for Proposals: resident enquiry assistant

## 3 Data protection

The Contractor shall process personal data of residents only on the documented instructions of the
Council and shall notify the Council of any personal data breach within 48 hours.

## 4 Exit

The Contractor shall provide a transition-out plan and return all Council data in an open format
at the end of the contract.
"""
CONTRACT_ONE = b"""SERVICES AGREEMENT

This Agreement is made between the Council and the Supplier (the parties).

1. The Supplier shall maintain professional indemnity insurance of not less than 5,000,000.
2. The Supplier may use Customer data to train and improve its models and services.
3. The Supplier's total liability under this Agreement shall not exceed the fees paid in the
   preceding one month.
"""
RFP_TWO = b"""<html><head><title>Invitation to tender</title></head><body>
<h1>Invitation to tender: translation service</h1>
<p>Bidders must explain how their service meets WCAG 2.1 AA for all public-facing pages.</p>
<p>Evaluation criteria: quality 60%, price 40%.</p>
</body></html>
"""
SHARED_TERMS = b"""# Framework terms of use

The Supplier shall keep an audit log of every automated decision for six years and make it
available to the Council on request.
"""


def _release(ocid, release_id, date, tag, buyer=None, tender_docs=None, contract_docs=None, title=None):
    release = {"ocid": ocid, "id": release_id, "date": date, "tag": tag, "initiationType": "tender"}
    if buyer:
        release["buyer"] = {"id": buyer[0], "name": buyer[1]}
        release["parties"] = [{"id": buyer[0], "name": buyer[1], "roles": ["buyer"]}]
    if tender_docs is not None:
        release["tender"] = {"id": f"{ocid}-tender", "title": title,
                             "tenderPeriod": {"startDate": date}, "documents": tender_docs}
    if contract_docs is not None:
        release["awards"] = [{"id": "award-1", "status": "active"}]
        release["contracts"] = [{"id": "contract-1", "awardID": "award-1", "documents": contract_docs}]
    return release


def _doc(doc_id, document_type, url, title="document"):
    return {"id": doc_id, "documentType": document_type, "url": url, "title": title}


def write_packages(folder: Path, url) -> dict[str, Path]:
    """Three processes in the three shapes; ``url(path)`` gives the server's URL for a path."""
    folder.mkdir(parents=True, exist_ok=True)
    aldermoor = ("GB-ALD-1", "City of Aldermoor")
    harbour = ("GB-HBR-2", "Harbour County")
    one = "ocds-t3st01-0001"
    release_package = {
        "uri": "https://example.org/p1.json", "version": "1.1", "publishedDate": "2021-06-01T00:00:00Z",
        "publisher": {"name": "Test publisher"},
        "releases": [
            _release(one, f"{one}-01-tender", "2021-02-01T09:00:00Z", ["tender"], aldermoor, title="Enquiry assistant",
                     tender_docs=[_doc("t1", "biddingDocuments", url("/p1/rfp.md")),
                                  _doc("t2", "technicalSpecifications", url("/p1/missing.pdf")),
                                  _doc("t3", "clarifications", "file:///etc/passwd")]),
            _release(one, f"{one}-02-contract", "2021-05-01T09:00:00Z", ["award", "contract"], aldermoor,
                     contract_docs=[_doc("c1", "contractSigned", url("/p1/contract.txt")),
                                    _doc("c2", "contractAnnexe", url("/shared/terms.md"))]),
        ],
    }
    two = "ocds-t3st01-0002"
    compiled = _release(two, f"{two}-2022-04-01T00:00:00Z", "2022-03-01T09:00:00Z", ["compiled"], harbour,
                        title="Translation service",
                        tender_docs=[_doc("n1", "tenderNotice", url("/p2/notice.html")),
                                     _doc("n2", "evaluationCriteria", url("/p2/slow.md")),
                                     _doc("n3", "x_offline", None)],
                        contract_docs=[_doc("k1", "contractSigned", url("/p2/huge.txt")),
                                       _doc("k2", "contractSchedule", url("/p2/redirect"))])
    record_package = {"uri": "https://example.org/p2.json", "version": "1.1", "publishedDate": "2022-05-01T00:00:00Z",
                      "records": [{"ocid": two, "releases": [{"url": "https://example.org/r#1", "date": "2022-03-01",
                                                              "tag": ["tender"]}],
                                   "compiledRelease": compiled}]}
    three = "ocds-t3st01-0003"
    lines = [
        _release(three, f"{three}-01", "2022-09-01T09:00:00Z", ["tender"], aldermoor, title="Framework call-off",
                 tender_docs=[_doc("f1", "tenderNotice", url("/p3/rfp.md"))]),
        _release(three, f"{three}-02", "2022-11-01T09:00:00Z", ["contract"],
                 contract_docs=[_doc("f2", "contractAnnexe", url("/shared/terms.md"))]),
    ]
    paths = {"release-package": folder / "p1-releases.json", "record-package": folder / "p2-record.json",
             "jsonl": folder / "p3.jsonl"}
    paths["release-package"].write_text(json.dumps(release_package, indent=1))
    paths["record-package"].write_text(json.dumps(record_package, indent=1))
    paths["jsonl"].write_text("".join(json.dumps(r) + "\n" for r in lines))
    return paths


def routes() -> dict[str, Route]:
    return {
        "/p1/rfp.md": Route(RFP_ONE, headers={"ETag": '"p1-rfp"', "Content-Type": "text/markdown"}),
        "/p1/contract.txt": Route(CONTRACT_ONE, headers={"Last-Modified": "Mon, 03 May 2021 10:00:00 GMT"}),
        "/p2/notice.html": Route(RFP_TWO, headers={"ETag": '"p2"', "Content-Type": "text/html"}),
        "/p2/slow.md": Route(RFP_TWO, delay=30),
        "/p2/huge.txt": Route(b"clause " * 60_000, content_length=False),  # 420 kB against a 200 kB limit
        "/p2/redirect": Route(status=302, headers={"Location": "file:///etc/hostname"}),
        "/p3/rfp.md": Route(RFP_ONE.replace(b"resident enquiry assistant", b"framework call-off"),
                            headers={"ETag": '"p3"'}),
        "/shared/terms.md": Route(SHARED_TERMS, headers={"ETag": '"terms"'}),
    }


# Every test here may open connections to 127.0.0.1 only (tests/conftest.py, loopback_only).
pytestmark = pytest.mark.usefixtures("loopback_only")


# -- reading ------------------------------------------------------------------------------------

def test_documenttype_gives_the_check_type():
    assert [doc_type_for(t) for t in ("tenderNotice", "biddingDocuments", "technicalSpecifications",
                                      "evaluationCriteria", "contractDraft")] == ["rfp"] * 5
    assert [doc_type_for(t) for t in ("contractSigned", "contractAnnexe", "contractSchedule")] == ["contract"] * 3
    assert [doc_type_for(t) for t in ("awardNotice", "x_map", None)] == ["auto"] * 3


def test_three_shapes_become_processes_with_merged_releases(tmp_path):
    paths = write_packages(tmp_path / "pkg", lambda p: "http://127.0.0.1:9" + p)
    processes, failures = read_publications([str(tmp_path / "pkg")])
    assert failures == []
    by_ocid = {p.ocid: p for p in processes}
    assert list(by_ocid) == ["ocds-t3st01-0001", "ocds-t3st01-0002", "ocds-t3st01-0003"]
    one = by_ocid["ocds-t3st01-0001"]  # two releases merged by ocdsmerge: tender and contract documents
    assert [(d.section, d.document_id, d.doc_type) for d in one.documents] == [
        ("tender", "t1", "rfp"), ("tender", "t2", "rfp"), ("tender", "t3", "rfp"),
        ("contracts/contract-1", "c1", "contract"), ("contracts/contract-1", "c2", "contract")]
    assert one.release_id == "ocds-t3st01-0001-2021-05-01T09:00:00Z"  # ocdsmerge's compiled id: ocid-latest date
    assert {d.document_id: d.release_id for d in one.documents}["c1"] == "ocds-t3st01-0001-02-contract"
    assert (one.buyer_name, one.year, one.title) == ("City of Aldermoor", "2021", "Enquiry assistant")
    two = by_ocid["ocds-t3st01-0002"]  # the record's compiled release, used as it is
    assert two.buyer_id == "GB-HBR-2" and two.year == "2022" and len(two.documents) == 5
    three = by_ocid["ocds-t3st01-0003"]  # JSON Lines: the second release has no buyer, the first's is kept
    assert three.buyer_name == "City of Aldermoor" and [d.document_id for d in three.documents] == ["f1", "f2"]
    assert paths["jsonl"].name in three.sources[0]


def test_compiled_releases_in_json_lines_and_records_with_embedded_releases(tmp_path):
    compiled = [_release(f"ocds-t3st01-010{i}", f"c{i}", f"202{i}-01-01T00:00:00Z", ["compiled"], ("B", f"Buyer {i}"),
                         tender_docs=[_doc("d", "tenderNotice", f"http://127.0.0.1:9/{i}.md")]) for i in range(3)]
    (tmp_path / "compiled.jsonl").write_text("".join(json.dumps(c) + "\n" for c in compiled))
    embedded = {"records": [{"ocid": "ocds-t3st01-0200", "releases": [
        _release("ocds-t3st01-0200", "e1", "2020-01-01T00:00:00Z", ["tender"], ("B", "Buyer e"),
                 tender_docs=[_doc("x", "tenderNotice", "http://127.0.0.1:9/x.md")]),
        _release("ocds-t3st01-0200", "e2", "2020-03-01T00:00:00Z", ["contract"],
                 contract_docs=[_doc("y", "contractSigned", "http://127.0.0.1:9/y.md")])]}]}
    (tmp_path / "embedded.json").write_text(json.dumps(embedded))
    (tmp_path / "array.json").write_text(json.dumps([compiled[0]]))  # the same process again, as a JSON array
    processes, failures = read_publications([str(tmp_path)])
    assert failures == []
    by_ocid = {p.ocid: p for p in processes}
    assert sorted(by_ocid) == ["ocds-t3st01-0100", "ocds-t3st01-0101", "ocds-t3st01-0102", "ocds-t3st01-0200"]
    assert [(p.release_id, p.year, p.buyer_name) for p in processes[:3]] == [
        ("c0", "2020", "Buyer 0"), ("c1", "2021", "Buyer 1"), ("c2", "2022", "Buyer 2")]
    assert len(by_ocid["ocds-t3st01-0100"].sources) == 2  # found in the JSON Lines and in the array
    merged = by_ocid["ocds-t3st01-0200"]
    assert [(d.document_id, d.doc_type, d.release_id) for d in merged.documents] == [
        ("x", "rfp", "e1"), ("y", "contract", "e2")]


def test_bad_publications_are_reported_and_the_others_read(tmp_path):
    good = write_packages(tmp_path / "pkg", lambda p: "http://127.0.0.1:9" + p)["jsonl"]
    (tmp_path / "broken.json").write_text('{"releases": [')
    (tmp_path / "other.json").write_text('{"hello": 1}')
    (tmp_path / "linked.json").write_text(json.dumps({"records": [{"ocid": "ocds-x-1", "releases": [
        {"url": "https://example.org/r.json#1", "date": "2020-01-01", "tag": ["tender"]}]}]}))
    (tmp_path / "undated.jsonl").write_text(json.dumps({"ocid": "ocds-x-2", "id": "1", "tag": ["tender"]}) + "\n"
                                            + json.dumps({"ocid": "ocds-x-2", "id": "2", "tag": ["award"],
                                                          "date": "2020-01-01"}) + "\n")
    processes, failures = read_publications([str(good), str(tmp_path / "broken.json"), str(tmp_path / "other.json"),
                                             str(tmp_path / "linked.json"), str(tmp_path / "undated.jsonl")])
    assert [p.ocid for p in processes] == ["ocds-t3st01-0003"]
    codes = {Path(path).name: (code, message) for path, code, message in failures}
    assert set(codes) == {"broken.json", "other.json", "linked.json", "undated.jsonl"}
    assert all(code == "ocds-invalid" for code, _ in codes.values())
    assert "only links to its releases" in codes["linked.json"][1]
    assert "cannot be merged" in codes["undated.jsonl"][1]


def test_shared_fictional_example_merges_offline_like_its_compiled_record(shared_dir):
    folder = shared_dir / "ocds"
    if not folder.is_dir():
        pytest.skip("../shared/ocds is absent: no OCP fictional example")
    merged, failures = read_publications([str(folder / "ocds-213czf-000-00001-02-tender.json"),
                                          str(folder / "ocds-213czf-000-00001-05-contract.json")])
    recorded, more = read_publications([str(folder / "ocds-213czf-000-00001.json")])
    assert failures == more == [] and len(merged) == len(recorded) == 1
    record = json.loads((folder / "ocds-213czf-000-00001.json").read_text())["records"][0]["compiledRelease"]
    from ocdsmerge import Merger

    releases = [json.loads((folder / name).read_text())["releases"][0]
                for name in ("ocds-213czf-000-00001-02-tender.json", "ocds-213czf-000-00001-05-contract.json")]
    compiled = Merger(merge_rules=OCDS_11_MERGE_RULES).create_compiled_release(releases)
    # What the two releases say about the contract agrees with the publisher's compiled release.
    assert compiled["contracts"][0]["documents"] == record["contracts"][0]["documents"]
    assert compiled["awards"][0]["documents"] == record["awards"][0]["documents"]
    assert compiled["buyer"] == record["buyer"] and compiled["tag"] == ["compiled"]
    ours = {(d.section, d.document_id): d for d in merged[0].documents}
    theirs = {(d.section, d.document_id): d for d in recorded[0].documents}
    assert set(ours) <= set(theirs)  # the record also holds the planning, amendment and implementation releases
    assert all(ours[k].url == theirs[k].url and ours[k].doc_type == theirs[k].doc_type for k in ours)
    assert {d.document_type: d.doc_type for d in recorded[0].documents}["contractSigned"] == "contract"
    assert recorded[0].buyer_name == "London Borough of Barnet" and recorded[0].year == "2010"


def test_a_local_release_schema_gives_the_merge_rules(tmp_path):
    ocid = "ocds-t3st01-0009"
    releases = [_release(ocid, "r1", "2020-01-01T00:00:00Z", ["tender"], tender_docs=[_doc("a", "tenderNotice", "x")]),
                _release(ocid, "r2", "2020-02-01T00:00:00Z", ["tender"], tender_docs=[_doc("b", "tenderNotice", "y")])]
    package = tmp_path / "p.json"
    package.write_text(json.dumps({"releases": releases}))
    default, _ = read_publications([str(package)])
    assert [d.document_id for d in default[0].documents] == ["a", "b"]  # merged by id
    schema = tmp_path / "release-schema.json"  # a schema of our own where the tender's documents are replaced whole
    schema.write_text(json.dumps({"properties": {
        "id": {"type": "string", "omitWhenMerged": True}, "date": {"type": "string", "omitWhenMerged": True},
        "tag": {"type": "array", "items": {"type": "string"}, "omitWhenMerged": True},
        "tender": {"type": "object", "properties": {"documents": {
            "type": "array", "wholeListMerge": True, "items": {"$ref": "#/definitions/Document"}}}}},
        "definitions": {"Document": {"type": "object", "properties": {"id": {"type": "string"}}}}}))
    patched, _ = read_publications([str(package)], str(schema))
    assert [d.document_id for d in patched[0].documents] == ["b"]
    with pytest.raises(TenderlintError) as error:
        read_publications([str(package)], str(tmp_path / "p.json"))
    assert error.value.code == "usage"


def test_cli_reports_bad_publications_as_one_line_each(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    only_bad = _cli(["--ocds", str(tmp_path / "broken.json"), "--db", str(tmp_path / "a.sqlite")], tmp_path)
    assert only_bad.returncode == 2
    assert only_bad.stderr.strip().splitlines() == [
        f"error[ocds-invalid]: {tmp_path / 'broken.json'}: not valid JSON (line 1: Expecting property name "
        "enclosed in double quotes)"]
    missing = _cli(["--ocds", str(tmp_path / "nothing-*.json")], tmp_path)
    assert missing.returncode == 2 and "error[usage]:" in missing.stderr and "Traceback" not in missing.stderr
    misuse = _cli([str(tmp_path), "--download"], tmp_path)
    assert misuse.returncode == 2 and "error[usage]: --documents, --download and --release-schema go with --ocds" \
        in misuse.stderr


# -- the store ----------------------------------------------------------------------------------

def test_a_schema_2_store_gains_the_ocds_tables_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # a store written before the OCDS tables existed
        db.executescript(SCHEMA)
        db.execute("INSERT INTO meta VALUES ('schema_version', '2')")
        db.execute("INSERT INTO documents (key, path, tool_version, rules_version, model_version) "
                   "VALUES ('k|0|r|m|auto', 'old.md', '0', 'r', 'm')")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "ocds_processes" not in tables
    with ResultStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        assert [(r["key"], r["path"]) for r in store.documents()] == [("k|0|r|m|auto", "old.md")]
        assert store.processes() == []
        assert store.db.execute("SELECT COUNT(*) FROM ocds_documents").fetchone()[0] == 0
    with ResultStore(path) as store:  # opening again changes nothing
        assert store.schema_version == SCHEMA_VERSION
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(TenderlintError) as error:
        ResultStore(path)
    assert error.value.code == "usage" and "newer tenderlint" in error.value.message


# -- the audit ----------------------------------------------------------------------------------

def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tenderlint", "audit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_ocds_audit_downloads_checks_and_reruns_from_the_cache(tmp_path):
    out = tmp_path / "out"
    with DocumentServer(routes()) as server:
        packages = write_packages(tmp_path / "pkg", server.url)
        def args(name: str) -> list[str]:
            return [str(tmp_path / "pkg"), "--ocds", "--download", "--cache", str(tmp_path / "cache"),
                    "--db", str(out / "audit.sqlite"), "--csv", str(out / f"{name}.csv"),
                    "--jsonl", str(out / f"{name}.jsonl"), "--report", str(out / f"{name}.html"),
                    "--max-download-mb", "0.2", "--download-timeout", "0.5", "--retries", "1",
                    "--download-jobs", "3", "--jobs", "1", "--no-model"]

        first = _cli(args("a"), tmp_path)
        first_bodies = dict(server.bodies)
        server.reset_counts()
        second = _cli(args("b"), tmp_path)
        second_bodies, second_not_modified = dict(server.bodies), dict(server.not_modified)
    assert first.returncode == 2, first.stderr  # failures recorded, batch finished
    errors = sorted(line for line in first.stderr.splitlines() if line.startswith("error["))
    assert errors == sorted([
        f"error[download-timeout]: {server.url('/p2/slow.md')}: no answer within 0.5 s (2 attempts)",
        f"error[http-404]: {server.url('/p1/missing.pdf')}: the server answered 404 Not Found",
        "error[url-refused]: file:///etc/passwd: only http and https URLs are fetched, not file:",
        f"error[url-refused]: {server.url('/p2/redirect')}: redirected to a URL that is refused: only http and "
        "https URLs are fetched, not file:",
    ] + [e for e in errors if e.startswith("error[too-large]")])
    assert any(e.startswith(f"error[too-large]: {server.url('/p2/huge.txt')}: over the 0.2 MiB") for e in errors)
    # Every document the processes list was fetched once: the shared terms once for two processes.
    assert first_bodies == {"/p1/rfp.md": 1, "/p1/contract.txt": 1, "/p2/notice.html": 1, "/p2/huge.txt": 1,
                            "/p3/rfp.md": 1, "/shared/terms.md": 1}

    db = sqlite3.connect(out / "audit.sqlite")
    db.row_factory = sqlite3.Row
    docs = db.execute("SELECT * FROM documents").fetchall()
    assert len(docs) == 5  # p1 rfp + contract, p2 notice, p3 rfp, the shared terms: each checked once
    ocds = {(r["ocid"][-1], r["document_id"]): r for r in db.execute("SELECT * FROM ocds_documents")}
    assert len(ocds) == 12
    assert ocds[("1", "c2")]["document_row"] == ocds[("3", "f2")]["document_row"] is not None
    by_row = {d["id"]: d for d in docs}
    assert by_row[ocds[("1", "t1")]["document_row"]]["doc_type"] == "rfp"
    assert by_row[ocds[("1", "c1")]["document_row"]]["doc_type"] == "contract"
    assert by_row[ocds[("2", "n1")]["document_row"]]["doc_type"] == "rfp"
    assert ocds[("2", "n3")]["error_code"] == "no-url"
    assert {k: ocds[k]["error_code"] for k in [("1", "t2"), ("1", "t3"), ("2", "n2"), ("2", "k1"), ("2", "k2")]} == {
        ("1", "t2"): "http-404", ("1", "t3"): "url-refused", ("2", "n2"): "download-timeout",
        ("2", "k1"): "too-large", ("2", "k2"): "url-refused"}
    processes = {r["ocid"]: r for r in db.execute("SELECT * FROM ocds_processes")}
    assert processes["ocds-t3st01-0002"]["buyer_name"] == "Harbour County"
    assert processes["ocds-t3st01-0002"]["year"] == "2022"

    # CSV: the OCDS columns before the audit's fixed columns and the topics; one row per OCDS document.
    rows = list(csv.DictReader(io.StringIO((out / "a.csv").read_text())))
    header = (out / "a.csv").read_text().splitlines()[0].split(",")
    assert header[:9] == ["ocid", "release_id", "document_id", "document_type", "buyer_id", "buyer", "date", "url",
                          "path"]
    assert header.index("error") < header.index("privacy")
    assert len(rows) == 12
    contract = next(r for r in rows if r["document_id"] == "c1")
    assert (contract["document_type"], contract["doc_type"], contract["buyer"]) == \
        ("contractSigned", "contract", "City of Aldermoor")
    assert contract["release_id"] == "ocds-t3st01-0001-02-contract"
    assert next(r for r in rows if r["document_id"] == "t2")["error"].startswith("http-404: ")
    rfp = next(r for r in rows if r["document_id"] == "t1")
    assert rfp["privacy"] == "covered" and rfp["exit-transition"] == "covered"

    # JSONL: one line per process, keyed by ocid and document id, with gaps and red flags.
    lines = [json.loads(line) for line in (out / "a.jsonl").read_text().splitlines()]
    assert [p["ocid"] for p in lines] == ["ocds-t3st01-0001", "ocds-t3st01-0002", "ocds-t3st01-0003"]
    one = lines[0]
    assert [d["id"] for d in one["documents"]] == ["t1", "t2", "t3", "c1", "c2"]
    c1 = next(d for d in one["documents"] if d["id"] == "c1")
    assert c1["checked_as"] == "contract" and c1["result"]["doc_type"] == "contract"
    assert "documentType 'contractSigned'" in c1["result"]["doc_type_reason"]
    assert {f["id"] for f in one["red_flags"]} and all(f["document_id"] == "c1" for f in one["red_flags"])
    assert "privacy" not in {g["id"] for g in one["gaps"]}  # the RFP covers it, so the process does
    assert next(d for d in one["documents"] if d["id"] == "t2")["error"]["code"] == "http-404"
    two = lines[1]
    assert two["buyer"] == {"id": "GB-HBR-2", "name": "Harbour County"} and two["year"] == "2022"
    # Both sides checked: the contract side compared with the solicitation side, documents named by OCDS id.
    comparison = one["comparison"]
    assert (comparison["solicitation"], comparison["contracts"]) == (["t1"], ["c1", "c2"])
    changes = {t["id"]: t["change"] for t in comparison["topics"]}
    assert changes["exit-transition"] == "dropped" and changes["privacy"] == "dropped"
    assert changes["data-rights"] == "against" and comparison["red_flags"][0]["document"] == "c1"
    assert {"id": "exit-transition", "change": "dropped", "severity": "high"} in comparison["findings"]
    assert two["comparison"] is None  # its contract documents could not be fetched
    assert lines[2]["comparison"]["contracts"] == ["f2"]

    # The summary groups by buyer and year from the OCDS data and lists the processes.
    html = (out / "a.html").read_text()
    assert "Contracting processes" in html and "ocds-t3st01-0002" in html and "Harbour County" in html
    assert "Coverage by buyer" in html and "Coverage by year" in html and "http-404" in html
    assert "<b>dropped</b>: exit-transition" in html and "<b>against</b>: data-rights" in html
    assert "not both sides checked" in html

    # The second run: nothing downloaded, nothing checked, identical outputs.
    assert second.returncode == 2, second.stderr
    assert second_bodies == {}  # every cached document was revalidated (304) or reused
    assert second_not_modified == {"/p1/rfp.md": 1, "/p1/contract.txt": 1, "/p2/notice.html": 1, "/p3/rfp.md": 1,
                                   "/shared/terms.md": 1}
    assert "5 checked" not in second.stderr and "0 checked, 5 already in" in second.stderr
    assert "0 downloaded" in second.stderr
    assert (out / "b.csv").read_text() == (out / "a.csv").read_text()
    assert (out / "b.jsonl").read_text() == (out / "a.jsonl").read_text()
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 5

    # And from the store alone.
    again = _cli(["--db", str(out / "audit.sqlite"), "--jsonl", str(out / "c.jsonl"), "--csv", str(out / "c.csv"),
                  "--no-model"],
                 tmp_path)
    assert again.returncode == 0, again.stderr
    assert (out / "c.jsonl").read_text() == (out / "a.jsonl").read_text()
    assert (out / "c.csv").read_text() == (out / "a.csv").read_text()
    assert packages["jsonl"].exists()


def test_shared_example_documents_found_by_url_path_and_mapping(shared_dir, tmp_path):
    folder = shared_dir / "ocds"
    if not folder.is_dir():
        pytest.skip("../shared/ocds is absent: no OCP fictional example")
    from tenderlint.ocds_audit import LocalDocuments, audit_ocds, process_views

    docs = tmp_path / "docs"
    (docs / "tender-notices").mkdir(parents=True)
    (docs / "tender-notices" / "ocds-213czf-000-00001-01.html").write_bytes(RFP_TWO)
    (docs / "signed.txt").write_bytes(CONTRACT_ONE)
    mapping = tmp_path / "map.csv"
    mapping.write_text("url,file\nhttp://example.com/contracts/ocds-213czf-000-00001,docs/signed.txt\n")
    processes, _ = read_publications([str(folder / "ocds-213czf-000-00001.json")])
    with ResultStore(tmp_path / "a.sqlite") as store:
        summary = audit_ocds(processes, store, OPTIONS, local=LocalDocuments([docs, mapping]), jobs=1)
        assert summary.audit.checked == 2 and summary.no_url == 1
        codes = sorted({code for _where, code, _m in summary.failures})
        assert codes == ["not-found"]  # the other documents: no local copy, and no --download
        view = process_views(store)[0]
        solicitation, contracts = view.sides()
        assert [d.row["document_id"] for d in solicitation] == ["5.0"]
        assert [d.row["document_id"] for d in contracts] == ["8.0"]
        assert solicitation[0].result.doc_type == "rfp" and contracts[0].result.doc_type == "contract"
        comparison = view.comparison()
        assert comparison.solicitation.path == "5.0" and [c.path for c in comparison.contracts] == ["8.0"]
        assert comparison.changed("against") and comparison.changed("against")[0].id == "data-rights"


def test_several_solicitation_documents_are_pooled_before_the_comparison():
    from tenderlint.ocds_audit import pool_solicitations
    from tenderlint.results import DocumentResult, TopicResult

    def result(name, statuses):
        return DocumentResult(path=name, doc_type="rfp", topics=[
            TopicResult(id=t, name=t, status=s, applies=True, severity="high") for t, s in statuses.items()])

    notice = result("n1", {"privacy": "covered", "accessibility": "missing", "pricing": "weak"})
    specs = result("n2", {"privacy": "weak", "accessibility": "covered", "pricing": "missing"})
    pooled = pool_solicitations([notice, specs])
    assert {t.id: t.status for t in pooled.topics} == {"privacy": "covered", "accessibility": "covered",
                                                       "pricing": "weak"}
    assert pooled.path == "n1 + n2" and pool_solicitations([notice]) is notice


@pytest.mark.slow
def test_ocds_audit_on_dask_equals_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    from tenderlint.fetch import FetchSettings
    from tenderlint.ocds_audit import audit_ocds, process_views, write_jsonl

    with DocumentServer(routes()) as server:
        write_packages(tmp_path / "pkg", server.url)
        processes, _ = read_publications([str(tmp_path / "pkg")])
        settings = FetchSettings(cache_dir=tmp_path / "cache", max_bytes=200_000, timeout=0.5, retries=0)
        outputs = []
        with ResultStore(tmp_path / "local.sqlite") as store:
            audit_ocds(processes, store, OPTIONS, fetch_settings=settings, jobs=1)
            handle = io.StringIO()
            write_jsonl(process_views(store), handle)
            outputs.append(handle.getvalue())
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            with ResultStore(tmp_path / "dask.sqlite") as store:
                summary = audit_ocds(processes, store, OPTIONS, fetch_settings=settings, scheduler=client)
                assert summary.audit.checked == 5 and summary.fetch.count("downloaded") == 0
                handle = io.StringIO()
                write_jsonl(process_views(store), handle)
                outputs.append(handle.getvalue())
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 3


@pytest.mark.slow
def test_a_rerun_fetches_and_checks_only_what_failed_before(tmp_path):
    from tenderlint.fetch import FetchSettings
    from tenderlint.ocds_audit import audit_ocds, process_views

    served = routes()
    served["/p1/contract.txt"] = Route(status=503)  # down during the first run
    with DocumentServer(served) as server:
        write_packages(tmp_path / "pkg", server.url)
        processes, _ = read_publications([str(tmp_path / "pkg")])
        settings = FetchSettings(cache_dir=tmp_path / "cache", max_bytes=200_000, timeout=0.5, retries=0)
        with ResultStore(tmp_path / "a.sqlite") as store:
            first = audit_ocds(processes, store, OPTIONS, fetch_settings=settings, jobs=1)
            assert ("http-503" in {code for _w, code, _m in first.failures}) and first.audit.checked == 4
            view = process_views(store, ["ocds-t3st01-0001"])[0]
            assert view.comparison().contracts[0].path == "c2"  # only the annexe so far
            served["/p1/contract.txt"] = Route(CONTRACT_ONE, headers={"ETag": '"c"'})
            server.reset_counts()
            second = audit_ocds(processes, store, OPTIONS, fetch_settings=settings, jobs=1)
            assert second.fetch.count("downloaded") == 1 and dict(server.bodies) == {"/p1/contract.txt": 1}
            assert second.audit.checked == 1 and second.audit.skipped == 4
            view = process_views(store, ["ocds-t3st01-0001"])[0]
            assert [c.path for c in view.comparison().contracts] == ["c1", "c2"]
            assert "http-503" not in {code for _w, code, _m in second.failures}


@pytest.mark.slow
def test_shared_example_with_its_urls_pointed_at_a_local_server(shared_dir, tmp_path):
    folder = shared_dir / "ocds"
    if not folder.is_dir():
        pytest.skip("../shared/ocds is absent: no OCP fictional example")
    from tenderlint.fetch import FetchSettings
    from tenderlint.ocds_audit import audit_ocds, process_views

    served = {"/tender-notices/ocds-213czf-000-00001-01.html": Route(RFP_TWO, headers={"ETag": '"n"'}),
              "/contracts/ocds-213czf-000-00001": Route(CONTRACT_ONE, headers={"ETag": '"c"'})}
    with DocumentServer(served) as server:
        text = (folder / "ocds-213czf-000-00001.json").read_text()
        (tmp_path / "record.json").write_text(text.replace("http://example.com", server.base))
        processes, _ = read_publications([str(tmp_path / "record.json")])
        settings = FetchSettings(cache_dir=tmp_path / "cache", timeout=2, retries=0)
        with ResultStore(tmp_path / "a.sqlite") as store:
            summary = audit_ocds(processes, store, OPTIONS, fetch_settings=settings, jobs=1)
            view = process_views(store)[0]
    assert summary.audit.checked == 2 and summary.no_url == 1
    assert sorted(code for _w, code, _m in summary.failures) == ["http-404"] * 6
    assert dict(server.bodies) == {path: 1 for path in served}
    assert view.process["buyer_name"] == "London Borough of Barnet" and view.process["year"] == "2010"
    comparison = view.comparison()
    assert comparison.solicitation.path == "5.0" and [c.path for c in comparison.contracts] == ["8.0"]
