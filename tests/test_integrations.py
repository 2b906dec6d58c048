"""Where document checks run: source locations, SARIF 2.1.0, GitHub annotations, inline waivers.

The SARIF schema in tests/data is the OASIS SARIF 2.1.0 JSON Schema (see tests/data/NOTICE.md).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tenderlint.check import Checker, CheckOptions
from tenderlint.cli import main
from tenderlint.report import render
from tenderlint.report.github import command
from tenderlint.rules.loader import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["examples/draft-rfp-ai-assistant.docx", "examples/draft-rfp-ai-assistant.pdf",
            "examples/vendor-contract-ai-saas.md"]
VENDOR_TERMS = "examples/vendor-contract-ai-saas.md"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CheckOptions(use_model=False))


@pytest.fixture(scope="module")
def example_results(checker, tmp_path_factory):
    missing = tmp_path_factory.mktemp("gone") / "missing.md"
    return [checker.check_file(ROOT / path) for path in EXAMPLES] + [checker.check_file(missing)]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def all_evidence(result):
    return [ev for topic in result.topics for ev in topic.evidence] + [flag.evidence for flag in result.red_flags]


def _letters(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


# --- locations ------------------------------------------------------------------------------

def test_markdown_evidence_points_at_its_line_and_column(checker):
    result = checker.check_file(ROOT / VENDOR_TERMS)
    lines = (ROOT / VENDOR_TERMS).read_text(encoding="utf-8").split("\n")
    located = [ev for ev in all_evidence(result) if ev.line is not None]
    assert located and len(located) == len(all_evidence(result))
    for ev in located:
        # The quote starts exactly there (a quote cut at 40 characters may stop short of the line end).
        start = lines[ev.line - 1][ev.column - 1:]
        assert _letters(start).startswith(_letters(ev.quote[:40])[:25]), (ev.line, ev.column, ev.quote[:40])
        assert ev.end_line >= ev.line and ev.paragraph is None and ev.page is None
    # (every quote of this example sits on one line; a quote across lines is checked on rfq.txt below)


def test_text_and_html_evidence_carry_lines(checker, tmp_path):
    text = tmp_path / "rfq.txt"
    text.write_text("REQUEST FOR QUOTATION\n\nScope of the service.\n\n"
                    "  The supplier shall encrypt all personal data at rest\n"
                    "  and in transit and shall report security incidents within 24 hours.\n", encoding="utf-8")
    page = tmp_path / "rfq.html"
    page.write_text("<html><head><title>RFQ</title></head><body>\n<h1>Request for quotation</h1>\n"
                    "<p>Background text.</p>\n<div>\n  <p>The <b>supplier</b> shall encrypt all personal data\n"
                    "  at rest and in transit.</p>\n</div></body></html>\n", encoding="utf-8")
    security = checker.check_file(text).topic("security")
    ev = next(e for e in security.evidence if "encrypt" in e.quote)
    assert (ev.line, ev.column) == (5, 3) and ev.end_line == 6
    source_lines = text.read_text(encoding="utf-8").split("\n")
    # the last character of a quote across lines sits just before end_column on end_line
    assert source_lines[ev.end_line - 1][ev.end_column - 2] == ev.quote.rstrip("…")[-1]
    html_security = checker.check_file(page).topic("security")
    ev = next(e for e in html_security.evidence if "encrypt" in e.quote)
    assert (ev.line, ev.column) == (5, 6) and ev.end_line == 6  # after "  <p>" in the HTML source


def test_docx_evidence_carries_its_paragraph_number(checker):
    import docx

    from tenderlint.parsers.docx import P

    path = ROOT / "examples/draft-rfp-ai-assistant.docx"
    body = docx.Document(str(path)).element.body
    paragraphs = ["".join(t.text or "" for t in p.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
                  for p in body.iter(P)]
    result = checker.check_file(path)
    located = [ev for ev in all_evidence(result) if ev.paragraph is not None]
    assert len(located) >= 20
    for ev in located:
        assert ev.line is None
        words = _letters(ev.quote[:30])
        # The quote is in that paragraph (a table cell's quote may start in its first paragraph).
        assert words[:15] in _letters(" ".join(paragraphs[ev.paragraph - 1:ev.paragraph + 2])), ev.quote[:60]


def test_json_report_carries_locations_and_still_validates(example_results):
    from tenderlint.report.json_report import load_schema

    import jsonschema
    report = json.loads(render(example_results, "json"))
    jsonschema.Draft202012Validator(load_schema()).validate(report)
    vendor = next(d for d in report["documents"] if d["path"].endswith(".md"))
    evidence = vendor["red_flags"][0]["evidence"]
    assert {"line", "column", "end_line", "end_column", "paragraph"} <= set(evidence)
    assert isinstance(evidence["line"], int) and evidence["paragraph"] is None
    pdf = next(d for d in report["documents"] if d["path"].endswith(".pdf"))
    assert all(ev["line"] is None and ev["page"] for t in pdf["topics"] for ev in t["evidence"])


# --- SARIF -----------------------------------------------------------------------------------

def sarif_validator():
    import jsonschema
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_is_valid_sarif_2_1_0_with_rules_and_a_result_per_gap_and_red_flag(example_results):
    log = json.loads(render(example_results, "sarif", pack=load_rule_pack()))
    errors = [f"{list(e.path)}: {e.message}" for e in sarif_validator().iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    pack = load_rule_pack()
    flags = [flag.id for topic in pack.topics for flag in pack.rules[topic.id].red_flags]
    assert [r["id"] for r in rules] == pack.topic_ids + flags
    privacy = rules[pack.topic_ids.index("privacy")]
    assert privacy["shortDescription"]["text"] == pack.rules["privacy"].title
    assert all(q in privacy["help"]["text"] for q in pack.rules["privacy"].questions)
    reference = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in rules:  # the help URI points at the topic's anchor in the rule reference
        anchor = rule["helpUri"].rsplit("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in reference

    checked = [r for r in example_results if not r.error]
    expected = sum(len(r.gaps) + len(r.red_flags) + sum(t.status == "waived" and t.applies for t in r.topics)
                   for r in checked)
    assert len(run["results"]) == expected
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        # GitHub code scanning needs a start line on every result (whole-document ones: line 1).
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    fingerprints = [r["partialFingerprints"]["tenderlintFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    vendor = next(r for r in checked if r.path.endswith(".md"))
    flag_results = [r for r in run["results"] if "/" in r["ruleId"]
                    and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".md")]
    assert len(flag_results) == len(vendor.red_flags)
    for flag, sarif in zip(vendor.red_flags, flag_results):
        region = sarif["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (flag.evidence.line, flag.evidence.column)
    weak = next(t for t in vendor.gaps if t.status == "weak")
    weak_result = next(r for r in run["results"] if r["ruleId"] == weak.id and r["locations"][0]["physicalLocation"]
                       ["artifactLocation"]["uri"].endswith(".md"))
    assert "weak" in weak_result["message"]["text"]
    assert weak_result["locations"][0]["physicalLocation"]["region"]["startLine"] == weak.evidence[0].line
    missing = next(t for t in vendor.gaps if t.status == "missing")
    missing_result = next(r for r in run["results"] if r["ruleId"] == missing.id and r["locations"][0]
                          ["physicalLocation"]["artifactLocation"]["uri"].endswith(".md"))
    assert missing_result["level"] == {"high": "error", "medium": "warning", "low": "note"}[missing.severity]
    assert missing_result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert "missing" in missing_result["message"]["text"]
    # The unreadable file is a tool execution notification, not a result.
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("error[not-found]")


def test_sarif_from_the_command_line_shows_waivers_as_suppressions(tmp_path):
    draft = tmp_path / "rfq.md"
    draft.write_text("# Request for quotation\n\n<!-- tenderlint: waive privacy — covered by the agency DPA -->\n\n"
                     "The supplier shall encrypt data at rest.\n", encoding="utf-8")
    config = tmp_path / "tenderlint.toml"
    config.write_text('[waivers]\nsustainability = "Hosted in the agency data centre."\n')
    out = tmp_path / "report.sarif"
    result = cli("check", draft, "--no-model", "--format", "sarif", "-o", out, "--config", config)
    assert result.exit_code == 1
    log = json.loads(out.read_text(encoding="utf-8"))
    assert list(sarif_validator().iter_errors(log)) == []
    suppressed = {r["ruleId"]: r["suppressions"][0] for r in log["runs"][0]["results"] if "suppressions" in r}
    assert suppressed["privacy"] == {"kind": "inSource",
                                     "justification": "covered by the agency DPA (waived in the document, line 3)"}
    assert suppressed["sustainability"] == {"kind": "external", "justification": "Hosted in the agency data centre."}


# --- GitHub annotations ----------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse_annotations(output: str) -> list[dict]:
    """GitHub Actions workflow commands back into (level, properties, message), as the runner reads them."""
    parsed = []
    for line in output.splitlines():
        match = ANNOTATION.match(line)
        assert match, f"not a workflow command: {line!r}"
        props = dict(pair.split("=", 1) for pair in match.group(2).split(","))
        parsed.append({"level": match.group(1), **{k: _unescape(v) for k, v in props.items()},
                       "message": _unescape(match.group(3))})
    return parsed


def test_github_annotations_parse_back_one_per_red_flag_and_gap(example_results):
    annotations = parse_annotations(render(example_results, "github"))
    checked = [r for r in example_results if not r.error]
    assert len(annotations) == sum(len(r.red_flags) + len(r.gaps) for r in checked) + 1
    error = annotations[-1]
    assert error["level"] == "error" and error["title"] == "tenderlint error[not-found]"
    vendor = next(r for r in checked if r.path.endswith(".md"))
    mine = [a for a in annotations if a["file"] == vendor.path]
    for flag, note in zip(vendor.red_flags, mine):
        assert note["title"] == f"tenderlint {flag.id} (red flag)"
        assert (int(note["line"]), int(note["col"])) == (flag.evidence.line, flag.evidence.column)
        assert int(note["endLine"]) == flag.evidence.end_line and flag.evidence.quote in note["message"]
    gaps = mine[len(vendor.red_flags):]
    assert [a["title"].split()[1] for a in gaps] == [t.id for t in vendor.gaps]
    for topic, note in zip(vendor.gaps, gaps):
        assert note["level"] == {"high": "error", "medium": "warning", "low": "notice"}[topic.severity]
        assert ("line" in note) == (topic.status == "weak" and bool(topic.evidence))
    pdf = next(r for r in checked if r.path.endswith(".pdf"))
    assert all("line" not in a for a in annotations if a["file"] == pdf.path)


def test_github_commands_escape_what_the_runner_would_misread():
    line = command("warning", "50% done\nnext: line", file="a,b:c.md", line=3, title="x: y, z")
    assert "\n" not in line
    assert parse_annotations(line) == [{"level": "warning", "file": "a,b:c.md", "line": "3", "title": "x: y, z",
                                        "message": "50% done\nnext: line"}]


# --- inline waivers ---------------------------------------------------------------------------

def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Request for proposals", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name,content,where", [
    ("line.md", "# RFQ\n\nThe supplier shall encrypt data at rest.\n\ntenderlint: waive privacy — handled by the agency DPA\n",
     "line 5"),
    ("comment.md", "# RFQ\n\nThe supplier shall encrypt data at rest.\n<!--\n tenderlint: waive privacy -- handled by the agency DPA\n-->\n",
     "line 4"),
    ("inside.md", "# RFQ\n\nThe supplier shall encrypt data at rest.\ntenderlint: waive privacy: handled by the agency DPA\n",
     "line 4"),
    ("plain.txt", "RFQ\n\nThe supplier shall encrypt data at rest.\n\nTenderlint: waive privacy - handled by the agency DPA\n",
     "line 5"),
    ("page.html", "<html><body><h1>RFQ</h1><p>The supplier shall encrypt data at rest.</p>\n"
     "<!-- tenderlint: waive privacy — handled by the agency DPA --></body></html>", "line 2"),
    ("para.docx", None, "paragraph 3"),
])
def test_inline_waiver_in_the_document_shows_as_waived_with_its_reason(checker, tmp_path, name, content, where):
    path = tmp_path / name
    if content is None:
        path.write_bytes(_docx(["The supplier shall encrypt data at rest.",
                                "tenderlint: waive privacy — handled by the agency DPA"]))
    else:
        path.write_text(content, encoding="utf-8")
    result = checker.check_file(path)
    privacy = result.topic("privacy")
    assert privacy.status == "waived"
    assert privacy.waiver == f"handled by the agency DPA (waived in the document, {where})"
    assert "privacy" not in {t.id for t in result.gaps}
    assert all("tenderlint" not in ev.quote.lower() for ev in all_evidence(result))  # never evidence
    assert result.warnings == [] or all("waiver" not in w for w in result.warnings)


def test_inline_waiver_with_unknown_topic_or_no_reason_is_a_warning_and_waives_nothing(checker, tmp_path):
    path = tmp_path / "rfq.md"
    path.write_text("# RFQ\n\nThe supplier shall encrypt data at rest.\n\ntenderlint: waive privcy — typo\n\n"
                    "tenderlint: waive security\n", encoding="utf-8")
    result = checker.check_file(path)
    assert result.topic("privacy").status != "waived" and result.topic("security").status != "waived"
    assert "inline waiver names unknown topic 'privcy' (line 5): ignored" in result.warnings
    assert "inline waiver of security (line 7) has no reason: ignored" in result.warnings


def test_inline_waiver_shows_in_the_human_reports(tmp_path):
    path = tmp_path / "rfq.md"
    path.write_text("# RFQ\n\nThe supplier shall encrypt data at rest.\n\n"
                    "tenderlint: waive privacy, security — handled by the agency DPA\n", encoding="utf-8")
    for fmt in ("text", "markdown"):
        report = cli("check", path, "--no-model", "--format", fmt).output
        # once for each topic the line waives: privacy and security
        assert " ".join(report.split()).count("handled by the agency DPA (waived in the document, line 5)") == 2
