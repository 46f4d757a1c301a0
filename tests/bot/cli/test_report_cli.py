"""``gemeentetolk report`` and the learning loop's part of ``gemeentetolk purge``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.services import register
from bot.services.db import make_engine, session_factory, unit_of_work
from bot.services.learning_models import InboxMessage, ReportTurn
from tests.support import tracker
from tests.support.db import migrated_sqlite

NOW = datetime.now(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = migrated_sqlite(tmp_path / "gt.db")
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", db)
    monkeypatch.setenv("GEMEENTETOLK_TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    engine = make_engine(db)
    yield session_factory(engine), f"sqlite:///{tmp_path / 'tracker.db'}"
    engine.dispose()


def test_report_json_counts_conversations_fallbacks_and_contact_requests(env, capsys):
    factory, tracker_url = env
    old = tracker.Conversation(start=(NOW - timedelta(days=40)).timestamp())
    old.answer("hoe werkt een aanbesteding", "procurement", "how_it_works")
    tracker.write(tracker_url, "oud", old.events)
    new = tracker.Conversation(start=(NOW - timedelta(hours=1)).timestamp(), municipality="vlietmonde")
    new.user("blabla wat nu", "nlu_fallback", 0.2).action("action_clarify")
    new.answer("subsidie aanvragen", "subsidy", "apply")
    tracker.write(tracker_url, "nieuw", new.events)
    assert main(["report", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["conversations"], data["fallbacks"]) == (2, 1)
    assert data["topics"] == {"procurement": 1, "subsidy": 1}
    for key in ("contact_requests", "feedback", "gaps"):
        assert data[key] == {}
    since = (NOW - timedelta(days=7)).date().isoformat()
    assert main(["report", "--json", "--from", since, "--municipality", "vlietmonde"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["conversations"], data["topics"]) == (1, {"subsidy": 1})
    assert main(["report"]) == 0
    assert "Gesprekken: 2" in capsys.readouterr().out


def test_report_bad_date_is_one_dutch_line(env, capsys):
    assert main(["report", "--to", "gisteren"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout: --to 'gisteren' is geen datum") and "Traceback" not in err


def test_purge_keeps_the_report_facts_and_applies_the_retention_rules(env, capsys, monkeypatch):
    factory, tracker_url = env
    old = tracker.Conversation(start=(NOW - timedelta(days=100)).timestamp())
    old.user("iets wat niemand snapt", "nlu_fallback", 0.2).action("action_clarify")
    tracker.write(tracker_url, "oud", old.events)
    monkeypatch.setenv("GEMEENTETOLK_REGISTER_RETENTION_DAYS", "365")
    register.join(factory, register.Draft("Oud BV", "12345678", "werk", "Wij helpen mensen aan werk.",
                                          "oud@voorbeeld.example", consent=True), now=NOW - timedelta(days=400))
    register.join(factory, register.Draft("Nieuw BV", "87654321", "zorg", "Wij zorgen voor elkaar hier.",
                                          "nieuw@voorbeeld.example", consent=True))
    assert main(["purge", "--older-than", "90"]) == 0
    out = capsys.readouterr().out
    assert "- vragen in de inbox: 1" in out and "(na 365 dagen): 1" in out
    with unit_of_work(factory) as session:
        assert len(session.scalars(select(ReportTurn)).all()) == 1  # read before the purge, kept
        assert session.scalars(select(InboxMessage)).all() == []
    assert [r.name for r in register.entries(factory)] == ["Nieuw BV"]
    assert main(["report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fallbacks"] == 1
