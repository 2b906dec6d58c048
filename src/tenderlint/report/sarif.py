"""The SARIF 2.1.0 report (``--format sarif``): what code-scanning tools and editors read.

One run. ``tool.driver.rules`` is generated from the rule pack: a rule per topic and one per
red flag, with the short and full description, help text carrying the questions to ask, and a
help URI to the rule's section of ``docs/rules.md``. Then a result per gap (level from the
topic's severity; the message says the status and what is missing; the location is the file,
with the region of the strongest evidence when the topic is only mentioned) and a result per
red flag (located at its evidence). Waived topics that apply are results too, marked as
suppressed with the written reason (``inSource`` when the document itself waives them), so a
viewer shows them as waived rather than dropping them. A document that could not be read is a
tool execution notification. Lines and columns count Unicode code points, from 1.

GitHub code scanning wants a start line on every result: a finding about the whole document (a
missing topic), or one in a format without lines (PDF, DOCX), is placed at line 1 of the file,
with its page or paragraph in the location's message. Each result carries a
``partialFingerprints`` entry made from the rule and the quoted text (not the line), so a
finding keeps its identity when lines above it move.

Validated in the tests against the OASIS SARIF 2.1.0 JSON Schema (tests/data).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path, PurePath
from urllib.parse import quote

from tenderlint import __version__
from tenderlint.results import DocumentResult, Evidence, RedFlag, TopicResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
STATUS_WORDS = {
    "missing": "missing: nothing in the document addresses it",
    "weak": "weak: only mentioned, with no requirement, obligation or evaluation criterion",
}
INLINE_MARK = "(waived in the document"


def rules_doc_uri(topic_id: str) -> str | None:
    """Where the topic's section of the rule reference is: the project's documentation URL when the
    installed package declares one (``Documentation`` in its project URLs), else the rule reference
    shipped with it (``docs/rules.md``, in the wheel or the checkout); None when neither is known."""
    try:
        for entry in metadata.metadata("tenderlint").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation" and url.strip():
                return f"{url.strip().rstrip('/')}/rules.md#{topic_id}"
    except metadata.PackageNotFoundError:
        pass
    from tenderlint.resources import data_dir

    try:  # shipped in the wheel as _data/docs, or the checkout's docs/
        reference = data_dir("docs") / "rules.md"
    except FileNotFoundError:
        return None
    return f"{reference.resolve().as_uri()}#{topic_id}" if reference.is_file() else None


def artifact_uri(path: str) -> str:
    """The document's path as a URI reference: relative paths stay relative (to the working folder)."""
    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix())


def driver_rules(pack) -> list[dict]:
    """A reportingDescriptor per topic, then one per red flag, in the pack's order."""
    descriptors = []
    for topic in pack.topics:
        rule = pack.rules[topic.id]
        questions = "\n".join(f"- {q}" for q in rule.questions)
        help_text = f"{rule.rationale.strip()}\n\nQuestions to ask:\n{questions}\n\nSuggested clause: {rule.suggestion.strip()}"
        descriptor = {
            "id": rule.id,
            "name": _pascal(rule.id),
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": " ".join(rule.description.split())},
            "help": {"text": help_text, "markdown": _help_markdown(rule)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"tags": ["procurement", topic.applies_to] + (["ai-specific"] if rule.ai_specific else []),
                           "severity": rule.severity},
        }
        uri = rules_doc_uri(rule.id)
        if uri:
            descriptor["helpUri"] = uri
        descriptors.append(descriptor)
    for topic in pack.topics:
        rule = pack.rules[topic.id]
        for flag in rule.red_flags:
            descriptor = {
                "id": flag.id,
                "name": _pascal(flag.id),
                "shortDescription": {"text": flag.title},
                "fullDescription": {"text": " ".join(flag.description.split())},
                "help": {"text": f"Red flag on {rule.title}: {' '.join(flag.description.split())}"},
                "defaultConfiguration": {"level": LEVELS[flag.severity]},
                "properties": {"tags": ["procurement", "red-flag"], "severity": flag.severity},
            }
            uri = rules_doc_uri(rule.id)
            if uri:
                descriptor["helpUri"] = uri
            descriptors.append(descriptor)
    return descriptors


def sarif_log(results: list[DocumentResult], pack) -> dict:
    """The whole SARIF log as plain data."""
    rules = driver_rules(pack)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    sarif_results: list[dict] = []
    notifications: list[dict] = []
    for result in results:
        uri = artifact_uri(result.path)
        if result.error:
            notifications.append({
                "level": "error",
                "message": {"text": f"error[{result.error.get('code')}]: {result.error.get('message')}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                "descriptor": {"id": str(result.error.get("code"))},
            })
            continue
        for topic in result.gaps:
            sarif_results.append(_gap_result(topic, uri, index))
        for topic in result.topics:
            if topic.status == "waived" and topic.applies:
                sarif_results.append(_waived_result(topic, uri, index))
        for flag in result.red_flags:
            sarif_results.append(_flag_result(flag, uri, index))
    run = {
        "tool": {"driver": {
            "name": "tenderlint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": rules,
        }},
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(results: list[DocumentResult], pack=None) -> str:
    if pack is None:
        from tenderlint.rules.loader import load_rule_pack

        pack = load_rule_pack()
    return json.dumps(sarif_log(results, pack), indent=2, ensure_ascii=False) + "\n"


def _gap_result(topic: TopicResult, uri: str, index: dict[str, int]) -> dict:
    if topic.status in STATUS_WORDS:
        what = f"{topic.name} is {STATUS_WORDS[topic.status]}"
    else:
        what = f"{topic.name} is addressed, but a provision goes against the buyer (see the red flag)"
    message = f"{what}. Ask: {topic.questions[0]}" if topic.questions else f"{what}."
    location = _document_location(uri)
    # Only mentioned: point at the strongest mention, where the requirement should be.
    if topic.status == "weak" and topic.evidence:
        location = _location(topic.evidence[0], uri)
    return {
        **_rule_reference(topic.id, index),
        "level": LEVELS.get(topic.severity, "warning"),
        "kind": "fail",
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": _fingerprint(topic.id, uri, topic.status),
        "properties": {"status": topic.status, "severity": topic.severity, "red_flag": topic.red_flag,
                       "reason": topic.reason},
    }


def _waived_result(topic: TopicResult, uri: str, index: dict[str, int]) -> dict:
    waiver = topic.waiver or ""
    return {
        **_rule_reference(topic.id, index),
        "level": LEVELS.get(topic.severity, "warning"),
        "message": {"text": f"{topic.name} is waived: {waiver}"},
        "locations": [_document_location(uri)],
        "partialFingerprints": _fingerprint(topic.id, uri, "waived"),
        "suppressions": [{"kind": "inSource" if INLINE_MARK in waiver else "external", "justification": waiver}],
        "properties": {"status": "waived", "severity": topic.severity},
    }


def _flag_result(flag: RedFlag, uri: str, index: dict[str, int]) -> dict:
    return {
        **_rule_reference(flag.id, index),
        "level": LEVELS.get(flag.severity, "error"),
        "kind": "fail",
        "message": {"text": f"Red flag: {flag.title}. The provision goes against the buyer ({flag.topic})."},
        "locations": [_location(flag.evidence, uri)],
        "partialFingerprints": _fingerprint(flag.id, uri, flag.evidence.quote),
        "properties": {"topic": flag.topic, "severity": flag.severity},
    }


def _rule_reference(rule_id: str, index: dict[str, int]) -> dict:
    """ruleId, and ruleIndex when the rule is in this run's driver (results of another rule pack may not be)."""
    return {"ruleId": rule_id, "ruleIndex": index[rule_id]} if rule_id in index else {"ruleId": rule_id}


def _document_location(uri: str) -> dict:
    """The whole document: line 1 of the file (code scanning needs a line)."""
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}},
            "message": {"text": "the whole document"}}


def _fingerprint(rule_id: str, uri: str, what: str) -> dict:
    digest = hashlib.sha256("\x1f".join((rule_id, uri, " ".join(what.split()))).encode("utf-8")).hexdigest()
    return {"tenderlintFinding/v1": digest[:32]}


def _location(ev: Evidence, uri: str) -> dict:
    physical: dict = {"artifactLocation": {"uri": uri}}
    if ev.line is not None:
        region = {"startLine": ev.line, "snippet": {"text": ev.quote}}
        if ev.column is not None:
            region["startColumn"] = ev.column
        if ev.end_line is not None and ev.end_column is not None:
            region.update(endLine=ev.end_line, endColumn=ev.end_column)
        physical["region"] = region
    else:  # no lines in this format: the file's first line, with the page or paragraph in the message
        physical["region"] = {"startLine": 1, "snippet": {"text": ev.quote}}
    place = [f"page {ev.page}" if ev.page else "", f"paragraph {ev.paragraph}" if ev.paragraph else "",
             " > ".join(ev.section)]
    location: dict = {"physicalLocation": physical}
    described = ", ".join(p for p in place if p)
    if described or ev.line is None:
        location["message"] = {"text": f"{described}: “{ev.quote}”" if described else f"“{ev.quote}”"}
    return location


def _pascal(identifier: str) -> str:
    return "".join(part.capitalize() for part in identifier.replace("/", "-").split("-") if part)


def _help_markdown(rule) -> str:
    questions = "\n".join(f"- {q}" for q in rule.questions)
    return (f"**{rule.title}**\n\n{rule.rationale.strip()}\n\n**Questions to ask**\n\n{questions}\n\n"
            f"**Suggested clause**\n\n> {' '.join(rule.suggestion.split())}")
