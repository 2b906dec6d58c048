"""The rule engine: find topic evidence and red flags in a Document, sentence by sentence.

Rule phrases are compiled once per rule pack into one spaCy ``PhraseMatcher`` (on NORM,
the lower-cased lemma) and one ``Matcher`` for the few token patterns. Each block of the
document is processed with ``nlp.pipe``; every sentence with a topic hit becomes
``Evidence``, *substantive* when the sentence is in requirement form and not a heading,
table-of-contents line, definition or out-of-scope statement, otherwise a *mention*.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.attrs import LOWER, NORM, ORTH
from spacy.matcher import Matcher, PhraseMatcher

from tenderlint.document import Block, Document
from tenderlint.nlp import get_pipeline
from tenderlint.results import Evidence, RedFlag
from tenderlint.rules import cues
from tenderlint.rules.loader import RulePack

MAX_QUOTE = 400
# Words that show a document is about AI, ML, algorithms or automated decisions.
AI_VOCABULARY = [
    "artificial intelligence", "ai", "a.i.", "machine learning", "deep learning", "neural network",
    "large language model", "language model", "llm", "generative", "genai", "gen ai", "chatbot",
    "natural language processing", "nlp", "computer vision", "algorithm", "algorithmic",
    "automated decision", "automated decision-making", "predictive model", "predictive analytics",
    "foundation model", "ai model", "ml model", "training data", "model training", "copilot",
    "agentic", "ai system", "ai-enabled", "ai-powered", "facial recognition", "speech recognition",
]
AI_DOCUMENT_MIN_SENTENCES = 3


@dataclass
class SentenceHit:
    """What the matchers found in one sentence."""

    terms: set[str] = field(default_factory=set)  # topic ids with a term hit
    mentions: set[str] = field(default_factory=set)
    excluded: set[str] = field(default_factory=set)
    groups: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # "topic|name" -> groups
    patterns: set[str] = field(default_factory=set)  # topic ids with a token-pattern hit
    names: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))  # topic -> token spans
    flag_groups: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # "flag|name" -> groups
    flag_patterns: set[str] = field(default_factory=set)
    flag_excluded: set[str] = field(default_factory=set)
    ai: bool = False


@dataclass
class Sentence:
    """A located sentence and its form, kept for the classifier."""

    text: str
    start: int
    end: int
    block: Block
    substantive: bool
    why: str


@dataclass
class Findings:
    """Everything the rules found in one document."""

    evidence: dict[str, list[Evidence]]  # topic id -> evidence in document order
    red_flags: list[RedFlag]
    ai_sentences: int
    sentences: list[Sentence] = field(default_factory=list)  # sentences with a finding, when asked for

    @property
    def is_ai_document(self) -> bool:
        return self.ai_sentences >= AI_DOCUMENT_MIN_SENTENCES


class CompiledRules:
    """A rule pack compiled into matchers for one pipeline."""

    def __init__(self, pack: RulePack):
        self.pack = pack
        self.nlp = get_pipeline()
        vocab = self.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="NORM")
        self.tokens = Matcher(vocab)
        self.cooccur_sizes: dict[str, int] = {}
        self.flag_sizes: dict[str, int] = {}
        self.flags = {f.id: (rule, f) for rule in pack.rules.values() for f in rule.red_flags}
        self.match_keys: dict[int, tuple] = {}  # match id -> parsed key, filled as matches appear
        # For each token pattern, the word sets (as string hashes) a sentence must contain for it to
        # match at all.
        self.pattern_anchor_ids: list[list[frozenset[int]]] = []
        pending: dict[str, list[str]] = defaultdict(list)
        for rule in pack.rules.values():
            ev = rule.evidence
            pending[f"T|{rule.id}"] += ev.terms
            pending[f"M|{rule.id}"] += ev.mentions
            pending[f"X|{rule.id}"] += ev.exclude
            for co in ev.cooccur:
                self.cooccur_sizes[f"{rule.id}|{co.name}"] = len(co.all)
                for gi, group in enumerate(co.all):
                    pending[f"C|{rule.id}|{co.name}|{gi}"] += group
            for tp in ev.patterns:
                self.tokens.add(f"P|{rule.id}|{tp.name}", [_tractable(tp.pattern)])
                self.pattern_anchor_ids.append(self._anchor_ids(tp.pattern))
            for flag in rule.red_flags:
                pending[f"RX|{flag.id}"] += flag.exclude
                for co in flag.cooccur:
                    self.flag_sizes[f"{flag.id}|{co.name}"] = len(co.all)
                    for gi, group in enumerate(co.all):
                        pending[f"RC|{flag.id}|{co.name}|{gi}"] += group
                for tp in flag.patterns:
                    self.tokens.add(f"RP|{flag.id}|{tp.name}", [_tractable(tp.pattern)])
                    self.pattern_anchor_ids.append(self._anchor_ids(tp.pattern))
        pending["AI"] += AI_VOCABULARY
        all_phrases = sorted({p for phrases in pending.values() for p in phrases})
        # Phrases only need tokens and norms: skip the sentencizer.
        norm = self.nlp.get_pipe("tenderlint_norm")
        docs = {p: norm(self.nlp.make_doc(p)) for p in all_phrases}
        for key, phrases in pending.items():
            if phrases:
                self.phrases.add(key, [docs[p] for p in dict.fromkeys(phrases)])

    def _anchor_ids(self, pattern: list[dict]) -> list[frozenset[int]]:
        strings = self.nlp.vocab.strings
        return [frozenset(strings.add(w) for w in required) for required in _required_words(pattern)]

    # -- matching -----------------------------------------------------------------------------

    def _sentence_hits(self, doc) -> dict[int, SentenceHit]:
        """Matches in a processed block, grouped by the index of the sentence they start in."""
        starts = [sent.start for sent in doc.sents]

        def sent_index(token_i: int) -> int:
            return bisect_right(starts, token_i) - 1

        hits: dict[int, SentenceHit] = defaultdict(SentenceHit)
        strings = self.nlp.vocab.strings
        keys = self.match_keys
        for match_id, start, _end in self.phrases(doc):
            key = keys.get(match_id)
            if key is None:
                key = keys[match_id] = _parse_key(strings[match_id])
            kind, a, b, gi = key
            hit = hits[sent_index(start)]
            if kind == "T":
                hit.terms.add(a)
                hit.names[a].append((start, _end))
            elif kind == "M":
                hit.mentions.add(a)
            elif kind == "X":
                hit.excluded.add(a)
            elif kind == "C":
                hit.groups[b].add(gi)
                hit.names[a].append((start, _end))
            elif kind == "RC":
                hit.flag_groups[b].add(gi)
            elif kind == "RX":
                hit.flag_excluded.add(a)
            elif kind == "AI":
                hit.ai = True
        for match_id, start, _end in self._token_matches(doc):
            kind, _, rest = strings[match_id].partition("|")
            hit = hits[sent_index(start)]
            if kind == "P":
                topic = rest.split("|")[0]
                hit.patterns.add(topic)
                hit.names[topic].append((start, _end))
            else:
                hit.flag_patterns.add(rest.split("|")[0])
        return hits

    def _token_matches(self, doc):
        """Token-pattern matches, running the Matcher only on sentences that hold every word a
        pattern requires: wildcard patterns are costly, and most sentences cannot match them."""
        if not len(self.tokens):
            return
        # Compare string hashes straight from the token array: building Token objects is the cost.
        ids = doc.to_array([NORM, LOWER, ORTH])
        block_words = set(ids.ravel().tolist())
        if not any(all(required & block_words for required in anchors) for anchors in self.pattern_anchor_ids):
            return
        for sent in doc.sents:
            words = set(ids[sent.start:sent.end].ravel().tolist())
            if any(all(required & words for required in anchors) for anchors in self.pattern_anchor_ids):
                for match_id, start, end in self.tokens(sent):
                    yield match_id, sent.start + start, sent.start + end

    def _strong_topics(self, hit: SentenceHit) -> set[str]:
        topics = set(hit.terms) | set(hit.patterns)
        for key, groups in hit.groups.items():
            if len(groups) == self.cooccur_sizes[key]:
                topics.add(key.split("|")[0])
        return topics - hit.excluded

    def _flags(self, hit: SentenceHit) -> set[str]:
        flags = set(hit.flag_patterns)
        for key, groups in hit.flag_groups.items():
            if len(groups) == self.flag_sizes[key]:
                flags.add(key.split("|")[0])
        return flags - hit.flag_excluded

    # -- the document -------------------------------------------------------------------------

    def find(self, document: Document, keep_sentences: bool = False) -> Findings:
        """Evidence and red flags in ``document``; with ``keep_sentences`` also every sentence in
        which some topic or flag was found (the classifier confirms or adds evidence only there)."""
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        red_flags: list[RedFlag] = []
        sentences: list[Sentence] = []
        ai_sentences = 0
        blocks = [b for b in document.blocks if b.kind != "header_footer" and b.text.strip()]
        lead_in = False  # a "The Contractor shall:" paragraph makes the list items after it obligations
        for block, doc in zip(blocks, self.nlp.pipe(b.text for b in blocks)):
            if block.kind == "list_item" or block.kind == "table_cell":
                inherited = lead_in
            else:
                inherited = False
            hits = self._sentence_hits(doc)
            sents = list(doc.sents)
            for si, hit in hits.items():
                sent = sents[si]
                ai_sentences += hit.ai
                strong = self._strong_topics(hit)
                flags = self._flags(hit)
                mentioned = (hit.mentions | strong) - hit.excluded
                if not (mentioned or flags):
                    continue
                form, why = self._form(sent, block, inherited)
                if keep_sentences and len(sent) >= 4:
                    sentences.append(Sentence(sent.text.strip(), block.start + sent.start_char,
                                              block.start + sent.end_char, block, form == "substantive", why))
                for topic in mentioned:
                    substantive = topic in strong and form == "substantive"
                    evidence[topic].append(self._evidence(topic, sent, block, substantive, why, hit))
                for flag_id in flags:
                    # A provision against the buyer is often a plain statement ("We own all Output") or
                    # a refusal ("we have no obligation to keep your data"): only headings, contents
                    # lines and definitions are never flags.
                    if why in ("heading", "table of contents", "definition"):
                        continue
                    rule, flag = self.flags[flag_id]
                    ev = self._evidence(rule.id, sent, block, True, "red flag", hit, source=f"red-flag:{flag_id}")
                    red_flags.append(RedFlag(flag_id, rule.id, flag.title, flag.severity, ev))
            if block.kind in ("paragraph", "heading"):
                text = block.text.rstrip()
                lead_in = text.endswith(":") and self._form(sents[-1], block, False)[0] == "substantive" if sents else False
        return Findings(dict(evidence), red_flags, ai_sentences, sentences)

    def _form(self, sent, block: Block, inherited: bool) -> tuple[str, str]:
        """("substantive" | "mention", why) for a sentence in its block."""
        text = sent.text
        if block.kind == "heading":
            # Parsers sometimes lift a numbered question to bidders into a heading; it is still a question.
            if text.rstrip().endswith("?") and len(sent) >= 6:
                return "substantive", "question"
            return "mention", "heading"
        if cues.is_toc(text, block.section):
            return "mention", "table of contents"
        if cues.is_definition(text, block.section):
            return "mention", "definition"
        if cues.is_negated_scope(text):
            return "mention", "declared out of scope or postponed"
        norms = [t.norm_ for t in sent]
        form = cues.requirement_form(norms, text, block.section)
        if form:
            return "substantive", form
        if inherited:
            return "substantive", "obligation (list under a requirement)"
        return "mention", "mentioned without a requirement"

    def _evidence(self, topic, sent, block, substantive, why, hit, source=None) -> Evidence:
        start = block.start + sent.start_char
        end = block.start + sent.end_char
        quote = sent.text.strip()
        if len(quote) > MAX_QUOTE:
            quote = quote[: MAX_QUOTE - 1].rstrip() + "…"
        doc = sent.doc
        matched = ", ".join(dict.fromkeys(doc[a:b].text for a, b in hit.names.get(topic, [])))
        return Evidence(
            topic=topic,
            quote=quote,
            page=block.page,
            section=list(block.section),
            start=start,
            end=end,
            source=source or f"rule:{topic}",
            strength="substantive" if substantive else "mention",
            score=None,
            block_kind=block.kind,
            why=why if not matched else f"{why}; matched: {matched}",
        )


def _parse_key(key: str) -> tuple[str, str, str, int]:
    """(kind, topic or flag, group key, group index) from a matcher key such as "C|privacy|name|1"."""
    kind, _, rest = key.partition("|")
    if kind in ("C", "RC"):
        owner, name, gi = rest.split("|")
        return kind, owner, f"{owner}|{name}", int(gi)
    return kind, rest, "", 0


def _tractable(pattern: list[dict]) -> list[dict]:
    """The pattern with bounded gaps ("OP": "{0,N}") made unbounded ("*") when it has two or more.

    spaCy expands a bounded gap into N optional tokens, and two or more of them in one pattern
    make the Matcher's work grow combinatorially: one 35-token vendor clause took 34 s. An
    unbounded gap is matched in linear time; the gaps' own token conditions (usually "not a
    full stop or semicolon") still keep a match inside one clause.
    """
    bounded = [i for i, spec in enumerate(pattern) if str(spec.get("OP", "")).startswith("{0,")]
    if len(bounded) < 2:
        return pattern
    return [{**spec, "OP": "*"} if i in bounded else spec for i, spec in enumerate(pattern)]


def _required_words(pattern: list[dict]) -> list[frozenset[str]]:
    """The literal word sets of a token pattern's required tokens (an empty list: no pre-filter)."""
    required = []
    for spec in pattern:
        if spec.get("OP") in ("?", "*") or str(spec.get("OP", "")).startswith("{0"):
            continue
        literal = [k for k in spec if k in ("NORM", "LOWER", "ORTH", "TEXT")]
        if len(literal) != 1 or len(spec) - ("OP" in spec) != 1:
            continue
        value = spec[literal[0]]
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = list(value["IN"])
        else:
            continue
        if literal[0] in ("NORM", "LOWER"):
            words = [w.lower() for w in words]
        required.append(frozenset(words))
    return required


_COMPILED: dict[int, CompiledRules] = {}


def compile_rules(pack: RulePack) -> CompiledRules:
    """The compiled matchers for ``pack``, built once per process."""
    compiled = _COMPILED.get(id(pack))
    if compiled is None or compiled.pack is not pack:
        compiled = _COMPILED[id(pack)] = CompiledRules(pack)
    return compiled


def judge_text(compiled: CompiledRules, text: str, section: list[str] | None = None) -> tuple[set[str], set[str], set[str]]:
    """(topics covered, topics only mentioned, red flags) for a piece of text on its own.

    Used by the rule examples test and ``tenderlint rules --try``.
    """
    document = Document(path="<text>", sha256="", format="text",
                        blocks=[Block(text=text, kind="paragraph", section=list(section or []))])
    findings = compiled.find(document)
    covered = {t for t, evs in findings.evidence.items() if any(e.strength == "substantive" for e in evs)}
    mentioned = set(findings.evidence) - covered
    return covered, mentioned, {f.id for f in findings.red_flags}
