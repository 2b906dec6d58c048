"""The command line as a user meets it: help, rules, check on the bundled examples, exit codes, config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tenderlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DRAFT_RFP = EXAMPLES / "draft-rfp-ai-assistant.docx"
VENDOR_TERMS = EXAMPLES / "vendor-contract-ai-saas.md"


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_cli_help_and_version_answer_without_loading_heavy_libraries():
    code = ("import sys, runpy; sys.argv=['tenderlint','--help'];\n"
            "try:\n runpy.run_module('tenderlint', run_name='__main__')\nexcept SystemExit: pass\n"
            "heavy=[m for m in ('spacy','sklearn','pypdfium2','docx') if m in sys.modules]; print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "check" in out and "audit" in out and "serve" in out and "extract" in out
    assert "HEAVY []" in out
    assert run("--version").output.strip().startswith("tenderlint, version ")


def test_check_with_the_model_does_not_import_scikit_learn(tmp_path):
    """Importing scikit-learn and skops costs seconds; the check predicts with numpy alone."""
    report = tmp_path / "report.json"
    code = ("import sys; sys.argv=['tenderlint','check',sys.argv[1],'--format','json','-o',sys.argv[2]];\n"
            "from tenderlint.cli import main  # in-process: the console script would exit before the print\n"
            "try:\n main()\nexcept SystemExit: pass\n"
            "print('LOADED', [m for m in ('sklearn','skops','scipy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(DRAFT_RFP), str(report)], capture_output=True, text=True,
                         check=True).stdout
    assert "LOADED []" in out
    assert any(e["source"] == "model" for d in json.loads(report.read_text())["documents"]
               for t in d["topics"] for e in t["evidence"]), "the model ran and added evidence"


def test_check_parses_in_a_second_process_and_survives_its_death(tmp_path):
    """The first file is parsed in a forked process; if that process dies, the file is checked again
    (in a process of its own, so that a parser that crashes twice costs only its file)."""
    report = tmp_path / "report.json"
    code = ("import os, sys\n"
            "import tenderlint.check as check\n"
            "original, parent, seen, marker = check.parse_file, os.getpid(), [], sys.argv[3]\n"
            "def dying_parse(path, options, *rest):\n"
            "    if os.getpid() != parent and not os.path.exists(marker):\n"
            "        open(marker, 'w').close()\n"
            "        os._exit(9)\n"
            "    seen.append(path)\n"
            "    return original(path, options, *rest)\n"
            "check.parse_file = dying_parse\n"
            "sys.argv = ['tenderlint', 'check', sys.argv[1], '--format', 'json', '-o', sys.argv[2]]\n"
            "from tenderlint.cli import main  # in-process: the console script would exit before the print\n"
            "try:\n    main()\n"
            "except SystemExit as done:\n    print('EXIT', done.code, 'PARSED HERE', len(seen))\n")
    died = tmp_path / "parsing-process-died"
    out = subprocess.run([sys.executable, "-c", code, str(DRAFT_RFP), str(report), str(died)], capture_output=True,
                         text=True, check=True).stdout
    assert "EXIT 1 PARSED HERE" in out, out
    if sys.platform.startswith("linux"):
        assert died.exists(), "on Linux the first file is parsed in a forked process"
        assert "PARSED HERE 0" in out, "the second try runs in a process of its own too"
    document = json.loads(report.read_text())["documents"][0]
    assert document["error"] is None and len(document["topics"]) == 27


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_console_script_flushes_everything_before_its_prompt_exit(tmp_path, fmt):
    """`check` ends with os._exit after its output: piped output, the report file and errors are all there."""
    missing = tmp_path / "no-such-file.pdf"
    command = [sys.executable, "-m", "tenderlint", "check", str(DRAFT_RFP), str(missing), "--format", fmt]
    # Buffered output, as users get it (an unbuffered stream would hide a missing flush).
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    piped = subprocess.run(command, capture_output=True, text=True, env=env)
    assert piped.returncode == 2
    errors = piped.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"error[not-found]: {missing}: ")
    small = subprocess.run(command[:4] + [str(missing), "--format", fmt], capture_output=True, text=True, env=env)
    assert small.returncode == 2 and str(missing) in small.stdout, "a report smaller than the buffer still arrives"
    report = tmp_path / f"report.{fmt}"
    written = subprocess.run(command[:5] + ["--format", fmt, "-o", str(report)], capture_output=True, text=True,
                             env=env)
    assert written.returncode == 1 and written.stdout == ""
    if fmt == "json":
        assert json.loads(piped.stdout)["documents"][1]["error"]["code"] == "not-found"
        assert len(json.loads(report.read_text())["documents"][0]["topics"]) == 27
    else:
        assert piped.stdout.endswith("\n") and "draft-rfp-ai-assistant.docx" in piped.stdout
        assert report.read_text() and "draft-rfp-ai-assistant.docx" in report.read_text()


def test_check_reports_a_mistyped_topic_before_reading_any_file():
    code = ("import sys; sys.argv=['tenderlint','check',sys.argv[1],'--select','privacy,no-such-topic']\n"
            "from tenderlint.cli import main\n"
            "try:\n main()\nexcept SystemExit as done: print('EXIT', done.code)\n"
            "print('LOADED', [m for m in ('spacy','docx','pypdfium2') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code, str(DRAFT_RFP)], capture_output=True, text=True, check=True)
    assert "EXIT 2" in done.stdout and "LOADED []" in done.stdout, done.stdout
    assert done.stderr.strip() == "error[usage]: unknown topic 'no-such-topic' (see `tenderlint rules`)"


def test_cli_rules_lists_all_27_topics_and_shows_one():
    listing = run("rules")
    assert listing.exit_code == 0
    assert len(listing.output.strip().splitlines()) == 27
    shown = run("rules", "privacy")
    assert shown.exit_code == 0
    assert "# privacy: Privacy and data protection" in shown.output
    assert "## Questions to ask" in shown.output and "## Suggested clause" in shown.output


def test_cli_rules_unknown_topic_is_exit_2_one_line():
    proc = subprocess.run([sys.executable, "-m", "tenderlint", "rules", "no-such-topic"], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error[usage]:") and "no-such-topic" in lines[0]


def test_docs_rules_reference_is_in_sync_with_rule_files():
    generated = run("rules", "--reference").output
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/rules.md is stale: run `tenderlint rules --reference > docs/rules.md`"


def _rule_file_refused(folder: Path, rule_yaml: str) -> str:
    """The one coded line with which `tenderlint rules --rules FOLDER` refuses a broken rule file."""
    (folder / "privacy.yaml").write_text(rule_yaml)
    proc = subprocess.run([sys.executable, "-m", "tenderlint", "rules", "--rules", str(folder)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error[rule-invalid]:")
    return lines[0]


def test_cli_broken_rule_file_names_file_and_field(tmp_path):
    line = _rule_file_refused(tmp_path, "id: privacy\ntitle: Privacy\nseverity: urgent\n")
    assert "privacy.yaml" in line and "field" in line


def test_cli_check_draft_rfp_reports_gaps_with_exit_1_and_exit_zero():
    result = run("check", DRAFT_RFP, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    doc = report["documents"][0]
    assert doc["doc_type"] == "rfp" and doc["error"] is None
    assert len(doc["topics"]) == 27
    statuses = {t["id"]: t["status"] for t in doc["topics"]}
    assert statuses["privacy"] == "covered"
    assert statuses["sustainability"] == "missing"
    assert statuses["exit-transition"] != "covered"  # the draft says transition assistance is not required
    assert {g["id"] for g in doc["gaps"]} >= {"sustainability", "exit-transition"}
    assert run("check", DRAFT_RFP, "--exit-zero", "--format", "json").exit_code == 0


def test_cli_check_vendor_terms_is_a_contract_with_red_flags():
    report = json.loads(run("check", VENDOR_TERMS, "--format", "json").output)
    doc = report["documents"][0]
    assert doc["doc_type"] == "contract"
    assert doc["red_flags"], "the vendor terms were written with red flags"
    for flag in doc["red_flags"]:
        assert flag["evidence"]["quote"] and flag["evidence"]["section"]


def test_cli_check_bad_file_among_good_exits_2_and_still_reports(tmp_path):
    missing = tmp_path / "nope.pdf"
    proc = subprocess.run([sys.executable, "-m", "tenderlint", "check", str(DRAFT_RFP), str(missing),
                           "--format", "json", "--no-model"], capture_output=True, text=True)
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert [d["error"] for d in report["documents"]][0] is None
    assert report["documents"][1]["error"]["code"] == "not-found"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error[not-found]:") and "nope.pdf" in lines[0]


def test_cli_check_fail_on_select_ignore_and_waivers(tmp_path):
    config = tmp_path / "tenderlint.toml"
    config.write_text('[waivers]\nsustainability = "Hosted in the council data centre under its energy policy."\n')
    result = run("check", DRAFT_RFP, "--format", "json", "--config", config, "--no-model")
    doc = json.loads(result.output)["documents"][0]
    topic = next(t for t in doc["topics"] if t["id"] == "sustainability")
    assert topic["status"] == "waived" and "energy policy" in topic["waiver"]
    assert "sustainability" not in {g["id"] for g in doc["gaps"]}
    only_privacy = run("check", DRAFT_RFP, "--select", "privacy", "--no-model")
    assert only_privacy.exit_code == 0  # privacy is covered and nothing else is expected
    ignored = json.loads(run("check", DRAFT_RFP, "--ignore", "sustainability,exit-transition", "--format", "json",
                             "--no-model").output)["documents"][0]
    assert not {"sustainability", "exit-transition"} & {g["id"] for g in ignored["gaps"]}
    unknown = run("check", DRAFT_RFP, "--select", "nonsense")
    assert unknown.exit_code == 2
    # Of privacy (covered), data-quality (a medium gap) and sustainability (a low gap), only gaps at or
    # above --fail-on fail the check; the same threshold set in the configuration does the same.
    selected = ("--select", "privacy,data-quality,sustainability", "--no-model")
    assert run("check", DRAFT_RFP, *selected, "--fail-on", "high").exit_code == 0
    assert run("check", DRAFT_RFP, *selected, "--fail-on", "medium").exit_code == 1
    assert run("check", DRAFT_RFP, "--select", "privacy,sustainability", "--no-model", "--fail-on", "medium").exit_code == 0
    assert run("check", DRAFT_RFP, "--select", "privacy,sustainability", "--no-model", "--fail-on", "low").exit_code == 1
    strict = tmp_path / "strict.toml"
    strict.write_text('fail-on = "high"\n')
    assert run("check", DRAFT_RFP, *selected, "--config", strict).exit_code == 0
    assert run("check", DRAFT_RFP, *selected, "--config", strict, "--fail-on", "medium").exit_code == 1
    assert run("check", DRAFT_RFP, *selected, "--fail-on", "severe").exit_code == 2


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_cli_check_writes_every_format_to_a_file(tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = run("check", DRAFT_RFP, "--format", fmt, "-o", out, "--exit-zero", "--no-model")
    assert result.exit_code == 0 and out.exists()
    text = out.read_text()
    assert "privacy" in text.lower() and "\x1b[" not in text


def test_train_without_the_train_extra_is_one_coded_line(tmp_path, monkeypatch):
    """scikit-learn and skops come with the `train` extra; without them train says so and writes nothing."""
    monkeypatch.setitem(sys.modules, "sklearn", None)  # as if not installed: importing it raises ImportError
    monkeypatch.setitem(sys.modules, "skops", None)
    result = CliRunner().invoke(main, ["train", "--out", str(tmp_path / "models")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == ["error[usage]: training needs scikit-learn and skops, which a check does not: "
                     "pip install 'tenderlint[train]'"]
    assert not (tmp_path / "models").exists()


def test_cli_rule_file_with_a_key_given_twice_is_refused_with_its_line(tmp_path):
    """YAML keeps the last of two equal keys; a rule whose co-occurrence gives ``all:`` twice would
    silently lose its first list, so the loader refuses it and names the line."""
    line = _rule_file_refused(
        tmp_path, "id: privacy\ntitle: Privacy\nevidence:\n  cooccur:\n    - name: x\n      all:\n        - [a]\n"
        "      all:\n        - [b]\n")
    assert "privacy.yaml: line 8" in line and "'all' is given twice" in line
