"""``tenderlint rules``: list the topics and their rules, or show one (like ``ruff rule``)."""

from __future__ import annotations

from pathlib import Path

import click

from tenderlint.commands._common import user_errors
from tenderlint.errors import TenderlintError


@click.command("rules")
@click.argument("topic", required=False)
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="An extra folder of rule files (repeatable).")
@click.option("--reference", is_flag=True, help="Print the full Markdown rule reference (docs/rules.md).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def rules(topic: str | None, rules_dirs: tuple[Path, ...], reference: bool, fmt: str) -> None:
    """List the 27 guidance topics and their rules, or show TOPIC in full."""
    import json

    from tenderlint.rules.docs import reference_markdown, rule_markdown
    from tenderlint.rules.loader import load_rule_pack

    pack = load_rule_pack(tuple(str(d) for d in rules_dirs))
    if reference:
        click.echo(reference_markdown(pack), nl=False)
        return
    if topic:
        try:
            topic_id = pack.resolve(topic)
        except KeyError:
            raise TenderlintError("usage", f"unknown topic {topic!r} (run `tenderlint rules` for the list)") from None
        rule = pack.rules[topic_id]
        if fmt == "json":
            click.echo(json.dumps(rule.model_dump(), indent=2, ensure_ascii=False))
        else:
            click.echo(rule_markdown(rule), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps([{"id": t.id, "title": pack.rules[t.id].title, "severity": pack.rules[t.id].severity,
                                "applies_to": pack.rules[t.id].applies_to,
                                "red_flags": [f.id for f in pack.rules[t.id].red_flags]} for t in pack.topics],
                              indent=2))
        return
    width = max(len(t.id) for t in pack.topics)
    for t in pack.topics:
        rule = pack.rules[t.id]
        flags = f"  red flags: {len(rule.red_flags)}" if rule.red_flags else ""
        click.echo(f"{t.id:<{width}}  {rule.severity:<6}  {rule.applies_to:<8}  {rule.title}{flags}")
