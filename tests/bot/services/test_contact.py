"""Contact requests: validation, the store (real SQLite file), CLI, purge, concurrency."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import sys
import threading
import types
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.services import contact
from bot.services.contact import (
    ContactDraft,
    ContactStoreError,
    clean_email,
    clean_phone,
    close_request,
    export_csv,
    get_factory,
    get_request,
    list_requests,
    purge,
    save_request,
    summarize,
)
from bot.services.db import make_engine, session_factory
from tests.support.db import migrated_sqlite

REF = re.compile(r"^GT-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def _draft(**kw) -> ContactDraft:
    data = dict(summary="Ik wil meedoen met een aanbesteding voor schoonmaak.", name="Test Persoon",
                email="test@voorbeeld.example", phone="06-12345678", contact_moment="dinsdagochtend",
                municipality="dijkstede", department="inkoop", topic="procurement", consent=True,
                official_terms=["aanbesteding"])
    data.update(kw)
    return ContactDraft(**data)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "requests.db"


@pytest.fixture
def factory(db_file: Path):
    engine = make_engine(migrated_sqlite(db_file))
    yield session_factory(engine)
    engine.dispose()


def _rows(db_file: Path) -> list[tuple]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute("SELECT reference, name, email, phone FROM contact_requests").fetchall()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("jan@Voorbeeld.NL", "jan@voorbeeld.nl"), (" <a.b+c@x.example> ", "a.b+c@x.example"),
     ("jan@", None), ("jan voorbeeld.nl", None), ("@x.nl", None), ("jan@x", None), (None, None)],
)
def test_clean_email(value, expected) -> None:
    assert clean_email(value) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [("06-12345678", True), ("+31 6 12345678", True), ("010-1234567", True), ("14 010", True),
     ("0612", False), ("bel maar", False), ("", False)],
)
def test_clean_phone(value, ok) -> None:
    assert (clean_phone(value) is not None) is ok


@pytest.mark.parametrize(("value", "ok"), [("Test Persoon", True), ("An", True), ("J. de Vries-Bakker", True),
                                           ("123", False), ("a@b.nl", False), ("wat is een aanbesteding?", False),
                                           ("ik weet het eigenlijk niet zo goed hoor", False)])
def test_clean_name(value: str, ok: bool) -> None:
    assert (contact.clean_name(value) is not None) is ok


def test_no_phone_words() -> None:
    assert contact.wants_no_phone("Geen") and contact.wants_no_phone("liever niet")
    assert not contact.wants_no_phone("06-12345678")


def test_saved_request_persists_in_a_real_sqlite_file(factory, db_file: Path) -> None:
    ref = save_request(factory, _draft())
    assert REF.match(ref)
    # Read back through a fresh connection (not the session that wrote it).
    assert _rows(db_file) == [(ref, "Test Persoon", "test@voorbeeld.example", "06-12345678")]
    view = get_request(session_factory(make_engine(f"sqlite:///{db_file}")), ref.lower())
    assert view.summary.startswith("Ik wil meedoen") and view.official_terms == ["aanbesteding"]
    assert view.status == "open" and view.department == "inkoop"


def test_no_consent_stores_nothing(factory, db_file: Path) -> None:
    with pytest.raises(ValueError, match="toestemming"):
        save_request(factory, _draft(consent=False))
    assert _rows(db_file) == []


@pytest.mark.parametrize("bad", [{"email": "geen-mail"}, {"phone": "12"}, {"name": "123"}, {"summary": "  "}])
def test_invalid_draft_stores_nothing(factory, db_file: Path, bad: dict) -> None:
    with pytest.raises(ValueError):
        save_request(factory, _draft(**bad))
    assert _rows(db_file) == []


def test_failing_database_raises_a_store_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables at all
    with pytest.raises(ContactStoreError):
        save_request(session_factory(engine), _draft())
    engine.dispose()


def test_reference_collision_is_retried(factory, monkeypatch) -> None:
    refs = iter(["GT-AAAA-AAAA", "GT-AAAA-AAAA", "GT-BBBB-BBBB"])
    monkeypatch.setattr(contact, "new_reference", lambda: next(refs))
    assert save_request(factory, _draft()) == "GT-AAAA-AAAA"
    assert save_request(factory, _draft()) == "GT-BBBB-BBBB"


def test_twenty_concurrent_saves_get_unique_references(db_file: Path) -> None:
    """Twenty threads save at the same moment (a barrier releases them together) into one
    SQLite file: every save is stored once, every reference unique."""
    url = migrated_sqlite(db_file)
    factory = get_factory(url)
    refs: list[str] = []
    errors: list[Exception] = []
    start = threading.Barrier(20)

    def worker(i: int) -> None:
        try:
            start.wait(timeout=30)
            refs.append(save_request(factory, _draft(name=f"Persoon {i}")))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(refs)) == 20 and len(_rows(db_file)) == 20


def test_list_filter_close_and_export(factory) -> None:
    a = save_request(factory, _draft())
    b = save_request(factory, _draft(municipality="vlietmonde", department="participatie",
                                     summary="=HYPERLINK('x') mensen aannemen"))
    assert [r.reference for r in list_requests(factory)] == [a, b]
    assert [r.reference for r in list_requests(factory, municipality="vlietmonde")] == [b]
    assert [r.reference for r in list_requests(factory, department="inkoop")] == [a]
    assert close_request(factory, a).status == "closed"
    assert close_request(factory, "GT-XXXX-XXXX") is None
    assert [r.reference for r in list_requests(factory, status="open")] == [b]
    out = io.StringIO()
    assert export_csv(list_requests(factory), out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["reference"] == a and rows[0]["status"] == "closed" and rows[0]["official_terms"] == "aanbesteding"
    assert rows[1]["summary"].startswith("'=")  # no spreadsheet formula injection


def _tracker_db(path: Path, timestamps: list[tuple[str, float]]) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                     "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        conn.executemany("INSERT INTO events (sender_id, type_name, timestamp) VALUES (?, 'user', ?)", timestamps)
    return f"sqlite:///{path}"


def test_purge_deletes_old_requests_and_conversations(factory, db_file: Path, tmp_path: Path) -> None:
    now = datetime(2026, 11, 28, 12, 0)
    old = save_request(factory, _draft(), now=now - timedelta(days=100))
    new = save_request(factory, _draft(), now=now - timedelta(days=10))
    day = 86400
    base = (now - datetime(1970, 1, 1)).total_seconds()
    tracker = _tracker_db(tmp_path / "tracker.db", [
        ("old-1", base - 120 * day), ("old-1", base - 119 * day), ("old-2", base - 95 * day),
        ("recent", base - 5 * day),
    ])
    result = purge(factory, tracker, 90, now=now)
    assert (result.requests, result.events, result.conversations) == (1, 3, 2)
    assert [r.reference for r in list_requests(factory)] == [new] and old != new
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        assert conn.execute("SELECT sender_id FROM events").fetchall() == [("recent",)]
    again = purge(factory, tracker, 90, now=now)
    assert (again.requests, again.events) == (0, 0)
    with pytest.raises(ValueError):
        purge(factory, tracker, 0, now=now)


def test_purge_without_tracker_database(factory, tmp_path: Path) -> None:
    result = purge(factory, f"sqlite:///{tmp_path / 'none.db'}", 30)
    assert not result.tracker_found and result.events == 0


def test_summarize_takes_the_last_substantive_messages() -> None:
    messages = [("hallo", "greet"), ("Hoe werkt een aanbesteding voor schoonmaak?", "ask_procurement"),
                ("Kan ik ook subsidie krijgen voor mijn kringloopwinkel?", "ask_subsidy"),
                ("dank je", "thank"), ("ik wil iemand spreken", "ask_contact")]
    assert summarize(messages) == ("Hoe werkt een aanbesteding voor schoonmaak? "
                                   "Kan ik ook subsidie krijgen voor mijn kringloopwinkel?")
    assert summarize([("ik wil iemand spreken", "ask_contact")]) == ""
    assert summarize([("met wie kan ik praten over subsidies", "ask_contact")]) == "met wie kan ik praten over subsidies"


def test_official_terms_from_the_glossary(monkeypatch) -> None:
    class Match:
        def __init__(self, term):
            self.term = term

    class Matcher:
        def lookup(self, text):
            return [Match("aanbesteding")] * text.count("klus") + [Match("subsidie")] * text.count("geld")

    fake = types.ModuleType("glossary.runtime")
    fake.get_matcher = lambda db_url: Matcher()
    monkeypatch.setitem(sys.modules, "glossary.runtime", fake)
    assert contact.official_terms("een klus van de gemeente, klus, en geld", "sqlite://") == ["aanbesteding", "subsidie"]

    def broken(db_url):
        raise RuntimeError("no glossary")

    fake.get_matcher = broken
    assert contact.official_terms("een klus", "sqlite://") == []


def test_cli_requests_and_purge(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    url = migrated_sqlite(tmp_path / "cli.db")
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", url)
    monkeypatch.setenv("GEMEENTETOLK_TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    ref = save_request(get_factory(url), _draft())
    assert main(["requests", "list", "--municipality", "dijkstede"]) == 0
    assert ref in capsys.readouterr().out
    assert main(["requests", "list", "--department", "participatie"]) == 0
    assert "Geen contactverzoeken" in capsys.readouterr().out
    assert main(["requests", "show", ref]) == 0
    out = capsys.readouterr().out
    assert "test@voorbeeld.example" in out and "Ambtelijke termen: aanbesteding" in out
    assert main(["requests", "export", "--csv"]) == 0
    assert ref in capsys.readouterr().out
    assert main(["requests", "close", ref]) == 0
    assert "gesloten" in capsys.readouterr().out
    assert main(["requests", "show", "GT-NOPE-NOPE"]) == 1
    assert capsys.readouterr().err.startswith("Fout:")
    assert main(["purge", "--older-than", "30"]) == 0
    out = capsys.readouterr().out
    assert "contactverzoeken: 0" in out and "ouder dan 30 dagen" in out
    assert main(["purge", "--older-than", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "1 dag" in err and "Traceback" not in err


# --- through the REST channel (needs a trained model: make train) ----------------------------------


def _say(stack, sender: str, text: str, municipality: str = "dijkstede") -> str:
    status, reply = stack.send(sender, text, {"municipality": municipality})
    assert status == 200, reply
    return "\n".join(m.get("text") or "" for m in reply)


def _contact_conversation(stack, i: int) -> str:
    sender = f"contact-rest-{i}-{threading.get_ident()}"
    card = _say(stack, sender, "ik wil iemand spreken")
    assert "Contact bij Gemeente Dijkstede (fictief voorbeeld)" in card
    _say(stack, sender, f"Ik wil meedoen met opdrachten voor groenonderhoud, vraag {i}")
    _say(stack, sender, "ja")
    _say(stack, sender, f"Test Persoon {i}")
    _say(stack, sender, f"test{i}@voorbeeld.example")
    _say(stack, sender, "geen")
    done = _say(stack, sender, "dinsdagochtend")
    found = re.search(r"GT-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", done)
    assert found, done
    return found.group(0)


@pytest.mark.integration
def test_twenty_concurrent_contact_requests_over_rest(stack, stack_db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=20) as pool:
        refs = list(pool.map(lambda i: _contact_conversation(stack, i), range(20)))
    assert len(set(refs)) == 20
    db = stack_db_url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute(
            f"SELECT reference, email FROM contact_requests WHERE reference IN ({','.join('?' * 20)})", refs))
    assert set(rows) == set(refs)
    assert {rows[r] for r in refs} == {f"test{i}@voorbeeld.example" for i in range(20)}
    # Personal data stays out of the logs.
    log_dir = stack.log_dir or stack.settings.var_dir / "logs"
    logs = "".join(f.read_text(encoding="utf-8", errors="replace") for f in Path(log_dir).glob("*.log"))
    assert logs and "@voorbeeld.example" not in logs and "Test Persoon" not in logs


@pytest.mark.integration
def test_cancel_over_rest_stores_nothing(stack, stack_db_url: str) -> None:
    sender = "contact-rest-cancel"
    _say(stack, sender, "bel me terug", "vlietmonde")
    _say(stack, sender, "Ik heb een vraag over een terras, cancel-test-marker")
    reply = _say(stack, sender, "laat maar")
    assert "niets opgeslagen" in reply and "14 083" in reply
    with sqlite3.connect(stack_db_url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM contact_requests WHERE summary LIKE '%cancel-test-marker%'").fetchone() == (0,)


QUESTIONS = {
    "procurement": "hoe kan ik meedoen met een aanbesteding van de gemeente",
    "social_return": "wat houdt social return in bij een opdracht",
    "subsidy": "hoe vraag ik subsidie aan bij de gemeente",
    "hiring_support": "kan ik loonkostensubsidie krijgen als ik iemand met een uitkering aanneem",
    "permit": "ik heb een vergunning nodig voor een terras",
    "starting_business": "ik wil een sociale onderneming starten, hoe begin ik",
    "network": "zijn er netwerken voor sociaal ondernemers in de buurt",
    "municipality_process": "hoe beslist de gemeenteraad over nieuw beleid",
}
# Acceptable destinations per topic (a sub-topic may pick a more specific department).
CARDS = {
    "dijkstede": {
        "procurement": ["Team Inkoop en Aanbesteden"], "social_return": ["Team Werk en Inkomen", "Team Inkoop"],
        "subsidy": ["Team Subsidies"], "hiring_support": ["Team Werk en Inkomen", "Werkgeversservicepunt"],
        "permit": ["Team Vergunningen"], "starting_business": ["Team Economische Zaken"],
        "network": ["Team Economische Zaken"], "municipality_process": ["Team Economische Zaken", "Griffie"],
    },
    "vlietmonde": {
        "procurement": ["Concernstaf, Inkoop"], "social_return": ["team Social Return"],
        "subsidy": ["team Subsidies"], "hiring_support": ["team Participatie", "Werkgeversservicepunt"],
        "permit": ["Afdeling Ruimte en Omgeving"], "starting_business": ["Ondernemersloket"],
        "network": ["Ondernemersloket"], "municipality_process": ["Griffie"],
    },
}


@pytest.mark.integration
@pytest.mark.parametrize("municipality", ["dijkstede", "vlietmonde"])
@pytest.mark.parametrize("topic", list(QUESTIONS))
def test_topic_question_ends_with_the_contact_card(stack, municipality: str, topic: str) -> None:
    reply = _say(stack, f"card-{municipality}-{topic}", QUESTIONS[topic], municipality)
    assert f"Contact bij Gemeente {municipality.capitalize()} (fictief voorbeeld)" in reply, reply
    assert any(name in reply for name in CARDS[municipality][topic]), reply
    assert "verzonnen voorbeeldgemeente" in reply
