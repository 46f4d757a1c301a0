"""Feedback per answer: the marker action_answer attaches, the widget's request, finding the
answer in the conversation, one row per answer, no personal data."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select

from bot.services import feedback
from bot.services.db import unit_of_work
from bot.services.learning_models import AnswerFeedback
from tests.support import tracker


def test_marker_only_for_known_sub_answers_and_random():
    a = feedback.answer_marker("procurement", "thresholds")
    b = feedback.answer_marker("procurement", "thresholds")
    assert a["answer"] == "procurement/thresholds" and a["ref"] != b["ref"]
    assert feedback.answer_marker("procurement", "bestaat-niet") is None
    assert feedback.answer_marker(None, None) is None
    assert feedback.clean_marker({"feedback": a}) == a
    assert feedback.clean_marker({"feedback": {"answer": "x/y", "ref": a["ref"]}}) is None
    assert feedback.clean_marker({"feedback": {"answer": a["answer"], "ref": "<script>"}}) is None
    assert feedback.clean_marker({"terms": []}) is None


def test_parse_request():
    ref = "r" * 24
    assert feedback.parse_request({"ref": ref, "helpful": False}) == feedback.Request(ref, False, None)
    assert feedback.parse_request({"ref": ref, "comment": "  te vaag "}) == feedback.Request(ref, None, "te vaag")
    for bad in ({"ref": ref}, {"ref": "kort", "helpful": True}, {"ref": ref, "helpful": "ja"},
                {"ref": ref, "comment": 5}, {}):
        assert feedback.parse_request(bad) is None


def test_find_answer_in_the_conversation():
    marker = feedback.answer_marker("subsidy", "apply")
    c = tracker.Conversation(municipality="vlietmonde")
    c.answer("hoe vraag ik subsidie aan", "subsidy", "apply", marker)
    found = feedback.find_answer(c.events, marker["ref"], "sender-1")
    assert (found.topic, found.subtopic, found.question) == ("subsidy", "apply", "hoe vraag ik subsidie aan")
    assert found.municipality == "vlietmonde"  # from the page's metadata (slot set after the answer)
    assert feedback.find_answer(c.events, "x" * 24, "sender-1") is None


def test_feedback_is_stored_with_sub_answer_municipality_and_date_only(learning_factory):
    answer = feedback.Answer("q" * 24, "permit", "terrace", None, "mag ik een terras", 1.0, "s")
    result = feedback.record(learning_factory, answer,
                             feedback.Request(answer.ref, True, "top! bel me 0612345678 " + "x" * 400),
                             today=date(2026, 12, 1), default_municipality="dijkstede")
    assert result.status == 201 and result.message == feedback.MSG_THANKS
    with unit_of_work(learning_factory) as session:
        [row] = session.scalars(select(AnswerFeedback)).all()
    assert (row.topic, row.subtopic, row.municipality, row.given_on, row.helpful) == (
        "permit", "terrace", "dijkstede", date(2026, 12, 1), True)
    assert row.ref_hash != answer.ref and len(row.comment) == feedback.MAX_COMMENT
    assert "0612345678" not in row.comment and "[telefoonnummer]" in row.comment
    assert feedback.record(learning_factory, answer, feedback.Request(answer.ref, False, None)).status == 409
    other = dataclasses.replace(answer, ref="z" * 24)  # a comment before any yes/no
    assert feedback.record(learning_factory, other, feedback.Request(other.ref, None, "hoi")).status == 400
