"""The corrected facts through the real trained stack (Rasa server + action server, REST), and
the thresholds answer on a date after they expired (GEMEENTETOLK_TODAY, tests only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.integration


def _ask(stack, question: str, municipality: str = "dijkstede") -> list[str]:
    status, reply = stack.send(f"rest-facts-{uuid.uuid4().hex}", question, {"municipality": municipality})
    assert status == 200
    return [m.get("text", "") for m in reply]


def test_thresholds_are_the_2026_2027_amounts(stack):
    texts = _ask(stack, "vanaf welk bedrag moet de gemeente europees aanbesteden")
    answer = texts[0]
    assert "€ 216.000" in answer and "€ 5.404.000" in answer, texts
    assert "1 januari 2026 tot en met 31 december 2027" in answer
    assert any("Gemeente Dijkstede (voorbeeldgemeente, fictief)" in t and "Tot € 50.000" in t for t in texts), texts


def test_lost_tender_names_the_kort_geding_within_the_20_day_term(stack):
    answer = " ".join(_ask(stack, "we hebben een aanbesteding verloren, wat kunnen we doen"))
    assert "kort geding" in answer and "20 kalenderdagen" in answer, answer
    assert "binnen de termijn" in answer


def test_trial_placement_is_at_most_two_months(stack):
    answer = " ".join(_ask(stack, "hoe lang mag een proefplaatsing duren"))
    assert "maximaal 2 maanden" in answer, answer


@pytest.fixture(scope="module")
def stack_2028(stack_db_url: str, tmp_path_factory) -> Iterator:
    """A second assistant that judges dated facts on 15 January 2028."""
    from bot.cli.stack import Stack
    from bot.services.settings import load_settings

    env = {
        "GEMEENTETOLK_DB_URL": stack_db_url,
        "GEMEENTETOLK_TRACKER_DB_URL": f"sqlite:///{tmp_path_factory.mktemp('trackers2028') / 'tracker.db'}",
        "GEMEENTETOLK_ACTION_PORT": str(free_port()),
        "GEMEENTETOLK_RASA_PORT": str(free_port()),
        "GEMEENTETOLK_WEB_PORT": str(free_port()),
        "GEMEENTETOLK_TODAY": "2028-01-15",
    }
    running = Stack(load_settings(env=env), enable_api=True, log_dir=ROOT / "var" / "logs" / "test-stack-2028")
    running.start(timeout=240)
    try:
        yield running
    finally:
        running.stop()


def test_after_the_thresholds_expired_the_answer_says_so_and_the_card_follows(stack_2028):
    texts = _ask(stack_2028, "vanaf welk bedrag moet de gemeente europees aanbesteden")
    joined = "\n".join(texts)
    assert "216.000" not in joined and "5.404.000" not in joined, texts
    assert "golden tot en met 31 december 2027" in texts[0]
    assert "pianoo.nl" in texts[0]
    assert any("Zo bereik je ze:" in t or "Wie:" in t for t in texts), texts
