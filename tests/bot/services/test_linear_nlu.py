"""The linear intent and sub-answer classifier, without Rasa: it learns, ranks, gives
probabilities that mean something, picks sub-answers within the intent, and survives a
save and load without pickle."""

from __future__ import annotations

import numpy as np
import pytest

from bot.services import linear_nlu
from bot.services.linear_nlu import Classifier, Sentence

DATA = [
    ("vanaf welk bedrag moet de gemeente europees aanbesteden", "ask_procurement/thresholds"),
    ("wat zijn de drempelbedragen voor een aanbesteding", "ask_procurement/thresholds"),
    ("tot welk bedrag mag de gemeente onderhands gunnen", "ask_procurement/thresholds"),
    ("hoe schrijf ik in op een tender", "ask_procurement/bidding"),
    ("hoe maak ik een goede inschrijving voor een aanbesteding", "ask_procurement/bidding"),
    ("wat moet er in mijn offerte voor de gemeente", "ask_procurement/bidding"),
    ("hoe vraag ik subsidie aan", "ask_subsidy/apply"),
    ("waar dien ik mijn subsidieaanvraag in", "ask_subsidy/apply"),
    ("welk formulier is er voor een subsidieaanvraag", "ask_subsidy/apply"),
    ("hallo", "greet"), ("hoi", "greet"), ("goedemorgen", "greet"), ("hey daar", "greet"),
    ("doei", "goodbye"), ("tot ziens", "goodbye"), ("fijne dag nog", "goodbye"), ("dag dag", "goodbye"),
]


def _sentences(texts):
    return [Sentence(t, tuple(t.split())) for t in texts]


@pytest.fixture(scope="module")
def model():
    texts, labels = zip(*DATA, strict=True)
    return Classifier.train(_sentences(texts), list(labels))


def test_it_learns_intents_and_sub_answers(model):
    preds = model.predict(_sentences(["vanaf welk bedrag europees aanbesteden", "hoi hoi", "tot ziens hoor",
                                      "hoe vraag ik een subsidie aan"]))
    assert [p.intent_ranking[0][0] for p in preds] == ["ask_procurement", "greet", "goodbye", "ask_subsidy"]
    assert preds[0].sub_answer == "ask_procurement/thresholds"
    assert preds[3].sub_answer == "ask_subsidy/apply"
    assert preds[1].sub_answer is None  # small talk has no sub-answer


def test_confidences_are_probabilities_in_rank_order(model):
    (pred,) = model.predict(_sentences(["hoe schrijf ik in op een tender"]))
    confs = [c for _, c in pred.intent_ranking]
    assert confs == sorted(confs, reverse=True)
    assert 0.0 < confs[-1] and confs[0] <= 1.0
    assert sum(confs) == pytest.approx(1.0)  # all four intents are in the ranking
    assert pred.sub_answer == "ask_procurement/bidding"
    mine = [k for k, _ in pred.sub_answer_ranking if k.startswith("ask_procurement/")]
    # the intent's own sub-answers come first, then the others
    assert [k for k, _ in pred.sub_answer_ranking][: len(mine)] == mine
    assert "ask_subsidy/apply" in [k for k, _ in pred.sub_answer_ranking]


def test_ranking_length_limits_the_intent_ranking(model):
    (pred,) = model.predict(_sentences(["hallo"]), ranking_length=2)
    assert len(pred.intent_ranking) == 2


def test_fit_scale_finds_the_scale_that_fits_the_scores():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    noisy = rng.normal(0, 1, (400, 3))
    noisy[np.arange(400), gold] += 1.0  # right more often than wrong, but far from always
    clear = rng.normal(0, 0.1, (400, 3))
    clear[np.arange(400), gold] += 1.0  # always right by a wide margin
    random = rng.normal(0, 1, (400, 3))
    k_random, k_noisy, k_clear = (linear_nlu.fit_scale(s, gold) for s in (random, noisy, clear))
    assert k_random == min(linear_nlu.SCALES) < k_noisy < k_clear


def test_softmax_rows_sum_to_one_and_keep_the_order():
    p = linear_nlu.softmax(np.array([[1.0, 2.0, 0.5]]), 2.0)
    assert p.sum() == pytest.approx(1.0) and list(np.argsort(-p[0])) == [1, 0, 2]


def test_save_and_load_give_the_same_predictions_without_pickle(model, tmp_path):
    model.save(tmp_path)
    again = Classifier.load(tmp_path)
    texts = _sentences(["drempelwaarde europees", "hoi", "subsidie aanvragen hoe"])
    a, b = model.predict(texts), again.predict(texts)
    for x, y in zip(a, b, strict=True):
        assert [n for n, _ in x.intent_ranking] == [n for n, _ in y.intent_ranking]
        assert [c for _, c in x.intent_ranking] == pytest.approx([c for _, c in y.intent_ranking])
        assert x.sub_answer == y.sub_answer
    with np.load(tmp_path / linear_nlu.WEIGHTS_FILE, allow_pickle=False) as weights:
        assert {"intent_coef", "intent_intercept", "sub_coef", "sub_intercept"} <= set(weights.files)


def test_two_intents_and_no_sub_answers():
    model = Classifier.train(_sentences(["hallo", "hoi", "goedemorgen", "doei", "tot ziens", "dag hoor"]),
                             ["greet", "greet", "greet", "goodbye", "goodbye", "goodbye"])
    assert model.sub_answers is None
    (pred,) = model.predict(_sentences(["hallo daar"]))
    assert pred.intent_ranking[0][0] == "greet" and len(pred.intent_ranking) == 2
    assert pred.sub_answer is None and pred.sub_answer_ranking == []


def test_no_training_examples_is_a_clear_error():
    with pytest.raises(ValueError, match="geen trainingsvoorbeelden"):
        Classifier.train([], [])


def test_lemmas_feed_the_word_features():
    # The same text, different lemmas: the word part of the features differs.
    f = linear_nlu.Features()
    x = f.fit_transform([Sentence("liep hard", ("lopen", "hard")), Sentence("loopt snel", ("lopen", "snel"))])
    y = f.transform([Sentence("liep hard", ("liep", "hard"))])
    assert (x[0] != y).nnz > 0
