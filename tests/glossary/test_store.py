"""The store keeps entries, every change with history, the status workflow and gaps."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from glossary.model import Entry, GlossaryError
from glossary.setup import load_curated
from glossary.store import entries_table, history_table

from .conftest import make_entry


def test_add_and_get(fresh_store) -> None:
    fresh_store.add(make_entry("offerte", "offerte", alt_labels=["prijsopgave"]), by="anna")
    entry = fresh_store.get("offerte")
    assert entry.alt_labels == ["prijsopgave"]
    assert entry.status == "concept"
    assert entry.changed_by == "anna"
    assert [c.action for c in fresh_store.history("offerte")] == ["create"]


def test_unknown_id_gives_a_dutch_error(fresh_store) -> None:
    with pytest.raises(GlossaryError, match="geen term met id 'bestaat-niet'"):
        fresh_store.get("bestaat-niet")


def test_update_records_who_when_field_old_and_new(fresh_store) -> None:
    fresh_store.add(make_entry("offerte", "offerte", plain="oud"), by="anna")
    fresh_store.update("offerte", {"plain": "nieuw", "alt_labels": ["prijsopgave"]}, by="bram")
    changes = [c for c in fresh_store.history("offerte") if c.action == "update"]
    assert sorted((c.field, str(c.old_value), str(c.new_value), c.changed_by) for c in changes) == [
        ("alt_labels", "[]", "['prijsopgave']", "bram"),
        ("plain", "oud", "nieuw", "bram"),
    ]
    assert all(isinstance(c.changed_at, datetime) for c in changes)
    assert fresh_store.get("offerte").changed_by == "bram"


def test_a_label_cannot_belong_to_two_entries(fresh_store) -> None:
    fresh_store.add(make_entry("offerte", "offerte"), by="anna")
    with pytest.raises(GlossaryError, match="hoort al bij 'offerte'"):
        fresh_store.add(make_entry("prijs", "prijsopgave", alt_labels=["Offerte"]), by="anna")
    assert fresh_store.find("prijs") is None


def test_status_workflow_and_four_eyes(fresh_store) -> None:
    fresh_store.add(make_entry("offerte", "offerte"), by="anna")
    with pytest.raises(GlossaryError, match="Van concept naar vastgesteld mag niet"):
        fresh_store.set_status("offerte", "vastgesteld", by="bram")
    fresh_store.set_status("offerte", "voorgesteld", by="anna")
    with pytest.raises(GlossaryError, match="vier ogen"):
        fresh_store.set_status("offerte", "vastgesteld", by="anna")
    entry = fresh_store.set_status("offerte", "vastgesteld", by="bram")
    assert entry.status == "vastgesteld" and entry.reviewed_at is not None
    assert [e.id for e in fresh_store.active()] == ["offerte"]
    fresh_store.set_status("offerte", "vervallen", by="bram")
    assert fresh_store.active() == []
    statuses = [(c.old_value, c.new_value) for c in fresh_store.history("offerte") if c.action == "status"]
    assert statuses == [
        ("concept", "voorgesteld"),
        ("voorgesteld", "vastgesteld"),
        ("vastgesteld", "vervallen"),
    ]


def test_vaststellen_needs_definition_plain_and_source(fresh_store) -> None:
    fresh_store.add(make_entry("offerte", "offerte", source=""), by="anna")
    fresh_store.set_status("offerte", "voorgesteld", by="anna")
    with pytest.raises(GlossaryError, match="bron ontbreekt"):
        fresh_store.set_status("offerte", "vastgesteld", by="bram")
    assert fresh_store.get("offerte").status == "voorgesteld"


def test_failed_import_changes_nothing(fresh_store) -> None:
    good = make_entry("offerte", "offerte")
    broken = make_entry("offerte-2", "x")
    broken.topic = None  # violates NOT NULL in the database
    with pytest.raises(Exception):  # noqa: B017 - any database error
        fresh_store.import_entries([good, broken], by="anna")
    assert fresh_store.list() == []
    with fresh_store.engine.connect() as conn:
        assert list(conn.execute(select(history_table))) == []


def test_load_curated_is_idempotent_and_keeps_editor_changes(fresh_store, curated) -> None:
    first = load_curated(fresh_store.engine)
    assert first["nieuw"] == len(curated)
    fresh_store.update("aanbesteding", {"plain": "door een redacteur aangepast"}, by="anna")
    again = load_curated(fresh_store.engine)
    assert again == {"nieuw": 0, "bijgewerkt": 0, "ongewijzigd": len(curated), "bewaard": 0}
    assert fresh_store.get("aanbesteding").plain == "door een redacteur aangepast"
    assert len(fresh_store.history("aanbesteding")) == 2


def test_load_curated_applies_changed_files(fresh_store, tmp_path) -> None:
    terms = tmp_path / "terms"
    terms.mkdir()
    path = terms / "procurement.yml"
    path.write_text(
        "- id: offerte\n  prefLabel: offerte\n  definition: Een offerte is een aanbod.\n"
        "  plain: een aanbod\n  source: PIANOo\n  topic: procurement\n  status: vastgesteld\n",
        encoding="utf-8",
    )
    load_curated(fresh_store.engine, terms)
    path.write_text(path.read_text(encoding="utf-8").replace("een aanbod\n", "een prijs\n"), encoding="utf-8")
    assert load_curated(fresh_store.engine, terms)["bijgewerkt"] == 1
    assert fresh_store.get("offerte").plain == "een prijs"
    with fresh_store.engine.connect() as conn:
        assert conn.execute(select(entries_table.c.reviewed_at)).scalar() is not None


def test_a_changed_file_never_overwrites_an_entry_changed_in_the_database(fresh_store, tmp_path) -> None:
    terms = tmp_path / "terms"
    terms.mkdir()
    path = terms / "procurement.yml"
    text = ("- id: offerte\n  prefLabel: offerte\n  definition: Een offerte is een aanbod.\n"
            "  plain: een aanbod\n  source: PIANOo\n  topic: procurement\n  status: vastgesteld\n")
    path.write_text(text, encoding="utf-8")
    load_curated(fresh_store.engine, terms)
    fresh_store.update("offerte", {"plain": "een prijsvoorstel"}, by="anna")
    fresh_store.set_status("offerte", "concept", by="anna")
    fresh_store.set_status("offerte", "voorgesteld", by="anna")
    fresh_store.set_status("offerte", "vastgesteld", by="piet")
    # the file changes too (a git pull): the editor's approved version stays
    path.write_text(text.replace("een aanbod\n", "een bod\n"), encoding="utf-8")
    counts = load_curated(fresh_store.engine, terms)
    assert counts["bewaard"] == 1 and counts["bijgewerkt"] == 0
    kept = fresh_store.get("offerte")
    assert (kept.plain, kept.status, kept.changed_by) == ("een prijsvoorstel", "vastgesteld", "piet")
    # an entry an editor made that later appears in the files is kept as well
    fresh_store.add(Entry(id="prijs", pref_label="prijs", definition="Een prijs is een bedrag.",
                          source="eigen", topic="procurement"), by="anna")
    path.write_text(path.read_text(encoding="utf-8") + "- id: prijs\n  prefLabel: prijs\n"
                    "  definition: Iets anders.\n  status: vastgesteld\n", encoding="utf-8")
    assert load_curated(fresh_store.engine, terms)["bewaard"] == 2
    assert fresh_store.get("prijs").definition == "Een prijs is een bedrag."
    # once the files are exported from the database they agree again
    from glossary.io import write_entries

    write_entries(fresh_store.list(), terms / "procurement.yml", meta=False)
    assert load_curated(fresh_store.engine, terms) == {"nieuw": 0, "bijgewerkt": 0, "ongewijzigd": 2, "bewaard": 0}


def test_gaps_count_and_date(fresh_store) -> None:
    fresh_store.record_gap("Flurbatiek", when=datetime(2026, 1, 1, 9, 0))
    fresh_store.record_gap("flurbatiek", when=datetime(2026, 2, 3, 10, 0))
    fresh_store.record_gap("kwartaalstaat", when=datetime(2026, 1, 5, 9, 0))
    gaps = fresh_store.gaps()
    assert [(g.word, g.count) for g in gaps] == [("flurbatiek", 2), ("kwartaalstaat", 1)]
    assert gaps[0].last_asked == datetime(2026, 2, 3, 10, 0)
    assert fresh_store.record_gap("  ?! ") is None


def test_gaps_leave_out_words_that_became_terms(fresh_store) -> None:
    fresh_store.record_gap("offerte")
    fresh_store.add(make_entry("offerte", "offerte"), by="anna")
    fresh_store.set_status("offerte", "voorgesteld", by="anna")
    fresh_store.set_status("offerte", "vastgesteld", by="bram")
    assert fresh_store.gaps() == []
    assert [g.word for g in fresh_store.gaps(include_known=True)] == ["offerte"]
