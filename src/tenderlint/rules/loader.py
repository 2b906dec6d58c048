"""Load and validate rule files: the shipped pack in ``rules/`` plus any user folders.

A broken rule file is a user error (code ``rule-invalid``) naming the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from tenderlint.errors import TenderlintError
from tenderlint.resources import rules_dir
from tenderlint.rules import parsed_cache
from tenderlint.rules.schema import Rule

TAXONOMY_FILE = "taxonomy.yaml"

@lru_cache(maxsize=1)
def _safe_loader() -> type:
    """The safe YAML loader, refusing a key given twice in one mapping: YAML would silently keep
    the last, so a rule author who repeats ``all:`` or ``terms:`` would lose the first list unseen.

    Built on first use: when every rule file comes from the cache of parsed files, PyYAML is
    never imported (about 35 ms of every run). libyaml's loader when PyYAML was built with it:
    several times faster on the rule pack.
    """
    import yaml

    class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} is given twice in one mapping", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    return SafeLoader


@dataclass(frozen=True)
class Topic:
    """A guidance topic as the taxonomy states it."""

    id: str
    name: str
    definition: str
    applies_to: str
    sources: tuple[str, ...]


@dataclass
class RulePack:
    """The topics and their rules, in taxonomy order, with the files they came from."""

    topics: list[Topic]
    rules: dict[str, Rule]
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def topic_ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def resolve(self, name: str) -> str:
        """A topic id for ``name``, following retired aliases; KeyError if unknown."""
        if name in self.rules:
            return name
        for rule in self.rules.values():
            if name in rule.aliases:
                return rule.id
        raise KeyError(name)


def load_taxonomy(path: Path | None = None) -> list[Topic]:
    path = path or rules_dir() / TAXONOMY_FILE
    data = _read_yaml(path)
    try:
        return [
            Topic(t["id"], t["name"], t["definition"], t["applies_to"], tuple(t.get("sources", [])))
            for t in data["topics"]
        ]
    except (KeyError, TypeError) as error:
        raise TenderlintError("rule-invalid", f"{path}: topics: missing or malformed field {error}") from None


def _read_yaml(path: Path) -> dict:
    """A rule or taxonomy file's data: from the cache of parsed files when an earlier run kept
    these very bytes (see parsed_cache), else parsed here and kept."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TenderlintError("rule-invalid", f"{path}: cannot be read ({error.strerror})") from None
    data = parsed_cache.cached(raw)
    if data is not None:
        return data
    import yaml

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_safe_loader())
    except UnicodeDecodeError as error:
        raise TenderlintError("rule-invalid", f"{path}: is not UTF-8 text (byte {error.start})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None)
        detail = f" ({problem})" if problem and "twice" in problem else ""
        raise TenderlintError("rule-invalid", f"{path}:{where} is not valid YAML{detail}") from None
    if not isinstance(data, dict):
        raise TenderlintError("rule-invalid", f"{path}: a rule file must be a YAML mapping")
    parsed_cache.keep(raw, data)
    return data


def load_rule_file(path: Path) -> Rule:
    data = _read_yaml(path)
    try:
        return Rule.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise TenderlintError("rule-invalid", f"{path}: field {where}: {first['msg']}{more}") from None


def _rule_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.yaml") if p.name != TAXONOMY_FILE)


def load_rule_pack(extra_dirs: tuple[str | Path, ...] = ()) -> RulePack:
    """The shipped rules, then each extra folder in order (a rule with an existing id replaces it)."""
    return _load_rule_pack(tuple(str(Path(d).resolve()) for d in extra_dirs))


@lru_cache(maxsize=8)
def _load_rule_pack(extra_dirs: tuple[str, ...]) -> RulePack:
    base = rules_dir()
    topics = load_taxonomy(base / TAXONOMY_FILE)
    rules: dict[str, Rule] = {}
    files: dict[str, Path] = {}
    for path in _rule_files(base):
        rule = load_rule_file(path)
        if rule.id in rules:
            raise TenderlintError("rule-invalid", f"{path}: field id: {rule.id!r} is already defined in {files[rule.id]}")
        rules[rule.id], files[rule.id] = rule, path
    known = {t.id for t in topics}
    for extra in extra_dirs:
        folder = Path(extra)
        if not folder.is_dir():
            raise TenderlintError("rule-invalid", f"{folder}: rule folder does not exist")
        for path in _rule_files(folder):
            rule = load_rule_file(path)
            rules[rule.id], files[rule.id] = rule, path
            if rule.id not in known:
                topics.append(Topic(rule.id, rule.title, rule.description, rule.applies_to, ()))
                known.add(rule.id)
    missing = [t.id for t in topics if t.id not in rules]
    if missing:
        raise TenderlintError("rule-invalid", f"{base}: no rule file for topic(s) {', '.join(missing)}")
    return RulePack(topics=topics, rules=rules, files=files)
