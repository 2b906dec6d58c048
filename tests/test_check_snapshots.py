"""Snapshot tests of `tenderlint check` on the bundled examples, in every report format.

The snapshots are the whole pipeline's answer on our own example documents (parsers, rules,
classifier, decisions, rendering). A change in any of them shows here as a diff to review.
Regenerate on purpose with TENDERLINT_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tenderlint import __version__
from tenderlint.check import Checker, CheckOptions
from tenderlint.report import render

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "check"
EXAMPLES = ["examples/draft-rfp-ai-assistant.docx", "examples/draft-rfp-ai-assistant.pdf",
            "examples/vendor-contract-ai-saas.md"]
SUFFIX = {"text": "txt", "markdown": "md", "html": "html", "json": "json", "github": "github.txt"}


@pytest.fixture(scope="module")
def results():
    cwd = os.getcwd()
    os.chdir(ROOT)  # relative paths in the reports, as a user in the repository would see them
    try:
        checker = Checker(CheckOptions())
        return {path: checker.check_file(path) for path in EXAMPLES}
    finally:
        os.chdir(cwd)


def _stable(text: str) -> str:
    return text.replace(f"tenderlint {__version__}", "tenderlint VERSION").replace(
        f'"version": "{__version__}"', '"version": "VERSION"')


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("example", EXAMPLES)
def test_check_snapshot(results, example, fmt):
    result = results[example]
    assert result.error is None
    text = _stable(render([result], fmt, color=False))
    snapshot = SNAPSHOTS / f"{Path(example).name}.{SUFFIX[fmt]}"
    if os.environ.get("TENDERLINT_UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot}; run with TENDERLINT_UPDATE_SNAPSHOTS=1 to create it"
    assert text == snapshot.read_text(encoding="utf-8"), f"{snapshot.name} changed; review the diff"


def test_check_docx_and_pdf_of_the_same_draft_agree(results):
    docx = {t.id: t.status for t in results["examples/draft-rfp-ai-assistant.docx"].topics}
    pdf = {t.id: t.status for t in results["examples/draft-rfp-ai-assistant.pdf"].topics}
    differing = {k for k in docx if docx[k] != pdf[k]}
    assert len(differing) <= 2, f"the same text should give nearly the same decisions: {differing}"


def test_check_html_of_a_hostile_document_is_inert(tmp_path):
    from docx import Document as WordDocument

    path = tmp_path / "hostile.docx"
    word = WordDocument()
    word.add_heading("1 Data <script>alert('x')</script>", level=1)
    word.add_paragraph("The Contractor shall protect personal data <img src=x onerror=alert(1)> &amp; &lt;b&gt;.")
    word.save(path)
    result = Checker(CheckOptions(use_model=False)).check_file(path)
    html = render([result], "html")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    assert "&amp;amp;" in html  # the document's own "&amp;" is shown as text, escaped once more
