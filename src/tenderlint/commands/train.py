"""``tenderlint train``: train the topic classifier from corpus/ and write models/ with its card."""

from __future__ import annotations

from pathlib import Path

import click

from tenderlint.commands._common import user_errors


@click.command("train")
@click.option("--corpus", "corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The corpus folder (with passages/*.jsonl).  [default: corpus/ of this checkout]")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the model and card.  [default: models/ of this checkout]")
@click.option("--shared", "documents", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The shared documents folder the stand-off labels point into; when it is absent the "
                   "classifier learns from corpus/passages alone.  [default: ../shared/documents]")
@click.option("--seed", type=int, default=13, show_default=True, help="Random seed (training is deterministic).")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="Cross-validation folds for thresholds and the card's figures.")
@user_errors
def train(corpus: Path | None, out: Path | None, documents: Path | None, seed: int, folds: int) -> None:
    """Train the topic classifier from the project's passages and, when the shared documents are
    present, the stand-off sentence labels on them."""
    from tenderlint.classify.corpus import corpus_dir
    from tenderlint.classify.train import train_from_corpus
    from tenderlint.resources import models_dir
    from tenderlint.rules.loader import load_taxonomy

    corpus = corpus or corpus_dir()
    out = out or models_dir()
    topics = [t.id for t in load_taxonomy()]
    card = train_from_corpus(corpus, topics, out, seed=seed, folds=folds, documents=documents)
    real = card["training_data"].get("real_sentences")
    if real and real["stale"]:
        click.echo(f"warning: {real['stale']} labelled sentences no longer match the parsed text (left out); "
                   "rebuild corpus/labels/sentences.csv", err=True)
    click.echo(f"trained on {card['training_data']['passages']} passages"
               + (f" and {real['sentences']} real sentences of {real['documents']} documents" if real else
                  " (no shared documents: corpus alone)") + "; "
               f"cross-validated macro-F1 {card['cross_validation_macro_f1']}; "
               f"model {card['model_bytes'] / 1e6:.1f} MB written to {out}")
