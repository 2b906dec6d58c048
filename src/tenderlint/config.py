"""Project configuration: ``tenderlint.toml`` or ``[tool.tenderlint]`` in ``pyproject.toml``.

Keys (all optional)::

    select = ["privacy", "security"]      # only these topics are expected
    ignore = ["sustainability"]           # never expected
    rules = ["our-rules/"]                # extra rule folders, relative to the config file
    fail-on = "medium"                    # lowest gap severity that makes `check` exit 1
    type = "auto"                         # auto | rfp | contract
    [severity]                            # override a topic's severity
    pricing = "low"
    [waivers]                             # topic declared out of scope, with the written reason
    sustainability = "Hosted in the city's own data centre under its energy policy."
    [[per-file]]                          # for the files a glob matches (like ruff's per-file-ignores)
    glob = "contracts/*.md"               # relative to the configuration file's folder
    ignore = ["pricing"]
    waivers = { privacy = "The agency's data processing agreement governs these." }

In ``tenderlint.toml`` the keys may also sit under a ``[tenderlint]`` table. Every command that
checks documents (``check``, ``audit``, ``serve`` and the Python API) reads the same file:
``check_options`` turns it, with the command's own options, into ``CheckOptions``. Topic names
anywhere in it may be retired aliases; they resolve to the current ids, and an unknown one is a
``config-invalid`` error naming its key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tenderlint.errors import TenderlintError
from tenderlint.results import REQUESTED_DOC_TYPES, SEVERITIES

if TYPE_CHECKING:
    from tenderlint.check import CheckOptions
    from tenderlint.rules.loader import RulePack

KNOWN_KEYS = {"select", "ignore", "rules", "fail-on", "type", "severity", "waivers", "per-file"}
PER_FILE_KEYS = {"glob", "ignore", "waivers"}


@dataclass
class PerFile:
    """Topics ignored or waived for the files one glob matches."""

    glob: str
    ignore: list[str] = field(default_factory=list)
    waivers: dict[str, str] = field(default_factory=dict)


@dataclass
class Config:
    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    fail_on: str | None = None
    doc_type: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    waivers: dict[str, str] = field(default_factory=dict)
    per_file: list[PerFile] = field(default_factory=list)

    @property
    def root(self) -> Path | None:
        """The folder that per-file globs are relative to: the configuration file's."""
        return self.path.parent.resolve() if self.path else None


def find_config(start: Path | None = None) -> Path | None:
    """The nearest tenderlint.toml, or pyproject.toml with [tool.tenderlint], from ``start`` upwards."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "tenderlint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "tenderlint" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
    return None


def load_config(path: Path | None = None, discover: bool = True) -> Config:
    if path is None:
        path = find_config() if discover else None
        if path is None:
            return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TenderlintError("config-invalid", f"{path}: cannot be read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TenderlintError("config-invalid", f"{path}: not valid TOML ({error})") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("tenderlint", {})
    elif "tenderlint" in data and isinstance(data["tenderlint"], dict):
        data = data["tenderlint"]
    return _parse(path, data)


def _parse(path: Path, data: dict) -> Config:
    def bad(key: str, why: str) -> TenderlintError:
        return TenderlintError("config-invalid", f"{path}: {key}: {why}")

    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise bad(sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})")
    config = Config(path=path)
    for key in ("select", "ignore", "rules"):
        if key in data:
            value = data[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad(key, "must be a list of strings")
            setattr(config, key, list(value))
    config.rules = [str((path.parent / r).resolve()) for r in config.rules]
    if "fail-on" in data:
        if data["fail-on"] not in SEVERITIES:
            raise bad("fail-on", f"must be one of {', '.join(SEVERITIES)}")
        config.fail_on = data["fail-on"]
    if "type" in data:
        if data["type"] not in REQUESTED_DOC_TYPES:
            raise bad("type", "must be auto, rfp or contract")
        config.doc_type = data["type"]
    for key, attr in (("severity", "severity"), ("waivers", "waivers")):
        table = data.get(key, {})
        if not isinstance(table, dict):
            raise bad(key, "must be a table of topic = value")
        for topic, value in table.items():
            if key == "severity" and value not in SEVERITIES:
                raise bad(f"{key}.{topic}", f"must be one of {', '.join(SEVERITIES)}")
            if key == "waivers" and (not isinstance(value, str) or not value.strip()):
                raise bad(f"{key}.{topic}", "a waiver needs a written reason")
        setattr(config, attr, {k: str(v).strip() for k, v in table.items()})
    entries = data.get("per-file", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise bad("per-file", "must be an array of tables ([[per-file]])")
    for index, entry in enumerate(entries):
        key = f"per-file[{index}]"
        unknown = set(entry) - PER_FILE_KEYS
        if unknown:
            raise bad(f"{key}.{sorted(unknown)[0]}", f"unknown key (known: {', '.join(sorted(PER_FILE_KEYS))})")
        glob = entry.get("glob")
        if not isinstance(glob, str) or not glob.strip():
            raise bad(f"{key}.glob", "needs a glob such as \"contracts/*.md\"")
        ignore = entry.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(v, str) for v in ignore):
            raise bad(f"{key}.ignore", "must be a list of strings")
        waivers = entry.get("waivers", {})
        if not isinstance(waivers, dict):
            raise bad(f"{key}.waivers", "must be a table of topic = reason")
        for topic, reason in waivers.items():
            if not isinstance(reason, str) or not reason.strip():
                raise bad(f"{key}.waivers.{topic}", "a waiver needs a written reason")
        config.per_file.append(PerFile(glob=glob.strip(), ignore=list(ignore),
                                       waivers={k: v.strip() for k, v in waivers.items()}))
    return config


def resolve_topics(config: Config, pack: RulePack) -> Config:
    """``config`` with every topic name resolved to its id in ``pack`` (aliases followed).

    An unknown topic is a ``config-invalid`` error naming the key it sits under.
    """
    where = config.path or "configuration"

    def resolve(name: str, key: str) -> str:
        try:
            return pack.resolve(name)
        except KeyError:
            raise TenderlintError(
                "config-invalid", f"{where}: {key}: unknown topic {name!r} (see `tenderlint rules`)") from None

    def resolve_list(names: list[str], key: str) -> list[str]:
        return [resolve(name, key) for name in names]

    def resolve_table(table: dict[str, str], key: str) -> dict[str, str]:
        return {resolve(name, f"{key}.{name}"): value for name, value in table.items()}

    return Config(
        path=config.path,
        select=None if config.select is None else resolve_list(config.select, "select"),
        ignore=resolve_list(config.ignore, "ignore"),
        rules=list(config.rules),
        fail_on=config.fail_on,
        doc_type=config.doc_type,
        severity=resolve_table(config.severity, "severity"),
        waivers=resolve_table(config.waivers, "waivers"),
        per_file=[PerFile(glob=entry.glob, ignore=resolve_list(entry.ignore, f"per-file[{i}].ignore"),
                          waivers=resolve_table(entry.waivers, f"per-file[{i}].waivers"))
                  for i, entry in enumerate(config.per_file)],
    )


def check_options(
    config: Config | None = None,
    *,
    doc_type: str | None = None,
    rules_dirs: tuple[str, ...] | list[str] = (),
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    use_model: bool = True,
    **extra,
) -> CheckOptions:
    """The ``CheckOptions`` for a command: the configuration, then the command's own options on top.

    ``select`` replaces the configuration's; ``ignore`` and ``rules_dirs`` add to it. Topic names
    from the configuration are checked as ``config-invalid``, the command's own as ``usage``; all are
    resolved to topic ids (aliases followed). Needs no spaCy.
    """
    from tenderlint.check import CheckOptions, validated_rule_pack
    from tenderlint.decide import PerFileSelection, Selection
    from tenderlint.rules.loader import load_rule_pack

    config = config or Config()
    options = CheckOptions(
        doc_type=doc_type or config.doc_type or "auto",
        rules_dirs=tuple(config.rules) + tuple(str(d) for d in rules_dirs),
        use_model=use_model,
        **extra,
    )
    config = resolve_topics(config, load_rule_pack(options.rules_dirs))
    selected = list(select) if select else config.select
    options.selection = Selection(
        select=set(selected) if selected else None,
        ignore=set(ignore or ()) | set(config.ignore),
        severities=dict(config.severity),
        waivers=dict(config.waivers),
        per_file=tuple(PerFileSelection(entry.glob, frozenset(entry.ignore), tuple(entry.waivers.items()))
                       for entry in config.per_file),
        root=str(config.root) if config.root else None,
    )
    validated_rule_pack(options)  # the command's own topic names: a usage error, and resolved
    return options
