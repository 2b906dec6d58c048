"""Fuzz tenderlint's promise: every input ends in a report or exactly one coded error line.

Seeded mutations of the bundled examples and, when present, the ../shared documents: bit flips,
truncation, splicing of two files, damaged DOCX parts, damaged PDF structures (xref, lengths,
counts, trailers) and pathological text (blank-line runs, punctuation runs, deep nesting,
control bytes, magic numbers in the wrong place). Each batch of cases runs as one
``tenderlint check`` command in a child process with a time and memory limit, and is held to
the promise:

- exit status 0 or 1 with a report for every file, or 2 with one line
  ``error[<code>]: <path>: <message>`` on stderr per failed file (and the other files reported);
- a known error code that is not ``internal`` (a bug) nor ``timeout`` (a cause left in place);
- nothing else on stderr (no traceback, no library log line);
- within the time limit and the memory limit.

    python bench/fuzz.py [--cases 1500] [--seed 14] [--batch 20] [--no-shared]

prints the figures (cases, seconds, violations, error codes seen) and exits 1 on any violation,
keeping each violating input under ``--keep`` for a look. tests/test_fuzz.py runs a few hundred
cases in process (``check_cases``), each case still in a budgeted child.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DOCUMENTS = REPO.parent / "shared" / "documents"
SUFFIXES = (".pdf", ".docx", ".html", ".md", ".txt")
# Shared documents larger than this are left out: each case must stay quick.
MAX_SEED_BYTES = 768 * 1024
ERROR_LINE = re.compile(r"^error\[([a-z-]+)\]: (.*)$")
# Codes that break the promise even though they are coded: a bug, or a cause the timeout hid.
VIOLATING_CODES = {"internal", "timeout"}


@dataclass
class Case:
    """One fuzz input: its bytes, the suffix it is saved with, and how it was made."""

    number: int
    data: bytes
    suffix: str
    how: str

    @property
    def name(self) -> str:
        return f"case-{self.number:05d}{self.suffix}"


@dataclass
class Figures:
    cases: int = 0
    seconds: float = 0.0
    reports: int = 0
    codes: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    peak_mb: float = 0.0
    slowest_batch: float = 0.0


# -- seeds ----------------------------------------------------------------------------------------

def load_seeds(use_shared: bool = True) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of the bundled examples, an HTML and a text page made from them, and the
    ../shared documents of a usable size."""
    seeds = []
    for path in sorted((REPO / "examples").iterdir()):
        if path.suffix in (".pdf", ".docx", ".md"):
            seeds.append((path.suffix, path.read_bytes()))
    markdown = (REPO / "examples" / "vendor-contract-ai-saas.md").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in markdown.split("\n\n") if p.strip()]
    html = "".join(f"<h2>{p.lstrip('# ')}</h2>" if p.startswith("#") else f"<p>{p}</p>" for p in paragraphs)
    seeds.append((".html", f"<!doctype html><html><head><title>Seed</title></head><body>{html}</body></html>".encode()))
    seeds.append((".txt", "\n\n".join(p.lstrip("#* ") for p in paragraphs).encode()))
    if use_shared and SHARED_DOCUMENTS.is_dir():
        for path in sorted(SHARED_DOCUMENTS.rglob("*")):
            if path.suffix.lower() in SUFFIXES and path.is_file() and path.stat().st_size <= MAX_SEED_BYTES \
                    and "labels" not in path.parts:
                seeds.append((path.suffix.lower(), path.read_bytes()))
    return seeds


# -- mutations ------------------------------------------------------------------------------------

def bit_flips(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    out = bytearray(data)
    flips = rng.choice((1, 3, 10, 50, 300))
    for _ in range(flips):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out), f"{flips} bit flips"


def truncation(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    cut = rng.choice((rng.randrange(1, 64), rng.randrange(len(data)), len(data) - rng.randrange(1, 2048)))
    cut = max(1, min(len(data) - 1, cut))
    return data[:cut], f"truncated to {cut} bytes"


def splice(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, str]:
    a, b = rng.randrange(len(data)), rng.randrange(len(other))
    return data[:a] + other[b:], f"first {a} bytes + another file from byte {b}"


def chunk_edit(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randrange(1, 4096))
    if rng.random() < 0.5:
        return data[:a] + data[b:], f"bytes {a}-{b} removed"
    return data[:b] + data[a:b] * rng.randrange(2, 20) + data[b:], f"bytes {a}-{b} repeated"


def damaged_docx(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Rewrite one part of the DOCX package: truncated, bit-flipped, removed, or made hostile."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return bit_flips(rng, data)
    xml_parts = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    name = "word/document.xml" if "word/document.xml" in parts and rng.random() < 0.6 else rng.choice(xml_parts)
    part = parts[name]
    damage = rng.choice(("truncate", "flip", "remove", "deep", "long-run", "bad-attributes", "huge-table", "entity"))
    if damage == "truncate":
        parts[name] = part[:rng.randrange(len(part))]
    elif damage == "flip":
        parts[name] = bit_flips(rng, part)[0]
    elif damage == "remove":
        del parts[name]
    elif damage == "deep":
        depth = rng.choice((300, 3000, 30000))
        nest = b"<w:sdt><w:sdtContent>" * depth + b"<w:p><w:r><w:t>deep text</w:t></w:r></w:p>" + b"</w:sdtContent></w:sdt>" * depth
        parts[name] = part.replace(b"<w:body>", b"<w:body>" + nest, 1)
    elif damage == "long-run":
        run = rng.choice((b"[", b"*", b"<", b"$", b"The contractor shall keep records. ")) * rng.choice((2000, 30000))
        run = run.replace(b"<", b"&lt;")
        parts[name] = part.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>" + run + b"</w:t></w:r></w:p>", 1)
    elif damage == "bad-attributes":
        parts[name] = re.sub(rb'w:val="[^"]*"', lambda _: rng.choice((b'w:val="-99999999999"', b'w:val="x"', b'w:val=""')), part)
    elif damage == "huge-table":
        rows = rng.choice((500, 5000))
        cell = b"<w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc>"
        table = b"<w:tbl>" + (b"<w:tr>" + cell * 3 + b"</w:tr>") * rows + b"</w:tbl>"
        parts[name] = part.replace(b"<w:body>", b"<w:body>" + table, 1)
    else:
        parts[name] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + part
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, content in parts.items():
            # (a fixed timestamp: a case is the same bytes whenever it is made from its seed)
            archive.writestr(zipfile.ZipInfo(part_name, date_time=(1980, 1, 1, 0, 0, 0)), content,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue(), f"DOCX {name}: {damage}"


def damaged_pdf(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Damage the PDF's structure: xref offsets, stream lengths, page counts, trailer, objects."""
    damage = rng.choice(("startxref", "lengths", "count", "eof", "xref-table", "objects", "loop", "filter"))
    out = data
    if damage == "startxref":
        out = re.sub(rb"startxref\s+\d+", lambda _: b"startxref\n" + str(rng.randrange(10 ** 7)).encode(), data)
    elif damage == "lengths":
        out = re.sub(rb"/Length \d+", lambda _: b"/Length " + str(rng.choice((0, 1, 10 ** 9, rng.randrange(5000)))).encode(), data)
    elif damage == "count":
        out = re.sub(rb"/Count \d+", lambda _: b"/Count " + str(rng.choice((0, -1, 10 ** 9, 3))).encode(), data)
    elif damage == "eof":
        out = data.replace(b"%%EOF", b"")
    elif damage == "xref-table":
        out = re.sub(rb"\d{10} \d{5} [nf]", lambda _: b"%010d 00000 n" % rng.randrange(10 ** 8), data)
    elif damage == "objects":
        out = re.sub(rb"(\d+) 0 obj", lambda m: (b"%d 0 obj" % rng.randrange(1, 50)) if rng.random() < 0.3 else m.group(), data)
    elif damage == "loop":
        out = re.sub(rb"/Parent \d+ 0 R", lambda _: b"/Parent %d 0 R" % rng.randrange(1, 30), data)
        out = re.sub(rb"/Kids \[", b"/Kids [1 0 R ", out, count=1)
    else:
        out = data.replace(b"/FlateDecode", rng.choice((b"/LZWDecode", b"/DCTDecode", b"/Nonsense", b"/ASCII85Decode")))
    if out == data:
        return bit_flips(rng, data)
    return out, f"PDF {damage}"


def pathological_text(rng: random.Random, data: bytes) -> tuple[bytes, str, str | None]:
    """A text, Markdown or HTML input built to be slow or confusing; returns (bytes, how, suffix)."""
    base = data if not data.startswith((b"%PDF", b"PK")) else b"The contractor shall protect the data.\n\n"
    kind = rng.choice(("blank-lines", "punctuation-run", "long-line", "deep-html", "controls", "bad-utf8",
                       "pdf-mention", "zip-start", "many-lines", "bom", "table-rows", "nested-lists"))
    suffix = None
    if kind == "blank-lines":
        out = base + b"\n" * rng.choice((3000, 30000, 300000)) + b"The end.\n"
    elif kind == "punctuation-run":
        out = base + b"\n\n" + rng.choice((b"[", b"*", b"<", b"(", b"$", b"'", b"_", b"|")) * rng.choice((20000, 60000)) + b"\n"
    elif kind == "long-line":
        out = b"The contractor shall protect data and report incidents. " * rng.choice((20000, 120000))
    elif kind == "deep-html":
        depth = rng.choice((255, 1000, 5000, 50000))
        tag = rng.choice((b"div", b"span", b"li", b"table", b"b"))
        out = b"<html><body><p>Before.</p>" + (b"<" + tag + b">") * depth \
            + b"<p>The supplier shall log access.</p>" + (b"</" + tag + b">") * depth + b"<p>After.</p></body></html>"
        suffix = ".html"
    elif kind == "controls":
        out = bytes(rng.choice(b"\x01\x02\x1b\x7f\x0b\x0c\ra ") for _ in range(rng.choice((100, 5000)))) + base
    elif kind == "bad-utf8":
        out = base.replace(b"e", b"\xe9", rng.randrange(1, 50)) + b"\xff\xfe\xc3\x28" * rng.randrange(1, 100)
    elif kind == "pdf-mention":
        out = b"Send the offer as a file starting with %PDF-1.7 please.\n\n" + base
    elif kind == "zip-start":
        out = b"PK\x03\x04 is how a ZIP file starts.\n\n" + base
    elif kind == "many-lines":
        out = b"\n".join(b"line %d of the schedule" % i for i in range(rng.choice((20000, 200000))))
    elif kind == "bom":
        out = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) + base
    elif kind == "table-rows":
        out = b"| a | b |\n|---|---|\n" + b"| item | the contractor shall deliver |\n" * rng.choice((2000, 20000))
        suffix = ".md"
    else:
        out = b"".join(b"  " * (i % 200) + b"- item %d\n" % i for i in range(rng.choice((2000, 20000))))
    return out, f"pathological {kind}", suffix


def make_case(number: int, seed: int, seeds: list[tuple[str, bytes]]) -> Case:
    """Case ``number`` of the run with ``seed``: the same numbers always give the same bytes."""
    rng = random.Random(seed * 1_000_003 + number)
    suffix, data = rng.choice(seeds)
    kinds = ["bits", "truncate", "splice", "chunk", "text"]
    if suffix == ".docx":
        kinds += ["docx", "docx"]
    if suffix == ".pdf":
        kinds += ["pdf", "pdf"]
    kind = rng.choice(kinds)
    if kind == "bits":
        out, how = bit_flips(rng, data)
    elif kind == "truncate":
        out, how = truncation(rng, data)
    elif kind == "splice":
        out, how = splice(rng, data, rng.choice(seeds)[1])
    elif kind == "chunk":
        out, how = chunk_edit(rng, data)
    elif kind == "docx":
        out, how = damaged_docx(rng, data)
    elif kind == "pdf":
        out, how = damaged_pdf(rng, data)
    else:
        out, how, forced = pathological_text(rng, data if suffix in (".md", ".txt", ".html") else b"")
        suffix = forced or rng.choice((".txt", ".md", suffix if suffix in (".html",) else ".txt"))
    if rng.random() < 0.05:  # the suffix must never decide the format
        suffix = rng.choice(SUFFIXES + ("",))
    return Case(number, out, suffix, f"{how} of a {suffix or 'suffix-less'} seed")


# -- running cases --------------------------------------------------------------------------------

def run_batch(cases: list[Case], folder: Path, timeout: float, memory_mb: int, figures: Figures,
              keep: Path | None = None, extra: tuple[str, ...] = ()) -> None:
    """One ``tenderlint check`` of the cases' files, held to the promise (see the module doc)."""
    paths = []
    for case in cases:
        path = folder / case.name
        path.write_bytes(case.data)
        paths.append(path)
    report = folder / "report.json"
    command = [sys.executable, "-m", "tenderlint", "check", "--format", "json", "-o", str(report),
               "--timeout", str(timeout), *extra, *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("TENDERLINT_DEBUG", None)
    limit = timeout * len(cases) + 60
    started = time.monotonic()

    def cap_memory() -> None:  # each document's child adds its own budget below this
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))

    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=folder,
                               preexec_fn=cap_memory if memory_mb else None)
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        _violate(figures, cases, keep, f"the command did not finish within {limit:g} s")
        return
    finally:
        seconds = time.monotonic() - started
        figures.seconds += seconds
        figures.slowest_batch = max(figures.slowest_batch, seconds)
        figures.peak_mb = max(figures.peak_mb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    figures.cases += len(cases)
    for problem in promise_problems(cases, paths, process.returncode, stderr.decode("utf-8", "replace"), report):
        _violate(figures, cases, keep, problem)
    if report.exists():
        for document in json.loads(report.read_text(encoding="utf-8"))["documents"]:
            if document.get("error"):
                code = document["error"]["code"]
                figures.codes[code] = figures.codes.get(code, 0) + 1
            else:
                figures.reports += 1


def promise_problems(cases: list[Case], paths: list[Path], status: int, stderr: str, report: Path) -> list[str]:
    """How one command's outcome breaks the promise (nothing when it holds)."""
    from tenderlint.errors import ERROR_CODES

    problems = []
    if "Traceback" in stderr:
        problems.append("a traceback on stderr: " + stderr[-400:])
    lines = [line for line in stderr.splitlines() if line.strip()]
    for line in lines:
        match = ERROR_LINE.match(line)
        if not match or match.group(1) not in ERROR_CODES:
            problems.append(f"a stderr line that is not a coded error: {line[:200]!r}")
        elif match.group(1) in VIOLATING_CODES:
            problems.append(f"error[{match.group(1)}]: {line[:300]}")
    if not report.exists():
        problems.append(f"no report written (exit status {status})")
        return problems
    documents = json.loads(report.read_text(encoding="utf-8"))["documents"]
    if len(documents) != len(paths):
        problems.append(f"{len(documents)} documents reported for {len(paths)} files")
    failed = [d for d in documents if d.get("error")]
    if len(failed) != len(lines):
        problems.append(f"{len(failed)} failed documents but {len(lines)} stderr lines")
    expected = 2 if failed else (0, 1)
    if status not in (expected if isinstance(expected, tuple) else (expected,)):
        problems.append(f"exit status {status} with {len(failed)} failed documents")
    return problems


def _violate(figures: Figures, cases: list[Case], keep: Path | None, problem: str) -> None:
    names = ", ".join(case.name for case in cases if case.name in problem) or f"batch of {cases[0].name}…"
    hows = "; ".join(f"{case.name}: {case.how}" for case in cases if case.name in problem)
    figures.violations.append(f"{names}: {problem} ({hows})")
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for case in cases:
            if case.name in problem or len(cases) == 1:
                (keep / case.name).write_bytes(case.data)


def check_cases(cases: list[Case], folder: Path, checker) -> list[str]:
    """The promise held in process, for the test suite: each case is checked by ``checker``
    (whose options carry a timeout, so in a budgeted child) and must give a report or a coded
    error that is not ``internal`` or ``timeout``. Returns the violations."""
    from tenderlint.errors import ERROR_CODES
    from tenderlint.report import render

    problems = []
    for case in cases:
        path = folder / case.name
        path.write_bytes(case.data)
        try:
            result = checker.check_file(path)
            if result.error:
                code = result.error["code"]
                if code not in ERROR_CODES or code in VIOLATING_CODES or "\n" in result.error["message"]:
                    problems.append(f"{case.name} ({case.how}): error[{code}] {result.error['message'][:200]}")
            else:
                render([result], "json")
        except Exception as error:  # noqa: BLE001 - any escape is a violation
            problems.append(f"{case.name} ({case.how}): {type(error).__name__}: {error}")
        finally:
            path.unlink()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--first", type=int, default=0, help="number of the first case (to resume)")
    parser.add_argument("--batch", type=int, default=20, help="cases per tenderlint command")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-document limit given to --timeout")
    parser.add_argument("--memory-mb", type=int, default=6144, help="address-space limit of each command")
    parser.add_argument("--no-shared", action="store_true", help="mutate only the bundled examples")
    parser.add_argument("--no-model", action="store_true", help="check with the rules alone (faster)")
    parser.add_argument("--keep", type=Path, default=Path("out/fuzz-violations"), help="where violating inputs go")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))

    seeds = load_seeds(use_shared=not args.no_shared)
    figures = Figures()
    print(f"{len(seeds)} seed documents; seed {args.seed}; cases {args.first}..{args.first + args.cases - 1}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tenderlint-fuzz-") as tmp:
        folder = Path(tmp)
        for start in range(args.first, args.first + args.cases, args.batch):
            cases = [make_case(n, args.seed, seeds) for n in range(start, min(start + args.batch, args.first + args.cases))]
            run_batch(cases, folder, args.timeout, args.memory_mb, figures, args.keep,
                      ("--no-model",) if args.no_model else ())
            for entry in folder.iterdir():
                entry.unlink() if entry.is_file() else shutil.rmtree(entry)
            print(f"  {figures.cases} cases, {figures.seconds:.0f} s, {len(figures.violations)} violations", flush=True)
    print(f"cases: {figures.cases}")
    print(f"seconds: {figures.seconds:.0f} (slowest batch of {args.batch}: {figures.slowest_batch:.1f} s)")
    print(f"reports: {figures.reports}")
    print("error codes: " + ", ".join(f"{code} {n}" for code, n in sorted(figures.codes.items())))
    print(f"peak memory of a command: {figures.peak_mb:.0f} MB")
    print(f"violations: {len(figures.violations)}")
    for violation in figures.violations:
        print("  " + violation)
    return 1 if figures.violations else 0


if __name__ == "__main__":
    sys.exit(main())
