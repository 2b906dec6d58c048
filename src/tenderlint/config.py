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

In ``tenderlint.toml`` the keys may also sit under a ``[tenderlint]`` table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tenderlint.errors import TenderlintError
from tenderlint.results import REQUESTED_DOC_TYPES, SEVERITIES

KNOWN_KEYS = {"select", "ignore", "rules", "fail-on", "type", "severity", "waivers"}


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
    return config
