"""NLU benchmark (``make eval``): the chosen pipeline (config.yml) against Rasa's default.

Three kinds of test sets, each with a copy that has one seeded keyboard typo per sentence:

- the **selection set** ``tests/nlu/test_set.yml`` (+ ``test_set_typos.yml``): it was used to
  choose the pipeline and may be used to improve the training data. Its errors are listed.
- the **development set** ``tests/nlu/dev_set.yml`` (+ ``dev_set_typos.yml``): the retired
  final set of 2026-12-01. After three final runs it was no longer clean, so it became a second
  set to choose with. Its errors are listed too.
- the **final set** ``tests/nlu/final_set.yml`` (+ ``final_set_typos.yml``): written without
  seeing the training data or the other sets, and never used for a choice. The targets are
  checked here. The report shows only aggregate figures, per-intent F1 and confusion counts:
  its individual errors are never printed or stored, so no one tunes on them. Each report
  records which final set it scored (``final_set_id``) and how often that set was run.

Trainings (7, about 30-50 minutes on 2 shared cores):

- the chosen pipeline on all of ``data/nlu/`` (with its ResponseSelector, so the sub-answers
  are scored on both sets);
- the baseline: the pipeline of Rasa's own default config file
  (``rasa/engine/recipes/config_files/default_config.yml`` in the installed package), without
  its ResponseSelector (which does not change intents);
- 5-fold cross-validation of the chosen pipeline on the training data (stratified by
  (retrieval) intent). Every fold gets the same lookup tables, synonyms and regexes of
  ``data/nlu/`` as the full training; only the examples are split.

Two readings of the intent: ``classifier`` is the best real intent (the first non-``nlu_fallback``
entry of the ranking: what DIET thinks, and what the accuracy targets use); ``deployed`` is what
the assistant acts on (``nlu_fallback`` when unsure: it then asks a clarifying question).
out_of_scope recall (handled = out_of_scope or a fallback) is computed from the intent ranking at
a given FallbackClassifier threshold, so both pipelines are compared at the same threshold
(ours, from config.yml) and the baseline also at its own. Retrieval intents are scored on their
base intent (``ask_procurement/thresholds`` -> ``ask_procurement``); sub-answer accuracy is the
share of topic examples for which the assistant picks the right sub-answer.

    python -m tools.eval                 # the benchmark, writes reports/nlu.json and reports/nlu.md
    python -m tools.eval --folds 0       # no cross-validation
    python -m tools.eval --candidates    # also compare alternative pipelines (selection and dev sets)
    python -m tools.eval --write-typos   # only (re)write the three typo files
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import importlib.util
import json
import logging
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
NLU_DIR = DATA_DIR / "nlu"
DOMAIN_DIR = ROOT / "bot" / "domain"
CONFIG = ROOT / "config.yml"
TEST_SET = ROOT / "tests" / "nlu" / "test_set.yml"  # the selection set
TYPO_SET = ROOT / "tests" / "nlu" / "test_set_typos.yml"
DEV_SET = ROOT / "tests" / "nlu" / "dev_set.yml"  # the retired final set, now for selection too
DEV_TYPO_SET = ROOT / "tests" / "nlu" / "dev_set_typos.yml"
FINAL_SET = ROOT / "tests" / "nlu" / "final_set.yml"
FINAL_TYPO_SET = ROOT / "tests" / "nlu" / "final_set_typos.yml"
TYPO_FILES = {TEST_SET: TYPO_SET, DEV_SET: DEV_TYPO_SET, FINAL_SET: FINAL_TYPO_SET}
ALL_TEST_FILES = (TEST_SET, TYPO_SET, DEV_SET, DEV_TYPO_SET, FINAL_SET, FINAL_TYPO_SET)
REPORT_DIR = ROOT / "reports"
TYPO_SEED = 20261128
FOLD_SEED = 42
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
ENTITY = "term"

# The targets of issue #11, all on the final set.
TARGETS = {"final_accuracy": 0.95, "final_typos_accuracy": 0.92, "final_oos_recall": 0.9}

# The six scored sets: name -> (is it the final set, description).
SETS = {
    "selection": (False, "selection set (tests/nlu/test_set.yml)"),
    "selection_typos": (False, "selection set with typos (tests/nlu/test_set_typos.yml)"),
    "dev": (False, "development set, the retired final set (tests/nlu/dev_set.yml)"),
    "dev_typos": (False, "development set with typos (tests/nlu/dev_set_typos.yml)"),
    "final": (True, "final set (tests/nlu/final_set.yml)"),
    "final_typos": (True, "final set with typos (tests/nlu/final_set_typos.yml)"),
}


def rasa_default_config_file() -> Path:
    """Rasa's own default config file in the installed package (found without importing rasa)."""
    spec = importlib.util.find_spec("rasa")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Rasa is niet geïnstalleerd.")
    base = Path(next(iter(spec.submodule_search_locations)))
    return base / "engine" / "recipes" / "config_files" / "default_config.yml"


def baseline_pipeline() -> list[dict[str, Any]]:
    """The pipeline of Rasa's default config file: the baseline."""
    data = yaml.safe_load(rasa_default_config_file().read_text(encoding="utf-8"))
    return list(data["pipeline"])


# --- examples and markup ---------------------------------------------------------------------

_ENTITY_MARKUP = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<paren>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str  # base intent
    full_intent: str  # with retrieval key when there is one
    entities: tuple[tuple[int, int, str], ...] = ()
    markup: str = ""


def parse_markup(markup: str) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """``wat is [aanbesteding](term)`` -> plain text and (start, end, entity) spans."""
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for m in _ENTITY_MARKUP.finditer(markup):
        before = markup[pos : m.start()]
        out.append(before)
        length += len(before)
        surface = m.group("text")
        if m.group("paren"):
            entity = m.group("paren").split(":", 1)[0].strip()
        else:
            try:
                entity = str(json.loads(m.group("json")).get("entity", ""))
            except ValueError:
                entity = ""
        spans.append((length, length + len(surface), entity))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(markup[pos:])
    return "".join(out), tuple(spans)


def load_examples(paths: Iterable[Path]) -> list[Example]:
    """Intent examples from Rasa NLU YAML files (lookup tables, synonyms and regexes skipped)."""
    examples: list[Example] = []
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block or not block.get("examples"):
                continue
            full = str(block["intent"])
            for line in str(block["examples"]).splitlines():
                line = line.strip()
                if not line.startswith("- "):
                    continue
                markup = line[2:].strip()
                text, spans = parse_markup(markup)
                examples.append(Example(text, full.split("/", 1)[0], full, spans, markup))
    return examples


def overlapping_examples(
    train: Sequence[Example], tests: Sequence[Example]
) -> list[tuple[Example, Example]]:
    """(training example, test sentence) pairs that are too alike to call the test held out.

    The rule is the inbox's (``bot.services.training.overlaps`` on ``privacy.normalise``d text):
    equal, one inside the other (4+ words), or nearly the same letters. For speed, only the
    pairs that rule could accept are given to it: those with a shared run of four words, and
    those whose letter counts agree for 90% (``SequenceMatcher.quick_ratio``, an upper bound
    of the ratio the rule needs), found with numpy over all test sentences at once.
    """
    import numpy as np

    from bot.services import privacy, training

    test_by_norm: dict[str, Example] = {}
    for ex in tests:
        test_by_norm.setdefault(privacy.normalise(ex.text), ex)
    norms = list(test_by_norm)
    train_norms = [privacy.normalise(ex.text) for ex in train]
    alphabet = {c: i for i, c in enumerate(sorted({c for t in norms + train_norms for c in t}))}

    def counts(text: str) -> Any:
        vec = np.zeros(len(alphabet), dtype=np.int32)
        for c in text:
            vec[alphabet[c]] += 1
        return vec

    matrix = np.stack([counts(t) for t in norms]) if norms else np.zeros((0, len(alphabet)), np.int32)
    lengths = matrix.sum(axis=1)
    four_grams: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for i, t in enumerate(norms):
        words = t.split()
        for k in range(len(words) - 3):
            four_grams[tuple(words[k : k + 4])].add(i)

    pairs: list[tuple[Example, Example]] = []
    for ex, norm in zip(train, train_norms, strict=True):
        vec = counts(norm)
        common = np.minimum(matrix, vec).sum(axis=1)
        candidates = set(np.nonzero(2 * common >= 0.9 * (lengths + len(norm)))[0].tolist())
        words = norm.split()
        for k in range(len(words) - 3):
            candidates |= four_grams.get(tuple(words[k : k + 4]), set())
        hit = next((norms[i] for i in sorted(candidates) if training.overlaps(norm, norms[i])), None)
        if hit is not None:
            pairs.append((ex, test_by_norm[hit]))
    return pairs


def examples_to_yaml(examples: Sequence[Example], header: str = "") -> str:
    groups: dict[str, list[str]] = defaultdict(list)
    for ex in examples:
        groups[ex.full_intent].append(ex.markup)
    lines = [header] if header else []
    lines += ['version: "3.1"', "", "nlu:"]
    for intent, items in groups.items():
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {item}" for item in items]
        lines.append("")
    return "\n".join(lines)


# --- seeded keyboard typos -------------------------------------------------------------------

_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _neighbours() -> dict[str, str]:
    pos = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
    out: dict[str, str] = {}
    for ch, (r, c) in pos.items():
        near = [
            other
            for other, (r2, c2) in pos.items()
            if other != ch and abs(r - r2) <= 1 and abs(c - c2) <= 1 and other.isalpha() == ch.isalpha()
        ]
        out[ch] = "".join(sorted(near))
    return out


NEIGHBOURS = _neighbours()


def typo_word(word: str, rng: random.Random) -> str:
    """One keyboard typo: a neighbouring key, a dropped, doubled or swapped letter."""
    letters = [i for i, ch in enumerate(word) if ch.lower() in NEIGHBOURS]
    if not letters:
        return word
    kind = rng.choice(["neighbour", "drop", "double", "swap"])
    i = rng.choice(letters)
    if kind == "neighbour":
        return word[:i] + rng.choice(NEIGHBOURS[word[i].lower()]) + word[i + 1 :]
    if kind == "drop" and len(word) > 3:
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i + 1 < len(word) and word[i + 1] != word[i]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[: i + 1] + word[i] + word[i + 1 :]


def add_typo(markup: str, rng: random.Random) -> str:
    """Put one typo in one word of an annotated example; the annotation stays valid."""
    pieces: list[list[str]] = []  # [text, suffix-markup] pairs; entity text may get the typo too
    pos = 0
    for m in _ENTITY_MARKUP.finditer(markup):
        pieces.append([markup[pos : m.start()], ""])
        pieces.append(["[" + m.group("text"), "]" + markup[m.start() + len(m.group("text")) + 2 : m.end()]])
        pos = m.end()
    pieces.append([markup[pos:], ""])
    words = [
        (p, w.start(), w.end())
        for p, piece in enumerate(pieces)
        for w in re.finditer(r"[A-Za-zÀ-ÿ]{3,}", piece[0])
    ]
    if not words:
        words = [(p, w.start(), w.end()) for p, piece in enumerate(pieces) for w in re.finditer(r"\w+", piece[0])]
    if not words:
        return markup
    p, start, end = rng.choice(words)
    text = pieces[p][0]
    pieces[p][0] = text[:start] + typo_word(text[start:end], rng) + text[end:]
    return "".join(text + suffix for text, suffix in pieces)


def typo_examples(examples: Sequence[Example], seed: int = TYPO_SEED) -> list[Example]:
    rng = random.Random(seed)
    out = []
    for ex in examples:
        markup = add_typo(ex.markup, rng)
        text, spans = parse_markup(markup)
        out.append(Example(text, ex.intent, ex.full_intent, spans, markup))
    return out


def typo_file_text(examples: Sequence[Example], source: Path = TEST_SET) -> str:
    header = (
        f"# GENERATED by `python -m tools.eval --write-typos` from {source.relative_to(ROOT).as_posix()}\n"
        f"# (one seeded keyboard typo per sentence, seed {TYPO_SEED}). Do not edit by hand."
    )
    return examples_to_yaml(typo_examples(examples), header)


# --- scoring (pure) --------------------------------------------------------------------------


def score_intents(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the gold intents, per-intent scores and confusion pairs."""
    labels = sorted(set(gold))
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    pairs: Counter = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
            pairs[(g, p)] += 1
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        prec = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        rec = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = {"precision": prec, "recall": rec, "f1": f1, "support": tp[label] + fn[label]}
    n = len(gold)
    return {
        "n": n,
        "accuracy": sum(tp.values()) / n if n else 0.0,
        "macro_f1": sum(v["f1"] for v in per.values()) / len(per) if per else 0.0,
        "per_intent": per,
        "confusions": [
            {"gold": g, "predicted": p, "count": c}
            for (g, p), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def score_entities(
    gold: Sequence[Iterable[tuple[int, int, str]]],
    pred: Sequence[Iterable[tuple[int, int, str]]],
    entity: str = ENTITY,
) -> dict[str, float]:
    """Exact-span precision, recall and F1 for one entity type (micro over all sentences)."""
    tp = n_gold = n_pred = 0
    for g, p in zip(gold, pred, strict=True):
        gs = {s for s in g if s[2] == entity}
        ps = {s for s in p if s[2] == entity}
        tp += len(gs & ps)
        n_gold += len(gs)
        n_pred += len(ps)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return {
        "precision": prec,
        "recall": rec,
        "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
        "support": n_gold,
    }


def fallback_thresholds(pipeline: Sequence[dict[str, Any]]) -> tuple[float, float]:
    """(threshold, ambiguity_threshold) of the pipeline's FallbackClassifier (Rasa's defaults
    0.3 and 0.1 when a key is missing)."""
    for comp in pipeline:
        if comp.get("name") == "FallbackClassifier":
            return float(comp.get("threshold", 0.3)), float(comp.get("ambiguity_threshold", 0.1))
    raise ValueError("De pipeline heeft geen FallbackClassifier.")


def _real_ranking(parse: dict[str, Any]) -> list[tuple[str, float]]:
    ranking = [
        (str(item.get("name") or ""), float(item.get("confidence") or 0.0))
        for item in parse.get("intent_ranking") or []
        if item.get("name") and item.get("name") != FALLBACK
    ]
    if not ranking and (parse.get("intent") or {}).get("name") not in (None, FALLBACK):
        intent = parse["intent"]
        ranking = [(str(intent["name"]), float(intent.get("confidence") or 0.0))]
    return sorted(ranking, key=lambda kv: -kv[1])


def deployed_at(parse: dict[str, Any], threshold: float, ambiguity_threshold: float) -> str:
    """What Rasa's FallbackClassifier would give at this threshold: ``nlu_fallback`` when the
    best real intent's confidence is below ``threshold`` or the best two are closer than
    ``ambiguity_threshold``; otherwise the best intent (base name)."""
    ranking = _real_ranking(parse)
    if not ranking or ranking[0][1] < threshold:
        return FALLBACK
    if len(ranking) > 1 and ranking[0][1] - ranking[1][1] < ambiguity_threshold:
        return FALLBACK
    return ranking[0][0].split("/", 1)[0]


def oos_recall(gold: Sequence[str], deployed: Sequence[str]) -> float:
    """Share of out_of_scope messages that were handled: out_of_scope or a fallback."""
    picked = [d for g, d in zip(gold, deployed, strict=True) if g == OUT_OF_SCOPE]
    if not picked:
        return 0.0
    return sum(d in (OUT_OF_SCOPE, FALLBACK) for d in picked) / len(picked)


def classifier_intent(parse: dict[str, Any]) -> str:
    for item in parse.get("intent_ranking") or []:
        name = str(item.get("name") or "")
        if name and name != FALLBACK:
            return name.split("/", 1)[0]
    return str((parse.get("intent") or {}).get("name") or FALLBACK).split("/", 1)[0]


def deployed_intent(parse: dict[str, Any]) -> str:
    return str((parse.get("intent") or {}).get("name") or FALLBACK).split("/", 1)[0]


def predicted_spans(parse: dict[str, Any]) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (int(e["start"]), int(e["end"]), str(e["entity"]))
        for e in parse.get("entities") or []
        if "start" in e and "end" in e
    )


def score_set(
    examples: Sequence[Example],
    parses: Sequence[dict[str, Any]],
    *,
    keep_errors: bool = True,
    thresholds: dict[str, tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """Scores of one test set. ``keep_errors=False`` (the final set) leaves out the individual
    errors; ``thresholds`` (name -> (threshold, ambiguity)) adds out_of_scope recall at each."""
    gold = [ex.intent for ex in examples]
    clf = [classifier_intent(p) for p in parses]
    dep = [deployed_intent(p) for p in parses]
    result = score_intents(gold, clf)
    deployed = score_intents(gold, dep)
    result["deployed"] = {
        "accuracy": deployed["accuracy"],
        "macro_f1": deployed["macro_f1"],
        "fallback_rate": sum(d == FALLBACK for d in dep) / len(dep) if dep else 0.0,
    }
    result["oos_recall"] = oos_recall(gold, dep)
    result["oos_recall_at"] = {
        name: {
            "threshold": t,
            "ambiguity_threshold": a,
            "recall": oos_recall(gold, [deployed_at(p, t, a) for p in parses]),
        }
        for name, (t, a) in (thresholds or {}).items()
    }
    result["entity_term"] = score_entities([ex.entities for ex in examples], [predicted_spans(p) for p in parses])
    if keep_errors:
        result["errors"] = [
            {
                "text": ex.text,
                "gold": ex.intent,
                "predicted": c,
                "deployed": d,
                "confidence": round(float((p.get("intent") or {}).get("confidence") or 0.0), 3),
            }
            for ex, c, d, p in zip(examples, clf, dep, parses, strict=True)
            if c != ex.intent or (ex.intent == OUT_OF_SCOPE and d not in (OUT_OF_SCOPE, FALLBACK))
        ]
    return result


def score_subanswers(
    examples: Sequence[Example], parses: Sequence[dict[str, Any]], *, keep_confusions: bool = True
) -> dict[str, Any]:
    """How often the assistant picks the right sub-answer (``ask_procurement/thresholds``).

    Only examples of retrieval intents count. The sub-answer is chosen as action_answer does
    (``bot.services.answers.select_subkey``) for the example's own topic, so this measures the
    ResponseSelector apart from the intent classifier. Confusion pairs name only keys (never
    sentences); ``keep_confusions=False`` leaves even those out.
    """
    from bot.services.answers import select_subkey

    per_intent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter[tuple[str, str]] = Counter()
    for ex, parse in zip(examples, parses, strict=True):
        if "/" not in ex.full_intent:
            continue
        chosen = f"{ex.intent}/{select_subkey(parse, ex.intent)}"
        per_intent[ex.intent][1] += 1
        if chosen == ex.full_intent:
            per_intent[ex.intent][0] += 1
        else:
            confusions[(ex.full_intent, chosen)] += 1
    right = sum(r for r, _ in per_intent.values())
    total = sum(n for _, n in per_intent.values())
    out: dict[str, Any] = {
        "n": total,
        "accuracy": right / total if total else 0.0,
        "per_intent": {i: {"accuracy": r / n, "n": n} for i, (r, n) in sorted(per_intent.items())},
    }
    if keep_confusions:
        out["confusions"] = [{"gold": g, "predicted": p, "count": c} for (g, p), c in confusions.most_common()]
    return out


# --- cross-validation folds ------------------------------------------------------------------


def stratified_folds(examples: Sequence[Example], k: int, seed: int = FOLD_SEED) -> list[list[int]]:
    """k lists of indices, each (retrieval) intent spread evenly over the folds."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, ex in enumerate(examples):
        by_label[ex.full_intent].append(i)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for label in sorted(by_label):
        idx = by_label[label][:]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[(j + offset) % k].append(i)
        offset += len(idx)
    return [sorted(f) for f in folds]


EXTRA_KINDS = ("lookup", "synonym", "regex")


def nlu_extras_yaml(paths: Iterable[Path]) -> str:
    """The lookup tables, synonyms and regexes of the NLU files as one Rasa NLU YAML file.

    Every cross-validation fold trains on its examples plus this file, so a fold gets the same
    inputs as the full training except the held-out examples."""
    lines = ['version: "3.1"', "", "nlu:"]
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            kind = next((k for k in EXTRA_KINDS if k in block), None)
            if kind is None:
                continue
            lines += [f"  - {kind}: {json.dumps(str(block[kind]), ensure_ascii=False)}", "    examples: |"]
            lines += [f"      {line.strip()}" for line in str(block.get("examples") or "").splitlines() if line.strip()]
            lines.append("")
    return "\n".join(lines)


# --- training and parsing with Rasa ----------------------------------------------------------


def load_config(path: Path = CONFIG) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def with_pipeline(
    config: dict[str, Any], pipeline: list[dict[str, Any]], keep_response_selector: bool = False
) -> dict[str, Any]:
    """An NLU-only config with ``pipeline``; without the ResponseSelector (see below) unless
    ``keep_response_selector`` (the sub-answer measurement needs it)."""
    out = copy.deepcopy(config)
    out["pipeline"] = copy.deepcopy(pipeline)
    out.pop("policies", None)
    return out if keep_response_selector else without_response_selector(out)


def without_response_selector(config: dict[str, Any]) -> dict[str, Any]:
    """The pipeline without ResponseSelector. It runs after DIET and does not change intents or
    entities, so the baseline and the folds leave it out (saves CPU on 2 shared cores)."""
    out = copy.deepcopy(config)
    out["pipeline"] = [c for c in out["pipeline"] if c["name"] != "ResponseSelector"]
    return out


def baseline_config(config: dict[str, Any]) -> dict[str, Any]:
    """Our config (language, recipe) with the pipeline of Rasa's default config file."""
    return with_pipeline(config, baseline_pipeline())


def train_model(
    config: dict[str, Any], nlu_files: dict[str, str], workdir: Path, name: str
) -> tuple[str, float]:
    """Train an NLU model on the files ``nlu_files`` (file name -> YAML text) and the domain's
    retrieval responses. Returns (model path, seconds)."""
    from rasa.model_training import train_nlu

    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / f"{name}.config.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = workdir / f"{name}-data"
    data.mkdir(parents=True, exist_ok=True)
    for filename, text in nlu_files.items():
        (data / filename).write_text(text, encoding="utf-8")
    start = time.monotonic()
    path = train_nlu(str(cfg), str(data), str(workdir), fixed_model_name=name, domain=str(DOMAIN_DIR))
    seconds = time.monotonic() - start
    if not path:
        raise RuntimeError(f"Training {name} failed.")
    return str(path), seconds


def parse_all(model_path: str, texts: Sequence[str]) -> list[dict[str, Any]]:
    return timed_parse_all(model_path, texts)[0]


def timed_parse_all(model_path: str, texts: Sequence[str]) -> tuple[list[dict[str, Any]], float]:
    """The parse of every text by the model, and the process CPU milliseconds per sentence it
    took (loading excluded: the first sentence warms the model up and is parsed again)."""
    from rasa.core.agent import Agent

    async def run() -> tuple[list[dict[str, Any]], float]:
        agent = Agent.load(model_path)
        if texts:
            await agent.parse_message(texts[0])
        start = time.process_time()
        out = [await agent.parse_message(t) for t in texts]
        return out, (time.process_time() - start) * 1000 / max(1, len(texts))

    return asyncio.run(run())


def nlu_training_yaml() -> str:
    """All NLU training data (data/nlu/*.yml, incl. lookup tables and synonyms) in one file."""
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(NLU_DIR), language="nl").nlu_as_yaml()


def fold_training_files(train_part: Sequence[Example], extras: str) -> dict[str, str]:
    """The files one cross-validation fold trains on: its examples and the shared extras."""
    return {"examples.yml": examples_to_yaml(train_part), "extras.yml": extras}


@dataclass
class PipelineResult:
    name: str
    train_seconds: float = 0.0
    parse_cpu_ms: float = 0.0  # process CPU per parsed sentence (all threads)
    sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    subanswers: dict[str, dict[str, Any]] = field(default_factory=dict)
    cv: dict[str, Any] = field(default_factory=dict)


def evaluate_pipeline(
    name: str,
    config: dict[str, Any],
    train_yaml: str,
    test_sets: dict[str, Sequence[Example]],
    thresholds: dict[str, tuple[float, float]],
    *,
    subanswers: bool,
    folds: int = 0,
    train_examples: Sequence[Example] = (),
    extras: str = "",
    workdir: Path,
) -> PipelineResult:
    result = PipelineResult(name)
    log(f"[{name}] training on all data ...")
    model, result.train_seconds = train_model(config, {"nlu.yml": train_yaml}, workdir, "full")
    log(f"[{name}] trained in {result.train_seconds:.0f} s; scoring the test sets ...")
    names = list(test_sets)
    texts = [ex.text for n in names for ex in test_sets[n]]
    parses, result.parse_cpu_ms = timed_parse_all(model, texts)
    pos = 0
    for set_name in names:
        examples = test_sets[set_name]
        part = parses[pos : pos + len(examples)]
        pos += len(examples)
        final = SETS[set_name][0]
        result.sets[set_name] = score_set(examples, part, keep_errors=not final, thresholds=thresholds)
        if subanswers:
            result.subanswers[set_name] = score_subanswers(examples, part)
    if folds > 1:
        gold_all: list[Example] = []
        parses_all: list[dict[str, Any]] = []
        cv_config = without_response_selector(config)
        for k, idx in enumerate(stratified_folds(train_examples, folds)):
            held = set(idx)
            train_part = [ex for i, ex in enumerate(train_examples) if i not in held]
            test_part = [train_examples[i] for i in idx]
            log(f"[{name}] cross-validation fold {k + 1}/{folds} ...")
            fold_model, _ = train_model(
                cv_config, fold_training_files(train_part, extras), workdir, f"fold{k + 1}"
            )
            gold_all += test_part
            parses_all += parse_all(fold_model, [ex.text for ex in test_part])
        result.cv = score_set(gold_all, parses_all, thresholds=thresholds)
        result.cv["folds"] = folds
    return result


# --- reporting -------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _pct(x: float) -> str:
    return f"{x:.3f}"


def target_check(chosen: PipelineResult, baseline: PipelineResult | None) -> dict[str, Any]:
    """The targets, on the final set (classifier accuracy; out_of_scope recall deployed at our
    threshold). The baseline's figure is at the same threshold."""

    def figures(r: PipelineResult) -> dict[str, float]:
        return {
            "final_accuracy": r.sets["final"]["accuracy"],
            "final_typos_accuracy": r.sets["final_typos"]["accuracy"],
            "final_oos_recall": r.sets["final"]["oos_recall_at"]["chosen"]["recall"],
        }

    ours = figures(chosen)
    base = figures(baseline) if baseline else {}
    return {
        key: {
            "value": value,
            "target": TARGETS[key],
            "meets_target": value >= TARGETS[key],
            "baseline": base.get(key),
            "better_than_baseline": (value > base[key]) if key in base else None,
        }
        for key, value in ours.items()
    }


def _pairs(pairs: Sequence[dict[str, Any]], limit: int = 12) -> str:
    return ", ".join(f"{p['gold']} -> {p['predicted']} ({p['count']})" for p in pairs[:limit]) or "none"


def markdown_report(results: list[PipelineResult], checks: dict[str, Any], meta: dict[str, Any]) -> str:
    chosen = results[0]
    t_ours = meta["thresholds"]["chosen"]
    lines = ["# NLU benchmark", ""]
    lines.append(
        f"Training examples: {meta['train_examples']}. Two sets to choose with (their errors are "
        f"listed below): the selection set, {meta['selection_examples']} examples "
        f"(`tests/nlu/test_set.yml`), and the development set, {meta.get('dev_examples', 0)} examples "
        "(`tests/nlu/dev_set.yml`, the retired final set). Final set (never used for a choice; the "
        f"targets are checked here): {meta['final_examples']} examples (`tests/nlu/final_set.yml`, "
        f"id {meta.get('final_set_id', '-')}). Each has a copy with one seeded typo per sentence. "
        f"Cross-validation: {meta['folds']} folds (same lookups, synonyms and regexes as the full "
        "training). Intents scored on their base intent. `classifier` = best real intent; "
        "`deployed` = with the FallbackClassifier (nlu_fallback when unsure). Baseline: the "
        "pipeline of Rasa's own `default_config.yml`. The final set's individual errors are not "
        f"shown. This final set evaluated {meta['final_set_runs']} time(s) so far."
    )
    if checks:
        lines += ["", "## Targets (chosen pipeline, final set)", "", "| figure | value | target | met | baseline | better |"]
        lines.append("|---|---|---|---|---|---|")
        for key, c in checks.items():
            base = _pct(c["baseline"]) if c["baseline"] is not None else "-"
            better = {True: "yes", False: "NO", None: "-"}[c["better_than_baseline"]]
            lines.append(
                f"| {key} | {_pct(c['value'])} | {c['target']} | {'yes' if c['meets_target'] else 'NO'} "
                f"| {base} | {better} |"
            )
    lines += ["", "## Summary", ""]
    lines.append(
        "| pipeline | set | accuracy | macro-F1 | deployed acc | fallback rate | term F1 "
        f"| OOS recall at {t_ours[0]} (ours) | OOS recall at own threshold |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for set_name, s in r.sets.items():
            own = s["oos_recall_at"].get("own", s["oos_recall_at"].get("chosen", {}))
            lines.append(
                f"| {r.name} | {set_name} | {_pct(s['accuracy'])} | {_pct(s['macro_f1'])} | "
                f"{_pct(s['deployed']['accuracy'])} | {_pct(s['deployed']['fallback_rate'])} | "
                f"{_pct(s['entity_term']['f1'])} | {_pct(s['oos_recall_at']['chosen']['recall'])} | "
                f"{_pct(own.get('recall', 0.0))} ({own.get('threshold', '-')}) |"
            )
        if r.cv:
            s = r.cv
            lines.append(
                f"| {r.name} | cross-validation ({s['folds']} folds) | {_pct(s['accuracy'])} | "
                f"{_pct(s['macro_f1'])} | {_pct(s['deployed']['accuracy'])} | "
                f"{_pct(s['deployed']['fallback_rate'])} | {_pct(s['entity_term']['f1'])} | "
                f"{_pct(s['oos_recall_at']['chosen']['recall'])} | - |"
            )
        lines.append(f"| {r.name} | training seconds (all data) | {r.train_seconds:.0f} | | | | | | |")
    if chosen.subanswers:
        lines += ["", "## Sub-answers (chosen pipeline)", ""]
        lines += ["| set | topic examples | sub-answer accuracy |", "|---|---|---|"]
        for set_name, sub in chosen.subanswers.items():
            if sub["n"]:  # the selection set's topic questions carry no sub-answer key
                lines.append(f"| {set_name} | {sub['n']} | {_pct(sub['accuracy'])} |")
        final_sub = chosen.subanswers.get("final")
        if final_sub:
            lines += ["", "| topic intent (final set) | accuracy | examples |", "|---|---|---|"]
            for intent, v in final_sub["per_intent"].items():
                lines.append(f"| {intent} | {_pct(v['accuracy'])} | {v['n']} |")
        for set_name, sub in chosen.subanswers.items():
            if sub["n"]:
                lines.append(f"- most confused sub-answers, {set_name}: {_pct_pairs(sub)}")
    for set_name in ("final", "dev", "selection"):
        if set_name not in results[0].sets:
            continue
        lines += ["", f"## Per-intent F1 ({SETS[set_name][1]}, classifier)", ""]
        intents = sorted(results[0].sets[set_name]["per_intent"])
        lines.append("| intent | " + " | ".join(r.name for r in results) + " |")
        lines.append("|---|" + "---|" * len(results))
        for intent in intents:
            cells = [_pct(r.sets[set_name]["per_intent"].get(intent, {}).get("f1", 0.0)) for r in results]
            lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    for r in results:
        lines += ["", f"## Confusion counts: {r.name}", ""]
        for set_name, s in r.sets.items():
            lines.append(f"- {set_name}: {_pairs(s['confusions'])}")
        if r.cv:
            lines.append(f"- cross-validation: {_pairs(r.cv['confusions'])}")
    for set_name in ("selection", "dev"):
        if set_name in chosen.sets:
            lines += ["", f"## Errors, {SETS[set_name][1]}: {chosen.name}", ""]
            lines += error_table(chosen.sets[set_name].get("errors", []))
    return "\n".join(lines) + "\n"


def error_table(errors: Sequence[dict[str, Any]]) -> list[str]:
    """Markdown table lines of a set's errors (never the final set's: it keeps none)."""
    lines = ["| text | gold | predicted | deployed | conf |", "|---|---|---|---|---|"]
    for err in errors:
        text = err["text"].replace("|", "/")
        lines.append(
            f"| {text} | {err['gold']} | {err['predicted']} | {err['deployed']} | {err['confidence']:.2f} |"
        )
    return lines


def _pct_pairs(sub: dict[str, Any]) -> str:
    return _pairs(sub.get("confusions") or [], 8)


def result_json(r: PipelineResult) -> dict[str, Any]:
    return {"train_seconds": r.train_seconds, "parse_cpu_ms": r.parse_cpu_ms, "sets": r.sets, "subanswers": r.subanswers, "cv": r.cv}


def final_set_id(path: Path = FINAL_SET) -> str:
    """Which final set a report scored: the first 12 hex digits of the file's SHA-256. A final
    set that is replaced (or edited) is a new final set, and its runs are counted from 0."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def final_set_runs(previous: Path, set_id: str) -> int:
    """How often the final set ``set_id`` was evaluated before, from an earlier report (0 when
    none, or when that report scored another final set)."""
    try:
        meta = json.loads(previous.read_text(encoding="utf-8"))["meta"]
        return int(meta["final_set_runs"]) if meta.get("final_set_id") == set_id else 0
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def previous_final_set_runs(out: Path, set_id: str) -> int:
    """The most runs of the final set ``set_id`` any earlier report in ``out`` counted:
    ``nlu.json`` and the re-checks kept in ``out/recheck/`` (a re-check is a run too)."""
    reports = [out / "nlu.json", *sorted((out / "recheck").glob("*.json"))]
    return max(final_set_runs(path, set_id) for path in reports)


# The pipeline chosen until 2026-12-02: DIET (one transformer layer of 128) and the
# ResponseSelector on Rasa's sparse features. Kept as a candidate, so every --candidates run
# compares the linear classifier with it.
DIET_PIPELINE: list[dict[str, Any]] = [
    {"name": "SpacyNLP", "model": "var/spacy/nl", "case_sensitive": False},
    {"name": "SpacyTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 30, "number_of_transformer_layers": 1,
     "transformer_size": 128, "constrain_similarities": True, "random_seed": 42},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100, "constrain_similarities": True, "random_seed": 42},
    {"name": "bot.plugins.known_examples.KnownExampleClassifier"},
    {"name": "FallbackClassifier", "threshold": 0.5, "ambiguity_threshold": 0.1},
]


def candidate_pipelines(config: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Alternatives to the chosen pipeline, compared with ``--candidates`` (held-out sets only)."""
    chosen = config["pipeline"]
    no_spacy = [c for c in copy.deepcopy(chosen) if c["name"] not in ("SpacyNLP", "SpacyTokenizer")]
    no_spacy.insert(0, {"name": "WhitespaceTokenizer"})
    diet_two_layers = copy.deepcopy(DIET_PIPELINE)
    for comp in diet_two_layers:
        if comp["name"] == "DIETClassifier":
            comp.update(number_of_transformer_layers=2, transformer_size=256)
    candidates = {
        "without spaCy (WhitespaceTokenizer)": no_spacy,
        "DIET and ResponseSelector (chosen until 2026-12-02)": copy.deepcopy(DIET_PIPELINE),
        # Rasa's default DIET transformer (the chosen pipeline until the morning of 2026-12-02).
        "DIET two transformer layers of 256": diet_two_layers,
    }
    # A candidate that is the chosen pipeline itself would only repeat its training.
    return {name: pipeline for name, pipeline in candidates.items() if pipeline != chosen}


def set_eval_environment(env: MutableMapping[str, str]) -> None:
    """Quiet logs, two TensorFlow threads, and no training cache.

    Rasa caches trained components by fingerprint (~/.rasa/cache): a pipeline trained on the
    same data in an earlier run would load in seconds and its training time would mean
    nothing. RASA_MAX_CACHE_SIZE=0 turns the cache off for the benchmark.
    """
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("LOG_LEVEL", "WARNING")  # also hides Rasa's epoch progress bars
    env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "1")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("RASA_MAX_CACHE_SIZE", "0")


def selection_markdown(results: Sequence[PipelineResult], meta: dict[str, Any]) -> str:
    """The report of ``--selection-only``: figures of every pipeline on the selection and
    development sets and their typo copies, and the chosen pipeline's errors there (the final
    set is not in it)."""
    lines = ["# NLU selection-set check", ""]
    lines.append(
        f"Training examples: {meta['train_examples']}. Selection set: {meta['selection_examples']} "
        f"examples (`tests/nlu/test_set.yml`); development set (the retired final set): "
        f"{meta.get('dev_examples', 0)} examples (`tests/nlu/dev_set.yml`); each with its typo copy. "
        "The final set was not used (`python -m tools.eval --selection-only`)."
    )
    lines += ["", "| pipeline | set | accuracy | macro-F1 | deployed acc | OOS recall | parse CPU ms | train s |"]
    lines.append("|---|---|---|---|---|---|---|---|")
    for r in results:
        for set_name, st in r.sets.items():
            lines.append(
                f"| {r.name} | {set_name} | {_pct(st['accuracy'])} | {_pct(st['macro_f1'])} | "
                f"{_pct(st['deployed']['accuracy'])} | {_pct(st['oos_recall_at']['chosen']['recall'])} | "
                f"{r.parse_cpu_ms:.1f} | {r.train_seconds:.0f} |"
            )
        if r.cv:
            lines.append(f"| {r.name} | cross-validation ({r.cv['folds']} folds) | {_pct(r.cv['accuracy'])} "
                         f"| {_pct(r.cv['macro_f1'])} | {_pct(r.cv['deployed']['accuracy'])} | | | |")
    chosen = results[0]
    for set_name, sub in chosen.subanswers.items():
        if sub["n"]:  # the selection set's topic questions carry no sub-answer key
            lines.append(f"- sub-answer accuracy, {set_name}: {_pct(sub['accuracy'])} ({sub['n']} topic examples)")
    for set_name in chosen.sets:
        lines += ["", f"## Errors: {chosen.name}, {set_name}", ""]
        lines += error_table(chosen.sets[set_name].get("errors", []))
    return "\n".join(lines) + "\n"


def write_selection_report(results: Sequence[PipelineResult], meta: dict[str, Any], out: Path) -> int:
    report = {"meta": meta, "pipelines": {r.name: result_json(r) for r in results}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "selection.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    md = selection_markdown(results, meta)
    (out / "selection.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"Rapport: {out / 'selection.md'} en {out / 'selection.json'} ({meta['minutes']:.1f} minuten).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.eval",
        description="NLU-benchmark: gekozen pipeline (config.yml) tegen Rasa's standaardpipeline, "
        "op de selectieset en de eindtoets.",
        epilog="Voorbeeld: python -m tools.eval --folds 5",
    )
    parser.add_argument("--folds", type=int, default=5, help="aantal folds voor cross-validatie (0 = geen)")
    parser.add_argument("--no-baseline", action="store_true", help="sla de standaardpipeline over")
    parser.add_argument(
        "--candidates", nargs="*", metavar="NAAM",
        help="vergelijk ook alternatieve pipelines (selectieset); met namen: alleen de kandidaten "
        "waarvan de naam dit stuk tekst bevat",
    )  # fmt: skip
    parser.add_argument(
        "--selection-only", action="store_true",
        help="alleen de selectieset: de eindtoets wordt niet gebruikt en niet geteld; schrijft "
        "selection.json en selection.md met de fouten van de selectie- en ontwikkelset",
    )  # fmt: skip
    parser.add_argument("--write-typos", action="store_true", help="schrijf alleen de drie typo-bestanden")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="map voor nlu.json en nlu.md")
    args = parser.parse_args(argv)

    if args.write_typos:
        for source, target in TYPO_FILES.items():
            examples = load_examples([source])
            target.write_text(typo_file_text(examples, source), encoding="utf-8")
            print(f"Geschreven: {target.relative_to(ROOT)} ({len(examples)} zinnen).")
        return 0

    set_eval_environment(os.environ)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    try:  # Rasa 3.6 logs every parse with structlog at debug level
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except Exception:  # noqa: BLE001 - only cosmetic
        pass
    test_sets = {
        "selection": load_examples([TEST_SET]),
        "selection_typos": load_examples([TYPO_SET]),
        "dev": load_examples([DEV_SET]),
        "dev_typos": load_examples([DEV_TYPO_SET]),
    }
    if not args.selection_only:
        test_sets["final"] = load_examples([FINAL_SET])
        test_sets["final_typos"] = load_examples([FINAL_TYPO_SET])
    nlu_files = sorted(NLU_DIR.glob("*.yml"))
    train_examples = load_examples(nlu_files)
    extras = nlu_extras_yaml(nlu_files)
    train_yaml = nlu_training_yaml()
    config = load_config()
    thresholds = {"chosen": fallback_thresholds(config["pipeline"])}
    base_thresholds = {**thresholds, "own": fallback_thresholds(baseline_pipeline())}
    started = time.monotonic()
    results: list[PipelineResult] = []
    with tempfile.TemporaryDirectory(prefix="gemeentetolk-eval-") as tmp:
        work = Path(tmp)
        chosen = evaluate_pipeline(
            "chosen (config.yml)", with_pipeline(config, config["pipeline"], keep_response_selector=True),
            train_yaml, test_sets, thresholds, subanswers=True, folds=args.folds,
            train_examples=train_examples, extras=extras, workdir=work / "chosen",
        )  # fmt: skip
        results.append(chosen)
        baseline = None
        if not (args.no_baseline or args.selection_only):
            baseline = evaluate_pipeline(
                "baseline (Rasa default_config.yml)", baseline_config(config), train_yaml,
                test_sets, base_thresholds, subanswers=False, workdir=work / "baseline",
            )  # fmt: skip
            results.append(baseline)
        if args.candidates is not None:
            selection_only = {k: v for k, v in test_sets.items() if not SETS[k][0]}
            chosen_candidates = {
                name: pipeline for name, pipeline in candidate_pipelines(config).items()
                if not args.candidates or any(part in name for part in args.candidates)
            }  # fmt: skip
            for i, (name, pipeline) in enumerate(chosen_candidates.items()):
                results.append(
                    evaluate_pipeline(
                        name, with_pipeline(config, pipeline), train_yaml, selection_only,
                        thresholds, subanswers=False, workdir=work / f"candidate{i}",
                    )  # fmt: skip
                )
    if args.selection_only:
        selection_meta = {
            "train_examples": len(train_examples),
            "selection_examples": len(test_sets["selection"]),
            "dev_examples": len(test_sets["dev"]),
            "folds": args.folds,
            "minutes": (time.monotonic() - started) / 60,
        }
        return write_selection_report(results, selection_meta, args.out)
    checks = target_check(chosen, baseline)
    set_id = final_set_id()
    runs = previous_final_set_runs(args.out, set_id) + 1
    meta = {
        "train_examples": len(train_examples),
        "selection_examples": len(test_sets["selection"]),
        "final_examples": len(test_sets["final"]),
        "folds": args.folds,
        "typo_seed": TYPO_SEED,
        "thresholds": {k: list(v) for k, v in base_thresholds.items()},
        "baseline_config_file": "rasa/engine/recipes/config_files/default_config.yml",
        "final_set_id": set_id,
        "final_set_runs": runs,
        "dev_examples": len(test_sets["dev"]),
        "minutes": (time.monotonic() - started) / 60,
    }
    report = {"meta": meta, "targets": checks, "pipelines": {r.name: result_json(r) for r in results}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "nlu.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    md = markdown_report([r for r in results if "final" in r.sets], checks, meta)
    (args.out / "nlu.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"Rapport: {args.out / 'nlu.md'} en {args.out / 'nlu.json'} ({meta['minutes']:.1f} minuten).")
    return 0 if all(c["meets_target"] for c in checks.values()) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
