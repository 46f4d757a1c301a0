"""Database faults while a contact request is stored (issue 13, item 4): the commit fails,
the user hears it in Dutch with the phone route, nothing half-written stays behind, and after
recovery the same request is stored once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import event

from actions.contact import ActionSubmitContact
from bot.services import contact
from bot.services.contact import ContactDraft, ContactStoreError, request_key, save_request
from bot.services.db import make_engine, session_factory
from tests.support.db import migrated_sqlite

FILLED = {"contact_summary": "Ik wil meedoen met een aanbesteding voor groenonderhoud.",
          "contact_consent": True, "contact_name": "Fenna Foutproef",
          "contact_email": "fenna.foutproef@voorbeeld.example", "contact_phone": "06-12345678",
          "contact_moment": "woensdagmiddag", "municipality": "dijkstede", "topic": "procurement"}


def _draft() -> ContactDraft:
    return ContactDraft(summary=FILLED["contact_summary"], name=FILLED["contact_name"],
                        email=FILLED["contact_email"], phone=FILLED["contact_phone"],
                        contact_moment=FILLED["contact_moment"], municipality="dijkstede",
                        consent=True)


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM contact_requests").fetchone()[0]


class Lock:
    """Another process holds the SQLite file's write lock (as a stuck writer would)."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, timeout=1, isolation_level=None, check_same_thread=False)

    def __enter__(self) -> Lock:
        self.conn.execute("BEGIN EXCLUSIVE")
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "gemeentetolk.db"
    migrated_sqlite(path)
    return path


def test_locked_database_fails_cleanly_and_the_same_request_is_stored_once_after(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}", busy_timeout=0.5)
    factory = session_factory(engine)
    draft = _draft()
    draft.request_key = request_key(draft, "gesprek-1")
    with Lock(db), pytest.raises(ContactStoreError):
        save_request(factory, draft)
    assert _count(db) == 0  # nothing half-written
    first = save_request(factory, draft)  # recovered: the same request again
    again = save_request(factory, draft)  # and once more (a retry, a double click)
    assert first == again and _count(db) == 1
    engine.dispose()


def test_a_failing_commit_leaves_nothing_behind(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}")
    factory = session_factory(engine)
    calls = {"n": 0}

    def fail_commit(session) -> None:
        calls["n"] += 1
        raise sqlite3.OperationalError("disk I/O error (test)")

    event.listen(factory, "before_commit", fail_commit)
    with pytest.raises(ContactStoreError):
        save_request(factory, _draft())
    assert calls["n"] >= 1 and _count(db) == 0
    event.remove(factory, "before_commit", fail_commit)
    assert save_request(factory, _draft()).startswith("GT-") and _count(db) == 1
    engine.dispose()


def test_two_sends_of_the_same_request_at_the_same_time_store_one_row(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}")
    factory = session_factory(engine)
    draft = _draft()
    draft.request_key = request_key(draft, "gesprek-2")
    refs: list[str] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        refs.append(save_request(factory, draft))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(refs) == 4 and len(set(refs)) == 1 and _count(db) == 1
    engine.dispose()


def test_request_key_is_per_conversation_and_content_and_holds_no_personal_data() -> None:
    draft = _draft()
    key = request_key(draft, "gesprek-1")
    assert key == request_key(_draft(), "gesprek-1")
    assert key != request_key(draft, "gesprek-2")
    other = _draft()
    other.summary += " En ook over social return."
    assert key != request_key(other, "gesprek-1")
    assert len(key) == 64 and "foutproef" not in key.lower()


def _tracker() -> Tracker:
    latest = {"text": "woensdagmiddag", "intent": {}, "entities": [], "metadata": {}}
    return Tracker("gesprek-actie", dict(FILLED), latest, [], False, None, {}, "action_listen")


def test_submit_action_tells_the_user_and_gives_the_municipalitys_phone_when_saving_fails(
        db: Path, monkeypatch) -> None:
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", f"sqlite:///{db}")
    monkeypatch.setattr(contact, "CONTACT_BUSY_TIMEOUT", 0.5)
    monkeypatch.setattr(contact, "_factories", {})
    dispatcher = CollectingDispatcher()
    with Lock(db):
        ActionSubmitContact().run(dispatcher, _tracker(), {})
    text = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "opslaan van je verzoek is niet gelukt" in text and "niets bewaard" in text
    assert "Gemeente Dijkstede" in text and "14 089" in text
    assert _count(db) == 0
    # Recovered: the same request from the same conversation is stored, and only once.
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        ActionSubmitContact().run(dispatcher, _tracker(), {})
        assert "referentienummer" in dispatcher.messages[0]["text"]
    assert _count(db) == 1
