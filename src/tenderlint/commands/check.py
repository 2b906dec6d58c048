"""``tenderlint check``: the gap check of draft RFPs and contracts, and its report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tenderlint.commands._common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ocr_option, output_complete,
                                         stderr_is_terminal, user_errors)
from tenderlint.errors import TenderlintError
from tenderlint.results import REQUESTED_DOC_TYPES, SEVERITIES, SEVERITY_RANK


def _topic_list(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _parse_ahead(path: Path, options):
    """Start parsing ``path`` beside the loading of the rules and model; returns (pool, future).

    On Linux a forked process does the parsing, so it runs on a second core; it must be forked
    before spaCy is imported (the fork then costs a few milliseconds). Elsewhere a thread does it,
    which overlaps only while pdfium holds no lock.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from tenderlint.check import parse_file

    if sys.platform.startswith("linux") and "spacy" not in sys.modules:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = ThreadPoolExecutor(max_workers=1)
    return pool, pool.submit(parse_file, path, options)


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--type", "doc_type", type=click.Choice(REQUESTED_DOC_TYPES), default=None,
              help="Document type; auto detects solicitation vs contract and shows why.  [default: auto]")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json", "sarif", "github"]),
              default="text", show_default=True,
              help="Report format (sarif: SARIF 2.1.0; github: GitHub Actions annotations).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--select", multiple=True, metavar="TOPICS", help="Only expect these topics (comma-separated).")
@click.option("--ignore", multiple=True, metavar="TOPICS", help="Never expect these topics (comma-separated).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Lowest gap severity that makes the exit status 1.  [default: low]")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when gaps are found (errors still exit 2).")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="An extra folder of rule files (repeatable).")
@click.option("--no-model", is_flag=True, help="Use the rules alone, without the classifier.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A tenderlint.toml or pyproject.toml (default: the nearest one found).")
@click.option("--pdf-backend", type=click.Choice(["auto", "pdfium", "pypdf"]), default="auto", show_default=True,
              help="PDF text extraction backend.")
@click.option("--max-size-mb", type=click.FloatRange(min=0.001), default=None,
              help="Refuse files larger than this.  [default: 100]")
@ocr_option
@click.option("--color/--no-color", default=None, help="Colour in the text report (default: when a terminal).")
@user_errors
def check(files, doc_type, fmt, output, select, ignore, fail_on, exit_zero, rules_dirs, no_model, config_path,
          pdf_backend, max_size_mb, ocr, color) -> None:
    """Check FILES (PDF, DOCX, HTML, Markdown or text) for gaps against the 27 guidance topics.

    Exit status: 0 no gaps at or above --fail-on, 1 gaps found, 2 usage error or unreadable input
    (the other files are still reported)."""
    from concurrent.futures.process import BrokenProcessPool

    from tenderlint.check import Checker, parse_file
    from tenderlint.config import check_options, load_config
    from tenderlint.report import render

    config = load_config(config_path, discover=True) if config_path else load_config()
    # Topic names are checked and resolved here, before any file is read: a mistyped one (or one
    # in the configuration) is reported at once.
    options = check_options(
        config,
        doc_type=doc_type,
        rules_dirs=tuple(str(d) for d in rules_dirs),
        select=_topic_list(select),
        ignore=_topic_list(ignore),
        use_model=not no_model,
        pdf_backend=pdf_backend,
        max_bytes=int(max_size_mb * 1024 * 1024) if max_size_mb else None,
        ocr=ocr,
        ocr_progress=stderr_is_terminal(),
    )
    # The first file is parsed in a second process while this one imports spaCy, compiles the rules
    # and loads the model: about a second saved on a long PDF (bench/check_speed.py).
    pool, parsing = _parse_ahead(files[0], options)
    try:
        checker = Checker(options)
        try:
            first = parsing.result()
        except BrokenProcessPool:  # the parsing process died (killed, out of memory): parse here instead
            first = parse_file(files[0], options)
    finally:
        pool.shutdown(cancel_futures=True)
    results = [checker.check_parsed(first)] + [checker.check_file(path) for path in files[1:]]

    if output is not None:
        text = render(results, fmt, color=False, pack=checker.pack)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise TenderlintError("usage", f"{output}: cannot write the report ({error.strerror})") from None
    else:
        text = render(results, fmt, color=color, pack=checker.pack)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

    errors = [r for r in results if r.error]
    for result in errors:
        click.echo(f"error[{result.error['code']}]: {result.path}: {result.error['message']}", err=True)
    output_complete()
    if errors:
        sys.exit(EXIT_ERROR)
    threshold = SEVERITY_RANK[fail_on or config.fail_on or SEVERITIES[-1]]
    failing = [g for r in results for g in r.gaps if SEVERITY_RANK[g.severity] <= threshold]
    sys.exit(EXIT_OK if exit_zero or not failing else EXIT_FINDINGS)
