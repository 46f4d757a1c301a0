"""The gap inbox: counts from the glossary, masked example sentences, and what an editor does
(new concept, altLabel through the store with history, ignore)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.services import gaps
from glossary.model import Entry, GlossaryError
from glossary.store import Store


@pytest.fixture
def store(learning_factory):
    s = Store(learning_factory.kw["bind"])
    s.add(Entry(id="inschrijving", pref_label="inschrijving", definition="Een inschrijving is een aanbod.",
                plain="je aanbod", source="PIANOo", topic="procurement", status="voorgesteld"), by="a.jansen")
    s.set_status("inschrijving", "vastgesteld", by="p.devries")
    return s


def _ask(store, factory, word, sentence, n=1):
    for _ in range(n):
        store.record_gap(word)
        gaps.record_example(factory, word, sentence, "dijkstede", datetime(2026, 11, 30, 12))


def test_gaps_with_counts_and_masked_examples(store, learning_factory):
    _ask(store, learning_factory, "inschrijfgeld", "wat is inschrijfgeld? mail me: a@b.nl", n=3)
    _ask(store, learning_factory, "kavelpaspoort", "wat is een kavelpaspoort")
    found = gaps.gap_list(store, learning_factory)
    assert [(g.asked_as, g.count) for g in found] == [("inschrijfgeld", 3), ("kavelpaspoort", 1)]
    assert found[0].examples == ["wat is inschrijfgeld? mail me: [e-mailadres]"]


def test_new_concept_from_a_gap_word(store, learning_factory):
    _ask(store, learning_factory, "kavelpaspoort", "wat is een kavelpaspoort")
    entry = gaps.start_concept(store, learning_factory, "kavelpaspoort", "a.jansen")
    assert (entry.id, entry.pref_label, entry.status, entry.changed_by) == (
        "kavelpaspoort", "kavelpaspoort", "concept", "a.jansen")
    assert [c.action for c in store.history("kavelpaspoort")] == ["create"]
    assert gaps.gap_list(store, learning_factory) == []
    [handled] = gaps.gap_list(store, learning_factory, include_handled=True)
    assert handled.decision_label == "nieuw begrip (concept)" and handled.pending_entry == "kavelpaspoort"


def test_alt_label_on_an_approved_entry_needs_four_eyes_again(store, learning_factory):
    _ask(store, learning_factory, "inschrijfgeld", "wat is inschrijfgeld")
    entry, review = gaps.add_alt_label(store, learning_factory, "inschrijfgeld", "inschrijving", "a.jansen")
    assert review and entry.status == "voorgesteld"
    assert "inschrijfgeld" in store.get("inschrijving").alt_labels
    changes = [(c.action, c.field, c.changed_by) for c in store.history("inschrijving")]
    assert ("update", "alt_labels", "a.jansen") in changes
    with pytest.raises(GlossaryError):  # not twice
        gaps.add_alt_label(store, learning_factory, "inschrijfgeld", "inschrijving", "a.jansen")


def test_ignore_and_unknown_words(store, learning_factory):
    _ask(store, learning_factory, "blabla", "wat is blabla")
    gaps.ignore(store, learning_factory, "blabla", "a.jansen")
    assert gaps.gap_list(store, learning_factory) == []
    with pytest.raises(GlossaryError):
        gaps.start_concept(store, learning_factory, "nooitgevraagd", "a.jansen")
