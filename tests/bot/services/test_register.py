"""The social enterprise register: validation, consent, withdrawal (nothing left), CSV, purge."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services import register
from bot.services.db import unit_of_work
from bot.services.learning_models import SocialEnterprise


def _draft(**kw) -> register.Draft:
    data = dict(name="Kringloop De Ring", kvk="1234 5678", theme="Circulair",
                mission="Wij geven spullen een tweede leven en mensen een baan.",
                email="info@dering.example", municipality="dijkstede", conversation_id="sender-1",
                consent=True)
    data.update(kw)
    return register.Draft(**data)


def _all(factory) -> list[SocialEnterprise]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(SocialEnterprise)))


@pytest.mark.parametrize("value, expected", [("12345678", "12345678"), ("1234 5678", "12345678"),
                                             ("12.34.56.78", "12345678"), ("KVK 12345678", "12345678"),
                                             ("1234567", None), ("123456789", None), ("00000000", None),
                                             ("abcdefgh", None), ("12345678 en 1", None)])
def test_kvk_number_is_eight_digits(value, expected):
    assert register.clean_kvk(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Werk voor mensen met een afstand tot de arbeidsmarkt", "werk"), ("circulair", "circulair"),
    ("Zorg en welzijn", "zorg"), ("iets anders", "anders"), ("3", "zorg"), ("we doen kringloop", "circulair"),
    ("banaan", None)])
def test_theme_from_a_button_or_typed(value, expected):
    assert register.clean_theme(value) == expected


def test_mission_is_one_sentence():
    assert register.clean_mission("Wij helpen mensen aan werk.") == "Wij helpen mensen aan werk."
    assert register.clean_mission("ja") is None
    assert register.clean_mission(" ".join(["woord"] * 41)) is None


def test_nothing_is_stored_without_consent_or_with_a_bad_answer(learning_factory):
    with pytest.raises(ValueError, match="toestemming"):
        register.join(learning_factory, _draft(consent=False))
    with pytest.raises(ValueError):
        register.join(learning_factory, _draft(kvk="123"))
    assert _all(learning_factory) == []


def test_join_and_withdraw_by_link_leaves_nothing(learning_factory):
    token = register.join(learning_factory, _draft())
    [row] = _all(learning_factory)
    assert (row.kvk, row.theme, row.email) == ("12345678", "circulair", "info@dering.example")
    assert token not in row.token_hash and len(token) >= 40  # only the hash is stored
    assert register.find_by_token(learning_factory, token).name == "Kringloop De Ring"
    assert not register.withdraw_by_token(learning_factory, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert register.withdraw_by_token(learning_factory, token)
    assert _all(learning_factory) == []
    assert not register.withdraw_by_token(learning_factory, token)


def test_withdraw_in_the_chat_removes_this_conversations_entries_only(learning_factory):
    register.join(learning_factory, _draft())
    register.join(learning_factory, _draft(name="Zorgboerderij Het Veld", conversation_id="sender-2", theme="zorg"))
    assert register.withdraw_conversation(learning_factory, "sender-1") == 1
    assert [r.name for r in _all(learning_factory)] == ["Zorgboerderij Het Veld"]
    assert register.withdraw_conversation(learning_factory, "sender-1") == 0


def test_by_theme_and_the_excel_csv(learning_factory):
    register.join(learning_factory, _draft(name="=HYPERLINK(\"x\")", mission="Wij maken van oud nieuw spul."))
    register.join(learning_factory, _draft(name="Zorgboerderij Het Veld", theme="Zorg en welzijn"))
    rows = register.entries(learning_factory, "dijkstede")
    themes = register.by_theme(rows)
    assert [k for k, _, _ in themes] == list(register.THEMES)
    assert {k: len(items) for k, _, items in themes} == {"werk": 0, "circulair": 1, "zorg": 1, "anders": 0}
    data = register.export_csv(rows)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == register.CSV_HEADER
    assert parsed[1][0].startswith("'=")  # no formula from user text
    assert parsed[2][2] == "Zorg en welzijn"


def test_purge_after_the_retention_period(learning_factory):
    old = datetime(2024, 1, 1)
    register.join(learning_factory, _draft(), now=old)
    register.join(learning_factory, _draft(name="Nieuw BV"), now=old + timedelta(days=400))
    assert register.purge(learning_factory, 730, now=old + timedelta(days=731)) == 1
    assert [r.name for r in _all(learning_factory)] == ["Nieuw BV"]
