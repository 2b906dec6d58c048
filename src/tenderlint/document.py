"""The document model every later stage reads: a parsed file as ordered, located text blocks.

A ``Document`` is what parsers produce and what rules, the classifier and reports consume.
Every finding cites its location through a ``Block``: page, section trail and character
offsets into ``Document.text`` (the blocks' texts joined by blank lines).
"""

from __future__ import annotations

import gc

from dataclasses import dataclass, field, fields
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_cell", "header_footer", "footnote"]
BLOCK_KINDS: tuple[str, ...] = ("heading", "paragraph", "list_item", "table_cell", "header_footer", "footnote")

# Joins block texts into the document's full text; offsets below are into that string.
BLOCK_SEPARATOR = "\n\n"


@dataclass(slots=True)
class Block:
    """One located piece of text: a heading, paragraph, list item, table cell, header/footer or footnote."""

    text: str
    kind: str = "paragraph"
    page: int | None = None  # 1-based, where the format has pages
    section: list[str] = field(default_factory=list)  # headings above this block, outermost first
    start: int = 0  # character offset of the block in Document.text
    end: int = 0
    level: int | None = None  # heading level, for headings
    table: int | None = None  # table index (0-based), for table cells
    row: int | None = None
    col: int | None = None
    # Where the block is in the source file (see locations.py): 1-based line and column for formats
    # with lines; ``anchors`` are (offset in text, line, column) where text and source part step.
    line: int | None = None
    column: int | None = None
    anchors: tuple[tuple[int, int, int], ...] = ()
    paragraph: int | None = None  # DOCX: the paragraph's number in the document body, from 1
    depth: int | None = None  # list items: how deep the list is nested (1 = top level), where the format shows it

    def as_dict(self) -> dict:
        data = {
            "text": self.text,
            "kind": self.kind,
            "page": self.page,
            "section": list(self.section),
            "start": self.start,
            "end": self.end,
        }
        if self.level is not None:
            data["level"] = self.level
        if self.table is not None:
            data.update(table=self.table, row=self.row, col=self.col)
        if self.line is not None:
            data.update(line=self.line, column=self.column)
        if self.paragraph is not None:
            data["paragraph"] = self.paragraph
        if self.depth is not None:
            data["depth"] = self.depth
        return data


_BLOCK_FIELDS = tuple(f.name for f in fields(Block))


@dataclass
class Document:
    """A parsed tender document: identity, format facts and located blocks."""

    path: str
    sha256: str
    format: str  # pdf | docx | html | markdown | text
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    language: str = "en"
    language_confidence: float = 0.0
    title: str | None = None
    warnings: list[str] = field(default_factory=list)
    text: str = ""
    parse_seconds: float = 0.0
    # Inline waivers written in the document itself (``tenderlint: waive TOPIC — reason``).
    directives: list = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR (1-based)
    ocr_confidence: float | None = None  # mean word confidence of the OCR, 0..1

    def ocr_facts(self) -> dict | None:
        """``{"pages": [...], "confidence": ...}`` when pages were read by OCR, else None."""
        return ocr_facts(self.ocr_pages, self.ocr_confidence)

    def __post_init__(self) -> None:
        if self.blocks and not self.text:
            self.locate_blocks()

    # A parsed document crosses a process boundary (the file parsed while the rules load, the
    # web page's workers): its blocks are pickled as one list per field and rebuilt with the
    # cyclic garbage collector paused (it would otherwise run again and again over the growing list
    # of new blocks, which hold no cycles): 400,000 table cells in about 0.6 s instead of 4 s.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["blocks"] = [[getattr(block, name) for block in self.blocks] for name in _BLOCK_FIELDS]
        return state

    def __setstate__(self, state: dict) -> None:
        columns = state.pop("blocks")
        self.__dict__.update(state)
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.blocks = list(map(Block, *columns)) if columns and columns[0] else []
        finally:
            if collecting:
                gc.enable()

    def locate_blocks(self) -> None:
        """Join block texts into ``text`` and set each block's character span."""
        parts: list[str] = []
        offset = 0
        for block in self.blocks:
            if parts:
                offset += len(BLOCK_SEPARATOR)
            block.start = offset
            block.end = offset + len(block.text)
            parts.append(block.text)
            offset = block.end
        self.text = BLOCK_SEPARATOR.join(parts)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    def as_dict(self, with_blocks: bool = True) -> dict:
        data = {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "pages": self.pages,
            "words": self.words,
            "language": self.language,
            "title": self.title,
            "warnings": list(self.warnings),
            "ocr": self.ocr_facts(),
        }
        if with_blocks:
            data["blocks"] = [b.as_dict() for b in self.blocks]
        return data


def ocr_facts(pages: list[int], confidence: float | None) -> dict | None:
    """The OCR facts as reports and the JSON give them, or None when no page was read by OCR."""
    if not pages:
        return None
    return {"pages": list(pages), "confidence": None if confidence is None else round(confidence, 3)}
