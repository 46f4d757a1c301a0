"""define_term answers in both directions; unknown words get suggestions and become gaps."""

from __future__ import annotations

import pytest

from glossary.service import asked_word, explain


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("wat betekent aanbesteding?", "aanbesteding"),
        ("Wat is een beschikking", "beschikking"),
        ("hoe noemt de gemeente een klus?", "klus"),
        ("wat bedoelen ze met sroi", "sroi"),
        ("wat is het officiële woord voor funding", "funding"),
        ("hoe heet geld vooraf bij de gemeente?", "geld vooraf"),
        ("wat betekent dat?", ""),
        ("Leg flurbatiek eens uit", "flurbatiek"),
    ],
)
def test_asked_word(text: str, word: str) -> None:
    assert asked_word(text) == word


def test_official_term_gets_definition_plain_and_source(curated_matcher) -> None:
    result = explain("wat betekent aanbesteding?", curated_matcher)
    assert result.found and result.entry_id == "aanbesteding" and result.official_side
    assert result.text.splitlines()[0].startswith("Een aanbesteding is een manier van inkopen")
    assert "Kort gezegd: een opdracht waar meerdere bedrijven op mogen bieden." in result.text
    assert "Bron: Aanbestedingswet 2012; PIANOo" in result.text
    assert "Bij de gemeente heet" not in result.text


def test_entrepreneur_word_gets_the_official_term(curated_matcher) -> None:
    result = explain("hoe noemt de gemeente funding?", curated_matcher)
    assert result.entry_id == "subsidie" and not result.official_side
    assert result.text.splitlines()[0] == 'Jij zegt "funding". Bij de gemeente heet dit: subsidie.'


def test_typo_and_inflection_are_understood(curated_matcher) -> None:
    typo = explain("wat is een beschiking", curated_matcher)
    assert typo.entry_id == "beschikking"
    assert typo.text.splitlines()[0] == 'Je bedoelt vast "beschikking".'
    assert explain("wat is een beschikkingen", curated_matcher).text.startswith("Een beschikking")
    assert explain("wat betekent gegund?", curated_matcher).entry_id == "gunning"


def test_entity_value_is_used_for_button_payloads(curated_matcher) -> None:
    result = explain('/define_term{"term": "subsidieplafond"}', curated_matcher, ["subsidieplafond"])
    assert result.entry_id == "subsidieplafond"


def test_unknown_word_honest_answer_suggestions_and_gap(curated_matcher, fresh_store) -> None:
    result = explain("wat betekent aanbestedingsstuk?", curated_matcher, store=fresh_store)
    assert not result.found and result.gap_recorded
    assert 'Het woord "aanbestedingsstuk" staat nog niet in mijn woordenlijst.' in result.text
    assert 1 <= len(result.buttons) <= 3
    assert "aanbesteding" in [b["title"] for b in result.buttons]
    assert result.buttons[0]["payload"].startswith('/define_term{"term": ')
    assert "aanbestedingsstuk" in [g.word for g in fresh_store.gaps()]


def test_unknown_word_without_suggestions_offers_a_person(curated_matcher, fresh_store) -> None:
    result = explain("wat betekent flurbatiek?", curated_matcher, store=fresh_store)
    assert result.buttons == [] and "ik wil iemand spreken" in result.text
    assert [(g.word, g.count) for g in fresh_store.gaps()] == [("flurbatiek", 1)]


def test_no_word_asks_which_word(curated_matcher, fresh_store) -> None:
    result = explain("wat betekent dat?", curated_matcher, store=fresh_store)
    assert not result.found and "Welk woord" in result.text
    assert fresh_store.gaps() == []
