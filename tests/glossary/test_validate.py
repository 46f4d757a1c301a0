"""validate: labels, references, definitions (B1), status rules; and the curated content."""

from __future__ import annotations

import re

from glossary.validate import has_errors, validate_entries

from .conftest import make_entry

REQUIRED_TERMS = """aanbesteding, aanbestedende dienst, Aanbestedingswet, enkelvoudig onderhandse
procedure, meervoudig onderhandse procedure, openbare procedure, Europese aanbesteding,
drempelwaarde, opdracht, offerte, inschrijving, gunning, gunningscriteria, beste
prijs-kwaliteitverhouding, EMVI, Uniform Europees Aanbestedingsdocument, UEA, nota van
inlichtingen, Alcateltermijn, perceel, raamovereenkomst, inkoopbeleid, marktconsultatie, Gids
Proportionaliteit, TenderNed, voorbehouden opdracht, social return on investment, SROI,
Prestatieladder Socialer Ondernemen, PSO, maatschappelijk verantwoord inkopen, subsidie,
subsidieverordening, subsidieregeling, subsidieplafond, beschikking, subsidieverlening,
subsidievaststelling, voorschot, verantwoording, bezwaar, beroep, Algemene wet bestuursrecht,
de-minimissteun, sociaal domein, Participatiewet, loonkostensubsidie, loonwaarde,
doelgroepregister, banenafspraak, jobcoach, no-riskpolis, proefplaatsing, werkgeversservicepunt,
afstand tot de arbeidsmarkt, beschut werk, statushouder, Wmo, maatwerkvoorziening, dagbesteding,
open house, Besluit bijstandverlening zelfstandigen, Bbz, gemeenteraad, college van burgemeester
en wethouders, wethouder, raadsvoorstel, begroting, voorjaarsnota, coalitieakkoord, ambtenaar,
accountmanager bedrijven, ondernemersloket, klantcontactcentrum, omgevingsvergunning,
Omgevingswet, Omgevingsloket, omgevingsplan, bestemmingsplan, Algemene Plaatselijke
Verordening, APV, Right to Challenge, sociale onderneming"""


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_curated_content_is_complete_and_valid(curated) -> None:
    active = [e for e in curated if e.status == "vastgesteld"]
    assert len(active) >= 150
    labels = {label.lower() for e in active for label in e.labels}
    required = [" ".join(t.split()) for t in REQUIRED_TERMS.split(",")]
    assert [t for t in required if t.lower() not in labels] == []
    problems = validate_entries(curated)
    assert not has_errors(problems), messages(problems)
    for entry in active:
        assert entry.example and entry.source and entry.plain, entry.id
        first = entry.definition.split(".")[0]
        assert re.search(r"\b(is|zijn|betekent)\b", first), (entry.id, first)


def test_label_used_by_two_entries() -> None:
    problems = validate_entries(
        [make_entry("a", "offerte"), make_entry("b", "prijsopgave", alt_labels=["Offerte"])]
    )
    found = [p for p in problems if "ook gebruikt door" in p.message]
    assert {p.entry_id for p in found} == {"a", "b"}
    assert has_errors(problems)


def test_broken_and_self_references() -> None:
    problems = validate_entries(
        [make_entry("a", "offerte", broader=["bestaat-niet"], related=["a"])]
    )
    assert "[fout] a - breder begrip (broader): verwijst naar 'bestaat-niet'" in messages(problems)[0]
    assert any("verwijst naar zichzelf" in m for m in messages(problems))


def test_missing_definition_and_source() -> None:
    entry = make_entry("a", "offerte", definition="", source="", status="vastgesteld")
    text = messages(validate_entries([entry]))
    assert "[fout] a - definitie: ontbreekt." in text
    assert "[fout] a - bron: ontbreekt." in text
    concept = make_entry("b", "prijs", source="", status="concept")
    assert "[waarschuwing] b - bron: ontbreekt." in messages(validate_entries([concept]))


def test_definition_that_is_not_b1() -> None:
    long_sentence = "Een offerte is " + " ".join(["een heel lang verhaal"] * 6) + "."
    hard_words = "Een offerte is een privaatrechtelijke aanbiedingsovereenkomst met bedrijfsvoeringsrisico."
    for definition, expected in ((long_sentence, "woorden"), (hard_words, "lange woorden")):
        problems = validate_entries([make_entry("a", "offerte", definition=definition)])
        assert any(p.field == "definition" and expected in p.message for p in problems)
    assert validate_entries([make_entry("a", "offerte")]) == []


def test_status_rules() -> None:
    old = make_entry("oud", "oude term", status="vervallen")
    child = make_entry("kind", "nieuwe term", broader=["oud"], status="vastgesteld")
    text = messages(validate_entries([old, child]))
    assert any("vastgestelde termen hangen eronder: kind" in m for m in text)
    assert any("die term is vervallen" in m for m in text)
