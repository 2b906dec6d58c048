"""``tenderlint compare`` and ``compare_documents``: a pair we wrote, in Markdown, DOCX and PDF, gives
exactly the changes it was written to make; several contract files pool their evidence; every
format renders, the JSON validates against the shipped schema, and the exit status follows the
findings. Real shared documents (skipped without ../shared) run and validate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from comparepairs import INTENDED, KEPT_BY_SCHEDULE, build_pair
from tenderlint.check import Checker, CheckOptions
from tenderlint.cli import main
from tenderlint.compare import CHANGES, FAILING, compare_documents, load_schema


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def validation_errors(data: dict, schema: dict) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> dict[str, dict[str, Path]]:
    return build_pair(tmp_path_factory.mktemp("pair"))


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CheckOptions())


def changes_of(comparison) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for topic in comparison.topics:
        found.setdefault(topic.change, set()).add(topic.id)
    return found


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_the_pair_gives_exactly_the_intended_changes(pair, checker, fmt):
    solicitation = checker.check_file(pair["solicitation"][fmt], "rfp")
    contract = checker.check_file(pair["contract"][fmt], "contract")
    comparison = compare_documents(solicitation, [contract])
    found = changes_of(comparison)
    intended = {change: set(ids) for change, ids in INTENDED.items()}
    intended["absent"] = {t.id for t in solicitation.topics} - set().union(*INTENDED.values())
    assert found == intended
    assert {t.id for t in comparison.findings} == INTENDED["dropped"] | INTENDED["weakened"] | INTENDED["against"]


def test_weakened_and_dropped_show_the_requirement_beside_the_closest_wording(pair, checker):
    comparison = compare_documents(checker.check_file(pair["solicitation"]["docx"], "rfp"),
                                   [checker.check_file(pair["contract"]["docx"], "contract")])
    by_id = {t.id: t for t in comparison.topics}
    weakened = by_id["audit-logging"]
    assert "audit logs of every triage decision" in weakened.requirement.quote
    assert weakened.requirement.section[-1] == "2.4 Audit logs"
    assert weakened.closest.evidence.quote == "The service keeps logs for its own operation."
    assert weakened.closest.document == str(pair["contract"]["docx"])
    assert "tamper-evident logs" in weakened.suggestion
    dropped = by_id["testing-acceptance"]
    assert "acceptance testing" in dropped.requirement.quote and dropped.closest is None
    assert dropped.as_dict()["requirement"]["quote"] == dropped.requirement.quote
    against = by_id["data-rights"]
    assert [f.flag.id for f in against.red_flags] == ["data-rights/vendor-trains-on-buyer-data"]
    assert against.red_flags[0].document == str(pair["contract"]["docx"])
    # Topics the reviewer need not act on carry no requirement or closest wording in the JSON.
    assert by_id["privacy"].as_dict()["requirement"] is None and by_id["privacy"].as_dict()["closest"] is None


def test_contract_files_are_pooled_and_each_finding_names_its_file(pair, checker):
    solicitation = checker.check_file(pair["solicitation"]["pdf"], "rfp")
    contracts = [checker.check_file(pair["contract"]["pdf"], "contract"),
                 checker.check_file(pair["exit-schedule"]["md"], "contract")]
    comparison = compare_documents(solicitation, contracts)
    by_id = {t.id: t for t in comparison.topics}
    assert by_id[KEPT_BY_SCHEDULE].change == "kept"
    assert {c.document for c in by_id[KEPT_BY_SCHEDULE].contract_evidence
            if c.evidence.strength == "substantive"} == {str(pair["exit-schedule"]["md"])}
    assert by_id["privacy"].change == "kept"
    assert {c.document for c in by_id["privacy"].contract_evidence} == {str(pair["contract"]["pdf"])}
    data = comparison.to_dict()
    assert [c["path"] for c in data["contracts"]] == [str(pair["contract"]["pdf"]), str(pair["exit-schedule"]["md"])]
    assert all(flag["document"] == str(pair["contract"]["pdf"]) for flag in data["red_flags"])
    assert all("document" in e for t in data["topics"] for e in t["evidence"]["contract"])
    assert changes_of(comparison)["dropped"] == INTENDED["dropped"] - {KEPT_BY_SCHEDULE}


def test_json_validates_and_to_json_is_what_the_command_writes(pair, tmp_path):
    report = tmp_path / "compare.json"
    result = run("compare", pair["solicitation"]["md"], pair["contract"]["md"], "--format", "json", "-o", report)
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert validation_errors(data, load_schema()) == []
    assert data["schema"] == 1 and data["tool"]["name"] == "tenderlint"
    assert data["solicitation"]["doc_type"] == "rfp" and data["contracts"][0]["doc_type"] == "contract"
    assert set(data["counts"]) == set(CHANGES) and sum(data["counts"].values()) == len(data["topics"]) == 27
    assert {t["id"] for t in data["topics"] if t["change"] == "dropped"} == INTENDED["dropped"]
    # The API gives the same text as the command (the same checks of the same files).
    checker = Checker(CheckOptions())
    comparison = compare_documents(checker.check_file(pair["solicitation"]["md"], "rfp"),
                                   [checker.check_file(pair["contract"]["md"], "contract")])
    assert comparison.to_json() == report.read_text(encoding="utf-8")


def test_the_shared_document_definitions_are_those_of_the_check_report():
    from tenderlint.report.json_report import load_schema as check_schema

    compare_defs, check_defs = load_schema()["$defs"], check_schema()["$defs"]
    for name, definition in check_defs.items():
        assert compare_defs[name] == definition, f"$defs/{name} differs from report.schema.json"


def test_text_markdown_and_html_show_the_changes(pair):
    args = ("compare", pair["solicitation"]["md"], pair["contract"]["md"])
    text = run(*args, "--no-color").output
    assert "✗ dropped   high    exit-transition" in text
    assert "◐ weakened  medium  audit-logging" in text
    assert "⚑ against   high    data-rights" in text
    assert "The contract's closest wording (" in text and "The service keeps logs for its own operation." in text
    assert "· solicitation-only" in text
    markdown = run(*args, "--format", "markdown").output
    assert "### ✗ Exit and transition (`exit-transition`): dropped, high severity" in markdown
    assert "| `evaluation-criteria` | AI-specific evaluation criteria | ✓ covered | ✗ missing | · solicitation-only |" in markdown
    html = run(*args, "--format", "html").output
    assert 'id="topic-audit-logging"' in html and "The contract's closest wording" in html and "The service keeps logs for its own operation." in html
    assert "<script" not in html and "http://" not in html.replace("http-equiv", "")


def test_document_text_is_escaped_in_every_format(tmp_path, pair):
    contract = tmp_path / "terms.txt"
    contract.write_text("Supplier may use Customer data to train and improve its models <script>alert(1)</script> "
                        "| and *services*.\n", encoding="utf-8")
    args = ("compare", pair["solicitation"]["md"], contract)
    html = run(*args, "--format", "html").output
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = run(*args, "--format", "markdown").output
    assert not re.search(r"(?<!\\)<script>", markdown)
    assert "\\<script>alert(1)\\</script> \\| and \\*services\\*" in markdown


def test_exit_status_follows_the_findings(pair):
    sol, con = pair["solicitation"]["md"], pair["contract"]["md"]
    assert run("compare", sol, con, "--format", "json").exit_code == 1
    assert run("compare", sol, con, "--format", "json", "--exit-zero").exit_code == 0
    assert run("compare", sol, con, "--format", "json", "--fail-on", "high").exit_code == 1  # exit, data rights
    # Only medium findings left once the high ones are ignored: --fail-on high passes.
    result = run("compare", sol, con, "--format", "json", "--fail-on", "high", "--ignore", "exit-transition,data-rights")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {t["id"] for t in data["topics"] if t["change"] == "not-compared"} == {"exit-transition", "data-rights"}
    # A contract that keeps everything: the solicitation compared with itself.
    same = run("compare", sol, sol, "--format", "json")
    assert same.exit_code == 0
    assert not [t for t in json.loads(same.stdout)["topics"] if t["change"] in FAILING]


def test_an_unreadable_contract_is_one_error_line_and_the_others_are_compared(pair, tmp_path):
    missing = tmp_path / "no-such-terms.pdf"
    result = run("compare", pair["solicitation"]["md"], pair["contract"]["md"], missing, "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error[not-found]: {missing}: {json.loads(result.stdout)['contracts'][1]['error']['message']}"
    data = json.loads(result.stdout)
    assert {t["id"] for t in data["topics"] if t["change"] == "dropped"} == INTENDED["dropped"]
    assert validation_errors(data, load_schema()) == []


def test_an_unreadable_solicitation_compares_nothing_and_exits_2(pair, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = run("compare", empty, pair["contract"]["md"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error[empty]: {empty}: ")
    assert "Nothing compared" in result.stdout


def test_a_mistyped_topic_is_a_usage_error(pair):
    result = run("compare", pair["solicitation"]["md"], pair["contract"]["md"], "--select", "privacyy")
    assert result.exit_code == 2 and result.stderr.startswith("error[usage]: unknown topic 'privacyy'")


@pytest.mark.shared
@pytest.mark.slow
def test_real_smartpay_rfq_with_its_pws_and_real_vendor_terms(shared_dir, tmp_path):
    tenders, vendors = shared_dir / "documents" / "tenders", shared_dir / "documents" / "ai-dev"
    rfq, pws = tenders / "gsa-smartpay-rfq.md", tenders / "gsa-smartpay-pws.docx"
    terms = [vendors / "xai-enterprise-terms-of-service.md", vendors / "anthropic-data-processing-addendum.md"]
    for contracts in ([pws], terms):
        report = tmp_path / "report.json"
        result = run("compare", rfq, *contracts, "--format", "json", "-o", report)
        assert result.exit_code in (0, 1), result.output
        data = json.loads(report.read_text(encoding="utf-8"))
        assert validation_errors(data, load_schema()) == []
        assert len(data["topics"]) == 27 and not data["solicitation"]["error"]
        assert {flag["document"] for flag in data["red_flags"]} <= {str(c) for c in contracts}
        for topic in data["topics"]:
            if topic["change"] in ("weakened", "dropped"):
                assert topic["requirement"] is not None and topic["solicitation"] == "covered"
            if topic["change"] == "against":
                assert topic["red_flags"]
    # The vendor terms train on nothing and limit nothing? They are checked, not assumed: the
    # xAI terms disclaim accuracy ("as is"), which is against the buyer.
    assert any(t["change"] == "against" and t["id"] == "performance" for t in data["topics"])
