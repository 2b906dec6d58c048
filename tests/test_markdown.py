"""Markdown through markdown-it: the structures a line-by-line reader got wrong, and a huge table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderlint.parsers import parse


def _parse(tmp_path: Path, text: str):
    path = tmp_path / "tender.md"
    path.write_text(text, encoding="utf-8")
    return parse(path)


def test_markdown_setext_heading_over_two_lines(tmp_path: Path):
    doc = _parse(tmp_path, "Data protection and\nsecurity requirements\n=====================\n\n"
                           "The supplier keeps personal data in the region.\n\nHosting\n-------\n\nIn the region.\n")
    assert [(b.text, b.level) for b in doc.headings] == [("Data protection and security requirements", 1),
                                                         ("Hosting", 2)]
    assert doc.blocks[-1].section == ["Data protection and security requirements", "Hosting"]


def test_markdown_paragraph_followed_by_a_rule_line_is_a_setext_heading(tmp_path: Path):
    # The old reader only took a one-line paragraph as a setext heading and dropped the rule otherwise.
    doc = _parse(tmp_path, "Intro line one\nintro line two\n---\n\nBody text.\n")
    assert [(b.text, b.level) for b in doc.headings] == [("Intro line one intro line two", 2)]


def test_markdown_code_blocks_are_text_not_structure(tmp_path: Path):
    doc = _parse(tmp_path, "# Interfaces\n\n```yaml\n# retention_days: 30\n- export_format: csv\n```\n\n"
                           "    # indented code, not a heading\n    | not | a table |\n\nAfter the code.\n")
    assert [b.text for b in doc.headings] == ["Interfaces"]
    texts = [b.text for b in doc.blocks]
    assert "# retention_days: 30 - export_format: csv" in texts
    assert "# indented code, not a heading | not | a table |" in texts
    assert not any(b.kind in ("list_item", "table_cell") for b in doc.blocks)


def test_markdown_snake_case_names_stay_whole(tmp_path: Path):
    doc = _parse(tmp_path, "The field model_card_url and the flag retain_training_data_after_exit are "
                           "required; **bold** and _emphasis_ lose their marks.\n")
    assert doc.blocks[0].text == ("The field model_card_url and the flag retain_training_data_after_exit are "
                                  "required; bold and emphasis lose their marks.")


def test_markdown_tables_with_markup_escaped_pipes_and_alignment(tmp_path: Path):
    doc = _parse(tmp_path, "## Deliverables\n\n| Item | Rule | Due |\n|:-----|:----:|----:|\n"
                           "| [Model card](https://example.org/card) | a \\| b | **Month 2** |\n"
                           "| `audit_log_export` | none | Month 3 |\n\nAfter the table.\n")
    cells = [(b.table, b.row, b.col, b.text) for b in doc.blocks if b.kind == "table_cell"]
    assert cells == [(0, 0, 0, "Item"), (0, 0, 1, "Rule"), (0, 0, 2, "Due"),
                     (0, 1, 0, "Model card"), (0, 1, 1, "a | b"), (0, 1, 2, "Month 2"),
                     (0, 2, 0, "audit_log_export"), (0, 2, 1, "none"), (0, 2, 2, "Month 3")]
    assert all(b.section == ["Deliverables"] for b in doc.blocks if b.kind == "table_cell")
    assert doc.blocks[-1].text == "After the table." and doc.blocks[-1].kind == "paragraph"


def test_markdown_nested_lists_and_loose_items(tmp_path: Path):
    doc = _parse(tmp_path, "1. Keep logs\n   - for a year\n   - off site\n2. Report incidents\n\n"
                           "   within a day, in writing.\n")
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items == ["Keep logs", "for a year", "off site", "Report incidents"]
    assert doc.blocks[-1].text == "within a day, in writing." and doc.blocks[-1].kind == "paragraph"


def test_markdown_html_and_comments_keep_only_words(tmp_path: Path):
    doc = _parse(tmp_path, "<!-- internal: do not publish -->\n\n<div class=\"note\">Hosted in the EU.</div>\n\n"
                           "Text with <span>inline</span> tags<br>and a break.\n")
    texts = [b.text for b in doc.blocks]
    assert texts == ["Hosted in the EU.", "Text with inline tags and a break."]


def test_markdown_200000_row_table_is_read_whole(tmp_path: Path):
    """The size that took a minute before (issue 14); bench/markdown_table.py prints its time."""
    rows = 200_000
    path = tmp_path / "prices.md"
    with path.open("w", encoding="utf-8") as out:
        out.write("# Price schedule\n\n| Item | Unit | Price |\n|---|---|---|\n")
        out.writelines(f"| Licence seat {i} | per month | {i % 97}.00 |\n" for i in range(rows))
        out.write("\nPrices include support.\n")
    doc = parse(path)
    cells = [b for b in doc.blocks if b.kind == "table_cell"]
    assert len(cells) == 3 * (rows + 1)
    last = cells[-3:]
    assert [(b.row, b.col, b.text) for b in last] == [(rows, 0, f"Licence seat {rows - 1}"), (rows, 1, "per month"),
                                                      (rows, 2, f"{(rows - 1) % 97}.00")]
    assert doc.blocks[-1].text == "Prices include support." and doc.blocks[-1].section == ["Price schedule"]
    assert doc.text[last[0].start:last[0].end] == last[0].text


def test_a_page_whose_text_sits_in_its_front_matter_is_read_with_its_sections(tmp_path: Path):
    # Static-site terms pages keep each section as a title and an HTML "content" in the front
    # matter, with nothing below it; such a page used to read as empty.
    page = (
        '---\ntitle: "Terms of Service"\ndate: 2025-09-03\nlayout: "policy"\n\npolicy_sections:\n'
        '  - title: "1. Your Account"\n    content: |\n'
        '      <p>Keep your password secret.</p>\n      <p>Tell us at once if someone uses your account.</p>\n'
        '  - title: "2. Fees"\n    content: |\n      <ul>\n        <li>Plans renew every month.</li>\n      </ul>\n'
        '---\n')
    doc = _parse(tmp_path, page)
    texts = [(b.kind, b.text) for b in doc.blocks]
    assert ("heading", "1. Your Account") in texts and ("heading", "2. Fees") in texts
    fees = next(b for b in doc.blocks if b.text == "Plans renew every month.")
    assert fees.kind == "list_item" and fees.section[-1] == "2. Fees"
    assert not any("2025-09-03" in text or "policy" == text for _, text in texts)  # settings stay out


def test_front_matter_without_page_text_leaves_the_body_as_it_is(tmp_path: Path):
    doc = _parse(tmp_path, '---\ntitle: "Order"\nsections:\n  - title: "A"\n    content: "unused"\n---\n\n'
                           "# Order\n\nThe supplier shall host the data in the region.\n")
    assert [b.text for b in doc.blocks] == ["Order", "The supplier shall host the data in the region."]


def test_a_list_item_followed_by_an_empty_bullet_stays_an_item(tmp_path: Path):
    # Documents converted to Markdown leave empty bullets under an item; CommonMark reads the
    # item's sentence over a lone "-" as a setext heading, which would open a section and put
    # every later requirement under a sentence.
    path = tmp_path / "sor.md"
    path.write_text("The system should meet these needs:\n\n"
                    "1. The database should be compliant with state standards.\n"
                    "2. The database should meet the security guidelines.\n\t- \n\t\t- \n\n"
                    "3. The database should be spatially aware.\n", encoding="utf-8")
    blocks = parse(path).blocks
    assert [b.kind for b in blocks if b.text.startswith("The database")] == ["list_item"] * 3
    assert not any(b.kind == "heading" for b in blocks)
    assert all(b.section == [] for b in blocks)


def test_a_text_dump_marks_roman_numeral_items_like_lettered_ones(tmp_path: Path):
    # A Markdown file that is a line-by-line text dump (no blank lines) numbers its sub-items
    # "i.", "ii.", "iii." …; "ii." and "iv." are items as much as "i." and "a." are.
    lines = ["You shall not use the model to:", "a. Break the law, including:"]
    lines += [f"{n}. Forbidden act number {k}." for k, n in enumerate(["i", "ii", "iii", "iv", "v", "vi", "ix", "xii"])]
    lines += ["b. Mislead other people."] + [f"Closing line {k} of the licence text." for k in range(20)]
    doc = _parse(tmp_path, "\n".join(lines) + "\n")
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items[:10] == ["Break the law, including:"] + [f"Forbidden act number {k}." for k in range(8)] + ["Mislead other people."]


def test_numbered_prose_indented_like_code_keeps_its_items(tmp_path: Path):
    # A licence saved as text, its clauses numbered and indented eight spaces: Markdown reads the
    # indentation as a code block, but the numbered lines are still the items of a list.
    text = ("You agree not to use the model:\n\n"
            "        1. To break any law or regulation that applies to you;\n"
            "        2. To make fully automated decisions about people's legal rights;\n"
            "           or their access to credit;\n"
            "        3. To pass off generated text as written by a person.\n\n"
            "After the list.\n")
    doc = _parse(tmp_path, text)
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items == ["1. To break any law or regulation that applies to you;",
                     "2. To make fully automated decisions about people's legal rights; or their access to credit;",
                     "3. To pass off generated text as written by a person."]


def test_an_appendix_list_run_into_one_paragraph_keeps_its_items(tmp_path: Path):
    # "A.1 …;" then "A.2 …;" on the next lines: Markdown knows no such marker and runs the list
    # into one paragraph; each line is an item, so the lead-in above reads on into each of them.
    text = ("Appendix A: Use Restrictions\nYou agree not to use the model:\n\n"
            "A.1 To break any law that applies to you;\n"
            "A.2 To make automated decisions about people's rights without oversight;\n"
            "A.3 To reveal personal information without consent.\n\n"
            "Closing paragraph\nof the licence, wrapped over two lines.\n")
    doc = _parse(tmp_path, text)
    assert [b.text for b in doc.blocks if b.kind == "list_item"] == [
        "A.1 To break any law that applies to you;",
        "A.2 To make automated decisions about people's rights without oversight;",
        "A.3 To reveal personal information without consent."]
    assert [b.kind for b in doc.blocks if b.text.startswith("Closing")] == ["paragraph"]
