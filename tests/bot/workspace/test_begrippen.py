"""The glossary editor: create, edit with inline checks, preview, history, four eyes by
account, import with a dry-run report, exports."""

from __future__ import annotations

import io

import pytest

from glossary.io import read_csv

NEW = {
    "pref_label": "kwartaalrapportage",
    "alt_labels": "kwartaaloverzicht\ncijfers per kwartaal",
    "hidden_labels": "kwartaalraportage",
    "definition": "Een kwartaalrapportage is een verslag over drie maanden. Je laat zien wat je deed.",
    "plain": "een verslag over drie maanden",
    "example": "Stuur de kwartaalrapportage voor 15 april naar de gemeente.",
    "source": "Subsidieregeling van de gemeente (fictief)",
    "topic": "subsidy",
}


def entry_form(store, entry_id: str, **changes) -> dict:
    from bot.services import glossary_edit

    values = glossary_edit.form_values(store.get(entry_id))
    values.pop("facts", None)
    values.update(changes)
    return values


def test_list_search_and_filters(browser_for) -> None:
    b = browser_for("redacteur")
    page = b.get("/begrippen?zoek=aanbesteding").get_data(as_text=True)
    assert "aanbesteding" in page and "ANBI" not in page
    page = b.get("/begrippen?onderwerp=subsidy&status=vastgesteld").get_data(as_text=True)
    assert "beschikking" in page and "aanbesteding</a>" not in page


def test_create_shows_dutch_errors_inline_and_linked(browser_for, app) -> None:
    b = browser_for("redacteur")
    bad = dict(NEW, definition="Dit is een verslag.", source="", alt_labels="aanbesteding")
    response = b.post("/begrippen/nieuw", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#veld-definition"' in page and 'id="veld-definition"' in page
    assert "Begin de definitie met de term zelf" in page
    assert "Bron is verplicht" in page
    assert "aanbesteding" in page and "ook gebruikt door" in page  # label collision
    assert 'aria-invalid="true"' in page
    assert app.extensions["gemeentetolk"].store.find("kwartaalrapportage") is None


def test_b1_check_shows_long_sentences(browser_for) -> None:
    b = browser_for("redacteur")
    long = ("Een kwartaalrapportage is een verslag over drie maanden waarin je heel precies en "
            "uitgebreid beschrijft wat je allemaal hebt gedaan met al het geld van de gemeente.")
    page = b.post("/begrippen/nieuw", dict(NEW, definition=long)).get_data(as_text=True)
    assert "hooguit 20 woorden" in page


def test_preview_shows_the_bridged_answer_without_saving(browser_for, app) -> None:
    b = browser_for("redacteur")
    page = b.post("/begrippen/nieuw", dict(NEW, actie="voorbeeld")).get_data(as_text=True)
    assert "kwartaalrapportage (een verslag over drie maanden)" in page
    assert "Kort gezegd: een verslag over drie maanden." in page
    assert app.extensions["gemeentetolk"].store.find("kwartaalrapportage") is None


def test_four_eyes_by_account_on_the_server(browser_for, app, factory) -> None:
    from bot.services import accounts

    store = app.extensions["gemeentetolk"].store
    accounts.update_user(factory, "a.jansen", roles=["redacteur", "beoordelaar"])
    editor = browser_for("redacteur")
    response = editor.post("/begrippen/nieuw", dict(NEW, voorstellen="1"))
    assert response.status_code == 303
    assert store.get("kwartaalrapportage").status == "voorgesteld"
    page = editor.get("/begrippen/kwartaalrapportage").get_data(as_text=True)
    assert "vier ogen" in page and "Vaststellen</button>" not in page
    # even a hand-made request is refused on the server
    refused = editor.post("/begrippen/kwartaalrapportage/status", {"status": "vastgesteld"},
                          page="/begrippen/kwartaalrapportage")
    assert refused.status_code == 403 and "vier ogen" in refused.get_data(as_text=True)
    assert store.get("kwartaalrapportage").status == "voorgesteld"
    # a redacteur without the beoordelaar role may not approve at all
    other = browser_for("redacteur2")
    assert other.post("/begrippen/kwartaalrapportage/status", {"status": "vastgesteld"},
                      page="/begrippen/kwartaalrapportage").status_code == 403
    reviewer = browser_for("beoordelaar")
    page = reviewer.get("/begrippen/kwartaalrapportage").get_data(as_text=True)
    assert "Vaststellen</button>" in page
    assert reviewer.post("/begrippen/kwartaalrapportage/status", {"status": "vastgesteld"},
                         page="/begrippen/kwartaalrapportage").status_code == 303
    entry = store.get("kwartaalrapportage")
    assert entry.status == "vastgesteld" and entry.changed_by == "p.devries"


def test_status_change_by_the_next_editor_does_not_open_four_eyes(app, browser_for, factory) -> None:
    """A proposes a content change, B only sets the status: A still may not approve."""
    from bot.services import accounts

    store = app.extensions["gemeentetolk"].store
    accounts.update_user(factory, "p.devries", roles=["redacteur", "beoordelaar"])
    accounts.update_user(factory, "a.jansen", roles=["redacteur", "beoordelaar"])
    a = browser_for("redacteur")
    a.post("/begrippen/nieuw", NEW)  # concept by a.jansen
    browser_for("beoordelaar").post("/begrippen/kwartaalrapportage/status", {"status": "voorgesteld"},
                                    page="/begrippen/kwartaalrapportage")
    assert store.get("kwartaalrapportage").changed_by == "p.devries"
    assert a.post("/begrippen/kwartaalrapportage/status", {"status": "vastgesteld"},
                  page="/begrippen/kwartaalrapportage").status_code == 403


def test_editing_an_approved_term_needs_approval_again_and_keeps_history(browser_for, app) -> None:
    store = app.extensions["gemeentetolk"].store
    b = browser_for("redacteur")
    form = entry_form(store, "aanbesteding", plain="een klus waar meerdere bedrijven op bieden")
    response = b.post("/begrippen/aanbesteding/bewerken", form)
    assert response.status_code == 303
    entry = store.get("aanbesteding")
    assert entry.plain == "een klus waar meerdere bedrijven op bieden" and entry.status == "voorgesteld"
    page = b.get("/begrippen/aanbesteding/geschiedenis").get_data(as_text=True)
    assert "<ins>" in page and "<del>" in page and "a.jansen" in page and "klus" in page


def test_no_change_is_not_saved(browser_for, app) -> None:
    store = app.extensions["gemeentetolk"].store
    before = len(store.history("offerte"))
    b = browser_for("redacteur")
    assert b.post("/begrippen/offerte/bewerken", entry_form(store, "offerte")).status_code == 303
    assert len(store.history("offerte")) == before and store.get("offerte").status == "vastgesteld"


def test_beoordelaar_cannot_edit_and_redacteur_cannot_approve(browser_for) -> None:
    assert browser_for("beoordelaar").get("/begrippen/offerte/bewerken").status_code == 403
    assert browser_for("redacteur").post(
        "/begrippen/offerte/status", {"status": "vervallen"}, page="/begrippen/offerte").status_code == 303


def test_excel_import_dry_run_then_apply(browser_for, app) -> None:
    store = app.extensions["gemeentetolk"].store
    b = browser_for("redacteur")
    csv_bytes = b.get("/begrippen/export.csv").data
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b";" in csv_bytes.split(b"\r\n")[0]
    text = csv_bytes.decode("utf-8-sig")
    text = text.replace("een opdracht waar meerdere bedrijven op mogen bieden",
                        "een opdracht waarop bedrijven bieden")
    text += ("kwartaalrapportage;kwartaalrapportage;kwartaaloverzicht;;Een kwartaalrapportage is "
             "een verslag over drie maanden.;een verslag;;;Subsidieregeling;;;subsidy;vastgesteld;;;\r\n")
    data = {"bestand": (io.BytesIO(text.encode("utf-8-sig")), "begrippen.csv")}
    response = b.post("/begrippen/import", data, page="/begrippen/import", content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:800]
    assert "1 nieuw, 1 gewijzigd" in page and "Definitief inlezen" in page
    assert store.find("kwartaalrapportage") is None  # dry run: nothing changed yet
    import re

    upload = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    done = b.post("/begrippen/import/bevestigen", {"upload": upload}, page="/begrippen/import")
    assert done.status_code == 303
    assert store.get("kwartaalrapportage").status == "voorgesteld"  # never approved by an import
    assert store.get("aanbesteding").plain == "een opdracht waarop bedrijven bieden"
    assert store.get("aanbesteding").status == "voorgesteld"
    assert store.get("offerte").status == "vastgesteld"  # unchanged rows keep their status


def test_import_with_errors_is_refused_with_a_dutch_report(browser_for, app) -> None:
    b = browser_for("redacteur")
    text = "id;prefLabel;definition\r\nnieuw-ding;aanbesteding;Een nieuw ding is iets.\r\n"
    data = {"bestand": (io.BytesIO(text.encode("utf-8")), "fout.csv")}
    page = b.post("/begrippen/import", data, page="/begrippen/import",
                  content_type="multipart/form-data").get_data(as_text=True)
    assert "Er zijn fouten" in page and "Definitief inlezen" not in page
    latin = {"bestand": (io.BytesIO("id;prefLabel\r\nx;caf\xe9\r\n".encode("latin-1")), "oud.csv")}
    response = b.post("/begrippen/import", latin, page="/begrippen/import", content_type="multipart/form-data")
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)


@pytest.mark.parametrize(("fmt", "marker"), [("csv", "prefLabel"), ("yaml", "- id:"), ("ttl", "skos:Concept")])
def test_exports(browser_for, fmt, marker, tmp_path) -> None:
    response = browser_for("beoordelaar").get(f"/begrippen/export.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert marker in response.data.decode("utf-8-sig")
    if fmt == "csv":
        path = tmp_path / "x.csv"
        path.write_bytes(response.data)
        assert len(read_csv(path)) == 177


def test_dated_facts_on_a_term_are_edited_with_period_and_source(browser_for, app) -> None:
    store = app.extensions["gemeentetolk"].store
    b = browser_for("redacteur")
    form = entry_form(store, "offerte")
    bad = dict(form, **{"facts-0-id": "offerte-termijn", "facts-0-claim": "Een offerte geldt 30 dagen.",
                        "facts-0-valid_from": "1 januari", "facts-0-source": "", "facts-0-checked": "2026-12-01"})
    page = b.post("/begrippen/offerte/bewerken", bad, page="/begrippen/offerte/bewerken").get_data(as_text=True)
    assert "geen datum" in page and "Een feit heeft een bron" in page
    assert 'href="#veld-facts-0-valid_from"' in page
    good = dict(bad, **{"facts-0-valid_from": "2026-01-01", "facts-0-valid_until": "2026-12-31",
                        "facts-0-source": "Inkoopvoorwaarden (fictief)"})
    assert b.post("/begrippen/offerte/bewerken", good, page="/begrippen/offerte/bewerken").status_code == 303
    fact = store.get("offerte").facts[0]
    assert (fact["id"], str(fact["valid_until"]), fact["source"]) == ("offerte-termijn", "2026-12-31",
                                                                     "Inkoopvoorwaarden (fictief)")
    # the overview and the start page show it: it expires within 90 days
    overview = b.get("/gemeenten").get_data(as_text=True)
    assert "Een offerte geldt 30 dagen." in overview
    start = b.get("/start").get_data(as_text=True).split('id="verloopt-titel"')[1]
    assert "begrip offerte" in start
