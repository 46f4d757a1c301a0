"""Every shipped dated fact is current and checked within a year (so `make test` fails on an
expired or stale fact), and the check does fail on a copy with an expired fact."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.services import facts
from glossary.facts import EXPIRED, EXPIRING

ROOT = Path(__file__).resolve().parents[3]


def test_shipped_facts_are_not_expired_and_were_checked_within_a_year():
    """Runs the release check on the shipped files for today (Europe/Amsterdam)."""
    collection = facts.collect(ROOT)
    assert collection.facts, "no dated facts found"
    assert facts.failures(collection, facts.today()) == []


def test_every_place_holds_dated_facts():
    kinds = {p.kind for p in facts.collect(ROOT).facts}
    assert kinds == {"answer", "glossary", "profile", "local_answer"}


def test_the_thresholds_are_valid_until_the_end_of_2027():
    placed = [p for p in facts.collect(ROOT).facts if p.owner == "utter_ask_procurement/thresholds"]
    assert [(p.fact["valid_from"], p.fact["valid_until"]) for p in placed] == [("2026-01-01", "2027-12-31")]
    assert "216.000" in placed[0].fact["claim"] and "5.404.000" in placed[0].fact["claim"]
    assert placed[0].subanswer == "procurement/thresholds"
    glossary = [p for p in facts.collect(ROOT).facts if p.owner == "drempelwaarde"]
    assert glossary and glossary[0].fact["valid_until"] == "2027-12-31"


def _copy_project(tmp_path: Path) -> Path:
    for part in ("bot/domain", "glossary/terms", "data/municipalities"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _expire_thresholds(root: Path, until: str = "2026-11-30") -> None:
    path = root / "bot" / "domain" / "procurement.yml"
    text = path.read_text(encoding="utf-8")
    assert 'valid_until: "2027-12-31"' in text
    path.write_text(text.replace('valid_until: "2027-12-31"', f'valid_until: "{until}"', 1), encoding="utf-8")


def test_an_expired_fact_makes_the_check_fail(tmp_path):
    root = _copy_project(tmp_path)
    assert facts.failures(facts.collect(root), date(2026, 12, 1)) == []
    _expire_thresholds(root)
    problems = facts.failures(facts.collect(root), date(2026, 12, 1))
    assert len(problems) == 1
    assert problems[0].startswith("bot/domain/procurement.yml, utter_ask_procurement/thresholds, feit eu-thresholds-2026: verlopen")


def test_a_fact_not_checked_for_a_year_makes_the_check_fail(tmp_path):
    root = _copy_project(tmp_path)
    path = root / "glossary" / "terms" / "procurement.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('checked: "2026-12-01"', 'checked: "2025-11-30"', 1), encoding="utf-8")
    problems = facts.failures(facts.collect(root), date(2026, 12, 1))
    assert len(problems) == 1 and "meer dan een jaar niet gecontroleerd" in problems[0]


def test_an_invalid_fact_makes_the_check_fail(tmp_path):
    root = _copy_project(tmp_path)
    path = root / "bot" / "domain" / "procurement.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('valid_until: "2027-12-31"', 'valid_until: "eind 2027"', 1), encoding="utf-8")
    problems = facts.failures(facts.collect(root), date(2026, 12, 1))
    assert problems and "valid_until" in problems[0] and "utter_ask_procurement/thresholds" in problems[0]


def test_status_report_on_a_date():
    collection = facts.collect(ROOT)
    rows = {(p.owner, p.fact["id"]): p.as_json(date(2027, 11, 1)) for p in collection.facts}
    assert rows[("utter_ask_procurement/thresholds", "eu-thresholds-2026")]["status"] == EXPIRING
    assert rows[("utter_ask_starting_business/register", "kvk-fee-2026")]["status"] == EXPIRED
    soon = facts.subanswers_expiring(collection, date(2027, 11, 1))
    assert "procurement/thresholds" in soon and "hiring_support/trial_placement" not in soon


def test_glossary_facts_come_from_the_database_when_it_is_ready(tmp_path):
    from glossary.model import Entry
    from glossary.store import Store

    url = f"sqlite:///{tmp_path / 'g.db'}"
    store = Store.from_url(url, create=True)
    fact = {"id": "db-fact", "claim": "Alleen in de database", "valid_from": "2026-01-01",
            "valid_until": "2026-06-30", "source": "test", "checked": "2026-12-01"}
    store.add(Entry("proef", "proef", definition="Een proef.", topic="business", facts=[fact]), by="test")
    store.engine.dispose()
    collection = facts.collect(_copy_project(tmp_path / "p"), db_url=url)
    glossary = [p for p in collection.facts if p.kind == "glossary"]
    assert [(p.owner, p.file, p.fact["id"]) for p in glossary] == [("proef", "database", "db-fact")]
    files = facts.collect(ROOT, db_url=f"sqlite:///{tmp_path / 'missing.db'}")
    assert any(p.kind == "glossary" and p.file.startswith("glossary/terms/") for p in files.facts)


def test_today_comes_from_the_setting_or_amsterdam(monkeypatch):
    from bot.services.settings import load_settings

    assert facts.today(load_settings(env={"GEMEENTETOLK_TODAY": "2028-01-15"})) == date(2028, 1, 15)
    assert isinstance(facts.today(load_settings(env={})), date)
    with pytest.raises(ValueError, match="GEMEENTETOLK_TODAY"):
        load_settings(env={"GEMEENTETOLK_TODAY": "15-01-2028"})


def test_facts_command_lists_the_thresholds_and_fails_on_an_expired_fact(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GEMEENTETOLK_TODAY", "2026-12-01")
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", f"sqlite:///{tmp_path / 'none.db'}")
    assert main(["facts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["facts"]
    thresholds = [r for r in rows if r["id"] == "eu-thresholds-2026" and r["kind"] == "answer"]
    assert thresholds[0]["valid_until"] == "2027-12-31" and thresholds[0]["status"] == "current"
    assert main(["facts", "--expiring", "90"]) == 0
    out = capsys.readouterr().out
    assert "kvk-fee-2026" in out and "eu-thresholds-2026" not in out
    assert main(["facts", "--date", "2028-01-01"]) == 1
    out = capsys.readouterr().out
    assert "Probleem: bot/domain/procurement.yml, utter_ask_procurement/thresholds, feit eu-thresholds-2026: verlopen" in out


def test_facts_command_on_a_copy_with_an_expired_fact(tmp_path, monkeypatch, capsys):
    import bot.cli.core as core
    from bot.services.settings import load_settings

    root = _copy_project(tmp_path)
    _expire_thresholds(root)
    monkeypatch.setenv("GEMEENTETOLK_TODAY", "2026-12-01")
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setattr(core, "load_settings", lambda: load_settings(root=root))
    assert main(["facts"]) == 1
    assert "verlopen (geldig tot en met 2026-11-30)" in capsys.readouterr().out


def test_profile_details_without_dates_are_not_dated_facts():
    data = yaml.safe_load((ROOT / "data" / "municipalities" / "dijkstede.yml").read_text(encoding="utf-8"))
    undated = [s for s in data["subsidy_schemes"] if "checked" not in s]
    owners = {p.owner for p in facts.collect(ROOT).facts if p.kind == "profile"}
    assert undated and f"dijkstede subsidy_schemes[{data['subsidy_schemes'].index(undated[0])}]" not in owners
