"""Rule documentation generated from the rule files: ``tenderlint rules TOPIC`` and docs/rules.md.

The rule file is the single source: what the rule checks, why, the sources, the questions,
the suggested clause, the red flags and the examples all come from it.
"""

from __future__ import annotations

from tenderlint.rules.loader import RulePack
from tenderlint.rules.schema import Rule

APPLIES = {"rfp": "solicitations (RFP, RFQ, RFI, SOW)", "contract": "contracts and vendor terms",
           "both": "solicitations and contracts"}


def rule_markdown(rule: Rule, heading: str = "#") -> str:
    lines = [f"{heading} {rule.id}: {rule.title}", ""]
    lines.append(f"Severity **{rule.severity}** · applies to {APPLIES[rule.applies_to]}"
                 + (" · AI-specific (only an AI document can cover it)" if rule.ai_specific else "")
                 + (" · about the solution (handling of the bids does not cover it)" if rule.about_the_solution else "")
                 + (" · only a solicitation covers it (in a contract, at most mentioned)"
                    if rule.only_in_solicitations else "")
                 + (" · a statement of the aim covers it (elsewhere an aim is only a mention)"
                    if rule.objectives_count else "")
                 + (" · a name the document defines by one of its terms stands for that term"
                    if rule.defined_terms_carry else ""))
    lines += ["", f"{heading}# What it checks", "", rule.description.strip(), "",
              f"{heading}# Why it matters", "", rule.rationale.strip(), "",
              f"{heading}# Questions to ask", ""]
    lines += [f"- {q}" for q in rule.questions]
    lines += ["", f"{heading}# Suggested clause", "", "> " + rule.suggestion.strip().replace("\n", " "), ""]
    if rule.section_titles:
        lines += [f"{heading}# Section titles on this topic", "",
                  "A provision under a heading made of these titles that mentions the topic counts"
                  + (" (and the first entry under one states the topic)" if rule.titled_entries_state_it else "")
                  + (f"; a sentence matching `{rule.title_does_not_lend}` stays a mention" if rule.title_does_not_lend else "")
                  + ":", ""]
        lines += [f"- `{title}`" for title in rule.section_titles]
        lines.append("")
    if rule.not_under_headings:
        lines += [f"{heading}# Headings under which its words mean something else", "",
                  f"Under a heading matching `{rule.not_under_headings}` the topic's words are no evidence.", ""]
    if rule.red_flags:
        lines += [f"{heading}# Red flags", ""]
        for flag in rule.red_flags:
            lines.append(f"- **{flag.id}** ({flag.severity}): {flag.title}. {flag.description.strip()}"
                         + (f" *Not flagged when the document answers it elsewhere:* "
                            f"{flag.unless_elsewhere.description.strip()}" if flag.unless_elsewhere else ""))
        lines.append("")
    lines += [f"{heading}# Examples", "", "Counts as coverage:", ""]
    lines += [f"- {e}" for e in rule.examples.covered]
    lines += ["", "Does not count:", ""]
    lines += [f"- {e}" for e in rule.examples.not_covered]
    if rule.examples.known_misses:
        lines += ["", "Known misses (tracked, not yet handled):", ""]
        lines += [f"- {m.text} — expected {m.expected}: {m.reason}" for m in rule.examples.known_misses]
    lines += ["", f"{heading}# Sources", ""]
    for s in rule.sources:
        lines.append("- " + " — ".join(x for x in (s.ref, s.file, s.section) if x))
    lines.append("")
    return "\n".join(lines)


def reference_markdown(pack: RulePack) -> str:
    lines = [
        "# Rule reference",
        "",
        "Generated from the rule files in `rules/` by `tenderlint rules --reference`; do not edit by hand.",
        "",
        "| topic | title | severity | applies to | AI-specific | red flags |",
        "|---|---|---|---|---|---|",
    ]
    for topic in pack.topics:
        rule = pack.rules[topic.id]
        lines.append(f"| [{rule.id}](#{rule.id}) | {rule.title} | {rule.severity} | {rule.applies_to} | "
                     f"{'yes' if rule.ai_specific else 'no'} | {len(rule.red_flags)} |")
    lines.append("")
    for topic in pack.topics:
        lines.append(f'<a id="{topic.id}"></a>')
        lines.append("")
        lines.append(rule_markdown(pack.rules[topic.id], heading="##"))
    return "\n".join(lines).rstrip() + "\n"
