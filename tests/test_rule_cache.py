"""The cache of parsed rule files: a later run reads JSON instead of YAML, never stale data.

Each test points ``TENDERLINT_CACHE_DIR`` at its own folder and clears the loader's in-process
cache, so every load below reads the files as a new process would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tenderlint.errors import TenderlintError
from tenderlint.resources import rules_dir
from tenderlint.rules import loader, parsed_cache

SHIPPED_FILES = len(list(rules_dir().rglob("*.yaml")))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TENDERLINT_CACHE_DIR", str(folder))
    loader._load_rule_pack.cache_clear()
    yield folder
    loader._load_rule_pack.cache_clear()


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def _refuse_yaml(monkeypatch) -> None:
    def refused(*args, **kwargs):
        raise AssertionError("a rule file was parsed as YAML although the cache holds it")

    monkeypatch.setattr(yaml, "load", refused)


def test_a_second_load_reads_every_rule_file_from_the_cache_and_gives_the_same_pack(cache, monkeypatch):
    first = loader.load_rule_pack()
    assert len(_entries(cache)) == SHIPPED_FILES  # the 27 topics and the taxonomy
    loader._load_rule_pack.cache_clear()
    _refuse_yaml(monkeypatch)
    again = loader.load_rule_pack()
    assert again.topic_ids == first.topic_ids
    assert again.rules == first.rules


def test_an_edited_rule_file_is_parsed_afresh_not_read_from_the_cache(cache, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    shipped = (rules_dir() / "privacy.yaml").read_text(encoding="utf-8")
    (folder / "privacy.yaml").write_text(shipped, encoding="utf-8")
    assert loader.load_rule_pack((folder,)).rules["privacy"].severity == "high"
    loader._load_rule_pack.cache_clear()
    (folder / "privacy.yaml").write_text(shipped.replace("severity: high", "severity: low", 1), encoding="utf-8")
    assert loader.load_rule_pack((folder,)).rules["privacy"].severity == "low"


def test_a_damaged_cache_entry_is_parsed_again_and_replaced(cache):
    raw = (rules_dir() / "privacy.yaml").read_bytes()
    expected = loader._read_yaml(rules_dir() / "privacy.yaml")
    [entry] = [path for path in _entries(cache) if path.stem == hashlib.sha256(raw).hexdigest()]
    entry.write_text('{"id": "privacy", "title": ', encoding="utf-8")  # half written
    assert loader._read_yaml(rules_dir() / "privacy.yaml") == expected
    assert json.loads(entry.read_text(encoding="utf-8")) == expected


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TENDERLINT_CACHE_DIR", str(blocked / "cache"))
    loader._load_rule_pack.cache_clear()
    try:
        assert len(loader.load_rule_pack().topic_ids) == 27
    finally:
        loader._load_rule_pack.cache_clear()


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TENDERLINT_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parsed_cache.cache_folder() is None
    loader._load_rule_pack.cache_clear()
    try:
        assert len(loader.load_rule_pack().topic_ids) == 27
    finally:
        loader._load_rule_pack.cache_clear()
    assert _entries(tmp_path) == []


def test_the_default_cache_folder_follows_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.delenv("TENDERLINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert parsed_cache.cache_folder() == tmp_path / "xdg" / "tenderlint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert parsed_cache.cache_folder() == tmp_path / "home" / ".cache" / "tenderlint"


def test_a_broken_rule_file_is_refused_every_time_and_never_cached(cache, tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "privacy.yaml").write_text("id: privacy\nid: privacy\n", encoding="utf-8")
    for _ in range(2):
        loader._load_rule_pack.cache_clear()
        with pytest.raises(TenderlintError, match="given twice"):
            loader.load_rule_pack((folder,))
    assert len(_entries(cache)) == SHIPPED_FILES


def test_a_rule_file_that_is_not_utf8_is_one_coded_line(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "privacy.yaml").write_bytes("id: privacy\ntitle: Vie priv\xe9e\n".encode("latin-1"))
    proc = subprocess.run([sys.executable, "-m", "tenderlint", "rules", "--rules", str(folder)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error[rule-invalid]: {folder / 'privacy.yaml'}: is not UTF-8 text (byte 27)"]


def test_a_check_needs_no_yaml_parser_once_the_cache_holds_the_rules(cache):
    script = ("import sys; from tenderlint.rules.loader import load_rule_pack; load_rule_pack(); "
              "print('yaml' in sys.modules)")
    env = {**os.environ, "TENDERLINT_CACHE_DIR": str(cache)}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert (first.stdout.strip(), second.stdout.strip()) == ("True", "False")
    shutil.rmtree(cache)


def _findings(compiled, text: str):
    from tenderlint.document import Block, Document

    document = Document(path="<text>", sha256="", format="text",
                        blocks=[Block(text=part, kind="paragraph", section=[]) for part in text.split("\n\n")])
    found = compiled.find(document)
    return ({topic: [(e.quote, e.strength) for e in evs] for topic, evs in found.evidence.items()},
            [(flag.id, flag.evidence.quote) for flag in found.red_flags])


SAMPLE = ("The Supplier shall delete all Customer Data within 30 days after termination.\n\n"
          "The Services are provided \"as is\" and we may use your content to improve our models.\n\n"
          "The Contractor must keep a FedRAMP Moderate authorization and report incidents within one hour.")


def test_the_phrases_norms_come_from_the_cache_on_a_later_run_and_match_the_same(cache, monkeypatch):
    from tenderlint.rules import engine

    first = engine.CompiledRules(loader.load_rule_pack())
    assert [p.name for p in (cache / parsed_cache.PHRASE_NORMS).glob("*.json")]

    def refused(self, texts):
        raise AssertionError("the phrases were tokenized although the cache holds their norms")

    monkeypatch.setattr(engine.CompiledRules, "_token_norms", refused)
    again = engine.CompiledRules(loader.load_rule_pack())
    assert _findings(again, SAMPLE) == _findings(first, SAMPLE)
    assert _findings(first, SAMPLE)[0]  # the sample does find something


def test_the_phrases_norms_are_worked_out_afresh_for_another_pipeline_or_code(cache, monkeypatch):
    from tenderlint.rules import engine

    engine.CompiledRules(loader.load_rule_pack())
    identity = engine._pipeline_identity
    monkeypatch.setattr(engine, "_pipeline_identity", lambda nlp: [*identity(nlp), "another spaCy"])
    calls = []
    original = engine.CompiledRules._token_norms
    monkeypatch.setattr(engine.CompiledRules, "_token_norms", lambda self, texts: calls.append(1) or original(self, texts))
    engine.CompiledRules(loader.load_rule_pack())
    assert calls == [1]
    assert len(list((cache / parsed_cache.PHRASE_NORMS).glob("*.json"))) == 2
