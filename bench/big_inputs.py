"""Benchmark: the whole check of the three big inputs of issue 14 that are readable but were slow.

Builds each input in a temporary folder and runs ``tenderlint check --format json -o /dev/null
--timeout 600 FILE`` in a fresh process (the command as a user runs it: loading, parsing, the
check and the JSON report), then prints its wall-clock seconds and the peak resident memory of
its processes (the command and its parsing child). The targets are a few seconds each (aim 5 s,
at most about 8 s on the 2-core development machine) and memory well below the input's
hundreds of MB before (docs/robustness.md).

    python bench/big_inputs.py [--rows 200000] [--repeat 170000] [--only docx,markdown,text] [--no-model]
                               [--distinct]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(body: bytes) -> bytes:
    """A minimal DOCX package whose document body is ``body`` (WordprocessingML elements)."""
    document = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="' + W_NS
                + b'"><w:body>' + body + b"</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>')
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def cells(i: int, distinct: bool) -> tuple[str, str]:
    """Row ``i``: "Item N" and "Unit N is delivered."; with ``distinct`` the second names a code
    made of letters and digits ("… to site x1f.") so that no two rows are the same up to their numbers."""
    return f"Item {i}", f"Unit {i} is delivered to site x{i:x}." if distinct else f"Unit {i} is delivered."


def docx_table(rows: int, distinct: bool = False) -> bytes:
    """A DOCX holding one table of ``rows`` rows of two cells (see ``cells``)."""
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    body = "<w:tbl>" + "".join("<w:tr>" + "".join(cell.format(text) for text in cells(i, distinct)) + "</w:tr>"
                               for i in range(rows)) + "</w:tbl>"
    return docx_bytes(body.encode())


def markdown_table(rows: int, distinct: bool = False) -> str:
    """The same table in Markdown."""
    return "| a | b |\n|---|---|\n" + "".join("| {} | {} |\n".format(*cells(i, distinct)) for i in range(rows))


def one_paragraph(repeat: int) -> str:
    """A text of one paragraph: the same requirement ``repeat`` times (6 MB at 170,000)."""
    return "The contractor shall protect data. " * repeat


def build(folder: Path, rows: int, repeat: int, distinct: bool = False) -> dict[str, Path]:
    files = {"docx": folder / "table.docx", "markdown": folder / "table.md", "text": folder / "paragraph.txt"}
    files["docx"].write_bytes(docx_table(rows, distinct))
    files["markdown"].write_text(markdown_table(rows, distinct), encoding="utf-8")
    files["text"].write_text(one_paragraph(repeat), encoding="utf-8")
    return files


def timed_check(path: Path, no_model: bool) -> tuple[float, float, float, int]:
    """Wall-clock seconds, CPU seconds and peak resident MB of the command's processes, and its exit status."""
    command = [sys.executable, "-m", "tenderlint", "check", "--format", "json", "-o", os.devnull,
               "--timeout", "600", str(path)] + (["--no-model"] if no_model else [])
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stderr=errors)
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace").strip()
    if stderr:
        print(f"  stderr: {stderr}", file=sys.stderr)
    # wait4's usage covers the process and its waited-for children (the parsing process): CPU time
    # summed, ru_maxrss the largest resident size of any of them (kB on Linux).
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="table rows (DOCX and Markdown)")
    parser.add_argument("--repeat", type=int, default=170_000, help="sentences of the one-paragraph text")
    parser.add_argument("--only", default="docx,markdown,text", help="comma-separated: docx, markdown, text")
    parser.add_argument("--no-model", action="store_true", help="check with the rules alone")
    parser.add_argument("--distinct", action="store_true",
                        help="table rows that differ in more than their numbers (each text is then read)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        files = build(Path(work), args.rows, args.repeat, args.distinct)
        for name in args.only.split(","):
            path = files[name.strip()]
            seconds, cpu, peak, status = timed_check(path, args.no_model)
            size = path.stat().st_size / 1e6
            print(f"{name:9} {size:5.1f} MB  {seconds:6.2f} s  (CPU {cpu:6.2f} s)  peak {peak:5.0f} MB  exit {status}",
                  flush=True)


if __name__ == "__main__":
    main()
