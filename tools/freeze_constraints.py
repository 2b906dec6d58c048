"""Print constraints.txt: the exact installed version of every package tenderlint and its extras pull in.

CI installs with these versions (``make install-test`` passes ``-c constraints.txt``), so a new
release of a dependency cannot break CI without a change here; users keep pyproject's lower
bounds. Regenerate from an environment where ``pip install -e '.[test]'`` has been run:

    python tools/freeze_constraints.py > constraints.txt
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# The venv's own seed, left to pip: pinning it would hold back the installer's toolchain.
UNPINNED = {"pip", "setuptools", "wheel"}


def pinned_versions(pyproject: Path) -> dict[str, str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    todo = [(Requirement(r), "") for r in project["dependencies"]]
    todo += [(Requirement(r), "") for reqs in project["optional-dependencies"].values() for r in reqs]
    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{requirement.name} is not installed: install the test extra first")
        versions[key[0]] = distribution.version
        for extra_name in requirement.extras or {""}:
            todo += [(Requirement(sub), extra_name) for sub in distribution.requires or []]
    return {name: version for name, version in versions.items() if name not in UNPINNED}


def main() -> None:
    versions = pinned_versions(Path(__file__).resolve().parents[1] / "pyproject.toml")
    print("# Exact versions for CI and `make test` (tools/freeze_constraints.py); users get pyproject's bounds.")
    for name in sorted(versions):
        print(f"{name}=={versions[name]}")


if __name__ == "__main__":
    main()
