"""The rule engine: find topic evidence and red flags in a Document, sentence by sentence.

Rule phrases are compiled once per rule pack into one spaCy ``PhraseMatcher`` (on NORM,
the lower-cased lemma) and one ``Matcher`` for the few token patterns. The document's blocks
are processed with ``nlp.pipe``, many short blocks to a Doc, each block still split into its
own sentences; every sentence with a topic hit becomes ``Evidence``, *substantive* when the
sentence is in requirement form and not a heading, table-of-contents line, definition or
out-of-scope statement, otherwise a *mention*.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IDX, LOWER, NORM, ORTH, SENT_START
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from tenderlint import nlp as nlp_module
from tenderlint.document import Block, Document
from tenderlint.nlp import get_pipeline
from tenderlint.results import Evidence, RedFlag
from tenderlint.rules import cues, defined_terms, parsed_cache, voided
from tenderlint.rules.loader import RulePack
from tenderlint.rules.repeats import Shapes

MAX_QUOTE = 400
# Words that show a document is about AI, ML, algorithms or automated decisions.
AI_VOCABULARY = [
    "artificial intelligence", "ai", "a.i.", "machine learning", "deep learning", "neural network",
    "large language model", "language model", "llm", "generative", "genai", "gen ai", "chatbot",
    "natural language processing", "nlp", "computer vision", "algorithm", "algorithmic",
    "automated decision", "automated decision-making", "predictive model", "predictive analytics",
    "foundation model", "ai model", "ml model", "training data", "model training", "copilot",
    "agentic", "ai system", "ai-enabled", "ai-powered", "facial recognition", "speech recognition",
    "machine-learning", "machine-generated", "synthetic voice", "synthetic speech", "speech synthesis",
    "text-to-speech", "voice cloning", "cloned voice", "voice model", "machine translation",
    # what only a learned model has: weights released with inference code, fine-tuning, diffusion
    "model weights", "inference code", "fine-tuning", "fine-tuned model", "diffusion model", "text-to-image",
    # (a model's card, its learned weights, an agent model: a licence that says only "the Model")
    "model card", "model cards", "learned weights", "trained weights", "pretrained model", "pre-trained model",
    "pretrained models", "pre-trained models", "agent model", "agent models",
    # the companies whose models a service calls ("the usage policies of the model providers your
    # agents call")
    "model provider", "model providers",
    # a conversational system answering people in place of staff is a chatbot by another name
    "virtual agent", "virtual agents", "virtual assistant", "virtual assistants", "conversational ai",
    "conversational agent", "conversational agents", "voice assistant", "voice assistants",
    # turning speech into text, or one language into another, by machine is speech recognition and
    # machine translation under other names ("a bot that transcribes speech and translates it")
    "speech-to-text", "speech to text", "transcribe speech", "transcribes speech", "speech transcription",
    "voice transcription", "automated transcription", "automatic transcription", "automated translation",
    "automatic translation", "automated captions", "automatic captions",
]
AI_DOCUMENT_MIN_SENTENCES = 3
# A co-occurrence counts only when its phrases sit within this many tokens of each other: about a
# clause. Contract sentences run to a hundred words and more, listing unrelated matters side by
# side ("… providing logs or records … ; (b) either party may terminate …"); phrases that far
# apart are not one provision. A rule may set its own ``within``.
COOCCUR_WINDOW = 30
# Marks the id under which a red flag's answer (RedFlagRule.unless_elsewhere) is matched.
ANSWERED = "~answered"
# A sentence that denies or disclaims is no answer to a flag, whatever it names: "we do not
# guarantee 100% availability" is not an uptime commitment.
ANSWER_VETOES = ["not guarantee", "no guarantee", "not warrant", "no warranty", "not promise", "no promise",
                 "no commitment", "not commit", "disclaim", "not responsible", "no responsibility",
                 "no obligation", "not obligate", "not be liable", "not liable",
                 # an answer the vendor says it does not give ("we do not offer service-level
                 # agreements", "offers no SLA credits")
                 "not offer", "offer no"]
# Short texts are joined into Docs of about this many characters (see Batch).
BATCH_CHARS = 2_000
TEXT_SEPARATOR = "\n\n"
# "(2) that the service will be secure;" under "We do not warrant:": a numbered item of the sentence
# before it, for red flags (topic lead-ins keep to lettered items, see cues.LETTERED_ITEM).
NUMBERED_ITEM = re.compile(r"^\s*\(\d{1,2}\)\s")
# A block longer than this is processed in pieces of at most this many characters, cut after a
# sentence end where there is one (far below spaCy's max_length, and a Doc's memory stays small).
PIECE_CHARS = 100_000
# spaCy's tokenizer strips prefix and suffix punctuation one character at a time, searching the
# rest of the token each time: a run of thousands of "[" or "*" takes minutes. The tokenizer is
# given runs no longer than this (see tokenizable).
MAX_PUNCTUATION_RUN = 16
_PUNCTUATION_RUN = re.compile(r"[^\w\s]{%d,}" % (MAX_PUNCTUATION_RUN + 1))
_SENTENCE_END = re.compile(r"[.!?;:][\"')\]]*\s+")


def tokenizable(text: str) -> str:
    """``text`` as the tokenizer sees it: the same length, with a space after every
    ``MAX_PUNCTUATION_RUN`` characters of a longer run of punctuation.

    Character offsets therefore stay those of ``text``, and quotes are always cut from the
    original text, never from the tokens.
    """
    if not _PUNCTUATION_RUN.search(text):
        return text
    return _PUNCTUATION_RUN.sub(_break_run, text)


def _pipeline_identity(nlp) -> list[str]:
    """Everything a phrase's norms depend on besides the phrase: the spaCy version, the pipeline
    (a full model's name and version, its components), the lookup tables' version, and our own
    tokenizing and norm code (this module and nlp.py, by content)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        lookups = version("spacy-lookups-data")
    except PackageNotFoundError:
        lookups = ""
    code = hashlib.sha256()
    for module in (Path(__file__), Path(nlp_module.__file__)):
        code.update(module.read_bytes())
    return [spacy.__version__, nlp.meta.get("name", ""), nlp.meta.get("version", ""), *nlp.pipe_names,
            lookups, code.hexdigest()]


def _break_run(match: re.Match[str]) -> str:
    run = match.group()
    step = MAX_PUNCTUATION_RUN + 1
    return " ".join(run[i:i + MAX_PUNCTUATION_RUN] for i in range(0, len(run), step)) if len(run) % step else \
        " ".join(run[i:i + MAX_PUNCTUATION_RUN] for i in range(0, len(run), step)) + " "


def pieces(text: str, limit: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of ``text`` of at most ``limit`` (PIECE_CHARS) characters, each cut after
    the last sentence end before the limit (else the last whitespace, else at the limit), without
    the whitespace between pieces."""
    limit = limit or PIECE_CHARS
    spans = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = None
        for match in _SENTENCE_END.finditer(window, limit // 2):
            cut = match  # the last sentence end in the second half of the window
        if cut is not None:
            end, after = start + cut.start() + len(cut.group().rstrip()), start + cut.end()
        else:
            space = max(window.rfind(" ", limit // 2), window.rfind("\n", limit // 2))
            end = after = start + (space if space > 0 else limit)
            while after < len(text) and text[after].isspace():
                after += 1
        spans.append((start, end))
        start = after
    if start < len(text):
        spans.append((start, len(text)))
    return spans


# The words of a co-occurrence group that make it the group naming AI (see CompiledRules.ai_groups).
AI_GROUP_WORDS = frozenset({"ai", "artificial intelligence"})


@dataclass
class SentenceHit:
    """What the matchers found in one sentence."""

    terms: set[str] = field(default_factory=set)  # topic ids with a term hit
    mentions: set[str] = field(default_factory=set)
    excluded: set[str] = field(default_factory=set)
    groups: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # "topic|name" -> groups
    group_spans: dict[str, list[tuple[int, int, int]]] = field(
        default_factory=lambda: defaultdict(list))  # "topic|name" -> (start, end, group) of each match
    patterns: set[str] = field(default_factory=set)  # topic ids with a token-pattern hit
    # topic -> token spans of its terms and patterns (co-occurrences keep theirs in group_spans:
    # only a completed one found the topic, see CompiledRules._matched_spans)
    names: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    inherited: set[str] = field(default_factory=set)  # "topic|name" keys completed by the lead-in paragraph
    # Where the inline items "(i) … (ii) …" of the sentence begin, then where it ends (token
    # indices); empty when it has no such list (see _inline_items).
    items: list[int] = field(default_factory=list)
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
    ai: bool = False  # the sentence itself names AI, a model, an algorithm or automated decisions


@dataclass
class Batch:
    """Consecutive texts (blocks, or rule phrases) processed as one Doc, joined by blank lines.

    A Doc per block spends more time in spaCy's per-Doc work than in tokenizing when a document
    has thousands of short blocks. Whitespace always ends a token, so each text is tokenized as on
    its own, and with its first token (and the blank line before it) marked as sentence starts
    the sentencizer splits it as on its own too. Whitespace at either end of a text would merge
    with the blank line into one token: such a text goes alone. Batches stay small because the
    tokenizer stops caching words for the rest of a Doc once it meets a special case ("U.S.");
    a single line break is one.
    """

    first: int  # the index of the first text in the list the texts come from
    texts: list[str]
    text: str
    offsets: list[int]  # where each text starts in ``text``

    @classmethod
    def of(cls, first: int, texts: list[str]) -> Batch:
        offsets = []
        at = 0
        for text in texts:
            offsets.append(at)
            at += len(text) + len(TEXT_SEPARATOR)
        return cls(first, texts, TEXT_SEPARATOR.join(texts), offsets)

    @property
    def indices(self) -> range:
        return range(self.first, self.first + len(self.texts))

    def index_at(self, char: int) -> int | None:
        """The index of the text holding character ``char`` of ``text`` (None: a blank line between texts)."""
        i = bisect_right(self.offsets, char) - 1
        return self.first + i if char < self.offsets[i] + len(self.texts[i]) else None

    def offset(self, index: int) -> int:
        """Where text ``index`` starts in ``text``."""
        return self.offsets[index - self.first]


def batches(texts: list[str], joinable: bool = True) -> Iterator[Batch]:
    """The texts in batches of about ``BATCH_CHARS`` characters (of one text each unless ``joinable``)."""
    first, size = 0, 0
    for index, text in enumerate(texts):
        alone = not (joinable and text[:1].strip() and text[-1:].strip())
        if index > first and (alone or size + len(text) > BATCH_CHARS):
            yield Batch.of(first, texts[first:index])
            first, size = index, 0
        size += len(text) + len(TEXT_SEPARATOR)
        if alone:
            yield Batch.of(first, texts[first:index + 1])
            first, size = index + 1, 0
    if first < len(texts):
        yield Batch.of(first, texts[first:])


@dataclass
class Sentences:
    """The sentences of a processed batch: their tokens, and the text each belongs to."""

    starts: list[int]  # each sentence's first token
    ends: list[int]
    owners: list[int | None]  # the index of each sentence's text (None: a blank line between texts)

    @classmethod
    def of(cls, doc: Doc, batch: Batch) -> Sentences:
        # From the token arrays, as Doc.sents splits (token 0 always starts one): building a Span
        # for every sentence is the cost.
        boundaries = (numpy.flatnonzero(doc.to_array(SENT_START)[1:] == 1) + 1).tolist()
        starts = [0, *boundaries]
        chars = doc.to_array(IDX)[starts].tolist()
        return cls(starts, [*boundaries, len(doc)], [batch.index_at(char) for char in chars])

    def index_of(self, token_i: int) -> int:
        """The index of the sentence holding token ``token_i``."""
        return bisect_right(self.starts, token_i) - 1

    def span(self, doc: Doc, si: int) -> Span:
        """Sentence ``si`` of ``doc``."""
        return doc[self.starts[si]:self.ends[si]]


@dataclass
class Passage:
    """A sentence of a batch's Doc, with its block, its text and its place in the document."""

    span: Span
    block: Block
    text: str
    start: int
    end: int

    @classmethod
    def of(cls, span: Span, block: Block, batch: Batch, index: int, base: int = 0) -> Passage:
        """Sentence ``span`` of ``block``, text ``index`` of ``batch``, which starts ``base``
        characters into the block (a piece of a long block)."""
        offset = batch.offset(index) - base
        return cls(span, block, batch.text[span.start_char:span.end_char],
                   block.start + span.start_char - offset, block.start + span.end_char - offset)


@dataclass
class Findings:
    """Everything the rules found in one document."""

    evidence: dict[str, list[Evidence]]  # topic id -> evidence in document order
    red_flags: list[RedFlag]
    ai_sentences: int
    sentences: list[Sentence] = field(default_factory=list)  # sentences with a finding, when asked for
    # The document says its own service rests on AI ("our Services utilize artificial intelligence
    # and machine learning"): about AI however rarely it names AI again (see cues.says_its_service_is_ai).
    declares_ai: bool = False

    @property
    def is_ai_document(self) -> bool:
        return self.declares_ai or self.ai_sentences >= AI_DOCUMENT_MIN_SENTENCES


class PatternRoutes:
    """Token patterns grouped by the words a sentence must hold for them to match at all.

    Each distinct set of words a required token allows (see ``_required_words``) is one bit; a
    word (a string hash of a token's NORM, LOWER or ORTH) carries the bits of the sets it is in.
    Patterns that require the same sets share one Matcher, and a sentence is given only to the
    Matchers whose requirements it meets: the Matcher's work grows with the patterns it runs, most
    sentences meet no pattern's requirements, and those that do rarely meet more than one or two.
    A pattern with no literal required token (no bits) runs on every sentence.
    """

    def __init__(self, vocab):
        self.vocab = vocab
        self.word_bits: dict[int, int] = defaultdict(int)
        self.set_bits: dict[frozenset[int], int] = {}
        self.next_bit = 1
        self.matchers: dict[int, Matcher] = {}  # required bits -> the patterns requiring them
        self.order: dict[int, int] = {}  # match id -> the order its pattern was added in

    def __len__(self) -> int:
        return sum(len(matcher) for matcher in self.matchers.values())

    def add(self, key: str, pattern: list[dict], required: list[list[int]]) -> None:
        """A pattern under ``key``, by the words each of its required tokens allows."""
        bits = 0
        for words in required:
            word_set = frozenset(words)
            bit = self.set_bits.get(word_set)
            if bit is None:
                bit = self.set_bits[word_set] = self.next_bit
                self.next_bit <<= 1
                for word in word_set:
                    self.word_bits[word] |= bit
            bits |= bit
        if bits not in self.matchers:
            self.matchers[bits] = Matcher(self.vocab)
        self.matchers[bits].add(key, [pattern])
        self.order[self.vocab.strings[key]] = len(self.order)

    def matchers_for(self, words: list[int]) -> list[Matcher]:
        """The Matchers whose patterns ``words`` (a sentence's string hashes) may match."""
        present = 0
        for word in self.word_bits.keys() & set(words):
            present |= self.word_bits[word]
        return [matcher for bits, matcher in self.matchers.items() if present & bits == bits]


class CompiledRules:
    """A rule pack compiled into matchers for one pipeline."""

    def __init__(self, pack: RulePack):
        self.pack = pack
        self.nlp = get_pipeline()
        # Blocks share a Doc only under the blank pipeline: a full pretrained pipeline's tagger
        # and parser would read across the blocks of a batch.
        self.joinable = self.nlp.pipe_names == ["sentencizer", "tenderlint_norm"]
        vocab = self.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="NORM")
        self.tokens = PatternRoutes(vocab)
        self.cooccur_sizes: dict[str, int] = {}
        # The co-occurrence groups that name AI ("ai", "artificial intelligence"): a document's own
        # name for its AI ("Grok", "the Assistant") stands in for them wherever it appears.
        self.ai_groups: list[tuple[str, int]] = []
        self.cooccur_windows: dict[str, int] = {}
        # The co-occurrence groups a heading may supply to the sentences under it (``from_heading``)
        self.heading_groups: dict[str, frozenset[int]] = {}
        self.mention_statements = {rule.id: rule.mention_in_statements for rule in pack.rules.values()
                                   if rule.mention_in_statements}
        self.statement_cues = {rule.id: rule.statement_cues for rule in pack.rules.values() if rule.statement_cues}
        self.solution_topics = frozenset(rule.id for rule in pack.rules.values() if rule.about_the_solution)
        self.objective_topics = frozenset(rule.id for rule in pack.rules.values() if rule.objectives_count)
        self.use_restricted_topics = frozenset(rule.id for rule in pack.rules.values() if rule.use_restrictions_mention)
        self.section_titles = cues.compile_section_titles({rule.id: rule.section_titles for rule in pack.rules.values()})
        self.titled_entries = frozenset(rule.id for rule in pack.rules.values() if rule.titled_entries_state_it)
        self.title_guards = {rule.id: re.compile(rule.title_does_not_lend, re.I)
                             for rule in pack.rules.values() if rule.title_does_not_lend}
        self.barring_headings = {rule.id: re.compile(rule.not_under_headings, re.I)
                                 for rule in pack.rules.values() if rule.not_under_headings}
        # Topics whose terms a defined name carries ("Data Protection Law" defined by the GDPR)
        self.carriers = {rule.id: defined_terms.alias_pattern(rule.evidence.terms, ignore_case=True)
                         for rule in pack.rules.values() if rule.defined_terms_carry and rule.evidence.terms}
        self.flag_sizes: dict[str, int] = {}
        self.company_suffixes = frozenset(vocab.strings.add(suffix) for suffix in COMPANY_SUFFIXES)
        self.flags = {f.id: (rule, f) for rule in pack.rules.values() for f in rule.red_flags}
        self.match_keys: dict[int, tuple] = {}  # match id -> parsed key, filled as matches appear
        self.longest_match: dict[int, int] = {}  # match id -> longest match kept, for bounded patterns
        pending: dict[str, list[str]] = defaultdict(list)
        for rule in pack.rules.values():
            ev = rule.evidence
            pending[f"T|{rule.id}"] += ev.terms
            pending[f"M|{rule.id}"] += ev.mentions
            pending[f"X|{rule.id}"] += ev.exclude
            for co in ev.cooccur:
                self.cooccur_sizes[f"{rule.id}|{co.name}"] = len(co.all)
                self.cooccur_windows[f"{rule.id}|{co.name}"] = co.within or COOCCUR_WINDOW
                if co.from_heading:
                    self.heading_groups[f"{rule.id}|{co.name}"] = frozenset(co.from_heading)
                for gi, group in enumerate(co.all):
                    pending[f"C|{rule.id}|{co.name}|{gi}"] += group
                    if AI_GROUP_WORDS & set(group):
                        self.ai_groups.append((f"{rule.id}|{co.name}", gi))
            for tp in ev.patterns:
                self._add_token_pattern(f"P|{rule.id}|{tp.name}", tp.pattern)
            for flag in rule.red_flags:
                pending[f"RX|{flag.id}"] += flag.exclude
                if flag.unless_elsewhere is not None:
                    pending[f"RX|{flag.id}{ANSWERED}"] += ANSWER_VETOES + flag.unless_elsewhere.exclude
                for flag_id, matchers in _flag_matchers(flag):
                    self._add_flag_matchers(flag_id, matchers, pending)
        pending["AI"] += AI_VOCABULARY
        all_phrases = sorted({p for phrases in pending.values() for p in phrases})
        norms = dict(zip(all_phrases, self._phrase_norms(all_phrases)))
        variants = {phrase: self._phrase_variants(ids) for phrase, ids in norms.items()}
        for key, phrases in pending.items():
            if phrases:
                # (the PhraseMatcher takes a pattern as a Doc, or as its tokens' values of its attribute)
                self.phrases.add(key, [form for p in dict.fromkeys(phrases) for form in [norms[p], *variants[p]]])
        self.shapes = (self._shapes(all_phrases, [*norms.values(), *(v for vs in variants.values() for v in vs)])
                       if self.joinable else None)

    def _phrase_variants(self, ids: list[int]) -> list[list[int]]:
        """Other spellings a rule phrase (its norms, ``ids``) also matches: with the plural of a
        last word the lemma table does not know, so cannot bring back to it ("subprocessor",
        "offeror", "SLA", "LLM": "… subprocessors"); and, hyphenated, with its words apart
        ("machine-generated": "machine generated")."""
        strings = self.nlp.vocab.strings
        variants: list[list[int]] = []
        # (a full pipeline has no lookup table: its own lemmatizer brings plurals back)
        table = getattr(self.nlp.get_pipe("tenderlint_norm"), "table", None)
        last = strings[ids[-1]] if ids else ""
        if table is not None and len(last) >= 3 and last.isalpha() and not last.endswith("s"):
            if last.endswith(("x", "z", "ch", "sh")):
                plural = last + "es"
            elif last.endswith("y") and last[-2] not in "aeiou":
                plural = last[:-1] + "ies"
            else:
                plural = last + "s"
            if table.get(plural) is None:
                variants.append([*ids[:-1], strings.add(plural)])
        hyphen = strings["-"]
        if hyphen in ids[1:-1]:
            variants.append([i for i in ids if i != hyphen])
        return variants

    def _add_flag_matchers(self, flag_id: str, matchers, pending: dict[str, list[str]]) -> None:
        """Register a red flag's (or its answer's) co-occurrence groups and token patterns."""
        for co in matchers.cooccur:
            self.flag_sizes[f"{flag_id}|{co.name}"] = len(co.all)
            for gi, group in enumerate(co.all):
                pending[f"RC|{flag_id}|{co.name}|{gi}"] += group
        for tp in matchers.patterns:
            self._add_token_pattern(f"RP|{flag_id}|{tp.name}", tp.pattern)

    def _shapes(self, phrases: list[str], norms) -> Shapes | None:
        """The shapes of texts under these rules (see rules/repeats.py): every digit a phrase, its
        norms, a token pattern or the lemma table names is kept."""
        strings = self.nlp.vocab.strings
        table = getattr(self.nlp.get_pipe("tenderlint_norm"), "table", None) or {}
        literals = [*phrases, *(strings[n] for ids in norms for n in ids),
                    *(key for key in table if key.isdigit())]
        patterns = [tp.pattern for rule in self.pack.rules.values()
                    for tp in [*rule.evidence.patterns, *(p for flag in rule.red_flags
                                                           for _, matchers in _flag_matchers(flag)
                                                           for p in matchers.patterns)]]
        return Shapes.for_patterns(literals, patterns)

    def _phrase_norms(self, phrases: list[str]) -> list[list[int]]:
        """The norms of each phrase's tokens (``_token_norms``), from the cache when an earlier run
        worked them out for the same phrases, pipeline and tokenizing code (rules/parsed_cache.py)."""
        strings = self.nlp.vocab.strings
        key = json.dumps([_pipeline_identity(self.nlp), phrases]).encode()
        kept = parsed_cache.cached(key, parsed_cache.PHRASE_NORMS)
        if kept is not None and len(kept.get("norms", ())) == len(phrases):
            return [[strings.add(norm) for norm in norms] for norms in kept["norms"]]
        found = self._token_norms(phrases)
        parsed_cache.keep(key, {"norms": [[strings[norm] for norm in norms] for norms in found]},
                          parsed_cache.PHRASE_NORMS)
        return found

    def _token_norms(self, texts: list[str]) -> list[list[int]]:
        """The norms (string hashes) of each text's tokens; only the tokenizer and the norms are
        needed, many texts to a Doc (see Batch)."""
        norm = self.nlp.get_pipe("tenderlint_norm")
        norms: list[list[int]] = [[] for _ in texts]
        for batch in batches(texts):
            doc = norm(self.nlp.make_doc(tokenizable(batch.text)))
            for char, norm_id in doc.to_array([IDX, NORM]).tolist():
                index = batch.index_at(char)
                if index is not None:
                    norms[index].append(norm_id)
        return norms

    def _add_token_pattern(self, key: str, pattern: list[dict]) -> None:
        strings = self.nlp.vocab.strings
        matcher_pattern, longest = _tractable(pattern)
        self.tokens.add(key, matcher_pattern,
                        [[strings.add(word) for word in required] for required in _required_words(pattern)])
        if longest is not None:
            self.longest_match[strings[key]] = longest

    # -- matching -----------------------------------------------------------------------------

    def _sentence_hits(self, doc: Doc, sents: Sentences,
                       names: defined_terms.DocumentNames | None = None) -> dict[int, SentenceHit]:
        """Matches in a processed batch, grouped by the index of the sentence they start in; a
        match across two texts of the batch is none. ``names`` are the document's defined terms:
        a sentence that uses one of its names for its AI is about AI, and its names for the buyer's
        data and for outputs are read as "data" and "output"."""
        hits: dict[int, SentenceHit] = defaultdict(SentenceHit)
        in_names = _company_name_tokens(doc, self.company_suffixes)
        if names:
            names.rename(doc)
            for start, end in _token_spans(doc, names.ai):
                si = sents.index_of(start)
                if sents.owners[si] is not None:
                    hits[si].ai = True
            # (the document's own name for its AI stands in for "AI" in the phrase groups)
            for start, end in _token_spans(doc, names.ai_systems):
                si = sents.index_of(start)
                if sents.owners[si] is not None:
                    hit = hits[si]
                    for key, gi in self.ai_groups:
                        hit.groups[key].add(gi)
                        hit.group_spans[key].append((start, end, gi))
            # ("Spice AI agrees …": a party's name, as one with a legal form is)
            for start, end in _token_spans(doc, names.ai_parties):
                in_names.update(range(start, end))
            # ("comply with the Data Protection Law", defined by the GDPR: the GDPR is named)
            for topic, pattern in names.carried.items():
                for start, end in _token_spans(doc, pattern):
                    si = sents.index_of(start)
                    if sents.owners[si] is not None:
                        hits[si].terms.add(topic)
                        hits[si].names[topic].append((start, end))
        strings = self.nlp.vocab.strings
        keys = self.match_keys
        owners = sents.owners

        def names_a_company(start: int, end: int) -> bool:  # "Document Security Systems, Inc."
            return bool(in_names) and all(i in in_names for i in range(start, end))

        for match_id, start, end in self.phrases(doc):
            si = sents.index_of(start)
            if owners[si] is None or owners[sents.index_of(end - 1)] != owners[si]:
                continue
            key = keys.get(match_id)
            if key is None:
                key = keys[match_id] = _parse_key(strings[match_id])
            kind, a, b, gi = key
            if kind in ("T", "M", "C") and names_a_company(start, end):
                continue  # a party's name, not the topic
            hit = hits[si]
            if kind == "T":
                hit.terms.add(a)
                hit.names[a].append((start, end))
            elif kind == "M":
                hit.mentions.add(a)
            elif kind == "X":
                hit.excluded.add(a)
            elif kind == "C":
                hit.groups[b].add(gi)
                hit.group_spans[b].append((start, end, gi))
            elif kind == "RC":
                hit.flag_groups[b].add(gi)
            elif kind == "RX":
                hit.flag_excluded.add(a)
            elif kind == "AI" and not names_a_company(start, end):
                hit.ai = True
        for si, hit in hits.items():
            if any(len(groups) == self.cooccur_sizes[key] for key, groups in hit.groups.items()):
                hit.items = _inline_items(doc, sents.starts[si], sents.ends[si])
        for si, match_id, start, end in self._token_matches(doc, sents):
            kind, _, rest = strings[match_id].partition("|")
            hit = hits[si]
            if kind == "P" and names_a_company(start, end):
                continue
            if kind == "P":
                topic = rest.split("|")[0]
                hit.patterns.add(topic)
                hit.names[topic].append((start, end))
            else:
                hit.flag_patterns.add(rest.split("|")[0])
        return hits

    def _token_matches(self, doc: Doc, sents: Sentences):
        """Token-pattern matches as (sentence index, match id, start, end), each sentence given
        only to the patterns whose required words it holds (see PatternRoutes): wildcard patterns
        are costly, and most sentences cannot match any."""
        if not len(self.tokens):
            return
        # Compare string hashes straight from the token array: building Token objects is the cost.
        ids = doc.to_array([NORM, LOWER, ORTH])
        for si, (start, end) in enumerate(zip(sents.starts, sents.ends)):
            if sents.owners[si] is None:
                continue
            matchers = self.tokens.matchers_for(ids[start:end].ravel().tolist())
            if not matchers:
                continue
            found = [match for matcher in matchers for match in matcher(doc[start:end])]
            if len(matchers) > 1:
                # one stable order whichever Matchers ran: by where a match ends, then by pattern
                found.sort(key=lambda match: (match[2], self.tokens.order[match[0]]))
            for match_id, match_start, match_end in found:
                if match_end - match_start <= self.longest_match.get(match_id, match_end - match_start):
                    yield si, match_id, start + match_start, start + match_end

    def _completed(self, hit: SentenceHit, key: str) -> bool:
        """Whether the sentence holds every group of the co-occurrence ``key``, close enough together."""
        groups = hit.groups[key]
        return len(groups) == self.cooccur_sizes[key] and (key in hit.inherited or _close_together(
            hit.group_spans[key], len(groups), self.cooccur_windows[key]) or _close_in_an_item(
            hit.group_spans[key], len(groups), self.cooccur_windows[key], hit.items))

    def _strong_topics(self, hit: SentenceHit) -> set[str]:
        topics = set(hit.terms) | set(hit.patterns)
        for key in hit.groups:
            if self._completed(hit, key):
                topics.add(key.split("|")[0])
        return topics - hit.excluded

    def _matched_spans(self, hit: SentenceHit, topic: str) -> list[tuple[int, int]]:
        """The token spans that found ``topic`` in the sentence, in text order: its terms and
        patterns, and the phrases of the co-occurrences it completed. A group matched alone found
        nothing ("provide" and "support" of an API co-occurrence, with no API in the sentence), so it
        neither explains the finding nor keeps it out of an exception ("services (except systems
        integration)"); a topic found by nothing but such groups is explained by them."""
        spans = list(hit.names.get(topic, []))
        partial = []
        for key, found in hit.group_spans.items():
            if key.split("|", 1)[0] == topic:
                (spans if self._completed(hit, key) else partial).extend((start, end) for start, end, _ in found)
        # (a topic only mentioned is explained by the words it was mentioned with)
        return sorted(set(spans or partial))

    def _barred(self, section: list[str], cache: dict[tuple[str, ...], frozenset[str]]) -> frozenset[str]:
        """The topics whose words mean something else under this trail of headings (the rules'
        ``not_under_headings``), worked out once per trail."""
        trail = tuple(section)
        if trail not in cache:
            cache[trail] = frozenset(topic for topic, pattern in self.barring_headings.items()
                                     if any(pattern.search(heading) for heading in trail))
        return cache[trail]

    def _flags(self, hit: SentenceHit) -> set[str]:
        flags = set(hit.flag_patterns)
        for key, groups in hit.flag_groups.items():
            if len(groups) == self.flag_sizes[key]:
                flags.add(key.split("|")[0])
        return flags - hit.flag_excluded

    # -- the document -------------------------------------------------------------------------

    def find(self, document: Document, keep_sentences: bool = False, contract: bool = False) -> Findings:
        """Evidence and red flags in ``document``; with ``keep_sentences`` also every sentence in
        which some topic or flag was found (the classifier confirms or adds evidence only there)."""
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        red_flags: list[RedFlag] = []
        sentences: list[Sentence] = []
        ai_sentences = 0
        # Per text processed: its block, where it starts in the block (a piece of a long one), the text.
        blocks: list[Block] = []
        bases: list[int] = []
        texts: list[str] = []
        for block in document.blocks:
            if block.kind == "header_footer" or not block.text.strip():
                continue
            for start, end in pieces(block.text) if len(block.text) > PIECE_CHARS else [(0, len(block.text))]:
                blocks.append(block)
                bases.append(start)
                texts.append(block.text[start:end] if start or end < len(block.text) else block.text)
        # Texts that only repeat another one's shape and yield nothing are not read again: they add
        # their AI sentences, and a heading or paragraph among them ends a lead-in (see _inert_repeats).
        # The document's own names for its AI ("Match Score", "Automated Screening Features"):
        # a sentence that uses one is about AI.
        names = defined_terms.DocumentNames(texts, self.carriers)
        # The short names the document gives public bodies ("VA"): their own disclaimers are no flags.
        public_bodies = cues.public_body_names(texts)
        # Clauses of attached vendor terms that the contract strikes out bind no one.
        struck = voided.struck_clauses(texts)
        inert = self._inert_repeats(texts, blocks, names)
        read = [ti for ti in range(len(texts)) if ti not in inert] if inert else list(range(len(texts)))
        parts = list(batches([texts[ti] for ti in read] if inert else texts, self.joinable))
        passed = 0  # the texts before this index are done
        list_lead: _LeadIn | None = None  # the open lead-in paragraph ("The Contractor shall:"), if any
        # What the paragraph before a list introduces, when it is no requirement: "skills" staff
        # bring, "topics" a study or plan is to cover, "exclusions" a party is not liable for, or a
        # "description" (it ends in a colon: "The agency's tools include:")
        list_intro = ""
        excluding: set[str] = set()  # the topics of a "We shall not be liable for:" lead-in
        # A list item that is itself a requirement and ends with a colon ("Don't use the Service to
        # harm others, including by:") lends its requirement to the items nested under it, and only
        # to them: (its list depth, the lead-in state it replaced), innermost last. Only formats
        # that give list depth (Markdown, Word, HTML; not PDF, whose lines carry no indentation
        # here) open one.
        nested: list[tuple[int, _LeadIn | None]] = []
        # A numbered clause parsed as a paragraph that ends with a colon ("12.4. Upon termination,
        # personal data shall be:") lends its requirement to the list items right after it ("deleted,
        # or"); the next block that is not such an item closes it: (the lead-in state it replaced,)
        clause_open: tuple[_LeadIn | None] | None = None
        # A "We do not warrant:" paragraph lends its red-flag phrases to the items too: each item
        # reads as the end of that sentence ("that the service will be secure;").
        flag_lead_in: SentenceHit | None = None
        # A heading that names deliverables ("F.4 Contract Deliverables") lends the entries under it
        # what it says: they are delivered. (heading text, the co-occurrence groups it matched)
        deliverables: tuple[str, dict[str, set[int]]] = ("", {})
        # A heading lends the co-occurrence groups a rule lets it supply (``from_heading``) to the
        # sentences directly under it: "Effect of Termination" over "you have 30 days to export
        # your data". (heading text, the groups it matched that it may lend)
        context: tuple[str, dict[str, set[int]]] = ("", {})
        # What the headings met so far title (_Titles)
        titles = _Titles(self.section_titles, self.titled_entries, self.title_guards)
        answered: set[str] = set()  # flags whose answer the document gives (RedFlagRule.unless_elsewhere)
        # Where an entry sits can make it a requirement (_Place)
        place = _Place.of(blocks)
        barred: dict[tuple[str, ...], frozenset[str]] = {}  # heading trail -> topics it bars (_barred)
        for batch, doc in zip(parts, self.nlp.pipe(self._tokenized(batch) for batch in parts)):
            sents = Sentences.of(doc, batch)
            block_hits: dict[int, list[tuple[int, SentenceHit]]] = defaultdict(list)
            for si, hit in self._sentence_hits(doc, sents, names).items():
                block_hits[sents.owners[si]].append((si, hit))
            last_sentence = {owner: si for si, owner in enumerate(sents.owners) if owner is not None}
            for bi in batch.indices:
                ti = read[bi]  # the text's index among all texts (bi: among those read)
                for skipped in range(passed, ti):
                    ai_sentences += inert[skipped]
                    item, flag_item = _item_kinds(blocks[skipped])
                    if blocks[skipped].kind == "heading":  # (one that names deliverables is always read)
                        deliverables = (blocks[skipped].text.strip(), {})
                        context = (blocks[skipped].text.strip(), {})
                    if _labels_the_list(blocks[skipped], list_lead, flag_lead_in):
                        continue
                    if blocks[skipped].kind == "heading" or (blocks[skipped].kind == "paragraph" and not item):
                        list_lead, list_intro = None, ""
                        if not flag_item:
                            flag_lead_in = None
                passed = ti + 1
                block = blocks[ti]
                item, flag_item = _item_kinds(block)
                while nested and (not item or block.depth is None or block.depth <= nested[-1][0]):
                    _, list_lead = nested.pop()  # back out of the nested list
                if clause_open is not None and block.kind != "list_item":
                    (list_lead,), clause_open = clause_open, None
                entry_lead = list_lead if item else None  # the lead-in this entry reads on from
                inherited = entry_lead is not None
                lent = entry_lead.groups if entry_lead is not None else {}
                if item and not inherited and list_intro not in ("skills", "topics"):
                    inherited = place.requires(block, described=list_intro == "description")
                if (deliverables[1] and block.kind != "heading" and block.section
                        and block.section[-1] == deliverables[0]
                        and cues.is_deliverable_entry(batch.texts[bi - batch.first], block.section)):
                    lent = _with_groups(lent, deliverables[1])
                if context[1] and block.kind != "heading" and block.section and block.section[-1] == context[0]:
                    lent = _with_groups(lent, context[1])
                carried = flag_lead_in if flag_item else None
                # A lead-in and its lettered items inside one paragraph ("We make no warranty that:
                # (a) … (b) the service will be secure. (c) …"): each item reads on from the lead-in.
                inline_lead: SentenceHit | None = None
                under = titles.lent_to(block)
                to_state = titles.entries_to_state(block)
                first = next((si for si, owner in enumerate(sents.owners) if owner == bi), None) if to_state else None
                if first is not None:
                    passage = Passage.of(sents.span(doc, first), block, batch, bi, bases[ti])
                    if len(passage.span) >= 6 and not cues.is_toc(passage.text, block.section):
                        for topic, heading in to_state:
                            titles.stated(heading, topic)
                            evidence[topic].append(self._evidence(topic, passage, True, "stated under a heading on this topic",
                                                                  SentenceHit()))
                for si, hit in block_hits[bi]:
                    ai_sentences += hit.ai
                    if lent:
                        _inherit_context(hit, lent, self.cooccur_sizes)
                    strong = self._strong_topics(hit)
                    flags = self._flags(hit)
                    lead = carried
                    span = None  # the sentence's Span, built once and only when needed
                    if inline_lead is not None or hit.flag_groups or hit.flag_excluded:
                        span = sents.span(doc, si)
                        if inline_lead is not None and cues.LETTERED_ITEM.match(span.text):
                            lead = lead or inline_lead
                        else:
                            inline_lead = None
                        if (hit.flag_groups or hit.flag_excluded) and cues.INLINE_LIST_OPENS.search(span.text):
                            inline_lead = hit
                    if lead is not None:
                        read_on = self._flags(_with_lead_in(hit, lead)) - flags
                        flags |= read_on
                    else:
                        read_on = set()
                    answers = {flag_id for flag_id in flags if flag_id.endswith(ANSWERED)}
                    if answers:
                        flags -= answers
                        # ("service levels, if any, may be set out in a separate SLA": no answer here)
                        if not cues.defers_to_another_agreement((span or sents.span(doc, si)).text):
                            answered |= {flag_id[:-len(ANSWERED)] for flag_id in answers}
                    mentioned = (hit.mentions | strong) - hit.excluded
                    if mentioned and self.barring_headings:
                        mentioned -= self._barred(block.section, barred)
                    if not (mentioned or flags):
                        continue
                    passage = Passage.of(span or sents.span(doc, si), block, batch, bi, bases[ti])
                    form, why = self._form(passage, inherited, contract)
                    if item and list_intro == "topics" and form == "substantive" and not cues.is_binding(passage.text):
                        form, why = "mention", "a topic listed for a study or plan to cover"
                    if keep_sentences and len(passage.span) >= 4:
                        sentences.append(Sentence(passage.text.strip(), passage.start, passage.end, block,
                                                  form == "substantive", why, hit.ai))
                    said: dict[str, object] = {}  # what the sentence says, worked out once for all its topics
                    for topic in mentioned:
                        carved_out = (_only_in_carve_outs(self._matched_spans(hit, topic), doc, passage)
                                      if topic in strong else None)
                        if carved_out:
                            substantive, topic_why = False, carved_out
                        elif topic not in strong and topic in under and titles.lends(topic, passage.text):
                            substantive, topic_why = self._topic_strength(topic, True, form, why, passage.text, said,
                                                                          block.section)
                            if substantive:
                                topic_why += ", under a heading on this topic"
                        else:
                            substantive, topic_why = self._topic_strength(topic, topic in strong, form, why,
                                                                          passage.text, said, block.section)
                        if substantive and topic in self.use_restricted_topics:
                            if "restricts use" not in said:
                                said["restricts use"] = (cues.restricts_use(passage.text)
                                                         or (entry_lead is not None and entry_lead.restricts)
                                                         or any(map(cues.is_prohibition_heading, block.section)))
                            if said["restricts use"]:
                                substantive, topic_why = False, "only a restriction on what the customer may use it for"
                        if (substantive and item and list_intro == "exclusions" and topic not in excluding
                                and not cues.is_binding(passage.text)):
                            substantive, topic_why = False, "a harm the lead-in excludes from liability"
                        evidence[topic].append(self._evidence(topic, passage, substantive, topic_why, hit))
                    # A provision against the buyer is often a plain statement ("We own all Output")
                    # or a refusal ("we have no obligation to keep your data"): only headings,
                    # contents lines, definitions, questions to bidders, the buyer disclaiming its
                    # own responsibility, a solicitation issuer's reservations about its own
                    # procurement and clauses the contract strikes out are never flags.
                    if flags and (why in ("heading", "table of contents", "definition")
                                  or cues.asks_bidders(passage.text)
                                  or (not contract and cues.is_the_issuers_own_reservation(passage.text))
                                  or voided.is_struck(block.text, block.section, struck)
                                  or voided.is_struck(passage.text, block.section, struck)
                                  or voided.struck_in_place(block.text, passage.text)):
                        flags = set()
                    elif flags and cues.is_the_buyers_own_disclaimer(passage.text, public_bodies):
                        # In a contract the public body's own disclaimer is still one of its terms
                        # on the topic ("VA disclaims all warranties, including non-infringement":
                        # intellectual property), only not one against it.
                        if contract:
                            for topic in sorted({self.flags[flag_id][0].id for flag_id in flags}):
                                if not any(ev.start == passage.start and ev.strength == "substantive"
                                           for ev in evidence[topic]):
                                    evidence[topic].append(self._evidence(
                                        topic, passage, True, "the public body's own disclaimer, no red flag", hit))
                        flags = set()
                    for flag_id in sorted(flags):
                        rule, flag = self.flags[flag_id]
                        ev = self._evidence(rule.id, passage, True,
                                            "red flag, read with the lead-in" if flag_id in read_on else "red flag",
                                            hit, source=f"red-flag:{flag_id}")
                        red_flags.append(RedFlag(flag_id, rule.id, flag.title, flag.severity, ev))
                if block.kind == "heading":
                    heading = block.text.strip()
                    titles.enter(heading)
                    deliverables = (heading, {key: set(groups) for _, hit in block_hits[bi]
                                              for key, groups in hit.groups.items()}
                                    if cues.is_deliverables_heading(heading) else {})
                    context = (heading, _heading_context(block_hits[bi], self.heading_groups))
                text = batch.texts[bi - batch.first]  # the block, or its last piece
                ends_in_colon = text.rstrip().endswith(":")
                if (item and (block.depth is not None or block.kind == "paragraph") and ends_in_colon
                        and bi in last_sentence):
                    last_si = last_sentence[bi]
                    last = Passage.of(sents.span(doc, last_si), block, batch, bi, bases[ti])
                    if self._leads_in(text, last, inherited, contract):
                        if block.depth is None:  # (a numbered clause paragraph: see clause_open)
                            clause_open = clause_open or (list_lead,)
                        else:
                            nested.append((block.depth, list_lead))
                        list_lead = _LeadIn.opened(block_hits[bi], last_si, text)
                if (block.kind == "heading" or (block.kind == "paragraph" and not item)) and not _labels_the_list(
                        block, list_lead, flag_lead_in):
                    list_lead = None
                    # "… individuals with experience in each of the following areas:" lists skills,
                    # not criteria or prohibitions, wherever the list sits (_Place)
                    list_intro = "skills" if ends_in_colon and cues.EXPERIENCE_LEAD_IN.search(text) else ""
                    # "… an assessment including the following topics:" lists subjects to study
                    if ends_in_colon and not list_intro and cues.TOPICS_LEAD_IN.search(text):
                        list_intro = "topics"
                    # "We shall not be liable for:" lists harms excluded from liability
                    # (its items keep the topics the lead-in itself names: liability)
                    if ends_in_colon and not list_intro and cues.EXCLUSION_LEAD_IN.search(text):
                        list_intro = "exclusions"
                        excluding = {topic for _, hit in block_hits[bi]
                                     for topic in (hit.mentions | self._strong_topics(hit)
                                                   | {key.split("|")[0] for key in hit.groups})}
                    if not flag_item:
                        flag_lead_in = None
                    if ends_in_colon:
                        last_si = last_sentence[bi]
                        last = Passage.of(sents.span(doc, last_si), block, batch, bi, bases[ti])
                        if self._leads_in(text, last, False, contract):
                            list_lead = _LeadIn.opened(block_hits[bi], last_si, text)
                        list_intro = list_intro or ("" if list_lead else "description")
                        flag_lead_in = next((hit for si, hit in block_hits[bi] if si == last_si
                                             and (hit.flag_groups or hit.flag_excluded)), None)
        ai_sentences += sum(inert[skipped] for skipped in range(passed, len(texts)))
        # A flag the document answers elsewhere ("as is", but with measured service levels) does
        # not go against the buyer: the answer holds whichever comes first.
        red_flags = [flag for flag in red_flags if flag.id not in answered]
        declares_ai = ai_sentences > 0 and any(cues.says_its_service_is_ai(text) for text in texts)
        return Findings(dict(evidence), red_flags, ai_sentences, sentences, declares_ai)

    def _inert_repeats(self, texts: list[str], blocks: list[Block],
                       names: defined_terms.DocumentNames | None = None) -> dict[int, int]:
        """The texts ``find`` need not read, each with its number of AI sentences: those that share
        their shape (rules/repeats.py) with another text and whose shape, read once on its own, gives
        no evidence and no red flag.

        Only texts read on their own are grouped: not a text ending in a colon (it may open a list),
        not a list item or numbered paragraph that may follow such a lead-in (a superset of the
        lead-ins ``find`` keeps), not a heading that names deliverables, nor a text under one (its
        entries may borrow what the heading says). Those, and every text of a shape that does yield
        something, are read as before.
        """
        if self.shapes is None:
            return {}
        groups: dict[str, list[int]] = defaultdict(list)
        lead_in = flag_lead_in = False  # whether a lead-in may be open
        names_deliverables: dict[str, bool] = {}  # heading text -> whether it names deliverables
        for ti, (text, block) in enumerate(zip(texts, blocks)):
            item, flag_item = _item_kinds(block)
            colon = text.rstrip().endswith(":")
            heading = block.text.strip() if block.kind == "heading" else (block.section[-1] if block.section else "")
            if heading not in names_deliverables:
                names_deliverables[heading] = bool(heading) and cues.is_deliverables_heading(heading)
            if not (colon or (item and lead_in) or (flag_item and flag_lead_in) or names_deliverables[heading]):
                shape = self.shapes.shape(text)
                if shape is not None:
                    groups[shape].append(ti)
            if block.kind == "heading" or (block.kind == "paragraph" and not item):
                lead_in, flag_lead_in = colon, colon or (flag_lead_in and flag_item)
        repeated = [members for members in groups.values() if len(members) > 1]
        del groups
        inert: dict[int, int] = {}
        for members, ai in zip(repeated, self._read_alone([texts[members[0]] for members in repeated], names)):
            if ai is not None:
                inert.update(dict.fromkeys(members, ai))
        return inert

    def _read_alone(self, texts: list[str], names: defined_terms.DocumentNames | None = None) -> list[int | None]:
        """For each text read on its own (no lead-in): None when it gives evidence or a red flag,
        else its number of AI sentences."""
        results: list[int | None] = []
        parts = list(batches(texts, self.joinable))
        for batch, doc in zip(parts, self.nlp.pipe(self._tokenized(batch) for batch in parts)):
            sents = Sentences.of(doc, batch)
            found: dict[int, int | None] = dict.fromkeys(batch.indices, 0)
            for si, hit in self._sentence_hits(doc, sents, names).items():
                owner = sents.owners[si]
                if found[owner] is None:
                    continue
                if (hit.mentions | self._strong_topics(hit)) - hit.excluded or self._flags(hit):
                    found[owner] = None
                else:
                    found[owner] += hit.ai
            results += [found[index] for index in batch.indices]
        return results

    def _leads_in(self, text: str, last: Passage, inherited: bool, contract: bool) -> bool:
        """Whether a block ending with a colon (``text``, its last sentence ``last``) makes the list
        items after it provisions: it is itself one ("The Contractor shall:", "Don't use the
        Service to harm others, including by:"), and not a list of the skills staff bring or of
        the topics a study is to cover."""
        return ((self._form(last, inherited, contract)[0] == "substantive"
                 or bool(cues.OBLIGATION_LEAD_IN.search(text)))
                and not cues.EXPERIENCE_LEAD_IN.search(text) and not cues.TOPICS_LEAD_IN.search(text))

    def _topic_strength(self, topic: str, strong: bool, form: str, why: str, text: str,
                        said: dict[str, object], section: list[str] | tuple[str, ...] = ()) -> tuple[bool, str]:
        """(substantive, why) for ``topic`` in a sentence of this form, after the rule's own reading of
        plain statements (``statement_cues``, ``mention_in_statements``; some read by the headings
        over the sentence, ``section``) and of bid handling (``about_the_solution``). ``said`` caches
        what the sentence says, for all its topics."""
        def says(cue: str) -> bool:
            if cue not in said:
                said[cue] = (cues.says_by_section(cue, section) if cue in cues.SECTION_STATEMENT_CUES
                             else bool(cues.STATEMENT_CUES[cue].search(text)))
            return bool(said[cue])

        substantive = strong and form == "substantive"
        if substantive and why == cues.STATED_AIM and topic not in self.objective_topics:
            return False, "only an aim stated, not a provision on this topic"
        if substantive:
            cue = next((c for c in self.mention_statements.get(topic, ()) if says(c)), None)
            if cue:
                return False, f"only within a {cue.replace('-', ' ')}"
        elif why == "mentioned without a requirement":
            # (a cue read by the headings lends its context to a bare mention too: "Services:
            # Claude AI model API services" under "Current Sub-Processors")
            cue = next((c for c in self.statement_cues.get(topic, ())
                        if (strong or c in cues.SECTION_STATEMENT_CUES) and says(c)), None)
            if cue:
                substantive, why = True, cues.statement_why(cue)
        if substantive and topic in self.solution_topics:
            if "bids" not in said:
                said["bids"] = cues.is_about_submissions(text)
            if said["bids"]:
                return False, "about handling the bids, not the solution"
        return substantive, why

    def _tokenized(self, batch: Batch) -> Doc:
        """The batch's text tokenized, with each block's first token and the blank line before it
        marked as sentence starts (see Batch)."""
        doc = self.nlp.make_doc(tokenizable(batch.text))
        if len(batch.texts) > 1:
            firsts = numpy.searchsorted(doc.to_array(IDX), batch.offsets[1:])
            starts = numpy.zeros(len(doc), dtype=numpy.uint64)
            starts[firsts] = 1
            starts[firsts - 1] = 1
            doc.from_array([SENT_START], starts)
        return doc

    def _form(self, passage: Passage, inherited: bool, contract: bool = False) -> tuple[str, str]:
        """("substantive" | "mention", why) for a sentence in its block; ``contract``: the document
        is a contract, where "will" binds whatever its subject (cues.requirement_form)."""
        text, block = passage.text, passage.block
        if block.kind == "heading":
            # Parsers sometimes lift a numbered question to bidders into a heading; it is still a question.
            if text.rstrip().endswith("?") and len(passage.span) >= 6:
                return "substantive", "question"
            return "mention", "heading"
        if cues.is_toc(text, block.section):
            return "mention", "table of contents"
        if cues.is_run_of_titles(text):
            return "mention", "a run of titles (a menu or list of links)"
        norms = [t.norm_ for t in passage.span]
        if cues.is_definition(text, block.section):
            # Under a heading such as "Priority definitions" a sentence that does not define a term
            # but commits someone ("we will respond within two hours") is still a provision.
            if cues.defines_term(text) or not cues.requirement_form(norms, text, block.section, contract):
                return "mention", "definition"
        if cues.is_negated_scope(text):
            return "mention", "declared out of scope or postponed"
        if cues.OPTIONAL_INVITATION.search(text):
            return "mention", "optional: bidders may leave it out"
        if cues.OTHER_AGREEMENT_GOVERNS.search(text):
            return "mention", "terms of another agreement, only referred to"
        if not contract and cues.is_the_issuers_disclaimer(text):
            return "mention", "the issuer's disclaimer of what it tells bidders"
        form = cues.requirement_form(norms, text, block.section, contract)
        if form:
            return "substantive", form
        if inherited and not cues.is_run_in_heading(text):  # "(g) Integration." titles the item
            return "substantive", "obligation (list under a requirement)"
        if cues.is_incorporated_clause(text, block.section):
            return "substantive", "clause incorporated by reference"
        return "mention", "mentioned without a requirement"

    def _evidence(self, topic, passage: Passage, substantive, why, hit, source=None) -> Evidence:
        block = passage.block
        quote = passage.text.strip()
        if len(quote) > MAX_QUOTE:
            quote = quote[: MAX_QUOTE - 1].rstrip() + "…"
        doc = passage.span.doc
        matched = ", ".join(dict.fromkeys(doc[a:b].text for a, b in self._matched_spans(hit, topic)))
        return Evidence(
            topic=topic,
            quote=quote,
            page=block.page,
            section=list(block.section),
            start=passage.start,
            end=passage.end,
            source=source or f"rule:{topic}",
            strength="substantive" if substantive else "mention",
            score=None,
            block_kind=block.kind,
            why=why if not matched else f"{why}; matched: {matched}",
        )


def _flag_matchers(flag) -> list[tuple[str, object]]:
    """(id, matchers) for a red flag and for its answer (RedFlagRule.unless_elsewhere), which is
    matched as a flag of its own under the flag's id marked ANSWERED: find() withdraws the flag
    from a document in which its answer occurs."""
    if flag.unless_elsewhere is None:
        return [(flag.id, flag)]
    return [(flag.id, flag), (flag.id + ANSWERED, flag.unless_elsewhere)]


@dataclass(slots=True)
class _Place:
    """Where a list entry or table cell sits can make it a requirement, whatever its wording: an
    entry in a section that forbids ("Prohibited Uses", and the subsections under it) is a
    prohibition, and one in a section over what bidders answer or are scored on ("Evaluation
    Criteria", "Proposal Contents") a criterion or question, unless the paragraph before it
    introduces skills staff bring; one in a section over the work to do ("Scope of Work", "Tasks")
    a task, unless a heading nearer to it describes what exists ("Current environment") or the
    paragraph before the list ends in a colon without being a requirement ("The tools in use
    include:"); a cell in a column headed by what must be met ("Performance Standard(s)",
    "Acceptable Quality Level"), or beside a row so headed in a table laid out the other way round,
    states a requirement."""

    standard_columns: set[tuple[int, int]]  # (table, column)
    standard_rows: set[tuple[int, int]]  # (table, row)
    # heading text -> "requires" (it forbids or asks), "scope" (over the work to do), "describes"
    # (what exists: "Current environment") or ""
    heading_kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, blocks: list[Block]) -> _Place:
        columns: set[tuple[int, int]] = set()
        rows: set[tuple[int, int]] = set()
        for b in blocks:
            if b.kind != "table_cell" or b.table is None or (b.row and b.col):
                continue  # (only a first row or first column holds headers)
            if cues.is_standard_header(b.text):
                if b.row == 0:
                    columns.add((b.table, b.col))
                if b.col == 0:
                    rows.add((b.table, b.row))
        return cls(columns, rows)

    def requires(self, block: Block, described: bool = False) -> bool:
        """Whether ``block`` (a list entry or table cell) is a requirement by where it sits;
        ``described``: the paragraph before its list ends in a colon without being a requirement
        ("The current environment includes:"), so a scope heading above does not make it one."""
        if block.kind == "table_cell":
            return bool((block.row and (block.table, block.col) in self.standard_columns)
                        or (block.col and (block.table, block.row) in self.standard_rows))
        kinds = [self._kind(heading) for heading in block.section]
        if "requires" in kinds:
            return True
        # the nearest of a scope heading and a heading that describes decides
        nearest = next((kind for kind in reversed(kinds) if kind in ("scope", "describes")), "")
        return nearest == "scope" and not described

    def _kind(self, heading: str) -> str:
        if heading not in self.heading_kinds:
            self.heading_kinds[heading] = (
                "requires" if cues.is_prohibition_heading(heading) or cues.is_criteria_heading(heading)
                # (what must be met, as a heading over its entries: "Performance Standard")
                else "scope" if cues.is_scope_heading(heading) or cues.is_standard_header(heading)
                else "describes" if cues.SCOPE_DESCRIBES.search(heading) else "")
        return self.heading_kinds[heading]


@dataclass
class _Titles:
    """What the headings of a document title (the rules' ``section_titles``). A provision under a
    heading that titles its topic ("4.2 Intellectual Property", "Service Levels") and mentions the
    topic is a provision on it; under a heading that titles a topic whose entries state it ("2.
    Objectives": ``titled_entries_state_it``), the first entry states it, once per heading."""

    patterns: dict[str, re.Pattern[str]]  # topic -> its titles (cues.compile_section_titles)
    entries_state: frozenset[str]  # topics whose titled entries state them
    guards: dict[str, re.Pattern[str]]  # topic -> what its titles do not lend to (title_does_not_lend)
    topics: dict[str, frozenset[str]] = field(default_factory=dict)  # heading text -> topics it titles
    done: set[tuple[str, str]] = field(default_factory=set)  # (heading, topic) whose first entry was read

    def enter(self, heading: str) -> None:
        if heading not in self.topics:
            self.topics[heading] = cues.section_title_topics(heading, self.patterns)

    def lent_to(self, block: Block) -> frozenset[str]:
        """The topics the nearest heading above ``block`` titles (none for a heading)."""
        if block.kind == "heading" or not block.section:
            return frozenset()
        return self.topics.get(block.section[-1], frozenset())

    def lends(self, topic: str, text: str) -> bool:
        """Whether the title lends ``topic`` to this sentence: not across a boundary COVERAGE.md
        draws (a clearance under "Security": the rule's ``title_does_not_lend``)."""
        guard = self.guards.get(topic)
        return guard is None or not guard.search(text)

    def entries_to_state(self, block: Block) -> list[tuple[str, str]]:
        """(topic, heading) pairs whose first entry ``block`` may be: under any heading of its trail."""
        if block.kind == "heading":
            return []
        return sorted((topic, heading) for heading in block.section
                      for topic in self.topics.get(heading, frozenset()) & self.entries_state
                      if (heading, topic) not in self.done)

    def stated(self, heading: str, topic: str) -> None:
        self.done.add((heading, topic))


@dataclass(frozen=True)
class _LeadIn:
    """An open lead-in paragraph ("The Contractor shall:") whose list items read on from it. It
    lends them its context (after "On termination the Supplier shall:", an item "return all Buyer
    Data" is about the end of the contract although it does not say so itself), and it may
    restrict what the customer may use the service for ("You agree not to use the model for:"), its
    items then prohibited uses (cues.restricts_use)."""

    groups: dict[str, set[int]]
    restricts: bool

    @classmethod
    def opened(cls, hits: list[tuple[int, SentenceHit]], sentence: int, text: str) -> "_LeadIn":
        """The lead-in whose last sentence (index ``sentence``, among ``hits``) ends ``text``."""
        return cls(_groups_of(hits, sentence), cues.restricts_use(text))


def _groups_of(hits: list[tuple[int, SentenceHit]], sentence: int) -> dict[str, set[int]]:
    """The co-occurrence groups one sentence of a block matched (a lead-in lends them to its items)."""
    return {key: set(groups) for si, hit in hits if si == sentence for key, groups in hit.groups.items()}


def _item_kinds(block: Block) -> tuple[bool, bool]:
    """(a list item, an item a red-flag lead-in reaches): lettered clauses ("(a)", "H.1.a.") and
    numbered sub-clauses of the section ("2.1.7" under "2.1 Compliance") are list items even when
    parsed as paragraphs, and numbered ones ("(2)") carry a red-flag lead-in."""
    item = block.kind in ("list_item", "table_cell") or (
        block.kind == "paragraph" and (bool(cues.LETTERED_ITEM.match(block.text))
                                       or cues.is_subclause(block.text, block.section)))
    return item, item or (block.kind == "paragraph" and bool(NUMBERED_ITEM.match(block.text)))


def _only_in_carve_outs(spans: list[tuple[int, int]], doc: Doc, passage: Passage) -> str | None:
    """Why a topic's matches (token spans of ``doc``) make no provision on it, when every one lies
    in a parenthetical that excludes things from the scope ("services (except systems
    integration)") or in a condition put before another duty ("Subject to Licensee's security
    requirements, provide access …"); None otherwise."""
    if not spans:
        return None
    base = passage.span.start_char

    def all_inside(matches) -> bool:  # every span within one of the matched stretches of the text
        carved = [(base + m.start(), base + m.end()) for m in matches]
        return bool(carved) and all(any(lo <= doc[a].idx and doc[b - 1].idx + len(doc[b - 1]) <= hi
                                        for lo, hi in carved) for a, b in spans)

    if "(" in passage.text and all_inside(cues.EXCEPTION_PARENTHETICAL.finditer(passage.text)):
        return "only named as an exception to the scope"
    qualifier = cues.LEADING_QUALIFIER.match(passage.text)
    if qualifier and all_inside([qualifier]):
        return "only named in a condition on another duty"
    return None


# A label that titles a group of a lead-in's items: "For B2B Clients:", "Option B: Return" (a
# colon in it, no clause number, a handful of words); "7.3 Partner-Initiated Deletion" or
# "Section 8: Audits" opens a section instead.
_LIST_LABEL = re.compile(r"^(?![\W\d]*\d)(?!\s*(?:section|article|clause|part|schedule|annex|appendix)\b)[^:]{1,40}:(?:\s*\S.{0,30})?$", re.I)


def _labels_the_list(block: Block, list_lead: _LeadIn | None, flag_lead_in: SentenceHit | None) -> bool:
    """Whether a heading is a short label with a colon ("For B2B Clients:", "Option B: Return") set
    between an open lead-in and its items: the lead-in ("Our total liability shall not exceed:",
    "On termination the provider shall, at the customer's choice:") carries on over it to the
    items under it."""
    if block.kind != "heading" or (list_lead is None and flag_lead_in is None):
        return False
    text = block.text.strip()
    return len(text.split()) <= 6 and bool(_LIST_LABEL.match(text))


def _with_lead_in(hit: SentenceHit, lead_in: SentenceHit) -> SentenceHit:
    """A list item's red-flag phrases together with those of the lead-in sentence before the list.

    Only a co-occurrence the item itself has begun borrows groups (as ``_inherit_context`` does for
    topics): a flag the lead-in holds on its own is the lead-in's, not every item's.
    """
    groups = {key: found | lead_in.flag_groups.get(key, set()) for key, found in hit.flag_groups.items()}
    return SentenceHit(flag_groups=groups, flag_excluded=hit.flag_excluded | lead_in.flag_excluded)


def _inherit_context(hit: SentenceHit, lead_groups: dict[str, set[int]], sizes: dict[str, int]) -> None:
    """Complete a list item's co-occurrences with the groups its lead-in paragraph matched (or a
    sentence's with the groups its heading may lend, ``from_heading``).

    Only a co-occurrence the item itself has begun inherits (it matched at least one group), and
    only when the lead-in supplies all the rest: an item never gains a topic from the lead-in alone.
    """
    for key, own in list(hit.groups.items()):
        borrowed = lead_groups.get(key)
        if borrowed and len(own) < sizes[key] and len(own | borrowed) == sizes[key]:
            hit.groups[key] = own | borrowed
            hit.inherited.add(key)


def _with_groups(lent: dict[str, set[int]], more: dict[str, set[int]]) -> dict[str, set[int]]:
    """The co-occurrence groups lent to an entry, with ``more`` added (a new dict: the lead-in's own
    groups are shared by its entries and stay as they were)."""
    return {**lent, **{key: lent.get(key, set()) | groups for key, groups in more.items()}}


def _heading_context(hits: list[tuple[int, SentenceHit]], lendable: dict[str, frozenset[int]]) -> dict[str, set[int]]:
    """The co-occurrence groups a heading matched that its rule lets it lend (``from_heading``)."""
    context: dict[str, set[int]] = {}
    for _, hit in hits:
        for key, groups in hit.groups.items():
            if key in lendable and groups & lendable[key]:
                context.setdefault(key, set()).update(groups & lendable[key])
    return context


def _close_together(spans: list[tuple[int, int, int]], groups: int, window: int) -> bool:
    """Whether some match of every group falls inside ``window`` tokens (spans are (start, end, group))."""
    spans = sorted(spans)
    for i, (first, _, _) in enumerate(spans):
        seen: set[int] = set()
        for start, end, group in spans[i:]:
            if end - first > window:
                break
            seen.add(group)
            if len(seen) == groups:
                return True
    return False


# The legal form that ends a company's name: "Document Security Systems, Inc.", "Acme Data Ltd".
COMPANY_SUFFIXES = frozenset({
    "Inc", "Inc.", "INC", "INC.", "Corp", "Corp.", "CORP", "CORP.", "Corporation", "CORPORATION", "LLC", "L.L.C.",
    "Ltd", "Ltd.", "LTD", "LTD.", "Limited", "LIMITED", "LLP", "PLC", "plc", "GmbH", "AG", "S.A.", "N.V.", "B.V.",
    "Pty", "Incorporated", "INCORPORATED",
})
# Marks that may sit inside a company's name between its capitalised words ("Smith & Sons, Inc.").
_NAME_JOINERS = frozenset({",", "&", "-", "."})
_NAME_WORDS = 6  # at most this many words before the legal form belong to the name


def _token_spans(doc: Doc, pattern: re.Pattern | None):
    """(start, end) token indices of every match of ``pattern`` in the Doc's text, widened to whole
    tokens. One search over the batch, not a Span per sentence: building spans is the cost."""
    if pattern is None:
        return
    for match in pattern.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and len(span):
            yield span.start, span.end


def _company_name_tokens(doc: Doc, suffixes: frozenset[int]) -> set[int]:
    """The token indices of company names in ``doc``: a few capitalised words (joined by commas, "&"
    or hyphens) ending in a legal form such as "Inc." or "Ltd". A topic word there names a party ("Universal
    Access, Inc.", "Document Security Systems, Inc."), not the topic. (``suffixes``: the legal forms'
    string hashes; a set lookup per token is cheaper than numpy.isin, which sorts, per batch.)"""
    at = [i for i, orth in enumerate(doc.to_array(ORTH).tolist()) if orth in suffixes]
    names: set[int] = set()
    for end in at:
        i, words = end - 1, 0
        while i >= 0 and words < _NAME_WORDS:
            token = doc[i]
            if token.text in _NAME_JOINERS:
                i -= 1
                continue
            if not (token.is_title or token.is_upper):
                break
            words += 1
            i -= 1
        if words:
            names.update(range(i + 1, end + 1))
    return names


# An inline list marker: "(i)", "(ii)", "(a)", "(b)", "(1)", "(2)".
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_INLINE_SERIES = (_ROMAN, tuple("abcdefghij"), tuple(str(n) for n in range(1, 11)))


def _inline_items(doc: Doc, start: int, end: int) -> list[int]:
    """Where the inline items of the sentence ``doc[start:end]`` begin ("Upon termination, (i) … and
    (ii) …"), followed by the sentence end; empty unless a first marker is followed by its second."""
    markers: dict[str, int] = {}
    for i in range(start, end - 2):
        if doc[i].text == "(" and doc[i + 2].text == ")":
            markers.setdefault(doc[i + 1].text.lower(), i)
    for series in _INLINE_SERIES:
        if series[0] in markers and series[1] in markers and markers[series[0]] < markers[series[1]]:
            starts = [markers[series[0]]]
            for marker in series[1:]:
                if marker not in markers or markers[marker] <= starts[-1]:
                    break
                starts.append(markers[marker])
            return starts + [end]
    return []


def _close_in_an_item(spans: list[tuple[int, int, int]], groups: int, window: int, items: list[int]) -> bool:
    """Whether the words just before an inline list ("Upon termination, (i) …") and the words of one
    of its items complete the co-occurrence: the opening words lead into every item, however long
    the items before it. Only matches within ``window`` tokens before the first item count as the
    lead-in."""
    if not items:
        return False
    first = items[0]
    lead_groups = [group for start, end, group in spans if end <= first and first - start <= window]
    if not lead_groups:
        return False
    for item_start, item_end in zip(items, items[1:]):
        inside = [(start, end, group) for start, end, group in spans if item_start <= start and end <= item_end]
        # the lead-in's matches read as standing at the start of the item
        if inside and _close_together([(item_start, item_start, g) for g in lead_groups] + inside, groups, window):
            return True
    return False


def _parse_key(key: str) -> tuple[str, str, str, int]:
    """(kind, topic or flag, group key, group index) from a matcher key such as "C|privacy|name|1"."""
    kind, _, rest = key.partition("|")
    if kind in ("C", "RC"):
        owner, name, gi = rest.split("|")
        return kind, owner, f"{owner}|{name}", int(gi)
    return kind, rest, "", 0


def _tractable(pattern: list[dict]) -> tuple[list[dict], int | None]:
    """The pattern as the Matcher runs it, and the longest match to keep (None: any length).

    spaCy expands a bounded gap ("OP": "{0,N}") into N optional tokens and follows every way of
    filling them, so its work grows combinatorially with N: one 35-token vendor clause took 34 s,
    and a single 14-token gap costs milliseconds per sentence. An unbounded gap ("*") is matched
    in linear time. So a pattern whose only variable part is one bounded gap between single tokens
    is matched with "*", and a match longer than the gap allows is dropped: the same matches. With
    two or more bounded gaps all of them are made unbounded and every match is kept; the gaps'
    own token conditions (usually "not a full stop or semicolon") still keep a match inside one
    clause.
    """
    bounded = [i for i, spec in enumerate(pattern) if str(spec.get("OP", "")).startswith("{0,")]
    if not bounded:
        return pattern, None
    unbounded = [{**spec, "OP": "*"} if i in bounded else spec for i, spec in enumerate(pattern)]
    if len(bounded) > 1:
        return unbounded, None
    gap = bounded[0]
    most = pattern[gap]["OP"][3:-1]  # N in "{0,N}"
    single_tokens = all("OP" not in spec for i, spec in enumerate(pattern) if i != gap)
    if not (most and single_tokens and 0 < gap < len(pattern) - 1):
        return pattern, None
    return unbounded, len(pattern) - 1 + int(most)


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
