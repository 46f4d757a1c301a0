"""Antwoorden en feiten: editing a profile in the workspace, validated like the files, stored
in the database, used by the assistant at once, never overwritten by a later setup."""

from __future__ import annotations

from datetime import date

import pytest


def section_form(browser, path: str) -> dict:
    """The current values of a section form, as the browser would send them."""
    import re

    html = browser.get(path).get_data(as_text=True)
    form = {}
    for name, value in re.findall(r'<input class="utrecht-textbox[^"]*" id="[^"]+" name="([^"]+)" type="[^"]+" value="([^"]*)"', html):
        form[name] = value
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        form[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        form[name] = chosen.group(1) if chosen else ""
    form["revisie"] = re.search(r'name="revisie" value="(\d+)"', html).group(1)
    import html as htmllib

    return {k: htmllib.unescape(v) for k, v in form.items()}


def test_overview_lists_profiles_and_dated_facts(browser_for) -> None:
    page = browser_for("redacteur").get("/gemeenten").get_data(as_text=True)
    assert "Gemeente Dijkstede" in page and "Gemeente Vlietmonde" in page
    assert "Alle feiten met een geldigheid" in page


def test_opening_hours_edit_reaches_the_assistants_card(browser_for, ws_settings, monkeypatch) -> None:
    from actions.routing import ActionRouteContact
    from tests.actions.test_contact_actions import run, texts, tracker

    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/afdelingen/inkoop"
    form = section_form(b, path)
    form["afdeling-email"] = "aanbesteden@dijkstede.example"
    form["afdeling-uren-vrijdag"] = "gesloten"
    response = b.post(path, form, page=path)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", ws_settings.db_url)
    t = tracker("hoe doe ik mee met een aanbesteding", "ask_procurement", slots={"topic": "procurement"},
                metadata={"municipality": "dijkstede"})
    messages, _ = run(ActionRouteContact(), t)
    assert "aanbesteden@dijkstede.example" in texts(messages)


def test_bad_values_are_refused_with_the_profile_messages_inline(browser_for, factory) -> None:
    from bot.services import profiles

    b = browser_for("redacteur")
    before = profiles.get_document(factory, "dijkstede").text
    form = section_form(b, "/gemeenten/dijkstede/algemeen")
    form["algemeen-email"] = "info-at-dijkstede"
    form["algemeen-uren-maandag"] = "negen tot vijf"
    response = b.post("/gemeenten/dijkstede/algemeen", form, page="/gemeenten/dijkstede/algemeen")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#veld-algemeen-email"' in page and "naam@gemeente.example" in page
    assert 'href="#veld-algemeen-uren-maandag"' in page
    assert profiles.get_document(factory, "dijkstede").text == before  # nothing saved


def test_procurement_band_with_period_and_source(browser_for, factory) -> None:
    from bot.services import profiles

    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/inkoopgrenzen"
    form = section_form(b, path)
    form.update({"inkoopgrenzen-0-max_eur": "60000", "inkoopgrenzen-1-min_eur": "60000",
                 "inkoopgrenzen-0-valid_from": "2026-01-01", "inkoopgrenzen-0-valid_until": "2027-12-31",
                 "inkoopgrenzen-0-source": "Inkoopbeleid Dijkstede 2026 (fictief)",
                 "inkoopgrenzen-0-checked": "2026-12-01"})
    assert b.post(path, form, page=path).status_code == 303
    doc = profiles.get_document(factory, "dijkstede")
    band = doc.data["procurement_bands"][0]
    assert band["max_eur"] == 60000 and band["valid_until"] == date(2027, 12, 31)
    assert doc.text.startswith("# FICTIEF VOORBEELD")  # the header comment stays
    assert "valid_until: 2027-12-31" in doc.text
    page = b.get("/gemeenten/dijkstede").get_data(as_text=True)
    assert "Inkoopbeleid Dijkstede 2026 (fictief)" in page


def test_bad_amount_and_date_are_inline_errors(browser_for) -> None:
    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/inkoopgrenzen"
    form = section_form(b, path)
    form.update({"inkoopgrenzen-0-max_eur": "veel", "inkoopgrenzen-0-valid_from": "1-1-2026"})
    page = b.post(path, form, page=path).get_data(as_text=True)
    assert "geen heel bedrag" in page and "geen datum" in page
    assert 'href="#veld-inkoopgrenzen-0-max_eur"' in page


def test_removing_a_row_and_max_below_min_is_refused(browser_for, factory) -> None:
    from bot.services import profiles

    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/inkoopgrenzen"
    form = section_form(b, path)
    form["inkoopgrenzen-1-max_eur"] = "10"
    page = b.post(path, form, page=path).get_data(as_text=True)
    assert "Moet hoger zijn dan min_eur" in page and 'href="#veld-inkoopgrenzen-1-max_eur"' in page
    form = section_form(b, path)
    form["inkoopgrenzen-2-weg"] = "1"
    assert b.post(path, form, page=path).status_code == 303
    assert len(profiles.get_document(factory, "dijkstede").data["procurement_bands"]) == 2


def test_a_local_answer_for_a_sub_answer_that_does_not_exist_is_refused(browser_for, factory) -> None:
    from bot.services import profiles

    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/antwoorden"
    page = b.get(path).get_data(as_text=True)
    assert "procurement/thresholds" in page  # the sub-answers to choose from
    form = {"revisie": section_form(b, path)["revisie"], "antwoorden-0-key": "procurement/bestaatniet",
            "antwoorden-0-mode": "add", "antwoorden-0-text": "Lokale tekst.", "antwoorden-0-source": "Beleid",
            "antwoorden-0-valid_from": "2026-01-01", "antwoorden-0-checked": "2026-12-01"}
    before = profiles.get_document(factory, "dijkstede").data.get("answers")
    response = b.post(path, form, page=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "procurement/bestaatniet" in page and "bestaat niet" in page
    assert 'href="#veld-antwoorden-0-key"' in page
    assert profiles.get_document(factory, "dijkstede").data.get("answers") == before  # nothing saved


def test_a_local_answer_edited_in_the_workspace_is_in_the_assistants_answer(browser_for, ws_settings) -> None:
    from datetime import date

    from bot.services import answers, profiles
    from tests.helpers import domain_responses

    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/antwoorden"
    form = section_form(b, path)
    n = len([k for k in form if k.endswith("-key") and form[k]])
    form.update({f"antwoorden-{n}-key": "subsidy/apply", f"antwoorden-{n}-mode": "add",
                 f"antwoorden-{n}-text": "In Dijkstede vraag je aan via het digitale loket (voorbeeld, fictief).",
                 f"antwoorden-{n}-source": "Subsidieregels Dijkstede 2026 (fictief)",
                 f"antwoorden-{n}-valid_from": "2026-01-01", f"antwoorden-{n}-checked": "2026-12-01"})
    response = b.post(path, form, page=path)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    profile = profiles.effective_profiles(ws_settings)["dijkstede"]
    parse = {"intent": {"name": "ask_subsidy"},
             "response_selector": {"default": {"response": {"intent_response_key": "ask_subsidy/apply"}}}}
    result = answers.build_answer("ask_subsidy", parse, domain_responses(), profile=profile, today=date(2026, 12, 1))
    assert "via het digitale loket" in "\n".join(m["text"] for m in result.messages)
    assert "procurement/thresholds" in profiles.get_document(b.client.application.extensions["gemeentetolk"].factory,
                                                           "dijkstede").data["answers"]


def test_setup_keeps_a_workspace_edit_and_export_writes_the_file(browser_for, factory, ws_settings, ws_engine) -> None:
    from bot.services import profiles
    from bot.services.bootstrap import run_setup

    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/algemeen"
    form = section_form(b, path)
    form["algemeen-email"] = "balie@dijkstede.example"
    assert b.post(path, form, page=path).status_code == 303
    # the file changes as well (a git pull), then setup runs again
    file = ws_settings.municipalities_dir / "dijkstede.yml"
    file.write_text(file.read_text(encoding="utf-8").replace("info@dijkstede.example", "nieuw@dijkstede.example"),
                    encoding="utf-8")
    lines = run_setup(ws_engine, ws_settings)
    assert any("bestand niet overgenomen: dijkstede" in line for line in lines)
    assert profiles.effective_profiles(ws_settings)["dijkstede"].general_contact.email == "balie@dijkstede.example"
    # "Bestanden bijwerken" writes the database version to the file (comments kept)
    assert b.post("/publiceren/bestanden", page="/publiceren").status_code == 303
    text = file.read_text(encoding="utf-8")
    assert "balie@dijkstede.example" in text and text.startswith("# FICTIEF VOORBEELD")


def test_concurrent_edit_is_refused(browser_for, factory) -> None:
    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/algemeen"
    form = section_form(b, path)
    form["revisie"] = str(int(form["revisie"]) - 1 if int(form["revisie"]) > 1 else 99)
    form["algemeen-email"] = "x@dijkstede.example"
    page = b.post(path, form, page=path).get_data(as_text=True)
    assert "Iemand anders heeft dit profiel net opgeslagen" in page


@pytest.mark.parametrize("role", ["medewerker", "beheerder", "beoordelaar"])
def test_only_redacteuren_edit_profiles(browser_for, role) -> None:
    assert browser_for(role).get("/gemeenten/dijkstede/algemeen").status_code == 403


def test_start_page_lists_expired_and_expiring_facts(browser_for) -> None:
    b = browser_for("redacteur")
    path = "/gemeenten/dijkstede/regelingen"
    form = section_form(b, path)
    form.update({"regelingen-0-valid_from": "2026-01-01", "regelingen-0-valid_until": "2026-11-30",
                 "regelingen-0-source": "Subsidieplafond 2026 (fictief)", "regelingen-0-checked": "2026-06-01",
                 "regelingen-1-valid_from": "2026-01-01", "regelingen-1-valid_until": "2027-02-15",
                 "regelingen-1-source": "Buurtfonds 2026 (fictief)", "regelingen-1-checked": "2026-06-01"})
    assert b.post(path, form, page=path).status_code == 303
    page = b.get("/start").get_data(as_text=True)
    expired = page.split('id="verlopen-titel"')[1].split('id="verloopt-titel"')[0]
    expiring = page.split('id="verloopt-titel"')[1]
    assert "Stimuleringsregeling Sociaal Ondernemen" in expired and "Buurtinitiatievenfonds" not in expired
    assert "Buurtinitiatievenfonds" in expiring and "verloopt binnen 90 dagen" in expiring


@pytest.mark.parametrize(("until", "checked", "expected", "stale"), [
    ("2026-11-30", "2026-11-01", "expired", False),
    ("2026-12-01", "2026-11-01", "expiring", False),
    ("2027-03-01", "2026-11-01", "expiring", False),
    ("2027-03-02", "2025-11-30", "current", True),
    (None, "2025-12-01", "current", False),
    (None, None, "current", True),  # never checked counts as stale
])
def test_fact_status_follows_the_shared_model(until, checked, expected, stale) -> None:
    from bot.services import workspace_facts

    day = date(2026, 12, 1)
    assert workspace_facts.status(until, day) == expected
    assert workspace_facts.is_stale(checked, day) is stale


def test_an_invalid_database_copy_falls_back_to_the_file(factory, ws_settings) -> None:
    from bot.services import profiles
    from bot.services.db import unit_of_work
    from bot.services.workspace_models import ProfileDocument

    with unit_of_work(factory) as session:
        row = session.get(ProfileDocument, "dijkstede")
        row.document_yaml = row.document_yaml.replace("name: Gemeente Dijkstede", "name: ''")
        row.revision += 1
    found = profiles.effective_profiles(ws_settings)
    assert found["dijkstede"].name == "Gemeente Dijkstede" and "vlietmonde" in found
