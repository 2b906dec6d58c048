"""DOCX → blocks: body paragraphs and tables in document order, headings from styles, then headers, footers, notes.

The ZIP is vetted first (size caps, no DTDs) by ``safezip``; python-docx then gives us the
styles and parts, and we walk the body XML ourselves so that tables stay in place, merged
cells are read once, tracked deletions and fallback copies of text boxes are skipped.
Documents that never use heading styles get headings inferred from bold, capitals and
clause numbers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from lxml import etree

from tenderlint.document import Block
from tenderlint.errors import TenderlintError
from tenderlint.parsers.headings import SectionTrail, guess_heading, is_caps_heading
from tenderlint.parsers.safezip import parse_xml, read_zip_members, xml_error
from tenderlint.parsers.text import clean_block

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"), _w("sdtContent")
PPR, TCPR, RPR, NUMPR, R = _w("pPr"), _w("tcPr"), _w("rPr"), _w("numPr"), _w("r")
T, TAB, BR, CR, NO_BREAK_HYPHEN = _w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")
VAL = _w("val")
CHECKBOX, CHECKED, DEFAULT = _w("checkBox"), _w("checked"), _w("default")
BOX_CHECKED, BOX_EMPTY = "\u2612", "\u2610"  # ☒ ☐
# An option after an empty box does not apply ("☐ Required ☒ Not required"): keep only the box,
# so the rules never read an unselected option as a requirement.
_UNSELECTED_OPTION = re.compile(BOX_EMPTY + r"[^" + BOX_EMPTY + BOX_CHECKED + r"\n]*")
# Subtrees whose text is not part of what the reader sees.
_SKIPPED = {_w("del"), _w("moveFrom"), f"{{{MC}}}Fallback", _w("pPr"), _w("rPr"), _w("instrText"), _w("delText"), _w("txbxContent")}
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_PAGE_FIELD = re.compile(r"^(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?$", re.IGNORECASE)
_FALSE = {"0", "false", "off", "none"}
MIN_STYLED_HEADINGS = 3
PARAGRAPHS_PER_STYLED_HEADING = 40
MAX_STYLED_HEADING_WORDS = 25


@dataclass(slots=True)
class StyleInfo:
    name: str
    heading_level: int | None
    is_list: bool
    bold: bool | None
    list_depth: int | None = None  # the style's own list level, 1 = top ("List Bullet 2": 2)


def parse_docx(data: bytes, name: str):
    """Parse DOCX bytes into ``ParsedContent``."""
    from tenderlint.parsers import ParsedContent

    xml_parts = read_zip_members(data, name)
    try:
        import docx as python_docx
        from docx.opc.exceptions import PackageNotFoundError

        document = python_docx.Document(io.BytesIO(data))
    except TenderlintError:
        raise
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise TenderlintError("corrupt", f"{name} is not a readable DOCX document ({type(error).__name__}: {error})")
    except etree.XMLSyntaxError as error:
        raise xml_error(error, name) if "limit" in str(error) else TenderlintError(
            "corrupt", f"{name} cannot be parsed as DOCX (XMLSyntaxError: {error})")
    except Exception as error:  # python-docx and lxml raise many types on malformed packages
        raise TenderlintError("corrupt", f"{name} cannot be parsed as DOCX ({type(error).__name__}: {error})")
    # The main part is read from python-docx's tree: its bytes (28 MB for a 200,000-row table) go.
    xml_parts.pop(str(document.part.partname).lstrip("/"), None)
    reader = DocxReader(document, xml_parts, name)
    blocks = reader.blocks()
    title = None
    try:
        title = document.core_properties.title or None
    except Exception:  # core properties are optional and sometimes malformed
        title = None
    return ParsedContent(blocks, pages=None, title=title or reader.title, warnings=reader.warnings)


class DocxReader:
    """Walks one python-docx ``Document`` into blocks."""

    def __init__(self, document, xml_parts: dict[str, bytes], name: str):
        self.document = document
        self.xml_parts = xml_parts
        self.name = name
        self.styles = self._read_styles()
        self.trail = SectionTrail()
        self.table_count = 0
        self.title: str | None = None
        self.warnings: list[str] = []
        body = document.element.body
        # A document with a few styled headings (a cover title, one appendix) still structures
        # the rest by bold numbered lines, so inference stays on until styles look systematic.
        paragraphs = 0
        styled = 0
        # Each body paragraph's number from 1, in document order (table cells and text boxes
        # included): the location a DOCX finding cites, as a line number does in text.
        self.paragraph_numbers: dict = {}
        for p in body.iter(P):
            paragraphs += 1
            self.paragraph_numbers[p] = paragraphs
            if self._styled_level(p) is not None and _heading_sized(self.paragraph_text(p)):
                styled += 1
        self.styled_headings = styled >= max(MIN_STYLED_HEADINGS, paragraphs // PARAGRAPHS_PER_STYLED_HEADING)

    # -- styles -------------------------------------------------------------

    def _read_styles(self) -> dict[str, StyleInfo]:
        raw: dict[str, tuple[str, str | None, int | None, bool, bool | None]] = {}
        list_depths: dict[str, int | None] = {}
        styles_part = self.xml_parts.get("word/styles.xml")
        if styles_part is None:
            return {}
        root = parse_xml(styles_part, f"{self.name}:word/styles.xml")
        for style in root.iter(_w("style")):
            style_id = style.get(_w("styleId"))
            if not style_id:
                continue
            name_el = style.find(_w("name"))
            name = name_el.get(VAL, style_id) if name_el is not None else style_id
            based = style.find(_w("basedOn"))
            outline = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            outline_level = _int(outline.get(VAL)) if outline is not None else None
            style_numbering = style.find(f"{_w('pPr')}/{_w('numPr')}")
            is_list = style_numbering is not None or "list" in name.lower()
            bold_el = style.find(f"{_w('rPr')}/{_w('b')}")
            bold = None if bold_el is None else bold_el.get(VAL, "1").lower() not in _FALSE
            raw[style_id] = (name, based.get(VAL) if based is not None else None, outline_level, is_list, bold)
            list_depths[style_id] = _style_list_depth(name, style_numbering) if is_list else None
        resolved: dict[str, StyleInfo] = {}
        for style_id in raw:
            name, _, _, is_list, _ = raw[style_id]
            level = bold = None
            chain, current, seen = [], style_id, set()
            while current in raw and current not in seen:
                seen.add(current)
                chain.append(raw[current])
                current = raw[current][1]
            for link_name, _, outline_level, _, link_bold in chain:
                if level is None:
                    match = _HEADING_STYLE.match(link_name)
                    if match:
                        level = int(match.group(1))
                    elif link_name.lower() == "title":
                        level = 1
                    elif outline_level is not None and outline_level < 9:
                        level = outline_level + 1
                if bold is None:
                    bold = link_bold
            resolved[style_id] = StyleInfo(name=name, heading_level=level, is_list=is_list, bold=bold,
                                           list_depth=list_depths.get(style_id))
        return resolved

    def _style(self, p) -> StyleInfo | None:
        style = _find(p, PPR, _PSTYLE)
        return self.styles.get(style.get(VAL)) if style is not None else None

    def _styled_level(self, p) -> int | None:
        if _find(p, PPR) is None:  # (most table-cell paragraphs: no properties at all)
            return None
        outline = _find(p, PPR, _OUTLINE_LVL)
        if outline is not None:
            level = _int(outline.get(VAL))
            if level is not None and level < 9:
                return level + 1
        style = self._style(p)
        return style.heading_level if style else None

    # -- text ---------------------------------------------------------------

    def paragraph_text(self, p) -> str:
        parts: list[str] = []
        _collect_text(p, parts)
        text = "".join(parts)
        if BOX_EMPTY in text:
            text = _UNSELECTED_OPTION.sub(BOX_EMPTY + " (not selected) ", text)
        return clean_block(text)

    def _all_bold(self, p) -> bool:
        style = self._style(p)
        default = bool(style and style.bold)
        seen_text = False
        for run in p.iter(_w("r")):
            if not "".join(t.text or "" for t in run.iter(T)).strip():
                continue
            seen_text = True
            bold_el = _find(run, RPR, _B)
            bold = default if bold_el is None else bold_el.get(VAL, "1").lower() not in _FALSE
            if not bold:
                return False
        return seen_text

    # -- walking ------------------------------------------------------------

    def blocks(self) -> list[Block]:
        blocks: list[Block] = []
        self._walk(self.document.element.body, blocks)
        blocks.extend(self._notes("word/footnotes.xml", "footnote"))
        blocks.extend(self._notes("word/endnotes.xml", "endnote"))
        blocks.extend(self._headers_footers())
        return blocks

    def _walk(self, container, blocks: list[Block]) -> None:
        for child in container:
            if child.tag == P:
                self._paragraph(child, blocks)
            elif child.tag == TBL:
                self._table(child, blocks)
            elif child.tag in (SDT, SDT_CONTENT) or child.tag == _w("customXml"):
                self._walk(child.find(SDT_CONTENT) if child.tag == SDT and child.find(SDT_CONTENT) is not None else child, blocks)

    def _paragraph(self, p, blocks: list[Block]) -> None:
        text = self.paragraph_text(p)
        if text:
            style = self._style(p)
            level = self._styled_level(p) if _heading_sized(text) else None
            numbered = _find(p, PPR, NUMPR) is not None
            outline_numbered = True
            if level is None and not self.styled_headings:
                level, outline_numbered = self._inferred_level(p, text, numbered)
            if level is not None:
                above = self.trail.enter(text, level, numbered=outline_numbered)
                blocks.append(Block(text=text, kind="heading", section=above, level=level,
                                    paragraph=self.paragraph_numbers.get(p)))
                if style and style.name.lower() == "title" and not self.title:
                    self.title = text
            else:
                kind = "list_item" if numbered or (style is not None and style.is_list) else "paragraph"
                blocks.append(Block(text=text, kind=kind, section=self.trail.trail,
                                    paragraph=self.paragraph_numbers.get(p),
                                    depth=_list_depth(p, style) if kind == "list_item" else None))
        # Text boxes anchored in the paragraph: read their paragraphs once (not their fallback copies).
        for box in _iter_textboxes(p):
            self._walk(box, blocks)

    def _inferred_level(self, p, text: str, numbered: bool) -> tuple[int | None, bool]:
        """(level, numbered) for a heading in a document without heading styles; (None, False) for body text."""
        words = len(text.split())
        if words > 14 or len(text) > 120 or text.endswith((".", ",", ";")) or not (text[:1].isupper() or text[:1].isdigit()):
            return None, False
        bold = self._all_bold(p)
        if not (bold or is_caps_heading(text)) or _mostly_link(p):
            return None, False
        guess = guess_heading(text)
        if guess is not None and guess.numbered:
            # Visible clause numbers say more about depth than list indentation does.
            return guess.level, True
        if numbered:
            return _numbering_depth(_find(p, PPR, NUMPR, _ILVL)) or 1, True
        return self.trail.level_for_unnumbered(), False

    def _table(self, tbl, blocks: list[Block]) -> None:
        table_index = self.table_count
        self.table_count += 1
        section = self.trail.trail
        for row_index, tr in enumerate(tbl.iterchildren(TR)):
            col = 0
            for tc in tr.iterchildren(TC, SDT):
                for cell in (tc,) if tc.tag == TC else list(tc.iter(TC)):
                    span, continued = 1, False
                    if next(cell.iterchildren(TCPR), None) is not None:
                        span_el = _find(cell, TCPR, _GRID_SPAN)
                        span = _int(span_el.get(VAL)) if span_el is not None else 1
                        merge = _find(cell, TCPR, _V_MERGE)
                        continued = merge is not None and merge.get(VAL, "continue") != "restart"
                    if not continued:
                        cell_paragraphs = list(cell.iter(P))
                        if len(cell_paragraphs) == 1:  # (most cells)
                            text = self.paragraph_text(cell_paragraphs[0])
                            first = cell_paragraphs[0]
                        else:
                            texts = [self.paragraph_text(p) for p in cell_paragraphs]
                            text = " ".join(t for t in texts if t)
                            first = next((p for p, t in zip(cell_paragraphs, texts) if t), None)
                        if text:
                            blocks.append(Block(text=text, kind="table_cell", section=section, table=table_index,
                                                row=row_index, col=col, paragraph=self.paragraph_numbers.get(first)))
                    col += max(1, span or 1)

    def _notes(self, part_name: str, note_tag: str) -> list[Block]:
        part = self.xml_parts.get(part_name)
        if part is None:
            return []
        root = parse_xml(part, f"{self.name}:{part_name}")
        blocks = []
        for note in root.iter(_w(note_tag)):
            if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = " ".join(t for t in (self.paragraph_text(p) for p in note.iter(P)) if t)
            if text:
                blocks.append(Block(text=text, kind="footnote"))
        return blocks

    def _headers_footers(self) -> list[Block]:
        names = sorted(
            (n for n in self.xml_parts if re.fullmatch(r"word/(?:header|footer)\d*\.xml", n)),
            key=lambda n: (not n.startswith("word/header"), _natural(n)),
        )
        seen: set[str] = set()
        blocks = []
        for part_name in names:
            root = parse_xml(self.xml_parts[part_name], f"{self.name}:{part_name}")
            for p in root.iter(P):
                text = self.paragraph_text(p)
                key = re.sub(r"\d+", "#", text.lower())
                # Every section repeats its header; page-number fields say nothing.
                if not text or key in seen or _PAGE_FIELD.match(text) or not _has_words(text):
                    continue
                seen.add(key)
                blocks.append(Block(text=text, kind="header_footer"))
        return blocks


_PSTYLE, _OUTLINE_LVL, _B, _ILVL = _w("pStyle"), _w("outlineLvl"), _w("b"), _w("ilvl")
_TRAILING_NUMBER = re.compile(r"\s(\d)$")


def _numbering_depth(ilvl) -> int | None:
    """The depth (1 = top) a ``w:ilvl`` element gives, counted from 0 in the file; None without one."""
    level = _int(ilvl.get(VAL)) if ilvl is not None else None
    return max(level, 0) + 1 if level is not None else None


def _style_list_depth(name: str, numbering) -> int:
    """How deep a list paragraph style nests (1 = top): its own numbering level, else the number
    Word puts at the end of the name of a nested list style ("List Bullet 2", "List Number 3")."""
    depth = _numbering_depth(numbering.find(_ILVL)) if numbering is not None else None
    if depth is None and (match := _TRAILING_NUMBER.search(name)):
        depth = int(match.group(1))
    return depth or 1


def _list_depth(p, style: StyleInfo | None) -> int:
    """How deep a list paragraph is nested (1 = top level): the level its numbering gives
    (``w:numPr/w:ilvl``), else its style's."""
    return (_numbering_depth(_find(p, PPR, NUMPR, _ILVL))
            or (style.list_depth if style is not None else None) or 1)


_GRID_SPAN, _V_MERGE = _w("gridSpan"), _w("vMerge")


def _find(element, *path: str):
    """``element.find("a/b")`` for a path of child tags: the same first match in document order,
    without lxml's ElementPath, which runs in Python and costs about twice as much per call (a
    200,000-row table looks up every cell's and paragraph's properties)."""
    if len(path) == 1:
        return next(element.iterchildren(path[0]), None)
    for child in element.iterchildren(path[0]):
        found = _find(child, *path[1:])
        if found is not None:
            return found
    return None


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == T:
            parts.append(child.text or "")
        elif tag == R:  # (text and runs first: most of what a document holds)
            _collect_text(child, parts)
        elif not isinstance(tag, str) or tag in _SKIPPED:
            continue
        elif tag == TAB:
            parts.append(" ")
        elif tag in (BR, CR):
            parts.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == CHECKBOX:
            parts.append((BOX_CHECKED if _box_checked(child) else BOX_EMPTY) + " ")
        elif tag in (P, TBL):
            # A nested paragraph (inside a text box shape) is read on its own.
            continue
        else:
            _collect_text(child, parts)


def _box_checked(checkbox) -> bool:
    """A legacy form-field check box: ``w:checked`` wins over ``w:default``."""
    for tag in (CHECKED, DEFAULT):
        node = checkbox.find(tag)
        if node is not None:
            return node.get(VAL, "1").lower() not in _FALSE
    return False


def _iter_textboxes(p):
    """Text-box contents inside a paragraph, skipping the VML fallback copies of the same boxes."""
    for box in p.iter(_w("txbxContent")):
        ancestor = box.getparent()
        fallback = False
        while ancestor is not None and ancestor is not p:
            if ancestor.tag == f"{{{MC}}}Fallback":
                fallback = True
                break
            ancestor = ancestor.getparent()
        if not fallback:
            yield box


def _mostly_link(p) -> bool:
    linked = sum(len(t.text or "") for link in p.iter(_w("hyperlink")) for t in link.iter(T))
    total = sum(len(t.text or "") for t in p.iter(T)) or 1
    return linked / total > 0.6


def _heading_sized(text: str) -> bool:
    """Styles (and outline levels) sometimes mark whole paragraphs as headings; real ones are short."""
    return bool(text) and len(text.split()) <= MAX_STYLED_HEADING_WORDS


def _has_words(text: str) -> bool:
    """More than the words around a page-number field ("Page", "of")."""
    return bool(set(re.findall(r"[^\W\d_]{2,}", text.lower())) - {"page", "of", "pagina", "van", "seite", "von"})


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _natural(name: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))
