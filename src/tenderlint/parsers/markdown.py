"""Markdown and plain text → blocks: headings, list items, tables, paragraphs, code.

Markdown is parsed by ``markdown-it-py`` (CommonMark, with GFM tables and strikethrough):
setext and ATX headings, fenced and indented code, nested lists and block quotes follow the
specification, and inline markup is reduced to the words a reader sees (``snake_case_names``
stay whole). Plain text uses blank lines for paragraphs and infers headings from clause
numbering and short capitalised lines, as PDFs do. Two shapes of a PDF's text saved as .md are
mended first: one clause per line with no blank line (read line by line), and a blank line after
every wrapped line (the wrapped lines joined again, ``unwrap_double_spaced``). A numbered heading
on a line of its own ("7. Termination and Suspension"), which CommonMark reads as an ordered list
of one item, is a heading (``lone_numbered_items``), and so is one that CommonMark ran on into
the paragraph before it ("… in Annex B." then "2. Purchase of the service": ``headings_inside``).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from tenderlint.document import Block
from tenderlint.parsers.headings import HeadingGuess, SectionTrail, guess_heading, has_dot_leader
from tenderlint.parsers.text import clean_block, decode_text, normalise_characters

# (roman numerals past "i" and "v" too: "ii. …", "iv) …" mark items as much as "a." does)
_LIST = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)]|(?:[a-z]|x{0,3}(?:ix|iv|v?i{1,3}|v))[.)]|\([a-z0-9]{1,3}\))\s+(.*)$")
# A Markdown file of at least this many lines with almost no blank line is a text dump (see parse_markdown).
LINE_DUMP_MIN_LINES = 20
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_ADMONITION = re.compile(r"^\[!(?:NOTE|WARNING|TIP|IMPORTANT|CAUTION)\]\s*", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A cell with none of these characters has no inline markup, so it needs no inline parse.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>!&~]")

# GFM table lines: a delimiter row ("| --- | :-: |") and a cell separator (an unescaped pipe).
_TABLE_DELIMITER = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


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
        if not text.strip():
            # A static-site page may keep its whole text in the front matter ("sections:" with a
            # title and an HTML "content" each): read that, rather than report an empty document.
            sections = front_matter_sections(front.group(1))
            if sections:
                from tenderlint.parsers.html import parse_html

                parsed = parse_html(sections.encode("utf-8"), name)
                return ParsedContent(parsed.blocks, pages=None, title=title)
    if _mostly_html(text):
        # A page saved as .md whose text is HTML markup (a site template, a web page's source):
        # Markdown would keep each HTML block as one paragraph of the whole section, so its
        # headings, paragraphs and list items are read as HTML.
        from tenderlint.parsers.html import parse_html

        parsed = parse_html(text.encode("utf-8"), name)
        return ParsedContent(parsed.blocks, pages=None, title=title or parsed.title)
    lines = text.splitlines()
    numbered = [i for i, line in enumerate(lines) if line.strip()]  # the non-blank lines
    nonblank = [lines[i] for i in numbered]
    if (len(nonblank) >= LINE_DUMP_MIN_LINES and len(lines) - len(nonblank) <= 0.05 * len(nonblank)
            and not any(line.lstrip().startswith(("#", "|", "```")) for line in nonblank)):
        # A text dump with one paragraph or clause per line and (almost) no blank lines, such as a
        # PDF's text saved as .md: Markdown would join all of it into a few giant paragraphs, so
        # each line is read as its own paragraph, with headings inferred as in plain text.
        return ParsedContent(plain_text_blocks([part for line in nonblank for part in (line, "")]),
                             pages=None, title=title)
    return ParsedContent(MarkdownReader(unwrap_double_spaced(text, lines, numbered)).blocks(), pages=None, title=title)


# Block-level HTML tags whose presence makes an HTML block a page's text rather than an embedded
# widget; the share of the text in HTML blocks above which the whole file is read as HTML.
_HTML_TEXT_TAGS = re.compile(r"<(?:p|li|h[1-6])[\s>]", re.I)
MOSTLY_HTML_SHARE = 0.5


def _mostly_html(text: str) -> bool:
    """Whether most of a Markdown file's text sits in HTML blocks that hold paragraphs, list items
    or headings (MOSTLY_HTML_SHARE)."""
    if not _HTML_TEXT_TAGS.search(text):
        return False
    # (indented markup is a code block to Markdown: a template's nested elements)
    html = sum(len(token.content) for token in markdown_parser().parse(text)
               if token.type == "html_block" or (token.type == "code_block" and _HTML_TEXT_TAGS.search(token.content)))
    return html >= MOSTLY_HTML_SHARE * len(text.strip())


# A line that stops in mid-sentence ("… all or any portion of the", "… including,") and the next
# one that carries on in lower case ("any portion of the Services at its sole discretion").
_STOPS_MID_SENTENCE = re.compile(r"[a-z,]\s*$")
_CARRIES_ON = re.compile(r"^\s*[a-z]")
# Share of lines that carry on a sentence across a blank line, above which a text is double-spaced.
DOUBLE_SPACED_MIN_SHARE = 0.2


def unwrap_double_spaced(text: str, lines: list[str], nonblank: list[int]) -> str:
    """A PDF's text saved double-spaced (a blank line after every wrapped line) splits each sentence
    into as many paragraphs as it has lines. When at least DOUBLE_SPACED_MIN_SHARE of the lines
    carry a sentence on across a blank line, a single blank line after a line that stops in
    mid-sentence (and is no heading) is a line wrap: the lines are joined; two or more blank lines
    still part paragraphs. In any other text, a single blank line is a wrap only where the sentence
    visibly carries on across it, from a line that stops in mid-sentence to one that goes on in lower
    case (a page break left in a converted text: "… may agree to indemnify you against", blank,
    "certain third-party claims …"). ``lines`` are the text's lines, ``nonblank`` the indices of
    those that are not blank (parse_markdown has them already)."""
    carries_on = [b - a == 2 and bool(_STOPS_MID_SENTENCE.search(lines[a])) and bool(_CARRIES_ON.match(lines[b]))
                  for a, b in zip(nonblank, nonblank[1:])]
    double_spaced = (len(nonblank) >= LINE_DUMP_MIN_LINES
                     and sum(carries_on) >= DOUBLE_SPACED_MIN_SHARE * len(nonblank))
    if not double_spaced and not any(carries_on):
        return text
    keep = [True] * len(lines)
    for (a, b), carried in zip(zip(nonblank, nonblank[1:]), carries_on):
        line = lines[a].strip()
        if (b - a == 2 and (carried or double_spaced) and _STOPS_MID_SENTENCE.search(line)
                and not line.startswith(("#", "|")) and guess_heading(clean_block(line)) is None):
            keep[a + 1] = False  # (the blank between a wrapped line and its continuation)
    return "\n".join(line for line, kept in zip(lines, keep) if kept)


# Keys of front-matter entries that hold a page's text.
_TEXT_KEYS = ("content", "body", "text", "html")


def front_matter_sections(front: str) -> str:
    """The text a page keeps in its front matter (the YAML between the ``---`` lines), as HTML:
    each nested entry with a text key ("content", "body", …) becomes its title as a heading and the
    text under it; "" when there is none. Top-level scalars (title, date, layout) are page
    settings, not text."""
    import yaml

    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:  # (malformed front matter: read as a page without one, as before)
        return ""
    parts: list[str] = []

    def walk(node, depth: int) -> None:
        if isinstance(node, dict):
            body = next((node[key] for key in _TEXT_KEYS if isinstance(node.get(key), str)), None)
            heading = node.get("title") or node.get("heading") or node.get("name")
            if body is not None and depth > 0:
                if isinstance(heading, str) and heading.strip():
                    level = min(depth + 1, 6)
                    parts.append(f"<h{level}>{html.escape(heading.strip(), quote=False)}</h{level}>")
                parts.append(body if "<" in body else
                             "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body.split("\n\n")))
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    walk(value, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth)

    walk(data, 0)
    return "\n".join(parts)


def parse_plain_text(data: bytes, name: str):
    """Parse plain-text bytes into ``ParsedContent``."""
    from tenderlint.parsers import ParsedContent

    text = decode_text(data, name=name)
    return ParsedContent(plain_text_blocks(text.splitlines()), pages=None)


def gfm_table(state, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it block rule: a GFM pipe table as one ``table`` token holding its rows' lines.

    Hand-written in place of markdown-it's own table rule for a measured reason: that rule makes
    eleven tokens and an inline parse per row, so a 200,000-row table took 27 s and 1 GB just to
    tokenize; one token per table, split with ``str.split`` and an inline parse only for cells
    that have markup, reads the same table in about 3 s.
    """
    if start_line + 1 >= end_line or state.sCount[start_line] - state.blkIndent >= 4:
        return False
    if state.sCount[start_line + 1] < state.blkIndent:
        return False
    header = _line(state, start_line)
    delimiter = _line(state, start_line + 1)
    # Both rows need a pipe: "Text\n---" is a setext heading, not a one-column table.
    if "|" not in header or "|" not in delimiter or not _TABLE_DELIMITER.match(delimiter):
        return False
    if len(split_row(header)) != len(split_row(delimiter)):
        return False
    if silent:
        return True
    lines = [header]
    line = start_line + 2
    while line < end_line:
        if state.sCount[line] < state.blkIndent:
            break
        text = _line(state, line)
        if not text or "|" not in text:
            break
        lines.append(text)
        line += 1
    token = state.push("table", "table", 0)
    token.map = [start_line, line]
    token.meta = {"lines": lines}
    state.line = line
    return True


def _line(state, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].strip()


def split_row(row: str) -> list[str]:
    """The cells of one table row (outer pipes optional, ``\\|`` is a pipe inside a cell)."""
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    if "\\" not in row:
        return [cell.strip() for cell in row.split("|")]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SEPARATOR.split(row)]


@lru_cache(maxsize=1)
def markdown_parser():
    """The one markdown-it parser: CommonMark, raw HTML allowed (reduced to its text), GFM tables."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.block.ruler.at("table", gfm_table, {"alt": ["paragraph", "reference"]})
    return md


def inline_text(children) -> str:
    """The words of an inline token's children: markup dropped, image alt text and code kept."""
    parts: list[str] = []
    for child in children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append(inline_text(child.children))
        elif kind == "html_inline" and _LINE_BREAK_TAG.fullmatch(child.content.strip()):
            parts.append(" ")
    return "".join(parts)


_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "&"})
_TITLE_WORD = re.compile(r"^[(\[]?[A-Z][\w'’&/-]*[)\]]?$")


# A short line in bold that ends in a colon and says what a party may, must or grants ("**We may
# modify these Terms:**", "**You grant us a licence to:**") opens the list under it, as a lead-in
# does; it titles no section.
_CLAUSE_LEAD_IN = re.compile(r"\b(?:may|shall|will|must|can|cannot|agrees?|grants?|reserves?|warrants?)\b", re.I)


def pseudo_heading(children, text: str) -> HeadingGuess | str | None:
    """How a top-level paragraph is a heading written without Markdown's marks, as documents
    converted from Word or PDF write them: the ``HeadingGuess`` of a line that reads as a heading
    by its numbering or capitals ("1.0 Background", "PROJECT COMPLEXITY"); "title" for a whole
    paragraph in bold ("**Scope of Work**") or a short title-case line ("Business Need"), a heading
    only if text follows it (a flattened table's header cells, "**Deliverable Name**" then
    "**Definition**", are not); None for a paragraph."""
    line = text.strip()
    if not line or "\n" in line or len(line) > 90 or any(c.type in ("softbreak", "hardbreak") for c in children or ()):
        return None
    if line[-1] in ".;,!?" or (line[-1] == ":" and (len(line.split()) > 6 or _CLAUSE_LEAD_IN.search(line))):
        return None
    kinds = [c.type for c in children or () if c.type != "text" or c.content.strip()]
    if kinds[:1] == ["strong_open"] and kinds[-1:] == ["strong_close"] and kinds.count("strong_open") == 1:
        return "title" if len(line.split()) <= 12 else None
    guess = guess_heading(line)
    if guess is not None:
        return guess
    words = line.rstrip(":").split()
    if (1 <= len(words) <= 6 and bool(_TITLE_WORD.match(words[0]))
            and all(w.lower() in _SMALL_WORDS or _TITLE_WORD.match(w) for w in words)
            and any(len(w) >= 4 for w in words) and not any(ch.isdigit() for ch in line)):
        return "title"
    return None


def titled(text: str) -> str:
    """A short title with the full stop some documents end their headings with ("License.",
    "Term and Termination."), without it; any other text as it is."""
    words = text.strip().rstrip(".").split()
    if (text.strip().endswith(".") and not text.strip().endswith("..") and 1 <= len(words) <= 5
            and _TITLE_WORD.match(words[0]) and all(w.lower() in _SMALL_WORDS or _TITLE_WORD.match(w) for w in words)):
        return text.strip().rstrip(".")
    return text


def lone_numbered_items(tokens) -> dict[int, str]:
    """The inline tokens that are the only text of a top-level ordered list of one item, each with
    its number as written ("7."): a document converted to Markdown often writes its numbered
    headings so ("7. Termination and Suspension", then the clause's paragraphs)."""
    lone: dict[int, str] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "ordered_list_open" and token.level == 0:
            close = next(j for j in range(index + 1, len(tokens))
                         if tokens[j].type == "ordered_list_close" and tokens[j].level == 0)
            items = [j for j in range(index + 1, close) if tokens[j].type == "list_item_open"]
            inlines = [j for j in range(index + 1, close) if tokens[j].type == "inline"]
            if len(items) == 1 and len(inlines) == 1 and tokens[items[0]].info:
                lone[inlines[0]] = f"{tokens[items[0]].info}{tokens[items[0]].markup}"
            index = close
        index += 1
    return lone


_ENDS_SENTENCE = re.compile(r"[.;:!?)\]”\"]\s*$")
# A numbered clause opening the line after a heading ("2.1 You must register …").
_CLAUSE_START = re.compile(r"^\(?\d+(?:\.\d+)*[.)]?\s")


def inline_lines(children) -> list[list]:
    """A paragraph's inline children split into its lines at soft breaks."""
    lines: list[list] = [[]]
    for child in children or ():
        if child.type == "softbreak":
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def paragraph_lines(children) -> list[str]:
    """The text of each non-empty line of a paragraph."""
    return [text for line in inline_lines(children) if (text := inline_text(line).strip())]


def headings_inside(children) -> list[tuple[str, HeadingGuess | None]] | None:
    """A paragraph's lines split at numbered headings run on into it: CommonMark lets only a list
    that starts at 1 interrupt a paragraph, so "2. Purchase and use of API Services" on the line
    after a clause's last sentence joins that clause. A line is such a heading when it reads as one
    by its numbering (``pseudo_heading``), is short, the line before it ends a sentence and it ends
    the paragraph or a numbered clause follows it (not "12.3. The right of use … includes the
    right to use" running on into its next line). Returns the paragraph's parts in order, each
    with its HeadingGuess when it is a heading, or None when the paragraph has none."""
    lines = inline_lines(children)
    if len(lines) < 2:
        return None
    texts = [inline_text(line).strip() for line in lines]
    cuts: dict[int, HeadingGuess] = {}
    for i in range(1, len(lines)):
        if (texts[i] and _ENDS_SENTENCE.search(texts[i - 1]) and len(texts[i].split()) <= 10
                and (i == len(lines) - 1 or _CLAUSE_START.match(texts[i + 1]))
                and isinstance(guess := pseudo_heading(lines[i], texts[i]), HeadingGuess) and guess.numbered):
            cuts[i] = guess
    if not cuts:
        return None
    parts: list[tuple[str, HeadingGuess | None]] = []
    start = 0
    for cut, guess in cuts.items():
        if start < cut:
            parts.append((" ".join(t for t in texts[start:cut] if t), None))
        parts.append((texts[cut], guess))
        start = cut + 1
    if start < len(texts):
        parts.append((" ".join(t for t in texts[start:] if t), None))
    return [(text, guess) for text, guess in parts if text]


class MarkdownReader:
    """Walks markdown-it's token stream once, keeping the section trail and each list item's first paragraph."""

    def __init__(self, text: str):
        self.text = text
        self.trail = SectionTrail()
        self.marked_level = 0  # the level of the last heading marked as one ("#", "##", underlined)
        self.title: str | None = None  # a title-case line waiting to learn whether text follows it
        self.out: list[Block] = []
        self.table_index = -1

    def blocks(self) -> list[Block]:
        tokens = markdown_parser().parse(self.text)
        lone = lone_numbered_items(tokens)
        heading_level: int | None = None
        # One entry per open list item: True until its first paragraph has been read.
        items: list[bool] = []
        containers: list[str] = []
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                heading_level = int(token.tag[1:])
                if token.markup == "-" and containers and containers[-1] == "item":
                    # A sentence in a list item "underlined" by the empty bullet that follows it
                    # ("3. The database should meet the guidelines.\n\t- "): CommonMark reads a
                    # setext heading, the converted document meant an item and an empty sub-list.
                    heading_level = None
            elif kind == "heading_close":
                heading_level = None
            elif kind == "list_item_open":
                items.append(True)
                containers.append("item")
            elif kind == "list_item_close":
                items.pop()
                containers.pop()
            elif kind == "blockquote_open":
                containers.append("quote")
            elif kind == "blockquote_close":
                containers.pop()
            elif kind == "inline":
                text = inline_text(token.children)
                if heading_level is not None:
                    self._heading(text, heading_level)
                elif containers and containers[-1] == "item" and items[-1]:
                    items[-1] = False
                    numbered = lone.get(index)
                    guess = pseudo_heading(token.children, f"{numbered} {titled(text)}") if numbered else None
                    if isinstance(guess, HeadingGuess) and guess.numbered and len(text.split()) <= 12:
                        # "7. Termination and Suspension" alone in its list: a numbered
                        # heading that Markdown read as an ordered list
                        self._numbered_heading(f"{numbered} {text}", guess)
                    else:
                        self._emit(text, "list_item", depth=len(items))
                elif not containers and (entries := list_entries(paragraph_lines(token.children))):
                    # "A.1 In violation of any law;\nA.2 For any military purpose;": a list whose
                    # markers Markdown does not know, run together into one paragraph
                    for part, entry_kind in entries:
                        self._emit(part, entry_kind, depth=1 if entry_kind == "list_item" else None)
                elif not containers and (parts := headings_inside(token.children)):
                    # "… as defined below.\n2. Purchase and use of API Services": a numbered
                    # heading that CommonMark ran on into the paragraph before it
                    for part, guess in parts:
                        if guess is not None:
                            self._numbered_heading(part, guess)
                        else:
                            self._emit(part, "paragraph")
                elif not containers and (guess := pseudo_heading(token.children, text)):
                    if guess == "title":
                        self._resolve_title(follows_text=False)
                        self.title = text  # a heading only if text follows it (_resolve_title)
                    elif guess.numbered:
                        self._numbered_heading(text, guess)
                    else:
                        self._heading(text, self.trail.level_for_unnumbered(), numbered=False, marked=False)
                else:
                    self._emit(_ADMONITION.sub("", text.lstrip()) if "quote" in containers else text, "paragraph")
            elif kind == "code_block" and (entries := indented_list_entries(token.content)):
                # prose indented four spaces or more (a licence or terms saved as text, its clauses
                # numbered and indented): its numbered lines are still list items
                for text, entry_kind in entries:
                    self._emit(text, entry_kind, depth=1 if entry_kind == "list_item" else None)
            elif kind in ("fence", "code_block"):
                self._emit(" ".join(line.strip() for line in token.content.splitlines() if line.strip()), "paragraph")
            elif kind == "html_block":
                self._emit(_TAG.sub("", _LINE_BREAK_TAG.sub(" ", _COMMENT.sub("", token.content))), "paragraph")
            elif kind == "table":
                self._table(token.meta["lines"])
        self._resolve_title(follows_text=False)
        return self.out

    def _numbered_heading(self, text: str, guess: HeadingGuess) -> None:
        """A heading written without Markdown's marks, placed by its numbering: "4.1 Updates" under
        "Section 4", below any "#" heading."""
        self._heading(text, self.marked_level + guess.level, numbered=True, marked=False)

    def _resolve_title(self, follows_text: bool) -> None:
        """Settle a pending title-case line: a heading when text follows it, else a paragraph."""
        title, self.title = self.title, None
        if title is None:
            return
        if follows_text:
            self._heading(title, self.trail.level_for_unnumbered(), numbered=False, marked=False)
        else:
            self._emit(title, "paragraph")

    def _heading(self, text: str, level: int, numbered: bool = True, marked: bool = True) -> None:
        self._resolve_title(follows_text=False)
        text = clean_block(text)
        if text:
            if marked:
                self.marked_level = level
            above = self.trail.enter(text, level, numbered=numbered)
            self.out.append(Block(text=text, kind="heading", section=above, level=level))

    def _emit(self, text: str, kind: str, depth: int | None = None) -> None:
        self._resolve_title(follows_text=kind in ("paragraph", "list_item"))
        text = clean_block(text)
        if text:
            self.out.append(Block(text=text, kind=kind, section=self.trail.trail, depth=depth))

    def _table(self, lines: list[str]) -> None:
        self._resolve_title(follows_text=True)
        self.table_index += 1
        section = self.trail.trail  # shared by the table's cells: one table sits in one section
        parse_inline = markdown_parser().parseInline
        # Normalised once for the whole table: per cell, the clean-up would cost more than the parse.
        rows = normalise_characters("\n".join(lines)).split("\n")
        for row_index, row in enumerate(rows):
            marked_up = _INLINE_MARKUP.search(row) is not None
            for col, cell in enumerate(split_row(row)):
                if marked_up and _INLINE_MARKUP.search(cell):
                    cell = clean_block("".join(inline_text(token.children) for token in parse_inline(cell)))
                if cell:
                    self.out.append(Block(text=cell, kind="table_cell", section=section,
                                          table=self.table_index, row=row_index, col=col))


# An appendix's own item numbers, a letter and a number: "A.1 In violation of any law;".
_APPENDIX_ITEM = re.compile(r"^\s*[A-Z]\.\d{1,2}[.)]?\s+\S")


def indented_list_entries(content: str) -> list[tuple[str, str]] | None:
    """The entries of an indented code block that is prose numbered as a list (at least two lines
    open with a list marker and words, and they are at least half its lines): each item with the
    lines that carry it on, and any text before the first item as a paragraph. None for code."""
    return list_entries([line.strip() for line in content.splitlines() if line.strip()])


def list_entries(lines: list[str]) -> list[tuple[str, str]] | None:
    """The entries of lines that are a list written without Markdown's marks ("A.1 …;" then "A.2
    …;" on the next line, or prose indented like code): when at least two lines open with a list
    marker and words and they are at least half the lines, each item with the lines that carry it
    on, and any text before the first item as a paragraph; otherwise None."""
    starts = [i for i, line in enumerate(lines)
              if (_LIST.match(line) or _APPENDIX_ITEM.match(line)) and len(line.split()) >= 3]
    if len(starts) < 2 or 2 * len(starts) < len(lines):
        return None
    entries: list[tuple[str, str]] = []
    if starts[0] > 0:
        entries.append((" ".join(lines[:starts[0]]), "paragraph"))
    for first, end in zip(starts, [*starts[1:], len(lines)]):
        entries.append((" ".join(lines[first:end]), "list_item"))
    return entries


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
