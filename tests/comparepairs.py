"""The solicitation and contract pair written for the compare and annotate tests, in every format.

The sources are tests/data/compare/*.md (the Markdown subset of examples/build.py, our own words);
``build_pair(folder)`` writes each as .md, .docx and .pdf through the examples' own DOCX and PDF
writers. ``INTENDED`` is what the contract was written to do to the solicitation's requirements.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "tests" / "data" / "compare"
NAMES = ("solicitation", "contract", "exit-schedule")

# What the contract does to the solicitation, topic by topic; every other topic is "absent".
INTENDED = {
    "kept": {"privacy", "security", "monitoring-incidents", "pricing"},
    "weakened": {"audit-logging"},  # audit logs with access for audit, down to "keeps logs for its own operation"
    "dropped": {"exit-transition", "testing-acceptance", "interoperability", "decommissioning"},  # no exit, no acceptance
    "against": {"data-rights"},  # the town's data stays its own -> the supplier may train on it
    "solicitation-only": {"evaluation-criteria", "outcomes", "accessibility"},  # never reported as dropped
}
# With the exit schedule added to the contract side, the exit requirement is kept by that file.
KEPT_BY_SCHEDULE = "exit-transition"


def _build_module():
    name = "tenderlint_examples_build"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "examples" / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file executes
        spec.loader.exec_module(module)
    return sys.modules[name]


def build_pair(folder: Path) -> dict[str, dict[str, Path]]:
    """Write every source as md, docx and pdf into ``folder``: ``{name: {fmt: path}}``."""
    build = _build_module()
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Path]] = {}
    for name in NAMES:
        source = build.parse_source(SOURCES / f"{name}.md")
        paths = {"md": folder / f"{name}.md", "docx": folder / f"{name}.docx", "pdf": folder / f"{name}.pdf"}
        paths["md"].write_text(source.body, encoding="utf-8")
        paths["docx"].write_bytes(build.render_docx(source))
        paths["pdf"].write_bytes(build.render_pdf(source))
        written[name] = paths
    return written
