"""A whole AI solicitation written in our own words covers every topic, and a non-AI one does not
cover the AI-specific topics (COVERAGE.md: those need a document about AI)."""

from __future__ import annotations

import pytest

from tenderlint.check import Checker, CheckOptions

REQUIREMENTS = {
    "bias-fairness": "The Vendor shall conduct and document bias testing of the model across protected "
                     "demographic groups before deployment and annually thereafter.",
    "data-quality": "Respondents must describe the data used to train the underlying model, including its "
                    "sources and any known gaps.",
    "risk-management": "The Contractor shall perform an algorithmic impact assessment and keep it current for "
                       "the life of the contract.",
    "ai-disclosure": "The Vendor shall disclose all uses of artificial intelligence in the proposed solution, "
                     "including third-party models.",
    "transparency": "The solution must provide explanations for each recommendation that a caseworker can "
                    "understand.",
    "human-oversight": "The Offeror shall describe how its solution allows City staff to review and reverse "
                       "automated recommendations.",
    "performance": "The model shall achieve at least 95 percent accuracy on the County test set.",
    "monitoring-incidents": "The Contractor shall monitor the model for drift and report any incident to the "
                            "Agency within 24 hours.",
    "maintenance-updates": "The Vendor shall give 60 days notice before changing the underlying model version.",
    "sustainability": "Proposals must report the estimated energy consumption of training and running the model.",
    "evaluation-criteria": "Proposals will be scored on technical approach (40 points), responsible AI practices "
                           "(20 points) and price (40 points).",
    "pricing": "The Vendor shall cap monthly token charges and report usage-based costs to the Department "
               "each month.",
    "data-rights": "The Vendor shall not use Agency data to train or improve any model without written consent.",
    "supply-chain": "The Contractor shall identify every third-party foundation model used by the solution and "
                    "obtain approval before changing it.",
    "exit-transition": "At the end of the contract the Vendor shall export all Agency data and model outputs in "
                       "an open format.",
    "audit-logging": "The system shall log every prompt, output and model version used, and retain the logs "
                     "for three years.",
    "interoperability": "The solution shall expose open, documented APIs so that the Agency can switch "
                        "providers without losing its data.",
    "testing-acceptance": "The Contractor shall run a 90-day pilot and the Department will accept the system "
                          "only after it meets the acceptance criteria.",
    "legal-compliance": "The solution must comply with the EU AI Act and the GDPR.",
    "outcomes": "The Agency seeks to reduce average call waiting time by 30 percent within the first year.",
    "accessibility": "The chatbot must meet WCAG 2.1 AA.",
    "contract-transparency": "The contract, including pricing, will be published on the State transparency "
                             "portal.",
    "decommissioning": "On termination the Vendor shall securely delete all Agency data and certify the "
                       "deletion in writing.",
    "liability": "The Vendor shall indemnify the City against third-party claims arising from the outputs of "
                 "the AI system.",
    "ip-licensing": "The County shall own all custom models, configurations and deliverables developed under "
                    "this contract.",
    "security": "The Vendor shall protect the model against prompt injection and conduct annual penetration "
                "testing.",
    "privacy": "Personal information shall be redacted before any prompt is sent to the model.",
}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CheckOptions(doc_type="rfp"))


def test_ai_solicitation_covers_every_topic(tmp_path, checker):
    lines = ["# Request for Proposals: an AI assistant for the benefits contact centre", ""]
    for i, (topic, sentence) in enumerate(REQUIREMENTS.items(), 1):
        lines += [f"## {i} {topic.replace('-', ' ').title()}", "", sentence, ""]
    path = tmp_path / "ai-rfp.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = checker.check_file(path)
    not_covered = {t.id: t.status for t in result.topics if t.status != "covered"}
    assert not_covered == {}
    for topic in result.topics:
        assert any(e.strength == "substantive" for e in topic.evidence), topic.id


def test_ai_specific_topics_are_at_most_weak_in_a_document_not_about_ai(tmp_path, checker):
    path = tmp_path / "parks-rfp.md"
    path.write_text(
        "# Request for Proposals: park maintenance scheduling software\n\n"
        "The Contractor shall maintain a project risk register and review it monthly with the City.\n\n"
        "The Contractor shall not discriminate against any employee or applicant for employment.\n\n"
        "Staff shall be able to override any automatically filled field before saving a work order.\n\n"
        "The Contractor shall deliver a user manual and online help for every screen.\n",
        encoding="utf-8")
    result = checker.check_file(path)
    statuses = {t.id: t.status for t in result.topics}
    for topic in ("risk-management", "bias-fairness", "human-oversight", "transparency"):
        assert statuses[topic] != "covered", topic
