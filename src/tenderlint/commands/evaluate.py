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
@click.option("--errors", "show_errors", is_flag=True,
              help="List the false positives and negatives of the tune documents (held-out ones stay figures).")
# (evaluate.LABEL_SETS, written out: importing tenderlint.evaluate loads the checker, which the CLI
# does only when a command runs; test_evaluate keeps the two lists equal)
@click.option("--set", "sets", multiple=True, type=click.Choice(["shared", "cuad", "own", "synthetic", "external"]),
              help="Only these label sets (default: all).")
@click.option("--split", "split_names", multiple=True, type=click.Choice(["tune", "holdout"]),
              help="Only this split (default: both; work from tune, read holdout as figures).")
@click.option("--external", "external_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A folder holding the texts of corpus/external (NAME.md), fetched from their sources.")
@click.option("--evidence", "evidence_from", type=click.Choice(["combined", "rules", "model"]), default="combined",
              show_default=True, help="Which evidence may make a topic covered (for the ablation table).")
@user_errors
def evaluate(shared_dir: Path | None, no_model: bool, cuad_limit: int | None, show_errors: bool,
             sets: tuple[str, ...], split_names: tuple[str, ...], evidence_from: str,
             external_dir: Path | None) -> None:
    """Score topic detection and red flags against labelled documents, on tune and on held-out ones."""
    from tenderlint.evaluate import LABEL_SETS, run

    shared = shared_dir or _default_shared()
    if "external" in sets and external_dir is None:  # (asked for by name; the default skips it without DIR)
        raise TenderlintError("usage", "--set external needs --external DIR, the folder its texts were fetched to "
                                       "(see corpus/external/README.md)")
    sets = sets or LABEL_SETS
    if external_dir is not None and not external_dir.is_dir():
        raise TenderlintError("usage", f"{external_dir}: no such folder (--external)")
    if not (shared / "documents").is_dir():
        if not set(sets) <= {"synthetic", "external"}:
            raise TenderlintError("usage", f"{shared}: no documents/ folder with labels here (use --shared, "
                                           "or --set synthetic for the project's own synthetic documents)")
    sources = {"combined": ("rules", "model"), "rules": ("rules",), "model": ("model",)}[evidence_from]
    click.echo(run(shared, use_model=not no_model, cuad_limit=cuad_limit, show_errors=show_errors,
                   evidence_from=sources, sets=sets,
                   split_names=split_names or ("holdout", "tune"), external=external_dir))


def _default_shared() -> Path:
    for base in (Path.cwd(), *Path.cwd().parents):
        candidate = base.parent / "shared"
        if (candidate / "documents").is_dir():
            return candidate
    return Path.cwd().parent / "shared"
