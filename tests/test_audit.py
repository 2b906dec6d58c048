"""Batch audit: stored results, bad files recorded, exact CSV, idempotent reruns, crash resume, Dask."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tenderlint.audit import CSV_FIXED_COLUMNS, audit, discover, write_csv
from tenderlint.check import CheckOptions
from tenderlint.rules.loader import load_rule_pack
from tenderlint.store import SCHEMA_VERSION, ResultStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
OPTIONS = CheckOptions(use_model=False)

DOCS = {
    "2019/rfp-chatbot.md": "# Request for Proposals\n\n## 4 Data\n\nThe Contractor shall store all personal data "
                           "of residents in the State and shall notify the City of any breach of personal "
                           "information within 48 hours.\n",
    "2020/rfp-portal.md": "# Request for Quotations\n\nOfferors must describe how the portal meets WCAG 2.1 AA.\n\n"
                          "The Contractor shall provide a transition-out plan and return all Government data "
                          "in an open format at the end of the contract.\n",
    "2021/contract.txt": "MASTER SERVICES AGREEMENT\n\nThis Agreement is made between the parties. The Supplier "
                         "shall maintain insurance of not less than $5,000,000 and shall indemnify the Customer.\n",
}


def _corpus(tmp_path: Path) -> Path:
    root = tmp_path / "tenders"
    for name, text in DOCS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "2021" / "broken.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    (root / "2021" / "empty.docx").write_bytes(b"")
    (root / "notes.csv").write_text("not,a,document\n")  # not a document suffix: not picked up
    return root


def _csv(store: ResultStore, ids: list[int]) -> str:
    out = io.StringIO()
    write_csv(store, ids, load_rule_pack().topic_ids, out)
    return out.getvalue()


@pytest.mark.slow
def test_audit_stores_results_records_failures_and_reruns_idempotently(tmp_path):
    root = _corpus(tmp_path)
    inputs = discover([str(root)])
    assert sorted(Path(i.path).name for i in inputs) == ["broken.pdf", "contract.txt", "empty.docx",
                                                          "rfp-chatbot.md", "rfp-portal.md"]
    with ResultStore(tmp_path / "audit.sqlite") as store:
        first = audit(inputs, store, OPTIONS, jobs=2)
        assert (first.checked, first.skipped) == (5, 0)
        assert sorted(code for _path, code, _msg in first.failures) == ["corrupt", "empty"]
        table = _csv(store, first.document_ids)
        rows = list(csv.reader(io.StringIO(table)))
        assert rows[0] == CSV_FIXED_COLUMNS + load_rule_pack().topic_ids
        assert len(rows) == 6
        by_name = {Path(r[0]).name: dict(zip(rows[0], r)) for r in rows[1:]}
        assert by_name["rfp-chatbot.md"]["privacy"] == "covered"
        assert by_name["rfp-portal.md"]["accessibility"] == "covered"
        assert by_name["broken.pdf"]["error"].startswith("corrupt:")
        assert all(by_name["contract.txt"][t] in ("covered", "weak", "missing") for t in load_rule_pack().topic_ids)

        second = audit(discover([str(root)]), store, OPTIONS, jobs=2)
        assert (second.checked, second.skipped) == (0, 5)
        assert _csv(store, second.document_ids) == table
        count = store.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        assert count == 5


def test_audit_manifest_metadata_reaches_store_and_summary(tmp_path):
    root = _corpus(tmp_path)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,issuer,year\n"
                        f"{root / '2019/rfp-chatbot.md'},City of Aldermoor,2019\n"
                        f"{root / '2020/rfp-portal.md'},Harbour County,2020\n")
    with ResultStore(tmp_path / "audit.sqlite") as store:
        summary = audit(discover([], manifest), store, OPTIONS, jobs=1)
        assert summary.checked == 2 and not summary.failures
        metadata = [r["metadata"] for r in store.documents()]
        assert any('"issuer": "City of Aldermoor"' in m for m in metadata)
        from tenderlint.report.audit_summary import collect, render_summary

        pack = load_rule_pack()
        data = collect(store, summary.document_ids, pack.topic_ids, {})
        assert set(data["trends"]["year"]) == {"2019", "2020"}
        assert set(data["trends"]["issuer"]) == {"City of Aldermoor", "Harbour County"}
        html = render_summary(store, summary.document_ids, pack.topic_ids, {t.id: t.name for t in pack.topics})
        assert "Harbour County" in html and html.count("<svg") == 4  # status bars, status map, two trends
        assert "<title>Coverage by issuer</title>" in html and "data:image" not in html
        assert "rfp-chatbot.md · privacy: covered" in html
        assert "http://" not in html and "https://" not in html
        assert "matplotlib" not in sys.modules


def _run_cli(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tenderlint", "audit", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


@pytest.mark.slow
def test_audit_resumes_after_kill_9_with_each_document_once(tmp_path):
    root = _corpus(tmp_path)
    for i in range(8):  # enough work that the kill lands mid-run
        (root / f"extra-{i}.md").write_text(f"# RFP {i}\n\nThe Contractor shall encrypt data at rest. " * 40)
    db = tmp_path / "killed.sqlite"
    proc = _run_cli([str(root), "--db", str(db), "--jobs", "1", "--no-model", "-q"])
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db) as con:
                    done = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                done = 0
            if done >= 2:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert done >= 2, "the first run should have stored some documents before the kill"
    resumed = _run_cli([str(root), "--db", str(db), "--jobs", "2", "--no-model", "-q",
                        "--csv", str(tmp_path / "resumed.csv")])
    resumed.wait(timeout=300)
    clean = _run_cli([str(root), "--db", str(tmp_path / "clean.sqlite"), "--jobs", "2", "--no-model", "-q",
                      "--csv", str(tmp_path / "clean.csv")])
    clean.wait(timeout=300)
    assert resumed.returncode == clean.returncode == 2  # two bad files, recorded, batch finished
    with sqlite3.connect(db) as con:
        keys = [r[0] for r in con.execute("SELECT key FROM documents")]
    assert len(keys) == len(set(keys)) == 13
    assert (tmp_path / "resumed.csv").read_text() == (tmp_path / "clean.csv").read_text()


@pytest.mark.slow
def test_audit_timeout_stops_a_slow_document_and_goes_on(tmp_path):
    big = SHARED / "documents" / "tenders" / "gsa-fpds-ng-solicitation.pdf"
    if not big.exists():
        pytest.skip("../shared is absent: no large real document to time out on")
    small = tmp_path / "small.md"
    small.write_text("# RFP\n\nThe Contractor shall encrypt data at rest.\n")
    with ResultStore(tmp_path / "audit.sqlite") as store:
        summary = audit(discover([str(big), str(small)]), store, OPTIONS, jobs=1, timeout=1.0)
    codes = {Path(p).name: c for p, c, _m in summary.failures}
    assert codes == {"gsa-fpds-ng-solicitation.pdf": "timeout"}
    assert summary.checked == 2


@pytest.mark.slow
def test_audit_on_dask_local_cluster_equals_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    root = _corpus(tmp_path)
    with ResultStore(tmp_path / "local.sqlite") as store:
        local = audit(discover([str(root)]), store, OPTIONS, jobs=1)
        local_csv = _csv(store, local.document_ids)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        with ResultStore(tmp_path / "dask.sqlite") as store:
            remote = audit(discover([str(root)]), store, OPTIONS, scheduler=client)
            assert remote.checked == 5
            assert _csv(store, remote.document_ids) == local_csv


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_audit_records_fifos_and_symlink_loops_without_blocking(tmp_path):
    """Issue 14: discovery used to skip these silently (and hashing a FIFO would block)."""
    root = tmp_path / "tenders"
    root.mkdir()
    (root / "rfp.md").write_text(DOCS["2019/rfp-chatbot.md"], encoding="utf-8")
    os.mkfifo(root / "pipe.pdf")
    (root / "loop.docx").symlink_to(root / "loop.docx")  # a link to itself
    (root / "again").symlink_to(root)  # a folder link back up: not followed, so no endless walk
    inputs = discover([str(root)])
    assert sorted(Path(i.path).name for i in inputs) == ["loop.docx", "pipe.pdf", "rfp.md"]
    with ResultStore(tmp_path / "audit.sqlite") as store:
        started = time.monotonic()
        summary = audit(inputs, store, OPTIONS, jobs=1, timeout=60)
        assert time.monotonic() - started < 60
        failures = {Path(path).name: code for path, code, _message in summary.failures}
        assert failures == {"pipe.pdf": "not-a-file", "loop.docx": "not-found"}
        assert summary.checked == 3


def test_audit_retries_an_internal_failure_but_not_a_final_one(tmp_path):
    root = _corpus(tmp_path)
    inputs = [i for i in discover([str(root)]) if Path(i.path).name in ("rfp-chatbot.md", "broken.pdf")]
    with ResultStore(tmp_path / "audit.sqlite") as store:
        first = audit(inputs, store, OPTIONS, jobs=1)
        assert first.checked == 2
        # As if the worker checking the Markdown file had crashed on the first run:
        store.db.execute("UPDATE documents SET error_code='internal', error_message='the worker died' "
                         "WHERE path LIKE '%rfp-chatbot.md'")
        store.db.execute("DELETE FROM topic_results WHERE document_id IN "
                         "(SELECT id FROM documents WHERE error_code='internal')")
        second = audit(inputs, store, OPTIONS, jobs=1)
        assert (second.checked, second.skipped) == (1, 1), "the corrupt PDF is final; the crash is retried"
        rows = {Path(r["path"]).name: r for r in store.documents()}
        assert rows["rfp-chatbot.md"]["error_code"] is None and rows["broken.pdf"]["error_code"] == "corrupt"
        assert store.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
        paths = store.db.execute("SELECT COUNT(*) FROM document_paths").fetchone()[0]
        assert paths == 2
        third = audit(inputs, store, OPTIONS, jobs=1)
        assert (third.checked, third.skipped) == (0, 2)


def test_audit_with_another_type_rechecks_and_keeps_both(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "rfp.md").write_text(DOCS["2019/rfp-chatbot.md"])
    with ResultStore(tmp_path / "audit.sqlite") as store:
        first = audit(discover([str(root)]), store, OPTIONS, jobs=1)
        as_contract = audit(discover([str(root)]), store, CheckOptions(use_model=False, doc_type="contract"), jobs=1)
        again = audit(discover([str(root)]), store, CheckOptions(use_model=False, doc_type="contract"), jobs=1)
        rows = {r["doc_type_reason"]: r["doc_type"] for r in store.documents()}
    assert (first.checked, as_contract.checked, as_contract.skipped) == (1, 1, 0)
    assert (again.checked, again.skipped) == (0, 1)
    assert rows["set by the user (--type)"] == "contract" and len(rows) == 2


def _version_1_database(path: Path) -> None:
    """A database as tenderlint wrote it before the key carried the requested type."""
    from tenderlint.store import SCHEMA

    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    for key, doc_type, reason in [("aaa|0.1|r|m", "contract", "set by the user (--type)"),
                                  ("bbb|0.1|r|m", "rfp", "solicitation wording: 'offerors'"),
                                  ("path:/x.pdf|0.1|r|m", None, None)]:
        con.execute("INSERT INTO documents (key, path, doc_type, doc_type_reason, tool_version, rules_version, "
                    "model_version) VALUES (?, 'p', ?, ?, '0.1', 'r', 'm')", (key, doc_type, reason))
    con.commit()
    con.close()


def test_store_upgrades_version_1_keys_with_the_requested_type(tmp_path):
    db = tmp_path / "old.sqlite"
    _version_1_database(db)
    with ResultStore(db) as store:
        keys = sorted(r["key"] for r in store.documents())
        version = store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        assert store.find("aaa|0.1|r|m|contract") is not None
    assert keys == ["aaa|0.1|r|m|contract", "bbb|0.1|r|m|auto", "path:/x.pdf|0.1|r|m|auto"]
    assert version == str(SCHEMA_VERSION)  # 2 brought the type into the key, 3 the OCDS tables, 4 the OCR columns
    with ResultStore(db) as store:  # opening again changes nothing
        assert sorted(r["key"] for r in store.documents()) == keys


def test_store_refuses_a_database_from_a_newer_tenderlint(tmp_path):
    from tenderlint.errors import TenderlintError

    db = tmp_path / "new.sqlite"
    with ResultStore(db) as store:
        store.db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(TenderlintError) as raised:
        ResultStore(db)
    assert raised.value.code == "usage" and "newer tenderlint" in raised.value.message


def _fake_worker(started, conn, options):
    """A worker that answers at once, except the first one launched, which never gets ready."""
    import time as clock

    from tenderlint.results import DocumentResult

    with started.get_lock():
        index = started.value
        started.value += 1
    if index == 0:
        clock.sleep(60)
        return
    conn.send("ready")
    while (path := conn.recv()) is not None:
        clock.sleep(0.05)
        conn.send((DocumentResult(path=path), 0.05))


def test_audit_startup_limit_is_per_worker_not_renewed_by_results(monkeypatch):
    import functools
    import multiprocessing

    import tenderlint.audit as audit_module
    from tenderlint.audit import AuditInput, run_local
    from tenderlint.errors import TenderlintError

    context = multiprocessing.get_context("fork")
    started = context.Value("i", 0)
    monkeypatch.setattr(audit_module, "_process_context", lambda: context)
    monkeypatch.setattr(audit_module, "_worker_main", functools.partial(_fake_worker, started))
    results = []
    jobs = [AuditInput(f"doc-{i}.md", None) for i in range(200)]  # 10 s of answers from the good worker
    begun = time.monotonic()
    with pytest.raises(TenderlintError) as raised:
        run_local(jobs, OPTIONS, workers=2, timeout=30, startup_limit=1.5,
                  on_result=lambda job, result, seconds: results.append(job.path))
    assert raised.value.code == "internal" and "could not start" in raised.value.message
    assert 0 < len(results) < 200, "the good worker's results flowed, and did not keep the stuck one alive"
    assert time.monotonic() - begun < 8
