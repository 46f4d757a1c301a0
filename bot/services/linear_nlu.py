"""A linear intent and sub-answer classifier: the assistant's NLU model (pure Python, no Rasa).

Two linear support vector machines (scikit-learn's ``LinearSVC``, its default ``C=1``) on
TF-IDF features of a sentence: character n-grams of 1 to 4 letters within words (robust to
typos and Dutch compounds) and word uni- and bigrams of the lemmas (spaCy). One model picks
the intent, the other the sub-answer (``ask_procurement/thresholds``) among the sub-answers of
that intent. Why not DIET and the ResponseSelector: on the selection and development sets this
scored higher and costs a fraction of the CPU per message and of the training time
(docs/development.md, "NLU", history item 4).

Confidences: an SVM gives scores, not probabilities. They become probabilities with a softmax
whose one scale factor is fitted on out-of-fold scores of the training data (temperature
scaling), so the FallbackClassifier's threshold keeps its meaning: 0.5 is "about even odds".

Persisted without pickle (a model file is data, never code): the vocabularies and IDF weights
as JSON, the weights as a NumPy ``.npz`` read with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

from bot.services.spelling import Corrector

CHAR_NGRAMS = (1, 4)
WORD_NGRAMS = (1, 2)
C = 1.0  # scikit-learn's default, not tuned on any test set
FOLDS = 5
SCALES = tuple(float(k) for k in np.arange(0.5, 30.01, 0.5))
SEED = 42
CORRECT_TYPOS = True
META_FILE = "linear_nlu.json"
WEIGHTS_FILE = "linear_nlu.npz"
_WORD_PATTERN = r"(?u)\b\w+\b"


@dataclass(frozen=True)
class Sentence:
    """What the model reads of a message: the text, and its lemmas (or the words)."""

    text: str
    lemmas: tuple[str, ...] = ()

    def char_input(self) -> str:
        return self.text.lower()

    def word_input(self) -> str:
        return " ".join(self.lemmas).lower() if self.lemmas else self.text.lower()


class Features:
    """TF-IDF of character n-grams (of the text) and word n-grams (of the lemmas), each read
    after typo correction against the training words (``bot.services.spelling``)."""

    def __init__(self, correct: bool = CORRECT_TYPOS) -> None:
        self.correct = correct
        self.char_words = Corrector()
        self.word_words = Corrector()
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True)
        self.word = TfidfVectorizer(
            analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True, token_pattern=_WORD_PATTERN
        )

    def fit_transform(self, sentences: Sequence[Sentence]) -> sparse.csr_matrix:
        return self._both(sentences, fit=True)

    def transform(self, sentences: Sequence[Sentence]) -> sparse.csr_matrix:
        return self._both(sentences, fit=False)

    def _both(self, sentences: Sequence[Sentence], fit: bool) -> sparse.csr_matrix:
        char = self.char.fit_transform if fit else self.char.transform
        word = self.word.fit_transform if fit else self.word.transform
        chars = [s.char_input() for s in sentences]
        words = [s.word_input() for s in sentences]
        if self.correct:
            if fit:
                self.char_words, self.word_words = Corrector.fit(chars), Corrector.fit(words)
            chars = [self.char_words.text(t) for t in chars]
            words = [self.word_words.text(t) for t in words]
        a = char(chars)
        b = word(words)
        return sparse.hstack([a, b]).tocsr()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: {"vocabulary": {k: int(v) for k, v in vec.vocabulary_.items()},
                                      "idf": [float(x) for x in vec.idf_]}
                               for name, vec in (("char", self.char), ("word", self.word))}
        if self.correct:
            out["spelling"] = {"char": self.char_words.counts, "word": self.word_words.counts}
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Features:
        spelling = data.get("spelling")  # absent: a model saved without typo correction
        out = cls(correct=spelling is not None)
        if spelling is not None:
            out.char_words = Corrector(spelling["char"])
            out.word_words = Corrector(spelling["word"])
        for name in ("char", "word"):
            vec = getattr(out, name)
            vec.vocabulary = dict(data[name]["vocabulary"])
            vec.fit(["x"])  # sets the fixed vocabulary up; the IDF weights come next
            vec.idf_ = np.asarray(data[name]["idf"], dtype=np.float64)
        return out


def softmax(scores: np.ndarray, scale: float) -> np.ndarray:
    z = scores * scale
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_scale(scores: np.ndarray, gold: np.ndarray, scales: Sequence[float] = SCALES) -> float:
    """The softmax scale with the lowest negative log-likelihood of the gold labels."""

    def nll(k: float) -> float:
        p = softmax(scores, k)[np.arange(len(gold)), gold]
        return float(-np.mean(np.log(p + 1e-12)))

    return min(scales, key=nll)


@dataclass
class LinearModel:
    """One linear SVM over the features: labels, weights and the fitted softmax scale."""

    labels: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    scale: float = 1.0

    def scores(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef.T) + self.intercept


def _svm(x: sparse.csr_matrix, y: Sequence[str]) -> LinearModel:
    labels = sorted(set(y))
    if len(labels) == 1:  # one label: always that one
        return LinearModel(labels, np.zeros((1, x.shape[1])), np.zeros(1))
    svm = LinearSVC(C=C, random_state=SEED).fit(x, y)
    coef, intercept = svm.coef_, svm.intercept_
    if len(labels) == 2:  # scikit-learn keeps one row for two classes: make it two
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]])
    return LinearModel([str(c) for c in svm.classes_], np.asarray(coef), np.asarray(intercept))


def _out_of_fold_scores(sentences: Sequence[Sentence], y: Sequence[str], labels: list[str],
                        folds: int = FOLDS) -> np.ndarray:
    """Scores of every training sentence by a model that did not see it (for the scale)."""
    out = np.full((len(sentences), len(labels)), -10.0)
    n_splits = min(folds, len(sentences))
    if n_splits < 2:
        return out
    index = {label: i for i, label in enumerate(labels)}
    for train_idx, test_idx in KFold(n_splits, shuffle=True, random_state=SEED).split(sentences):
        feats = Features()
        x = feats.fit_transform([sentences[i] for i in train_idx])
        model = _svm(x, [y[i] for i in train_idx])
        s = model.scores(feats.transform([sentences[i] for i in test_idx]))
        cols = [index[label] for label in model.labels]
        block = np.full((len(test_idx), len(labels)), -10.0)
        block[:, cols] = s
        out[test_idx] = block
    return out


@dataclass
class Prediction:
    intent_ranking: list[tuple[str, float]]
    sub_answer: str | None = None  # the full retrieval key, for a retrieval intent
    sub_answer_ranking: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class Classifier:
    features: Features
    intents: LinearModel
    sub_answers: LinearModel | None

    def __post_init__(self) -> None:
        # Per intent, the columns of its sub-answers (read for every message, built once).
        self._columns: dict[str, list[int]] = {}
        for i, key in enumerate(self.sub_answers.labels if self.sub_answers else []):
            self._columns.setdefault(key.split("/", 1)[0], []).append(i)

    @property
    def retrieval_intents(self) -> list[str]:
        """The intents that have sub-answers, sorted."""
        return sorted(self._columns)

    @classmethod
    def train(cls, sentences: Sequence[Sentence], labels: Sequence[str]) -> Classifier:
        """``labels`` are intents, or full retrieval keys (``ask_procurement/thresholds``)."""
        if not sentences:
            raise ValueError("Er zijn geen trainingsvoorbeelden.")
        features = Features()
        x = features.fit_transform(sentences)
        intents = [label.split("/", 1)[0] for label in labels]
        intent_model = _svm(x, intents)
        gold = np.array([intent_model.labels.index(i) for i in intents])
        oof = _out_of_fold_scores(sentences, intents, intent_model.labels)
        intent_model.scale = fit_scale(oof, gold)
        keyed = [i for i, label in enumerate(labels) if "/" in label]
        sub_model = None
        if keyed:
            sub_model = _svm(x[keyed], [labels[i] for i in keyed])
            keys = [labels[i] for i in keyed]
            sub_oof = _out_of_fold_scores([sentences[i] for i in keyed], keys, sub_model.labels)
            sub_model.scale = fit_scale(sub_oof, np.array([sub_model.labels.index(k) for k in keys]))
        return cls(features, intent_model, sub_model)

    def predict(self, sentences: Sequence[Sentence], ranking_length: int = 10) -> list[Prediction]:
        """Intent ranking (at most ``ranking_length``) and sub-answer of every sentence."""
        if not sentences:
            return []
        x = self.features.transform(sentences)
        probs = softmax(self.intents.scores(x), self.intents.scale)
        sub_scores = self.sub_answers.scores(x) if self.sub_answers else None
        out = []
        for row, p in enumerate(probs):
            order = np.argsort(-p)[:ranking_length]
            ranking = [(self.intents.labels[i], float(p[i])) for i in order]
            pred = Prediction(ranking)
            if sub_scores is not None and self.sub_answers is not None:
                pred.sub_answer, pred.sub_answer_ranking = self._sub_answer(
                    ranking[0][0], sub_scores[row], ranking_length
                )
            out.append(pred)
        return out

    def _sub_answer(self, intent: str, scores: np.ndarray, ranking_length: int
                    ) -> tuple[str | None, list[tuple[str, float]]]:
        """The best sub-answer of ``intent`` (None when it has none), and a ranking: first the
        sub-answers of ``intent``, then every other one by score (so that an answer for
        another intent, after a clarifying question, still finds its best sub-answer)."""
        assert self.sub_answers is not None
        labels = self.sub_answers.labels
        mine = self._columns.get(intent, [])
        own = set(mine)
        others = [i for i in range(len(labels)) if i not in own]
        ranking: list[tuple[str, float]] = []
        if mine:
            p = softmax(scores[mine], self.sub_answers.scale)
            ranking += [(labels[mine[i]], float(p[i])) for i in np.argsort(-p)]
        if others:
            p = softmax(scores[others], self.sub_answers.scale)
            ranking += [(labels[others[i]], float(p[i])) for i in np.argsort(-p)]
        return (ranking[0][0] if mine else None), ranking[: max(ranking_length, len(mine))]

    # --- persistence (no pickle) ---------------------------------------------------------

    def save(self, directory: Path) -> None:
        meta = {"features": self.features.to_json(),
                "intents": {"labels": self.intents.labels, "scale": self.intents.scale}}
        arrays = {"intent_coef": self.intents.coef, "intent_intercept": self.intents.intercept}
        if self.sub_answers is not None:
            meta["sub_answers"] = {"labels": self.sub_answers.labels, "scale": self.sub_answers.scale}
            arrays |= {"sub_coef": self.sub_answers.coef, "sub_intercept": self.sub_answers.intercept}
        (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(directory / WEIGHTS_FILE, **arrays)

    @classmethod
    def load(cls, directory: Path) -> Classifier:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as w:
            intents = LinearModel(list(meta["intents"]["labels"]), w["intent_coef"],
                                  w["intent_intercept"], float(meta["intents"]["scale"]))
            sub = None
            if "sub_answers" in meta:
                sub = LinearModel(list(meta["sub_answers"]["labels"]), w["sub_coef"],
                                  w["sub_intercept"], float(meta["sub_answers"]["scale"]))
        return cls(Features.from_json(meta["features"]), intents, sub)
