"""Local answers on top of the national ones, dated profile details, and answers that never
present an expired fact as current."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services import answers
from bot.services.municipalities import (
    LocalAnswer,
    Period,
    ProcurementBand,
    SubsidyScheme,
    load_profiles,
    parse_profile,
)
from tests.helpers import ROOT, domain_responses, sample_profile

PROFILES = ROOT / "data" / "municipalities"
NOW, LATER = date(2026, 12, 1), date(2028, 1, 15)


def _parse(intent: str, key: str) -> dict:
    return {"intent": {"name": intent}, "response_selector": {"default": {"response": {"intent_response_key": f"{intent}/{key}"}}}}


def _texts(result: answers.Answer) -> str:
    return "\n".join(m["text"] for m in result.messages)


def test_thresholds_answer_has_the_2026_2027_amounts():
    text = _texts(answers.build_answer("ask_procurement", _parse("ask_procurement", "thresholds"), domain_responses(), today=NOW))
    assert "€ 216.000" in text and "€ 5.404.000" in text and "31 december 2027" in text


def test_expired_national_fact_gives_the_notice_not_the_amounts():
    result = answers.build_answer("ask_procurement", _parse("ask_procurement", "thresholds"), domain_responses(), today=LATER)
    text = _texts(result)
    assert "216.000" not in text and "5.404.000" not in text
    assert "golden tot en met 31 december 2027" in text
    assert "https://www.pianoo.nl/nl/regelgeving/drempelwaarden-europees-aanbesteden" in text
    assert text.splitlines()[-1].startswith("Bron:")  # the source line stays
    assert result.topic == "procurement" and result.subtopic == "thresholds"


def test_an_expired_fact_only_affects_its_own_sub_answer():
    text = _texts(answers.build_answer("ask_procurement", _parse("ask_procurement", "become_supplier"), domain_responses(), today=LATER))
    assert "TenderNed" in text and "golden tot en met" not in text


def test_both_sample_profiles_have_a_fictional_local_answer():
    profiles = load_profiles(PROFILES)
    dijkstede = profiles["dijkstede"].answers["procurement/thresholds"]
    vlietmonde = profiles["vlietmonde"].answers["subsidy/apply"]
    for local in (dijkstede, vlietmonde):
        assert local.mode == "add" and "fictief" in local.text.lower() and "fictief" in local.period.source
        assert local.period.checked == "2026-12-01"


def test_dijkstede_adds_its_own_procurement_text_after_the_national_one():
    profile = load_profiles(PROFILES)["dijkstede"]
    result = answers.build_answer("ask_procurement", _parse("ask_procurement", "thresholds"), domain_responses(), profile, today=NOW)
    texts = [m["text"] for m in result.messages]
    assert "€ 216.000" in texts[0]
    assert texts[1].startswith("Zo doet Gemeente Dijkstede (voorbeeldgemeente, fictief) het:")
    assert "Tot € 50.000 vragen we één bedrijf" in texts[1]
    assert texts[1].endswith("Bron: Inkoopbeleid Gemeente Dijkstede 2026 (fictief) (geldig van 1 januari 2026 tot en met 31 december 2027).")
    assert any("Zo doet Gemeente Dijkstede" in t and "inkoopbeleid" in t for t in texts[2:])  # the bands follow


def test_vlietmonde_adds_its_own_subsidy_deadline():
    profile = load_profiles(PROFILES)["vlietmonde"]
    result = answers.build_answer("ask_subsidy", _parse("ask_subsidy", "apply"), domain_responses(), profile, today=NOW)
    own = [m["text"] for m in result.messages if "Vlietmonde Werkt-subsidie van 2027" in m["text"]]
    assert own and "31 maart 2027" in own[0] and "fictief" in own[0]


def test_replace_shows_the_local_text_instead_of_the_national_one():
    local = LocalAnswer("procurement/thresholds", "replace", "Wij vragen altijd drie offertes.",
                        Period("2026-01-01", None, "Inkoopbeleid Testdorp (fictief)", "2026-12-01"))
    profile = sample_profile(answers={local.key: local})
    result = answers.build_answer("ask_procurement", _parse("ask_procurement", "thresholds"), domain_responses(), profile, today=NOW)
    text = _texts(result)
    assert "Wij vragen altijd drie offertes." in text and "216.000" not in text
    assert "In Gemeente Testdorp (voorbeeldgemeente, fictief):" in text
    assert "Bron: Inkoopbeleid Testdorp (fictief) (geldig vanaf 1 januari 2026)." in text


def test_an_expired_local_answer_is_not_presented_and_replace_falls_back_to_national():
    local = LocalAnswer("procurement/thresholds", "replace", "Tot € 80.000 één offerte.",
                        Period("2025-01-01", "2025-12-31", "Inkoopbeleid Testdorp 2025 (fictief)", "2026-12-01"))
    profile = sample_profile(answers={local.key: local})
    text = _texts(answers.build_answer("ask_procurement", _parse("ask_procurement", "thresholds"), domain_responses(), profile, today=NOW))
    assert "80.000" not in text and "€ 216.000" in text
    assert "gold tot en met 31 december 2025" in text and "Inkoopbeleid Testdorp 2025 (fictief)" in text


def test_expired_profile_details_are_named_without_their_amounts():
    old = Period("2024-01-01", "2025-12-31", "Gedelegeerde Verordening (EU) 2023/2495", "2026-12-01")
    profile = sample_profile(
        procurement_bands=[ProcurementBand("Europees openbaar", 221000, None, "Op TenderNed.", period=old),
                           ProcurementBand("enkelvoudig onderhands", 0, 50000, "Eén offerte.")],
        subsidy_schemes=[SubsidyScheme("Oude regeling", "Geld voor iets.", "1 maart", 9000, period=old)],
    )  # fmt: skip
    bands = answers.local_details("procurement", "thresholds", profile, NOW)
    assert "221.000" not in bands and "Europees openbaar: wat ik hierover weet, gold tot en met 31 december 2025" in bands
    assert "tot € 50.000: enkelvoudig onderhands" in bands
    schemes = answers.local_details("subsidy", "apply", profile, NOW)
    assert "9.000" not in schemes and "1 maart" not in schemes and "Oude regeling" in schemes


# --- validation of local answers and dated details -------------------------------------------------

BASE = (PROFILES / "dijkstede.yml").read_text(encoding="utf-8")


def _issues(extra: str) -> list[str]:
    text = BASE.split("\n# Local answers")[0] + "\n" + extra
    profile, issues = parse_profile(text, "dijkstede.yml", "dijkstede")
    assert profile is None
    return [str(i) for i in issues]


def _line_of(text: str, needle: str) -> int:
    full = BASE.split("\n# Local answers")[0] + "\n" + text
    return next(i for i, line in enumerate(full.splitlines(), start=1) if needle in line)


def test_local_answer_for_a_sub_answer_that_does_not_exist_is_refused_with_file_line_and_field():
    extra = "answers:\n  procurement/tenders:\n    mode: add\n    text: x\n    source: y\n    checked: 2026-12-01\n"
    issues = _issues(extra)
    line = _line_of(extra, "procurement/tenders")
    assert issues == [
        f"dijkstede.yml, regel {line}, veld 'answers.procurement/tenders': 'procurement/tenders' bestaat niet: "
        "de assistent heeft geen antwoord 'tenders' bij 'procurement'. Kies uit: procurement/how_it_works, "
        "procurement/thresholds, procurement/become_supplier, procurement/bidding, procurement/after_award, "
        "procurement/reserved_contracts."
    ]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("    mode: instead\n    text: x\n    source: y\n    checked: 2026-12-01\n", "mode", "onbekend"),
        ("    mode: add\n    text: ''\n    source: y\n    checked: 2026-12-01\n", "text", "leeg"),
        ("    mode: add\n    text: x\n    source: ' '\n    checked: 2026-12-01\n", "source", "leeg"),
        ("    mode: add\n    text: x\n    source: y\n    checked: 2026-12-01\n    valid_until: 31-12-2027\n", "valid_until", "geen datum"),
        ("    mode: add\n    text: x\n    source: y\n    checked: 2026-12-01\n    valid_from: 2027-01-01\n    valid_until: 2026-01-01\n", "valid_until", "vóór valid_from"),
        ("    mode: add\n    text: x\n    source: y\n", "checked", "ontbreekt"),
    ],
)
def test_bad_local_answers_get_a_dutch_message_naming_the_field(body, field, words):
    issues = _issues("answers:\n  procurement/thresholds:\n" + body)
    assert any(f"veld 'answers.procurement/thresholds.{field}'" in i and words in i for i in issues), issues


def test_a_dated_band_needs_a_valid_date_and_a_check():
    text = BASE.replace("    valid_until: 2027-12-31\n    source: \"Gedelegeerde", "    valid_until: eind 2027\n    source: \"Gedelegeerde", 1)
    profile, issues = parse_profile(text, "dijkstede.yml", "dijkstede")
    assert profile is None and "procurement_bands[1].valid_until" in str(issues[0]) and "geen datum" in str(issues[0])
