"""Sessions and personal data (issue 13, item 6): website sessions expire after a time without
activity, /history never shows the contact form's personal answers, and the retention purge
removes every kind of stored user text."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.services import websecurity as sec
from bot.services.contact import ContactDraft, list_requests, purge, save_request
from bot.services.db import make_engine, session_factory
from glossary.store import Store
from tests.support.db import migrated_sqlite

SECRET = b"p" * 40


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_token_carries_its_issue_time_and_expires_after_the_idle_time() -> None:
    clock = Clock()
    signer = sec.SessionSigner(SECRET, idle_seconds=3600, clock=clock)
    session_id, token = signer.issue()
    assert signer.check(token).issued_at == int(clock.now)
    clock.now += 3599
    assert signer.verify(token) == session_id
    clock.now += 2
    checked = signer.check(token)
    assert checked.session_id is None and checked.expired


def test_activity_keeps_the_session_going_with_the_same_id() -> None:
    clock = Clock()
    signer = sec.SessionSigner(SECRET, idle_seconds=3600, clock=clock)
    session_id, token = signer.issue()
    for _ in range(5):  # five hours, a message every 50 minutes
        clock.now += 3000
        assert signer.verify(token) == session_id
        token = signer.token_for(session_id)
    assert signer.verify(token) == session_id


def test_the_issue_time_cannot_be_changed_or_come_from_the_future() -> None:
    clock = Clock()
    signer = sec.SessionSigner(SECRET, idle_seconds=3600, clock=clock)
    _, token = signer.issue()
    version, sid, issued, sig = token.split(".")
    newer = sec._base36(int(issued, 36) + 7200)
    assert signer.check(f"{version}.{sid}.{newer}.{sig}") == sec.SessionCheck(None)  # not signed
    clock.now -= 3600  # a token issued an hour "from now"
    assert signer.check(token).session_id is None and not signer.check(token).expired


def test_the_default_idle_time_is_24_hours_and_a_setting_changes_it(tmp_path: Path) -> None:
    from bot.services.settings import load_settings

    assert load_settings(env={}, root=tmp_path).session_idle_hours == 24
    assert load_settings(env={"GEMEENTETOLK_SESSION_IDLE_HOURS": "2"}, root=tmp_path).session_idle_hours == 2
    with pytest.raises(ValueError, match="GEMEENTETOLK_SESSION_IDLE_HOURS"):
        load_settings(env={"GEMEENTETOLK_SESSION_IDLE_HOURS": "altijd"}, root=tmp_path)


def _form_events() -> list[dict]:
    def user(text: str) -> dict:
        return {"event": "user", "text": text}

    def bot(text: str) -> dict:
        return {"event": "bot", "text": text, "data": {}}

    def asks(slot: str | None) -> dict:
        return {"event": "slot", "name": "requested_slot", "value": slot}

    return [
        user("ik wil iemand spreken over een aanbesteding"), bot("Wat wil je vragen?"),
        {"event": "active_loop", "name": "contact_form"}, asks("contact_summary"),
        user("Hoe schrijf ik in op de schoonmaakopdracht?"), asks("contact_consent"), bot("Mag dat?"),
        user("ja"), asks("contact_name"), bot("Wat is je naam?"),
        user("Pien Privé"), asks("contact_email"), bot("Op welk e-mailadres?"),
        user("pien.prive@voorbeeld.example"), asks("contact_phone"), bot("Telefoonnummer?"),
        user("06-98765432"), asks("contact_moment"), bot("Wanneer?"),
        user("vrijdagochtend"), {"event": "active_loop", "name": None}, asks(None),
        bot("Dank je wel. Je verzoek is opgeslagen."),
        user("wat is een aanbesteding"), bot("Een aanbesteding is ..."),
    ]


def test_history_leaves_out_the_answers_typed_into_the_contact_form() -> None:
    messages = sec.history_from_events(_form_events())
    shown = " ".join(m.get("text", "") for m in messages)
    for personal in ("Pien Privé", "pien.prive@voorbeeld.example", "06-98765432", "vrijdagochtend"):
        assert personal not in shown
    user_texts = [m["text"] for m in messages if m["from"] == "user"]
    assert user_texts.count(sec.HIDDEN_ANSWER) == 4
    # The question itself, the consent and what came after the form are shown as typed.
    assert "Hoe schrijf ik in op de schoonmaakopdracht?" in user_texts
    assert user_texts[-1] == "wat is een aanbesteding" and "ja" in user_texts


def test_purge_deletes_old_glossary_gaps_with_the_other_user_text(tmp_path: Path) -> None:
    url = migrated_sqlite(tmp_path / "gt.db")
    engine = make_engine(url)
    factory = session_factory(engine)
    now = datetime(2026, 12, 1, 12, 0)
    store = Store(engine)
    store.record_gap("kwartaalstaat", when=now - timedelta(days=200))
    store.record_gap("flurbatiek", when=now - timedelta(days=200))
    store.record_gap("flurbatiek", when=now - timedelta(days=3))  # asked again lately: kept
    store.record_gap("prestatieverklaring", when=now - timedelta(days=1))
    draft = ContactDraft(summary="Een oude vraag over inkoop.", name="Oud Verzoek",
                         email="oud@voorbeeld.example", consent=True)
    save_request(factory, draft, now=now - timedelta(days=120))
    result = purge(factory, None, 90, now=now)
    assert (result.requests, result.gaps) == (1, 1)
    assert sorted(g.word for g in store.gaps(include_known=True)) == ["flurbatiek", "prestatieverklaring"]
    assert list_requests(factory) == []
    engine.dispose()


def test_purge_command_prints_what_it_deleted_and_reads_the_retention_setting(
        tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    url = migrated_sqlite(tmp_path / "cli.db")
    engine = make_engine(url)
    Store(engine).record_gap("flurbatiek", when=datetime(2026, 1, 1))
    engine.dispose()
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", url)
    monkeypatch.setenv("GEMEENTETOLK_TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("GEMEENTETOLK_RETENTION_DAYS", "30")
    assert main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "ouder dan 30 dagen" in out and "niet in de woordenlijst stonden: 1" in out
    assert "contactverzoeken: 0" in out
