"""Where a passage sits in the source file: line and column for formats with lines, paragraph for DOCX.

Findings are located by character offsets into ``Document.text`` (the blocks' cleaned texts
joined). Tools that show findings in the source — editors, SARIF viewers, GitHub annotations —
need the file's own line and column instead. For Markdown, plain text and HTML,
``anchor_blocks`` finds each block's words in the decoded source, in order, and keeps an anchor
wherever the cleaned text and the source stop running in step (a new line, removed markup);
``locate`` turns any offset back into a 1-based line and column (in Unicode code points).
DOCX blocks carry their paragraph number from the parser instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice

from tenderlint.document import Block, Document

LINE_FORMATS = ("markdown", "text", "html")
# How far ahead of the previous word the next one may be in the source (markup, link targets, tags).
_WORD_WINDOW = 2000
# How far ahead of the previous block the next block's first words may start.
_BLOCK_WINDOW = 200_000
_WORD = re.compile(r"\S+")


class SourceLines:
    """Offsets of the line starts of a source text, for turning an offset into (line, column)."""

    def __init__(self, source: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def line_column(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def anchor_blocks(blocks: list[Block], source: str) -> None:
    """Set each block's ``line``, ``column`` and ``anchors`` from where its words are in ``source``.

    A block whose first words cannot be found keeps no location (rare: text the parser built,
    such as a decoded entity at the start of an HTML paragraph).
    """
    lines = SourceLines(source)
    position = previous_start = 0
    for block in blocks:
        text = block.text
        one_line = text and "\n" not in text and text == text.strip()
        if one_line:
            # Where its first word next occurs, the text may stand as it is (a table cell, a one-line
            # paragraph): that is where _find_block_start would put it, and its one anchor is the
            # one that finding its words one by one would give; without either search.
            start = source.find(text.split(None, 1)[0], position, position + _BLOCK_WINDOW)
            if start >= 0 and source.startswith(text, start):
                line, column = lines.line_column(start)
                block.line, block.column, block.anchors = line, column, ((0, line, column),)
                previous_start, position = start + 1, start + len(text)
                continue
        words = [(m.start(), m.group()) for m in islice(_WORD.finditer(text), 3)]
        start = _find_block_start(source, words, position)
        if start is None and previous_start < position:  # the last block ran too far: look again
            start = _find_block_start(source, words, previous_start)
        if start is None:
            continue
        if one_line and source.startswith(text, start):
            line, column = lines.line_column(start)
            block.line, block.column, block.anchors = line, column, ((0, line, column),)
            previous_start, position = start + 1, start + len(text)
            continue
        fast = _anchor_lines(block.text, source, start, lines)
        if fast is not None:  # the text is the source's lines joined: one anchor per line
            anchors, cursor = fast
            block.line, block.column = anchors[0][1], anchors[0][2]
            block.anchors = tuple(anchors)
            previous_start, position = start + 1, cursor
            continue
        anchors = []
        cursor = start
        words = [(m.start(), m.group()) for m in _WORD.finditer(block.text)]
        expected_line = expected_column = None
        last_offset = 0
        for offset, word in words:
            found = source.find(word, cursor, cursor + _WORD_WINDOW + len(word))
            if found < 0:
                continue  # a word the parser changed (an entity, a ligature): keep going from here
            line, column = lines.line_column(found)
            if expected_line is None or (line, column) != (expected_line, expected_column + offset - last_offset):
                anchors.append((offset, line, column))
                expected_line, expected_column = line, column
                last_offset = offset
            cursor = found + len(word)
        if anchors:
            block.line, block.column = anchors[0][1], anchors[0][2]
            block.anchors = tuple(anchors)
            previous_start, position = start + 1, cursor


def _anchor_lines(text: str, source: str, start: int, lines: SourceLines):
    """(anchors, end) when ``text`` is the source's lines from ``start`` joined by single spaces
    (no markup, the common case), else None. Much faster than finding every word."""
    anchors = []
    offset, position, size = 0, start, len(source)
    while True:
        line_end = source.find("\n", position)
        if line_end < 0:
            line_end = size
        segment = source[position:line_end].rstrip()
        if not segment or not text.startswith(segment, offset):
            return None
        line, column = lines.line_column(position)
        anchors.append((offset, line, column))
        offset += len(segment)
        if offset >= len(text):
            return anchors, position + len(segment)
        if text[offset] != " ":
            return None
        offset += 1
        position = line_end + 1
        while position < size and source[position] in " \t":
            position += 1
        if position >= size:
            return None


def _find_block_start(source: str, words: list[tuple[int, str]], position: int) -> int | None:
    """Where the block's first word starts in ``source``, from ``position`` on; its next two words
    must follow closely, so that a common first word is not taken from the wrong place."""
    if not words:
        return None
    first = words[0][1]
    limit = position + _BLOCK_WINDOW
    candidate = source.find(first, position, limit)
    while candidate >= 0:
        cursor = candidate + len(first)
        for _, word in words[1:3]:
            found = source.find(word, cursor, cursor + 200 + len(word))
            if found < 0:
                break
            cursor = found + len(word)
        else:
            return candidate
        candidate = source.find(first, candidate + 1, limit)
    return None


class Locator:
    """Maps character offsets of ``Document.text`` to source line/column (or DOCX paragraph)."""

    def __init__(self, document: Document):
        self.blocks = document.blocks
        self.starts = [block.start for block in self.blocks]

    def block_at(self, offset: int) -> Block | None:
        index = bisect_right(self.starts, offset) - 1
        if index < 0:
            return None
        return self.blocks[index]

    def line_column(self, offset: int) -> tuple[int | None, int | None]:
        block = self.block_at(offset)
        if block is None or not block.anchors:
            return None, None
        inner = max(0, min(offset, block.end) - block.start)
        chosen = block.anchors[0]
        for anchor in block.anchors:
            if anchor[0] > inner:
                break
            chosen = anchor
        return chosen[1], chosen[2] + (inner - chosen[0])

    def paragraph(self, offset: int) -> int | None:
        block = self.block_at(offset)
        return None if block is None else block.paragraph


def locate_evidence(document: Document, evidence) -> None:
    """Set ``line``/``column``/``end_line``/``end_column`` and ``paragraph`` on each Evidence."""
    locator = Locator(document)
    for ev in evidence:
        ev.paragraph = locator.paragraph(ev.start)
        ev.line, ev.column = locator.line_column(ev.start)
        if ev.line is None:
            ev.end_line = ev.end_column = None
            continue
        last_line, last_column = locator.line_column(max(ev.start, ev.end - 1))
        if last_line is None or (last_line, last_column) < (ev.line, ev.column):
            last_line, last_column = ev.line, ev.column
        ev.end_line, ev.end_column = last_line, last_column + 1  # exclusive, as SARIF counts
