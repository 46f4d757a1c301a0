"""The municipality's report: counts per period and municipality, per week; JSON; SVG charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.services import charts, contact, conversations, feedback, gaps, report
from bot.services.municipalities import load_profiles
from tests.support import tracker

ROOT = Path(__file__).resolve().parents[3]
DAY1 = 1_764_576_000.0  # Monday 2025-12-01 08:00 UTC (week 2025-W49)
DAY8 = DAY1 + 7 * 86400  # the Monday after (2025-W50)


@pytest.fixture
def filled(learning_factory, tracker_url):
    ctx = conversations.Context(profiles=load_profiles(ROOT / "data" / "municipalities"))
    a = tracker.Conversation(start=DAY1, municipality="dijkstede")
    a.answer("hoe schrijf ik in op een tender", "procurement", "bidding")
    a.answer("wat zijn de drempels", "procurement", "thresholds")
    a.user("blabla wat", "nlu_fallback", 0.2).action("action_clarify")
    tracker.write(tracker_url, "a", a.events)
    b = tracker.Conversation(start=DAY8, municipality="vlietmonde")
    b.answer("hoe vraag ik subsidie aan", "subsidy", "apply")
    tracker.write(tracker_url, "b", b.events)
    c = tracker.Conversation(start=DAY8 + 60, municipality="dijkstede")
    c.answer("ik wil een zorgboerderij beginnen", "starting_business", "social_enterprise")
    tracker.write(tracker_url, "c", c.events)
    for municipality, dept, when in [("dijkstede", "inkoop", DAY1), ("dijkstede", "inkoop", DAY8),
                                     ("vlietmonde", "subsidies", DAY8)]:
        contact.save_request(learning_factory, contact.ContactDraft(
            summary="Een vraag over mijn plan.", name="Test Persoon", email="t@voorbeeld.example",
            municipality=municipality, department=dept, consent=True), now=conversations.utc(when))
    conversations.collect(learning_factory, tracker_url, ctx)
    for ref, helpful, day in [("a" * 20, True, date(2025, 12, 1)), ("b" * 20, False, date(2025, 12, 2)),
                              ("c" * 20, True, date(2025, 12, 9))]:
        answer = feedback.Answer(ref, "procurement", "bidding", "dijkstede", None, None, "a")
        feedback.record(learning_factory, answer, feedback.Request(ref, helpful, None), today=day)
    gaps.record_example(learning_factory, "inschrijfgeld", "wat is inschrijfgeld?", "dijkstede",
                        datetime(2025, 12, 1, 9))
    gaps.record_example(learning_factory, "inschrijfgeld", "wat betekent inschrijfgeld", "dijkstede",
                        datetime(2025, 12, 9, 9))
    gaps.record_example(learning_factory, "kavelpaspoort", "wat is een kavelpaspoort", "vlietmonde",
                        datetime(2025, 12, 9, 9))
    return learning_factory


def test_the_whole_period(filled):
    r = report.build(filled)
    data = report.as_json(r)
    assert data["conversations"] == 3 and data["messages"] == 5
    assert data["topics"] == {"procurement": 2, "starting_business": 1, "subsidy": 1}
    assert data["subanswers"]["procurement/bidding"] == 1
    assert (data["fallbacks"], data["clarifications"]) == (1, 1)
    assert data["contact_requests"] == {"inkoop": 2, "subsidies": 1}
    assert data["feedback"] == {"procurement/bidding": {"yes": 2, "no": 1}}
    assert data["gaps"] == {"inschrijfgeld": 2, "kavelpaspoort": 1}
    assert len(data["cross_department"]) == 1 and list(data["cross_department"].values()) == [1]
    weeks = {w["week"]: w for w in data["weeks"]}
    assert set(weeks) == {"2025-W49", "2025-W50"}
    assert (weeks["2025-W49"]["conversations"], weeks["2025-W49"]["fallbacks"]) == (1, 1)
    assert (weeks["2025-W50"]["conversations"], weeks["2025-W50"]["contact_requests"]) == (2, 2)
    assert (weeks["2025-W49"]["feedback_yes"], weeks["2025-W49"]["feedback_no"]) == (1, 1)


def test_period_and_municipality_filters(filled):
    r = report.as_json(report.build(filled, date(2025, 12, 8), date(2025, 12, 14), "dijkstede"))
    assert r["conversations"] == 1 and r["topics"] == {"starting_business": 1}
    assert r["fallbacks"] == 0 and r["contact_requests"] == {"inkoop": 1}
    assert r["feedback"] == {"procurement/bidding": {"yes": 1, "no": 0}}
    assert r["gaps"] == {"inschrijfgeld": 1}
    assert r["period"] == {"from": "2025-12-08", "to": "2025-12-14"}
    with pytest.raises(ValueError, match="einddatum"):
        report.build(filled, date(2025, 12, 8), date(2025, 12, 1))


def test_dates_get_a_dutch_error():
    assert report.parse_date("2026-12-01", "--from") == date(2026, 12, 1)
    assert report.parse_date("", "--from") is None
    with pytest.raises(ValueError, match="JJJJ-MM-DD"):
        report.parse_date("1-12-2026", "--from")


def test_charts_are_accessible_svg_with_escaped_text():
    svg = charts.bar_chart("c1", "Onderwerpen", [("<b>Inkoop</b>", 5), ("Subsidie", 2)])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{ns}title").text == "Onderwerpen"
    assert root.find(f"{ns}desc").text == "<b>Inkoop</b>: 5; Subsidie: 2."
    widths = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] > widths[1] > 0
    assert "style=" not in svg and "<b>" not in svg
    cols = charts.column_chart("c2", "Per week", ["W49", "W50"], [("Gesprekken", [1, 2]), ("Niet begrepen", [1, 0])])
    root = ET.fromstring(cols)
    assert "W49: Gesprekken 1, Niet begrepen 1" in root.find(f"{ns}desc").text
    assert len(re.findall("<rect", cols)) == 2 + 3  # legend + three non-zero columns
    empty = ET.fromstring(charts.bar_chart("c3", "Leeg", []))
    assert empty.find(f"{ns}desc").text == "Er zijn geen gegevens in deze periode."
