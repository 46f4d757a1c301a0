"""The topic registry agrees with what the NLU produces and what the domain answers."""

from __future__ import annotations

from bot.services import topics
from bot.services.municipalities import parse_profile
from glossary.model import TOPICS as GLOSSARY_TOPICS
from tests.support.knowledge import domain, domain_subanswers, nlu_intents, nlu_subanswers


def test_registry_has_exactly_the_subanswers_of_the_nlu_data_and_the_domain() -> None:
    registry = {t.key: set(t.subanswers) for t in topics.TOPICS.values()}
    assert registry == nlu_subanswers()
    assert registry == domain_subanswers()


def test_every_topic_intent_is_in_the_domain_and_has_examples() -> None:
    for topic in topics.TOPICS.values():
        assert topic.intent in domain()["intents"]
        assert any(name.startswith(topic.intent + "/") for name in nlu_intents())
        assert topic.default_subanswer in topic.subanswers


def test_national_and_local_rules_name_real_subanswers() -> None:
    nlu = nlu_subanswers()
    for topic in topics.TOPICS.values():
        for sub in topic.subanswers.values():
            assert sub.key in nlu[topic.key]
            assert set(sub.national) | set(sub.also_national) <= {"kvk", "uwv", "tenderned", "omgevingsloket"}
            assert sub.local_details in (None, topics.PROCUREMENT_BANDS, topics.SUBSIDY_SCHEMES, topics.NETWORKS)


def test_every_glossary_topic_routes_to_a_conversation_topic() -> None:
    routed = {g: topics.topic_for_glossary(g) for g in GLOSSARY_TOPICS}
    assert all(routed.values()), routed
    assert topics.topic_for_glossary("bestaat-niet") is None


def test_intent_names_map_to_topics() -> None:
    assert topics.topic_for_intent("ask_procurement/thresholds") == "procurement"
    assert topics.topic_for_intent("ask_contact") is None


PROFILE = """
name: Gemeente Proef
fictional: true
fictional_notice: "Verzonnen."
general_contact: {{phone: "14 099"}}
departments:
  - key: alles
    name: Team Alles
    role: adviseur
    description: Doet alles.
    topics: [procurement, social_return, subsidy, hiring_support, permit, starting_business, network, municipality_process]
    subtopics: [{sub}]
    contact: {{phone: "14 099"}}
"""


def test_a_profile_with_a_subanswer_that_does_not_exist_is_refused_in_dutch() -> None:
    profile, issues = parse_profile(PROFILE.format(sub="municipality_process/inspreken"), "proef.yml", "proef")
    assert profile is None
    message = str(issues[0])
    assert "proef.yml, regel" in message and "municipality_process/inspreken" in message
    assert "bestaat niet" in message and "municipality_process/speak_up" in message


def test_a_profile_with_a_real_subanswer_loads() -> None:
    profile, issues = parse_profile(PROFILE.format(sub="municipality_process/speak_up"), "proef.yml", "proef")
    assert issues == [] and profile.departments[0].subtopics == ["municipality_process/speak_up"]
