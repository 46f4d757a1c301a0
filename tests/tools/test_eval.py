"""Tests for the pure parts of tools.eval: markup, typos, folds and scores."""

from __future__ import annotations

import random

import pytest

from tools import eval as nlu_eval


def test_parse_markup_spans():
    text, spans = nlu_eval.parse_markup("hoe werkt [aanbesteden](term) in [Dijkstede](municipality)?")
    assert text == "hoe werkt aanbesteden in Dijkstede?"
    assert spans == ((10, 21, "term"), (25, 34, "municipality"))
    assert text[10:21] == "aanbesteden"


def test_parse_markup_json_and_synonym_forms():
    text, spans = nlu_eval.parse_markup('wat is [sroi]{"entity": "term", "value": "social return"} en [pso](term:psoe)')
    assert text == "wat is sroi en pso"
    assert spans == ((7, 11, "term"), (15, 18, "term"))


def test_typo_keeps_annotation_valid_and_changes_one_word():
    rng = random.Random(1)
    markup = "ik zoek informatie over [loonkostensubsidie](term) voor mijn bedrijf"
    for _ in range(30):
        out = nlu_eval.add_typo(markup, rng)
        text, spans = nlu_eval.parse_markup(out)
        clean, _ = nlu_eval.parse_markup(markup)
        assert out != markup
        assert len(spans) == 1 and spans[0][2] == "term"
        changed = [a != b for a, b in zip(text.split(), clean.split(), strict=False)]
        assert sum(changed) <= 1 or len(text.split()) != len(clean.split())


def test_typos_are_deterministic_and_committed_file_is_current():
    test = nlu_eval.load_examples([nlu_eval.TEST_SET])
    assert nlu_eval.typo_examples(test) == nlu_eval.typo_examples(test)
    assert nlu_eval.TYPO_SET.read_text(encoding="utf-8") == nlu_eval.typo_file_text(test)
    typos = nlu_eval.typo_examples(test)
    changed = sum(a.text != b.text for a, b in zip(test, typos, strict=True))
    assert changed >= 0.95 * len(test)


def test_held_out_set_covers_every_intent_with_15_examples_and_no_training_copies():
    test = nlu_eval.load_examples([nlu_eval.TEST_SET])
    train = nlu_eval.load_examples(sorted(nlu_eval.NLU_DIR.glob("*.yml")))
    counts: dict[str, int] = {}
    for ex in test:
        counts[ex.intent] = counts.get(ex.intent, 0) + 1
    for intent in {ex.intent for ex in train}:
        assert counts.get(intent, 0) >= 15, intent
    train_texts = {ex.text.lower() for ex in train}
    assert not [ex.text for ex in test if ex.text.lower() in train_texts]


def test_stratified_folds_partition_and_balance():
    examples = [nlu_eval.Example(f"t{i}", "a" if i % 3 else "b", "a" if i % 3 else "b") for i in range(50)]
    folds = nlu_eval.stratified_folds(examples, 5)
    flat = sorted(i for f in folds for i in f)
    assert flat == list(range(50))
    assert max(len(f) for f in folds) - min(len(f) for f in folds) <= 1
    for f in folds:
        assert 3 <= sum(examples[i].intent == "b" for i in f) <= 4


def test_score_intents():
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    s = nlu_eval.score_intents(gold, pred)
    assert s["accuracy"] == pytest.approx(0.75)
    assert s["per_intent"]["a"]["f1"] == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert s["per_intent"]["b"]["f1"] == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert s["macro_f1"] == pytest.approx((s["per_intent"]["a"]["f1"] + s["per_intent"]["b"]["f1"]) / 2)
    assert s["confusions"] == [{"gold": "a", "predicted": "b", "count": 1}]


def test_score_entities_exact_spans():
    gold = [((0, 4, "term"),), ((2, 5, "term"), (7, 9, "municipality"))]
    pred = [((0, 4, "term"),), ((2, 6, "term"),)]
    s = nlu_eval.score_entities(gold, pred)
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(0.5)
    assert s["support"] == 2


def test_oos_recall_counts_fallback_as_handled():
    gold = ["out_of_scope", "out_of_scope", "out_of_scope", "greet"]
    dep = ["out_of_scope", "nlu_fallback", "ask_permit", "nlu_fallback"]
    assert nlu_eval.oos_recall(gold, dep) == pytest.approx(2 / 3)


def test_classifier_and_deployed_intent():
    parse = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [{"name": "nlu_fallback"}, {"name": "ask_permit"}, {"name": "greet"}],
    }
    assert nlu_eval.classifier_intent(parse) == "ask_permit"
    assert nlu_eval.deployed_intent(parse) == "nlu_fallback"


def test_baseline_is_rasa_init_default():
    names = [c["name"] for c in nlu_eval.BASELINE_PIPELINE]
    assert names[0] == "WhitespaceTokenizer" and "SpacyNLP" not in names
    char = [c for c in nlu_eval.BASELINE_PIPELINE if c.get("analyzer") == "char_wb"][0]
    assert (char["min_ngram"], char["max_ngram"]) == (1, 4)
    fallback = nlu_eval.BASELINE_PIPELINE[-1]
    assert (fallback["threshold"], fallback["ambiguity_threshold"]) == (0.3, 0.1)


def test_candidates_vary_one_thing_and_never_repeat_the_chosen_pipeline():
    config = nlu_eval.load_config()
    chosen = config["pipeline"]
    candidates = nlu_eval.candidate_pipelines(config)
    assert chosen not in candidates.values()
    diet_epochs = {
        name: next(c["epochs"] for c in p if c["name"] == "DIETClassifier")
        for name, p in candidates.items() if name.startswith("DIET ")
    }
    chosen_epochs = next(c["epochs"] for c in chosen if c["name"] == "DIETClassifier")
    assert chosen_epochs not in diet_epochs.values()
    assert len(diet_epochs) == 2 and all(f"DIET {e} epochs" == n for n, e in diet_epochs.items())
    assert "without spaCy (WhitespaceTokenizer)" in candidates and "char n-grams 2-5" in candidates


def test_eval_turns_rasas_training_cache_off_so_training_times_are_real():
    env: dict[str, str] = {"TF_INTRA_OP_PARALLELISM_THREADS": "1"}
    nlu_eval.set_eval_environment(env)
    assert env["RASA_MAX_CACHE_SIZE"] == "0"
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"  # a value you set yourself wins
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def _rs_parse(top: str, ranking: list[str] = ()) -> dict:
    return {"response_selector": {"default": {
        "response": {"intent_response_key": top},
        "ranking": [{"intent_response_key": k} for k in ranking],
    }}}


def test_score_subanswers_counts_only_retrieval_intents_and_uses_the_assistants_choice():
    ex = nlu_eval.Example
    examples = [
        ex("drempels?", "ask_procurement", "ask_procurement/thresholds"),
        ex("hoe bied ik", "ask_procurement", "ask_procurement/bidding"),
        ex("subsidie aanvragen", "ask_subsidy", "ask_subsidy/apply"),
        ex("hallo", "greet", "greet"),  # not a retrieval intent: not counted
    ]
    parses = [
        _rs_parse("ask_procurement/thresholds"),
        _rs_parse("ask_procurement/thresholds"),  # wrong sub-answer
        # the top response is of another topic; the assistant takes the best of its own topic
        _rs_parse("ask_procurement/bidding", ["ask_procurement/bidding", "ask_subsidy/apply"]),
        _rs_parse("ask_subsidy/apply"),
    ]
    s = nlu_eval.score_subanswers(examples, parses)
    assert s["n"] == 3
    assert s["accuracy"] == pytest.approx(2 / 3)
    assert s["per_intent"]["ask_procurement"] == {"accuracy": 0.5, "n": 2}
    assert s["per_intent"]["ask_subsidy"] == {"accuracy": 1.0, "n": 1}
    assert s["confusions"] == [
        {"gold": "ask_procurement/bidding", "predicted": "ask_procurement/thresholds", "count": 1}
    ]


def test_subanswer_measurement_keeps_the_response_selector():
    config = nlu_eval.load_config()
    names = [c["name"] for c in nlu_eval.with_pipeline(config, config["pipeline"], keep_response_selector=True)["pipeline"]]
    assert "ResponseSelector" in names
    assert "ResponseSelector" not in [c["name"] for c in nlu_eval.with_pipeline(config, config["pipeline"])["pipeline"]]


def test_markdown_report_shows_the_subanswers():
    result = nlu_eval.PipelineResult("chosen (config.yml)", 1.0)
    scores = nlu_eval.score_set([nlu_eval.Example("hoi", "greet", "greet")], [{"intent": {"name": "greet"}}])
    result.heldout = result.typos = scores
    sub = {"n": 4, "accuracy": 0.75, "per_intent": {"ask_subsidy": {"accuracy": 0.75, "n": 4}},
           "confusions": [{"gold": "ask_subsidy/apply", "predicted": "ask_subsidy/decision", "count": 1}]}
    meta = {"train_examples": 1, "test_examples": 1, "folds": 0, "subanswers": sub}
    md = nlu_eval.markdown_report([result], {}, meta)
    assert "## Sub-answers (ResponseSelector, chosen pipeline)" in md
    assert "| ask_subsidy | 0.750 | 4 |" in md
    assert "ask_subsidy/apply -> ask_subsidy/decision (1)" in md
