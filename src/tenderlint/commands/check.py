"""``tenderlint check``: the gap check of draft RFPs and contracts, and its report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tenderlint.budget import DEFAULT_TIMEOUT
from tenderlint.commands._common import (check_options, finish, ocr_option, user_errors, verbose_option,
                                         write_output)
from tenderlint.errors import TenderlintError, shown_path
from tenderlint.results import REQUESTED_DOC_TYPES, SEVERITIES


def _parse_ahead(path: Path, options):
    """Start parsing ``path`` beside the loading of the rules and model, within the document's
    time and memory budget; returns a ``Budgeted`` call.

    A forked process does the parsing, so it runs on a second core; it is forked before spaCy is
    imported (the fork then costs a few milliseconds). Where there is no fork it parses at once.
    """
    from tenderlint.budget import Budgeted
    from tenderlint.check import parse_file

    return Budgeted(parse_file, path, options, timeout=options.timeout, label=shown_path(path.name))


@click.command("check")
# (No click check of the paths: a missing file, a directory or a FIFO gets its own coded error
# line while the other files are still checked.)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
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
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one document may take; a slower one gets error[timeout] and the others go on.")
@ocr_option
@click.option("--color/--no-color", default=None, help="Colour in the text report (default: when a terminal).")
@verbose_option
@user_errors
def check(files, doc_type, fmt, output, select, ignore, fail_on, exit_zero, rules_dirs, no_model, config_path,
          pdf_backend, max_size_mb, ocr, timeout, color) -> None:
    """Check FILES (PDF, DOCX, HTML, Markdown or text) for gaps against the 27 guidance topics.

    Exit status: 0 no gaps at or above --fail-on, 1 gaps found, 2 usage error or unreadable input
    (the other files are still reported)."""
    import time

    from tenderlint.check import Checker
    from tenderlint.results import DocumentResult
    from tenderlint.report import render

    # Topic names are checked and resolved here, before any file is read: a mistyped one (or one
    # in the configuration) is reported at once.
    config, options = check_options(config_path, doc_type=doc_type, select=select, ignore=ignore,
                                    rules_dirs=rules_dirs, no_model=no_model, pdf_backend=pdf_backend,
                                    max_size_mb=max_size_mb, ocr=ocr, timeout=timeout)
    # The first file is parsed in a second process while this one imports spaCy, compiles the rules
    # and loads the model: about a second saved on a long PDF (bench/check_speed.py).
    parsing = _parse_ahead(files[0], options)
    try:
        checker = Checker(options)
        try:
            first = parsing.result()
        except TenderlintError as error:  # over its time limit, or the parsing process died
            first = DocumentResult(path=str(files[0]), error=error.as_dict())
    finally:
        parsing.kill()
    # The first document's check runs here, in the rest of its time; each other file in a child
    # process of its own, killed when over the limit.
    if isinstance(first, DocumentResult) and first.error and first.error["code"] == "internal":
        # The parsing process died (a crash in a native parser, or killed from outside): check the
        # file once more in a process of its own, so that a second crash costs only this file.
        results = [checker.check_file(files[0])]
    else:
        results = [checker.check_parsed(first, seconds_left=timeout - (time.monotonic() - parsing.started))]
    results += [checker.check_file(path) for path in files[1:]]

    if output is not None:
        write_output(output, render(results, fmt, color=False, pack=checker.pack))
    else:
        text = render(results, fmt, color=color, pack=checker.pack)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

    finish([r for r in results if r.error], [g.severity for r in results for g in r.gaps],
           fail_on or config.fail_on, exit_zero)
