"""The Python API (docs/api.md): check_file, check_text, the result's JSON, and a light import."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import tenderlint
from tenderlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["examples/draft-rfp-ai-assistant.docx", "examples/draft-rfp-ai-assistant.pdf",
            "examples/vendor-contract-ai-saas.md"]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.mark.parametrize("example", EXAMPLES)
def test_api_result_json_equals_what_the_cli_writes(example, monkeypatch):
    monkeypatch.chdir(ROOT)  # no tenderlint.toml here: the CLI and the API use the same defaults
    assert not (ROOT / "tenderlint.toml").exists()
    cli = CliRunner().invoke(main, ["check", example, "--format", "json", "--exit-zero"], catch_exceptions=False)
    assert cli.exit_code == 0
    result = tenderlint.check_file(example)
    assert result.to_json() == cli.output
    assert result.to_dict()["documents"][0]["path"] == example


def test_api_options_match_the_cli_options(monkeypatch):
    monkeypatch.chdir(ROOT)
    example = "examples/vendor-contract-ai-saas.md"
    args = ["check", example, "--format", "json", "--exit-zero", "--no-model", "--type", "rfp",
            "--select", "privacy,security,pricing", "--ignore", "pricing"]
    cli = CliRunner().invoke(main, args, catch_exceptions=False)
    result = tenderlint.check_file(Path(example), doc_type="rfp", select=["privacy", "security", "pricing"],
                                   ignore="pricing", model=False)
    assert result.to_json() == cli.output
    assert {t.id for t in result.topics if t.applies} <= {"privacy", "security"}


def test_check_text_reads_markdown_and_html():
    draft = "# Request for quotation\n\nThe supplier shall encrypt all buyer data at rest and in transit.\n"
    result = tenderlint.check_text(draft, model=False)
    assert result.path == "document.md" and result.format == "markdown"
    assert result.topic("security").status == "covered"
    assert result.topic("security").evidence[0].line == 3
    page = tenderlint.check_text("<!DOCTYPE html><html><body><h1>RFQ</h1>"
                                 "<p>The supplier shall encrypt all buyer data at rest.</p></body></html>",
                                 name="rfq.html", model=False)
    assert page.format == "html" and page.topic("security").status == "covered"


def test_api_errors_are_tenderlint_errors_with_their_codes(tmp_path):
    with pytest.raises(tenderlint.TenderlintError) as missing:
        tenderlint.check_file(tmp_path / "nothing.md", model=False)
    assert missing.value.code == "not-found"
    with pytest.raises(tenderlint.TenderlintError) as unknown:
        tenderlint.check_text("The supplier shall encrypt data.", select=["privcy"], model=False)
    assert unknown.value.code == "usage" and "privcy" in unknown.value.message
    bad = tmp_path / "tenderlint.toml"
    bad.write_text('[severity]\nprivcy = "low"\n')
    with pytest.raises(tenderlint.TenderlintError) as invalid:
        tenderlint.check_text("The supplier shall encrypt data.", config=bad, model=False)
    assert invalid.value.code == "config-invalid" and "severity.privcy" in invalid.value.message


def test_api_applies_a_named_configuration(tmp_path):
    config = tmp_path / "tenderlint.toml"
    config.write_text('[[per-file]]\nglob = "*.md"\n[per-file.waivers]\nprivacy = "The agency DPA governs it."\n')
    result = tenderlint.check_text("The supplier shall encrypt data at rest.", config=config, model=False)
    assert result.topic("privacy").status == "waived"
    assert result.topic("privacy").waiver == "The agency DPA governs it."


def _run_example(example: str) -> list[str]:
    run = subprocess.run([sys.executable, "-c", example], cwd=ROOT, env=_env(), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_docs_api_examples_run():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    check_example, compare_example = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    changes = [line.split() for line in _run_example(compare_example)]
    assert changes and all(len(c) == 3 and c[2] in ("dropped", "weakened", "against") for c in changes)
    lines = _run_example(check_example)
    assert lines[0] == "contract"
    assert any(line.startswith("data-rights/") and "line " in line for line in lines)
    assert lines[-1] == ("covered waived covered by the agency's data processing agreement "
                         "(waived in the document, line 5)")


def test_import_is_light_and_the_api_is_what_all_exports():
    code = ("import sys, tenderlint; "
            "heavy = [m for m in ('spacy', 'sklearn', 'pypdfium2', 'tenderlint.check', 'pydantic') if m in sys.modules]; "
            "print(heavy, sorted(tenderlint.__all__))")
    run = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ("[] ['Comparison', 'DocumentResult', 'TenderlintError', '__version__', "
                                  "'check_file', 'check_text', 'compare_files']")
    for name in tenderlint.__all__:
        assert getattr(tenderlint, name) is not None
    assert (Path(tenderlint.__file__).parent / "py.typed").is_file()


def test_compare_files_json_equals_what_the_compare_command_writes(monkeypatch):
    monkeypatch.chdir(ROOT)
    solicitation, contracts = "tests/data/compare/solicitation.md", ["tests/data/compare/contract.md",
                                                                     "tests/data/compare/exit-schedule.md"]
    cli = CliRunner().invoke(main, ["compare", solicitation, *contracts, "--format", "json", "--exit-zero",
                                    "--no-model"], catch_exceptions=False)
    assert cli.exit_code == 0, cli.output
    comparison = tenderlint.compare_files(solicitation, contracts, model=False)
    assert isinstance(comparison, tenderlint.Comparison)
    assert comparison.to_json() == cli.output
    assert comparison.findings and all(t.change in ("dropped", "weakened", "against") for t in comparison.findings)
    with pytest.raises(tenderlint.TenderlintError) as missing:
        tenderlint.compare_files(solicitation, ["tests/data/compare/nothing.md"], model=False)
    assert missing.value.code == "not-found"
