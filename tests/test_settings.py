"""Settings: one object, read when asked, and the README's table is exactly its list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zorginkoop.errors import SettingsError
from zorginkoop.settings import documented, markdown_table, per_policy, settings

ROOT = Path(__file__).resolve().parents[1]


def readme_table() -> str:
    section = ROOT.joinpath("README.md").read_text().split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return "".join(line + "\n" for line in section.splitlines() if line.startswith("|"))


def test_readme_table_is_the_settings_list():
    assert readme_table() == markdown_table(), (
        "README.md's table of settings differs from zorginkoop/settings.py; paste this one:\n" + markdown_table())


def test_every_variable_the_code_names_is_a_setting():
    """A ZORGINKOOP_* name in the code or the Makefile is documented, and only settings.py reads them."""
    documented_names = {name.replace("<POLICY>", "") for name in documented()}
    sources = [*ROOT.joinpath("zorginkoop").rglob("*.py"), *ROOT.joinpath("flows").rglob("*.py"), ROOT / "Makefile"]
    for path in sources:
        text = path.read_text()
        for name in re.findall(r"ZORGINKOOP_[A-Z0-9_]+", text):
            assert any(name == d or (d.endswith("_") and name.startswith(d)) for d in documented_names), (path, name)
        if path.name != "settings.py":
            assert not re.search(r"environ[^\n]*ZORGINKOOP_", text), f"{path} reads a ZORGINKOOP_* variable itself"


def test_read_when_asked(monkeypatch):
    monkeypatch.delenv("ZORGINKOOP_GE_MAX_ROWS", raising=False)
    assert settings().ge_max_rows == 10000
    monkeypatch.setenv("ZORGINKOOP_GE_MAX_ROWS", "50")
    monkeypatch.setenv("ZORGINKOOP_THREADS", "")  # empty is unset
    assert settings().ge_max_rows == 50 and settings().threads is None
    monkeypatch.setenv("ZORGINKOOP_INPUT_GGZ_2021", "/data/ggz")
    assert per_policy("INPUT", "ggz-2021") == "/data/ggz" and per_policy("OUTPUT", "ggz-2021") is None


def test_a_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("ZORGINKOOP_INGEST_WORKERS", "two")
    with pytest.raises(SettingsError, match="ZORGINKOOP_INGEST_WORKERS='two'"):
        settings()
