"""``tenderlint extract``: print the located text blocks of one document (text or JSON).

Useful to see what the checks will read: each block's page, kind, section trail and text.
"""

from __future__ import annotations

import json

import click

from tenderlint.commands._common import ocr_option, stderr_is_terminal, user_errors, verbose_option

_TRAIL_SEPARATOR = " > "


def format_block_line(block, ocr_pages: frozenset[int] | set[int] = frozenset()) -> str:
    """One readable line: ``p12 [heading] 5 Contract terms > 5.3 Data | text`` (``p12(ocr)`` on a page read by OCR)."""
    page = f"p{block.page} " if block.page is not None else ""
    if ocr_pages and block.page in ocr_pages:
        page = f"p{block.page}(ocr) "
    kind = block.kind
    if block.kind == "heading" and block.level is not None:
        kind = f"heading {block.level}"
    elif block.kind == "table_cell" and block.table is not None:
        kind = f"table {block.table} r{block.row} c{block.col}"
    trail = _TRAIL_SEPARATOR.join(block.section)
    trail = f"{trail} " if trail else ""
    return f"{page}[{kind}] {trail}| {block.text}"


@click.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per block; json: the whole Document.")
@click.option("--pdf-backend", type=click.Choice(["auto", "pdfium", "pypdf"]), default="auto", show_default=True,
              help="PDF text extractor; auto uses pypdfium2 and falls back to pypdf.")
@verbose_option
@ocr_option
@user_errors
def extract(file: str, output_format: str, pdf_backend: str, ocr: str) -> None:
    """Print the located text blocks of FILE (PDF, DOCX, HTML, Markdown or text)."""
    from tenderlint.check import check_ocr_mode
    from tenderlint.parsers import parse

    check_ocr_mode(ocr)
    document = parse(file, pdf_backend=pdf_backend, ocr=ocr, ocr_progress=stderr_is_terminal())
    if output_format == "json":
        click.echo(json.dumps(document.as_dict(), ensure_ascii=False, indent=2))
        return
    for warning in document.warnings:
        click.echo(f"warning: {warning}", err=True)
    if document.ocr_pages:
        confidence = "" if document.ocr_confidence is None else f", mean word confidence {document.ocr_confidence:.0%}"
        click.echo(f"ocr: pages {', '.join(map(str, document.ocr_pages))} read by OCR{confidence}", err=True)
    ocr_pages = set(document.ocr_pages)
    for block in document.blocks:
        click.echo(format_block_line(block, ocr_pages))
