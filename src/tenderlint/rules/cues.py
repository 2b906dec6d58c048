"""Sentence-form cues: is a sentence a requirement, question or criterion, or only a mention?

COVERAGE.md: a topic is *covered* by a substantive provision — a requirement, obligation,
permission or prohibition, deliverable, evaluation criterion or question bidders must answer —
and only *mentioned* by background, definitions, headings, tables of contents, postponements
or provisions declaring the topic out of scope. These cues decide which a sentence is.
"""

from __future__ import annotations

import re

# Lower-cased lemmas (token.norm_) that put a sentence in requirement form on their own.
OBLIGATION_NORMS = frozenset({
    "shall", "must", "require", "agree", "oblige", "obligate", "undertake", "warrant", "covenant",
    "prohibit", "forbid", "entitle", "mandatory", "mandate", "commit", "guarantee",
    "acknowledge", "indemnify", "liable", "grant", "retain", "reserve",
    # A party that takes on risks or liabilities undertakes them: "the Contractor assumes all liability".
    "assume",
    # A disclaimer is an operative term of a contract even without a modal verb.
    "disclaim",
    # "Anthropic hereby assigns to Customer …", "Licensee hereby consents …": the words that make
    # a present-tense sentence operative.
    "hereby",
})
# Modal verbs that need a party (or a proposal) in the sentence to count.
PARTY_MODALS = frozenset({"will", "may", "should", "can", "cannot", "wo", "ca"})
PARTY_NORMS = frozenset({
    "contractor", "vendor", "supplier", "offeror", "proposer", "respondent", "provider", "licensor",
    "licensee", "bidder", "consultant", "company", "customer", "client", "agency", "department",
    "government", "authority", "county", "city", "state", "ministry", "council", "we", "you", "party",
    "subcontractor", "awardee", "seller", "buyer", "purchaser", "subscriber", "user", "proposal",
    "response", "offer", "quote", "quotation", "tender", "tenderer", "solution", "system", "service",
    "team", "staff", "owner", "operator", "processor", "controller", "commonwealth", "province",
    "municipality", "board", "commission", "office", "division", "organisation", "organization",
    # The lookup lemmatizer has no entry for this plural, common in US solicitations.
    "offerors",
    # Roles that commercial contracts use as parties.
    "distributor", "reseller", "franchisee", "franchisor", "manufacturer", "licensor", "sponsor",
    "agent", "partner", "lessee", "lessor", "recipient", "member", "servicer", "custodian", "trustee",
    "auditor", "representative", "university", "institute", "employer",
    # Terms of service address the buyer as "your" and act through its administrators: "your
    # administrators may export Your Content".
    "your", "administrator", "admin",
})
# Sentence-initial imperatives that make a question/instruction to bidders.
IMPERATIVE_NORMS = frozenset({
    "describe", "explain", "provide", "identify", "demonstrate", "detail", "list", "submit", "propose",
    "specify", "outline", "indicate", "confirm", "state", "discuss", "include", "ensure", "maintain",
    "deliver", "implement", "document", "report", "notify", "establish", "perform", "conduct",
    "develop", "supply", "furnish", "address", "attach", "certify", "disclose", "share", "comply",
    "support", "define", "prepare", "present", "show", "summarize", "summarise", "elaborate",
    # Task lists in statements of work and RFIs open with the verb of the task.
    # ("manage", "monitor" stay out: capability lists of things to be assessed also open with them.)
    "assist", "coordinate", "create", "design", "build", "migrate", "test",
    "analyze", "analyse", "evaluate", "validate", "verify", "configure", "install", "integrate",
    "facilitate", "recommend", "produce", "collaborate", "participate", "respond", "resolve",
    # Instructions in terms of use: "Always check the output …", "Review each result before …",
    # "Keep your password secret and …", "Tell us promptly if your account is misused".
    "check", "review", "keep", "inform", "tell",
})
EVALUATION_NORMS = frozenset({"evaluate", "evaluation", "score", "scoring", "criterion", "weight", "weighting",
                              "point", "factor", "rate", "rating", "assess", "award", "subfactor"})
EVALUATION_SECTION = re.compile(r"evaluat|criteri|award|scor|selection|basis for", re.I)

# (dotted clause numbers first: "18.3 Title" loses "18.3", not only "18.")
_LIST_MARKER = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|[\(\[]?(?:[0-9]{1,3}|[a-z]|[ivxlc]{1,5})[\)\].:]|[•\-–*●▪o]\s)\s*", re.I)

NEGATED_SCOPE = re.compile(
    r"\b(?:not|n't|never)\s+(?:be\s+|been\s+|being\s+)?(?:required|obligated|obliged|responsible for providing|"
    r"expected|necessary|included|applicable|in scope|within (?:the )?scope|part of (?:the|this) (?:scope|contract|work|effort))\b"
    r"|\bno (?:obligation|requirement|responsibility|duty)\b"
    r"|\bout(?:side)? (?:of )?(?:the )?scope\b|\bexcluded from (?:the )?(?:scope|this)\b|\bneed not\b"
    r"|\bdoes not (?:include|cover|require)\b|\bis not (?:included|covered)\b"
    r"|\b(?:to be determined|tbd)\b"
    r"|\bwill be (?:discussed|addressed|determined|decided|agreed|defined)\b[^.]{0,40}\b(?:later|after award|future|subsequent|post-award)\b"
    r"|\b(?:at a later (?:date|stage|time)|in a (?:future|later) phase)\b"
    # left to the contract negotiations: nothing is required yet
    r"|\b(?:will|shall|to)\s+be\s+(?:settled|negotiated|agreed|determined)\s+(?:during|in|through|at)\s+(?:the\s+)?"
    r"(?:contract\s+|final\s+)?negotiations?\b|\bto be negotiated\b|\bsubject to (?:further |contract )?negotiations?\b"
    # left to the contract still to be signed, or to a discussion that may happen
    r"|\b(?:will|shall|to)\s+be\s+(?:set\s+out|set\s+forth|specified|addressed|defined|agreed)\s+in\s+the\s+"
    r"(?:final|definitive|resulting|eventual)\s+(?:agreement|contract)\b|\bmay\s+(?:discuss|agree)\b"
    # an encouragement asks for nothing
    r"|\b(?:is|are)\s+(?:strongly\s+)?encouraged\s+to\b|\bwe\s+(?:strongly\s+)?encourage\b",
    re.I,
)
# A parenthetical that carves items out of a scope: "computer services (except custom
# programming and systems integration)". What is named there is excluded, not required.
EXCEPTION_PARENTHETICAL = re.compile(r"\(\s*(?:except|excluding|other than|not including|but not)\b[^()]*\)", re.I)
# A condition put before a duty ("(c) Subject to Licensee's applicable security requirements,
# provide XACCT with access to its systems"): what it names qualifies the duty; no one is bound
# to it by the sentence.
LEADING_QUALIFIER = re.compile(r"^\W*(?:\(?[a-z0-9]{1,4}[.)]\s*)?subject\s+to\s+[^,;:()]{3,120},", re.I)
_DEFINES = r"(?:means|shall mean|refers to|is defined as|has the meaning)"
_ABBREVIATION = r"(?:\([A-Za-z\"“”]{1,12}\)\s*)?"  # 'Service Level Agreement ("SLA") means …'
DEFINITION = re.compile(
    # ("Your continued use … means you accept": a possessive opens a consequence, not a defined term.)
    r"^\W*(?!(?:Your|Our|Its|Their|His|Her|My)\b)[\"“'‘]?[A-Z][\w\s\-/()&,]{0,70}?[\"”'’]?\s*" + _ABBREVIATION
    # ("API: indicates the programming interface …": a glossary entry with a colon)
    + r"(?:" + _DEFINES + r"|:\s*(?:a|an|the|indicates|denotes)\s)\b",
)
# A quoted term may hold an apostrophe ("Affiliate's Control Panel" shall mean …); unquoted, a
# possessive opens a consequence instead ("Customer's continued use means acceptance").
# (licences also write 'The "Model" means …' with the article outside the quotes)
QUOTED_DEFINITION = re.compile(r"^\W*(?:The\s+)?[\"“][A-Z][^\"“”]{0,70}[\"”]\s*" + _ABBREVIATION + _DEFINES + r"\b")
DEFINITION_SECTION = re.compile(r"definition(?!s?\s+of\s+(?:done|ready)\b)|glossary|acronym|abbreviation|terminology", re.I)
# Contract terms that disclaim warranties are written in the present tense, without a modal.
# ("such data as is necessary" is not one: plain "as is" counts only quoted, in capitals or after "provided").
DISCLAIMER = re.compile(
    r"[\"“'‘](?:as[\s-]is|as available)[\"”'’]|\bAS[\s-]IS\b|\bAS AVAILABLE\b"
    r"|\b(?i:provided|furnished|supplied|made available)\s+(?i:on\s+an?\s+)?(?i:as[\s-]is|as available)\b"
    r"|\b(?i:without warrant(?:y|ies))\b"
)
# A solicitation states the outcome it wants as an objective or as what the buyer seeks
# ("The Agency seeks to …", "The objectives of this project are …"): that is its requirement.
# What the buyer seeks is what it buys ("The Agency seeks a contractor to build …"): a requirement on
# every topic it names. An objective, goal or purpose stated is an aim: it covers outcomes only
# (rules: objectives_count).
SEEKS = re.compile(r"\b(?:seeks?|seeking)\b", re.I)
STATED_AIM = "objective"  # requirement_form's answer for a stated aim (topics: rules' objectives_count)
OBJECTIVE = re.compile(
    r"\b(?:objectives?|goals?|purpose|aims?|intended outcomes?|desired outcomes?)\b[^.;:]{0,80}?\b(?:is|are|include|includes|will be)\b",
    re.I,
)
# Contracts name their parties ("Acme may audit …"): a capitalised subject, possibly after a clause
# number, directly followed by a modal makes the modal a party's provision.
NAMED_SUBJECT_MODAL = re.compile(
    r"^\W*(?:(?:\d+(?:\.\d+)*|\(?[a-z]{1,4}\))[.)]?\s+)?"
    # an opening phrase may come first: "Without limiting the foregoing, Acme will …"
    r"(?:[A-Z][^,.;:]{0,60},\s+)?(?:The\s+)?"
    r"(?!(?:It|This|That|These|Those|There|They|Such|Each|Any|All|No|Some|Other|AI|Results?|Costs?)\b)"
    # (a plural common noun — "Designers may not …" — is background, not a named party)
    r"[A-Z][\w&\-]*(?<![a-z]s)(?:\s+[A-Z][\w&\-]*(?<![a-z]s)){0,3}(?:'s)?\s*,?\s+(?:may|will|can|should)\b"
)
# Terms of service forbid in the imperative: "Don't use the service to …", "Do not attempt to …".
# ("For example, don't use our Service to …": an example that opens the sentence still forbids)
_IMPERATIVE_NOT = (r"^\W*(?:\(?[a-z0-9]{1,3}[.)]\s+)?(?:(?:for\s+example|for\s+instance|in\s+particular|specifically),?\s+)?"
                   r"(?:please\s+)?(?:do\s+not|don['’]t|never)\s+")
PROHIBITION = re.compile(_IMPERATIVE_NOT + r"[a-z]", re.I)
# The handling of the bids themselves: "all other copies of proposals will be destroyed", "the
# agency will review each white paper". Such a provision governs the procurement, not the
# solution being bought. ("responses" and "applications" stay out: API responses, software.)
_BIDS = r"(?:proposals?|white\s+papers?|submissions?|bids?|quotations?|quotes|offers|PDPs?|abstracts?)"
SUBMISSION_HANDLING = re.compile(
    r"\b(?:retain|destroy|return|review|evaluat|receiv|stor|disclos|releas|protect|safeguard|dispos|discard|"
    r"open|handl|cop(?:y|ies))\w*\b(?:\W+\w+){0,6}?\W+" + _BIDS + r"\b"
    r"|\b" + _BIDS + r"\b(?:\W+\w+){0,6}?\W+(?:will|shall|may|must|are|is)\s+(?:not\s+)?(?:be\s+)?"
    r"(?:destroyed|returned|retained|reviewed|evaluated|received|stored|disclosed|released|protected|"
    r"safeguarded|discarded|opened|kept|treated|handled|marked)\b",
    re.I,
)
# A paragraph that opens a list of duties: "Within 30 days of termination, the Provider will:".
OBLIGATION_LEAD_IN = re.compile(
    r"\b(?:shall|will|must|agrees?\s+to|undertakes?\s+to|(?:is|are)\s+required\s+to|(?:is|are)\s+responsible\s+for)"
    r"(?:\s+(?:also|promptly|at\s+a\s+minimum))?\s*:\s*$",
    re.I,
)
# A lead-in that lists the skills staff must bring: "individuals with experience in at least each of
# the following areas:". Its items name the team's qualifications, not requirements on what is
# delivered (COVERAGE.md: a personnel clearance alone is weak for security).
EXPERIENCE_LEAD_IN = re.compile(
    r"\b(?:experience|expertise|skills?|proficiency|familiarity|knowledge|background)\s+(?:in|with|of|across)\b"
    r"[^:]{0,120}:\s*$",
    re.I,
)
# A paragraph that lists the topics a study, assessment or plan is to cover: "The Supplier will
# conduct an assessment including the following topics:", "The plan will cover topics such as:".
# Its items are subjects to be studied or discussed later (COVERAGE.md: a mention), not
# provisions on those subjects.
TOPICS_LEAD_IN = re.compile(
    r"(?:\b(?:following|these|such|other)\s+(?:topics|subjects|areas\s+of\s+(?:study|inquiry|review))\b"
    r"|\b(?:topics|subjects)\s+(?:such\s+as|including|like)\b)"
    r"[^:]{0,120}:\s*$",
    re.I,
)
# A lead-in that lists what a party is not liable for ("We shall not be liable for:", "In no event
# will the provider be responsible for any of the following:"): its items name harms excluded
# from liability, not provisions on the topics they mention ("your reliance on outputs without
# independent verification" is no testing requirement).
EXCLUSION_LEAD_IN = re.compile(
    r"\b(?:not|no|never|nor|neither)\b[^.:;]{0,60}?\b(?:liable|liability|responsible|responsibility)\b[^.:;]{0,60}?"
    r"\b(?:for|from|arising\s+(?:from|out\s+of))\b[^.:;]{0,40}:\s*$",
    re.I,
)
_BINDING_MODAL = re.compile(r"\b(?:shall|must)\b", re.I)


def is_binding(text: str) -> bool:
    """Whether the sentence carries a binding modal of its own ("shall", "must")."""
    return bool(_BINDING_MODAL.search(text))


# A lettered or roman-numbered clause of a list: "(a) ", "b) ", "iv. ", "H.1.a. ", "3.2(b) ".
LETTERED_ITEM = re.compile(
    r"^\s*(?:\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})[.)]\s|(?:[A-Z]\.)?(?:\d+\.)*\d+\.?\s?\(?[a-z]{1,2}[.)]\s)"
)
# A sentence that opens a list of lettered items in its own paragraph: "we make no warranty that:
# (a) the service will meet your needs." (the items after it are sentences of the same paragraph).
INLINE_LIST_OPENS = re.compile(r":\s*\((?:[a-z]|[ivx]{1,4})\)\s")
# A numbered sub-clause of the section it sits in: "2.1.7 …" under the heading "2.1 Compliance".
_CLAUSE_NUMBER = re.compile(r"^\s*((?:[A-Z]\.)?\d+(?:\.\d+)+)\.?\s")
_SECTION_NUMBER = re.compile(r"^\s*((?:[A-Z]\.)?\d+(?:\.\d+)*)\.?(?:\s|$)")


def is_subclause(text: str, section: list[str]) -> bool:
    """Whether ``text`` opens with a clause number one level or more below its section's number,
    so that it continues the section's list ("The supplier shall comply with:" then "2.1.1 …")."""
    clause = _CLAUSE_NUMBER.match(text)
    if not clause or not section:
        return False
    heading = _SECTION_NUMBER.match(section[-1])
    return bool(heading) and clause.group(1).startswith(heading.group(1).rstrip(".") + ".")


# A vendor's notice that its outputs may be wrong, stated without a modal duty: "the assistant can
# make mistakes", "responses may be incomplete or inaccurate". COVERAGE.md counts such a notice as
# transparency (and as a disclaimer of accuracy for performance) when given in the terms.
LIMITATION_NOTICE = re.compile(
    r"\b(?:may|can|might|could|will\s+sometimes)\s+(?:not\s+)?(?:\w+\s+){0,2}?"
    r"(?:make\s+(?:mistakes|errors)|be\s+(?:inaccurate|incorrect|incomplete|wrong|misleading|unreliable|erroneous|false|flawed)"
    # ("may contain material inaccuracies", "may include factual errors")
    r"|(?:contain|include)\s+(?:\w+\s+)?(?:errors|mistakes|inaccuracies|omissions|mispronunciations|misrecognitions|artefacts|artifacts|hallucinations)"
    # ("may provide incomplete, incorrect or offensive Output": other words of the list may come first)
    r"|(?:give|provide|produce|generate|return|output)\s+(?:you\s+)?(?:[\w-]+,?\s+(?:or\s+|and\s+)?){0,2}?"
    r"(?:wrong|incorrect|inaccurate|false|misleading|erroneous|unreliable)"
    r"|hallucinate"
    # "use of our Services may in some situations result in incorrect data"
    r"|(?:\w+\s+){0,2}?(?:result|lead)\s+in\s+(?:\w+\s+){0,2}?(?:incorrect|inaccurate|erroneous|wrong|misleading|false|unreliable)"
    r"|(?:render|translate|transcribe|recogni[sz]e|classify|score|label)\w*\s+(?:\w+\s+)?(?:incorrectly|inaccurately|wrongly)"
    r"|not\s+(?:be\s+)?(?:accurate|reliable|correct|complete)|not\s+work\s+as\s+intended)"
    r"|\bseem\s+(?:convincing|accurate|plausible)\b[^.]{0,40}\b(?:inaccurate|incorrect|wrong|incomplete)"
    r"|\b(?:are|is)\s+(?:not\s+always|sometimes)\s+(?:accurate|correct|reliable)"
    # ("These outputs might not always be accurate, complete, or up-to-date")
    r"|\b(?:may|might|can|could|will)\s+not\s+(?:always\s+)?be\s+(?:accurate|correct|reliable|complete|up[\s-]to[\s-]date)\b"
    # "By purchasing, you accept that AI results may vary", "generated images are AI-created and are
    # not real photographs": what the model produces is not assured, nor real
    r"|\b(?:results?|outputs?|responses?|generations?)\s+(?:may|can|will)\s+vary\b"
    # ("AI model output may sometimes be unpredictable and is not guaranteed to match the input prompt")
    r"|\b(?:may|can|might|is|are)\s+(?:sometimes\s+|often\s+)?(?:be\s+)?unpredictable\b"
    r"|\bare\s+not\s+real\s+(?:photographs|photos|images|pictures|people|persons|recordings|voices)\b"
    # "Match Scores are probabilistic estimates", "machine-generated speech is probabilistic"
    r"|\b(?:are|is)\s+probabilistic\b|\bprobabilistic\s+nature\b"
    # "outputs … are not tested, verified or guaranteed to be accurate", "no warranty that the
    # results … will be accurate"
    r"|\bnot\s+(?:[\w-]+,?\s+(?:or\s+|and\s+)?){0,5}?(?:guaranteed|warranted)\s+to\s+be\s+"
    r"(?:accurate|correct|complete|reliable|error[\s-]free)\b"
    r"|\b(?:no\s+warranty|not\s+warrant|no\s+guarantee|not\s+guarantee)\w*\s+that\s+(?:the\s+|any\s+)?"
    # ("… does not warrant that AI outputs will be accurate")
    r"(?:[\w-]+\s+)?(?:results?|outputs?|responses?|answers?|(?:\w+\s+){0,2}?generated)\b[^.;]{0,80}?\b(?:is|are|will\s+be)\s+"
    r"(?:\w+,?\s+){0,2}?(?:accurate|correct|reliable|error[\s-]free)\b"
    # "the Services may generate Output containing incorrect, biased or incomplete information"
    r"|\b(?:may|can|might|could)\s+(?:\w+\s+){0,2}?(?:generate|produce|return|create|provide)\s+(?:\w+\s+){0,3}?"
    r"(?:containing|that\s+(?:contains?|is|are)|which\s+(?:contains?|is|are))\s+(?:\w+,?\s+){0,3}?"
    r"(?:incorrect|inaccurate|biased|incomplete|wrong|misleading|false|erroneous|offensive|harmful)\b",
    re.I,
)
# The names of AI a provider's statement about its service uses ("AI" in capitals only: "ai" is
# a syllable of names and words).
_AI_TERMS = (r"(?:AI|(?i:artificial[\s-]intelligence|machine[\s-]learning|generative\s+AI|"
             r"(?:large\s+)?language\s+models?|AI\s+models?|neural\s+networks?))")
# A provider saying that its own service is built on AI: "Jupiter and our Services utilize
# artificial intelligence and machine learning", "the Platform is powered by large language
# models". Terms that say so are terms of an AI service (COVERAGE.md's AI topics apply), however
# rarely they name AI again; a passing mention ("we may use machine learning to filter spam") is
# not this statement.
SERVICE_USES_AI = re.compile(
    r"(?i:\b(?:our|the)\s+(?:[\w-]+\s+)?(?:services?|products?|platform|software|apps?|applications?|tools?|"
    r"features?|assistants?|agents?|solutions?)\b[^.;:]{0,40}?\b(?:uses?|utili[sz]es?|rel(?:y|ies)\s+on|employs?|"
    r"leverages?|incorporates?|(?:is|are)\s+(?:powered\s+by|based\s+on|built\s+on|driven\s+by))\s+(?:[\w-]+\s+){0,3}?"
    # "… enables users to invoke multiple large language models": the service is the way to the AI
    r"|\b(?:enables?|allows?|lets)\s+(?:you|users|customers|clients)\s+(?:to\s+)?(?:invoke|use|query|call|run|access|"
    r"chat\s+with|interact\s+with)\s+(?:[\w-]+\s+){0,3}?"
    # "The outputs from Acme are generated using large language models": how the service makes its outputs
    r"|\b(?:outputs?|responses?|answers?|results?|replies)\b(?:[^.;:]|\.(?=\w)){0,40}?\b(?:are|is)\s+(?:generated|produced|created)\s+"
    r"(?:by|using|with)\s+(?:[\w-]+\s+){0,2}?"
    # "Umans Code provides access to AI models operated by UMANS AI": the same, said of the service
    r"|\b(?:provides?|gives?|offers?)\s+(?:you\s+|users\s+|customers\s+)?access\s+to\s+(?:[\w-]+\s+){0,3}?"
    # a processing agreement naming the processing: "collection, storage, processing by AI models"
    r"|\bprocess(?:ed|ing)\s+(?:by|using|with|through)\s+(?:[\w-]+\s+){0,2}?)"
    + _AI_TERMS + r"\b(?!-free)"
)
# A provider saying what its service is: "Acme offers a personal chatbot service", "Acme is an
# AI-powered writing assistant". The same declaration as SERVICE_USES_AI, in the words of a
# service that is the AI rather than one built on it.
SERVICE_IS_AI = re.compile(
    # (a provider offering several: "Acme offers state-of-the-art AI voice assistants")
    r"\b(?:(?:offers?|provides?|operates?)\s+(?:(?:a|an)\s+)?|is\s+(?:a|an)\s+)(?:[\w-]+\s+){0,2}?"
    r"(?:chatbot|(?:AI|A\.I\.)(?:[\s-](?:powered|based|driven|enabled))?|(?i:artificial[\s-]intelligence|generative\s+AI))"
    # ("an AI agent orchestration platform", "an AI voice creation technology")
    # ("The Service provides custom AI classifiers fine-tuned from our model", "an AI tutor")
    r"\s+(?:[\w-]+\s+){0,2}?(?:services?|apps?|applications?|assistants?|companions?|platforms?|tools?|products?|agents?|"
    r"technology|technologies|classifiers?|models?|tutors?|generators?)\b"
)


# Terms that govern what the user types into the service and what it generates back ("others may
# see your prompts", "prompts and outputs are stored for 30 days") are terms of a generative AI
# service, whatever they call it ("our agentic systems"). ("prompt" alone is also an adjective:
# "your prompt payment" is not this.)
SERVICE_TAKES_PROMPTS = re.compile(
    r"\b(?:your|users?['’]?|customers?['’]?|customer['’]s)\s+prompts\b"
    r"|\bprompts\s+(?:and|or)\s+(?:the\s+|any\s+|related\s+)?(?:outputs?|responses?|completions?|generations?)\b",
    re.I,
)


# The three declarations in one pattern: every text of a document is searched (one search, not three).
_SERVICE_DECLARES_AI = re.compile("|".join(
    f"(?:{pattern.pattern})" if not pattern.flags & re.I else f"(?i:{pattern.pattern})"
    for pattern in (SERVICE_USES_AI, SERVICE_IS_AI, SERVICE_TAKES_PROMPTS)))


def says_its_service_is_ai(text: str) -> bool:
    """Whether the provider says its service rests on AI or is an AI product (SERVICE_USES_AI,
    SERVICE_IS_AI), or governs the user's prompts to it (SERVICE_TAKES_PROMPTS): terms that say so
    are about AI however rarely they name it again."""
    return bool(_SERVICE_DECLARES_AI.search(text))


# A document that says it is governed by the terms of another agreement ("… is subject to the
# terms and conditions of the Master Agreement, including its limitation of liability") only
# refers to those terms; COVERAGE.md counts a cross-reference as a mention. (Its own attachments
# and schedules, "this Agreement", are part of it: see BY_REFERENCE.)
OTHER_AGREEMENT_GOVERNS = re.compile(
    r"\b(?:governed\s+by|subject\s+to)\b[^.;]{0,80}?\b(?:terms|provisions)\b[^.;]{0,40}?\bof\s+(?:the|that|such)\s+"
    r"(?!agreement\b)(?:[A-Z][\w-]*\s+){1,4}(?:agreement|contract)\b"
    # a pointer elsewhere: "Offerors are referred to Section M for the evaluation factors"
    r"|\b(?:is|are)\s+referred\s+to\s+(?:section|part|attachment|appendix|annex|exhibit|schedule|clause|article)\b"
    r"|\b(?:shall|will)\s+be\s+(?:dealt\s+with|evaluated|handled)\s+(?:in\s+accordance\s+with|under|as\s+described\s+in)\s+"
    r"(?:section|clause|schedule|part|article|attachment)\b|\bappears?\s+in\s+(?:section|schedule|attachment|part)\s+\w+\.?$"
    # where the vendor's policy can be read: "Our Privacy Policy, detailing how we handle personal
    # information, can be found at …", "Please review our Privacy Policy, which explains how …"
    r"|\bpolicy\b[^.;]{0,120}\b(?:can|may)\s+be\s+(?:found|read|viewed|accessed)\s+(?:at|on|here|in)\b"
    r"|^\W*please\s+(?:review|read|see|refer\s+to|consult)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}polic(?:y|ies)\b",
    re.I,
)
# A promise left to another agreement that may never be made: "Service level objectives, if any,
# may be described in a separate SLA", "Where provided in a separate written agreement, the vendor
# may agree to indemnify you". It gives the buyer nothing in these terms, so it answers no red flag
# (RedFlagRule.unless_elsewhere); a schedule the document itself attaches is not this.
DEFERRED_TO_ANOTHER_AGREEMENT = re.compile(
    r"\b(?:where|as|if|to\s+the\s+extent)\s+(?:\w+\s+){0,2}?(?:provided|agreed|set\s+out|specified|stated)\s+"
    r"(?:for\s+)?in\s+(?:a|any)\s+separate\b"
    r"|\b(?:may|might|could)\s+(?:\w+\s+){0,2}?(?:described|set\s+out|provided|agreed|specified|offered)\s+"
    r"in\s+(?:a|any)\s+separate\b"
    r"|\bif\s+any\b[^.;]{0,80}?\bseparate\s+(?:\w+\s+){0,3}?(?:agreement|contract|order|addendum|sla)\b"
    r"|\bmay\s+agree\s+to\s+(?:indemnify|defend|provide|offer|warrant|commit)\b",
    re.I,
)


def defers_to_another_agreement(text: str) -> bool:
    """Whether the sentence only says a commitment may be made in a separate agreement
    (DEFERRED_TO_ANOTHER_AGREEMENT)."""
    return bool(DEFERRED_TO_ANOTHER_AGREEMENT.search(text))


# Terms incorporated by reference: "response times are as set forth in Attachment 1".
BY_REFERENCE = re.compile(
    r"\b(?:is|are|will be|shall be)\s+(?:as\s+)?(?:set forth|set out|specified|stated|defined|described|listed|detailed)"
    r"\s+in\s+(?:the\s+)?(?:attachment|exhibit|schedule|appendix|annex|section|table)\b",
    re.I,
)
# A standard clause incorporated by its number and title: "FAR 52.227-17 Rights in Data -- Special
# Works (DEC 2007)" in a list of clauses incorporated by reference binds as if written out (the
# shared reviewers count "52.224-2 PRIVACY ACT" as privacy addressed). Numbers of the FAR's and
# its supplements' clause parts (52.2xx, DFARS 252.2xx, GSAR 552.2xx, HSAR 3052.2xx …).
_CLAUSE_NO = r"(?:\d{1,2})?52\.2\d\d-\d{1,4}\b"
CLAUSE_NUMBER = re.compile(r"(?<![\d.])" + _CLAUSE_NO)
CLAUSES_INCORPORATED = re.compile(r"\bclauses?\b|\bprovisions?\b|\bincorporat", re.I)
# A line that is nothing but a clause citation: "FAR 52.227-17 Rights in Data -- Special Works (DEC
# 2007)", an entry of a clause list whatever heading the parser found above it.
CLAUSE_ENTRY = re.compile(r"^\W*(?:(?:FAR|DFARS|GSAR|HSAR|AIDAR|DOSAR|clause)\s+)?" + _CLAUSE_NO, re.I)


def is_incorporated_clause(text: str, section: list[str]) -> bool:
    """Whether the sentence cites a standard clause by number in a list of clauses (its own words
    or its heading say so, or the line is the bare citation), rather than naming one in passing."""
    words = len(text.split())
    if words > 30 or not CLAUSE_NUMBER.search(text):
        return False
    if words <= 20 and CLAUSE_ENTRY.match(text):
        return True
    return bool(CLAUSES_INCORPORATED.search(text) or any(CLAUSES_INCORPORATED.search(h) for h in section[-2:]))


# Passive provisions: "records will be kept and open to inspection", "will be made available".
PASSIVE_PROVISION = re.compile(
    r"\b(?:will|may)\s+(?:be|remain)\s+(?:made\s+)?(?:publicly\s+|freely\s+|openly\s+)?"
    r"(?:available|open|subject|kept|maintained|retained|provided|paid|made|permitted|allowed|entitled)\b"
    # Work stated in the passive future is work promised: "any bug will be fixed by the developer",
    # "unit testing will be done on the live platform" (a plan for the work, not background).
    r"|\bwill\s+be\s+(?:done|performed|conducted|carried\s+out|fixed|corrected|resolved|repaired|replaced|tested|delivered)\b"
    # Ownership stated in the present tense is operative too: "data remains the property of the State".
    r"|\b(?:remains?|is|are)\s+(?:and\s+(?:shall|will)\s+remain\s+)?the\s+(?:sole\s+|exclusive\s+)?property\s+of\b"
    # A prohibition in the passive: "generating content that invades others' privacy is prohibited".
    r"|\b(?:is|are)\s+(?:strictly\s+|expressly\s+|also\s+)?(?:prohibited|forbidden|not\s+permitted|not\s+allowed)\b",
    re.I,
)
# A modal of possibility, not of permission: "one may be able to detect a link between the
# policies", "a reader can see that …" (the generic "one" is nobody's right or duty).
POSSIBILITY = re.compile(r"\b(?:may|might|can|could)\s+(?:not\s+)?be\s+able\s+to\b|\bone\s+(?:may|might|can|could)\b", re.I)
# A stated need is a requirement: "the business needs to provide a portal for applicants".
STATED_NEED = re.compile(r"\bneeds?\s+to\s+(?:be\s+)?[a-z]+", re.I)
# Rules declared to apply bind the work: "data handling requirements apply as per HIPAA",
# "the hosting standards below also apply to backups".
RULES_APPLY = re.compile(
    r"\b(?:requirements?|standards?|restrictions?|obligations?|controls|safeguards|policies)\s+"
    r"(?:(?:shall|will|also|equally|must)\s+)?(?:apply|applies)\b"
    # … or declared applicable, with what they are for between: "Requirements for accessibility
    # based on Section 508 … are determined to be relevant", "the security standards in Attachment
    # 3 are applicable" (the wording of US federal solicitations)
    r"|\b(?:requirements|standards|restrictions|obligations|controls|safeguards|policies)\b[^.;:]{0,80}?"
    r"\b(?:is|are|shall\s+be|will\s+be)\s+(?:hereby\s+|also\s+)?(?:applicable|determined\s+to\s+be\s+(?:applicable|relevant)|"
    r"deemed\s+(?:applicable|relevant))\b"
    # … or the documents are declared subject to a law or to disclosure ("All documents are
    # subject to the California Public Records Act", "records are subject to audit by the State")
    r"|\b(?:is|are|be|becomes?|become|remains?)\s+(?:also\s+)?subject\s+to\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,10}?"
    r"(?:act|law|laws|code|regulations?|ordinance|statutes?|public\s+records|disclosure|inspection|audit)\b",
    re.I,
)
# A heading over a list of what the contractor hands over: "F.4 Contract Deliverables",
# "Schedule of Deliverables", "Deliverable Items". Every entry of that list is a deliverable, which
# COVERAGE.md counts as a substantive provision, though the entries are bare noun phrases.
# What numbers a heading, before its title: "4.2 ", "(b) ", "C. ", "IV. ", "Section 3: ", "ARTICLE IV - ".
HEADING_NUMBER = (r"^\W*(?:(?:section|article|clause|part)\s+)?(?:[A-Z]?[\d.]*\d\.?\)?|[IVXLC]+\.?(?=[\s:.\-\u2013\u2014])"
                  r"|\(?[a-z]{1,3}\)|[A-Z]\.)?\s*[:.\-\u2013\u2014]?\s*")


def _is_whole_heading(pattern: re.Pattern[str], text: str, longest: int) -> bool:
    """Whether ``text`` is a heading (or header) no longer than ``longest`` that ``pattern``,
    anchored at both ends, matches whole."""
    return len(text) <= longest and bool(pattern.match(text))


DELIVERABLES_HEADING = re.compile(
    HEADING_NUMBER + r"(?:(?:contract|project|required|key|major|final|"
    r"schedule\s+of|list\s+of|summary\s+of)\s+)?deliverables?(?:\s+(?:items?|list|schedule|table))?(?:\s+and\s+(?:reports?|milestones?|schedules?))?\s*:?\s*$",
    re.I,
)
# The same inline: "Deliverable 4: a full copy of the case records at contract end".
DELIVERABLE_LABEL = re.compile(r"^\W*(?:[\w.]+\s+)?deliverables?(?:\s+(?:no\.\s*)?[\w.-]{1,6})?\s*[:\u2013\u2014-]\s+\S", re.I)
TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|(?:\s\.){4,}|_{4,})\s*\d+\s*$|^\s*(?:table of )?contents\s*$", re.I)
TOC_SECTION = re.compile(r"^\s*(?:table of contents|contents)\s*$", re.I)


# A heading that forbids what is listed under it: "Prohibited Uses", "4.2 Use Restrictions", "We
# prohibit deceiving others", "What you may not do", "Don'ts". Usage policies list the forbidden
# uses under such a heading as bare phrases ("generating spam", "sharing personal data without
# consent"); a reviewer reads each entry as a prohibition, as under a "You must not:" lead-in.
# ("Restricted Data", "Prohibited Persons" name things, not conduct: they lend nothing.)
_FORBIDDEN_CONDUCT = (r"(?:uses?|usages?|use\s+cases|activit(?:y|ies)|conduct|content|practices|actions|behaviou?rs?|"
                      r"purposes|applications|acts)")
PROHIBITION_HEADING = re.compile(
    HEADING_NUMBER + r"(?:"
    r"(?:prohibited|forbidden|disallowed|restricted|unacceptable|impermissible|banned)\s+"
    r"(?:[\w-]+\s+)?" + _FORBIDDEN_CONDUCT + r"(?:\s+[\w&-]+){0,5}"
    r"|(?:(?:use|usage|general|service|acceptable\s+use)\s+)?(?:restrictions|prohibitions)"
    r"|(?:things\s+(?:that\s+)?|what\s+)?(?:you|users?|customers?)\s+(?:may|must|can|shall|should|will)\s*(?:not|n?['’]t)\b"
    r"(?:\s+(?:do|use\s+(?:the|our|this)\s+\w+(?:\s+\w+)?(?:\s+(?:to|for))?))?"
    r"|(?:you|users?|customers?)\s+agrees?\s+not\s+to"
    r"|what\s+(?:you\s+)?(?:can['’]?t|cannot|may\s+not|must\s+not)\s+(?:do|use\s+\w+\s+for)"
    r"|we\s+(?:prohibit|do\s+not\s+allow|don['’]t\s+allow)\b[^.:]{0,80}"
    r"|don['’]ts|do\s+not)\s*[.:]?\s*$",
    re.I,
)


def is_prohibition_heading(text: str) -> bool:
    """Whether a heading forbids the entries listed under it ("Prohibited Uses", "Restrictions")."""
    return _is_whole_heading(PROHIBITION_HEADING, text, 120)


# A restriction on what the customer may use the service for, as usage policies and model licences
# write them: "You agree not to use the model for:", "Do not use the assistant to …", "Extensions
# must not be used for …", "Any use intended to …", "prohibited uses", and the provider declining
# projects of a forbidden kind. It binds the user, not the system bought: for topics whose rule
# says so (``use_restrictions_mention``) it is only a mention (the shared reviewers read a code of
# conduct banning discriminatory use as no provision on testing or mitigating bias).
_USERS = r"(?:you|users?|customers?|licensees?|subscribers?|clients?|recipients?|developers?|end[\s-]users?)"
USE_RESTRICTION = re.compile(
    r"\b" + _USERS + r"\b[^.;:]{0,60}?\b(?:not|never|n['’]t)\s+(?:to\s+)?(?:[\w,]+\s+){0,6}?(?:use|utili[sz]e|employ|deploy)\b"
    # (the imperative of PROHIBITION, "Don't use the assistant to …")
    r"|" + _IMPERATIVE_NOT + r"(?:\w+\s+){0,2}?(?:use|utili[sz]e|deploy)\b"
    r"|\b(?:may|must|shall|will|should|can)\s*not\s+be\s+used\b"
    r"|\bany\s+use\s+(?:intended|that|which|to|for|in|of)\b"
    # (the forbidden conduct a PROHIBITION_HEADING names, named in a sentence)
    r"|\b(?:prohibited|forbidden|restricted|unacceptable)\s+" + _FORBIDDEN_CONDUCT + r"\b"
    r"|\b(?:uses?|purposes|activities)\s+(?:is|are)\s+(?:strictly\s+)?(?:prohibited|forbidden|not\s+(?:allowed|permitted))\b"
    r"|\b(?:decline|refuse|reject)\s+(?:\w+\s+){0,2}?(?:projects?|requests?|uses?|use\s+cases|engagements?|orders?)\b",
    re.I,
)


def restricts_use(text: str) -> bool:
    """Whether a sentence (or the lead-in of a list) restricts what the customer may use the service
    for ("You agree not to use the model for:", "Do not use the service to …")."""
    return bool(USE_RESTRICTION.search(text))


# The standard titles of a topic's clauses and sections live in its rule (`section_titles`): a
# heading made only of such titles ("4.2 Intellectual Property", "Security and Privacy",
# "Limitation of Liability") says what the provisions under it are about (engine: _Titles).
_BRACKETED_TITLE = re.compile(r"\(([^()]{3,60})\)\s*$")
_TITLE_PARTS = re.compile(r"\s*(?:,|&|\band\b|/|;)\s*", re.I)
_TITLE_NUMBER = re.compile(HEADING_NUMBER, re.I)


def compile_section_titles(titles: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    """One pattern per topic that matches a whole heading part which is one of its titles."""
    return {topic: re.compile(rf"^(?:the\s+)?(?:{'|'.join(items)})$", re.I) for topic, items in titles.items() if items}


def section_title_topics(heading: str, titles: dict[str, re.Pattern[str]]) -> frozenset[str]:
    """The topics a heading titles (``titles``: compile_section_titles of the rules): each of its
    parts ("Security and Privacy") must be a standard title of some topic, else it titles none. A
    title in brackets stands for the heading ("Introduction (Business Need)")."""
    if len(heading) > 80:
        return frozenset()
    title = _TITLE_NUMBER.sub("", heading.strip(), count=1).strip(" .:").strip()
    bracketed = _BRACKETED_TITLE.search(title)
    if bracketed:
        return _titled_by(title[:bracketed.start()], titles) | _titled_by(bracketed.group(1), titles)
    return _titled_by(title, titles)


def _titled_by(title: str, titles: dict[str, re.Pattern[str]]) -> frozenset[str]:
    parts = [part.strip() for part in _TITLE_PARTS.split(title) if part.strip()]
    if not parts:
        return frozenset()
    topics: set[str] = set()
    for part in parts:
        matched = {topic for topic, pattern in titles.items() if pattern.match(part)}
        if not matched:
            return frozenset()
        topics |= matched
    return frozenset(topics)


# The header of a table column (or, in a table laid out the other way round, of a row) that states
# what must be met: "Performance Standard(s)", "Acceptable Quality Level", "Requirement", "Service
# Level". Each cell under it (or beside it) is a requirement, even when written as a bare state of
# affairs ("100% test coverage of all relevant code"), as in the performance requirements summary
# of a quality assurance surveillance plan.
STANDARD_HEADER = re.compile(
    r"^\W*(?:(?:performance|service|quality|minimum|technical|functional|security|accessibility|mandatory|"
    r"contract(?:ual)?)\s+)?(?:standards?|requirements?|targets?|thresholds?|specifications?)(?:\s*\(s\))?\W*$"
    r"|^\W*(?:acceptable\s+)?(?:quality|service)\s+levels?(?:\s*\(\w+\))?\W*$"
    r"|^\W*(?:AQLs?|SLAs?|required)\W*$",
    re.I,
)


def is_standard_header(header: str) -> bool:
    """Whether a table column's (or row's) header says its cells state what must be met."""
    return _is_whole_heading(STANDARD_HEADER, header, 60)


# A heading over what bidders must answer or will be scored on: "Evaluation Criteria Details",
# "Proposal Contents", "Submission Requirements", "Questions for Respondents". Each entry listed
# under it is a criterion or a question, whatever its wording ("Backup, recovery and encryption
# standards" under "Evaluation Criteria" asks bidders to describe them).
CRITERIA_HEADING = re.compile(
    HEADING_NUMBER + r"(?:"
    # (a prize challenge's "Judging Criteria" are its evaluation criteria)
    r"(?:(?:technical|proposal|bid|tender|detailed|mandatory|rated|weighted)\s+)?(?:evaluation|scoring|selection|award|judging)"
    r"\s+(?:criteria|factors|requirements)(?:\s+(?:details|and\s+(?:weighting|scoring|basis\s+for\s+award)))?"
    r"|(?:proposal|submission|response|bid|tender|quotation)\s+(?:contents?|requirements|format|instructions|structure)"
    # ("White Paper Submission Guidelines", "Tool Submission Guidelines": what entrants hand in)
    r"|(?:[\w-]+\s+){0,2}?submission\s+guidelines"
    r"|(?:information|documents)\s+(?:to\s+be\s+)?(?:provided|submitted|required)|required\s+information"
    r"|questions?\s+(?:for|to)\s+(?:respondents|bidders|offerors|vendors|proponents|suppliers|tenderers)"
    r")\s*:?\s*$",
    re.I,
)


# A heading over the work the supplier is to do: "3. Scope of Work", "Statement of Work", "Tasks",
# "Technical Requirements", "Services Required", "Contractor Responsibilities". An entry listed under
# it is a task or requirement, whatever its wording ("Assess the quality of log data collection",
# "Monitoring of system performance"), unless a heading between says it describes what exists
# (SCOPE_DESCRIBES) or the paragraph before the list is not itself a requirement.
SCOPE_HEADING = re.compile(
    HEADING_NUMBER + r"(?:(?:detailed|general|technical|functional|non-functional|specific|minimum|mandatory|project|"
    r"business|system|service|performance|work|contractor|contractor['’]s|supplier|supplier['’]s|vendor|vendor['’]s)\s+)*"
    r"(?:scope(?:\s+of\s+(?:the\s+)?(?:work|services|project|engagement))?(?:\s+part\s+\w{1,3})?"
    r"|statement\s+of\s+(?:work|objectives|requirements)"
    r"|tasks?(?:\s+(?:and|&)\s+(?:deliverables|activities))?|requirements?|specifications?"
    r"|(?:services|work)\s+(?:required|requested|to\s+be\s+(?:provided|performed))"
    r"|performance\s+work\s+statement|responsibilities|duties)\s*:?\s*$",
    re.I,
)
SCOPE_DESCRIBES = re.compile(
    r"\b(?:background|current|existing|as-is|history|overview|introduction|about|context|assumptions|"
    r"out\s+of\s+scope|not\s+in\s+scope|exclu\w*|glossary|definitions?|acronyms|references)\b",
    re.I,
)


def is_scope_heading(text: str) -> bool:
    """Whether a heading is over the work the supplier is to do (SCOPE_HEADING)."""
    return _is_whole_heading(SCOPE_HEADING, text, 90)


def is_criteria_heading(text: str) -> bool:
    """Whether a heading is over what bidders must answer or are scored on (CRITERIA_HEADING)."""
    return _is_whole_heading(CRITERIA_HEADING, text, 90)


def is_deliverables_heading(text: str) -> bool:
    """Whether a heading names a list of deliverables ("F.4 Contract Deliverables", "Deliverables")."""
    return _is_whole_heading(DELIVERABLES_HEADING, text, 120)


def is_deliverable_entry(text: str, section: list[str]) -> bool:
    """Whether the text is an entry of a list of deliverables: a line labelled "Deliverable …:", or
    a verbless entry (no closing full stop) under a heading that names deliverables. A full
    sentence under such a heading says what it says; only the bare entries borrow the heading."""
    if DELIVERABLE_LABEL.match(text):
        return True
    return bool(section) and is_deliverables_heading(section[-1]) and not text.rstrip().endswith((".", "?", "!"))


def strip_list_marker(text: str) -> str:
    return _LIST_MARKER.sub("", text, count=1)


def is_toc(text: str, section: list[str]) -> bool:
    if TOC_LINE.search(text):
        return True
    # When a parser finds no heading after "Contents", the whole body sits under it; a long,
    # punctuated sentence there is body text, not a contents entry.
    under_contents = any(TOC_SECTION.match(s) for s in section[-2:])
    return under_contents and not (len(text) > 120 and text.rstrip().endswith((".", ";", ":", "?")))


# "That means you are responsible …" explains the sentence before it; it defines no term.
_PRONOUN_MEANS = re.compile(r"^\W*(?:that|this|it|which|such|what)\s+(?:means|shall mean|refers to)\b", re.I)
# "You grant us a licence to your content, which means we can copy it": a consequence, not a definition.
_WHICH_MEANS = re.compile(r"^[^.;:]{0,80}?,\s*which\s+means\b", re.I)


# A numbered deliverable ("Deliverable 6: a full copy of …") is an entry of a list, not a glossary term.
_NUMBERED_DELIVERABLE = re.compile(r"^\W*deliverables?\s+(?:no\.\s*)?[A-Z]?\d[\w.-]*\s*[:\u2013\u2014-]", re.I)


def defines_term(text: str) -> bool:
    """Whether the sentence itself is shaped as a definition ("X" means …), whatever its section."""
    stripped = strip_list_marker(text)
    if _PRONOUN_MEANS.match(stripped) or _WHICH_MEANS.match(stripped):
        return False
    return bool(DEFINITION.match(stripped) or QUOTED_DEFINITION.match(stripped))


def is_definition(text: str, section: list[str]) -> bool:
    """Whether the sentence defines a term (``defines_term``) or sits under a definitions heading
    (a numbered deliverable there excepted), unless it only explains what came before."""
    stripped = strip_list_marker(text)
    if _PRONOUN_MEANS.match(stripped) or _WHICH_MEANS.match(stripped):
        return False
    in_glossary = any(DEFINITION_SECTION.search(s) for s in section[-2:])
    if _NUMBERED_DELIVERABLE.match(stripped) and not in_glossary:
        return False
    return defines_term(text) or in_glossary


def is_about_submissions(text: str) -> bool:
    """Whether the sentence governs the handling of the bids (proposals, white papers, quotes)."""
    return bool(SUBMISSION_HANDLING.search(text))


# A vendor saying what its service is: "the assistant is an AI-powered service", "answers are
# generated by a large language model" — or what that entails: "due to the nature of machine
# learning, outputs are probabilistic", "AI and large language models are emerging technologies".
AI_NATURE = re.compile(
    r"\b(?:nature|characteristics|limitations)\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?" + _AI_TERMS + r"\b"
    r"|\b" + _AI_TERMS + r"(?:\s+(?:and|or)\s+" + _AI_TERMS + r")?\s+(?:is|are)\s+(?:an?\s+)?(?:\w+\s+)?"
    r"(?:emerging|new|frontier|evolving|developing|probabilistic|experimental|nascent)\b"
    r"|\b(?:is|are)\s+(?:an?\s+)?(?:\w+\s+){0,2}?(?:AI|artificial[\s-]intelligence|machine[\s-]learning)[\s-]"
    r"(?:powered|based|driven|enabled)\b"
    # ("outputs are generated using large language models": the same said with "using" or "with")
    r"|\b(?:powered|generated|produced|created)\s+(?:\w+\s+){0,2}?(?:by|using|with)\s+(?:an?\s+)?" + _AI_TERMS + r"\b"
    r"|\b(?:uses?|relies\s+on|rely\s+on|is\s+built\s+on)\s+" + _AI_TERMS + r"\b"
    # (or the provider's own declaration that its service is, or rests on, AI)
    r"|" + SERVICE_USES_AI.pattern + r"|" + SERVICE_IS_AI.pattern,
)
# Terms that make the vendor's policy part of them, or subject the use to it: "Your use of the
# Service is also governed by our Privacy Policy, which is incorporated into these Terms", "you are
# subject to the Acme Privacy Statement" (a pointer to where it can be read is not: OTHER_AGREEMENT_GOVERNS).
GOVERNING_POLICY = re.compile(
    r"\b(?:governed\s+by|subject\s+to|in\s+accordance\s+with|incorporated\s+(?:into|in|herein|by\s+reference))\b[^.;]{0,80}?"
    r"\b(?:polic(?:y|ies)|statement|notice|guidelines)\b"
    r"|\b(?:polic(?:y|ies)|statement|notice)\b[^.;]{0,80}?\bincorporated\b",
    re.I,
)
# A notice telling users not to rely on what a service produces unchecked: it is "no substitute for"
# a professional's advice, "does not replace professional judgment", is "for informational purposes
# only", or is to be checked "before relying on" it. Of what an AI produces, a notice of its limits
# (transparency's question of when to rely on outputs); the rule's own words name the AI.
RELIANCE_NOTICE = re.compile(
    r"\b(?:not|no)\s+(?:a\s+|intended\s+(?:as\s+a\s+|to\s+be\s+a\s+)?)?substitute\s+for\b"
    r"|\b(?:does|do|is|are|will)\s+not\s+(?:intended\s+to\s+)?replace\s+(?:\w+\s+){0,2}?"
    r"(?:professional|human|expert|medical|legal|clinical|qualified)"
    # ("intended to support, not replace, human decision-making"; "supports learning, not replace teachers")
    r"|\b(?:support|supports|assist|assists|complement|complements|supplement|supplements)\b[^.;]{0,30}?,?\s+not\s+"
    r"(?:to\s+)?replace,?\s+(?:\w+\s+){0,2}?(?:human|professional|expert|teacher|teachers|clinician|clinicians|staff|decision)"
    r"|\bnot\s+(?:be\s+)?(?:construed|considered|treated|taken)\s+as\s+(?:\w+\s+){0,2}?advice\b"
    r"|\bfor\s+(?:general\s+)?information(?:al)?\s+purposes\s+only\b"
    r"|\bbefore\s+(?:you\s+|they\s+|anyone\s+)?(?:rely|relying|act|acting)\s+on\b"
    # ("should not be solely relied upon for critical decisions", "do not rely solely on the output")
    r"|\bnot\s+(?:be\s+)?(?:solely\s+|exclusively\s+|only\s+)?(?:rely|relied|relying)\s+"
    r"(?:solely\s+|exclusively\s+|only\s+)?(?:up)?on\b",
    re.I,
)
# A vendor saying how it already acts under a law the sentence names: "we protect users' personal
# data in accordance with Regulation (EU) 2016/679", "the platform is compliant with HIPAA". In its
# terms that is a commitment to the law (the rule's own words must name it: a catch-all "in
# accordance with applicable law" names none).
ACTS_UNDER_A_LAW = re.compile(
    r"\bin\s+(?:accordance|compliance|conformity)\s+with\b|\b(?:is|are|remains?)\s+(?:fully\s+)?compliant\s+with\b"
    r"|\bcompl(?:y|ies)\s+with\b|\b(?:conforms?|adheres?)\s+to\b",
    re.I,
)
# A provider stating the availability it aims for, with its figure: "The Provider aims for an
# annual availability of 98%", "our uptime target is 99.5%". Terms put their service level so
# (COVERAGE.md: performance is the levels the service is held to); a figure only reported ("uptime
# last year was 99%") is not a target.
SERVICE_LEVEL_TARGET = re.compile(
    r"\b(?:aims?|strives?|targets?|endeavou?rs?|seeks?)\s+(?:for\s+|to\s+(?:achieve|maintain|provide|deliver|meet|keep)\s+)?"
    r"(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:availability|uptime)\b[^.;]{0,40}?\d"
    r"|\b(?:availability|uptime)\s+(?:target|objective|goal)\s+(?:of|is|will\s+be)\s+(?:at\s+least\s+)?\d",
    re.I,
)
# A provider naming the sub-processors it uses: "The Service uses the following subprocessors:",
# "our current sub-processors are listed below". Naming them is the disclosure COVERAGE.md asks
# of the supply chain, though no one is obliged by the sentence.
NAMES_ITS_SUBPROCESSORS = re.compile(
    r"\b(?:uses?|engages?|relies\s+on|works\s+with)\s+the\s+following\s+(?:[\w-]+\s+)?"
    r"(?:sub-?processors|sub-?contractors|service\s+providers|third[\s-]part(?:y|ies)\s+(?:providers|processors))\b"
    r"|\b(?:current|authori[sz]ed|approved)\s+sub-?processors\s+(?:are|include)\b",
    re.I,
)
# A window to take the data out, stated as a feature of the service: "Data export available for 30
# days post-termination", "your files remain available for download for 60 days". Terms written as
# lists of what the service offers state the buyer's exit so.
EXPORT_WINDOW = re.compile(
    r"\b(?:export|download|retrieval)s?\s+(?:is\s+|are\s+|will\s+be\s+|remains?\s+)?available\b[^.;]{0,40}?\b\d+\s+days?\b"
    r"|\b(?:remains?|is|are|will\s+be)\s+available\s+(?:for\s+)?(?:export|download|retrieval)\b[^.;]{0,40}?\b\d+\s+days?\b",
    re.I,
)
STATEMENT_CUES = {"limitation-notice": LIMITATION_NOTICE, "reliance-notice": RELIANCE_NOTICE, "ai-nature": AI_NATURE,
                  "governing-policy": GOVERNING_POLICY, "acts-under-a-law": ACTS_UNDER_A_LAW,
                  "service-level-target": SERVICE_LEVEL_TARGET, "names-its-subprocessors": NAMES_ITS_SUBPROCESSORS,
                  "export-window": EXPORT_WINDOW}
# Plain statements read by where they stand rather than by their words: an entry under a heading
# over the sub-processors ("5.1 Current Sub-Processors", "Approved Subprocessors") that names an AI
# service ("Services: Claude AI model API services", "Open AI for LLM summaries") tells the buyer
# which AI its data goes through, the disclosure COVERAGE.md's AI-use topic asks for.
SUBPROCESSOR_TRAIL = re.compile(
    r"\bsub-?processors?\b|\bsub-?processing\b|\bthird[\s-]party\s+(?:processors|providers|service\s+providers)\b",
    re.I,
)
SECTION_STATEMENT_CUES = {"listed-among-subprocessors": SUBPROCESSOR_TRAIL}


def says_by_section(cue: str, section: list[str] | tuple[str, ...]) -> bool:
    """Whether a heading over the sentence makes it the plain statement ``cue``
    (SECTION_STATEMENT_CUES)."""
    pattern = SECTION_STATEMENT_CUES[cue]
    return any(pattern.search(heading) for heading in section)


_STATEMENT_WHY = "statement ({})"


def statement_why(cue: str) -> str:
    """The reason given for evidence that a plain statement (``STATEMENT_CUES``) made a provision."""
    return _STATEMENT_WHY.format(cue)


def is_statement(why: str) -> bool:
    """Whether evidence with this reason is a plain statement (see ``statement_why``)."""
    return why.startswith(_STATEMENT_WHY.split("{")[0])


def is_negated_scope(text: str) -> bool:
    return bool(NEGATED_SCOPE.search(text))


# An invitation bidders may ignore asks nothing of them (COVERAGE.md: a question bidders *must*
# answer): "Offerors are also invited, at their option, to describe …", "Respondents may optionally
# describe …". (A contract's "the Vendor will, at its option, repair or replace" is a duty with a
# choice of remedy: only invitations and "optionally" count.)
OPTIONAL_INVITATION = re.compile(
    r"\b(?:invited|encouraged|welcome|free)\b[^.;]{0,30}\b(?:at\s+(?:their|its|his|her|the\s+\w+['’]s)\s+"
    r"(?:own\s+|sole\s+)?(?:option|discretion)|if\s+(?:they|it)\s+(?:so\s+)?(?:wish|choose)s?)\b"
    # (an "Optional Task" of a work statement binds once exercised: the word alone is not enough)
    r"|\b(?:may|can)\s+optionally\b",
    re.I,
)
# A recital says why the parties contract, not what they owe: "WHEREAS, the Company will …".
RECITAL = re.compile(r"^\W*(?:whereas|recitals?)\b", re.I)
# "Evaluation criteria include security and AI disclosure": the criteria stated as such.
CRITERIA_STATED = re.compile(r"\b(?:evaluation|award|scoring|selection)\s+(?:criteria|criterion|factors?)\s+"
                             r"(?:include|includes|are|is|will|shall|consist)\b", re.I)
# Being responsible binds a party ("the Contractor is responsible for …"); a name such as the policy
# "Responsible Use of AI" binds no one, so "responsible" is no obligation word on its own.
RESPONSIBLE_FOR = re.compile(r"\b(?:responsible|accountable)\s+(?:for|to|under)\b"
                             r"|\b(?:is|are|be|remains?|remain|shall|will)\s+(?:\w+\s+)?(?:responsible|accountable)\b", re.I)
# In a contract the paragraphs under "Background" or "Recitals" ("(A) Provider operates …") are the
# recitals, lettered instead of opened with "whereas". (In a solicitation the background states the
# problem to solve, which counts for outcomes.)
# (Only the lettered paragraphs: a text parsed without later headings leaves the whole contract
# under "Recitals".)
LETTERED_RECITAL = re.compile(r"^\W*\(?[A-Z]\)\s|^\W*[A-Z]\.\s")
RECITALS_HEADING = re.compile(r"^\W*(?:[A-Z0-9]{1,3}[.)]\s*)?(?:background|recitals?|preamble|whereas)\W*$", re.I)
# A question put to bidders ("State whether City Data will be used to train any model", "Will you
# use our data to improve your service?") asks about a provision; it does not make one, so it is
# never a red flag whatever it names.
ASKS_BIDDERS = re.compile(
    r"^\W*(?:\(?[a-z0-9]{1,3}[.)]\s+)?(?:please\s+)?"
    r"(?:state|describe|explain|indicate|confirm|identify|specify|disclose|detail|discuss|list|outline|"
    r"tell\s+us|let\s+us\s+know|advise)\b[^.?!;]{0,40}?\b(?:whether|how|if|what|which|when|who|the\s+extent)\b",
    re.I,
)


_HEADING_SMALL_WORDS = frozenset({"and", "or", "of", "the", "for", "to", "in", "on", "with", "a", "an", "by", "&"})
_HEADING_MODALS = frozenset({"shall", "will", "must", "may", "should", "can", "cannot"})


def is_run_in_heading(text: str) -> bool:
    """Whether a sentence is only a clause's run-in title: a few capitalised words and no modal
    ("18.3 **Accessibility; Responsible AI.**", "Termination for Convenience.")."""
    stripped = strip_list_marker(text.replace("*", "").replace("_", " ").strip())
    if not stripped or stripped[-1] not in ".:;" and not stripped[-1].isalnum():
        return False
    words = re.findall(r"[A-Za-z][\w'’\-]*", stripped)
    if not 1 <= len(words) <= 8 or len(stripped) > 90 or any(c.isdigit() for c in stripped):
        return False
    return (all(w[0].isupper() or w.lower() in _HEADING_SMALL_WORDS for w in words)
            and not any(w.lower() in _HEADING_MODALS for w in words))


# A web page's menu or a list of links kept in the text: "Terms of Service Acceptable Use Policy
# Data Processing Addendum Subprocessors List …" — a dozen or more capitalised words and no
# sentence among them. It names pages; it requires nothing. (Text in capitals, as disclaimers are
# written, is not title case.)
def is_run_of_titles(text: str) -> bool:
    """Whether a sentence is only a run of capitalised titles (a navigation menu, a list of links)."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’\-]*", text) if w.lower() not in _HEADING_SMALL_WORDS]
    if len(words) < 12:
        return False
    titled = sum(1 for w in words if w[0].isupper() and not w.isupper())
    return titled >= 0.9 * len(words) and not any(w.lower() in _HEADING_MODALS for w in words)


# In a solicitation the issuer writes the rules of its own competition: "the Province may modify
# the RFP before the Closing Time", "the Issuer makes no guarantee that another submission method
# will be available". Such a reservation about the procurement cannot go against the buyer — the
# buyer wrote it for itself — so it raises no red flag (COVERAGE.md: a red flag goes against the
# buyer). What the issuer binds itself to about the contract ("the Agency shall not publish this
# Agreement") is not about the competition and stays flaggable.
_ISSUERS = r"(?:Issuer|Province|Government|Agency|State|City|County|Department|Buyer|Ministry|Council|Authority|District)"
# The issuer disclaiming what it tells bidders: "these figures are not warranted to be accurate by
# the County", "The Province makes no representation …". It is about the solicitation's own
# information, not the solution: no red flag, and no provision on a topic.
ISSUERS_DISCLAIMER = re.compile(
    r"\bnot\s+(?:guaranteed|warranted)\b[^.;]{0,60}\bby\s+the\s+" + _ISSUERS + r"\b"
    r"|^\W*(?:The\s+)?" + _ISSUERS + r"\s+(?:makes|gives)\s+no\s+(?:guarantee|warranty|representation)"
)
PROCUREMENT_PROCESS = re.compile(
    r"\bthe\s+(?:RFP|RFQ|RFI|RFx|ITT|ITB|solicitation|opportunity|competition)\b|\bclosing\s+(?:time|date)\b"
    r"|\bsubmission\s+method\b|\b(?:proposals?|quotations?|applicants?|proponents?|offerors?|bidders?)\b"
    r"|" + ISSUERS_DISCLAIMER.pattern,
)


def is_the_issuers_own_reservation(text: str) -> bool:
    """Whether a solicitation's sentence is the issuer's reservation about its own procurement."""
    return bool(PROCUREMENT_PROCESS.search(text))


# The public buyer disclaiming its own responsibility: "The State is not responsible for any
# breach of the Contractor's network", "The Agency shall not be liable for …". It limits what the
# buyer answers for, so it goes against no buyer: no red flag, whatever the topic.
# A public body by its name: "the County", "The Louisville Metro Police Department", "the
# Department of Health and Human Services" (capitalised words of its name around the kind of body).
_PUBLIC_BODY = (r"(?:The\s+)?(?-i:(?:[A-Z][\w.&'-]*\s+){0,5}?)" + _ISSUERS
                + r"(?:\s+of\s+(?:the\s+)?(?-i:[A-Z][\w&'-]*(?:\s+(?:[A-Z][\w&'-]*|and|&)){0,5}))?")
# What a party says when it answers for nothing: it disclaims, does not warrant, is not liable, makes
# no warranty, assumes no responsibility.
_DISCLAIMS_ITS_OWN = (
    r"\s+(?:hereby\s+)?(?:disclaims?\b|(?:does|do|will|shall)\s+not\s+(?:warrant|guarantee|represent)"
    r"|(?:is|are|shall|will|does)\s+not\s+(?:be\s+)?(?:held\s+)?(?:responsible|liable)\b"
    r"|(?:makes|gives)\s+no\s+(?:warrant|guarantee|representation)"
    r"|(?:assumes|accepts|bears|has)\s+no\s+(?:responsibility|liability)\b)"
)
BUYER_DISCLAIMS = re.compile(
    # (a lettered clause may open it: "A. CITY does not warrant the accuracy of Licensed Material
    # originating from CITY's records")
    r"^\W*(?:[A-Z]\.\s+|\(?[a-z0-9]{1,3}\)\s+)?" + _PUBLIC_BODY + _DISCLAIMS_ITS_OWN
    # ("Under no circumstances will the Issuer or its agents be liable to any person …")
    + r"|^\W*(?:[-\w)]+\s+)?(?:in\s+no\s+event|under\s+no\s+circumstances?)\s+(?:will|shall)\s+(?:the\s+)?" + _ISSUERS + r"\b",
    re.I,
)


def is_the_buyers_own_disclaimer(text: str, own_names: re.Pattern[str] | None = None) -> bool:
    """Whether the sentence is the public buyer disclaiming its own responsibility (BUYER_DISCLAIMS),
    or, with ``own_names`` (``public_body_names``), the public body under the short name the
    document gave it disclaiming or being held harmless ("VA hereby disclaims all warranties",
    "you agree to indemnify and hold harmless HHS")."""
    return bool(BUYER_DISCLAIMS.search(text) or (own_names is not None and own_names.search(text)))


# A public body given a short name: "the U.S. Department of Veterans Affairs (VA)", "Louisville
# Metro Government (LMG)", "the Department of Health and Human Services (HHS)".
_SHORT_NAME_GIVEN = re.compile(r"\b" + _PUBLIC_BODY + r"\s*\(\s*(?:the\s+)?[\"\u201c]?([A-Z]{2,8})[\"\u201d]?\s*\)")


def public_body_names(texts: list[str]) -> re.Pattern[str] | None:
    """The sentences in which a public body, under the short name the document gives it, disclaims
    its own responsibility or is held harmless: in terms a public body issues for its API or data
    ("VA hereby disclaims all warranties"), and in a public contract ("the Contractor shall hold
    EOTSS harmless"), such a clause protects the public body and goes against no buyer. None when
    the document gives no public body a short name."""
    names = sorted({m.group(1) for text in texts for m in _SHORT_NAME_GIVEN.finditer(text)}, key=len, reverse=True)
    if not names:
        return None
    alias = "(?:" + "|".join(map(re.escape, names)) + r")\b"
    return re.compile(r"(?:^\W*|,\s+)(?:the\s+)?" + alias + _DISCLAIMS_ITS_OWN
                      + r"|\b(?:indemnify|hold\s+harmless|defend)\b[^.;]{0,30}?\b(?:the\s+)?" + alias)


def is_the_issuers_disclaimer(text: str) -> bool:
    """Whether a solicitation's sentence disclaims the accuracy of what the issuer tells bidders."""
    return bool(ISSUERS_DISCLAIMER.search(text))


def asks_bidders(text: str) -> bool:
    """Whether the sentence is a question or instruction to bidders about what they offer."""
    return text.rstrip().endswith("?") or bool(ASKS_BIDDERS.match(text))


# In a contract "will" binds whoever its subject is ("the Software will conform to the
# Documentation", "fees will be invoiced monthly"); in a solicitation it often only describes.
CONTRACT_MODALS = frozenset({"will", "wo"})
# Vendor terms state what the vendor does in the present tense, and that is what it has agreed to:
# "Within 30 days after termination we delete Customer Content", "Company informs Subscriber that
# the features use machine-learning models", "Provider encrypts Customer Data at rest". An opening
# clause of up to 100 characters may come first ("Where we confirm a security incident that affects
# your personal data, we notify you within 72 hours").
_PRACTICE_VERBS = (
    r"(?:delete|retain|keep|store|process|use|encrypt|notif(?:y|ie)|provide|maintain|log|monitor|review|"
    r"disclose|share|collect|host|destroy|return|remove|offer|support|train|test|audit|limit|inform|publish|"
    r"identif(?:y|ie)|label|mark|watermark|hono(?:u)?r|appl(?:y|ie)|restrict|back\s+up|anonymi[sz]e|"
    r"pseudonymi[sz]e|aggregate|disclaim|warrant)s?"
)
# Who owns what is allocated by saying so: "the Government owns all Government Content", "all
# Outputs belong to the Agency". ("owns and operates" describes a business.)
OWNERSHIP = re.compile(r"\bowns\b(?!\s+and\s+operates)|\b(?:belong|belongs)\s+(?:solely\s+|exclusively\s+)?to\b"
                       r"|\bbecomes?\s+the\s+(?:sole\s+|exclusive\s+)?property\s+of\b"
                       # ("these data are confidential and proprietary to the District")
                       r"|\b(?:is|are|remains?|shall\s+remain|will\s+remain)\s+(?:\w+\s+and\s+)?proprietary\s+to\b"
                       # ("we do not claim ownership of your content": it stays the customer's)
                       r"|\b(?:do|does|will|shall)\s+not\s+claim\s+(?:any\s+)?ownership\b|\bclaims?\s+no\s+(?:ownership|rights?)\b", re.I)
# A right held or granted is a permission, which COVERAGE.md counts as a provision: "Customer has
# the right to integrate …", "this includes the right to use the API to …".
# (or received, with the licence's qualities listed: "the Customer receives a non-exclusive,
# non-transferable, time-limited right to use the Service")
RIGHT_HELD = re.compile(
    r"\b(?:has|have|retains?|includes?|including|is\s+given|are\s+given|shall\s+have|will\s+have|receives?|"
    r"obtains?|shall\s+receive|will\s+receive)\s+"
    r"(?:the|a|an)\s+(?:(?:[\w-]+,\s+){1,5}(?:and\s+|or\s+)?[\w-]+\s+|(?:[\w-]+\s+){0,2}?)right\s+to\s+(?!be\b)\w+", re.I)
# A period granted to a party to act is a permission with its deadline: "you have 30 days to export
# any data you need", "Customer shall have ninety (90) days after termination in which to retrieve
# its content". (A party's "30 days' notice" or the service "has 99.9% uptime" grant no period.)
_PERIOD_UNIT = r"(?:calendar\s+|business\s+|working\s+)?(?:days?|weeks?|months?|hours?)"
PERIOD_GRANTED = re.compile(
    r"\b(?:you|customers?|clients?|licensees?|subscribers?|users?|buyers?|the\s+(?:agency|department|"
    r"government|authority|state|county|city|purchaser|licensee|customer|client|buyer))\s+"
    r"(?:has|have|will\s+have|shall\s+have|would\s+have|then\s+has|then\s+have)\s+(?:up\s+to\s+|at\s+least\s+|a\s+further\s+)?"
    r"(?:\d{1,3}|one|two|three|four|five|six|seven|ten|fourteen|fifteen|twenty|thirty|forty-five|sixty|ninety)"
    r"(?:\s*\(\d{1,3}\))?[\s-]+" + _PERIOD_UNIT + r"\s+(?:\w+\s+){0,3}?(?:to|in\s+which\s+to|within\s+which\s+to)\s+\w+",
    re.I)
# Verbs that are as often nouns after a capitalised word ("Overage charges are not capped",
# "Security updates are applied"): a practice only after "we" or the vendor's role.
_PRACTICE_VERBS_OF_THE_VENDOR = r"(?:charge|bill|invoice|refund|fix|patch|update|upgrade|resolve)(?:e?s)?"
_PRACTICE_OPENING = r"^\W*(?:\d+(?:\.\d+)*\.?\s+|\(?[a-z]{1,3}\)\s+)?"
_PRACTICE_ADVERB = r"\s+(?:(?:also|only|automatically|promptly|currently|then|never|routinely|each\s+\w+)\s+)?"
_THE_VENDOR = r"(?:(?:[A-Z][^,.;:]{0,100}(?:,\s+|\s))?we|We|(?:The\s+)?(?:Provider|Vendor|Supplier|Licensor|Contractor))"
VENDOR_PRACTICE = re.compile(
    _PRACTICE_OPENING
    + r"(?:" + _THE_VENDOR + r"|"
    r"(?!(?:It|This|That|These|Those|There|They|Such|Each|Any|All|No|Some|Other|You|Your|Customer|Subscriber|"
    r"Client|Licensee|Buyer|Users?|Outputs?|Inputs?|Results?|Data)\b)[A-Z][\w&\-]+)"
    + _PRACTICE_ADVERB + _PRACTICE_VERBS + r"\b"
    # ("we charge only our actual costs", "we fix bugs in order of the partner's priority")
    + r"|" + _PRACTICE_OPENING + _THE_VENDOR + _PRACTICE_ADVERB + _PRACTICE_VERBS_OF_THE_VENDOR + r"\b"
)


def requirement_form(norms: list[str], text: str, section: list[str], contract: bool = False) -> str | None:
    """Why the sentence is a substantive provision ("obligation", "question", "criterion"), or None.
    In a contract (``contract``) a sentence with "will" is an obligation whatever its subject."""
    if RECITAL.match(text) or (contract and section and LETTERED_RECITAL.match(text)
                               and RECITALS_HEADING.match(section[-1])):
        return None  # background, whatever its verbs (COVERAGE.md)
    if is_run_in_heading(text):
        return None  # "18.3 Accessibility; Responsible AI." names what follows; it binds no one
    norm_set = set(norms)
    if norm_set & OBLIGATION_NORMS or RESPONSIBLE_FOR.search(text):
        return "obligation"
    # ("the Services may interoperate with …": neither a party's modal nor a named subject's)
    described = what_a_thing_may_do(norms)
    if norm_set & PARTY_MODALS and norm_set & PARTY_NORMS and not POSSIBILITY.search(text) and not described:
        return "obligation"
    if contract and norm_set & CONTRACT_MODALS and not POSSIBILITY.search(text):
        return "obligation"
    if contract and VENDOR_PRACTICE.search(text):
        return "obligation"
    if OWNERSHIP.search(text) or RIGHT_HELD.search(text) or PERIOD_GRANTED.search(text):
        return "obligation"
    stripped = text.rstrip()
    if stripped.endswith("?"):
        return "question"
    if _conditional_instruction(norms):
        return "question"
    instruction = _instruction(text, _first_word_norm(norms))
    # A run-in label before the instruction ("Authentication — keep your API key secret",
    # "Acceptable use: do not resell the data"): the instruction starts after it.
    labelled = None if instruction else RUN_IN_LABEL.match(text)
    if labelled:
        body = text[labelled.end():]
        opening = _FIRST_WORD.match(body)
        instruction = _instruction(body, opening[0].lower() if opening else None)
    if instruction:
        return instruction
    if norm_set & EVALUATION_NORMS and (any(EVALUATION_SECTION.search(s) for s in section) or norm_set & PARTY_NORMS
                                        or CRITERIA_STATED.search(text)):
        return "criterion"
    if ((NAMED_SUBJECT_MODAL.search(text) and not described) or PASSIVE_PROVISION.search(text)
            or BY_REFERENCE.search(text) or STATED_NEED.search(text) or RULES_APPLY.search(text)):
        return "obligation"
    if DISCLAIMER.search(text):
        return "disclaimer"
    if SEEKS.search(text):
        return "sought by the buyer"
    if OBJECTIVE.search(text):
        return STATED_AIM
    if is_deliverable_entry(text, section):
        return "deliverable"
    return None


# "may" and "can" say what a party is allowed to do ("Customer may export its data") or what can
# happen ("the Services may interoperate with other platforms", "Output may include content from
# third-party sites"). After one of these things, with an active verb, it is the second: a
# description of the product, which binds no one (COVERAGE.md: background). A passive ("your
# content may be used to train …") still grants the vendor a use and stays a provision, and so
# does a product that "may allow Customer to …" (the reviewers read it as the customer's right).
THING_SUBJECTS = frozenset({
    "service", "output", "content", "result", "product", "feature", "functionality", "information",
    "material", "platform", "software", "response", "it", "offering", "tool", "api", "app", "application",
    "website", "model",
})
_POSSIBILITY_MODALS = frozenset({"may", "might", "can", "could"})
_MODAL_ADVERBS = frozenset({"also", "sometimes", "occasionally", "still", "therefore", "only", "even"})
# After the modal: a passive or perfect is a use granted or done ("may be used", "may have been
# shared"); a product that "may allow Customer to integrate" grants the customer a right.
# ("the Services may give you the option to link …" grants the option as "may allow you to" does)
_NOT_A_DESCRIPTION = frozenset({"be", "not", "have", "allow", "permit", "enable", "let", "give"})


def what_a_thing_may_do(norms: list[str]) -> bool:
    """Whether the sentence's first modal is "may"/"can" said of a thing with an active verb."""
    for i, norm in enumerate(norms):
        if norm in PARTY_MODALS or norm in ("shall", "must"):
            if norm not in _POSSIBILITY_MODALS or i == 0:
                return False
            following = [n for n in norms[i + 1:i + 4] if n not in _MODAL_ADVERBS]
            if not following or following[0] in _NOT_A_DESCRIPTION:
                return False
            before = i - 1
            while before >= 0 and (norms[before] in _MODAL_ADVERBS or norms[before] == ")"):
                if norms[before] == ")":  # "Certain Services (including the Search API) may operate"
                    while before >= 0 and norms[before] != "(":
                        before -= 1
                before -= 1
            return before >= 0 and norms[before] in THING_SUBJECTS
    return False


# Words that may open an instruction before its verb: "Always verify …", "First, describe …".
_LEADING_FILLERS = frozenset({"the", "a", "an", "and", "or", "please", "always", "also", "first", "then",
                              "briefly", "clearly", "carefully", "independently", "promptly", "immediately",
                              "additionally"})
_ARTICLES = frozenset({"the", "a", "an"})
# The first word of a sentence as written (after a list marker), for the imperative check.
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# A short capitalised label run in before a dash or colon, the text after it starting in lower
# case as an instruction does ("Authentication — keep …", "Acceptable use: do not …"). A label
# followed by a capital ("Scope: The Contractor shall …") is left to the sentence's own words.
RUN_IN_LABEL = re.compile(r"^\W*[A-Z][\w'’&/()-]*(?:\s+[\w'’&/()-]+){0,4}?\s*(?:\s[\u2013\u2014]|:)\s+(?=[a-z])")


def _instruction(text: str, first: str | None) -> str | None:
    """"question" for an instruction opening with a bare verb ("Describe …", "Keep your key …"),
    "prohibition" for one opening with "do not" and its kin, else None."""
    if first in IMPERATIVE_NORMS and not _describes_a_role(text, first):
        return "question"
    if PROHIBITION.match(text):
        return "prohibition"
    return None


def _describes_a_role(text: str, first: str) -> bool:
    """Whether the sentence opens with an inflected form of the verb, which an instruction never
    uses: the third-person form ("Develops and tests new software", "Provides help desk support")
    describes what a role or product does, as in labour-category and product descriptions; the
    -ing form names an activity in a list ("Reviewing invoices and processing payments" among a
    COR's duties). A sentence that opens with an article opens with a noun phrase ("The
    established process ensures …"), never with a verb. Only the bare verb ("Develop …",
    "Review …") instructs bidders."""
    for word in _FIRST_WORD.findall(strip_list_marker(text))[:6]:
        lower = word.lower()
        if lower in _ARTICLES:
            return True
        if lower in _LEADING_FILLERS or len(lower) < 2:
            continue
        if lower == first:
            return False
        return lower in (first + "s", first + "es", first[:-1] + "ies") or (
            lower.endswith("ing") and not first.endswith("ing"))
    return False


# Verbs that instruct the reader after a condition: "If you see something wrong, use the Report
# feature to tell us", "When a request arrives, contact the data protection officer".
# ("If you discover unauthorised use, please change your password at once or contact us")
_INSTRUCTION_NORMS = IMPERATIVE_NORMS | {"use", "contact", "let", "ask", "call", "email", "send", "visit", "change"}
# ("To protect your account, keep …": a purpose opens the instruction as a condition does)
_CONDITIONS = frozenset({"if", "when", "whenever", "where", "should", "to"})


def _conditional_instruction(norms: list[str]) -> bool:
    """Whether the sentence opens with a condition or a purpose and goes on to instruct the reader:
    "If …, use …", "To protect your account, keep …"."""
    if not norms or norms[0] not in _CONDITIONS or "," not in norms[:30]:
        return False
    after = norms[norms.index(",") + 1:]
    verb = _first_word_norm(after)
    if verb not in _INSTRUCTION_NORMS:
        return False
    following = after[after.index(verb) + 1:after.index(verb) + 2]
    # ("use of the portal rises", "contact will be made": a noun or a subject, not an instruction)
    return not following or following[0] not in ("of", "shall", "will", "may", "must")


def _first_word_norm(norms: list[str]) -> str | None:
    for norm in norms[:6]:
        if norm.isalpha() and len(norm) > 1 and norm not in _LEADING_FILLERS:
            return norm
    return None
