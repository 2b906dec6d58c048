"""``tenderlint compare``: what a contract kept, weakened or dropped of its solicitation's requirements."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tenderlint.commands._common import (
    check_option_decorators,
    check_options,
    finish,
    ocr_option,
    user_errors,
    write_output,
)
from tenderlint.errors import TenderlintError
from tenderlint.results import SEVERITIES


@click.command("compare")
# (No click check of the paths: a directory or a FIFO gets its own coded error line.)
@click.argument("solicitation", type=click.Path(path_type=Path))
@click.argument("contracts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--annotate-contract", type=click.Path(path_type=Path), default=None, metavar="OUT",
              help="Write a copy of the contract (DOCX or PDF) with the findings as comments; with several "
                   "contract files, OUT is a folder that receives a copy of each.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Lowest severity of a dropped, weakened or against-the-buyer topic that makes the exit "
                   "status 1.  [default: low]")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when topics are dropped (errors still exit 2).")
@check_option_decorators
@ocr_option
@click.option("--color/--no-color", default=None, help="Colour in the text report (default: when a terminal).")
@user_errors
def compare(solicitation, contracts, fmt, output, annotate_contract, select, ignore, fail_on, exit_zero, rules_dirs,
            no_model, config_path, pdf_backend, max_size_mb, ocr, timeout, color) -> None:
    """Compare SOLICITATION (RFP, RFQ, SOW or evaluated proposal) with the CONTRACTS that form the deal
    (order form, vendor terms, DPA: their evidence is pooled).

    Per topic: kept, weakened, dropped, added, against (the buyer) or absent. Exit status: 0 nothing
    dropped, weakened or against the buyer at or above --fail-on, 1 otherwise, 2 usage error or
    unreadable input (the other files are still reported)."""
    from tenderlint.check import Checker, validated_rule_pack
    from tenderlint.compare import compare_documents
    from tenderlint.report.comparison import render_comparison

    config, options = check_options(config_path, select=select, ignore=ignore, rules_dirs=rules_dirs, no_model=no_model,
                                    pdf_backend=pdf_backend, max_size_mb=max_size_mb, ocr=ocr, timeout=timeout)
    validated_rule_pack(options)  # a usage error now, before any file is read
    if annotate_contract is not None and len(contracts) > 1 and annotate_contract.is_file():
        raise TenderlintError("usage", f"{annotate_contract}: with several contract files, --annotate-contract "
                                       "names a folder")
    checker = Checker(options)
    solicitation_result = checker.check_file(solicitation, "rfp")
    contract_results = [checker.check_file(path, "contract") for path in contracts]
    comparison = compare_documents(solicitation_result, contract_results)

    text = render_comparison(comparison, fmt, color=False if output is not None else color)
    if output is not None:
        write_output(output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

    errors = list(comparison.errors)
    if annotate_contract is not None and comparison.compared:
        errors += _annotate_contracts(comparison, contracts, annotate_contract)
    finish(errors, [t.severity for t in comparison.findings], fail_on or config.fail_on, exit_zero)


def _annotate_contracts(comparison, paths: tuple[Path, ...], out: Path) -> list:
    """Write each readable contract's annotated copy; a file that cannot be annotated is an error result."""
    from tenderlint.annotate import ANNOTATABLE_FORMATS, annotate_file, contract_markup, not_annotatable_reason
    from tenderlint.results import DocumentResult

    problems = []
    for path, result in zip(paths, comparison.contracts):
        if result.error:
            continue
        if result.format not in ANNOTATABLE_FORMATS:
            problems.append(DocumentResult(path=str(path), error={"code": "unsupported-format",
                                                                  "message": not_annotatable_reason(result.format)}))
            continue
        target = out if len(paths) == 1 else out / f"{path.stem}.annotated{path.suffix}"
        data = annotate_file(path, result.format, contract_markup(comparison, result.path))
        write_output(target, data, "annotated copy")
        click.echo(f"{target}: annotated copy of {path} written", err=True)
    return problems
