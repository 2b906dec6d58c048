"""Markdown and plain text → blocks: ATX/setext headings, list items, pipe tables, paragraphs.

Markdown is read line by line (no full CommonMark: enough structure for locating text).
Inline markup (emphasis, links, images, code spans, HTML tags) is reduced to its words.
Plain text uses blank lines for paragraphs and infers headings from clause numbering and
short capitalised lines, as PDFs do.
"""

from __future__ import annotations

import re

from tenderlint.document import Block
from tenderlint.parsers.headings import SectionTrail, guess_heading, has_dot_leader
from tenderlint.parsers.text import clean_block, decode_text

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
_LIST = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)]|[a-z][.)]|\([a-z0-9]{1,3}\))\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|]+\|[^|]+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_THEMATIC = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
_ADMONITION = re.compile(r"^\[!(?:NOTE|WARNING|TIP|IMPORTANT|CAUTION)\]\s*", re.IGNORECASE)

# Linear time: a bracket class excludes its own opener (a run of 60,000 "[" is not rescanned from
# each one) and an emphasis spans at most 300 characters.
_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.{1,300}?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]*)`+")


def strip_inline(text: str) -> str:
    """Markdown inline markup reduced to the words a reader sees."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = _TAG.sub("", text)
    for _ in range(2):  # nested emphasis such as **_word_**
        text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("\\", "")
    return clean_block(text)


def parse_markdown(data: bytes, name: str):
    """Parse Markdown bytes into ``ParsedContent``."""
    from tenderlint.parsers import ParsedContent

    text = decode_text(data, name=name)
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        match = re.search(r"^title:\s*(.+)$", front.group(), re.MULTILINE)
        title = match.group(1).strip().strip("'\"") if match else None
        text = text[front.end():]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    blocks = MarkdownReader(text.splitlines()).blocks()
    return ParsedContent(blocks, pages=None, title=title)


def parse_plain_text(data: bytes, name: str):
    """Parse plain-text bytes into ``ParsedContent``."""
    from tenderlint.parsers import ParsedContent

    text = decode_text(data, name=name)
    return ParsedContent(plain_text_blocks(text.splitlines()), pages=None)


class MarkdownReader:
    def __init__(self, lines: list[str]):
        self.lines = [line.rstrip("\r") for line in lines]
        self.trail = SectionTrail()
        self.out: list[Block] = []
        self.table_index = -1

    def _emit(self, text: str, kind: str, **extra) -> None:
        text = strip_inline(text)
        if not text:
            return
        if kind == "heading":
            level = extra.pop("level")
            above = self.trail.enter(text, level)
            self.out.append(Block(text=text, kind="heading", section=above, level=level))
        else:
            self.out.append(Block(text=text, kind=kind, section=self.trail.trail, **extra))

    def blocks(self) -> list[Block]:
        lines = self.lines
        paragraph: list[str] = []
        kind = "paragraph"
        i = 0

        def flush() -> None:
            nonlocal paragraph, kind
            if paragraph:
                self._emit(" ".join(paragraph), kind)
            paragraph, kind = [], "paragraph"

        while i < len(lines):
            raw = lines[i]
            line = raw.strip()
            # Block quotes and GitHub admonitions: read the quoted text as ordinary text.
            while line.startswith(">"):
                line = line[1:].strip()
            line = _ADMONITION.sub("", line)
            if not line:
                flush()
                i += 1
                continue
            fence = _FENCE.match(raw)
            if fence:
                flush()
                marker = fence.group(1)[:3]
                body = []
                i += 1
                while i < len(lines) and not lines[i].strip().startswith(marker):
                    body.append(lines[i].strip())
                    i += 1
                self._emit(" ".join(b for b in body if b), "paragraph")
                i += 1
                continue
            atx = _ATX.match(line)
            if atx:
                flush()
                self._emit(atx.group(2), "heading", level=len(atx.group(1)))
                i += 1
                continue
            following = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if paragraph == [] and following and _SETEXT.match(following) and not _LIST.match(line) and "|" not in line:
                level = 1 if following.startswith("=") else 2
                self._emit(line, "heading", level=level)
                i += 2
                continue
            if _THEMATIC.match(line):
                flush()
                i += 1
                continue
            if _TABLE_ROW.match(line) and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
                flush()
                i = self._table(i)
                continue
            item = _LIST.match(line)
            if item:
                flush()
                paragraph, kind = [item.group(1)], "list_item"
                i += 1
                continue
            if kind == "list_item" and not raw[:1].isspace() and paragraph and _starts_new_paragraph(line):
                flush()
            paragraph.append(line)
            i += 1
        flush()
        return self.out

    def _table(self, start: int) -> int:
        self.table_index += 1
        rows = [self.lines[start]]
        i = start + 2  # skip the separator row
        while i < len(self.lines) and self.lines[i].strip() and "|" in self.lines[i]:
            rows.append(self.lines[i])
            i += 1
        for row_index, row in enumerate(rows):
            cells = _split_row(row)
            for col, cell in enumerate(cells):
                self._emit(cell, "table_cell", table=self.table_index, row=row_index, col=col)
        return i


def _split_row(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def _starts_new_paragraph(line: str) -> bool:
    return line[:1].isupper()


def plain_text_blocks(lines: list[str]) -> list[Block]:
    """Blocks of a plain-text document: blank-line paragraphs, list items, headings inferred from numbering."""
    trail = SectionTrail()
    blocks: list[Block] = []
    paragraph: list[str] = []
    kind = "paragraph"

    def flush() -> None:
        nonlocal paragraph, kind
        text = clean_block(" ".join(paragraph))
        if text:
            blocks.append(Block(text=text, kind=kind, section=trail.trail))
        paragraph, kind = [], "paragraph"

    for index, raw in enumerate(lines):
        line = clean_block(raw)
        if not line:
            flush()
            continue
        previous_blank = index == 0 or not lines[index - 1].strip()
        next_blank = index + 1 >= len(lines) or not lines[index + 1].strip()
        guess = guess_heading(line) if not has_dot_leader(line) else None
        # A heading stands on its own line: after a blank line or a finished sentence, before a break.
        if guess is not None and (previous_blank or not paragraph) and (next_blank or len(line) < 70):
            flush()
            level = guess.level if guess.numbered else trail.level_for_unnumbered()
            above = trail.enter(line, level, numbered=guess.numbered)
            blocks.append(Block(text=line, kind="heading", section=above, level=level))
            continue
        item = _LIST.match(line)
        if item:
            flush()
            paragraph, kind = [item.group(1) if not re.match(r"^\s*\d", line) else line], "list_item"
            continue
        paragraph.append(line)
    flush()
    return blocks
