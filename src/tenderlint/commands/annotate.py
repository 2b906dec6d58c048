"""``tenderlint annotate``: a copy of a DOCX or PDF with the check's findings written into it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tenderlint.commands._common import (
    EXIT_ERROR,
    EXIT_OK,
    check_option_decorators,
    check_options,
    user_errors,
    write_output,
)
from tenderlint.errors import TenderlintError, error_line, shown_path
from tenderlint.results import REQUESTED_DOC_TYPES


@click.command("annotate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the annotated copy (the original is never changed).")
@click.option("--type", "doc_type", type=click.Choice(REQUESTED_DOC_TYPES), default=None,
              help="Document type; auto detects solicitation vs contract.  [default: auto]")
@check_option_decorators
@user_errors
def annotate(file, output, doc_type, select, ignore, rules_dirs, no_model, config_path, pdf_backend,
             max_size_mb, timeout) -> None:
    """Write a copy of FILE (DOCX or PDF) with the findings in it, to OUTPUT.

    DOCX: Word comments on the paragraphs holding red flags and topics only mentioned, and a
    summary comment on the first paragraph listing the missing topics with their questions.
    PDF: a highlight with a note over each such passage and a summary note on page 1.
    Exit status: 0 written, 2 usage error, unreadable or unsupported input."""
    from tenderlint.annotate import ANNOTATABLE_FORMATS, annotate_file, check_markup, not_annotatable
    from tenderlint.budget import call_with_budget
    from tenderlint.check import Checker, parse_file, validated_rule_pack
    from tenderlint.results import DocumentResult

    _config, options = check_options(config_path, doc_type=doc_type, select=select, ignore=ignore,
                                     rules_dirs=rules_dirs, no_model=no_model, pdf_backend=pdf_backend,
                                     max_size_mb=max_size_mb, timeout=timeout)
    validated_rule_pack(options)
    if output.resolve() == file.resolve():
        raise TenderlintError("usage", f"{output}: the annotated copy must not overwrite the original")
    try:  # parsed within the document's time and memory budget
        parsed = call_with_budget(parse_file, file, options, timeout=timeout, label=shown_path(file.name))
    except TenderlintError as error:
        parsed = DocumentResult(path=str(file), error=error.as_dict())
    if isinstance(parsed, DocumentResult):
        click.echo(error_line(parsed.error["code"], parsed.path, parsed.error["message"]), err=True)
        sys.exit(EXIT_ERROR)
    if parsed.format not in ANNOTATABLE_FORMATS:
        raise not_annotatable(str(file), parsed.format)
    result = Checker(options).check_parsed(parsed)
    markup = check_markup(result)
    write_output(output, annotate_file(file, parsed.format, markup), "annotated copy")
    click.echo(f"{output}: {len(markup.notes) + 1} note(s) written ({len(markup.notes)} on passages, 1 summary)",
               err=True)
    sys.exit(EXIT_OK)
