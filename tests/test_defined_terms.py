"""The document's own names for its AI: defined terms whose definition is about AI."""

from __future__ import annotations

from tenderlint.rules import defined_terms


def test_terms_defined_as_ai_and_terms_defined_from_them():
    texts = [
        '"Ranking Features" means the features of the Platform that use machine-learning models to order applications.',
        '"Fit Score" means the number from 0 to 100 that the Ranking Features give each applicant.',
        '"Applicant Data" means the data that Customer uploads, including Fit Scores and notes.',
        '"Services" means the hosted platform and its AI features.',
        "Custom models trained on your files (each a \"Tuned Model\") stay in your account.",
    ]
    assert defined_terms.ai_terms(texts) == ["Ranking Features", "Fit Score", "Tuned Model"]


def test_definitions_with_a_dash_or_colon():
    texts = ['"**Generated Images**" — pictures the generative models return for a prompt.',
             '"Renewal Date": the first day of each contract year.']
    assert defined_terms.ai_terms(texts) == ["Generated Images"]


def test_alias_pattern_finds_the_terms_as_written_and_in_the_plural():
    pattern = defined_terms.alias_pattern(["Fit Score", "Tuned Model"])
    assert pattern.search("A recruiter must review each applicant's Fit Scores before rejecting anyone.")
    assert pattern.search("Tuned Models are deleted at the end of the term.")
    assert not pattern.search("The score of the game was fit for print.")
    assert defined_terms.alias_pattern([]) is None


def test_a_sentence_using_an_ai_term_counts_as_about_ai():
    # The AI topics need a document about AI; here only the defined terms say so.
    import tenderlint

    definitions = ('"Ranking Features" means the features of the Platform that use machine-learning models '
                   'to order applications.\n\n"Fit Score" means the number the Ranking Features give each applicant.\n\n')
    body = ("Vendor will commission an independent bias audit of the {0} every year.\n\n"
            "Each {1} is shown to the recruiter with the three criteria that weighed most.\n\n")
    with_terms = tenderlint.check_text(definitions + body.format("Ranking Features", "Fit Score"),
                                       name="terms.md", doc_type="contract")
    plain = tenderlint.check_text(definitions.replace('"Ranking Features"', "Ranking features").replace('"Fit Score"', "A score")
                                  + body.format("ranking features", "score"), name="plain.md", doc_type="contract")
    assert {t.id: t.status for t in with_terms.topics}["bias-fairness"] == "covered"
    assert {t.id: t.status for t in plain.topics}["bias-fairness"] == "weak"


def test_names_for_the_buyers_data_and_for_outputs():
    names = defined_terms.DocumentNames([
        '"Customer Materials" means the files, recordings and notes that Customer uploads to the Service.',
        '"Transcript" means the text the Service generates from a recording.',
        '"Security Incident" means any unauthorised access to Customer Materials.',
        '"Candidate" means an individual who applies for a position.',
        'If you send us comments or examples of your prompts ("Suggestions"), we may keep them.',
    ])
    assert names.data.search("Customer Materials are deleted") and names.data.search("the Suggestions you send")
    assert not names.data.search("a Security Incident") and not names.data.search("each Candidate")
    assert names.outputs.search("every Transcript") and not names.outputs.search("Customer Materials")


def test_a_clause_on_a_named_output_reads_as_one_on_outputs():
    import tenderlint

    defined = ('"Readout" means the text the Service generates from a recording.\n\n'
               "Vendor gives no warranty that any Readout is complete or accurate.")
    undefined = ("A readout is the text the Service generates from a recording.\n\n"
                 "Vendor gives no warranty that any Readout is complete or accurate.")
    flags = {f.id for f in tenderlint.check_text(defined, name="dpa.md", doc_type="contract").red_flags}
    plain = {f.id for f in tenderlint.check_text(undefined, name="dpa.md", doc_type="contract").red_flags}
    assert "performance/disclaims-output-accuracy" in flags
    assert "performance/disclaims-output-accuracy" not in plain


def test_a_party_named_after_a_list_that_mentions_algorithms_is_no_ai_term():
    texts = ['Confidential information, including source code, algorithms and know-how, may be disclosed by either '
             'party (the "Discloser") to the other (the "Recipient").',
             'The ranking engine that uses machine-learning models (the "Scoring Engine") runs nightly.']
    assert defined_terms.ai_terms(texts) == ["Scoring Engine"]
