"""Tests for the report renderers (text, Markdown, HTML, JSON) on hand-built check results.

The fixtures are written here, in our own words: a draft RFP with every status, a red flag
and a waiver; a French contract; a document that could not be read. Topic ids and names come
from the project's taxonomy, so the fixture always has all of its topics.

Snapshots live in tests/snapshots/report/; regenerate them with TENDERLINT_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tenderlint import __version__
from tenderlint.errors import TenderlintError
from tenderlint.report import FORMATS, render
from tenderlint.report.json_report import load_schema, to_json_dict
from tenderlint.resources import rules_dir
from tenderlint.results import STATUSES, DocumentResult, Evidence, RedFlag, TopicResult

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "report"
SNAPSHOT_FILES = {"text": "report.txt", "markdown": "report.md", "html": "report.html", "json": "report.json",
                  "sarif": "report.sarif", "github": "report.github.txt"}
HUMAN_FORMATS = ("text", "markdown", "html")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


# --- fixtures ------------------------------------------------------------------------------

def taxonomy_topics() -> list[dict]:
    with open(rules_dir() / "taxonomy.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["topics"]


HIGH_SEVERITY = {
    "ai-disclosure", "data-rights", "privacy", "security", "human-oversight", "bias-fairness",
    "risk-management", "exit-transition", "liability",
}
LOW_SEVERITY = {"sustainability", "pricing", "contract-transparency"}

SOURCE_NAMES = {
    "E": "EU model contractual clauses for AI procurement",
    "U": "US OMB memoranda on federal AI acquisition",
    "K": "UK guidelines for AI procurement",
    "W": "WEF AI procurement in a box",
    "A": "Australian DTA AI model clauses",
    "S": "Society for Computers and Law AI clauses",
}


def source_names(codes: list[str]) -> list[str]:
    return [f"OCP Buying AI, part {code[1:]}" if code.startswith("O") else SOURCE_NAMES[code] for code in codes]


def severity_of(topic_id: str) -> str:
    if topic_id in HIGH_SEVERITY:
        return "high"
    return "low" if topic_id in LOW_SEVERITY else "medium"


def evidence(topic: str, quote: str, page: int | None, section: list[str], source: str, *,
             strength: str = "substantive", score: float | None = None, start: int = 0, why: str = "") -> Evidence:
    return Evidence(topic=topic, quote=quote, page=page, section=section, start=start, end=start + len(quote),
                    source=source, strength=strength, score=score, why=why)


def flag_topics(result: DocumentResult) -> DocumentResult:
    """Mark the topics that carry a red flag, as the decision stage does."""
    flagged = {flag.topic for flag in result.red_flags}
    for topic in result.topics:
        topic.red_flag = topic.id in flagged and topic.status != "waived"
    return result


DEFAULT_REASONS = {"missing": "no passage addresses it", "covered": "substantive provision found"}


def build_result(path: str, doc_type: str, decided: dict[str, dict], **facts) -> DocumentResult:
    """A DocumentResult with every taxonomy topic; topics absent from ``decided`` are missing."""
    topics = []
    for entry in taxonomy_topics():
        topic_id, name = entry["id"], entry["name"]
        decision = decided.get(topic_id, {})
        status = decision.get("status", "missing")
        topics.append(TopicResult(
            id=topic_id,
            name=name,
            status=status,
            applies=entry["applies_to"] in ("both", doc_type),
            severity=severity_of(topic_id),
            evidence=decision.get("evidence", []),
            questions=decision.get("questions", [
                f"Which clause says what the supplier must do on '{name}'?",
                f"What proof will bidders give on '{name}', and when?",
            ]),
            suggestion=decision.get(
                "suggestion",
                f"The Supplier shall meet the Buyer's requirements on '{name}' set out in Annex B "
                "and shall give evidence that it does so whenever the Buyer asks.",
            ),
            sources=source_names(entry["sources"]),
            reason=decision.get("reason", DEFAULT_REASONS.get(status, "")),
            waiver=decision.get("waiver"),
        ))
    return DocumentResult(path=path, sha256=hashlib.sha256(path.encode()).hexdigest(), doc_type=doc_type,
                          topics=topics, **facts)


def rfp_result() -> DocumentResult:
    """A draft RFP for a resident-enquiries assistant: every status, two red flags, one waiver."""
    functional = ["3 Requirements", "3.1 Functional"]
    data_protection = ["3 Requirements", "3.4 Data protection"]
    security = ["3 Requirements", "3.5 Security"]
    use_of_data = ["5 Data", "5.3 Use of data"]
    commercial = ["7 Commercial"]

    def covered(topic, quote, page, section, source="rule", score=None, start=0, more=()):
        found_by = f"rule:{topic}/requirement" if source == "rule" else "model"
        items = [evidence(topic, quote, page, section, found_by, score=score, start=start), *more]
        return {"status": "covered", "evidence": items}

    def weak(topic, quote, page, section, reason, source="rule", score=None, start=0):
        found_by = f"rule:{topic}/mention" if source == "rule" else "model"
        return {"status": "weak", "reason": reason,
                "evidence": [evidence(topic, quote, page, section, found_by, strength="mention", score=score,
                                      start=start, why="no obligation word")]}

    decided = {
        "ai-disclosure": covered("ai-disclosure", "Bidders shall state which parts of the proposed service use "
                                 "machine learning or generative AI, and what each part is for.", 3, functional,
                                 start=2100),
        "outcomes": covered("outcomes", "The Council wants to halve the time residents wait for an answer to routine "
                            "enquiries within eighteen months of go-live.", 2, ["1 Background"], source="model",
                            score=0.912, start=640),
        "legal-compliance": covered("legal-compliance", "The service shall comply with the UK GDPR and the Equality "
                                    "Act 2010.", 5, data_protection, start=5200),
        "data-rights": covered(
            "data-rights", "All enquiry data, prompts and generated replies remain the property of the Council.", 9,
            ["5 Data", "5.1 Ownership"], start=9800,
            more=[evidence("data-rights", "The Council owns its data.", 2, ["1 Background"], "model", score=0.64,
                           start=700)]),
        "privacy": covered("privacy", "Personal data shall be stored and processed only in data centres located in "
                           "the United Kingdom.", 5, data_protection, start=5320),
        "security": covered("security", "The Supplier shall hold ISO/IEC 27001 certification and fix critical "
                            "vulnerabilities within 72 hours of discovery.", 6, security, start=6100),
        "transparency": covered("transparency", "Every reply written by the assistant must tell the resident that "
                                "it was produced by an automated system & may contain mistakes.", 4, functional,
                                start=3300),
        "performance": covered("performance", "At least 95% of answers sampled each month shall be rated accurate "
                               "by Council reviewers | target reviewed quarterly.", 4, functional, source="model",
                               score=0.843, start=3500),
        "testing-acceptance": covered("testing-acceptance", "A twelve-week pilot with 200 residents shall precede "
                                      "acceptance; the second milestone payment depends on passing the acceptance "
                                      "tests in Annex C.", 7, ["4 Delivery", "4.2 Pilot and acceptance"], start=7600),
        "accessibility": covered("accessibility", "The resident-facing chat window shall meet WCAG 2.2 level AA.", 4,
                                 functional, start=3700),
        "evaluation-criteria": covered("evaluation-criteria", "Technical merit carries 60% of the score, of which 15% "
                                       "rewards evidence of accuracy testing.", 11, ["6 Evaluation"], start=11200),
        "interoperability": covered("interoperability", "The assistant shall connect to the Council's case "
                                    "management system through a documented open API.", 6, security, start=6300),
        "pricing": covered("pricing", "Bidders shall price usage-based charges per thousand conversations and state "
                           "a monthly cap.", 12, commercial, start=12100),
        "liability": covered("liability", "The Supplier shall carry professional indemnity insurance of at least "
                             "£5 million.", 12, commercial, start=12300),
        "risk-management": weak("risk-management", "Risks will be discussed with the successful bidder at the "
                                "inception meeting.", 7, ["4 Delivery"], "only mentioned", start=7400),
        "audit-logging": weak("audit-logging", "Logs may be made available on request.", 6, security,
                              "only mentioned, no obligation", source="model", score=0.551, start=6400),
        "maintenance-updates": weak("maintenance-updates", "Support arrangements are described in the Council's "
                                    "standard terms.", 8, ["4 Delivery", "4.4 Support"], "only a reference to "
                                    "other terms", start=8200),
        "exit-transition": weak("exit-transition", "Moving the existing FAQs from the current website is in scope.",
                                3, ["2 Scope of work"], "migration at the start, not exit at the end", start=1500),
        "human-oversight": {
            "questions": [
                "Who at the Council reviews an answer before it commits the Council to anything?",
                "How can staff switch the assistant off or overrule a reply, and how fast?",
            ],
            "suggestion": "The Supplier shall let named Council staff review, correct or withdraw any reply, and "
                          "shall provide a way to pause the assistant at once without the Supplier's help.",
        },
        "sustainability": {"status": "waived", "reason": "waived: covered by the green ICT policy",
                           "waiver": "Covered by the Council's green ICT policy, which every contract "
                                     "incorporates (Annex G)."},
    }
    result = build_result(
        "tenders/harbour-city-resident-assistant-rfp.docx", "rfp", decided,
        format="docx", doc_type_reason="title says 'Request for Proposals'; has a submission deadline",
        pages=12, words=4210, language="en",
    )
    result.red_flags = [
        RedFlag(id="pricing/unilateral-price-change", topic="pricing", title="Supplier may change prices on its own",
                severity="medium", evidence=evidence("pricing", "The Supplier may revise usage rates on 30 days' "
                                                     "notice.", 12, commercial, "rule:pricing/unilateral-price-change",
                                                     start=12200)),
        RedFlag(id="data-rights/train-on-buyer-data", topic="data-rights",
                title="Supplier may train its models on the Council's data", severity="high",
                evidence=evidence("data-rights", "The Supplier may use anonymised enquiry data to improve its "
                                  "general language models.", 9, use_of_data, "rule:data-rights/train-on-buyer-data",
                                  start=10100)),
    ]
    return flag_topics(result)


def french_contract_result() -> DocumentResult:
    """A contract in French: the English rules find little, so the report must say why."""
    decided = {
        "privacy": {"status": "covered", "evidence": [evidence(
            "privacy", "Les données personnelles sont hébergées uniquement dans l'Union européenne.", 3,
            ["Article 5 Données"], "model", score=0.62, start=3000)]},
        "liability": {"status": "covered", "evidence": [evidence(
            "liability", "La responsabilité du Titulaire est plafonnée au montant total du marché.", 6,
            ["Article 9 Responsabilité"], "model", score=0.58, start=6100)]},
    }
    return build_result(
        "contrats/contrat-assistant-ia.pdf", "contract", decided,
        format="pdf", doc_type_reason="names the parties and has signature blocks", pages=8, words=2950,
        language="fr",
        warnings=["Pages 7 and 8 carry almost no text; if they are scanned, their content was not read."],
    )


def failed_result() -> DocumentResult:
    return DocumentResult(
        path="scans/signed-offer-2023.pdf", sha256=hashlib.sha256(b"scan").hexdigest(), format="pdf", pages=14,
        error=TenderlintError("no-text-layer", "the PDF has 14 pages but no text layer; run OCR on it first").as_dict(),
    )


def sample_results() -> list[DocumentResult]:
    return [rfp_result(), french_contract_result(), failed_result()]


def hostile_result() -> DocumentResult:
    """A document whose own text tries to become markup, scripts and links in the report."""
    hostile = {
        "ai-disclosure": {"status": "covered", "evidence": [evidence(
            "ai-disclosure", "Vendor shall disclose AI <script>alert(1)</script> use; see https://evil.example/x",
            2, ["<img src=x onerror=alert(2)>", "R&amp;D"], "rule:ai-disclosure/requirement")]},
        "privacy": {"status": "weak", "reason": "<b>bold</b> claim", "evidence": [evidence(
            "privacy", "Data <img src=x onerror=alert(3)> &amp; more | pipe `code` *stars* [link](http://evil.example)",
            3, ["Data"], "model", strength="mention", score=0.5)]},
    }
    result = build_result(
        "uploads/<script>alert('path')</script>&amp;.pdf", "rfp", hostile, format="pdf",
        doc_type_reason="<i>says</i> RFP", pages=3, words=100, language="en",
        warnings=["warning with <script>alert(4)</script> and http://evil.example/w"],
    )
    result.red_flags = [RedFlag(
        id="data-rights/train-on-buyer-data", topic="data-rights", title="<svg onload=alert(5)>", severity="high",
        evidence=evidence("data-rights", "</blockquote><script>alert(6)</script>", 1, ["</details>"],
                          "rule:data-rights/train-on-buyer-data"))]
    return flag_topics(result)


# --- snapshots -----------------------------------------------------------------------------

def _normalise(text: str) -> str:
    """The tool's version (and, in SARIF, where the checkout's rule reference is) may differ between
    runs; keep snapshots stable."""
    from tenderlint.report.sarif import rules_doc_uri

    docs = (rules_doc_uri("x") or "DOCS#x")[:-len("#x")]
    text = text.replace(docs, "DOCS")
    return text.replace(f"tenderlint {__version__}", "tenderlint VERSION").replace(
        f'"version": "{__version__}"', '"version": "VERSION"').replace(
        f'"semanticVersion": "{__version__}"', '"semanticVersion": "VERSION"')


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_render_matches_snapshot(fmt):
    rendered = _normalise(render(sample_results(), fmt, color=False))
    snapshot = SNAPSHOTS / SNAPSHOT_FILES[fmt]
    if os.environ.get("TENDERLINT_UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot}; run with TENDERLINT_UPDATE_SNAPSHOTS=1 to create it"
    expected = snapshot.read_text(encoding="utf-8")
    assert rendered == expected, f"{fmt} report differs from {snapshot.name}; if intended, regenerate snapshots"


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_render_is_deterministic(fmt):
    assert render(sample_results(), fmt, color=False) == render(sample_results(), fmt, color=False)


def test_report_render_rejects_unknown_format():
    with pytest.raises(TenderlintError) as raised:
        render(sample_results(), "pdf")
    assert raised.value.code == "usage"


# --- content every human format must carry ---------------------------------------------------

def readable(fmt: str, results: list[DocumentResult]) -> str:
    """A human report as a reader sees its words: entities decoded, wrapped lines joined."""
    report = render(results, fmt, color=False)
    if fmt == "html":
        report = " ".join(parse_html(report).text)
    return " ".join(report.split())


# Where the list of gaps ends in each human format (the next part of the report starts).
GAP_LIST_END = {"text": "Topic Name Status Page", "markdown": "### All topics", "html": "All topics at a glance"}


def gap_list(fmt: str, report: str) -> str:
    start = report.index("Gaps, worst first")
    return report[start:report.index(GAP_LIST_END[fmt], start)]


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_summary_comes_before_topics_and_orders_gaps(fmt):
    report = readable(fmt, [rfp_result()])
    first_detail = report.index("Suggested clause")
    for fact in ("4,210 words", "Solicitation", "title says 'Request for Proposals'", "14 covered", "4 weak",
                 "6 missing", "1 waived", "2 not expected"):
        assert fact in report[:first_detail].replace("Words 4,210", "4,210 words").replace(
            "| Words | 4,210 |", "4,210 words"), fact
    # Gaps worst first: high before medium, and within a severity missing before weak.
    gaps = gap_list(fmt, report)
    order = [gaps.index(topic) for topic in ("bias-fairness", "human-oversight", "exit-transition", "risk-management",
                                            "data-quality", "supply-chain", "audit-logging", "maintenance-updates")]
    assert order == sorted(order)
    # Red flags come before the gaps, with their quote, page and section, the high one first.
    flags = report[:report.index("Gaps, worst first")]
    assert "improve its general language models" in flags and "page 9, section 5 Data > 5.3 Use of data" in flags
    assert flags.index("train its models") < flags.index("change prices on its own")


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_shows_evidence_with_its_finder(fmt):
    report = readable(fmt, [rfp_result()])
    # Gap evidence shows its finder everywhere; covered topics' evidence outside the compact text.
    assert "classifier, score 0.55, mention only" in report
    assert "page 3, section 2 Scope of work" in report and "rule exit-transition/mention" in report
    if fmt != "text":
        assert "classifier, score 0.91" in report  # the outcomes evidence came from the model
        assert "rule data-rights/requirement" in report
        assert "All enquiry data, prompts and generated replies remain the property of the Council." in report
    assert "OCP Buying AI, part 13" in report


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_lists_a_topic_addressed_against_the_buyer_among_the_gaps(fmt):
    report = readable(fmt, [rfp_result()])
    gaps = report[report.index("Gaps, worst first"):]
    assert re.search(r"⚑ red flag.{0,200}data-rights|data-rights.{0,200}⚑ red flag", gaps[:3000])
    assert "covered, but against the buyer" in report or "addressed, but against the buyer" in report


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_waived_topic_shows_its_reason(fmt):
    report = readable(fmt, [rfp_result()])
    reason = "Covered by the Council's green ICT policy, which every contract incorporates (Annex G)."
    waived = rf"(waived.{{0,40}}sustainability|sustainability.{{0,120}}waived).{{0,80}}{re.escape(reason)}"
    assert re.search(waived, report, flags=re.I)
    assert "sustainability" not in gap_list(fmt, report)


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_topics_not_expected_are_not_gaps(fmt):
    result = rfp_result()
    assert not {"decommissioning", "contract-transparency"} & {t.id for t in result.gaps}
    report = readable(fmt, [result])
    for topic_id, name in (("decommissioning", "Decommissioning and data deletion"),
                           ("contract-transparency", "Contract and procurement transparency")):
        assert re.search(rf"{topic_id}.{{0,60}}not expected|not expected.{{0,60}}{name}", report), topic_id
        assert topic_id not in gap_list(fmt, report)
    # A contract-only topic the RFP does cover is shown as covered, still not as a gap.
    assert "liability" not in gap_list(fmt, report)


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_non_english_document_carries_a_warning(fmt):
    report = readable(fmt, [french_contract_result()])
    assert "French" in report and "not English" in report
    assert "Pages 7 and 8 carry almost no text" in report
    english = readable(fmt, [rfp_result()])
    assert "not English" not in english


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
def test_report_failed_document_shows_error_instead_of_topics(fmt):
    report = readable(fmt, [failed_result()])
    assert "no-text-layer" in report
    assert "run OCR on it first" in report
    assert "human-oversight" not in report


# --- text ----------------------------------------------------------------------------------

def test_report_text_colour_only_when_asked():
    coloured = render(sample_results(), "text", color=True)
    plain = render(sample_results(), "text", color=False)
    assert ANSI_ESCAPE.search(coloured)
    assert "\x1b" not in plain
    assert ANSI_ESCAPE.sub("", coloured).split() == plain.split()


class _Stdout:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self):
        return self.tty

    def write(self, text):
        return len(text)


def test_report_text_follows_stdout_when_colour_not_given(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("sys.stdout", _Stdout(tty=False))
    assert "\x1b" not in render([rfp_result()], "text")
    monkeypatch.setattr("sys.stdout", _Stdout(tty=True))
    assert ANSI_ESCAPE.search(render([rfp_result()], "text"))
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in render([rfp_result()], "text")
    assert ANSI_ESCAPE.search(render([rfp_result()], "text", color=True))  # forcing wins


def test_report_text_fits_the_terminal_width():
    plain = render(sample_results(), "text", color=False)
    assert max(len(line) for line in plain.splitlines()) <= 100


def test_report_text_strips_terminal_control_sequences():
    result = rfp_result()
    result.topics[0].evidence[0].quote = "clear the screen \x1b[2J and ring \x07 the bell"
    for color in (True, False):
        report = render([result], "text", color=color)
        assert "\x1b[2J" not in report and "\x07" not in report


# --- markdown ------------------------------------------------------------------------------

def test_report_markdown_escapes_table_breaking_text():
    result = rfp_result()
    result.topic("performance").name = "Accuracy | performance"
    report = render([result], "markdown")
    table_rows = [line for line in report.splitlines() if line.startswith("| `performance`")]
    assert table_rows and all("Accuracy \\| performance" in row for row in table_rows)
    # Every table row keeps the header's number of cells.
    for block in re.findall(r"((?:^\|.*\|$\n?)+)", report, flags=re.M):
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in block.strip().splitlines()}
        assert len(widths) == 1, block


def test_report_markdown_renders_as_intended_with_a_commonmark_parser():
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (a dependency of rich) is needed")
    parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    for results in (sample_results(), [hostile_result()]):
        report = render(results, "markdown")
        page = parser.render(report)
        separators = [line for line in report.splitlines() if line.startswith("|---")]
        assert page.count("<table>") == len(separators) > 0  # no table broken by document text
        markup = parse_html(page)
        assert {"script", "img", "svg"}.isdisjoint(markup.tags)
        assert not [name for name, _ in markup.attributes if name.startswith("on")]
    assert "<script>alert(1)</script>" in "".join(markup.text)  # shown, as text


def test_report_markdown_quotes_evidence_as_blockquotes():
    report = render([rfp_result()], "markdown")
    assert "> Bidders shall state which parts of the proposed service use machine learning" in report
    assert report.startswith("# ")


def test_report_markdown_keeps_document_text_literal():
    report = render([hostile_result()], "markdown")
    assert not re.search(r"(?<!\\)<", report), "an unescaped '<' could open raw HTML"
    assert "\\<script>alert(1)\\</script>" in report


# --- html ----------------------------------------------------------------------------------

class _Markup(HTMLParser):
    """Collects the elements, attributes and text of a page, to inspect what became markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def parse_html(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    parser.close()
    return parser


def test_report_html_renders_hostile_document_text_inert():
    page = render([hostile_result()], "html")
    markup = parse_html(page)
    assert "script" not in markup.tags
    assert "img" not in markup.tags
    assert not [name for name, _ in markup.attributes if name.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "R&amp;amp;D" in page  # the document's own "&amp;" is shown as typed, not decoded
    text = "".join(markup.text)
    assert "<script>alert(1)</script>" in text  # visible to the reader as plain text
    assert "</blockquote><script>alert(6)</script>" in text
    assert "uploads/<script>alert('path')</script>&amp;.pdf" in text


def test_report_html_makes_no_external_requests():
    page = render(sample_results() + [hostile_result()], "html")
    markup = parse_html(page)
    for name, value in markup.attributes:
        assert "http:" not in value and "https:" not in value and "//" not in value, (name, value)
        if name in ("src", "href", "action", "srcset", "poster", "data"):
            assert value.startswith("#"), (name, value)
    assert not re.search(r"url\(|@import|https?:", "".join(markup.styles))
    # The only URLs anywhere are the hostile document's own, shown as text.
    document_urls = {"https://evil.example/x", "http://evil.example)", "http://evil.example/w"}
    for url in re.findall(r"https?://[^\s<\"']*", page):
        assert url in document_urls, url
    assert {"link", "iframe", "object", "embed", "base", "form"}.isdisjoint(markup.tags)


def test_report_html_is_self_contained_and_locked_down():
    page = render(sample_results(), "html")
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">') in page
    markup = parse_html(page)
    assert "svg" in markup.tags  # the coverage chart
    assert "details" in markup.tags
    assert "@media print" in "".join(markup.styles)
    # Every in-page link points at an element that exists.
    ids = {value for name, value in markup.attributes if name == "id"}
    links = {value[1:] for name, value in markup.attributes if name == "href"}
    assert links and links <= ids


def test_report_html_chart_counts_match_the_document():
    page = render([rfp_result()], "html")
    counts = {s: int(n) for s, n in re.findall(r'data-status="([a-z-]+)" data-count="(\d+)"', page)}
    assert counts == {"covered": 14, "weak": 4, "missing": 6, "waived": 1, "not-expected": 2}
    assert sum(counts.values()) == len(taxonomy_topics())


# --- json ----------------------------------------------------------------------------------

def test_report_json_has_the_contract_keys():
    data = json.loads(render(sample_results(), "json"))
    assert data["schema"] == 1
    assert data["tool"] == {"name": "tenderlint", "version": __version__}
    document_keys = {"path", "sha256", "format", "doc_type", "pages", "words", "language", "error", "topics",
                     "red_flags", "gaps"}
    topic_keys = {"id", "status", "applies", "evidence", "questions", "suggestion"}
    evidence_keys = {"quote", "page", "section", "start", "end", "source"}
    for document in data["documents"]:
        assert document_keys <= document.keys()
        for topic in document["topics"]:
            assert topic_keys <= topic.keys()
            for item in topic["evidence"]:
                assert evidence_keys <= item.keys()
        for gap in document["gaps"]:
            assert set(gap) == {"id", "name", "status", "severity"}
    rfp, _, failed = data["documents"]
    assert rfp["topics"][0]["evidence"][0]["section"] == "3 Requirements > 3.1 Functional"
    assert failed["error"] == {
        "code": "no-text-layer", "message": "the PDF has 14 pages but no text layer; run OCR on it first"}
    assert failed["topics"] == [] and rfp["error"] is None


def test_report_json_every_document_has_every_topic_with_a_valid_status():
    taxonomy_ids = [t["id"] for t in taxonomy_topics()]
    assert len(taxonomy_ids) == 27
    data = to_json_dict(sample_results())
    for document in data["documents"]:
        if document["error"] is not None:
            continue
        assert [t["id"] for t in document["topics"]] == taxonomy_ids
        assert {t["status"] for t in document["topics"]} <= set(STATUSES)
        assert sum(document["counts"].values()) == 27


def test_report_json_gaps_are_worst_first():
    gaps = to_json_dict([rfp_result()])["documents"][0]["gaps"]
    # Missing before weak within a severity; a covered topic with a red flag is a gap too.
    assert [g["id"] for g in gaps][:5] == [
        "bias-fairness", "human-oversight", "data-rights", "exit-transition", "risk-management"]
    assert gaps[2]["status"] == "covered"
    assert "decommissioning" not in [g["id"] for g in gaps]  # a contract topic in an RFP is no gap


def test_report_json_keeps_red_flags_with_evidence():
    flags = to_json_dict([rfp_result()])["documents"][0]["red_flags"]
    assert {f["id"] for f in flags} == {"data-rights/train-on-buyer-data", "pricing/unilateral-price-change"}
    assert all(f["evidence"]["page"] and f["evidence"]["quote"] for f in flags)


def schema_errors(data: dict) -> list[str]:
    """Validation errors of ``data`` against the report schema (jsonschema, from the test extra)."""
    import jsonschema

    schema = load_schema()
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_report_schema_is_a_valid_draft_2020_12_schema():
    import jsonschema

    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_report_json_example_in_the_docs_is_valid():
    docs = Path(__file__).resolve().parents[1] / "docs" / "json-report.md"
    blocks = re.findall(r"```json\n(.*?)```", docs.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "docs/json-report.md has no JSON example"
    for block in blocks:
        assert schema_errors(json.loads(block)) == []


def test_report_json_validates_against_the_schema():
    data = json.loads(render(sample_results() + [hostile_result()], "json"))
    assert schema_errors(data) == []


@pytest.mark.parametrize("breakage", ["bad-status", "no-topics", "bad-error", "missing-key", "bad-source"])
def test_report_schema_rejects_broken_reports(breakage):
    data = json.loads(render(sample_results(), "json"))
    rfp, _, failed = data["documents"]
    if breakage == "bad-status":
        rfp["topics"][0]["status"] = "partly"
    elif breakage == "no-topics":
        rfp["topics"] = []
    elif breakage == "bad-error":
        failed["error"] = {"code": "no-text-layer"}
    elif breakage == "missing-key":
        del rfp["topics"][3]["evidence"][0]["page"]
    elif breakage == "bad-source":
        rfp["topics"][0]["evidence"][0]["source"] = "regex"
    assert schema_errors(data)
