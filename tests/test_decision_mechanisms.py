"""The decision mechanisms that hold on unseen wording (issue 11): each one on texts we wrote.

- a red flag is a provision on its topic, so the topic is addressed (and still flagged);
- co-occurring phrases count only within a clause-sized window of each other, and the words just
  before an inline list "(i) … (ii) …" lead into each of its items;
- a topic word inside a company's name ("Secure Data Systems, Inc.") is no mention of the topic;
- a red flag the document answers elsewhere (service levels beside "as is", an indemnity beside a
  disclaimer of non-infringement, a public records carve-out beside secret contract terms) is
  withdrawn, and what the answer does not answer (a ban on publishing the contract) stays flagged;
- lettered clauses after an obligation lead-in inherit its form and its context;
- bare entries under a deliverables heading are deliverables, and are read as handed over;
- handling of the bids (proposals destroyed, white papers reviewed) does not cover solution topics;
- the solicitation-only topics are at most mentioned in a contract;
- a solicitation issuer's reservations about its own procurement ("may modify the RFP before the
  Closing Time") raise no red flag: the buyer wrote them for itself; its disclaimer of the
  information it gives bidders covers no topic either;
- "Don’t …" prohibitions in terms of service are provisions, and so are the entries listed under
  a heading that forbids ("Prohibited uses");
- the cells of a table column headed by what must be met ("Performance Standard(s)") are
  requirements, and so are the entries listed under a heading over the work to do ("Scope of
  Work", "Tasks"), unless a heading or lead-in between says they describe what exists;
- a stated aim ("The objective of the project is …") covers outcomes only; what the buyer seeks
  is what it buys, a requirement on every topic it names;
- a requirement list item ending in a colon leads into its nested items, with the list depth read
  from Markdown, Word list levels and nested HTML lists;
- typeset apostrophes ("30 days’ notice") read as typed ones, and "and/or" as "or";
- plain statements that outputs may be wrong (transparency, performance) or that the service is
  AI-powered (AI disclosure) are provisions of vendor terms for the topics whose rules say so.
"""

from __future__ import annotations

import pytest

from tenderlint.check import Checker, CheckOptions
from tenderlint.document import Block, Document
from tenderlint.nlp import get_pipeline
from tenderlint.rules import cues
from tenderlint.rules.engine import COOCCUR_WINDOW, judge_text


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CheckOptions(use_model=False))


def _document(*blocks: tuple[str, str]) -> Document:
    at, located = 0, []
    for kind, text in blocks:
        located.append(Block(text=text, kind=kind, section=["1 Terms"], start=at))
        at += len(text) + 2
    return Document(path="<test>", sha256="", format="text", blocks=located)


def _status(result, topic: str) -> str:
    return next(t.status for t in result.topics if t.id == topic)


def _status_of_text(tmp_path, checker, name: str, text: str, topic: str, kind: str = "contract") -> str:
    from tenderlint.check import parse_file

    path = tmp_path / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return _status(checker.check_parsed(parse_file(path, checker.options), kind), topic)


def test_red_flag_makes_its_topic_addressed(checker):
    # Only the red flag finds this training clause; the topic is addressed, against the buyer.
    text = "We may use the content you submit and the outputs generated to train and improve our models."
    result = checker.check_document(_document(("paragraph", text)), "contract")
    data_rights = next(t for t in result.topics if t.id == "data-rights")
    assert [f.topic for f in result.red_flags] == ["data-rights"]
    assert data_rights.status == "covered" and data_rights.red_flag and data_rights.is_gap


def test_cooccurrence_needs_its_phrases_close_together(compiled):
    near = "The Contractor shall return all State data upon termination of the contract."
    filler = " ".join(["routine", "reporting", "items", "such", "as", "timesheets"] * 8)
    far = f"The Contractor shall return the keys, {filler}, and the contract may end by termination for data reasons."
    assert "exit-transition" in judge_text(compiled, near)[0]
    assert len(filler.split()) > COOCCUR_WINDOW
    assert "exit-transition" not in judge_text(compiled, far)[0]


def test_only_the_phrases_that_found_a_topic_explain_it(checker):
    # "provide" and "support" also belong to the API co-occurrence of interoperability, which this
    # sentence does not complete (no API): they neither keep the excepted integration in scope nor
    # appear among the words that found the topic.
    excepted = "The Contractor shall provide network support services (except systems integration)."
    result = checker.check_document(_document(("paragraph", excepted)), "rfp")
    assert _status(result, "interoperability") != "covered"
    required = "The Contractor shall provide network support services and systems integration."
    result = checker.check_document(_document(("paragraph", required)), "rfp")
    evidence = next(t for t in result.topics if t.id == "interoperability").evidence
    assert _status(result, "interoperability") == "covered"
    assert evidence[0].why.endswith("matched: systems integration")


def test_a_licence_of_model_weights_and_inference_code_is_about_ai(checker):
    # A model released as weights with inference code is a learned model, whatever the licence
    # calls it; the AI topics apply to it.
    licence = _document(
        ("paragraph", "We make the model weights and inference code available under this licence."),
        ("paragraph", "You may create derivatives of the model weights for non-commercial purposes."),
        ("paragraph", "Every copy of the inference code you distribute must carry this licence."),
        ("paragraph", "The licensee is solely responsible for each output it creates and for the subsequent use of that output."))
    result = checker.check_document(licence, "contract")
    assert _status(result, "human-oversight") == "covered"


def test_opening_words_lead_into_every_inline_item(compiled):
    # "Upon termination, (i) … (ii) …": the opening words reach the second item however long the
    # first; without the inline list the same distance is too far.
    filler = " ".join(["routine", "reporting", "items", "such", "as", "timesheets"] * 8)
    listed = (f"Upon termination of the contract, (i) the licence ends with {filler}, and (ii) the Supplier "
              "shall deliver to the Buyer all source files and documentation.")
    unlisted = (f"Upon termination of the contract the licence ends with {filler}, and the Supplier "
                "shall deliver to the Buyer all source files and documentation.")
    assert len(filler.split()) > COOCCUR_WINDOW
    assert "exit-transition" in judge_text(compiled, listed)[0]
    assert "exit-transition" not in judge_text(compiled, unlisted)[0]
    # words far before the list (beyond the window) lead into nothing
    distant = (f"Upon termination of the contract, {filler}, the parties agree that (i) the licence ends, and "
               "(ii) the Supplier shall deliver to the Buyer all source files and documentation.")
    assert "exit-transition" not in judge_text(compiled, distant)[0]


def test_a_topic_word_inside_a_company_name_is_no_mention(compiled):
    # "Secure Data Systems, Inc." is a party; the same words outside a name still count.
    named = "This agreement is made between the County and SECURE DATA SYSTEMS, INC. of Springfield."
    assert not ({"security", "data-rights"} & judge_text(compiled, named)[1])
    assert "security" in judge_text(compiled, "The County asked for secure data systems.")[1]
    assert "security" in judge_text(compiled, "Acme Data Ltd shall encrypt all County data at rest.")[0]


def test_lettered_clauses_inherit_the_lead_in(checker):
    lead = "Within thirty days after the agreement ends, the Provider will:"
    item = "(a) delete every copy of the Customer Data it holds and confirm the deletion in writing;"
    alone = checker.check_document(_document(("paragraph", item)), "contract")
    listed = checker.check_document(_document(("paragraph", lead), ("paragraph", item)), "contract")
    assert _status(alone, "decommissioning") != "covered"
    assert _status(listed, "decommissioning") == "covered"


def test_numbered_subclauses_of_the_section_inherit_the_lead_in(checker):
    """"2.1.7 …" under the heading "2.1 Compliance" continues that section's list: after "The
    supplier shall deliver a solution that complies with:" each numbered line is a requirement."""
    lead = "The supplier shall deliver a solution that complies with:"
    item = "1.4 The needs of users with disabilities, as the state accessibility standard sets them."
    elsewhere = "2.4 The needs of users with disabilities, as the state accessibility standard sets them."
    alone = checker.check_document(_document(("paragraph", item)), "rfp")
    listed = checker.check_document(_document(("paragraph", lead), ("paragraph", item)), "rfp")
    other_section = checker.check_document(_document(("paragraph", lead), ("paragraph", elsewhere)), "rfp")
    assert _status(alone, "accessibility") != "covered"
    assert _status(listed, "accessibility") == "covered"
    assert _status(other_section, "accessibility") != "covered"


@pytest.mark.parametrize("text,section,expected", [
    ("2.1.7 The needs of users", ["Guiding Principles", "2.1 Compliance"], True),
    ("C.3.1.2 Monthly reports", ["C.3.1 Reporting"], True),
    ("2.2.1 The needs of users", ["2.1 Compliance"], False),
    ("12.1 Scope", ["1 Background"], False),
    ("2.1.7 The needs of users", ["Compliance"], False),
])
def test_is_subclause(text, section, expected):
    assert cues.is_subclause(text, section) is expected


def test_lead_in_does_not_lend_a_topic_to_an_unrelated_item(checker):
    lead = "Within thirty days after the agreement ends, the Provider will:"
    item = "(a) send a final invoice for the fees owed;"
    listed = checker.check_document(_document(("paragraph", lead), ("paragraph", item)), "contract")
    assert _status(listed, "decommissioning") != "covered"
    assert _status(listed, "exit-transition") != "covered"


@pytest.mark.parametrize("text", [
    "When the evaluation is complete, the Agency will keep one copy of each proposal and destroy all other copies.",
    "The Agency will review each white paper it receives and may examine records the offeror supplies.",
])
def test_handling_the_bids_does_not_cover_solution_topics(compiled, text):
    assert cues.is_about_submissions(text)
    covered, _, _ = judge_text(compiled, text)
    assert not covered & {"decommissioning", "audit-logging"}


def test_solution_provision_that_names_proposals_still_counts(compiled):
    text = "Proposals must describe how the Contractor will destroy all State data at the end of the contract."
    assert not cues.is_about_submissions(text)
    assert "decommissioning" in judge_text(compiled, text)[0]


def test_solicitation_topics_are_mentions_in_a_contract(checker):
    text = "The Department seeks to reduce the time taken to answer benefit enquiries from five days to one."
    document = _document(("paragraph", text))
    assert _status(checker.check_document(document, "rfp"), "outcomes") == "covered"
    assert _status(checker.check_document(document, "contract"), "outcomes") == "weak"


@pytest.mark.parametrize("text,expected", [
    ("Don’t use the assistant to probe or attack the security of other systems.", True),
    ("Do not share your account credentials with anyone.", True),
    ("(b) never upload special categories of personal data.", True),
    ("Donations to the programme are welcome.", False),
])
def test_prohibition_in_the_imperative_is_a_provision(text, expected):
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert (cues.requirement_form(norms, text, []) == "prohibition") is expected


@pytest.mark.parametrize("text,cue,expected", [
    ("The assistant can make mistakes, so check what it tells you.", "limitation-notice", True),
    ("Answers it generates may be incomplete or out of date.", "limitation-notice", True),
    ("The assistant makes booking easier.", "limitation-notice", False),
    ("Helpdesk Assist is an AI-powered service.", "ai-nature", True),
    ("Replies are generated by a large language model.", "ai-nature", True),
    ("Our staff attended an event on artificial intelligence.", "ai-nature", False),
    ("Your use of the service is governed by our Privacy Policy.", "governing-policy", True),
    ("The Content Policy is incorporated into these terms.", "governing-policy", True),
    ("Please read our Privacy Policy before you sign up.", "governing-policy", False),
    ("We will provide the Services in accordance with our Privacy Policy.", "governing-policy", True),
])
def test_statement_cues(text, cue, expected):
    assert bool(cues.STATEMENT_CUES[cue].search(text)) is expected


def test_every_statement_cue_a_rule_may_name_has_its_pattern():
    from typing import get_args

    from tenderlint.rules.schema import StatementCue

    assert set(get_args(StatementCue)) == set(cues.STATEMENT_CUES) | set(cues.SECTION_STATEMENT_CUES)
    assert not set(cues.STATEMENT_CUES) & set(cues.SECTION_STATEMENT_CUES)


def test_an_ai_service_listed_among_the_sub_processors_discloses_the_ai(tmp_path, checker):
    # The heading, not the entry's words, makes "Services: Orbit AI model API services" the
    # disclosure of which AI the buyer's data goes through; the same entry under another heading
    # only mentions AI.
    body = ("These terms govern the Processor's processing of Customer Personal Data in its AI agent "
            "workspace, where customer prompts are answered by AI agents.\n\n"
            "## {heading}\n\n### Orbit Labs Inc.\n\n- Location: United States\n"
            "- Services: Orbit AI model API services\n")
    statuses = {heading: _status_of_text(tmp_path, checker, f"dpa{i}", body.format(heading=heading), "ai-disclosure")
                for i, heading in enumerate(("5.1 Current Sub-Processors", "5.1 Company Offices"))}
    assert statuses == {"5.1 Current Sub-Processors": "covered", "5.1 Company Offices": "weak"}


def test_statement_counts_only_for_topics_that_take_it(checker):
    text = "Replies from the assistant may be inaccurate or incomplete, and it may not work as intended."
    ai_context = ("The service uses artificial intelligence. The AI model answers questions. "
                  "A machine learning model ranks the replies.")
    result = checker.check_document(_document(("paragraph", ai_context), ("paragraph", text)), "contract")
    assert _status(result, "transparency") == "covered"
    assert _status(result, "performance") == "covered"
    assert _status(result, "data-quality") != "covered"


def test_statements_count_only_in_vendor_terms(checker):
    text = "Replies from the assistant may be inaccurate or incomplete, and it may not work as intended."
    ai_context = ("The service uses artificial intelligence. The AI model answers questions. "
                  "A machine learning model ranks the replies.")
    document = _document(("paragraph", ai_context), ("paragraph", text))
    assert _status(checker.check_document(document, "contract"), "transparency") == "covered"
    assert _status(checker.check_document(document, "rfp"), "transparency") == "weak"


def test_entries_under_a_deliverables_heading_are_handed_over(checker):
    """Under "Contract Deliverables" a verbless entry such as "all case records, at end of contract"
    is a data handover at exit: the heading supplies the delivery the entry does not state."""
    entry = "Implementation plan Complete set of case records, at end of contract Training materials"

    def under(heading: str) -> Document:
        return Document(path="<test>", sha256="", format="text", blocks=[
            Block(text=heading, kind="heading", section=[], start=0),
            Block(text=entry, kind="paragraph", section=[heading], start=len(heading) + 2)])

    assert _status(checker.check_document(under("7.2 Contract Deliverables"), "rfp"), "exit-transition") == "covered"
    assert _status(checker.check_document(under("7.2 Records Management"), "rfp"), "exit-transition") != "covered"


def test_commitment_under_a_definitions_heading_is_still_a_provision(compiled):
    # A support schedule's "Severity definitions" section also holds the response commitments;
    # only sentences that define a term stay definitions there.
    section = ["3. Severity definitions"]
    commitment = "The vendor will call the customer back within 30 minutes of the report of a critical incident."
    term = "\"Critical incident\" means an outage of the production system with no workaround."
    assert "monitoring-incidents" in judge_text(compiled, commitment, section)[0]
    assert "monitoring-incidents" not in judge_text(compiled, term, section)[0]
    # with no requirement form, a sentence under such a heading stays a definition
    plain = "Severity 1 incidents are outages of the production system with no workaround."
    assert "monitoring-incidents" not in judge_text(compiled, plain, section)[0]


def _agreement(*sections: tuple[str, list[str]]) -> Document:
    """A contract made of numbered sections, each a heading and its paragraphs."""
    blocks, at = [], 0
    for heading, paragraphs in sections:
        blocks.append(Block(text=heading, kind="heading", section=[], start=at))
        at += len(heading) + 2
        for text in paragraphs:
            blocks.append(Block(text=text, kind="paragraph", section=[heading], start=at))
            at += len(text) + 2
    return Document(path="<test>", sha256="", format="text", blocks=blocks)


_FEES = ("7. Fees", ["7.1 The Customer shall pay the annual subscription fee set out in the Order Form within "
                     "thirty days of a correct invoice."])
_SECRET_TERMS = ("11. Confidentiality", [
    "11.1 Each party shall protect the other's Confidential Information with reasonable care and use it "
    "only to perform this Agreement. The terms of this Agreement, including its pricing, are the "
    "Provider's Confidential Information.",
    "11.2 A party may disclose Confidential Information where a court or other authority compels it, "
    "after giving the other party prompt notice."])


def _transparency_flags(checker: Checker, *sections: tuple[str, list[str]]) -> set[str]:
    result = checker.check_document(_agreement(*sections), "contract")
    return {flag.id for flag in result.red_flags if flag.topic == "contract-transparency"}


def test_public_records_carve_out_elsewhere_answers_secret_terms(checker):
    # The pricing is kept secret in one section; a later section lets the public buyer release the
    # agreement under its records law. A reviewer reads the secrecy as bounded by that law: no red
    # flag, and the topic is covered by the carve-out.
    records = ("18. Public Records", [
        "18.1 The Provider acknowledges that the Customer is a county council. This Agreement and each "
        "Order Form, prices included, may be released in answer to a request under the state public "
        "records act, and the Customer will tell the Provider before it releases material the Provider "
        "has marked as a trade secret."])
    assert _transparency_flags(checker, _FEES, _SECRET_TERMS) == {"contract-transparency/no-disclosure"}
    assert _transparency_flags(checker, _FEES, _SECRET_TERMS, records) == set()
    # the answer may come first, too
    assert _transparency_flags(checker, records, _FEES, _SECRET_TERMS) == set()
    result = checker.check_document(_agreement(_FEES, _SECRET_TERMS, records), "contract")
    assert _status(result, "contract-transparency") == "covered"


@pytest.mark.parametrize("other", [
    # disclosure "required by law" names no records law: the terms stay the Provider's secret
    ("18. Compliance with Law", [
        "18.1 The Customer may disclose the terms of this Agreement to the extent that applicable law "
        "requires it, after notice to the Provider."]),
    # the records law is named only to keep the prices out of its reach
    ("18. Public Records", [
        "18.1 The pricing under this Agreement is a trade secret and is exempt from disclosure under the "
        "state public records act."]),
    # … or to resist requests under it
    ("18. Public Records", [
        "18.1 The Customer shall use its best efforts to protect the pricing of this Agreement from "
        "disclosure under any freedom of information request."]),
], ids=["required-by-law", "exempt-from-the-records-act", "protected-from-requests"])
def test_what_does_not_answer_secret_terms(checker, other):
    assert _transparency_flags(checker, _FEES, _SECRET_TERMS, other) == {"contract-transparency/no-disclosure"}


def test_records_law_does_not_lift_a_ban_on_publishing(checker):
    # The records law answers the secrecy, but the buyer still may not publish the agreement of its
    # own accord: that ban stays flagged as its own red flag.
    records = ("18. Public Records", [
        "18.1 This Agreement and its pricing may be released where the state public records act requires "
        "it. The Customer shall not publish, post or otherwise make available this Agreement on any "
        "website."])
    assert _transparency_flags(checker, _FEES, _SECRET_TERMS, records) == {"contract-transparency/no-publication"}


@pytest.mark.xfail(strict=True, reason="an answer is read sentence by sentence: a records law named in the "
                   "sentence before, and only referred to as 'that act' where the agreement is released, is not "
                   "joined to it (a carve-out written for a public body is: see the rule's answer examples)")
def test_records_law_named_in_the_sentence_before_the_release(checker):
    records = ("18. Public Records", [
        "18.1 The Customer is subject to the state public records act. This Agreement and each Order "
        "Form, prices included, may be released in answer to a request under that act."])
    assert _transparency_flags(checker, _FEES, _SECRET_TERMS, records) == set()


@pytest.mark.parametrize("text", [
    "The Issuer reserves the right to modify the terms of the RFP at any time before the Closing Time.",
    "The Province makes no guarantee that an alternative submission method will be available.",
    "The information is not guaranteed or warranted to be accurate by the Province, nor is it complete.",
])
def test_a_solicitation_issuers_reservation_about_its_own_procurement_is_no_red_flag(checker, text):
    # The same kind of reservation in vendor terms goes against the buyer and is flagged.
    vendor = "The Provider may modify these terms at any time without notice."
    in_terms = checker.check_document(_document(("paragraph", vendor)), "contract")
    assert "maintenance-updates" in {f.topic for f in in_terms.red_flags}
    in_rfp = checker.check_document(_document(("paragraph", text)), "rfp")
    assert not in_rfp.red_flags
    assert cues.is_the_issuers_own_reservation(text)
    assert not cues.is_the_issuers_own_reservation(vendor)


def test_a_solicitation_issuers_disclaimer_of_its_own_information_covers_no_topic(checker):
    # In vendor terms the same disclaimer of accuracy speaks of the service: performance.
    issuer = "The District does not vouch for these figures: they are not warranted to be accurate by the District."
    vendor = "The output of the service is not guaranteed or warranted to be accurate by the Provider."
    assert _status(checker.check_document(_document(("paragraph", issuer)), "rfp"), "performance") != "covered"
    assert _status(checker.check_document(_document(("paragraph", vendor)), "contract"), "performance") == "covered"
    assert cues.is_the_issuers_disclaimer(issuer) and not cues.is_the_issuers_disclaimer(vendor)


def test_what_a_solicitation_issuer_binds_itself_to_about_the_contract_stays_flaggable(checker):
    text = "The Agency shall not publish, post or otherwise make available this Agreement or its pricing."
    assert not cues.is_the_issuers_own_reservation(text)
    result = checker.check_document(_document(("paragraph", text)), "rfp")
    assert "contract-transparency/no-publication" in {f.id for f in result.red_flags}


def test_typeset_apostrophes_read_as_typed_ones(compiled):
    typed = "If we change your fees, we will give you at least 30 days' notice before your subscription renews."
    typeset = typed.replace("'", "’")
    nlp = get_pipeline()
    assert [t.norm_ for t in nlp(typeset)] == [t.norm_ for t in nlp(typed)]
    assert "pricing/unilateral-price-change" in judge_text(compiled, typeset)[2]
    assert [t.norm_ for t in nlp("Don’t share it")][:2] == ["do", "not"]


def test_and_or_reads_as_or(compiled):
    """Terms join alternatives with "and/or" ("may assign its rights and/or delegate its
    obligations"); every rule that joins them with "or" reads it so."""
    either = "Acme may assign its rights or delegate its obligations under these terms to any person at any time."
    both = either.replace(" or delegate", " and/or delegate")
    assert [t.norm_ for t in get_pipeline()(both)] == [t.norm_ for t in get_pipeline()(either)]
    assert "supply-chain/subcontract-without-consent" in judge_text(compiled, both)[2]


def test_a_requirement_item_ending_in_a_colon_leads_into_its_own_nested_items_only(tmp_path, checker):
    """Usage policies nest their bans: "Don't use the service to harm others, including by:" and,
    one level down, the acts it bans. The nested acts are bans; the next item at the outer level
    is not reached by that lead-in (Markdown gives the list depth)."""
    from tenderlint.check import parse_file

    policy = ("# Usage policy\n\nWe want everyone to enjoy the service safely.\n\n"
              "- Follow the law. For example, don't use the service to harm others, including by:\n"
              "    - Collecting personal information about people without their consent\n"
              "- Have fun with the image tools.\n")
    flat = ("# Usage policy\n\nWe want everyone to enjoy the service safely.\n\n"
            "- Follow the law.\n"
            "- Collecting personal information about people without their consent\n")
    sibling = ("# Usage policy\n\nWe want everyone to enjoy the service safely.\n\n"
               "- Follow the law. For example, don't use the service to harm others, including by:\n"
               "    - Sending spam\n"
               "- Collecting personal information about people without their consent\n")
    statuses = {}
    for name, text in (("nested", policy), ("flat", flat), ("sibling", sibling)):
        path = tmp_path / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        result = checker.check_parsed(parse_file(path, checker.options), "contract")
        statuses[name] = _status(result, "privacy")
    assert statuses == {"nested": "covered", "flat": "weak", "sibling": "weak"}
    blocks = parse_file(tmp_path / "nested.md", checker.options).blocks
    assert [b.depth for b in blocks if b.kind == "list_item"] == [1, 2, 1]


_NESTED_BAN = "Follow the law. For example, don't use the service to harm others, including by:"
_PERSONAL = "Collecting personal information about people without their consent"


def _docx_policy(path, inner_style: str, then: str) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Usage policy", style="Heading 1")
    document.add_paragraph("We want everyone to enjoy the service safely.")
    document.add_paragraph(_NESTED_BAN, style="List Bullet")
    document.add_paragraph("Sending spam" if then == "sibling" else _PERSONAL, style=inner_style)
    document.add_paragraph(_PERSONAL if then == "sibling" else "Have fun with the image tools.", style="List Bullet")
    document.save(path)


def _html_policy(path, then: str) -> None:
    inner, outer = ("Sending spam", _PERSONAL) if then == "sibling" else (_PERSONAL, "Have fun with the image tools.")
    path.write_text(f"<html><body><h1>Usage policy</h1><p>We want everyone to enjoy the service safely.</p>"
                    f"<ul><li>{_NESTED_BAN}<ul><li>{inner}</li></ul></li><li>{outer}</li></ul></body></html>",
                    encoding="utf-8")


def test_word_and_html_lists_give_the_depth_a_nested_lead_in_needs(tmp_path, checker):
    """The nested lead-in reads list depth from Word's list levels ("List Bullet 2", or a
    paragraph's own numbering level) and from HTML lists inside list items, as from Markdown: the
    nested ban is a ban, the next item at the outer level is not reached by it."""
    from tenderlint.check import parse_file

    _docx_policy(tmp_path / "nested.docx", "List Bullet 2", "nested")
    _docx_policy(tmp_path / "sibling.docx", "List Bullet 2", "sibling")
    _docx_policy(tmp_path / "flat.docx", "List Bullet", "nested")  # same level: a sibling, not nested
    _html_policy(tmp_path / "nested.html", "nested")
    _html_policy(tmp_path / "sibling.html", "sibling")
    statuses = {}
    for name in ("nested.docx", "sibling.docx", "flat.docx", "nested.html", "sibling.html"):
        result = checker.check_parsed(parse_file(tmp_path / name, checker.options), "contract")
        statuses[name] = _status(result, "privacy")
    assert statuses == {"nested.docx": "covered", "sibling.docx": "weak", "flat.docx": "weak",
                        "nested.html": "covered", "sibling.html": "weak"}
    for name in ("nested.docx", "nested.html"):
        blocks = parse_file(tmp_path / name, checker.options).blocks
        assert [b.depth for b in blocks if b.kind == "list_item"] == [1, 2, 1]


def test_a_word_paragraph_numbering_level_is_its_list_depth(tmp_path, checker):
    """A paragraph numbered by Word directly (``w:numPr`` with ``w:ilvl``), not by a list style."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from tenderlint.check import parse_file

    document = docx.Document()
    for text, level in (("The Contractor shall deliver monthly reports that:", 0), ("state the uptime", 1),
                        ("list the incidents", 2)):
        paragraph = document.add_paragraph(text)
        numbering = OxmlElement("w:numPr")
        ilvl, num_id = OxmlElement("w:ilvl"), OxmlElement("w:numId")
        ilvl.set(qn("w:val"), str(level))
        num_id.set(qn("w:val"), "1")
        numbering.extend([ilvl, num_id])
        paragraph._p.get_or_add_pPr().append(numbering)
    document.save(tmp_path / "numbered.docx")
    blocks = parse_file(tmp_path / "numbered.docx", checker.options).blocks
    assert [(b.kind, b.depth) for b in blocks] == [("list_item", 1), ("list_item", 2), ("list_item", 3)]


@pytest.mark.parametrize("heading, forbids", [
    ("Prohibited uses", True),
    ("4.2 Use Restrictions", True),
    ("We prohibit deceiving or misleading others", True),
    ("You may not use the service to:", True),
    ("What you can't do", True),
    ("Prohibited AI uses", True),
    ("Restricted data", False),  # names a kind of data, not conduct
    ("Prohibited persons", False),  # names people (sanctions lists)
    ("Restrictions on liability", False),
    ("Acceptable use", False),
    ("Permitted uses", False),
])
def test_a_heading_that_forbids_is_told_from_one_that_names_things(heading, forbids):
    assert cues.is_prohibition_heading(heading) is forbids


def test_entries_listed_under_a_heading_that_forbids_are_prohibitions(tmp_path, checker):
    """Usage policies list the uses they forbid as bare phrases under "Prohibited uses", also in
    subsections ("Harassment") of it. A reviewer reads each entry as a prohibition; the same entry
    under a heading that forbids nothing, or a plain paragraph under the forbidding heading, is
    only a mention."""
    texts = {
        "prohibited": f"# Prohibited uses\n\n- Sending spam\n- {_PERSONAL}\n",
        "subsection": f"# Prohibited uses\n\n## Harassment\n\n- Stalking\n- {_PERSONAL}\n",
        "examples": f"# What people make with the service\n\n- Birthday cards\n- {_PERSONAL}\n",
        "paragraph": "# Prohibited uses\n\nSome apps are built for collecting personal information about people.\n",
    }
    statuses = {name: _status_of_text(tmp_path, checker, name, text, "privacy") for name, text in texts.items()}
    assert statuses == {"prohibited": "covered", "subsection": "covered", "examples": "weak", "paragraph": "weak"}


def test_a_stated_aim_covers_outcomes_only_and_what_the_buyer_seeks_is_bought(compiled):
    """"The objective of the platform is to protect records against attack" states an aim: the
    outcome sought (outcomes, a statement of objectives), not a security provision. "The Agency
    seeks a contractor to protect …" says what is bought, a requirement on security too."""
    aim = "The objective of the new platform is to protect residents' records against cyber attacks and unauthorised access."
    sought = "The Agency seeks a contractor to protect residents' records against cyber attacks and unauthorised access."
    covered_by_aim, mentioned_by_aim, _ = judge_text(compiled, aim)
    assert "security" not in covered_by_aim and "security" in mentioned_by_aim
    assert "security" in judge_text(compiled, sought)[0]


@pytest.mark.parametrize("header, standard", [
    ("Performance Standard(s)", True), ("Acceptable Quality Level", True), ("Requirement", True),
    ("Service Level", True), ("Method of Surveillance", False), ("Characteristic", False),
    ("Severity Level", False), ("Vendor Response", False),
])
def test_a_header_that_states_what_must_be_met_is_told_from_others(header, standard):
    assert cues.is_standard_header(header) is standard


def test_cells_under_a_column_of_standards_are_requirements(tmp_path, checker):
    """A quality assurance plan's performance requirements summary states each standard as a bare
    state of affairs in a table ("Pages meet WCAG 2.1 AA"): under a column headed "Performance
    Standard" each cell is a requirement; under one headed "Notes" it is not."""
    statuses = {
        name: _status_of_text(tmp_path, checker, name, "# Quality assurance plan\n\n"
                              f"| Characteristic | {column} | How it is checked |\n|---|---|---|\n"
                              "| Usable by everyone | Every page meets WCAG 2.1 AA | Automated and manual review |\n",
                              "accessibility", "rfp")
        for name, column in (("standards", "Performance Standard"), ("notes", "Notes"))
    }
    assert statuses == {"standards": "covered", "notes": "weak"}


def test_cells_beside_a_row_of_standards_are_requirements(tmp_path, checker):
    """The same plan laid out the other way round, one table per deliverable with the labels in
    the first column ("Performance Standard(s) | every page meets WCAG 2.1 AA")."""
    statuses = {
        name: _status_of_text(tmp_path, checker, name, "# Quality assurance plan\n\n"
                              "| **Deliverable** | **Usable by everyone** |\n|---|---|\n"
                              f"| **{label}** | Every page meets WCAG 2.1 AA |\n"
                              "| **How it is checked** | Automated and manual review |\n",
                              "accessibility", "rfp")
        for name, label in (("standards", "Performance Standard(s)"), ("notes", "Notes"))
    }
    assert statuses == {"standards": "covered", "notes": "weak"}


@pytest.mark.parametrize("heading, topics", [
    ("4.2 Intellectual Property", {"ip-licensing"}),
    ("Security and Privacy", {"security", "privacy"}),
    ("ARTICLE IV - LIMITATION OF LIABILITY", {"liability"}),
    ("7.1 Processor Liability", {"liability"}),
    ("Service Levels", {"performance"}),
    ("4.1 Updates", {"maintenance-updates"}),
    ("Sub-processors", {"supply-chain"}),
    ("2.0 Program Objectives", {"outcomes"}),
    ("Introduction (Business Need)", {"outcomes"}),  # the bracketed title stands for the heading
    ("Service Level Agreement (SLA)", {"performance"}),
    ("Term and Termination", set()),  # ending the contract is not planning the exit
    ("Indemnification", set()),  # a bare indemnity is only a mention of liability (rules/liability.yaml)
    ("Confidentiality", set()),
    ("Updates to these terms", set()),  # more than a title: a clause about changing the terms
    ("Background", {"outcomes"}),  # a solicitation's background states the problem (fifteenth session)
    ("Background Investigations", set()),
])
def test_a_heading_titles_a_topic_only_when_every_part_is_a_standard_title(compiled, heading, topics):
    assert cues.section_title_topics(heading, compiled.section_titles) == frozenset(topics)


def test_a_provision_under_a_heading_on_its_topic_is_a_provision_on_it(tmp_path, checker):
    """Vendor terms put what they say about a topic under its title: under "4.2 Intellectual
    Property" a clause that grants no rights in the vendor's trademarks is an IP provision,
    although its words alone only touch the topic (a trademark is named, no licence is made). The same clause under a heading on
    something else is a mention, and so is a plain statement under the title."""
    clause = "These terms do not grant you any rights to the provider's trademarks, logos or branding."
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Service terms\n\n## {heading}\n\n{body}\n", "ip-licensing")
        for name, heading, body in (
            ("titled", "4.2 Intellectual Property", clause),
            ("elsewhere", "4.2 General", clause),
            ("statement", "4.2 Intellectual Property", "Brands matter to every company that sells online."),
        )
    }
    assert statuses == {"titled": "covered", "elsewhere": "weak", "statement": "weak"}


def test_entries_under_an_objectives_heading_state_the_outcomes_sought(tmp_path, checker):
    """A statement of objectives lists what the work must achieve under "2. Objectives" (often in
    subsections), in entries that never say "objective": each states an outcome sought
    (COVERAGE.md). The same entry under "2. Tasks" is a task, not a statement of outcomes."""
    body = ("### 2.1 Storage\n\nInvestigate and recommend ways of keeping the analysis results with the "
            "building model files.\n")
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Statement of work\n\n## {heading}\n\n{body}", "outcomes", "rfp")
        for name, heading in (("objectives", "2. Objectives"), ("tasks", "2. Tasks"))
    }
    assert statuses == {"objectives": "covered", "tasks": "missing"}


def test_the_first_entry_under_a_background_heading_states_the_problem(tmp_path, checker):
    """A solicitation's "Background" states the problem the buyer wants solved (COVERAGE.md:
    outcomes covered when "the document states the problem"), in words that never say "objective".
    The same paragraph under "Contractor Personnel" is no statement of the problem, and a
    "Background Investigations" heading is not a background section."""
    body = ("The county's permit records sit in a database that can no longer be patched, and "
            "applicants wait weeks for answers.\n")
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Request for proposals\n\n## {heading}\n\n{body}", "outcomes", "rfp")
        for name, heading in (("background", "1. Background"), ("personnel", "1. Contractor Personnel"),
                              ("investigations", "1. Background Investigations"))
    }
    assert statuses == {"background": "covered", "personnel": "missing", "investigations": "weak"}


@pytest.mark.parametrize("heading, asks", [
    ("Evaluation Criteria Details", True),
    ("4.2 Evaluation Criteria and Weighting", True),
    ("Proposal Contents", True),
    ("Section L: Proposal Instructions", True),
    ("Questions for Respondents", True),
    ("Information to be Provided", True),
    # a prize challenge's criteria and what its entrants hand in
    ("Judging Criteria", True),
    ("White Paper Submission Guidelines:", True),
    ("Evaluation", False),  # could be the evaluation of the model in service
    ("Scope of Work", False),
    ("Background", False),
])
def test_a_heading_over_what_bidders_answer_is_told_from_others(heading, asks):
    assert cues.is_criteria_heading(heading) is asks


def test_entries_listed_under_evaluation_criteria_are_criteria(tmp_path, checker):
    """An RFP lists what it scores as bare entries under "Evaluation Criteria" ("Hosting model,
    data residency and regulatory alignment"): a reviewer reads each as a criterion bidders must
    address. The same entry under "Background" describes, and after a lead-in that lists the
    skills staff must bring ("individuals with experience in each of these areas:") it names a
    skill, not a criterion on the solution."""
    entry = "- Hosting model, tenancy, data residency and regulatory alignment\n"
    skills = "Proposals must name individuals with experience in each of the following areas:\n\n"
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Request for proposals\n\n## {heading}\n\n{lead}{entry}",
                              "privacy", "rfp")
        for name, heading, lead in (
            ("criteria", "Evaluation Criteria", ""),
            ("background", "Background", ""),
            ("skills", "Evaluation Criteria", skills),
        )
    }
    assert statuses == {"criteria": "covered", "background": "weak", "skills": "weak"}


@pytest.mark.parametrize("heading, scope", [
    ("3. Scope of Work", True),
    ("Statement of Work", True),
    ("C.4 Specific Tasks", True),
    ("Technical Requirements", True),
    ("Services Required", True),
    ("Contractor Responsibilities", True),
    ("Scope of Work Assumptions", False),
    ("Background", False),
    ("Evaluation Criteria", False),
    ("Requirements for the protection of our staff during the pandemic", False),
])
def test_a_heading_over_the_work_to_do_is_told_from_others(heading, scope):
    assert cues.is_scope_heading(heading) is scope


def test_entries_listed_under_a_scope_of_work_are_tasks(tmp_path, checker):
    """A statement of work lists the tasks under "Scope of Work" as bare entries ("Assess the
    quality of the audit log collection"): a reviewer reads each as work the supplier must do.
    Under a subsection that describes what exists ("Current environment"), or after a paragraph
    that introduces a description rather than a requirement ("The agency's tools include:"), the
    same entry describes."""
    entry = "- Assess the quality of the audit log collection and of its reports\n"
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Statement of requirements\n\n## 3. Scope of Work\n\n{body}{entry}",
                              "audit-logging", "rfp")
        for name, body in (
            ("task", ""),
            ("current", "### 3.1 Current environment\n\n"),
            ("described", "The agency's security tools include the following:\n\n"),
        )
    }
    assert statuses == {"task": "covered", "current": "weak", "described": "weak"}


def test_entries_listed_under_a_performance_standard_heading_must_be_met(tmp_path, checker):
    """A work statement states its standards as facts under a "Performance Standard" heading
    ("All replacement equipment conforms to the Section 508 standards"): each is what the work must
    meet, as in a table column with that header. Under a heading naming what is on hand, the
    same entry describes."""
    entry = "- All replacement equipment conforms to the Section 508 accessibility standards.\n"
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Network maintenance\n\n## {heading}\n\n{entry}",
                              "accessibility", "rfp")
        for name, heading in (("standard", "Performance Standard"), ("inventory", "Equipment on hand"))
    }
    assert statuses == {"standard": "covered", "inventory": "weak"}


def test_a_clearance_under_a_security_heading_stays_a_mention(tmp_path, checker):
    """COVERAGE.md: a personnel clearance alone is only a mention of security. The "Security"
    title lends its topic to the provisions under it, but not across that boundary."""
    statuses = {
        name: _status_of_text(tmp_path, checker, name, f"# Statement of work\n\n## 5. Security\n\n{body}\n", "security", "rfp")
        for name, body in (
            ("clearance", "Contractor personnel shall hold a Secret clearance before starting work."),
            ("controls", "The contractor shall protect the portal as required by the agency's security plan."),
        )
    }
    assert statuses == {"clearance": "weak", "controls": "covered"}


def test_evaluation_under_a_surveillance_plan_rates_the_contractor_not_the_bids(tmp_path, checker):
    # A quality assurance surveillance plan rates the contractor's work after award: its adjectival
    # ratings and scoring methodology are no evidence on how bids are scored
    # (the rule's not_under_headings); the same words in the solicitation's evaluation section are.
    plan = ("# Help desk services\n\n## Attachment 3: Quality Assurance Surveillance Plan\n\n"
            "### 5.0 Methods\n\n"
            "The Contracting Officer will give each monthly report an adjectival rating, and the scoring "
            "methodology is in Table 2.\n\n"
            "The Government will evaluate the help desk against each performance standard every month.\n")
    assert _status_of_text(tmp_path, checker, "qasp", plan, "evaluation-criteria", "rfp") != "covered"
    scored = plan + ("\n## Section M: Evaluation\n\n"
                     "Each quotation's technical volume will be evaluated and rated acceptable or unacceptable.\n")
    assert _status_of_text(tmp_path, checker, "rfq", scored, "evaluation-criteria", "rfp") == "covered"


def test_topics_a_study_is_to_cover_are_no_provisions_on_them(tmp_path, checker):
    # COVERAGE.md: a list of things to be discussed later is a mention. The same items are
    # subjects of a study under "the assessment will cover the following topics:" and provisions
    # under "the Supplier shall provide the following:".
    items = ("- Components that require an upgrade, with monthly software updates and security patches\n"
             "- Integration of the permit system with the existing financial system\n")
    studied = ("# IT strategic plan\n\n## Assessment\n\n"
               "The Supplier will conduct an assessment including the following topics:\n\n" + items)
    provided = studied.replace("will conduct an assessment including the following topics:",
                               "shall provide the following:")
    for topic in ("maintenance-updates", "interoperability"):
        assert _status_of_text(tmp_path, checker, "study", studied, topic, "rfp") != "covered", topic
        assert _status_of_text(tmp_path, checker, "provided", provided, topic, "rfp") == "covered", topic


@pytest.mark.parametrize("clause", [
    "Upon termination, your right to use the Service will cease immediately.",
    # (a model licence's words for the same: use ceases, the licence "will automatically terminate")
    "Upon termination of the Agreement, you must immediately cease using the licensed models.",
    "Upon termination of this Agreement, your licence to the model weights and your data will automatically terminate.",
])
def test_access_ending_at_termination_is_no_exit_provision(clause):
    # The reviewers do not read "your right to use the Service ends on termination" as exit (xAI's
    # terms): it hands nothing over. The rules leave it out, so the classifier, which had learnt
    # termination sentences as exit, has no mention to confirm either.
    import tenderlint

    text = ("Terms of Service of Example Writer, an AI writing assistant.\n\n"
            "## Termination\n\nWe may suspend the account of a user who breaks these terms.\n\n"
            f"{clause}\n")
    result = tenderlint.check_text(text, name="terms.md", doc_type="contract")
    assert {t.id: t.status for t in result.topics}["exit-transition"] != "covered"
    assert {t.id: t.status for t in result.topics}["exit-transition"] == "weak"
    export = text + "\nFor thirty days after termination you may export your content in CSV format.\n"
    result = tenderlint.check_text(export, name="terms.md", doc_type="contract")
    assert {t.id: t.status for t in result.topics}["exit-transition"] == "covered"


@pytest.mark.parametrize("doc_type,wording,plain_wording,sentences", [
    # "the model providers your agents call" names what only an AI service has; with two more AI
    # words the usage policy is about AI and its rule on automated decisions is human oversight.
    ("contract", "model providers", "payment providers", (
        "Do not breach the usage policies of the {} your agents call.",
        "Do not use the platform to misuse AI.",
        "Do not make automated decisions with legal effects on people without meaningful human review.")),
    # A solicitation for a "virtual agent" (a chatbot by another name) is about AI: its demand that
    # the agent hand people over to staff is human oversight. A "customer service portal" is not.
    ("rfp", "virtual agent", "customer service portal", (
        "The university seeks a {} to answer questions from students.",
        "The {} should answer in several languages.",
        "The {} must hand the conversation to a human agent whenever the student asks for one.")),
    # A licence that calls its AI only "the Model" shows what it is by its model card and learned
    # weights: its ban on binding decisions without human oversight is then human oversight.
    ("contract", "model card and learned weights", "user guide and source files", (
        "This licence covers the Model, its {}.",
        "The Model comes with its {} for download.",
        "You shall not use the Model or its {} for decisions that bind people without human oversight.")),
    # A bot that turns speech into text and translates it does by machine what speech recognition
    # and machine translation do: its terms are about AI. A bot that plays music is not.
    ("contract", "voice transcription", "music playback", (
        "Echo Bot offers {} in voice channels.",
        "Use of {} may be limited by the server owner.",
        "You shall not rely on {} for medical or legal decisions without review by a qualified person.")),
])
def test_ai_vocabulary_makes_a_document_about_ai(checker, doc_type, wording, plain_wording, sentences):
    def document(words: str) -> Document:
        return _document(*(("paragraph", sentence.format(words)) for sentence in sentences))

    assert _status(checker.check_document(document(wording), doc_type), "human-oversight") == "covered"
    assert _status(checker.check_document(document(plain_wording), doc_type), "human-oversight") != "covered"


def test_a_privacy_policy_made_part_of_vendor_terms_addresses_privacy(checker):
    # The vendor's privacy policy incorporated into its terms sets how personal data is handled
    # (the shared reviewers' reading of Hugging Face's terms); in a solicitation the same sentence
    # is a statement, and an invitation to read the policy binds no one.
    text = "Your use of the Service is also governed by our Privacy Policy, which is incorporated into these Terms."
    document = _document(("paragraph", text))
    assert _status(checker.check_document(document, "contract"), "privacy") == "covered"
    assert _status(checker.check_document(document, "rfp"), "privacy") != "covered"
    pointer = _document(("paragraph", "Please read our Privacy Policy before you sign up."))
    assert _status(checker.check_document(pointer, "contract"), "privacy") != "covered"


def test_a_heading_can_name_the_end_an_export_under_it_belongs_to():
    # "you have 30 days to export any data you need" says nothing of when; under "Effect of
    # Termination" it is the export window at the end (exit-transition's from_heading). The same
    # sentence under another heading is no exit provision, and a heading alone lends no topic.
    import tenderlint

    def terms(heading: str, items: str) -> str:
        return (f"# Terms of Service\n\n## 1. Accounts\n\nYou must keep your password secret.\n\n"
                f"## 2. {heading}\n\n{items}\n")

    export = "- Your access to the service ends.\n- You have 30 days to export any data you need.\n"
    status = lambda text: {t.id: t.status for t in tenderlint.check_text(text, name="t.md", doc_type="contract").topics}
    assert status(terms("Effect of Termination", export))["exit-transition"] == "covered"
    assert status(terms("Storage Plans", export))["exit-transition"] != "covered"
    assert status(terms("Effect of Termination", "- Your access to the service ends.\n"))["exit-transition"] != "covered"


def test_a_cooccurrence_keeps_a_group_for_the_sentence_itself():
    from pydantic import ValidationError

    from tenderlint.rules.schema import CooccurrencePattern

    assert CooccurrencePattern(name="ok", all=[["export"], ["data"], ["termination"]], from_heading=[2])
    for wrong in ([3], [0, 1]):
        with pytest.raises(ValidationError):
            CooccurrencePattern(name="wrong", all=[["export"], ["termination"]], from_heading=wrong)


def test_a_public_body_under_its_short_name_disclaiming_or_held_harmless_is_no_red_flag():
    # Terms a public body issues for its API: under the short name the terms give it ("the
    # Department of Veterans Affairs (VA)"), its own disclaimer and the developer's indemnity protect
    # it, so they go against no buyer. The disclaimer is still one of its terms on the topic.
    import tenderlint

    body = ("## Warranties\n\nVA hereby disclaims all warranties, express or implied, including the warranty of "
            "non-infringement.\n\n## Indemnity\n\nYou agree to indemnify and hold harmless VA from any claims "
            "arising from your application.\n")
    named = ("# API Terms of Service\n\nThese terms govern your use of the APIs of the U.S. Department of "
             "Veterans Affairs (VA).\n\n" + body)
    unnamed = "# API Terms of Service\n\nThese terms govern your use of the APIs of Example Data Inc.\n\n" + body
    public = tenderlint.check_text(named, name="terms.md", doc_type="contract")
    vendor = tenderlint.check_text(unnamed.replace("VA ", "EDI ").replace("VA\n", "EDI\n"), name="terms.md",
                                   doc_type="contract")
    assert not {f.topic for f in public.red_flags} & {"ip-licensing", "liability"}
    assert {t.id: t.status for t in public.topics}["ip-licensing"] == "covered"
    assert {"ip-licensing", "liability"} <= {f.topic for f in vendor.red_flags}


def test_public_body_short_names_are_those_of_public_bodies():
    from tenderlint.rules import cues

    names = cues.public_body_names(["Louisville Metro Government (LMG) publishes the data.",
                                    "the U.S. Department of Health and Human Services (HHS) may change it"])
    assert names.search("LMG is not liable for any loss arising from the data.")
    assert names.search("You shall indemnify and hold harmless HHS from all claims.")
    assert not names.search("The Vendor is not liable for any loss.")
    assert cues.public_body_names(["Acme Cloud Services (ACS) runs the platform."]) is None


_DISCLAIMER = ("10. Disclaimers", [
    "10.1 The Service is provided as is, and Acme disclaims all warranties, including non-infringement "
    "and the accuracy of AI outputs."])


@pytest.mark.parametrize("answer,flagged", [
    # a promise left to a separate agreement that may never be signed answers nothing here
    ("Where provided in a separate written agreement, Acme may agree to indemnify you against claims "
     "that the Service infringes intellectual property rights.", True),
    ("Any indemnity for infringement claims, if any, will be set out in a separate enterprise agreement.", True),
    # the indemnity given in the terms themselves answers the disclaimer
    ("Acme will defend and indemnify you against any claim that the Service infringes a third party's "
     "intellectual property rights.", False),
], ids=["where-provided-separately", "if-any-separately", "given-here"])
def test_a_promise_left_to_a_separate_agreement_answers_no_red_flag(checker, answer, flagged):
    result = checker.check_document(_agreement(_DISCLAIMER, ("11. Indemnity", [answer])), "contract")
    flags = {flag.id for flag in result.red_flags}
    assert ("ip-licensing/no-infringement-protection" in flags) is flagged


_CAP = ("# Terms of Service\n\n## 11. Limitation of liability\n\nOur total liability to you shall not exceed:\n\n"
        "LABEL\n\n- the amount you paid us in the 12 months before the claim\n- for fixed-price projects, the project fee\n")


@pytest.mark.parametrize("label,flagged", [
    ("**For business clients:**", True),  # a label between the lead-in and its items
    ("**Option B: Standard plans**", True),  # a label with its colon inside
    ("**7.3 Standard plans**", False),  # a numbered title opens a section
    ("## 12. Fees for business clients", False),  # a new section ends the lead-in
], ids=["label", "option-label", "numbered-title", "section"])
def test_a_lead_in_carries_on_over_a_label_to_its_items(label, flagged):
    import tenderlint

    result = tenderlint.check_text(_CAP.replace("LABEL", label), name="terms.md", doc_type="contract")
    assert ("liability/capped-at-recent-fees" in {flag.id for flag in result.red_flags}) is flagged


def test_a_bold_line_saying_what_a_party_may_do_leads_in_its_list():
    # "**We may modify these Terms:**" opens the list under it as a lead-in; it titles no section.
    import tenderlint

    text = ("# Terms\n\n## 15. Amendments\n\n**We may modify these Terms:**\n\n"
            "- by posting an updated version on our website\n- with 14 days' notice for material changes\n")
    result = tenderlint.check_text(text, name="terms.md", doc_type="contract")
    assert "maintenance-updates/terms-changed-unilaterally" in {flag.id for flag in result.red_flags}
    # the bold line is itself the provision, and its items sit in the section it belongs to
    quoted = {(flag.id, flag.evidence.quote) for flag in result.red_flags}
    assert ("maintenance-updates/terms-changed-unilaterally", "We may modify these Terms:") in quoted
    assert {tuple(flag.evidence.section) for flag in result.red_flags} == {("Terms", "15. Amendments")}


def test_the_items_of_a_liability_exclusion_name_harms_not_provisions():
    # "We shall not be liable for:" lists harms the vendor does not answer for: an item that names
    # unverified outputs is no testing requirement, though the exclusion itself is on liability.
    import tenderlint

    text = ("# Terms\n\n## 11.4 Exclusion of damages\n\nWE SHALL NOT BE LIABLE FOR:\n\n"
            "- Service interruptions or data loss\n"
            "- Your reliance on AI-generated outputs without independent verification\n")
    statuses = {t.id: t.status for t in tenderlint.check_text(text, name="terms.md", doc_type="contract").topics}
    assert statuses["testing-acceptance"] == "weak" and statuses["liability"] == "covered"
    # the same item under a lead-in that requires something stays a provision
    required = text.replace("WE SHALL NOT BE LIABLE FOR:", "The provider shall carry out, before release:")
    statuses = {t.id: t.status for t in tenderlint.check_text(required, name="terms.md", doc_type="contract").topics}
    assert statuses["testing-acceptance"] == "covered"


def test_a_numbered_clause_ending_in_a_colon_leads_in_the_list_after_it(tmp_path, checker):
    # "12.4." is a sub-clause parsed as a paragraph: its requirement reaches the list items right
    # after it ("deleted, or"), and the next numbered clause closes it, so the items under a clause
    # that requires nothing stay mentions.
    text = ("# 12. Term and Termination\n\n12.1. Either party may terminate on 30 days' notice.\n\n"
            "12.4. Upon termination, personal data shall be:\n\n- deleted, or\n- provided to the Customer\n\n"
            "in accordance with the GDPR.\n")
    closed = ("# 12. Term and Termination\n\n12.1. Either party may terminate on 30 days' notice.\n\n"
              "12.4. Upon termination, the Customer shall:\n\n- pay all fees due\n\n"
              "12.5. The archive holds these kinds of files:\n\n- personal data deleted at termination\n")
    assert _status_of_text(tmp_path, checker, "lead", text, "decommissioning") == "covered"
    assert _status_of_text(tmp_path, checker, "closed", closed, "decommissioning") != "covered"


def test_a_topic_named_only_in_a_condition_on_another_duty_is_no_provision_on_it(tmp_path, checker):
    qualified = ("# 3. Support\n\nIn order to receive support, Licensee must:\n\n"
                 "- (c) Subject to Licensee's applicable security requirements, provide the Vendor with "
                 "access to its systems.\n")
    bound = "# 3. Security\n\nSubject to the security requirements in Schedule 2, the Supplier shall encrypt all data at rest.\n"
    assert _status_of_text(tmp_path, checker, "qualified", qualified, "security") == "weak"
    assert _status_of_text(tmp_path, checker, "bound", bound, "security") == "covered"
