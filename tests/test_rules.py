"""Every rule file: valid, complete, in step with the taxonomy, and every example behaves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tenderlint.resources import rules_dir
from tenderlint.rules.engine import CompiledRules, judge_text
from tenderlint.rules.loader import RulePack, load_rule_file, load_taxonomy

SHARED_TAXONOMY = Path(__file__).resolve().parents[1].parent / "shared" / "taxonomy.yaml"
RULE_FILES = sorted(p for p in rules_dir().glob("*.yaml") if p.name != "taxonomy.yaml")
RULES = {p.stem: load_rule_file(p) for p in RULE_FILES}


@pytest.fixture(scope="module")
def compiled() -> CompiledRules:
    topics = [t for t in load_taxonomy() if t.id in RULES]
    return CompiledRules(RulePack(topics=topics, rules=RULES))


def test_rules_taxonomy_matches_shared_taxonomy():
    if not SHARED_TAXONOMY.exists():
        pytest.skip("../shared/taxonomy.yaml is absent (only present in the development workspace)")
    shared = [t["id"] for t in yaml.safe_load(SHARED_TAXONOMY.read_text())["topics"]]
    assert [t.id for t in load_taxonomy()] == shared


def test_rules_one_file_per_taxonomy_topic():
    ids = [t.id for t in load_taxonomy()]
    assert len(ids) == 27
    assert sorted(RULES) == sorted(ids), "every taxonomy topic needs rules/<id>.yaml and nothing else"
    for stem, rule in RULES.items():
        assert rule.id == stem, f"rules/{stem}.yaml declares id {rule.id}"


def test_rules_applies_to_matches_taxonomy():
    for topic in load_taxonomy():
        if topic.id in RULES:
            assert RULES[topic.id].applies_to == topic.applies_to, topic.id


@pytest.mark.parametrize("topic", sorted(RULES))
def test_rule_is_documented(topic):
    rule = RULES[topic]
    assert len(rule.description) >= 20 and len(rule.rationale) >= 20
    assert rule.sources and all(s.ref for s in rule.sources)
    assert any(s.file for s in rule.sources), "cite at least one guidance file"
    assert rule.questions and rule.suggestion
    assert rule.examples.covered and rule.examples.not_covered


def _cases():
    for topic, rule in sorted(RULES.items()):
        for i, text in enumerate(rule.examples.covered):
            yield pytest.param(topic, text, True, id=f"{topic}-covered-{i}")
        for i, text in enumerate(rule.examples.not_covered):
            yield pytest.param(topic, text, False, id=f"{topic}-not-covered-{i}")
        for i, miss in enumerate(rule.examples.known_misses):
            yield pytest.param(topic, miss.text, miss.expected == "covered", id=f"{topic}-known-miss-{i}",
                               marks=pytest.mark.xfail(reason=miss.reason, strict=True))


@pytest.mark.parametrize("topic,text,expected", list(_cases()))
def test_rule_example(compiled, topic, text, expected):
    covered, _mentioned, _flags = judge_text(compiled, text)
    assert (topic in covered) == expected, f"{topic}: {'should' if expected else 'should not'} cover: {text}"


def _flag_cases():
    for topic, rule in sorted(RULES.items()):
        for flag in rule.red_flags:
            for i, text in enumerate(flag.examples.flagged):
                yield pytest.param(flag.id, text, True, id=f"{flag.id}-flagged-{i}")
            for i, text in enumerate(flag.examples.not_flagged):
                yield pytest.param(flag.id, text, False, id=f"{flag.id}-not-flagged-{i}")


@pytest.mark.parametrize("flag_id,text,expected", list(_flag_cases()))
def test_red_flag_example(compiled, flag_id, text, expected):
    _covered, _mentioned, flags = judge_text(compiled, text)
    assert (flag_id in flags) == expected, f"{flag_id}: {'should' if expected else 'should not'} flag: {text}"


def _answer_cases(field: str = "examples", label: str = "answered"):
    """(flag id, text) for each of the flags' answer examples, or with ``field="not_answers"`` for
    each document whose would-be answer is none."""
    for topic, rule in sorted(RULES.items()):
        for flag in rule.red_flags:
            for i, text in enumerate(getattr(flag.unless_elsewhere, field) if flag.unless_elsewhere else []):
                yield pytest.param(flag.id, text, id=f"{flag.id}-{label}-{i}")


@pytest.mark.parametrize("flag_id,text", list(_answer_cases()))
def test_red_flag_answered_elsewhere_in_the_document(compiled, flag_id, text):
    # One sentence of the example is the flag's provision and is flagged on its own; the document
    # also answers it (a service level beside "as is"), so the document as a whole is not flagged.
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s.strip()]
    alone = [s for s in sentences if flag_id in judge_text(compiled, s)[2]]
    assert alone, f"{flag_id}: no sentence of the example is flagged on its own: {text}"
    assert flag_id not in judge_text(compiled, text)[2], f"{flag_id}: the answer should withdraw the flag: {text}"


@pytest.mark.parametrize("flag_id,text", list(_answer_cases("not_answers", "not-answered")))
def test_red_flag_not_answered_by_words_that_only_look_like_its_answer(compiled, flag_id, text):
    # The contract's own name ("Services Agreement") or an SLA the vendor says it does not offer
    # leaves the buyer with no remedy: the document is still flagged.
    assert flag_id in judge_text(compiled, text)[2], f"{flag_id}: should still flag: {text}"


def test_red_flag_answer_holds_wherever_it_comes_in_the_document(compiled):
    # The service level may come pages before or after the disclaimer, in another block.
    disclaimer = ("paragraph", "The platform is provided as is, without warranty of any kind.")
    service_level = ("paragraph", "Provider will keep the platform available 99.5% of each calendar month.")
    other = ("paragraph", "Either party may end this agreement on ninety days' written notice.")
    flag = "performance/disclaims-accuracy-availability"
    assert flag in [f for f, _ in _flags_in_blocks(compiled, [disclaimer, other])]
    assert flag not in [f for f, _ in _flags_in_blocks(compiled, [disclaimer, other, service_level])]
    assert flag not in [f for f, _ in _flags_in_blocks(compiled, [service_level, other, disclaimer])]


def _flags_in_blocks(compiled: CompiledRules, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(flag id, quoted text) for a document made of (kind, text) blocks."""
    from tenderlint.document import Block, Document

    document = Document(path="<text>", sha256="", format="text",
                        blocks=[Block(text=text, kind=kind, section=[]) for kind, text in blocks])
    return [(flag.id, flag.evidence.quote) for flag in compiled.find(document).red_flags]


def test_red_flag_read_with_the_lead_in_of_a_list(compiled):
    # "We make no warranty:" and its list items are one sentence: the disclaimer carries down.
    found = _flags_in_blocks(compiled, [
        ("paragraph", "Except as this Agreement says otherwise, we make no warranty to you:"),
        ("list_item", "that the platform will be secure or free of harmful code;"),
        ("list_item", "that you will like the colour scheme."),
    ])
    assert ("security/disclaims-security", "that the platform will be secure or free of harmful code;") in found
    assert all(quote != "that you will like the colour scheme." for _flag, quote in found)


def test_red_flag_lead_in_ends_at_the_next_paragraph(compiled):
    # a paragraph that does not end with a colon introduces nothing
    found = _flags_in_blocks(compiled, [
        ("paragraph", "We make no warranty of merchantability."),
        ("list_item", "The platform will be secure and free of harmful code."),
    ])
    assert not [flag for flag, _quote in found if flag == "security/disclaims-security"]
    found = _flags_in_blocks(compiled, [
        ("paragraph", "We make no warranty to you:"),
        ("list_item", "that the service will meet your needs;"),
        ("paragraph", "The Supplier commits to the following:"),
        ("list_item", "the platform will be secure and free of harmful code."),
    ])
    assert not [flag for flag, _quote in found if flag == "security/disclaims-security"]


def test_red_flag_of_a_lead_in_is_not_repeated_on_its_items(compiled):
    found = _flags_in_blocks(compiled, [
        ("paragraph", "We make no warranty that the service will be secure, and in particular:"),
        ("list_item", "that the reports it writes will be accurate;"),
    ])
    assert [quote for flag, quote in found if flag == "security/disclaims-security"] == [
        "We make no warranty that the service will be secure, and in particular:"]


def test_a_sentence_runs_only_the_patterns_whose_words_it_holds(compiled):
    from tenderlint.rules.engine import PatternRoutes

    strings = compiled.nlp.vocab.strings
    routes = PatternRoutes(compiled.nlp.vocab)
    word = {w: strings.add(w) for w in ("vendor", "supplier", "train", "model", "audit")}
    routes.add("P|a", [{"NORM": {"IN": ["vendor", "supplier"]}}, {"NORM": "train"}],
               [[word["vendor"], word["supplier"]], [word["train"]]])
    routes.add("P|b", [{"NORM": {"IN": ["vendor", "supplier"]}}, {"OP": "*"}, {"NORM": "train"}],
               [[word["vendor"], word["supplier"]], [word["train"]]])  # same words: the same Matcher
    routes.add("P|c", [{"NORM": "audit"}], [[word["audit"]]])
    assert len(routes) == 3 and len(routes.matchers) == 2
    assert len(routes.matchers_for([word["supplier"], word["train"]])) == 1
    assert len(routes.matchers_for([word["supplier"], word["train"], word["audit"]])) == 2
    assert routes.matchers_for([word["supplier"], word["model"]]) == []  # "train" is missing


def test_routed_patterns_find_what_one_matcher_of_all_patterns_finds(compiled):
    # The routing only skips work: on the shipped rules and a varied text, the same matches.
    from spacy.matcher import Matcher

    from tenderlint.rules.engine import Batch, Sentences, _flag_matchers, _tractable

    everything = Matcher(compiled.nlp.vocab)
    for rule in compiled.pack.rules.values():
        patterns = [(f"P|{rule.id}|{tp.name}", tp.pattern) for tp in rule.evidence.patterns]
        for flag in rule.red_flags:
            patterns += [(f"RP|{flag_id}|{tp.name}", tp.pattern) for flag_id, matchers in _flag_matchers(flag)
                         for tp in matchers.patterns]
        for key, pattern in patterns:
            everything.add(key, [_tractable(pattern)[0]])
    text = ("We may use your prompts and outputs to train and improve our models. "
            "The Supplier shall not use Buyer Data to train any model. "
            "Provider may change these terms at any time by posting them on its website. "
            "You will indemnify us against any claim arising from your use of the outputs. "
            "Our total liability is limited to the fees you paid in the three months before the claim.")
    batch = Batch.of(0, [text])
    doc = compiled.nlp(compiled._tokenized(batch))
    sents = Sentences.of(doc, batch)
    routed = [(match_id, start, end) for _si, match_id, start, end in compiled._token_matches(doc, sents)]
    expected = [(match_id, sents.starts[si] + start, sents.starts[si] + end)
                for si in range(len(sents.starts))
                for match_id, start, end in everything(doc[sents.starts[si]:sents.ends[si]])
                if end - start <= compiled.longest_match.get(match_id, end - start)]
    assert len(routed) >= 3 and sorted(routed) == sorted(expected)


def test_red_flag_lead_in_reaches_numbered_paragraphs(compiled):
    # parsers often keep "(1) ...", "(2) ..." clauses as paragraphs; they still finish the lead-in
    found = _flags_in_blocks(compiled, [
        ("paragraph", "In particular, we do not promise you:"),
        ("paragraph", "(1) that the reports will arrive on time;"),
        ("paragraph", "(2) that the platform will be secure;"),
        ("paragraph", "Our support desk is open on weekdays."),
        ("paragraph", "(3) The platform will be secure."),
    ])
    quotes = [quote for flag, quote in found if flag == "security/disclaims-security"]
    assert quotes == ["(2) that the platform will be secure;"]


@pytest.mark.parametrize("topic,text", [
    ("bias-fairness", "The injured party may seek specific performance and other equitable relief."),
    ("human-oversight", "Software includes programs in source code, object code or human readable form."),
])
def test_false_friends_are_not_even_mentions(compiled, topic, text):
    covered, mentioned, _flags = judge_text(compiled, text)
    assert topic not in covered | mentioned


def test_a_bond_not_required_is_a_mention_of_liability(compiled):
    covered, mentioned, _flags = judge_text(compiled, "Performance Bond: not required for this order.")
    assert "liability" in mentioned and "liability" not in covered


@pytest.mark.parametrize("field, value", [
    ("section_titles", ["service\\s+levels?", "(unclosed"]),
    ("title_does_not_lend", "clearance(s"),
])
def test_a_rule_pattern_that_does_not_compile_is_a_coded_error(tmp_path, field, value):
    """Section titles and a title's guard are regular expressions: a broken one stops the rule
    pack with a coded error naming the field, not a crash when a document is checked."""
    from tenderlint.errors import TenderlintError

    data = yaml.safe_load(RULE_FILES[0].read_text(encoding="utf-8"))
    data[field] = value
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(TenderlintError) as raised:
        load_rule_file(path)
    assert raised.value.code == "rule-invalid" and field in raised.value.message
