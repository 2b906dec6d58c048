"""The pre-commit hook this repository offers (.pre-commit-hooks.yaml), run by pre-commit itself.

``pre-commit try-repo`` installs this repository into a fresh virtual environment (the hook is
``language: python``, so only the package index is needed) and runs the hook on a temporary Git
repository holding one of our example solicitations. The install takes a minute or two: slow.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_hook_definition_and_readme_snippet_agree():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "tenderlint")
    assert hook["language"] == "python" and hook["entry"] == "tenderlint check"
    pattern = re.compile(hook["files"])
    assert all(pattern.search(name) for name in ("rfq.md", "terms.docx", "scan.pdf"))
    assert not any(pattern.search(name) for name in ("notes.txt", "build.py", "rfq.md.bak"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = next(block for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL) if "repos:" in block)
    config = yaml.safe_load(snippet)
    local = config["repos"][0]["hooks"][0]
    assert local["id"] == "tenderlint"
    # The README's local hook runs what the published hook runs, on the same files.
    assert local["entry"] == hook["entry"] and local["files"] == hook["files"]
    assert local["require_serial"] is True and hook["require_serial"] is True
    workflow = next(block for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL) if "pull_request" in block)
    assert len(workflow.strip().splitlines()) == 3
    job = yaml.safe_load(workflow)["jobs"]["tenderlint"]
    assert yaml.safe_load(workflow)[True] == "pull_request"  # YAML 1.1 reads the key `on` as true
    assert "tenderlint check --format github" in job["steps"][-1]["run"]


def _pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it is in the test extra)")
    return [sys.executable, "-m", "pre_commit"]


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook_on_an_example(tmp_path):
    pre_commit = _pre_commit()
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and this repository's Git checkout")
    repo = tmp_path / "tenders"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)  # the hook must run the tenderlint it installed, not this checkout's
    shutil.copy(ROOT / "examples" / "vendor-contract-ai-saas.md", repo / "vendor-terms.md")
    (repo / "notes.txt").write_text("not a tender document\n", encoding="utf-8")
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "tenders"]):
        subprocess.run(command, cwd=repo, env=env, check=True)
    run = subprocess.run([*pre_commit, "try-repo", str(ROOT), "tenderlint", "--all-files", "--verbose"],
                         cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    output = run.stdout + run.stderr
    # The contract has gaps and red flags: the hook fails, and its report names them.
    assert run.returncode == 1, output
    assert re.search(r"tenderlint \(procurement guidance check\)\.+Failed", output), output[-2000:]
    assert "vendor-terms.md" in output and "Red flags" in output
    assert "notes.txt" not in output  # only .md, .docx and .pdf files are checked
