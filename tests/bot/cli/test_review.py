"""Tests for `gemeentetolk review`: CSV input, tracker reading and the escaped HTML report."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main, review

ROOT = Path(__file__).resolve().parents[3]


def test_sample_questions_csv_has_50_questions():
    questions = review.read_questions(ROOT / "QUESTIONS.csv")
    assert len(questions) == 50
    assert {q.municipality for q in questions} >= {"dijkstede", "vlietmonde", ""}


def test_semicolon_csv_with_english_header_and_blank_lines():
    raw = "question;municipality\nHoe werkt subsidie?;Dijkstede\n\n;\nTweede vraag;\n"
    questions = review.parse_questions(raw)
    assert [(q.line, q.text, q.municipality) for q in questions] == [
        (2, "Hoe werkt subsidie?", "dijkstede"),
        (5, "Tweede vraag", ""),
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is leeg"),
        ("tekst,iets\nhallo,x\n", "geen kolom 'vraag'"),
        ("vraag\n", "bevat geen vragen"),
        ("vraag,gemeente\n,dijkstede\n", "regel 2: de vraag is leeg"),
    ],
)
def test_bad_csv_gives_dutch_message(raw, message):
    with pytest.raises(review.ReviewInputError, match=message):
        review.parse_questions(raw)


def test_cli_bad_csv_exits_1_with_dutch_error(tmp_path, capsys):
    bad = tmp_path / "vragen.csv"
    bad.write_bytes(b"vraag\n\xff\xfe kapot\n")
    assert main(["review", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout: ") and "UTF-8" in err and "Traceback" not in err
    assert main(["review", str(tmp_path / "bestaat-niet.csv")]) == 1
    assert "bestaat niet" in capsys.readouterr().err


TRACKER = {
    "latest_message": {"intent": {"name": "ask_subsidy", "confidence": 0.93}},
    "slots": {"topic": "subsidy", "subtopic": "objection", "explained_terms": ["bezwaar"]},
    "events": [
        {"event": "user", "text": "bezwaar?"},
        {"event": "action", "name": "action_listen"},
        {"event": "action", "name": "action_answer"},
        {"event": "bot", "text": "Je kunt bezwaar maken.\nBron: Awb, art. 6:7."},
        {"event": "slot", "name": "topic", "value": "subsidy"},
        {"event": "action", "name": "action_route_contact"},
        {"event": "bot", "text": "Bel team subsidies: 14 089 (fictief)."},
        {"event": "action", "name": "action_listen"},
    ],
}


def test_row_from_tracker_splits_answer_and_contact():
    row = review.row_from_tracker(review.Question(2, "bezwaar?"), TRACKER)
    assert (row.intent, row.confidence, row.topic, row.subtopic) == ("ask_subsidy", 0.93, "subsidy", "objection")
    assert row.answer == ["Je kunt bezwaar maken.\nBron: Awb, art. 6:7."]
    assert row.contact == ["Bel team subsidies: 14 089 (fictief)."]
    assert row.terms == ["bezwaar"]
    assert not row.low(0.6)


def test_fallback_row_is_low_and_buttons_are_listed():
    tracker = {
        "latest_message": {"intent": {"name": "nlu_fallback", "confidence": 0.8}},
        "events": [
            {"event": "action", "name": "action_clarify"},
            {"event": "bot", "text": "Gaat je vraag over?", "data": {"buttons": [{"title": "Subsidie", "payload": "/ask_subsidy"}]}},
        ],
    }
    row = review.row_from_tracker(review.Question(3, "hm"), tracker)
    assert row.low(0.6)
    assert row.other == ["Gaat je vraag over?"]
    assert row.buttons == ["Subsidie (/ask_subsidy)"]


def test_html_is_escaped_and_marks_low_rows():
    evil = review.Question(2, "<script>alert('x')</script> & co", "dijkstede")
    rows = [
        review.Row(evil, intent="ask_permit", confidence=0.41, topic="permit", answer=["<b>vet</b>"]),
        review.row_from_tracker(review.Question(3, "bezwaar?"), TRACKER),
    ]
    page = review.render_html(rows, 0.6)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;vet&lt;/b&gt;" in page
    assert page.count('<tr class="low">') == 1
    assert page.count('<tr class="ok">') == 1
    assert "Lage zekerheid" in page
    assert "subsidy/objection" in page
    assert "1 met lage zekerheid" in page


def test_answers_whose_facts_expire_within_90_days_are_marked():
    from datetime import date

    from bot.services import facts
    from tests.helpers import ROOT

    soon = facts.subanswers_expiring(facts.collect(ROOT), date(2027, 11, 1))
    rows = [
        review.Row(review.Question(2, "vanaf welk bedrag europees?"), intent="ask_procurement", confidence=0.9,
                   topic="procurement", subtopic="thresholds", answer=["De drempels ..."]),
        review.Row(review.Question(3, "hoe lang proefplaatsing?"), intent="ask_hiring_support", confidence=0.9,
                   topic="hiring_support", subtopic="trial_placement", answer=["Maximaal 2 maanden."]),
        review.Row(review.Question(4, "drempels in vlietmonde?", "vlietmonde"), intent="ask_procurement",
                   confidence=0.9, topic="procurement", subtopic="thresholds", answer=["..."]),
    ]  # fmt: skip
    html = review.render_html(rows, 0.6, expiring=soon)
    assert "2 antwoorden met een feit dat binnen 90 dagen verloopt" in html
    assert html.count("Feit verloopt op 2027-12-31") == 2
    # Dijkstede's own thresholds text is Dijkstede's: it marks only Dijkstede rows.
    assert len(review.expiring_for(rows[0], soon)) == 1 and len(review.expiring_for(rows[2], soon)) == 1
    dijkstede = review.Row(review.Question(5, "drempels?", "dijkstede"), topic="procurement", subtopic="thresholds")
    assert len(review.expiring_for(dijkstede, soon)) == 2
    assert not review.expiring_for(rows[1], soon)
