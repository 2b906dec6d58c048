"""Clauses of attached vendor terms that the contract strikes out are no red flags."""

from __future__ import annotations

import tenderlint
from tenderlint.rules import voided

STRUCK = "2.3 Sections V-2 and V-4 of Exhibit D shall have no force or effect as against the County."
TERMS = """# Exhibit D — Vendor Licence Terms

**V-2 Changes.** We may change the underlying models and these terms at any time without notice.

**V-4 Liability.** Our total liability will not exceed the fees you paid in the twelve months before the claim.
"""


def test_struck_clauses_are_read_with_their_place():
    assert voided.struck_clauses([STRUCK]) == [voided.StruckClause("V-2", "exhibit d"),
                                               voided.StruckClause("V-4", "exhibit d")]
    # a limit on a clause names no attached terms
    assert voided.struck_clauses(["Section 4 shall not apply to orders under $500."]) == []


def test_a_block_of_a_struck_clause_is_recognised():
    struck = voided.struck_clauses([STRUCK])
    assert voided.is_struck("**V-2 Changes.** We may change …", ["Exhibit D — Vendor Licence Terms"], struck)
    assert voided.is_struck("V-4.1 Our liability …", ["Exhibit D — Vendor Licence Terms"], struck)
    assert not voided.is_struck("V-3 Fees. …", ["Exhibit D — Vendor Licence Terms"], struck)
    assert not voided.is_struck("V-2 Changes. …", ["Main terms"], struck)


def test_flags_in_struck_clauses_are_not_reported():
    def flagged(text):
        return {f.topic for f in tenderlint.check_text(text, name="contract.md", doc_type="contract").red_flags}

    body = "# Contract\n\n2.1 The Vendor shall deliver the service described in Exhibit A.\n\n"
    assert {"maintenance-updates", "liability"} <= flagged(body + TERMS)
    assert not {"maintenance-updates", "liability"} & flagged(body + STRUCK + "\n\n" + TERMS)


def test_a_clause_quoted_and_struck_out_in_the_same_paragraph():
    block = ("Clause 5.3 of the Supplier Terms permits the Supplier to use customer content to improve its "
             "products. The Parties agree that Clause 5.3 does not apply to Buyer Data.")
    assert voided.struck_in_place(block, block.split(". ")[0] + ".")
    assert not voided.struck_in_place("Clause 5.3 permits the Supplier to use customer content to improve its "
                                      "products. Clause 6 does not apply.", "Clause 5.3 permits the Supplier to "
                                      "use customer content to improve its products.")
    text = "# Order form\n\n2. " + block + "\n"
    flags = {f.topic for f in tenderlint.check_text(text, name="order.md", doc_type="contract").red_flags}
    assert "data-rights" not in flags
