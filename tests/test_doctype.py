"""Solicitation vs contract detection, with a reason a reviewer can read."""

from __future__ import annotations

from tenderlint.document import Block, Document
from tenderlint.doctype import detect_doc_type


def _doc(*paragraphs: str) -> Document:
    return Document(path="x", sha256="", format="text", blocks=[Block(text=p) for p in paragraphs])


def test_doctype_request_for_proposals_is_rfp():
    kind, reason = detect_doc_type(_doc(
        "Request for Proposals 2031-07: Resident Enquiry Assistant",
        "Offerors shall submit proposals by 3 March. Proposals will be evaluated on the evaluation criteria below.",
    ))
    assert kind == "rfp"
    assert "solicitation" in reason and "offeror" in reason


def test_doctype_terms_of_service_is_contract():
    kind, reason = detect_doc_type(_doc(
        "Cloud Services Agreement",
        "This Agreement is entered into by the parties on the Effective Date. Customer agrees to pay the fees.",
        "You may terminate this Agreement on notice. We may suspend the service. Governing law: Ontario.",
    ))
    assert kind == "contract"
    assert "contract cues" in reason


def test_doctype_a_prize_challenge_is_a_solicitation_though_its_rules_read_as_terms():
    # A challenge invites entries and judges them against criteria; its rules for taking part
    # ("Terms and Conditions", "you agree") are what a solicitation's instructions are.
    kind, reason = detect_doc_type(_doc(
        "Harbour Tracking Prize Challenge",
        "Terms and Conditions. By entering you agree to these terms and conditions. The agency may "
        "change the terms and conditions of the challenge. Governing law: federal law.",
        "Judging Panel. Entries are run on the judges' hardware.",
        "Judging Criteria. Track accuracy counts for 70% and processing time for 30%.",
        "Prize Pool: $30,000. Submission Guidelines: solvers send a white paper and a container.",
    ))
    assert kind == "rfp"
    assert "judging criteria" in reason


def test_doctype_counts_the_same_in_the_lower_cased_text_as_case_insensitively():
    from tenderlint.doctype import _CONTRACT, _SOLICITATION

    text = ("REQUEST FOR PROPOSALS. Offerors and BIDDERS read the Statement of Work; This Agreement binds "
            "the Parties hereunder, a \u212aelvin-sign \u212a and Customer Shall pay. Each party; RFQ rfi.")
    for cue in _SOLICITATION + _CONTRACT:
        assert cue.count_lower(text.lower()) == cue.count(text), cue.pattern


def test_doctype_a_long_s_still_matches_its_letter():
    # re.I reads "ſ" as "s", lower() does not: such a text is searched case-insensitively.
    kind, reason = detect_doc_type(_doc("This ſolicitation invites offerors. The ſolicitation closes soon."))
    assert kind == "rfp" and "'solicitation' ×2" in reason, reason


def test_doctype_a_vendors_supplementary_terms_or_usage_policy_is_contract_side():
    # Terms and policies a vendor binds its users to by name are not solicitations, even when they
    # say none of "this agreement", "you agree" or "terms of service".
    for text in ("These supplementary terms apply to the server code and supplement its licence.",
                 "This Acceptable Use Policy is mandatory for all customers who deploy our AI systems."):
        kind, reason = detect_doc_type(_doc(text))
        assert kind == "contract", (text, reason)


def test_doctype_says_when_there_was_nothing_to_weigh():
    # With no cue on either side the default is a solicitation, and the reason says it is a default,
    # not that solicitation cues won.
    kind, reason = detect_doc_type(_doc("Notes from the meeting on the new case system."))
    assert kind == "rfp"
    assert reason.startswith("no solicitation or contract cues found") and "outweigh" not in reason
    assert "--type contract" in reason


def test_doctype_says_when_both_sides_weigh_the_same():
    # One solicitation cue against one contract cue is a tie: read as a solicitation, and the
    # reason shows both sides instead of one "outweighing" the other.
    kind, reason = detect_doc_type(_doc("The bidders read this agreement."))
    assert kind == "rfp"
    assert reason.startswith("solicitation and contract cues weigh the same")
    assert "'bidders' ×1" in reason and "'this agreement' ×1" in reason and "outweigh" not in reason
