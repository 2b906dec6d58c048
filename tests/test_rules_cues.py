"""Sentence-form cues: which sentences read as provisions and which only as mentions."""

from __future__ import annotations

import pytest

from tenderlint.nlp import get_pipeline
from tenderlint.rules import cues


def _form(text: str, section: list[str] | None = None) -> str | None:
    norms = [token.norm_ for token in get_pipeline()(text)]
    return cues.requirement_form(norms, text, section or [])


@pytest.mark.parametrize(
    "text",
    [
        # a contract names its parties instead of saying "the Supplier"
        "Northwind may, on thirty days' notice, have an accountant inspect the records of Fabrikam.",
        "12.3 Contoso will pay the invoice within thirty days.",
        # passive provisions and ownership stated in the present tense
        "Such books will be open to inspection during normal business hours.",
        "Final payment will be made upon acceptance of the last deliverable.",
        "All data supplied by the County remains the property of the County.",
        # terms incorporated by reference
        "Initial response times for reported incidents are as set forth in Attachment 1.",
        # ownership stated as a fact allocates it
        "(a) As between the parties, the Government owns all Government Content.",
        "All outputs of the model belong to the Agency.",
        "These data are confidential and proprietary to the District.",
        # who answers for something, and ownership left with the customer
        "You are accountable for the outputs you generate and for their later use.",
        "We do not claim ownership of the content you upload.",
        "Except as set forth herein, the Licensor claims no rights in the Output you generate.",
        # terms of service grant rights to "your" administrators
        "For thirty days after termination, Administrators may export Your Content in JSON.",
        # warranty disclaimers are operative without a modal verb
        'The Platform is provided "as is", without warranty of any kind.',
        "Licensor disclaims any warranty as to the accuracy of the results.",
        # a solicitation's statement of what it seeks, its objectives, or its needs
        "The Department seeks to reduce the backlog of benefit claims by half.",
        "The objectives of this project are to replace three legacy systems.",
        "The business needs to provide applicants with an online eligibility check.",
        # rules declared to apply to the work
        "Records handling requirements apply as set out in the state retention policy and in HIPAA.",
        # task lists that open with the verb of the task
        "Assist the agency in drafting service levels for the hosted platform.",
        "Develop and test new modules, and fix defects in existing ones.",
        "(b) Identify and resolve problems reported to the help desk.",
        # work promised in the passive future
        "Any defect reported in the first three months will be corrected free of charge.",
        "Load testing of the portal will be carried out in the staging environment.",
        # a named party's promise after an opening phrase
        "Without limiting the clause above, Northwind Systems will follow the state's data protection act.",
        # a duty beside a "could": the "will" binds
        "The contractor will report any defect that could delay the release.",
        # documents declared subject to a law, to disclosure or to audit
        "All proposals are subject to the Freedom of Information Act.",
        "Project records are also subject to inspection by the State Auditor.",
        # an instruction after a run-in label
        "Authentication — keep your access token secret and replace it once exposed.",
        "Acceptable use: do not resell the reports to third parties.",
    ],
)
def test_requirement_form_recognises_provision(text):
    assert _form(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "Designers may not realize how simple features help people who use screen readers.",
        "Processing times may vary from week to week.",
        "The data is collected such as is necessary for reporting.",
        "The current system was installed in 2009.",
        # a policy's name is no duty
        "In 2025 the Board adopted its policy on the Responsible Use of Artificial Intelligence in Instruction.",
        "The Department owns and operates twelve regional offices.",
        "Manage, monitor, and track user accounts.",
        "This includes moving from the as-is state to the proposed design.",
        "Applicants often ask which requirements the old portal enforced.",
        # labour-category and role descriptions open with the verb's third-person form
        "Develops and tests new modules and fixes defects in existing ones.",
        "Provides day-to-day support to users of the agency's web site.",
        "Identifies and resolves problems reported to the help desk.",
        # … or its -ing form, in a list of what an office does
        "Reviewing invoices and processing payments for the program office.",
        "Testing changes in a staging copy before each release",
        # an article opens a noun phrase, not an instruction
        "The established review board ensures that changes are recorded.",
        # a modal of possibility gives no party a right or a duty
        "Because systems and governance overlap, one may see links between these policies and the security rules.",
        "Users of the old system may be able to reuse some of their saved reports.",
        # "could" and "might" (lemmatised to "can" and "may") say what is possible
        "Without a plan, the system upgrade could go over budget and leave staff without support.",
        "The vendor might be replaced when the current agreement ends in 2027.",
        # work done in the past is background
        "Defects in the old portal were corrected by the previous vendor last year.",
        # an opening phrase before a plural noun is still background
        "Each year, processing costs will rise with the number of applicants.",
        # a run-in label before a description, not an instruction
        "Rate limits — each plan has its own daily quota of requests.",
    ],
)
def test_requirement_form_leaves_background_as_mention(text):
    assert _form(text) is None, text


@pytest.mark.parametrize(
    "text,definition",
    [
        ('"Customer Data" means all data the Customer uploads to the Service.', True),
        ("Service Credit means a reduction of the monthly fee.", True),
        # a consequence spelled out with "which means" is a provision, not a definition
        ("By signing up you give us a licence to your files, which means we can copy and share them.", False),
        ("That means the Supplier keeps the model up to date.", False),
        # a quoted term may hold an apostrophe; an unquoted possessive opens a consequence
        ('"Reseller\'s Portal" shall mean the password-protected pages where the reseller sees its sales.', True),
        ("Customer's continued use of the service means that it accepts the revised terms.", False),
        # a glossary entry with a colon
        ("API: indicates the programming interface that can be integrated with the user's software.", True),
        ("The dashboard indicates the status of each request.", False),
    ],
)
def test_is_definition_only_for_terms_being_defined(text, definition):
    assert cues.is_definition(text, []) is definition, text


@pytest.mark.parametrize("heading,expected", [
    ("F.4 Contract Deliverables", True),
    ("Deliverables", True),
    ("4.2 Schedule of Deliverables", True),
    ("C.7 DELIVERABLES AND REPORTS", True),
    ("The deliverables", False),
    ("Acceptance of Deliverables by the Agency", False),
])
def test_is_deliverables_heading(heading, expected):
    assert cues.is_deliverables_heading(heading) is expected


@pytest.mark.parametrize("text,section,expected", [
    # a bare entry under a deliverables heading is a deliverable
    ("Security plan Disaster recovery plan Full copy of the case records, at end of contract",
     ["F.4 Contract Deliverables"], "deliverable"),
    ("Deliverable 6: a complete copy of the agency's case records", [], "deliverable"),
    # a closed sentence under the heading says what it says; elsewhere a bare entry is a mention
    ("The previous vendor kept the case records at its own site.", ["F.4 Contract Deliverables"], None),
    ("Security plan Disaster recovery plan", ["F.3 Place of Performance"], None),
])
def test_deliverable_entries_are_provisions(text, section, expected):
    assert _form(text, section) == expected


def test_numbered_deliverable_is_not_a_definition():
    assert not cues.is_definition("Deliverable 6: a complete copy of the case records", ["C.5 Deliverables"])
    assert cues.is_definition("Deliverable: a tangible output of the work", ["Glossary"])


def test_an_agile_definition_of_done_is_no_glossary():
    # A team's "Definition of Done" lists what finished work must meet: requirements, not terms.
    assert not cues.is_definition("Delivered functionality must be Section 508 compliant.", ["How We Work", "Definition of Done"])
    assert cues.is_definition("Sprint: a two-week period of work.", ["Definitions"])


@pytest.mark.parametrize(
    "text",
    [
        "The licensed programs will conform to the published documentation for ninety days.",
        "Maintenance fees will be invoiced each quarter in advance.",
        "Each year, processing costs will rise with the number of applicants.",
    ],
)
def test_will_binds_whatever_its_subject_in_a_contract(text):
    # In a contract "will" states what the parties have agreed; in a solicitation the same
    # sentence may only describe (see test_requirement_form_leaves_background_as_mention).
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert cues.requirement_form(norms, text, [], contract=True) == "obligation"


@pytest.mark.parametrize(
    "text",
    [
        "WHEREAS, the Licensee will need a platform for its online traders.",
        "Users of the old system may be able to reuse some of their saved reports.",
        "Defects in the old portal were corrected by the previous vendor last year.",
    ],
)
def test_recitals_and_possibilities_stay_mentions_in_a_contract(text):
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert cues.requirement_form(norms, text, [], contract=True) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("This support agreement is governed by the terms and conditions of the Master License Agreement.", True),
        ("THE SERVICES ARE SUBJECT TO THE TERMS OF THE MASTER SERVICES AGREEMENT, INCLUDING ITS WARRANTY.", True),
        # the document's own terms, and its own schedules, are not another agreement
        ("The services are subject to the terms of this Agreement and its schedules.", False),
        ("This Agreement is governed by the laws of the State of New York.", False),
        # a pointer to another part of the solicitation only refers to what stands there
        ("Offerors are referred to Section M of the solicitation for the evaluation factors.", True),
        ("Proposals will be evaluated on the factors in Section M.", False),
        ("Copyright in the test reports shall be dealt with in accordance with Clause 15.", True),
        ("Proposals will be evaluated in accordance with Section 6 of the RFP.", True),
    ],
)
def test_terms_of_another_agreement_are_only_referred_to(text, expected):
    assert bool(cues.OTHER_AGREEMENT_GOVERNS.search(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("State whether agency data will be used to train or improve any model, and on what terms.", True),
    ("(c) Describe how and when customer content is deleted after the contract ends.", True),
    ("Will you use our prompts to improve your models?", True),
    ("We may use your prompts to improve our models.", False),
    ("The State may, at its discretion, describe the service in its annual report.", False),
])
def test_questions_to_bidders_are_recognised(text, expected):
    assert cues.asks_bidders(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("The following will be settled during negotiations: (a) audit rights; (b) transition-out assistance.", True),
    ("Service credits are subject to contract negotiation.", True),
    ("Exit assistance is to be negotiated with the selected offeror.", True),
    ("Service levels, support hours and remedies will be set out in the final agreement.", True),
    ("The parties may discuss the energy use of the hosting at each annual review.", True),
    ("The Parties may agree arrangements for the reuse or recycling of the equipment where practicable.", True),
    ("Proposers are encouraged to consider open interface standards where practicable.", True),
    ("We encourage publishers to state the energy used to train their models.", True),
    ("The Contractor shall deliver the transition-out plan agreed at the kickoff meeting.", False),
])
def test_matters_left_to_negotiation_are_not_yet_required(text, expected):
    assert bool(cues.is_negated_scope(text)) is expected


def test_lettered_recitals_under_background_are_background_in_a_contract():
    text = "(B) Provider will run the service from data centres chosen for their energy efficiency."
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert cues.requirement_form(norms, text, ["Enterprise Agreement", "Background"], contract=True) is None
    assert cues.requirement_form(norms, text, ["Enterprise Agreement", "3. Hosting"], contract=True) == "obligation"


@pytest.mark.parametrize("text,expected", [
    ("18.3 **Accessibility; Responsible AI.**", True),
    ("Termination for Convenience.", True),
    ("The Contractor Shall Comply.", False),
    ("Availability 99.9%.", False),
    ("The State may audit the records.", False),
])
def test_run_in_clause_titles_bind_no_one(text, expected):
    assert cues.is_run_in_heading(text) is expected
    if expected:
        norms = [token.norm_ for token in get_pipeline()(text)]
        assert cues.requirement_form(norms, text, [], contract=True) is None


@pytest.mark.parametrize("text,expected", [
    ("Within 30 days after termination we delete Customer Content and all backups.", "obligation"),
    ("Company informs Subscriber that the ranking features use machine-learning models.", "obligation"),
    ("Provider encrypts Customer Data at rest.", "obligation"),
    # (after a long opening clause of its own: the subject "we" still comes before the verb)
    ("Where we confirm a security incident affecting personal data of yours, we notify you within three days.",
     "obligation"),
    ("Under this agreement, we charge only our actual costs for hosting.", "obligation"),
    ("We fix reported defects in the order the partner sets.", "obligation"),
    # (a noun after a capitalised word is no vendor doing something: "Overage charges")
    ("Overage charges are billed monthly in arrears.", None),
    ("Outputs are probabilistic estimates.", None),
    ("Customer uses the service at its own risk.", None),
])
def test_what_the_vendor_does_in_the_present_tense_is_agreed_in_a_contract(text, expected):
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert cues.requirement_form(norms, text, [], contract=True) == expected
    if expected:  # in a solicitation the same sentence only describes
        assert cues.requirement_form(norms, text, [], contract=False) is None


def test_a_run_in_title_under_a_lead_in_is_no_requirement():
    import tenderlint

    text = ("Proposals shall address the following:\n\n(g) Integration.\n\n"
            "(h) How the prototype records each recommendation it makes.\n")
    result = tenderlint.check_text(text, name="baa.md", doc_type="rfp")
    titled = [e for t in result.topics for e in t.evidence if e.quote.strip() == "(g) Integration."]
    assert titled and all(e.strength == "mention" for e in titled)


@pytest.mark.parametrize("text,expected", [
    ("Match Scores are probabilistic estimates based on the information available.", True),
    ("Machine translation may render terms incorrectly and leave out words.", True),
    ("Output audio may contain mispronunciations and artefacts.", True),
    ("You accept that the assistant may generate answers containing incorrect, biased or incomplete statements.", True),
    ("Given the probabilistic nature of machine learning, use of the service may in some cases result in incorrect data.", True),
    ("The assistant is not an expert and may provide inaccurate information.", True),
    ("Code suggestions may include errors and security defects.", True),
    ("Although the answers are filtered, some of them may be flawed.", True),
    ("Outputs are not tested, verified or guaranteed to be accurate or complete.", True),
    ("We make no warranty that the results obtained from the models will be accurate or reliable.", True),
    ("The provider does not warrant that AI outputs will be accurate, appropriate or free from bias.", True),
    ("You warrant that the information you give us is accurate.", False),
    ("The Contractor may omit the optional reports.", False),
    ("Late payment may result in interest charges.", False),
    ("The Contractor shall provide accurate information in each report.", False),
])
def test_limitation_notices_in_other_words(text, expected):
    assert bool(cues.LIMITATION_NOTICE.search(text)) is expected


@pytest.mark.parametrize("text,section,expected", [
    ("FAR 52.227-17 Rights in Data -- Special Works (DEC 2007)", ["9. Contract Clauses Incorporated By Reference"], True),
    ("1. Contract Clauses Incorporated By Reference FAR 52.224-2 Privacy Act (APR 1984)", ["8. Evaluation"], True),
    ("252.204-7012 Safeguarding Covered Defense Information", ["I.2 DFARS clauses"], True),
    # the bare citation line of a clause list, whatever heading the parser found above it
    ("FAR 52.227-17 Rights in Data -- Special Works (DEC 2007)", ["3. Background"], True),
    # a clause named in passing, outside any list of clauses
    ("The data rights of FAR 52.227-17 will be discussed with the awardee.", ["3. Background"], False),
    # a FAR part, not a clause
    ("Debriefings follow FAR 8.405-2(d) on request.", ["Clauses"], False),
])
def test_a_standard_clause_incorporated_by_number_is_a_provision(text, section, expected):
    assert cues.is_incorporated_clause(text, section) is expected


def test_a_clause_list_entry_counts_as_a_provision_of_its_topic():
    import tenderlint

    text = ("# Request for Quotation\n\n## 9. Contract Clauses Incorporated By Reference\n\n"
            "FAR 52.224-2 Privacy Act (APR 1984)\n\n## 10. Background\n\n"
            "The office handles personal data of applicants.\n")
    result = tenderlint.check_text(text, name="rfq.md", doc_type="rfp")
    assert {t.id: t.status for t in result.topics}["privacy"] == "covered"
    in_passing = text.replace("Contract Clauses Incorporated By Reference", "Notes").replace(
        "FAR 52.224-2 Privacy Act (APR 1984)", "Our own files were once reviewed against FAR 52.224-2 Privacy Act.")
    without_list = tenderlint.check_text(in_passing, name="rfq.md", doc_type="rfp")
    assert {t.id: t.status for t in without_list.topics}["privacy"] == "weak"


def test_items_under_a_staff_experience_lead_in_are_no_requirements_on_the_work():
    import tenderlint

    lead = "The staffing plan must show that the team includes people with experience in each of the following areas:"
    items = "\n\n- Automated unit and end-to-end testing\n\n- API design and documentation\n"
    as_skills = tenderlint.check_text("# Staffing\n\n" + lead + items, name="rfq.md", doc_type="rfp")
    as_work = tenderlint.check_text("# Scope\n\nThe contractor shall deliver the following:" + items,
                                    name="rfq.md", doc_type="rfp")
    skills = {t.id: t.status for t in as_skills.topics}
    work = {t.id: t.status for t in as_work.topics}
    assert (skills["testing-acceptance"], skills["interoperability"]) == ("weak", "weak")
    assert (work["testing-acceptance"], work["interoperability"]) == ("covered", "covered")


@pytest.mark.parametrize("text,expected", [
    ("If you see something wrong in an answer, use the Report feature to tell us.", "question"),
    ("When a request arrives, contact the data protection officer at once.", "question"),
    # a purpose opens an instruction as a condition does
    ("To protect your account, keep your password secret and notify us of any misuse.", "question"),
    # a condition followed by a statement, not an instruction
    ("If the weather is fine, use of the portal drops in summer.", None),
    ("To the extent the law allows, the provider keeps logs for a year.", None),
])
def test_an_instruction_after_a_condition_is_a_provision(text, expected):
    assert _form(text) == expected


@pytest.mark.parametrize("text,expected", [
    # what a product may do is a description of it, not a permission to anyone
    ("The Services may interoperate with other vendors' platforms.", None),
    ("The app can connect to third-party calendars.", None),
    ("The Output may include content from third-party websites.", None),
    ("Certain Services (including the Search API) may operate under other data terms.", None),
    # a party's permission, or a use granted in the passive, stays a provision
    ("The Customer may export its records at any time.", "obligation"),
    ("Your content may be used to improve the service.", "obligation"),
    ("We may change the Services at any time.", "obligation"),
    ("Acme may use Usage Data for any lawful purpose.", "obligation"),
])
def test_what_a_product_may_do_is_no_permission(text, expected):
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert cues.requirement_form(norms, text, [], contract=True) == expected


def test_a_product_that_may_allow_the_customer_grants_a_right():
    text = "The Services may allow Customer, at its option, to integrate with third-party tools."
    norms = [token.norm_ for token in get_pipeline()(text)]
    assert cues.requirement_form(norms, text, [], contract=True) == "obligation"


@pytest.mark.parametrize("text,expected", [
    ("Offerors are also invited, at their option, to describe how they manage model risks.", True),
    ("Respondents may optionally describe their product roadmap.", True),
    ("Vendors are encouraged, if they wish, to include case studies.", True),
    # a duty with a choice of remedy, an instruction, an optional task once exercised: not optional asks
    ("The Vendor will, at its option, repair or replace the defective product.", False),
    ("Offerors are invited to submit proposals by 1 May.", False),
    ("Optional Task 2: the Contractor shall migrate the legacy records.", False),
])
def test_an_invitation_bidders_may_ignore_asks_nothing(text, expected):
    assert bool(cues.OPTIONAL_INVITATION.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("Jupiter and our Services utilize artificial intelligence and machine learning, which change quickly.", True),
    ("The Platform is powered by large language models from several providers.", True),
    ("Our writing assistant relies on generative AI to draft replies.", True),
    ("We may use machine learning to filter spam from your inbox.", False),
    ("Our Services use cookies and AI-free analytics.", False),
    ("The services are provided as is.", False),
])
def test_a_provider_saying_its_service_rests_on_ai(text, expected):
    assert bool(cues.SERVICE_USES_AI.search(text)) is expected


def test_terms_that_say_their_service_rests_on_ai_are_about_ai_however_rarely_they_name_it():
    # One declaration and one further AI word: fewer AI sentences than a document needs to count as
    # about AI, but the provider has said its service is AI, so its notice of wrong outputs counts.
    import tenderlint

    text = ("Terms of Service of Example Voice.\n\n"
            "Our Services utilize artificial intelligence to answer callers.\n\n"
            "Our Services may provide incomplete, incorrect or offensive Output, and you should check it.\n\n"
            "You must pay the fees in the order form within thirty days.\n")
    declared = tenderlint.check_text(text, name="terms.md", doc_type="contract")
    plain = tenderlint.check_text(text.replace("Our Services utilize artificial intelligence to answer callers.",
                                               "Our Services answer callers at any hour."),
                                  name="terms.md", doc_type="contract")
    status = {t.id: t.status for t in declared.topics}
    assert status["transparency"] == "covered"
    assert {t.id: t.status for t in plain.topics}["transparency"] != "covered"


@pytest.mark.parametrize("text,expected", [
    # a right held or granted is a permission (COVERAGE.md: a provision)
    ("This includes the right to use the API to integrate the services into the customer's applications.", "obligation"),
    ("The customer has the right to export its data at any time.", "obligation"),
    ("Users have the right to erase their data.", "obligation"),
    ("The Customer receives a non-exclusive, non-transferable, time-limited right to use the Service.", "obligation"),
    # a right to have something done to one ("to be forgotten", "to be informed") grants no one an act
    ("Users have the right to be forgotten.", None),
])
def test_a_right_held_or_granted_is_a_provision(text, expected):
    assert _form(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a period granted to a party to act is a permission with its deadline
    ("You have 30 days to export any data you need.", "obligation"),
    ("Customers then have fourteen (14) calendar days in which to download their content.", "obligation"),
    ("The Agency has up to 60 business days to accept or reject each deliverable.", "obligation"),
    # a period nobody is given to act in grants nothing
    ("The free trial lasts 30 days.", None),
    ("Many teams have 30 days of history in the dashboard.", None),
])
def test_a_period_granted_to_a_party_to_act_is_a_provision(text, expected):
    assert _form(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Don't use the service to send spam.", True),
    # an example that opens the sentence still forbids
    ("For example, don't use our service to promote illegal activities, including:", True),
    ("For example, the portal shows each caseworker's queue.", False),
])
def test_prohibitions_in_the_imperative(text, expected):
    assert bool(cues.PROHIBITION.match(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("BetterBot enables users to invoke multiple large language models to research markets.", True),
    ("The platform lets customers chat with AI models trained on their documents.", True),
    ("The portal enables users to upload invoices and track payments.", False),
    # a processing agreement naming AI as the processing
    ("Collection, storage, processing by AI models (via the controller's keys), deletion", True),
    ("Collection, storage, processing by the processor's staff, deletion", False),
    # the service is the way to the models
    ("Quarry Code provides access to AI models operated by Quarry Labs.", True),
    ("The outputs from quarry.chat are generated using large language models.", True),
    ("The outputs are generated by the reporting module every night.", False),
    ("The portal provides access to case files for county staff.", False),
])
def test_a_service_that_lets_users_invoke_ai_declares_it(text, expected):
    assert bool(cues.SERVICE_USES_AI.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("This system may run on third-party compute, so others may see your prompts.", True),
    ("We keep prompts and outputs for thirty days to detect abuse.", True),
    ("Customer prompts are not stored by default.", True),
    # "prompt" as an adjective, or prompts the software shows
    ("We appreciate your prompt payment of every invoice.", False),
    ("The installer shows prompts on screen during set-up.", False),
])
def test_terms_that_govern_the_users_prompts_declare_an_ai_service(text, expected):
    assert bool(cues.SERVICE_TAKES_PROMPTS.search(text)) is expected


def test_terms_of_a_service_that_takes_prompts_are_about_ai_however_rarely_they_name_it():
    # One AI word ("agentic") in the whole text: too few AI sentences for the document to count as
    # about AI, but terms that govern the user's prompts are terms of a generative AI service, so
    # the notice that its outputs may be wrong is a notice of the AI's limits (transparency).
    import tenderlint

    text = ("Terms of Service of Example Labs.\n\n"
            "The Service lets you try our evolving agentic systems.\n\n"
            "The Service may route your prompts through third-party compute.\n\n"
            "Any outputs are experimental and may be incorrect, incomplete or unsafe.\n\n"
            "You must pay the fees in the order form within thirty days.\n")
    declared = tenderlint.check_text(text, name="terms.md", doc_type="contract")
    plain = tenderlint.check_text(text.replace("your prompts", "your files"), name="terms.md", doc_type="contract")
    assert {t.id: t.status for t in declared.topics}["transparency"] == "covered"
    assert {t.id: t.status for t in plain.topics}["transparency"] != "covered"


@pytest.mark.parametrize("text,expected", [
    ("Acme offers a personal chatbot service through text and voice.", True),
    ("Quillo is an AI-powered writing assistant for small teams.", True),
    ("The company provides an artificial intelligence platform for insurers.", True),
    ("We operate a help desk service for county staff.", False),
    # several services, no article, and two words between AI and what it is
    ("Acme offers state-of-the-art AI voice assistants for clinics.", True),
    ("Acme is an AI agent orchestration platform for teams.", True),
    ("The Service provides custom AI classifiers fine-tuned from our own model.", True),
    ("The vendor offers AI training courses for staff.", False),
    ("The County is a public body under state law.", False),
])
def test_a_provider_saying_its_service_is_ai_declares_it(text, expected):
    assert bool(cues.SERVICE_IS_AI.search(text)) is expected


def test_terms_of_a_chatbot_service_are_about_ai_however_rarely_they_name_it():
    # One AI word in the whole text, in the provider's statement of what the service is: its
    # refusal to warrant accurate results is then a notice of the AI's limits (transparency).
    import tenderlint

    text = ("Terms of Service of Example Companion.\n\n"
            "Example Companion offers a personal chatbot service through a mobile app.\n\n"
            "We make no warranty that the results you obtain from the service will be accurate or reliable.\n\n"
            "You must pay the fees in the order form within thirty days.\n")
    declared = tenderlint.check_text(text, name="terms.md", doc_type="contract")
    plain = tenderlint.check_text(text.replace("offers a personal chatbot service through a mobile app",
                                               "has a mobile app, and a chatbot answers questions about billing"),
                                  name="terms.md", doc_type="contract")
    assert {t.id: t.status for t in declared.topics}["transparency"] == "covered"
    assert {t.id: t.status for t in plain.topics}["transparency"] != "covered"


@pytest.mark.parametrize("text,expected", [
    ("Answers from the assistant are not a substitute for advice from a doctor.", True),
    ("The tool does not replace professional judgment or inspections.", True),
    ("Outputs should not be construed as financial advice.", True),
    ("Reports are provided for informational purposes only.", True),
    ("Staff review each summary before relying on it.", True),
    ("The new portal will replace the legacy case system.", False),
    ("The Contractor shall substitute key personnel only with approval.", False),
])
def test_a_notice_not_to_rely_on_what_a_service_produces(text, expected):
    assert bool(cues.RELIANCE_NOTICE.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("The Supplier will conduct an assessment including but not limited to the following topics:", True),
    ("The City expects that the plan will cover topics such as, but not limited to:", True),
    ("The Contractor shall perform the following tasks:", False),
    ("Offerors shall describe their experience with the following topics in the proposal", False),
])
def test_a_paragraph_that_lists_topics_to_study(text, expected):
    assert bool(cues.TOPICS_LEAD_IN.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("The “Acme [base] Model” means the text-to-image model and its weights.", True),
    ('"Customer Data" means all data the Customer submits.', True),
    ("The vendor's model means a great deal to the project.", False),
])
def test_a_quoted_term_defined_after_its_article(text, expected):
    assert cues.defines_term(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("The State is not responsible for any breach of the Contractor's own network.", True),
    ("The Agency shall not be liable for costs the offeror incurs.", True),
    ("The County assumes no responsibility for third-party software it supplies.", True),
    ("Under no circumstances will the Authority or its agents be liable to an applicant for any direct, indirect or other loss.", True),
    ("24) In no event shall the Province be liable for costs of preparing a proposal.", True),
    ("In no event shall the Contractor be liable to the State for any direct, indirect or special damages.", False),
    ("We are not responsible for any security breach of our servers.", False),
    ("The Contractor shall not be liable for delays the State causes.", False),
    # what the public body itself supplies, warranted by nobody: the buyer's own disclaimer
    ("B. CITY does not warrant the accuracy of the map layers it lends the contractor.", True),
    ("The County makes no warranty that the records it supplies are complete.", True),
    ("The Vendor does not warrant that the outputs will be accurate.", False),
    # a public body by its full name
    ("The Louisville Metro Police Department does not guarantee the accuracy of the crime data.", True),
    ("The Department of Health makes no warranty that the extract is complete.", True),
    ("The vendor support department is not responsible for outages.", False),
    # the same words of disclaiming whether the body is named in full or by its kind
    ("The County hereby disclaims all warranties for the parcel data.", True),
])
def test_the_buyer_disclaiming_its_own_responsibility(text, expected):
    assert cues.is_the_buyers_own_disclaimer(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("You agree not to use the model or its derivatives for:", True),
    ("The Customer shall not use the platform to build applications for:", True),
    ("Customer shall not, and shall not permit any third party to, use the Service to profile people.", True),
    ("Don't use the assistant to rank job applicants by ethnicity.", True),
    ("Extensions must not be used for social scoring.", True),
    ("Any use intended to discriminate against a group of people.", True),
    ("We may decline projects that involve discriminatory systems.", True),
    ("The Contractor shall not use algorithms that discriminate against applicants.", False),
    ("The Contractor shall test the model for bias before deployment.", False),
    ("Users can export their data at any time.", False),
])
def test_restrictions_on_the_customers_use_are_recognised(text, expected):
    assert cues.restricts_use(text) is expected


def test_a_licences_banned_discriminatory_uses_are_no_bias_provision():
    # The shared reviewers read a code of conduct banning discriminatory use as a mention of bias:
    # it binds the user; it neither tests nor mitigates bias in the model (COVERAGE.md's topic).
    import tenderlint

    licence = ("# Model Licence\n\n"
               "The licensor provides an AI model that classifies text.\n\nThe AI model is trained by machine learning on public data.\n\nOutputs of the AI model are predictions.\n\n"
               "## Appendix: Restrictions\n\n"
               "You agree not to use the model or its derivatives for:\n\n"
               "- any military purposes;\n"
               "- any use that has the effect of discriminating against people because of protected characteristics;\n"
               "- generating spam.\n")
    commitment = licence.replace("## Appendix: Restrictions", "## Fairness\n\n"
                                 "The licensor shall test the model for bias across protected characteristics every year.\n\n"
                                 "## Appendix: Restrictions")
    banned = {t.id: t.status for t in tenderlint.check_text(licence, name="licence.md", doc_type="contract").topics}
    tested = {t.id: t.status for t in tenderlint.check_text(commitment, name="licence.md", doc_type="contract").topics}
    assert banned["bias-fairness"] == "weak"
    assert tested["bias-fairness"] == "covered"


@pytest.mark.parametrize("text,topic", [
    # The lemma table knows neither "subprocessors" nor "offerors" nor "SLAs": the rules' singular
    # terms still find them
    ("The Processor shall ensure that its subprocessors are bound by the same obligations.", "supply-chain"),
    ("The Supplier shall meet the SLAs in Schedule 2 and report on them monthly.", "performance"),
    # a hyphenated term written with its words apart: "machine-generated" / "machine generated"
    ("Content the model produces must be conspicuously identified as machine generated before it is published.",
     "ai-disclosure"),
])
def test_a_term_the_lemma_table_does_not_know_also_matches_its_plural(compiled, text, topic):
    from tenderlint.rules.engine import judge_text

    covered, _mentioned, _flags = judge_text(compiled, text)
    assert topic in covered


def test_a_menu_of_page_titles_requires_nothing(compiled):
    menu = ("Terms of Service Acceptable Use Policy Data Processing Addendum Subprocessors List "
            "Service Level Agreement Support Policy Professional Services Terms Security Overview")
    assert cues.is_run_of_titles(menu)
    assert not cues.is_run_of_titles("THE SERVICE IS PROVIDED AS IS WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, "
                                     "INCLUDING WARRANTIES OF MERCHANTABILITY AND FITNESS")
    assert not cues.is_run_of_titles("The Supplier shall provide Help Desk Support for the County's Finance Team.")
    from tenderlint.rules.engine import judge_text

    covered, mentioned, _flags = judge_text(compiled, menu)
    assert "supply-chain" in mentioned and "performance" in mentioned and not covered



@pytest.mark.parametrize("text,expected", [
    ("Service level objectives, if any, may be described in a separate service level agreement.", True),
    ("Where provided in a separate written agreement, Acme may agree to indemnify you.", True),
    ("Specific uptime commitments, if any, are set forth in a separate Service Level Agreement.", True),
    ("Acme may agree to provide extended support for an additional fee.", True),
    ("The service levels in Schedule 2 apply to the Service.", False),
    ("Acme will indemnify you against third-party infringement claims.", False),
    ("Each party shall keep a separate record of the hours worked.", False),
])
def test_a_promise_left_to_another_agreement(text, expected):
    assert cues.defers_to_another_agreement(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("WE SHALL NOT BE LIABLE FOR:", True),
    ("In no event will the provider be responsible for any of the following:", True),
    ("Neither party is liable to the other for:", True),
    ("The provider shall be liable for:", False),
    ("The Contractor shall not be responsible for delays caused by the Agency.", False),
])
def test_a_lead_in_that_lists_what_a_party_is_not_liable_for(text, expected):
    assert bool(cues.EXCLUSION_LEAD_IN.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("Requirements for accessibility based on Section 508 of the Rehabilitation Act are determined to be relevant.",
     "obligation"),
    ("The security standards in Attachment 3 are applicable to every task order.", "obligation"),
    ("Data handling requirements apply as per HIPAA.", "obligation"),
    # applicability asked about, or a standard only described, binds nothing
    ("Describe which accessibility standards you consider relevant.", "question"),
    ("The accessibility standards were revised in 2017.", None),
])
def test_rules_declared_applicable_bind_the_work(text, expected):
    assert _form(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("The Provider aims for an annual availability of 98%.", True),
    ("We strive to maintain monthly uptime of at least 99.5%.", True),
    ("Our availability target is 99.9% each calendar month.", True),
    # a figure reported, or an aim with no level
    ("Uptime last year was 99% according to the status page.", False),
    ("We aim to keep the service available at all times.", False),
])
def test_a_stated_availability_target_is_a_service_level(text, expected):
    assert bool(cues.SERVICE_LEVEL_TARGET.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("The Service uses the following subprocessors:", True),
    ("Acme engages the following third-party processors to host customer data:", True),
    ("Our current sub-processors are listed on our trust page.", True),
    # sub-processors only defined, or a list asked for
    ("Subprocessors means any processor engaged by the Processor.", False),
    ("Describe the subprocessors you would use.", False),
])
def test_a_provider_naming_its_subprocessors_discloses_them(text, expected):
    assert bool(cues.NAMES_ITS_SUBPROCESSORS.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("By purchasing, you accept that AI results may vary.", True),
    ("All generated images are AI-created and are not real photographs.", True),
    # a variation nobody generated, or real photographs
    ("Delivery times may vary by region.", False),
    ("The gallery shows real photographs taken by our staff.", False),
])
def test_a_notice_that_generated_results_vary_or_are_not_real_is_a_limitation_notice(text, expected):
    assert bool(cues.LIMITATION_NOTICE.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("These outputs might not always be accurate, complete, or up-to-date.", True),
    ("Replies are generated using a large language model.", False),
    ("The invoice may not always be sent on the first day of the month.", False),
])
def test_outputs_that_might_not_always_be_accurate_are_a_limitation_notice(text, expected):
    assert bool(cues.LIMITATION_NOTICE.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("Data export available for 30 days post-termination.", True),
    ("Your files remain available for download for 60 days after you close the account.", True),
    # a feature with no window, or a window for something else
    ("Data export is available in the premium plan only.", False),
    ("Support is available for 30 days after purchase.", False),
])
def test_a_stated_window_to_take_the_data_out_is_an_export_window(text, expected):
    assert bool(cues.EXPORT_WINDOW.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("Our AI evaluations are intended to support, not replace, human decision-making.", True),
    ("The AI tutor is designed to support learning, not replace teachers.", True),
    # a replacement of things, not of people
    ("The new release will support the old file format, not replace it.", False),
])
def test_an_ai_that_supports_and_does_not_replace_people_is_a_reliance_notice(text, expected):
    assert bool(cues.RELIANCE_NOTICE.search(text)) is expected


@pytest.mark.parametrize("text,expected", [
    ("AI model output may sometimes be unpredictable and is not guaranteed to match the prompt.", True),
    ("Delivery dates are unpredictable in winter.", True),  # (the cue alone; the rule also needs the AI's output)
    ("The weather was calm.", False),
])
def test_output_that_may_be_unpredictable_is_a_limitation_notice(text, expected):
    assert bool(cues.LIMITATION_NOTICE.search(text)) is expected
