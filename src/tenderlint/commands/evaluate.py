"""``tenderlint eval``: per-topic precision/recall/F1 against the labelled shared documents."""

from __future__ import annotations

from pathlib import Path

import click

from tenderlint.commands._common import user_errors
from tenderlint.errors import TenderlintError


@click.command("eval")
@click.option("--shared", "shared_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The shared folder with documents/ (default: ../shared beside the project).")
@click.option("--no-model", is_flag=True, help="Score the rules alone.")
@click.option("--cuad-limit", type=int, default=None, help="Only the first N CUAD contracts.")
@click.option("--errors", "show_errors", is_flag=True, help="List the false positives and negatives.")
@click.option("--evidence", "evidence_from", type=click.Choice(["combined", "rules", "model"]), default="combined",
              show_default=True, help="Which evidence may make a topic covered (for the ablation table).")
@user_errors
def evaluate(shared_dir: Path | None, no_model: bool, cuad_limit: int | None, show_errors: bool,
             evidence_from: str) -> None:
    """Score document-level topic detection against labelled documents (CUAD and the shared tenders)."""
    from tenderlint.evaluate import run

    shared = shared_dir or _default_shared()
    if not (shared / "documents").is_dir():
        raise TenderlintError("usage", f"{shared}: no documents/ folder with labels here (use --shared)")
    sources = {"combined": ("rules", "model"), "rules": ("rules",), "model": ("model",)}[evidence_from]
    click.echo(run(shared, use_model=not no_model, cuad_limit=cuad_limit, show_errors=show_errors,
                   evidence_from=sources))


def _default_shared() -> Path:
    for base in (Path.cwd(), *Path.cwd().parents):
        candidate = base.parent / "shared"
        if (candidate / "documents").is_dir():
            return candidate
    return Path.cwd().parent / "shared"
