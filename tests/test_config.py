"""Configuration files: discovery, validation errors, waivers and selection."""

from __future__ import annotations

import pytest

from tenderlint.config import find_config, load_config
from tenderlint.errors import TenderlintError


def test_config_reads_tenderlint_toml_with_waivers(tmp_path):
    (tmp_path / "tenderlint.toml").write_text(
        'ignore = ["pricing"]\nfail-on = "medium"\nrules = ["extra"]\n'
        '[severity]\nsustainability = "low"\n'
        '[waivers]\naccessibility = "Back-office tool with no public users; covered by the agency policy."\n'
    )
    config = load_config(tmp_path / "tenderlint.toml")
    assert config.ignore == ["pricing"]
    assert config.fail_on == "medium"
    assert config.severity == {"sustainability": "low"}
    assert config.waivers["accessibility"].startswith("Back-office tool")
    assert config.rules == [str((tmp_path / "extra").resolve())]


def test_config_found_in_pyproject_tool_table(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.tenderlint]\nselect = ["privacy", "security"]\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    assert find_config() == tmp_path / "pyproject.toml"
    assert load_config().select == ["privacy", "security"]


@pytest.mark.parametrize(
    "text,field",
    [
        ('fail-on = "urgent"', "fail-on"),
        ('colour = true', "colour"),
        ('[waivers]\nprivacy = ""', "waivers.privacy"),
        ('[severity]\nprivacy = "critical"', "severity.privacy"),
        ('select = "privacy"', "select"),
        ('select = [', None),
    ],
)
def test_config_invalid_is_a_coded_error_naming_the_field(tmp_path, text, field):
    path = tmp_path / "tenderlint.toml"
    path.write_text(text)
    with pytest.raises(TenderlintError) as caught:
        load_config(path)
    assert caught.value.code == "config-invalid"
    assert str(path) in caught.value.message
    if field:
        assert field in caught.value.message


# --- one configuration for every command (issue 15) -------------------------------------------

import csv  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from tenderlint.cli import main  # noqa: E402
from tenderlint.resources import rules_dir  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENDOR_TERMS = ROOT / "examples" / "vendor-contract-ai-saas.md"


def cli(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


INVALID_TOPIC_KEYS = [
    ('[severity]\nprivcy = "low"\n', "severity.privcy"),
    ('[waivers]\nprivcy = "Out of scope for this purchase."\n', "waivers.privcy"),
    ('select = ["privacy", "privcy"]\n', "select"),
    ('ignore = ["privcy"]\n', "ignore"),
    ('[[per-file]]\nglob = "*.md"\nignore = ["privcy"]\n', "per-file[0].ignore"),
    ('[[per-file]]\nglob = "*.md"\n[per-file.waivers]\nprivcy = "Out of scope."\n', "per-file[0].waivers.privcy"),
]
COMMANDS = {
    "check": lambda config, tmp: ["check", VENDOR_TERMS, "--no-model", "--config", config],
    "audit": lambda config, tmp: ["audit", VENDOR_TERMS, "--no-model", "-q", "--db", tmp / "a.sqlite", "--config", config],
    "serve": lambda config, tmp: ["serve", "--no-model", "--workers", "0", "--port", "1", "--config", config],
    "compare": lambda config, tmp: ["compare", VENDOR_TERMS, VENDOR_TERMS, "--no-model", "--config", config],
    "annotate": lambda config, tmp: ["annotate", ROOT / "examples" / "draft-rfp-ai-assistant.docx", "-o",
                                     tmp / "a.sqlite", "--no-model", "--config", config],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("text,key", INVALID_TOPIC_KEYS, ids=[key for _, key in INVALID_TOPIC_KEYS])
def test_unknown_topic_anywhere_in_the_config_is_config_invalid_naming_the_key(tmp_path, monkeypatch, command, text,
                                                                               key):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("serve started despite a bad configuration"))
    config = tmp_path / "tenderlint.toml"
    config.write_text(text)
    result = cli(*COMMANDS[command](config, tmp_path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error[config-invalid]: {config}: {key}: unknown topic 'privcy' (see `tenderlint rules`)"]
    assert not (tmp_path / "a.sqlite").exists()  # nothing written: audit's store, annotate's copy


@pytest.mark.parametrize(
    "text,key",
    [
        ('[[per-file]]\nignore = ["privacy"]\n', "per-file[0].glob"),
        ('[[per-file]]\nglob = "*.md"\npaths = ["x"]\n', "per-file[0].paths"),
        ('[[per-file]]\nglob = "*.md"\n[per-file.waivers]\nprivacy = " "\n', "per-file[0].waivers.privacy"),
        ('per-file = "*.md"\n', "per-file"),
    ],
)
def test_per_file_entries_are_validated_naming_the_key(tmp_path, text, key):
    path = tmp_path / "tenderlint.toml"
    path.write_text(text)
    with pytest.raises(TenderlintError) as caught:
        load_config(path)
    assert caught.value.code == "config-invalid" and f"{path}: {key}:" in caught.value.message


@pytest.fixture
def aliased_rules(tmp_path) -> Path:
    """A rule folder that replaces the privacy rule with the same rule plus a retired alias."""
    folder = tmp_path / "our-rules"
    folder.mkdir()
    text = (rules_dir() / "privacy.yaml").read_text(encoding="utf-8")
    assert "\naliases:" not in text
    (folder / "privacy.yaml").write_text(text.rstrip("\n") + "\naliases: [data-protection]\n", encoding="utf-8")
    return folder


def _doc(result) -> dict:
    return json.loads(result.output)["documents"][0]


def _topic(doc: dict, topic_id: str) -> dict:
    return next(t for t in doc["topics"] if t["id"] == topic_id)


def test_topic_aliases_resolve_in_every_key_and_on_the_command_line(tmp_path, aliased_rules):
    config = tmp_path / "tenderlint.toml"
    config.write_text(f'rules = ["{aliased_rules.name}"]\nselect = ["data-protection", "security"]\n'
                      '[severity]\ndata-protection = "low"\n')
    doc = _doc(cli("check", VENDOR_TERMS, "--no-model", "--format", "json", "--config", config))
    applying = {t["id"] for t in doc["topics"] if t["applies"]}
    assert applying == {"privacy", "security"}  # the alias selected its topic (it selected nothing before)
    assert _topic(doc, "privacy")["severity"] == "low"

    config.write_text(f'rules = ["{aliased_rules.name}"]\n[waivers]\ndata-protection = "The agency DPA governs it."\n'
                      '[[per-file]]\nglob = "*.md"\nignore = ["data-protection"]\n')
    doc = _doc(cli("check", VENDOR_TERMS, "--no-model", "--format", "json", "--config", config,
                   "--select", "data-protection,liability"))
    privacy = _topic(doc, "privacy")
    assert privacy["status"] == "waived" and privacy["waiver"] == "The agency DPA governs it."
    assert privacy["applies"] is False  # selected by its alias on the command line, ignored by it per file
    assert _topic(doc, "liability")["applies"] is True and _topic(doc, "security")["applies"] is False


def test_per_file_entries_apply_only_to_the_files_their_glob_matches(tmp_path):
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    inside = contracts / "vendor.md"
    outside = tmp_path / "vendor.md"
    for target in (inside, outside):
        target.write_bytes(VENDOR_TERMS.read_bytes())
    config = tmp_path / "tenderlint.toml"
    config.write_text('[[per-file]]\nglob = "contracts/*.md"\nignore = ["pricing"]\n'
                      '[per-file.waivers]\nprivacy = "The framework DPA covers every call-off."\n')
    result = cli("check", inside, outside, "--no-model", "--format", "json", "--config", config)
    matched, other = json.loads(result.output)["documents"]
    assert _topic(matched, "privacy")["status"] == "waived"
    assert _topic(matched, "privacy")["waiver"] == "The framework DPA covers every call-off."
    assert _topic(matched, "pricing")["applies"] is False
    assert _topic(other, "privacy")["status"] != "waived" and _topic(other, "pricing")["applies"] is True


def test_audit_reads_the_configuration_as_check_does(tmp_path, monkeypatch):
    config = tmp_path / "tenderlint.toml"
    config.write_text('ignore = ["pricing"]\n[waivers]\nprivacy = "The agency DPA governs processing."\n')
    db, table = tmp_path / "audit.sqlite", tmp_path / "audit.csv"
    first = cli("audit", VENDOR_TERMS, "--no-model", "-q", "--db", db, "--csv", table, "--config", config)
    assert first.exit_code == 0, first.output
    row = next(csv.DictReader(table.open(encoding="utf-8")))
    assert row["privacy"] == "waived"
    import sqlite3

    with sqlite3.connect(db) as connection:
        reason = connection.execute("SELECT reason FROM topic_results WHERE topic = 'privacy'").fetchone()
    assert reason == ("waived: The agency DPA governs processing.",)

    # Found from the working folder too, without --config; and a store made under another
    # configuration is checked again rather than reused.
    monkeypatch.chdir(tmp_path)
    config.write_text('[waivers]\nsustainability = "Hosted in the agency data centre."\n')
    second = cli("audit", VENDOR_TERMS, "--no-model", "--db", db, "--csv", table)
    assert second.exit_code == 0 and "1 checked" in second.stderr
    row = next(csv.DictReader(table.open(encoding="utf-8")))
    assert row["privacy"] != "waived" and row["sustainability"] == "waived"


def test_serve_reads_the_configuration_as_check_does(tmp_path, monkeypatch):
    import uvicorn
    from fastapi.testclient import TestClient

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.setdefault("app", app))
    config = tmp_path / "tenderlint.toml"
    config.write_text('[[per-file]]\nglob = "*.md"\n[per-file.waivers]\nprivacy = "The agency DPA governs it."\n'
                      '[severity]\npricing = "low"\n')
    result = cli("serve", "--no-model", "--workers", "0", "--config", config)
    assert result.exit_code == 0, result.output
    with TestClient(served["app"]) as client:
        response = client.post("/api/check", files={"file": ("vendor-terms.md", VENDOR_TERMS.read_bytes())})
    doc = response.json()["documents"][0]
    assert _topic(doc, "privacy")["status"] == "waived"
    assert _topic(doc, "privacy")["waiver"] == "The agency DPA governs it."
    assert _topic(doc, "pricing")["severity"] == "low"
