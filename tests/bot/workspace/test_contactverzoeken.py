"""Contact requests in the workspace: a medewerker sees only their own department, reads the
conversation, assigns, closes with a note, exports for Excel; the purge removes it all."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.services import contact


def make_request(factory, department="inkoop", municipality="dijkstede", summary="Ik wil leveren aan de gemeente",
                 conversation_id="gesprek-1", created=None) -> str:
    draft = contact.ContactDraft(summary=summary, name="Test Persoon", email="test@voorbeeld.example",
                                 phone="06-12345678", contact_moment="dinsdagochtend",
                                 municipality=municipality, department=department, topic="procurement",
                                 subtopic="become_supplier", official_terms=["aanbesteding"], consent=True,
                                 conversation_id=conversation_id)
    return contact.save_request(factory, draft, now=created)


def tracker_with(path, sender: str, messages: list[tuple[str, str]], start: datetime) -> str:
    """A tracker database with Rasa's events table and a few user/bot messages."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
                     " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        for i, (kind, text) in enumerate(messages):
            ts = (start + timedelta(seconds=i)).replace(tzinfo=timezone.utc).timestamp()
            conn.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                         (sender, kind, ts, json.dumps({"event": kind, "text": text, "timestamp": ts})))
    return f"sqlite:///{path}"


@pytest.fixture
def requests_made(factory):
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    return {
        "mine": make_request(factory, created=now),
        "other_department": make_request(factory, department="subsidies", summary="Subsidie voor mijn buurtcafe",
                                         conversation_id="gesprek-2", created=now),
        "other_municipality": make_request(factory, municipality="vlietmonde", conversation_id="gesprek-3",
                                           created=now),
    }


def test_medewerker_sees_only_own_department_and_municipality(browser_for, requests_made) -> None:
    b = browser_for("medewerker")
    page = b.get("/contactverzoeken").get_data(as_text=True)
    assert requests_made["mine"] in page
    assert requests_made["other_department"] not in page and requests_made["other_municipality"] not in page
    assert b.get(f"/contactverzoeken/{requests_made['other_department']}").status_code == 404
    assert b.post(f"/contactverzoeken/{requests_made['other_department']}/afhandelen",
                  {"notitie": "gedaan"}, page="/contactverzoeken").status_code == 404
    other = browser_for("medewerker_subsidies").get("/contactverzoeken").get_data(as_text=True)
    assert requests_made["other_department"] in other and requests_made["mine"] not in other


def test_detail_shows_terms_and_the_conversation(browser_for, requests_made, ws_settings, factory) -> None:
    created = contact_desk_created(factory, requests_made["mine"])
    url = tracker_with(ws_settings.root / "var" / "tracker.db", "gesprek-1",
                       [("user", "Hoe kom ik aan klussen van de gemeente?"),
                        ("bot", "Bij een aanbesteding mogen meerdere bedrijven bieden."),
                        ("user", "ik wil iemand spreken")], created - timedelta(minutes=2))
    assert url == ws_settings.tracker_db_url
    page = browser_for("medewerker").get(f"/contactverzoeken/{requests_made['mine']}").get_data(as_text=True)
    assert "Hoe kom ik aan klussen van de gemeente?" in page and "Ondernemer:" in page
    assert "aanbesteding</dt>" in page  # the official term with its explanation
    assert "06-12345678" in page


def contact_desk_created(factory, reference):
    from bot.services import contact as c

    return c.get_request(factory, reference).created_at


def test_assign_and_close_with_a_note(browser_for, requests_made, factory) -> None:
    from bot.services import audit
    from bot.services import contact as c

    ref = requests_made["mine"]
    b = browser_for("medewerker")
    assert b.post(f"/contactverzoeken/{ref}/toewijzen", {"medewerker": "m.bakker"},
                  page=f"/contactverzoeken/{ref}").status_code == 303
    refused = b.post(f"/contactverzoeken/{ref}/toewijzen", {"medewerker": "s.visser"},
                     page=f"/contactverzoeken/{ref}")  # another department
    assert refused.status_code == 303
    empty = b.post(f"/contactverzoeken/{ref}/afhandelen", {"notitie": "  "}, page=f"/contactverzoeken/{ref}")
    assert empty.status_code == 400 and "notitie is verplicht" in empty.get_data(as_text=True)
    assert b.post(f"/contactverzoeken/{ref}/afhandelen", {"notitie": "Gebeld, uitleg gegeven."},
                  page=f"/contactverzoeken/{ref}").status_code == 303
    view = c.get_request(factory, ref)
    assert view.status == "closed"
    from sqlalchemy import select

    from bot.services.db import unit_of_work
    from bot.services.models import ContactRequest

    with unit_of_work(factory) as session:
        row = session.scalars(select(ContactRequest).where(ContactRequest.reference == ref)).one()
        assert (row.assigned_to, row.closed_by, row.close_note) == ("m.bakker", "m.bakker", "Gebeld, uitleg gegeven.")
    actions = {r.action for r in audit.entries(factory)[0]}
    assert {"contactverzoek.toegewezen", "contactverzoek.gesloten"} <= actions
    page = b.get("/contactverzoeken?status=open").get_data(as_text=True)
    assert f">{ref}</a>" not in page
    assert f">{ref}</a>" in b.get("/contactverzoeken?status=closed").get_data(as_text=True)


def test_filters_by_status_and_date(browser_for, factory) -> None:
    old = make_request(factory, created=datetime(2026, 10, 1, 9, 0))
    new = make_request(factory, created=datetime(2026, 11, 30, 9, 0), conversation_id="x")
    b = browser_for("medewerker")
    page = b.get("/contactverzoeken?van=2026-11-01&tot=2026-11-30").get_data(as_text=True)
    assert new in page and old not in page
    bad = b.get("/contactverzoeken?van=gisteren").get_data(as_text=True)
    assert "geen datum" in bad


def test_csv_export_for_excel_is_neutralised_and_scoped(browser_for, factory, requests_made) -> None:
    make_request(factory, summary="=HYPERLINK(\"http://evil.example\")", conversation_id="y")
    data = browser_for("medewerker").get("/contactverzoeken/export.csv").data
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("reference;created_at")
    assert "'=HYPERLINK" in text and requests_made["other_department"] not in text


def test_purge_removes_requests_notes_and_conversation(factory, ws_settings, requests_made) -> None:
    from bot.services import contact_desk

    old = make_request(factory, created=datetime(2026, 1, 1, 9, 0), conversation_id="oud")
    url = tracker_with(ws_settings.root / "var" / "tracker.db", "oud", [("user", "mijn naam is Test")],
                       datetime(2026, 1, 1, 8, 59))
    assert contact_desk.conversation(url, "oud")
    result = contact.purge(factory, url, older_than_days=90, now=datetime(2026, 12, 1))
    assert result.requests >= 1 and result.events >= 1
    assert contact.get_request(factory, old) is None
    assert contact_desk.conversation(url, "oud") == []
