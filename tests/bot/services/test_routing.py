"""Routing rules of both sample municipalities, cross-department questions, the card, opening hours."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot.services import hours
from bot.services.municipalities import load_profiles
from bot.services.routing import (
    detect_topics,
    general_route_text,
    is_case,
    is_cross_department,
    render_card,
    route,
    route_many,
    route_text,
)
from bot.services.topics import TOPIC_KEYS as TOPICS
from tests.support.knowledge import sub

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def profiles():
    return load_profiles(ROOT / "data" / "municipalities")


# Every routing rule of both sample municipalities: (municipality, topic, sub-topic) -> department.
RULES = [
    ("dijkstede", "procurement", None, "inkoop"),
    ("dijkstede", "social_return", None, "werk_en_inkomen"),
    ("dijkstede", "procurement", sub("procurement", "reserved_contracts"), "inkoop"),
    ("dijkstede", "subsidy", None, "subsidies"),
    ("dijkstede", "hiring_support", None, "werk_en_inkomen"),
    ("dijkstede", "permit", None, "vergunningen"),
    ("dijkstede", "starting_business", None, "economische_zaken"),
    ("dijkstede", "network", None, "economische_zaken"),
    ("dijkstede", "municipality_process", None, "economische_zaken"),
    ("dijkstede", "municipality_process", sub("municipality_process", "speak_up"), "griffie"),
    ("dijkstede", "municipality_process", sub("municipality_process", "right_to_challenge"), "griffie"),
    ("dijkstede", "municipality_process", sub("municipality_process", "who_decides"), "economische_zaken"),
    ("vlietmonde", "procurement", None, "concerninkoop"),
    ("vlietmonde", "social_return", None, "social_return"),
    ("vlietmonde", "social_return", sub("social_return", "pso"), "social_return"),
    ("vlietmonde", "subsidy", None, "maatschappelijke_ontwikkeling"),
    ("vlietmonde", "hiring_support", None, "participatie"),
    ("vlietmonde", "permit", None, "ruimte_en_omgeving"),
    ("vlietmonde", "starting_business", None, "ondernemersloket"),
    ("vlietmonde", "network", None, "ondernemersloket"),
    ("vlietmonde", "municipality_process", None, "griffie"),
    ("vlietmonde", "municipality_process", sub("municipality_process", "speak_up"), "griffie"),
]


@pytest.mark.parametrize(("slug", "topic", "subtopic", "dept"), RULES)
def test_routing_rule(profiles, slug: str, topic: str, subtopic: str | None, dept: str) -> None:
    r = route(topic, subtopic, profiles[slug])
    assert r.destinations[0].kind == "department"
    assert r.department_key == dept
    assert r.reason and profiles[slug].name in r.reason
    assert r.municipality == slug and not r.multi


def test_every_topic_has_a_rule_in_both_samples() -> None:
    for slug in ("dijkstede", "vlietmonde"):
        assert {t for s, t, sub, _ in RULES if s == slug and sub is None} == set(TOPICS)


@pytest.mark.parametrize("slug", ["dijkstede", "vlietmonde"])
@pytest.mark.parametrize("topic", TOPICS)
def test_unknown_subtopic_falls_back_to_the_topic_default(profiles, slug: str, topic: str) -> None:
    assert route(topic, "iets_onbekends", profiles[slug]).department_key == route(topic, None, profiles[slug]).department_key


@pytest.mark.parametrize(
    ("topic", "subtopic", "org"),
    [
        ("starting_business", sub("starting_business", "register"), "KVK"),
        ("starting_business", sub("starting_business", "legal_form"), "KVK"),
        ("hiring_support", sub("hiring_support", "no_risk"), "UWV"),
        ("hiring_support", sub("hiring_support", "target_register"), "UWV"),
    ],
)
@pytest.mark.parametrize("slug", ["dijkstede", "vlietmonde"])
def test_national_organisation_is_the_right_place(profiles, slug, topic, subtopic, org) -> None:
    r = route(topic, subtopic, profiles[slug])
    assert r.destinations[0].kind == "national" and org in r.destinations[0].name
    assert "niet bij de gemeente" in r.reason
    # The municipal department is still named as a further help.
    assert any(d.kind == "department" for d in r.also)


@pytest.mark.parametrize("key", ["become_supplier", "bidding"])
def test_tenderned_is_named_next_to_the_department(profiles, key: str) -> None:
    r = route("procurement", sub("procurement", key), profiles["dijkstede"])
    assert r.department_key == "inkoop" and [d.name for d in r.also] == ["TenderNed"]
    assert "TenderNed" in render_card(r)


def test_omgevingsloket_is_named_for_which_permit(profiles) -> None:
    r = route("permit", sub("permit", "which_permit"), profiles["vlietmonde"])
    assert r.department_key == "ruimte_en_omgeving" and "Omgevingsloket" in [d.name for d in r.also]
    assert "Omgevingsloket" in render_card(r)


def test_werkgeversservicepunt(profiles) -> None:
    r = route("hiring_support", sub("hiring_support", "employer_desk"), profiles["vlietmonde"])
    assert r.destinations[0].kind == "regional" and "Vlietstreek" in r.destinations[0].name
    r = route("hiring_support", None, profiles["dijkstede"])
    assert r.department_key == "werk_en_inkomen"
    assert any("Werkgeversservicepunt" in d.name for d in r.also)


def test_starting_business_also_names_kvk(profiles) -> None:
    r = route("starting_business", sub("starting_business", "starter_help"), profiles["dijkstede"])
    assert r.department_key == "economische_zaken" and any("KVK" in d.name for d in r.also)


def test_no_profile_gives_the_general_14_route() -> None:
    r = route("subsidy", None, None)
    assert r.destinations[0].kind == "general" and "14" in r.destinations[0].contact.phone
    assert general_route_text(None).startswith("Bel de gemeente op 14")


def test_no_topic_goes_to_the_contact_point_or_the_general_desk(profiles) -> None:
    assert route(None, None, profiles["dijkstede"]).department_key == "loket_sociaal_ondernemen"
    r = route(None, None, profiles["vlietmonde"])
    assert r.destinations[0].kind == "general" and r.destinations[0].contact.phone == "14 083"


# --- several departments at once ---------------------------------------------------------------

KRINGLOOP = "Ik wil een kringloopwinkel beginnen met mensen uit de bijstand. Waar moet ik zijn?"


def test_detect_topics_kringloopwinkel() -> None:
    found = detect_topics(KRINGLOOP)
    assert {"starting_business", "permit", "hiring_support"} <= set(found)
    assert is_case(KRINGLOOP) and not is_case("hoe vraag ik subsidie aan")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoe vraag ik subsidie aan", ["subsidy"]),
        ("ik wil een terras en heb een vergunning nodig", ["permit"]),
        ("hoe werkt social return bij een aanbesteding", ["procurement", "social_return"]),
        ("wat eet ik vanavond", []),
        # a contact request's summary in the entrepreneur's words: taking part in assignments
        ("Ik wil meedoen met opdrachten voor groenonderhoud", ["procurement"]),
        ("kan ik meedoen met een opdracht", ["procurement"]),
    ],
)
def test_detect_topics(text: str, expected: list[str]) -> None:
    assert sorted(detect_topics(text)) == sorted(expected)


def test_kringloopwinkel_goes_to_the_single_contact_point(profiles) -> None:
    r = route_text(KRINGLOOP, "starting_business", None, profiles["dijkstede"])
    assert not r.multi and r.department_key == "loket_sociaal_ondernemen"
    assert r.destinations[0].kind == "contact_point"
    assert "meer afdelingen" in r.reason
    assert {d.key for d in r.also} == {"economische_zaken", "vergunningen", "werk_en_inkomen"}


def test_kringloopwinkel_without_contact_point_lists_the_departments(profiles) -> None:
    r = route_text(KRINGLOOP, "starting_business", None, profiles["vlietmonde"])
    assert r.multi
    assert [d.key for d in r.destinations] == ["ondernemersloket", "ruimte_en_omgeving", "participatie"]
    card = render_card(r, datetime(2026, 11, 24, 10, 0))
    for d in r.destinations:
        assert d.name in card and d.what in card
    assert "geen apart contactpunt" in card


def test_single_topic_text_is_not_cross_department(profiles) -> None:
    r = route_text("hoe vraag ik subsidie aan", "subsidy", None, profiles["vlietmonde"])
    assert r.department_key == "maatschappelijke_ontwikkeling" and not r.multi


@pytest.mark.parametrize(
    ("text", "topic", "cross"),
    [
        (KRINGLOOP, None, True),
        ("hoe werkt social return bij een aanbesteding", "social_return", False),
        ("ik wil een bedrijf starten en zoek personeel met loonkostensubsidie", "starting_business", True),
        ("ik wil een bedrijf starten en zoek een netwerk", None, False),
        ("hoe vraag ik subsidie aan", "subsidy", False),
    ],
)
def test_is_cross_department(text: str, topic: str | None, cross: bool) -> None:
    assert is_cross_department(text, topic) is cross


def test_related_topics_stay_with_one_department(profiles) -> None:
    r = route_text("hoe werkt social return bij een aanbesteding", "social_return", None, profiles["dijkstede"])
    assert r.department_key == "werk_en_inkomen" and not r.multi


def test_route_many_same_department_is_one_route(profiles) -> None:
    r = route_many(["starting_business", "network"], profiles["dijkstede"])
    assert not r.multi and r.department_key == "economische_zaken"


# --- the card ------------------------------------------------------------------------------------


def test_card_has_who_why_how_today_and_what_to_have_ready(profiles) -> None:
    tuesday_10 = datetime(2026, 11, 24, 10, 0)
    card = render_card(route("subsidy", None, profiles["dijkstede"]), tuesday_10)
    assert "Gemeente Dijkstede (fictief voorbeeld)" in card
    assert "Wie: Team Subsidies, vraag naar de subsidieadviseur." in card
    assert "Waarom:" in card
    assert "Telefoon: 14 089" in card and "E-mail: subsidies@dijkstede.example" in card
    assert "Vandaag (dinsdag): 09:00 tot 12:00. Nu open, vandaag tot 12:00." in card
    assert "Heb dit klaar:" in card and "begroting" in card
    assert card.rstrip().endswith(profiles["dijkstede"].fictional_notice)


def test_card_outside_opening_hours_says_when_they_answer(profiles) -> None:
    wednesday = datetime(2026, 11, 25, 10, 0)  # Team Subsidies Dijkstede is closed on Wednesday
    card = render_card(route("subsidy", None, profiles["dijkstede"]), wednesday)
    assert "Vandaag (woensdag): gesloten" in card
    assert "Je krijgt antwoord vanaf morgen (donderdag) 09:00 uur." in card


# --- opening hours ------------------------------------------------------------------------------

OFFICE = {"maandag": "08:30-12:00, 13:00-17:00", "dinsdag": "08:30-17:00", "woensdag": "gesloten",
          "donderdag": "08:30-17:00", "vrijdag": "08:30-12:30"}


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 23, 9, 0), "Nu open, vandaag tot 12:00."),  # Monday morning
        (datetime(2026, 11, 23, 12, 30), "Nu gesloten. Je krijgt antwoord vanaf vandaag 13:00 uur."),  # lunch
        (datetime(2026, 11, 23, 17, 0), "Nu gesloten. Je krijgt antwoord vanaf morgen (dinsdag) 08:30 uur."),
        (datetime(2026, 11, 24, 18, 0), "Nu gesloten. Je krijgt antwoord vanaf donderdag 08:30 uur."),  # Wednesday closed
        (datetime(2026, 11, 27, 12, 29), "Nu open, vandaag tot 12:30."),
        (datetime(2026, 11, 28, 11, 0), "Nu gesloten. Je krijgt antwoord vanaf maandag 08:30 uur."),  # Saturday
        (datetime(2026, 11, 23, 7, 0), "Nu gesloten. Je krijgt antwoord vanaf vandaag 08:30 uur."),
    ],
)
def test_describe_opening_hours(now: datetime, expected: str) -> None:
    assert hours.describe(OFFICE, now) == expected


def test_aware_datetimes_are_converted_to_amsterdam_time() -> None:
    # 07:45 UTC on a Monday in winter is 08:45 in Amsterdam (open); in summer 09:45 (open).
    assert hours.status(OFFICE, datetime(2026, 11, 23, 7, 45, tzinfo=timezone.utc)).open_now
    assert not hours.status(OFFICE, datetime(2026, 11, 23, 7, 15, tzinfo=timezone.utc)).open_now
    # Summer time (CEST, UTC+2): 06:45 UTC is 08:45 local.
    assert hours.status(OFFICE, datetime(2026, 6, 1, 6, 45, tzinfo=timezone.utc)).open_now
    assert not hours.status(OFFICE, datetime(2026, 6, 1, 6, 15, tzinfo=timezone.utc)).open_now


def test_no_opening_hours() -> None:
    assert hours.describe({}, datetime(2026, 11, 23, 9, 0)) == ""
    assert "geen openingstijden" in hours.describe({"maandag": "gesloten"}, datetime(2026, 11, 23, 9, 0))
    assert hours.parse_hours("gesloten") == [] and len(hours.parse_hours("08:00-12:00, 13:00-17:00")) == 2


@pytest.mark.parametrize(("year", "expected"), [(2024, (3, 31)), (2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28))])
def test_easter(year: int, expected: tuple[int, int]) -> None:
    assert hours.easter(year) == date(year, *expected)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Nieuwjaarsdag"), (date(2026, 4, 6), "Tweede Paasdag"),
        (date(2026, 4, 27), "Koningsdag"), (date(2025, 4, 26), "Koningsdag"),  # 27 April 2025 is a Sunday
        (date(2026, 5, 5), "Bevrijdingsdag"), (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 5, 25), "Tweede Pinksterdag"), (date(2026, 12, 25), "Eerste Kerstdag"),
        (date(2026, 11, 24), None), (date(2025, 4, 27), None),
    ],
)
def test_holidays(day: date, name: str | None) -> None:
    assert hours.holiday(day) == name


def test_desks_are_closed_on_holidays() -> None:
    easter_monday = datetime(2026, 4, 6, 10, 0)
    assert not hours.status(OFFICE, easter_monday).open_now
    assert hours.today_line(OFFICE, easter_monday) == "Vandaag (maandag, Tweede Paasdag): gesloten"
    assert hours.describe(OFFICE, easter_monday) == "Nu gesloten. Je krijgt antwoord vanaf morgen (dinsdag) 08:30 uur."
    # Christmas Eve (Thursday) evening: Christmas, the weekend, then Monday 28 December.
    assert hours.describe(OFFICE, datetime(2026, 12, 24, 18, 0)) == "Nu gesloten. Je krijgt antwoord vanaf maandag 08:30 uur."


def test_a_far_next_opening_names_the_date() -> None:
    only_tuesday = {"dinsdag": "09:00-12:00"}
    # Tuesday 22 December 2026 after closing: the next Tuesday is 29 December.
    assert hours.describe(only_tuesday, datetime(2026, 12, 22, 13, 0)) == (
        "Nu gesloten. Je krijgt antwoord vanaf dinsdag 29 december 09:00 uur.")
