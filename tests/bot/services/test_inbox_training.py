"""The inbox: grouping, assigning (training examples in data/nlu/inbox.yml, checked against
duplicates and every test set), out of scope, dismissing; feedback "no" adds the question."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from bot.services import feedback, inbox, training
from bot.services.db import unit_of_work
from bot.services.learning_models import InboxMessage
from bot.services.privacy import normalise

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def root(tmp_path) -> Path:
    """A project root with the real NLU data, domain and test sets (copies)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data" / "nlu", project / "data" / "nlu")
    shutil.copytree(ROOT / "tests" / "nlu", project / "tests" / "nlu")
    shutil.copytree(ROOT / "bot" / "domain", project / "bot" / "domain")
    return project


def _add(factory, text: str, reason: str = "fallback", intent: str | None = None, n: int = 1) -> None:
    with unit_of_work(factory) as session:
        for i in range(n):
            session.add(InboxMessage(source_key=f"{text}-{i}-{reason}", asked_at=datetime(2026, 11, 30, 10, i),
                                     municipality="dijkstede", text=text, norm=normalise(text),
                                     reason=reason, intent=intent, status="open"))


def test_similar_messages_are_one_group_with_counts(learning_factory):
    _add(learning_factory, "mag ik een kraampje op de markt zetten", n=3)
    _add(learning_factory, "Mag ik een kraampje op de markt zetten?", reason="low_confidence", intent="ask_permit")
    _add(learning_factory, "mag ik een kraampje op de weekmarkt zetten")
    _add(learning_factory, "hoe vraag ik een parkeervergunning aan voor mijn busje")
    groups = inbox.groups(learning_factory)
    assert [g.count for g in groups] == [5, 1]
    first = groups[0]
    assert first.texts[0] == ("mag ik een kraampje op de markt zetten", 4)
    assert first.reasons == {"fallback": 4, "low_confidence": 1}
    assert first.guess == "ask_permit"


def test_assigning_a_group_writes_masked_examples_that_rasa_can_read(learning_factory, root):
    _add(learning_factory, "mag ik een kraampje op de markt zetten", n=2)
    _add(learning_factory, "mag ik een kraampje op de markt zetten, mail [e-mailadres]")
    group = inbox.groups(learning_factory)[0]
    decision = inbox.decide(learning_factory, root, group.ids, "assign", "a.jansen", "ask_permit/events")
    assert decision.handled == 3 and len(decision.added) == 2 and decision.skipped == []
    data = yaml.safe_load(training.nlu_path(root).read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    [item] = data["nlu"]
    assert item["intent"] == "ask_permit/events"
    lines = [line[2:] for line in item["examples"].splitlines()]
    assert lines == ["mag ik een kraampje op de markt zetten",
                     "mag ik een kraampje op de markt zetten, mail e-mailadres"]
    assert inbox.groups(learning_factory) == []
    assert [r.decision for r in inbox.handled(learning_factory)] == ["ask_permit/events"] * 3
    # a second, identical message later is skipped as a duplicate, not written twice
    _add(learning_factory, "Mag ik een kraampje op de markt zetten!")
    again = inbox.decide(learning_factory, root, inbox.groups(learning_factory)[0].ids, "assign", "a.jansen",
                         "ask_permit/events")
    assert again.added == [] and again.skipped[0][1] == "Dit voorbeeld staat er al."
    assert len(training.read_examples(training.nlu_path(root))) == 2


def test_a_test_set_sentence_never_becomes_a_training_example(learning_factory, root):
    tests = training.read_examples(root / "tests" / "nlu" / "final_set.yml")
    intent, sentence = next((i, t) for i, t in tests if i.startswith("ask_permit/"))
    assert training.check(sentence, intent, root).ok is False
    longer = f"goedemorgen, {sentence} alvast bedankt"
    result = training.check(longer, intent, root)
    assert not result.ok and "testset" in result.reason
    typo = training.read_examples(root / "tests" / "nlu" / "test_set_typos.yml")[5][1]
    assert not training.check(typo, "ask_permit/events", root).ok


def test_an_example_of_another_intent_is_refused_and_same_intent_is_already_there(root):
    existing = training.read_examples(root / "data" / "nlu" / "procurement.yml")
    intent, text = next((i, t) for i, t in existing if "/" in i)
    assert training.check(text, intent, root).already
    other = training.check(text, "ask_subsidy/apply", root)
    assert not other.ok and "ander antwoord" in other.reason


def test_out_of_scope_and_dismiss(learning_factory, root):
    _add(learning_factory, "wanneer wordt mijn grijze container geleegd")
    _add(learning_factory, "ik zoek een goede pizzeria in het centrum")
    a, b = inbox.groups(learning_factory)
    inbox.decide(learning_factory, root, a.ids, "out_of_scope", "a.jansen")
    inbox.decide(learning_factory, root, b.ids, "dismiss", "a.jansen")
    written = training.read_examples(training.nlu_path(root))
    assert written == [("out_of_scope", a.text)]
    with pytest.raises(LookupError):
        inbox.decide(learning_factory, root, b.ids, "dismiss", "a.jansen")
    with pytest.raises(ValueError):
        inbox.decide(learning_factory, root, [1], "assign", "a.jansen", "ask_permit/bestaat_niet")


def test_removing_an_example_takes_it_out_of_the_file(learning_factory, root):
    training.add(learning_factory, root, [("kan ik een kraampje huren op de braderie", "ask_permit/events"),
                                          ("hoe kom ik aan een standplaats op de markt", "ask_permit/events")],
                 "a.jansen")
    first = training.examples(learning_factory)[-1]
    training.remove(learning_factory, root, first.id)
    assert [t for _, t in training.read_examples(training.nlu_path(root))] == [
        "hoe kom ik aan een standplaats op de markt"]


def test_the_written_file_passes_rasas_reader(learning_factory, root):
    from rasa.shared.nlu.training_data.loading import load_data

    training.add(learning_factory, root, [("kan ik een kraampje huren op de braderie: ja/nee?", "ask_permit/events"),
                                          ("wat moet ik met mijn oude fiets #vraag", "out_of_scope")], "a.jansen")
    data = load_data(str(training.nlu_path(root)))
    assert sorted(m.get("intent_response_key") or m.get("intent") for m in data.training_examples) == [
        "ask_permit/events", "out_of_scope"]


def test_a_no_puts_the_question_in_the_inbox_with_the_masked_comment(learning_factory):
    answer = feedback.Answer("r" * 24, "subsidy", "apply", "dijkstede", "kan ik geld krijgen? bel 0612345678",
                             1_764_576_000.0, "sender-x")
    result = feedback.record(learning_factory, answer, feedback.Request(answer.ref, False, None),
                             today=date(2026, 12, 1))
    assert result.status == 201
    assert feedback.record(learning_factory, answer, feedback.Request(answer.ref, True, None)).status == 409
    comment = feedback.record(learning_factory, answer,
                              feedback.Request(answer.ref, None, "Ik bedoelde iets anders, mail a@b.nl"))
    assert comment.status == 200
    assert feedback.record(learning_factory, answer, feedback.Request(answer.ref, None, "nog een")).status == 409
    [group] = inbox.groups(learning_factory)
    assert group.text == "kan ik geld krijgen? bel [telefoonnummer]"
    assert group.reasons == {"feedback_no": 1} and group.guess == "ask_subsidy/apply"
    assert group.comments == ["Ik bedoelde iets anders, mail [e-mailadres]"]


def test_the_example_index_normalises_and_leaves_out_conflicts_and_one_word_examples():
    index = training.example_index([
        ("Mag ik met mijn kraam op de markt staan?", "ask_permit/events"),
        ("mag ik met mijn KRAAM op de markt staan", "ask_permit/events"),  # the same, no conflict
        ("wat is een aanbesteding", "define_term"),
        ("wat is een aanbesteding", "ask_procurement/how_to_tender"),  # two labels: left out
        ("ja", "affirm"),  # one word: the dialogue's context decides
        ("goedemorgen allemaal", "greet"),
    ])
    assert index == {"mag ik met mijn kraam op de markt staan": "ask_permit/events",
                     "goedemorgen allemaal": "greet"}
    # a third copy of a conflicting sentence does not bring it back
    again = training.example_index([("a b", "x"), ("a b", "y"), ("a b", "x")])
    assert again == {}
