"""Tests for bot.services.answers: sub-answer choice, local details, bridging, and the data itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.services import answers
from bot.services.municipalities import Network, ProcurementBand, SubsidyScheme
from tests.helpers import domain_responses, sample_profile

ROOT = Path(__file__).resolve().parents[3]
NLU_DIR = ROOT / "data" / "nlu"


@pytest.fixture(scope="module")
def domain() -> dict:
    return domain_responses()


def nlu_examples(topic: str) -> dict[str, list[str]]:
    data = yaml.safe_load((NLU_DIR / f"{topic}.yml").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for block in data["nlu"]:
        lines = [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
        out[block["intent"]] = lines
    return out


def parse_data(intent: str, key: str, ranking: list[str] | None = None) -> dict:
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "response_selector": {
            "default": {
                "response": {"intent_response_key": key, "confidence": 0.8},
                "ranking": [{"intent_response_key": k, "confidence": 0.1} for k in ranking or []],
            }
        },
    }


# --- the data: every topic has at least five sourced sub-answers and 50 examples ----------


@pytest.mark.parametrize("topic", list(answers.TOPICS))
def test_each_topic_has_five_sourced_sub_answers(domain, topic):
    intent = f"ask_{topic}"
    keys = answers.subkeys_in_domain(domain, intent)
    assert len(keys) >= 5, keys
    assert answers.TOPICS[topic].default_subanswer in keys
    for key in keys:
        text = answers.response_text(domain, intent, key)
        body, source = answers.split_source(text)
        assert source.startswith("Bron: ") and len(source) > 10, (key, source)
        # B1: short sentences (at most 22 words; list lines count on their own)
        for line in body.splitlines():
            for sentence in re.split(r"(?<=[.?!:])\s+", line):
                assert len(sentence.split()) <= 22, (key, sentence)


@pytest.mark.parametrize("topic", list(answers.TOPICS))
def test_nlu_sub_keys_match_responses_and_count(domain, topic):
    examples = nlu_examples(topic)
    intent = f"ask_{topic}"
    nlu_keys = {name.split("/", 1)[1] for name in examples}
    assert nlu_keys == set(answers.subkeys_in_domain(domain, intent))
    total = sum(len(v) for v in examples.values())
    assert total >= 50, total
    flat = [e.lower() for v in examples.values() for e in v]
    assert len(flat) == len(set(flat)), "duplicate examples"


def test_thresholds_carry_their_period(domain):
    # EU thresholds 2026-2027 (Gedelegeerde Verordening (EU) 2025/2152); see docs/fact-sources.md
    text = answers.response_text(domain, "ask_procurement", "thresholds")
    assert "1 januari 2026 tot en met 31 december 2027" in text
    assert "€ 216.000" in text and "€ 5.404.000" in text and "€ 750.000" in text
    assert "221.000" not in text and "5.538.000" not in text
    assert "2025/2152" in text.splitlines()[-1]


def test_after_award_names_kort_geding_within_the_standstill_term(domain):
    text = answers.response_text(domain, "ask_procurement", "after_award")
    assert "kort geding" in text and "20 kalenderdagen" in text
    assert "geen bezwaar" in text
    assert "klacht alleen houdt de termijn niet tegen" in text


def test_trial_placement_is_at_most_two_months_at_uwv(domain):
    text = answers.response_text(domain, "ask_hiring_support", "trial_placement")
    assert "maximaal 2 maanden" in text and "6 maanden" in text
    assert "1 tot 6 maanden" not in text


def test_wage_subsidy_is_the_gap_to_the_statutory_minimum_wage(domain):
    text = answers.response_text(domain, "ask_hiring_support", "wage_subsidy")
    assert "verschil tussen de loonwaarde en het wettelijk minimumloon" in text
    assert "werkgeverslasten" in text and "6 maanden na de eerste werkdag" in text
    assert "toeslagen" not in text and "vóór de eerste werkdag" not in text


def test_subsidy_decision_term_has_no_once_only_extension(domain):
    text = answers.response_text(domain, "ask_subsidy", "decision")
    assert "8 weken" in text and "nieuwe termijn" in text
    assert "één keer verlengen" not in text


def test_right_to_challenge_budget_is_not_automatic(domain):
    text = answers.response_text(domain, "ask_municipality_process", "right_to_challenge")
    assert "uitdaagrecht" in text and "niet zeker" in text and "1 januari 2027" in text
    assert "met het geld dat erbij hoort" not in text


# --- choosing the sub-answer ------------------------------------------------------------


def test_select_subkey_from_default_selector():
    data = parse_data("ask_procurement", "ask_procurement/thresholds")
    assert answers.select_subkey(data, "ask_procurement") == "thresholds"


def test_select_subkey_skips_other_intents_keys_and_uses_ranking():
    data = parse_data(
        "ask_subsidy",
        "ask_procurement/thresholds",
        ranking=["ask_procurement/thresholds", "ask_subsidy/objection", "ask_subsidy/apply"],
    )
    assert answers.select_subkey(data, "ask_subsidy") == "objection"


def test_select_subkey_with_per_intent_selector():
    data = {"response_selector": {"ask_permit": {"response": {"intent_response_key": "ask_permit/events"}}}}
    assert answers.select_subkey(data, "ask_permit") == "events"


@pytest.mark.parametrize("data", [None, {}, {"response_selector": {"default": None}}])
def test_select_subkey_missing(data):
    assert answers.select_subkey(data, "ask_permit") is None


def test_button_payload_without_selector_uses_default_sub_answer(domain):
    result = answers.build_answer("ask_permit", {"intent": {"name": "ask_permit"}}, domain)
    assert result.topic == "permit"
    assert result.subtopic == "which_permit" == answers.TOPICS["permit"].default_subanswer
    assert "Omgevingsloket" in result.messages[0]["text"]


def test_build_answer_general_text_and_source(domain):
    result = answers.build_answer(
        "ask_procurement", parse_data("ask_procurement", "ask_procurement/reserved_contracts"), domain
    )
    assert (result.topic, result.subtopic) == ("procurement", "reserved_contracts")
    assert len(result.messages) == 1
    text = result.messages[0]["text"]
    assert "voorbehouden opdracht" in text
    assert text.rstrip().endswith("Bron: Aanbestedingswet 2012, art. 2.82.")


def test_unknown_intent_gets_a_polite_message(domain):
    result = answers.build_answer("greet", {}, domain)
    assert result.topic is None
    assert result.messages[0]["text"] == answers.NO_ANSWER


def test_missing_domain_response_does_not_crash():
    result = answers.build_answer("ask_permit", {}, {"responses": {}})
    assert result.topic == "permit"
    assert result.messages[0]["text"] == answers.NO_ANSWER


# --- local details ----------------------------------------------------------------------


def test_local_procurement_bands_are_added_and_marked_fictional(domain):
    profile = sample_profile(
        procurement_bands=[
            ProcurementBand("enkelvoudig onderhands", 0, 40000, "Eén offerte."),
            ProcurementBand("meervoudig onderhands", 40000, 216000, "Drie offertes."),
            ProcurementBand("Europees", 216000, None, "Op TenderNed."),
        ]
    )
    result = answers.build_answer(
        "ask_procurement", parse_data("ask_procurement", "ask_procurement/thresholds"), domain, profile
    )
    assert len(result.messages) == 2
    local = result.messages[1]["text"]
    assert "Gemeente Testdorp (voorbeeldgemeente, fictief)" in local
    assert "tot € 40.000: enkelvoudig onderhands. Eén offerte." in local
    assert "€ 40.000 tot € 216.000" in local
    assert "vanaf € 216.000" in local
    assert result.municipality == "testdorp"


def test_real_profile_is_not_marked_fictional():
    profile = sample_profile(fictional=False, networks=[Network("Starterscafé", "Elke maand.", "https://x.example")])
    text = answers.local_details("network", "meetups", profile)
    assert "fictief" not in text
    assert "Starterscafé: Elke maand. Meer info: https://x.example" in text


def test_local_subsidy_schemes(domain):
    profile = sample_profile(subsidy_schemes=[SubsidyScheme("Buurtfonds", "Voor buurtactiviteiten.", "1 oktober", 2500)])
    result = answers.build_answer(
        "ask_subsidy", parse_data("ask_subsidy", "ask_subsidy/find_scheme"), domain, profile
    )
    local = result.messages[1]["text"]
    assert "Buurtfonds: Voor buurtactiviteiten. (maximaal € 2.500, aanvragen vóór 1 oktober)" in local


def test_no_local_details_when_profile_has_none_or_sub_answer_does_not_use_them(domain):
    empty = sample_profile()
    assert answers.local_details("procurement", "thresholds", empty) is None
    with_bands = sample_profile(procurement_bands=[ProcurementBand("x", 0, 1, "y")])
    assert answers.local_details("procurement", "after_award", with_bands) is None
    assert answers.local_details("procurement", "thresholds", None) is None


def test_load_matcher_degrades_gracefully():
    assert answers.load_matcher(None) is None
    assert answers.load_matcher("nonsense://") is None


# --- glossary bridge ----------------------------------------------------------------------


class BrokenMatcher:
    def lookup(self, text):
        raise RuntimeError("glossary down")


def test_bridge_error_answers_unbridged(domain):
    result = answers.build_answer(
        "ask_subsidy",
        parse_data("ask_subsidy", "ask_subsidy/objection"),
        domain,
        matcher=BrokenMatcher(),
        explained=["x"],
    )
    assert result.explained == ["x"]
    assert result.terms == []
    assert "bezwaar" in result.messages[0]["text"]


def test_bridge_with_real_matcher_explains_once_and_never_in_source(domain):
    from glossary import matcher as matcher_mod
    from glossary import model
    entry = model.Entry(
        id="aanbestedingswet", pref_label="Aanbestedingswet", plain="de wet over inkopen door de overheid",
        status="vastgesteld",
    )
    entry2 = model.Entry(
        id="voorbehouden-opdracht", pref_label="voorbehouden opdracht",
        plain="een opdracht alleen voor sociale bedrijven", status="vastgesteld",
    )
    matcher = matcher_mod.Matcher.build([entry, entry2], fuzzy=False)
    data = parse_data("ask_procurement", "ask_procurement/reserved_contracts")
    first = answers.build_answer("ask_procurement", data, domain, matcher=matcher, explained=[])
    text = first.messages[0]["text"]
    assert "voorbehouden opdracht (een opdracht alleen voor sociale bedrijven)" in text
    assert first.explained == ["voorbehouden-opdracht"]
    assert first.terms[0]["id"] == "voorbehouden-opdracht"
    # the source line mentions the Aanbestedingswet but is never bridged
    assert "Aanbestedingswet 2012, art. 2.82." in text.splitlines()[-1]
    assert "(de wet over" not in text
    second = answers.build_answer("ask_procurement", data, domain, matcher=matcher, explained=first.explained)
    assert "(een opdracht alleen voor sociale bedrijven)" not in second.messages[0]["text"]
    assert second.terms == []


@pytest.mark.parametrize(
    ("original", "bridged", "ok"),
    [
        ("Dat heet subsidie. Klaar.", "Dat heet subsidie (geld). Klaar.", True),
        ("Social return (ook wel SROI) werkt zo.", "Social return (ook wel SROI (geld voor werk)) werkt zo.", False),
        ("Dat heet staatssteun en dat mag niet.", "Dat heet staatssteun en (steun) dat mag niet.", False),
    ],
)
def test_insertion_guard(original, bridged, ok):
    assert answers.insertion_ok(original, bridged) is ok


def test_bad_bridge_insertion_answers_unbridged(monkeypatch):
    from glossary import bridge as bridge_mod

    def fake_bridge(text, matcher, explained):
        return bridge_mod.BridgeResult(
            text=text.replace("SROI)", "SROI (geld voor werk))"),
            explained=[*explained, "sroi"],
            terms=[{"id": "sroi", "term": "SROI", "plain": "geld voor werk"}],
        )

    monkeypatch.setattr(bridge_mod, "bridge_text", fake_bridge)
    text, done, terms = answers.bridge("Social return (ook wel SROI) werkt zo.", object(), ["x"])
    assert text == "Social return (ook wel SROI) werkt zo."
    assert done == ["x"] and terms == []
