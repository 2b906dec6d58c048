"""The wheel carries everything needed at run time, and the tool works from any directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tenderlint
from tenderlint.resources import models_dir, rules_dir

ROOT = Path(__file__).resolve().parents[1]


def test_installed_package_finds_its_rules_and_model():
    rules, models = rules_dir(), models_dir()
    assert (rules / "taxonomy.yaml").exists() and len(list(rules.glob("*.yaml"))) == 28
    assert (models / "card.json").exists() and (models / "topic-classifier.skops").exists()
    if "site-packages" in tenderlint.__file__:  # `make test` installs the wheel, not the source tree
        assert "_data" in rules.parts and "_data" in models.parts


def test_cli_works_from_any_directory(tmp_path):
    example = ROOT / "examples" / "vendor-contract-ai-saas.md"
    proc = subprocess.run([sys.executable, "-m", "tenderlint", "check", str(example), "--format", "json",
                           "--no-model", "--exit-zero"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '"schema": 1' in proc.stdout


@pytest.mark.slow
def test_wheel_contains_rules_models_templates_and_schema(tmp_path):
    source = tmp_path / "src-copy"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "out", "*.sqlite", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("tenderlint-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tenderlint/_data/rules/taxonomy.yaml" in names
    assert "tenderlint/_data/rules/privacy.yaml" in names
    assert "tenderlint/_data/models/topic-classifier.skops" in names
    assert "tenderlint/_data/models/card.json" in names
    assert "tenderlint/report/report.schema.json" in names
    assert "tenderlint/report/compare.schema.json" in names
    assert "tenderlint/report/templates/compare.html.j2" in names
    assert "tenderlint/report/templates/report.html.j2" in names
    assert "tenderlint/web/templates/form.html.j2" in names
    assert not any(n.startswith("tenderlint/_data/corpus") or n.startswith("corpus/") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    # A check needs neither scikit-learn nor skops, nor matplotlib: they come only with extras.
    for name in ("scikit-learn", "skops", "matplotlib"):
        assert all("extra ==" in r for r in requires if r.startswith(name)), name
    assert any(r.startswith("numpy") and "extra" not in r for r in requires)


def test_constraints_pin_every_declared_dependency_exactly():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + [r for reqs in project["optional-dependencies"].values() for r in reqs]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    for requirement in map(Requirement, declared):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared in pyproject.toml but not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} breaks {requirement}"
    assert "-c constraints.txt" in (ROOT / "Makefile").read_text(encoding="utf-8")
