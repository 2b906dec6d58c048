"""HTML → blocks with lxml: h1–h6 headings, paragraphs, list items and table cells; never fetches anything.

Scripts, styles, navigation, templates and the like are dropped before reading. Text that
sits directly in a container (a ``div`` with no ``p``) still becomes a paragraph.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import lxml.html
from lxml import etree

from tenderlint.document import Block
from tenderlint.errors import TenderlintError
from tenderlint.parsers.headings import SectionTrail
from tenderlint.parsers.text import clean_block, decode_text

# (Form controls are dropped, not forms: a contract published as a fill-in form keeps its clauses
# inside ``<form>``; what a reader types into its fields is no part of the text.)
DROPPED = {"script", "style", "nav", "template", "noscript", "head", "svg", "math", "iframe", "object", "embed", "canvas",
           "button", "select", "textarea", "datalist"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Elements whose content is one block of their own kind.
BLOCK_KINDS = {"p": "paragraph", "li": "list_item", "dt": "paragraph", "dd": "paragraph", "pre": "paragraph",
               "blockquote": "paragraph", "figcaption": "paragraph", "caption": "paragraph", "address": "paragraph",
               "td": "table_cell", "th": "table_cell", "summary": "paragraph"}
# Containers: they break the flow of text but are not blocks themselves.
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "body", "html", "ul", "ol", "dl",
              "table", "thead", "tbody", "tfoot", "tr", "figure", "details", "hr", "br", "center", "fieldset", "form"}


def parse_html(data: bytes, name: str):
    """Parse HTML bytes into ``ParsedContent``."""
    from tenderlint.parsers import ParsedContent

    # Decode ourselves (BOMs, UTF-8, cp1252) so that lxml never guesses Latin-1 for UTF-8 bytes.
    text = decode_text(data, name=name)
    root, too_deep = _lxml_tree(text, name)
    if too_deep:
        # libxml2 stops building the tree at 256 levels and drops everything after that point;
        # with the markup below MAX_DEPTH flattened, the deep text is kept (in fewer blocks).
        root, _ = _lxml_tree(flatten_deep_markup(text), name)
    title_el = root.find(".//title")
    title = clean_block(title_el.text_content()) if title_el is not None else None
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.tag.lower() in DROPPED:
            element.drop_tree()
    reader = HtmlReader()
    body = root.find("body")
    reader.walk(body if body is not None else root)
    reader.flush()
    return ParsedContent(reader.blocks, pages=None, title=title)


# Elements nested deeper than this lose their tags (not their text) before lxml parses the page:
# libxml2 refuses more than 256 levels, and the reader's recursion must stay well inside Python's limit.
MAX_DEPTH = 128
# Elements that never have content, so never open a level.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def _lxml_tree(text: str, name: str):
    """The page's lxml tree, and whether libxml2 gave up on its depth."""
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, recover=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise TenderlintError("corrupt", f"{name} cannot be parsed as HTML ({error})")
    too_deep = any(entry.type_name == "ERR_RESOURCE_LIMIT" or "depth" in entry.message.lower()
                   for entry in parser.error_log)
    return root, too_deep


def flatten_deep_markup(text: str, max_depth: int = MAX_DEPTH) -> str:
    """``text`` with every tag nested deeper than ``max_depth`` removed; a block-level tag there
    becomes a line break, so the deep text joins one block rather than vanishing."""
    flattener = _Flattener(max_depth)
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


class _Flattener(HTMLParser):
    """Copies markup through, tracking the open elements the way an HTML parser nests them."""

    def __init__(self, max_depth: int):
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.open: list[str] = []
        self.counts: dict[str, int] = {}  # how many of each tag are open
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            self._tag(tag, self.get_starttag_text())
            return
        self.open.append(tag)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self._tag(tag, self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, self.get_starttag_text())

    def handle_endtag(self, tag):
        if not self.counts.get(tag):
            return  # a stray end tag: HTML parsers ignore it too
        depth = len(self.open)  # the level of the element it closes: usually the innermost
        while self.open[depth - 1] != tag:
            depth -= 1
        for closed in self.open[depth - 1:]:
            self.counts[closed] -= 1
        del self.open[depth - 1:]
        if depth <= self.max_depth:
            self.out.append(f"</{tag}>")
        elif tag in HEADINGS or tag in BLOCK_KINDS or tag in CONTAINERS:
            self.out.append("<br>")

    def _tag(self, tag: str, markup: str | None) -> None:
        if len(self.open) <= self.max_depth:
            self.out.append(markup or "")
        elif tag in HEADINGS or tag in BLOCK_KINDS or tag in CONTAINERS:
            self.out.append("<br>")

    def handle_data(self, data):
        self.out.append(data if self.cdata_elem else escape(data, quote=False))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


class HtmlReader:
    """Accumulates inline text and emits a block whenever a block-level element ends."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.trail = SectionTrail()
        self.buffer: list[str] = []
        self.kind = "paragraph"
        self.table_index = -1
        self.cell: tuple[int, int, int] | None = None
        self._rows: list[int] = []
        self._cols: list[int] = []
        self.lists = 0  # how many <ul>/<ol> enclose the text being read: a list item's depth

    def flush(self, kind: str | None = None, level: int | None = None) -> None:
        text = clean_block("".join(self.buffer))
        self.buffer = []
        if not text:
            return
        kind = kind or "paragraph"
        if kind == "heading":
            above = self.trail.enter(text, level or 1)
            self.blocks.append(Block(text=text, kind="heading", section=above, level=level))
        elif kind == "table_cell" and self.cell is not None:
            table, row, col = self.cell
            self.blocks.append(Block(text=text, kind="table_cell", section=self.trail.trail, table=table, row=row, col=col))
        else:
            depth = (self.lists or None) if kind == "list_item" else None
            self.blocks.append(Block(text=text, kind=kind, section=self.trail.trail, depth=depth))

    def walk(self, element, kind: str = "paragraph") -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "table":
            self.flush(kind)
            self.table_index += 1
            self._rows.append(-1)
        elif tag == "tr" and self._rows:
            self._rows[-1] += 1
            self._cols.append(0)
        if tag in HEADINGS:
            self.flush(kind)
            self.buffer.append(element.text or "")
            for child in element:
                self._inline(child)
            self.flush("heading", HEADINGS[tag])
        elif tag in BLOCK_KINDS:
            self.flush(kind)
            own_kind = BLOCK_KINDS[tag]
            if tag == "p" and kind in ("list_item", "table_cell"):
                own_kind = kind  # a paragraph inside a list item or cell keeps its container's kind
            if own_kind == "table_cell" and self._rows:
                col = self._cols[-1] if self._cols else 0
                self.cell = (self.table_index, max(self._rows[-1], 0), col)
                if self._cols:
                    self._cols[-1] += int(element.get("colspan", "1") or 1) if str(element.get("colspan", "1")).isdigit() else 1
            self.buffer.append(element.text or "")
            for child in element:
                self._child(child, own_kind)
            self.flush(own_kind)
        else:
            if tag in CONTAINERS:
                self.flush(kind)  # (an item's own text, before the list nested in it)
            nests = tag in ("ul", "ol")
            self.lists += nests
            self.buffer.append(element.text or "")
            for child in element:
                self._child(child, kind)
            if tag in CONTAINERS:
                self.flush(kind)
            self.lists -= nests
        if tag == "tr" and self._cols:
            self._cols.pop()
        if tag == "table" and self._rows:
            self._rows.pop()
        if isinstance(element.tag, str) and element.tail and tag not in ("tr",):
            self.buffer.append(element.tail)

    def _child(self, child, kind: str) -> None:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in HEADINGS or tag in BLOCK_KINDS or tag in CONTAINERS:
            if tag == "br":
                self.buffer.append("\n")
                self.buffer.append(child.tail or "")
                return
            self.walk(child, kind)
        else:
            self._inline(child, kind)

    def _inline(self, element, kind: str = "paragraph") -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in BLOCK_KINDS or tag in CONTAINERS and tag != "br":
            self.walk(element, kind)
            return
        if tag == "br":
            self.buffer.append(" ")
        elif isinstance(element.tag, str):
            self.buffer.append(element.text or "")
            for child in element:
                self._inline(child, kind)
        self.buffer.append(element.tail or "")
