"""Tests for the pure parts of tools.eval: markup, typos, folds and scores."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

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


@pytest.mark.parametrize(
    "source", [nlu_eval.TEST_SET, nlu_eval.DEV_SET, nlu_eval.FINAL_SET], ids=["selection", "dev", "final"]
)
def test_typos_are_deterministic_and_committed_file_is_current(source):
    test = nlu_eval.load_examples([source])
    assert nlu_eval.typo_examples(test) == nlu_eval.typo_examples(test)
    target = nlu_eval.TYPO_FILES[source]
    assert target.read_text(encoding="utf-8") == nlu_eval.typo_file_text(test, source), (
        f"{target.name} is out of date: run python -m tools.eval --write-typos"
    )
    typos = nlu_eval.typo_examples(test)
    changed = sum(a.text != b.text for a, b in zip(test, typos, strict=True))
    assert changed >= 0.95 * len(test)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_held_out_set_covers_every_intent_with_15_examples():
    test = nlu_eval.load_examples([nlu_eval.TEST_SET])
    train = nlu_eval.load_examples(sorted(nlu_eval.NLU_DIR.glob("*.yml")))
    counts: dict[str, int] = {}
    for ex in test:
        counts[ex.intent] = counts.get(ex.intent, 0) + 1
    for intent in {ex.intent for ex in train}:
        assert counts.get(intent, 0) >= 15, intent


@pytest.mark.parametrize(
    "source", nlu_eval.ALL_TEST_FILES,
    ids=["selection", "selection_typos", "dev", "dev_typos", "final", "final_typos"],
)
def test_no_test_sentence_is_copied_into_the_training_data(source):
    train_texts = {_norm(ex.text) for ex in nlu_eval.load_examples(sorted(nlu_eval.NLU_DIR.glob("*.yml")))}
    copies = [ex.text for ex in nlu_eval.load_examples([source]) if _norm(ex.text) in train_texts]
    assert not copies, f"test sentences in data/nlu/: {copies[:5]}"


def test_no_training_example_overlaps_a_test_sentence():
    """Held out means more than no exact copy: by the inbox's own rule (punctuation, a typo or a
    sentence inside a longer one), no training example may be too alike to a test sentence."""
    train = nlu_eval.load_examples(sorted(nlu_eval.NLU_DIR.glob("*.yml")))
    tests = nlu_eval.load_examples(nlu_eval.ALL_TEST_FILES)
    pairs = nlu_eval.overlapping_examples(train, tests)
    # Only the training side is named: the final set's sentences are never printed.
    assert not pairs, "remove from data/nlu/: " + "; ".join(repr(a.markup) for a, _ in pairs[:20])


def test_overlapping_examples_finds_near_copies_and_only_those():
    def ex(text: str, intent: str = "greet") -> nlu_eval.Example:
        return nlu_eval.Example(text, intent, intent, (), text)

    tests = [
        ex("Bedankt!", "thanks"),
        ex("hoe schrijf ik mijn bedrijf in bij de kvk", "ask_starting_business"),
        ex("wat is een zienswijze", "define_term"),
    ]
    train = [
        ex("bedankt", "thanks"),  # punctuation only
        ex("hoe schrijf ik mijn bedrijf in bij kvk"),  # one word less
        ex("wat is een zienswijze en hoe dien ik die in"),  # the test sentence inside it
        ex("hoe schrijf ik me in"),  # shares words, not four in a row
        ex("wat is een raamovereenkomst"),  # shares three words
        ex("dank je wel"),
    ]
    found = [(a.text, b.text) for a, b in nlu_eval.overlapping_examples(train, tests)]
    assert found == [
        ("bedankt", "Bedankt!"),
        ("hoe schrijf ik mijn bedrijf in bij kvk", "hoe schrijf ik mijn bedrijf in bij de kvk"),
        ("wat is een zienswijze en hoe dien ik die in", "wat is een zienswijze"),
    ]


def test_final_set_has_every_sub_answer():
    final = nlu_eval.load_examples([nlu_eval.FINAL_SET])
    train = nlu_eval.load_examples(sorted(nlu_eval.NLU_DIR.glob("*.yml")))
    sub_answers = {ex.full_intent for ex in train if "/" in ex.full_intent}
    assert sub_answers and sub_answers <= {ex.full_intent for ex in final}


def test_final_set_is_held_out_from_the_sets_used_for_choices():
    """The final set shares no sentence (by the inbox's rule) with the selection or development
    set: a pipeline chosen on those must not have seen a final sentence's near-copy."""
    others = nlu_eval.load_examples([nlu_eval.TEST_SET, nlu_eval.DEV_SET])
    final = nlu_eval.load_examples([nlu_eval.FINAL_SET])
    assert len(final) >= 500
    pairs = nlu_eval.overlapping_examples(others, final)
    assert not pairs, "reword in the final set: " + "; ".join(repr(b.text) for _, b in pairs[:5])


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


def _ranked(*pairs):
    return {"intent": {"name": pairs[0][0], "confidence": pairs[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in pairs]}


def test_deployed_at_applies_the_threshold_and_the_ambiguity_threshold():
    parse = _ranked(("nlu_fallback", 0.5), ("out_of_scope", 0.42), ("greet", 0.2))
    assert nlu_eval.deployed_at(parse, 0.5, 0.1) == "nlu_fallback"  # below our threshold
    assert nlu_eval.deployed_at(parse, 0.3, 0.1) == "out_of_scope"  # above Rasa's default
    close = _ranked(("ask_permit", 0.55), ("ask_subsidy", 0.5))
    assert nlu_eval.deployed_at(close, 0.3, 0.1) == "nlu_fallback"  # too close to call
    assert nlu_eval.deployed_at(close, 0.3, 0.01) == "ask_permit"


def test_oos_recall_is_compared_at_the_same_threshold():
    ex = nlu_eval.Example
    examples = [ex("weer morgen", "out_of_scope", "out_of_scope"), ex("pizza", "out_of_scope", "out_of_scope")]
    parses = [_ranked(("ask_permit", 0.4), ("out_of_scope", 0.1)), _ranked(("out_of_scope", 0.9), ("greet", 0.05))]
    s = nlu_eval.score_set(examples, parses, thresholds={"chosen": (0.5, 0.1), "own": (0.3, 0.1)})
    assert s["oos_recall_at"]["chosen"]["recall"] == pytest.approx(1.0)  # 0.4 < 0.5: fallback
    assert s["oos_recall_at"]["own"]["recall"] == pytest.approx(0.5)  # 0.4 >= 0.3: ask_permit


def test_fallback_thresholds_come_from_the_pipeline():
    config = nlu_eval.load_config()
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    assert nlu_eval.fallback_thresholds(config["pipeline"]) == (fallback["threshold"], fallback["ambiguity_threshold"])
    with pytest.raises(ValueError):
        nlu_eval.fallback_thresholds([{"name": "DIETClassifier"}])


def test_final_set_scores_keep_no_individual_errors():
    ex = nlu_eval.Example
    examples = [ex("hoi", "greet", "greet"), ex("doei", "goodbye", "goodbye")]
    parses = [_ranked(("greet", 0.9)), _ranked(("greet", 0.9))]
    final = nlu_eval.score_set(examples, parses, keep_errors=False)
    selection = nlu_eval.score_set(examples, parses)
    assert "errors" not in final and "doei" not in str(final)
    assert final["confusions"] == [{"gold": "goodbye", "predicted": "greet", "count": 1}]
    assert selection["errors"][0]["text"] == "doei"


def test_baseline_is_the_pipeline_of_rasas_own_default_config_file():
    import rasa

    path = Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / "default_config.yml"
    assert nlu_eval.rasa_default_config_file() == path
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))["pipeline"]
    config = nlu_eval.baseline_config(nlu_eval.load_config())
    assert config["pipeline"] == [c for c in expected if c["name"] != "ResponseSelector"]
    assert "policies" not in config
    assert nlu_eval.fallback_thresholds(nlu_eval.baseline_pipeline()) == (0.3, 0.1)


def test_cross_validation_folds_get_the_lookups_synonyms_and_regexes(tmp_path):
    files = sorted(nlu_eval.NLU_DIR.glob("*.yml"))
    extras = nlu_eval.nlu_extras_yaml(files)
    blocks = [b for f in files for b in (yaml.safe_load(f.read_text(encoding="utf-8")).get("nlu") or [])]
    wanted = {(k, str(b[k])) for b in blocks for k in nlu_eval.EXTRA_KINDS if k in b}
    assert any(k == "lookup" for k, _ in wanted) and any(k == "synonym" for k, _ in wanted)
    parsed = yaml.safe_load(extras)["nlu"]
    got = {(k, str(b[k])) for b in parsed for k in nlu_eval.EXTRA_KINDS if k in b}
    assert got == wanted
    lookup = next(b for b in blocks if "lookup" in b)
    again = next(b for b in parsed if b.get("lookup") == lookup["lookup"])
    assert again["examples"].split() == str(lookup["examples"]).split()
    fold = nlu_eval.fold_training_files([nlu_eval.Example("hoi", "greet", "greet", (), "hoi")], extras)
    assert fold["extras.yml"] == extras and "- hoi" in fold["examples.yml"]
    # Rasa reads the extras as lookup tables and synonyms.
    from rasa.shared.nlu.training_data.loading import load_data

    (tmp_path / "extras.yml").write_text(extras, encoding="utf-8")
    td = load_data(str(tmp_path / "extras.yml"))
    assert td.lookup_tables and td.entity_synonyms


def test_candidates_never_repeat_the_chosen_pipeline_and_keep_the_diet_one():
    config = nlu_eval.load_config()
    chosen = config["pipeline"]
    candidates = nlu_eval.candidate_pipelines(config)
    assert chosen not in candidates.values()
    no_spacy = candidates["without spaCy (WhitespaceTokenizer)"]
    assert [c["name"] for c in no_spacy][0] == "WhitespaceTokenizer"
    assert {c["name"] for c in no_spacy} - {"WhitespaceTokenizer"} == {
        c["name"] for c in chosen} - {"SpacyNLP", "SpacyTokenizer"}
    diet = candidates["DIET and ResponseSelector (chosen until 2026-12-02)"]
    names = [c["name"] for c in diet]
    assert "DIETClassifier" in names and "ResponseSelector" in names
    two = next(c for c in candidates["DIET two transformer layers of 256"] if c["name"] == "DIETClassifier")
    assert (two["number_of_transformer_layers"], two["transformer_size"]) == (2, 256)
    # A candidate is a copy: changing it leaves the next candidate list as it was.
    next(c for c in diet if c["name"] == "DIETClassifier")["epochs"] = 1
    again = nlu_eval.candidate_pipelines(config)["DIET and ResponseSelector (chosen until 2026-12-02)"]
    assert next(c for c in again if c["name"] == "DIETClassifier")["epochs"] == 30


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
    diet = nlu_eval.DIET_PIPELINE
    names = [c["name"] for c in nlu_eval.with_pipeline(config, diet, keep_response_selector=True)["pipeline"]]
    assert "ResponseSelector" in names
    assert "ResponseSelector" not in [c["name"] for c in nlu_eval.with_pipeline(config, diet)["pipeline"]]
    # The chosen pipeline picks its sub-answers in the intent classifier: nothing is dropped.
    chosen = nlu_eval.with_pipeline(config, config["pipeline"])["pipeline"]
    assert chosen == config["pipeline"]
    assert "bot.plugins.linear_nlu.LinearIntentClassifier" in [c["name"] for c in chosen]


def _fake_parse(text: str) -> dict:
    intent = "greet" if "hoi" in text.lower() or "hallo" in text.lower() else "out_of_scope"
    return {"intent": {"name": intent, "confidence": 0.9},
            "intent_ranking": [{"name": intent, "confidence": 0.9}], "entities": []}


def test_main_writes_reports_without_the_final_sets_errors(tmp_path, monkeypatch):
    trained: list[tuple[str, list[str]]] = []

    def fake_train(config, files, workdir, name):
        trained.append((name, sorted(files)))
        return name, 1.0

    monkeypatch.setattr(nlu_eval, "train_model", fake_train)
    monkeypatch.setattr(nlu_eval, "parse_all", lambda model, texts: [_fake_parse(t) for t in texts])
    monkeypatch.setattr(nlu_eval, "timed_parse_all", lambda model, texts: ([_fake_parse(t) for t in texts], 1.5))
    monkeypatch.setattr(nlu_eval, "nlu_training_yaml", lambda: "nlu: []")
    monkeypatch.setattr(nlu_eval, "set_eval_environment", lambda env: None)
    code = nlu_eval.main(["--folds", "2", "--out", str(tmp_path)])
    assert code == 1  # the fake model does not meet the targets
    report = json.loads((tmp_path / "nlu.json").read_text(encoding="utf-8"))
    md = (tmp_path / "nlu.md").read_text(encoding="utf-8")
    assert [n for n, _ in trained] == ["full", "fold1", "fold2", "full"]
    assert trained[1][1] == ["examples.yml", "extras.yml"]
    selection = [
        ex.text for ex in nlu_eval.load_examples(
            [nlu_eval.TEST_SET, nlu_eval.TYPO_SET, nlu_eval.DEV_SET, nlu_eval.DEV_TYPO_SET]
        )
    ]
    final_texts = [
        ex.text for ex in nlu_eval.load_examples([nlu_eval.FINAL_SET, nlu_eval.FINAL_TYPO_SET])
        if len(ex.text) > 12 and not any(ex.text in s for s in selection)
    ]
    finals = [
        [p["sets"]["final"], p["sets"]["final_typos"], p["subanswers"]] for p in report["pipelines"].values()
    ]
    blob = json.dumps(finals, ensure_ascii=False) + md
    assert len(final_texts) > 400
    assert not [t for t in final_texts if t in blob]
    for pipeline in report["pipelines"].values():
        assert "errors" not in pipeline["sets"]["final"] and "errors" not in pipeline["sets"]["final_typos"]
        assert pipeline["sets"]["selection"]["errors"] and pipeline["sets"]["dev"]["errors"]
    assert set(report["targets"]) == {"final_accuracy", "final_typos_accuracy", "final_oos_recall"}
    assert report["meta"]["final_set_runs"] == 1
    assert report["meta"]["final_set_id"] == nlu_eval.final_set_id()
    assert "## Errors, development set" in md
    assert report["pipelines"]["chosen (config.yml)"]["subanswers"]["final"]["n"] > 0
    assert "own" in report["pipelines"]["baseline (Rasa default_config.yml)"]["sets"]["final"]["oos_recall_at"]
    nlu_eval.main(["--folds", "0", "--no-baseline", "--out", str(tmp_path)])
    again = json.loads((tmp_path / "nlu.json").read_text(encoding="utf-8"))
    assert again["meta"]["final_set_runs"] == 2


def test_selection_only_never_parses_the_final_set_nor_counts_it(tmp_path, monkeypatch):
    parsed: list[str] = []
    trained: list[str] = []

    def fake_parse(model, texts):
        parsed.extend(texts)
        return [_fake_parse(t) for t in texts], 2.0

    def fake_train(config, files, workdir, name):
        trained.append(str(workdir.name))
        return name, 1.0

    monkeypatch.setattr(nlu_eval, "train_model", fake_train)
    monkeypatch.setattr(nlu_eval, "timed_parse_all", fake_parse)
    monkeypatch.setattr(nlu_eval, "nlu_training_yaml", lambda: "nlu: []")
    monkeypatch.setattr(nlu_eval, "set_eval_environment", lambda env: None)
    meta = {"final_set_runs": 2, "final_set_id": nlu_eval.final_set_id()}
    (tmp_path / "nlu.json").write_text(json.dumps({"meta": meta}), encoding="utf-8")
    code = nlu_eval.main(
        ["--selection-only", "--folds", "0", "--candidates", "until 2026-12-02", "--out", str(tmp_path)]
    )
    assert code == 0
    assert trained == ["chosen", "candidate0"]  # no baseline; only the named candidate
    selection = {
        ex.text for ex in nlu_eval.load_examples(
            [nlu_eval.TEST_SET, nlu_eval.TYPO_SET, nlu_eval.DEV_SET, nlu_eval.DEV_TYPO_SET]
        )
    }
    final = {ex.text for ex in nlu_eval.load_examples([nlu_eval.FINAL_SET, nlu_eval.FINAL_TYPO_SET])}
    assert parsed and set(parsed) <= selection and not (set(parsed) & (final - selection))
    report = json.loads((tmp_path / "selection.json").read_text(encoding="utf-8"))
    assert set(report["pipelines"]) == {"chosen (config.yml)", "DIET and ResponseSelector (chosen until 2026-12-02)"}
    assert report["pipelines"]["chosen (config.yml)"]["parse_cpu_ms"] == 2.0
    assert set(report["pipelines"]["chosen (config.yml)"]["sets"]) == {
        "selection", "selection_typos", "dev", "dev_typos"
    }
    md = (tmp_path / "selection.md").read_text(encoding="utf-8")
    assert "## Errors: chosen (config.yml), selection" in md and "## Errors: chosen (config.yml), dev" in md
    assert json.loads((tmp_path / "nlu.json").read_text(encoding="utf-8"))["meta"]["final_set_runs"] == 2


def test_a_recheck_kept_in_reports_counts_as_a_run_of_the_final_set(tmp_path):
    (tmp_path / "nlu.json").write_text(
        json.dumps({"meta": {"final_set_runs": 1, "final_set_id": "abc"}}), encoding="utf-8"
    )
    assert nlu_eval.previous_final_set_runs(tmp_path, "abc") == 1
    (tmp_path / "recheck").mkdir()
    (tmp_path / "recheck" / "nlu-2026-12-02.json").write_text(
        json.dumps({"meta": {"final_set_runs": 2, "final_set_id": "abc"}}), encoding="utf-8"
    )
    (tmp_path / "recheck" / "broken.json").write_text("{", encoding="utf-8")
    assert nlu_eval.previous_final_set_runs(tmp_path, "abc") == 2
    assert nlu_eval.previous_final_set_runs(tmp_path / "empty", "abc") == 0


def test_runs_of_a_replaced_final_set_are_not_counted_for_the_new_one(tmp_path):
    # Reports of the retired final set carry another id (or none: they predate the id).
    (tmp_path / "nlu.json").write_text(json.dumps({"meta": {"final_set_runs": 3}}), encoding="utf-8")
    (tmp_path / "recheck").mkdir()
    (tmp_path / "recheck" / "old.json").write_text(
        json.dumps({"meta": {"final_set_runs": 4, "final_set_id": "old"}}), encoding="utf-8"
    )
    assert nlu_eval.previous_final_set_runs(tmp_path, "new") == 0
    assert nlu_eval.previous_final_set_runs(tmp_path, "old") == 4


def test_final_set_id_changes_with_the_file(tmp_path):
    a, b = tmp_path / "a.yml", tmp_path / "b.yml"
    a.write_text("nlu: []\n", encoding="utf-8")
    b.write_text("nlu: []\n# reworded\n", encoding="utf-8")
    assert nlu_eval.final_set_id(a) == nlu_eval.final_set_id(a) != nlu_eval.final_set_id(b)
    assert len(nlu_eval.final_set_id(a)) == 12
