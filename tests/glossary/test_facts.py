"""Dated facts in the glossary: validation with Dutch messages, status, and explanations that
never present an expired fact as current."""

from __future__ import annotations

from datetime import date

import pytest

from glossary import facts
from glossary.bridge import bridge_text
from glossary.matcher import Matcher
from glossary.model import Entry, GlossaryError
from glossary.service import describe
from glossary.validate import fact_problems_of, validate_entries

FACT = {
    "id": "eu-thresholds-2026",
    "claim": "Europese drempel voor gemeenten: 216.000 euro",
    "valid_from": "2026-01-01",
    "valid_until": "2027-12-31",
    "source": "Gedelegeerde Verordening (EU) 2025/2152; PIANOo",
    "source_url": "https://www.pianoo.nl/nl/regelgeving/drempelwaarden-europees-aanbesteden",
    "checked": "2026-12-01",
}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 1), facts.CURRENT),
        (date(2027, 10, 2), facts.EXPIRING),  # 90 days before valid_until
        (date(2027, 10, 1), facts.CURRENT),  # 91 days before
        (date(2027, 12, 31), facts.EXPIRING),  # the last valid day
        (date(2028, 1, 1), facts.EXPIRED),
    ],
)
def test_status_on_a_date(day, expected):
    assert facts.status(FACT, day) == expected


def test_open_ended_fact_is_current_and_stale_after_a_year():
    open_ended = {**FACT, "valid_until": None}
    assert facts.status(open_ended, date(2040, 1, 1)) == facts.CURRENT
    assert not facts.is_stale(open_ended, date(2027, 12, 1))  # 365 days after the check
    assert facts.is_stale(open_ended, date(2027, 12, 2))
    assert facts.is_stale({**FACT, "checked": None}, date(2026, 12, 1))


def test_yaml_dates_and_text_dates_normalise_to_iso_text():
    raw = {**FACT, "valid_from": date(2026, 1, 1), "checked": date(2026, 12, 1)}
    assert facts.normalise_fact(raw, "x") == FACT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"valid_until": "31-12-2027"}, "valid_until"),
        ({"valid_from": "2028-01-01"}, "valid_until"),  # until before from
        ({"checked": None}, "checked"),
        ({"source": " "}, "source"),
        ({"claim": ""}, "claim"),
        ({"id": "EU drempel"}, "id"),
        ({"source_url": "pianoo.nl"}, "source_url"),
        ({"valid": "2026"}, "onbekend veld valid"),
    ],
)
def test_bad_facts_are_refused_with_a_dutch_message_naming_the_field(change, field):
    problems = facts.fact_problems({**FACT, **change}, "procurement.yml, drempelwaarde, feit 1")
    assert problems and all(p.startswith("procurement.yml, drempelwaarde, feit 1") for p in problems)
    assert any(field in p for p in problems), problems


def test_entry_from_file_with_a_bad_date_is_a_glossary_error():
    with pytest.raises(GlossaryError, match="valid_until"):
        Entry.from_dict({"id": "drempelwaarde", "prefLabel": "drempelwaarde",
                         "facts": [{**FACT, "valid_until": "eind 2027"}]}, "procurement.yml")
    with pytest.raises(GlossaryError, match="meer dan eens"):
        Entry.from_dict({"id": "drempelwaarde", "prefLabel": "drempelwaarde",
                         "facts": [FACT, FACT]}, "procurement.yml")


def test_validation_checks_the_facts_of_entries_made_elsewhere():
    entry = Entry("drempelwaarde", "drempelwaarde", definition="Een drempel.", facts=[{**FACT, "checked": "gisteren"}])
    found = [p for p in validate_entries([entry]) if p.field == "facts"]
    assert found and "checked" in found[0].message and found[0].level == "fout"
    old = Entry("drempelwaarde", "drempelwaarde", facts=[FACT])
    warnings = fact_problems_of(old, date(2028, 1, 1))
    assert {p.level for p in warnings} == {"waarschuwing"} and "verlopen" in warnings[0].message


def _entry() -> Entry:
    return Entry(
        "drempelwaarde", "drempelwaarde",
        definition="Een drempelwaarde is het bedrag voor Europees aanbesteden. Voor diensten is dat 216.000 euro.",
        plain="het bedrag waarboven een opdracht Europees moet worden aanbesteed",
        example="De opdracht van 250.000 euro lag boven de drempelwaarde.",
        source="PIANOo", topic="procurement", status="vastgesteld", facts=[FACT],
    )  # fmt: skip


def test_define_term_gives_the_amounts_while_current_and_a_notice_after():
    now = describe(_entry(), today=date(2026, 12, 1))
    assert "216.000" in now
    later = describe(_entry(), today=date(2028, 1, 15))
    assert "216.000" not in later and "250.000" not in later
    assert "golden tot en met 31 december 2027" in later
    assert "PIANOo (https://www.pianoo.nl/nl/regelgeving/drempelwaarden-europees-aanbesteden)" in later
    assert "Bron: PIANOo" in later


def test_bridge_explains_with_the_notice_after_the_fact_expired():
    matcher = Matcher.build([_entry()])
    text = "Boven de drempelwaarde moet de gemeente Europees aanbesteden."
    now = bridge_text(text, matcher, [], date(2026, 12, 1))
    assert "216.000" in now.terms[0]["definition"]
    later = bridge_text(text, matcher, [], date(2028, 1, 15))
    assert "(het bedrag waarboven" in later.text  # the paraphrase has no amount: it stays
    assert "216.000" not in later.terms[0]["definition"]
    assert "golden tot en met 31 december 2027" in later.terms[0]["definition"]


def test_bridge_skips_a_paraphrase_with_an_amount_of_an_expired_fact():
    entry = _entry()
    entry.plain = "boven 216.000 euro moet het Europees"
    matcher = Matcher.build([entry])
    result = bridge_text("Boven de drempelwaarde moet het Europees.", matcher, [], date(2028, 1, 15))
    assert "216.000" not in result.text and not result.terms


def test_notice_is_plain_dutch_with_date_and_source():
    text = facts.expired_notice([FACT])
    assert text.startswith("Let op: de bedragen en regels die ik ken, golden tot en met 31 december 2027.")
    first = text.splitlines()[0]
    assert max(len(sentence.split()) for sentence in first.split(". ")) <= 20  # B1: short sentences
    assert text.splitlines()[1] == (
        "De actuele bedragen en regels vind je bij: Gedelegeerde Verordening (EU) 2025/2152; "
        "PIANOo (https://www.pianoo.nl/nl/regelgeving/drempelwaarden-europees-aanbesteden)."
    )
