"""Every environment variable the settings read is in the one table in docs/operations.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_setting_is_in_the_settings_table() -> None:
    source = (ROOT / "bot" / "services" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:GEMEENTETOLK|GLOSSARY)_[A-Z_]+)"', source))
    names |= set(re.findall(r'_secret\(env, "(GEMEENTETOLK_[A-Z_]+)"\)', source))
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    table = doc.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.M))
    assert len(names) >= 19
    assert names - rows == set()
    assert "GEMEENTETOLK_ACTION_URL" in rows  # set by the launcher, read by bot/endpoints.yml
