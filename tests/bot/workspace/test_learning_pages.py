"""The learning loop's workspace pages: inbox, ontbrekende woorden, register, rapport, and the
public withdrawal page (no login, CSRF-safe)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from bot.services import feedback, gaps, register, training
from tests.support import tracker

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(ws_settings):
    """The training data, domain and test sets in the workspace's project root (copies)."""
    root = ws_settings.root
    shutil.copytree(ROOT / "data" / "nlu", root / "data" / "nlu")
    shutil.copytree(ROOT / "bot" / "domain", root / "bot" / "domain")
    shutil.copytree(ROOT / "tests" / "nlu", root / "tests" / "nlu")
    return root


def misunderstood(ws_settings, sender="s1", text="mag ik een kraampje op de braderie zetten"):
    c = tracker.Conversation(municipality="dijkstede")
    c.user(text, "nlu_fallback", 0.3, ranking=[("nlu_fallback", 0.5), ("ask_permit", 0.3)])
    c.action("action_clarify").bot("Gaat je vraag over vergunningen?")
    tracker.write(ws_settings.tracker_db_url, sender, c.events)


def test_inbox_lists_the_group_and_an_editor_assigns_it(app, browser_for, ws_settings, project):
    misunderstood(ws_settings, "s1")
    misunderstood(ws_settings, "s2", "Mag ik een kraampje op de braderie zetten? mail a@b.nl")
    b = browser_for("redacteur")
    page = b.get("/inbox").get_data(as_text=True)
    assert "mag ik een kraampje op de braderie zetten" in page and "a@b.nl" not in page
    group_id = re.search(r'href="/inbox/(\d+)"', page).group(1)
    detail = b.get(f"/inbox/{group_id}").get_data(as_text=True)
    assert "[e-mailadres]" in detail and 'value="ask_permit/events"' in detail
    response = b.post(f"/inbox/{group_id}/besluit", {"actie": "assign", "antwoord": "ask_permit/events"},
                      page=f"/inbox/{group_id}")
    assert response.status_code == 303
    examples = training.read_examples(training.nlu_path(project))
    assert ("ask_permit/events", "mag ik een kraampje op de braderie zetten") in examples
    assert all("a@b.nl" not in text for _, text in examples)
    assert "Er zijn geen open vragen" in b.get("/inbox").get_data(as_text=True)
    listed = b.get("/inbox/voorbeelden").get_data(as_text=True)
    assert "kraampje op de braderie" in listed and "a.jansen" in listed


def test_inbox_decisions_need_a_redacteur_an_answer_and_a_csrf_token(app, browser_for, ws_settings, project):
    misunderstood(ws_settings)
    reviewer = browser_for("beoordelaar")
    page = reviewer.get("/inbox").get_data(as_text=True)
    group_id = re.search(r'href="/inbox/(\d+)"', page).group(1)
    assert reviewer.post(f"/inbox/{group_id}/besluit", {"actie": "dismiss"}, page="/inbox").status_code == 403
    editor = browser_for("redacteur")
    bad = editor.post(f"/inbox/{group_id}/besluit", {"actie": "assign", "antwoord": ""}, page=f"/inbox/{group_id}")
    assert bad.status_code == 400 and "Kies het antwoord" in bad.get_data(as_text=True)
    no_token = editor.client.post(f"/inbox/{group_id}/besluit", data={"actie": "dismiss"})
    assert no_token.status_code == 403
    assert browser_for("medewerker").get("/inbox").status_code == 403
    assert browser_for().get("/inbox").status_code in (302, 303)


def test_gap_words_start_a_concept_or_become_an_alt_label(app, browser_for, factory):
    store = app.extensions["gemeentetolk"].store
    for _ in range(2):
        store.record_gap("inschrijfgeld")
        gaps.record_example(factory, "inschrijfgeld", "wat is inschrijfgeld, bel 0612345678")
    store.record_gap("kavelpaspoort")
    b = browser_for("redacteur")
    page = b.get("/woorden").get_data(as_text=True)
    assert "inschrijfgeld" in page and "(2 keer gevraagd)" in page and "[telefoonnummer]" in page
    response = b.post("/woorden/concept", {"woord": "kavelpaspoort"}, page="/woorden")
    assert response.status_code == 303 and response.headers["Location"].endswith("/begrippen/kavelpaspoort/bewerken")
    assert store.get("kavelpaspoort").status == "concept"
    response = b.post("/woorden/andere-term", {"woord": "inschrijfgeld", "begrip": "inschrijving"}, page="/woorden")
    assert response.status_code == 303
    assert "inschrijfgeld" in store.get("inschrijving").alt_labels
    assert store.history("inschrijving")[-1].changed_by == "a.jansen"
    assert "Er zijn geen ontbrekende woorden" in b.get("/woorden").get_data(as_text=True)


def _join(factory, **kw):
    data = dict(name="Kringloop De Ring", kvk="12345678", theme="circulair",
                mission="Wij geven spullen een tweede leven.", email="info@dering.example",
                municipality="dijkstede", conversation_id="c1", consent=True)
    data.update(kw)
    return register.join(factory, register.Draft(**data))


def test_register_by_theme_for_the_own_municipality_and_csv(app, browser_for, factory):
    _join(factory)
    _join(factory, name="Zorgboerderij Het Veld", theme="zorg", municipality="vlietmonde")
    b = browser_for("medewerker")
    page = b.get("/register").get_data(as_text=True)
    assert "Kringloop De Ring" in page and "Zorgboerderij" not in page
    assert "Circulair (1)" in page and "Zorg en welzijn (0)" in page
    response = b.get("/register/export.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:3] == ["Kringloop De Ring", "12345678", "Circulair"]
    assert browser_for("redacteur").get("/register").status_code == 403


def test_withdrawal_link_needs_no_login_and_only_the_button_deletes(app, factory):
    token = _join(factory)
    client = app.test_client()
    page = client.get(f"/afmelden/{token}")
    assert page.status_code == 200 and "Kringloop De Ring" in page.get_data(as_text=True)
    assert register.count(factory) == 1  # opening the link changes nothing
    assert client.post(f"/afmelden/{token}").status_code == 403  # no CSRF token: refused
    assert register.count(factory) == 1
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(f"/afmelden/{token}", data={"csrf_token": csrf})
    assert done.status_code == 200 and "weggehaald" in done.get_data(as_text=True)
    assert register.count(factory) == 0
    again = client.get(f"/afmelden/{token}")
    assert again.status_code == 404 and "werkt niet (meer)" in again.get_data(as_text=True)
    assert client.get("/afmelden/kort").status_code == 404


def test_report_page_json_and_printable_page(app, browser_for, ws_settings, factory):
    c = tracker.Conversation(municipality="dijkstede")
    marker = feedback.answer_marker("procurement", "bidding")
    c.answer("hoe schrijf ik in op een tender", "procurement", "bidding", marker)
    c.user("blabla", "nlu_fallback", 0.2).action("action_clarify")
    tracker.write(ws_settings.tracker_db_url, "r1", c.events)
    answer = feedback.find_answer(c.events, marker["ref"], "r1")
    feedback.record(factory, answer, feedback.Request(marker["ref"], True, None))
    b = browser_for("beheerder")
    page = b.get("/rapport").get_data(as_text=True)
    assert page.count('role="img"') == 8 and page.count("<title id=") == 8
    assert "Opdrachten van de gemeente" in page
    data = b.get("/rapport/rapport.json").get_json()
    assert (data["conversations"], data["fallbacks"], data["topics"]) == (1, 1, {"procurement": 1})
    assert data["feedback"] == {"procurement/bidding": {"yes": 1, "no": 0}}
    printable = b.get("/rapport/afdrukken").get_data(as_text=True)
    assert "learning.css" in printable and 'class="gt-nav' not in printable
    bad = b.get("/rapport?van=1-1-2026")
    assert bad.status_code == 400 and "JJJJ-MM-DD" in bad.get_data(as_text=True)
    assert browser_for("medewerker").get("/rapport").status_code == 200
