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
