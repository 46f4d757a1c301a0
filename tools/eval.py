"""NLU benchmark (``make eval``): the chosen pipeline (config.yml) against Rasa's default.

In one run, for each pipeline:
- train on all of data/ and score the held-out test set ``tests/nlu/test_set.yml``;
- score a copy of it with one seeded keyboard typo per sentence (``tests/nlu/test_set_typos.yml``,
  generated deterministically from the clean set; ``--write-typos`` rewrites the file);
- 5-fold cross-validation on the training data (stratified by (retrieval) intent) for the
  chosen pipeline; ``--baseline-cv`` adds it for the baseline too (five more trainings). The
  targets compare the pipelines on the held-out sets, which both always get.

Every benchmark training leaves out the ResponseSelector (both pipelines): it does not change
intents or entities, and without it the run stays under 40 minutes on 2 shared cores.

Printed and written to ``reports/nlu.json`` and ``reports/nlu.md``: intent accuracy and
macro-F1, per-intent F1, confusion pairs, out_of_scope recall (handled = predicted out_of_scope
or fell back), entity F1 for ``term`` and training time. Retrieval intents are scored on their
base intent (``ask_procurement/thresholds`` -> ``ask_procurement``).

Two readings of the intent are scored: ``classifier`` is the best real intent (the first
non-``nlu_fallback`` entry of the ranking: what DIET thinks); ``deployed`` is what the assistant
acts on (``nlu_fallback`` when unsure, which then asks a clarifying question). The targets in the
issue are checked on the classifier reading; out_of_scope recall uses the deployed reading.

    python -m tools.eval                 # the benchmark (7 trainings, about 15-30 minutes on 2 cores)
    python -m tools.eval --folds 0       # no cross-validation (held-out sets only)
    python -m tools.eval --candidates    # also compare alternative pipelines on the held-out sets
    python -m tools.eval --write-typos   # only (re)write tests/nlu/test_set_typos.yml
"""

from __future__ import annotations

import argparse
import asyncio
import copy
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
TEST_SET = ROOT / "tests" / "nlu" / "test_set.yml"
TYPO_SET = ROOT / "tests" / "nlu" / "test_set_typos.yml"
REPORT_DIR = ROOT / "reports"
TYPO_SEED = 20261128
FOLD_SEED = 42
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
ENTITY = "term"

TARGETS = {"heldout_macro_f1": 0.92, "typos_macro_f1": 0.88, "oos_recall": 0.85}

# The pipeline `rasa init` writes (Rasa 3.6), used as the baseline.
BASELINE_PIPELINE: list[dict[str, Any]] = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100, "constrain_similarities": True},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]


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


def typo_file_text(examples: Sequence[Example]) -> str:
    header = (
        "# GENERATED by `python -m tools.eval --write-typos` from tests/nlu/test_set.yml\n"
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


def score_set(examples: Sequence[Example], parses: Sequence[dict[str, Any]]) -> dict[str, Any]:
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
    result["entity_term"] = score_entities([ex.entities for ex in examples], [predicted_spans(p) for p in parses])
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


def score_subanswers(examples: Sequence[Example], parses: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How often the assistant picks the right sub-answer (``ask_procurement/thresholds``).

    Only examples of retrieval intents count. The sub-answer is chosen as action_answer does
    (``bot.services.answers.select_subkey``) for the example's own topic, so this measures the
    ResponseSelector apart from the intent classifier.
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
    return {
        "n": total,
        "accuracy": right / total if total else 0.0,
        "per_intent": {i: {"accuracy": r / n, "n": n} for i, (r, n) in sorted(per_intent.items())},
        "confusions": [{"gold": g, "predicted": p, "count": c} for (g, p), c in confusions.most_common()],
    }


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
    entities, so every benchmark training leaves it out: that halves the CPU cost (2 shared
    cores) and keeps ``make eval`` under 40 minutes. Training times are for the rest."""
    out = copy.deepcopy(config)
    out["pipeline"] = [c for c in out["pipeline"] if c["name"] != "ResponseSelector"]
    return out


def baseline_config(config: dict[str, Any]) -> dict[str, Any]:
    return with_pipeline(config, BASELINE_PIPELINE)


def train_model(config: dict[str, Any], nlu_yaml: str, workdir: Path, name: str) -> tuple[str, float]:
    """Train an NLU model on ``nlu_yaml`` (+ the domain's retrieval responses). Returns (path, s)."""
    from rasa.model_training import train_nlu

    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / f"{name}.config.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = workdir / f"{name}.nlu.yml"
    data.write_text(nlu_yaml, encoding="utf-8")
    start = time.monotonic()
    path = train_nlu(str(cfg), str(data), str(workdir), fixed_model_name=name, domain=str(DOMAIN_DIR))
    seconds = time.monotonic() - start
    if not path:
        raise RuntimeError(f"Training {name} failed.")
    return str(path), seconds


def parse_all(model_path: str, texts: Sequence[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    async def run() -> list[dict[str, Any]]:
        agent = Agent.load(model_path)
        return [await agent.parse_message(t) for t in texts]

    return asyncio.run(run())


def nlu_training_yaml() -> str:
    """All NLU training data (data/nlu/*.yml, incl. lookup tables and synonyms) in one file."""
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(NLU_DIR), language="nl").nlu_as_yaml()


@dataclass
class PipelineResult:
    name: str
    train_seconds: float = 0.0
    heldout: dict[str, Any] = field(default_factory=dict)
    typos: dict[str, Any] = field(default_factory=dict)
    cv: dict[str, Any] = field(default_factory=dict)


def evaluate_pipeline(
    name: str,
    config: dict[str, Any],
    train_yaml: str,
    train_examples: Sequence[Example],
    test: Sequence[Example],
    typos: Sequence[Example],
    folds: int,
    workdir: Path,
) -> PipelineResult:
    result = PipelineResult(name)
    log(f"[{name}] training on all data ...")
    model, result.train_seconds = train_model(config, train_yaml, workdir, name)
    log(f"[{name}] trained in {result.train_seconds:.0f} s; scoring the held-out sets ...")
    parses = parse_all(model, [ex.text for ex in test] + [ex.text for ex in typos])
    result.heldout = score_set(test, parses[: len(test)])
    result.typos = score_set(typos, parses[len(test) :])
    if folds > 1:
        gold_all: list[Example] = []
        parses_all: list[dict[str, Any]] = []
        for k, idx in enumerate(stratified_folds(train_examples, folds)):
            held = set(idx)
            train_part = [ex for i, ex in enumerate(train_examples) if i not in held]
            test_part = [train_examples[i] for i in idx]
            log(f"[{name}] cross-validation fold {k + 1}/{folds} ...")
            fold_model, _ = train_model(config, examples_to_yaml(train_part), workdir, f"{name}-fold{k + 1}")
            gold_all += test_part
            parses_all += parse_all(fold_model, [ex.text for ex in test_part])
        result.cv = score_set(gold_all, parses_all)
        result.cv["folds"] = folds
    return result


def evaluate_subanswers(
    config: dict[str, Any], train_examples: Sequence[Example], workdir: Path
) -> dict[str, Any]:
    """Train the whole pipeline (with the ResponseSelector) on 4/5 of the training data and
    score the sub-answers of the other fifth (the first cross-validation fold)."""
    held = set(stratified_folds(train_examples, 5)[0])
    train_part = [ex for i, ex in enumerate(train_examples) if i not in held]
    test_part = [train_examples[i] for i in sorted(held)]
    log("[sub-answers] training with the ResponseSelector on 4/5 of the data ...")
    model, seconds = train_model(config, examples_to_yaml(train_part), workdir, "subanswers")
    result = score_subanswers(test_part, parse_all(model, [ex.text for ex in test_part]))
    result["train_seconds"] = seconds
    return result


# --- reporting -------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _pct(x: float) -> str:
    return f"{x:.3f}"


def target_check(chosen: PipelineResult, baseline: PipelineResult | None) -> dict[str, Any]:
    figures = {
        "heldout_macro_f1": chosen.heldout["macro_f1"],
        "typos_macro_f1": chosen.typos["macro_f1"],
        "oos_recall": chosen.heldout["oos_recall"],
    }
    base = (
        {
            "heldout_macro_f1": baseline.heldout["macro_f1"],
            "typos_macro_f1": baseline.typos["macro_f1"],
            "oos_recall": baseline.heldout["oos_recall"],
        }
        if baseline
        else {}
    )
    return {
        key: {
            "value": value,
            "target": TARGETS[key],
            "meets_target": value >= TARGETS[key],
            "baseline": base.get(key),
            "better_than_baseline": (value > base[key]) if key in base else None,
        }
        for key, value in figures.items()
    }


def markdown_report(results: list[PipelineResult], checks: dict[str, Any], meta: dict[str, Any]) -> str:
    lines = ["# NLU benchmark", ""]
    lines.append(
        f"Training examples: {meta['train_examples']}. Held-out test set: {meta['test_examples']} "
        f"examples (`tests/nlu/test_set.yml`), the same with one seeded typo per sentence "
        f"(`tests/nlu/test_set_typos.yml`). Cross-validation: {meta['folds']} folds. "
        "Intents scored on their base intent. `classifier` = best real intent; `deployed` = with "
        "the FallbackClassifier (nlu_fallback when unsure)."
    )
    lines += ["", "## Summary", ""]
    lines.append(
        "| pipeline | train s | held-out acc | held-out macro-F1 | typos macro-F1 | CV macro-F1 "
        "| OOS recall | term F1 | deployed acc | fallback rate |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        cv = _pct(r.cv["macro_f1"]) if r.cv else "-"
        lines.append(
            f"| {r.name} | {r.train_seconds:.0f} | {_pct(r.heldout['accuracy'])} | "
            f"{_pct(r.heldout['macro_f1'])} | {_pct(r.typos['macro_f1'])} | {cv} | "
            f"{_pct(r.heldout['oos_recall'])} | {_pct(r.heldout['entity_term']['f1'])} | "
            f"{_pct(r.heldout['deployed']['accuracy'])} | {_pct(r.heldout['deployed']['fallback_rate'])} |"
        )
    if checks:
        lines += ["", "## Targets (chosen pipeline)", "", "| figure | value | target | met | baseline | better |"]
        lines.append("|---|---|---|---|---|---|")
        for key, c in checks.items():
            base = _pct(c["baseline"]) if c["baseline"] is not None else "-"
            better = {True: "yes", False: "NO", None: "-"}[c["better_than_baseline"]]
            lines.append(
                f"| {key} | {_pct(c['value'])} | {c['target']} | {'yes' if c['meets_target'] else 'NO'} "
                f"| {base} | {better} |"
            )
    lines += ["", "## Per-intent F1 (held-out, classifier)", ""]
    intents = sorted(results[0].heldout["per_intent"])
    lines.append("| intent | " + " | ".join(r.name for r in results) + " |")
    lines.append("|---|" + "---|" * len(results))
    for intent in intents:
        cells = [_pct(r.heldout["per_intent"].get(intent, {}).get("f1", 0.0)) for r in results]
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    for r in results:
        lines += ["", f"## Confusion pairs: {r.name}", ""]
        for label, scores in (("held-out", r.heldout), ("typos", r.typos), ("cross-validation", r.cv)):
            if not scores:
                continue
            pairs = scores["confusions"][:12]
            text = ", ".join(f"{p['gold']} -> {p['predicted']} ({p['count']})" for p in pairs) or "none"
            lines.append(f"- {label}: {text}")
    sub = meta.get("subanswers")
    if sub:
        lines += ["", "## Sub-answers (ResponseSelector, chosen pipeline)", ""]
        lines.append(
            f"Trained with the ResponseSelector on 4/5 of the training data, scored on the other "
            f"fifth: the right sub-answer for {sub['n']} examples of topic intents, accuracy "
            f"{_pct(sub['accuracy'])}."
        )
        lines += ["", "| topic intent | accuracy | examples |", "|---|---|---|"]
        for intent, v in sub["per_intent"].items():
            lines.append(f"| {intent} | {_pct(v['accuracy'])} | {v['n']} |")
        pairs = ", ".join(f"{p['gold']} -> {p['predicted']} ({p['count']})" for p in sub["confusions"][:12])
        lines += ["", f"Most confused: {pairs or 'none'}"]
    chosen = results[0]
    lines += ["", f"## Held-out errors: {chosen.name}", "", "| text | gold | predicted | deployed | conf |"]
    lines.append("|---|---|---|---|---|")
    for err in chosen.heldout.get("errors", []):
        text = err["text"].replace("|", "/")
        lines.append(
            f"| {text} | {err['gold']} | {err['predicted']} | {err['deployed']} | {err['confidence']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def result_json(r: PipelineResult) -> dict[str, Any]:
    return {"train_seconds": r.train_seconds, "heldout": r.heldout, "typos": r.typos, "cv": r.cv}



def candidate_pipelines(config: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Alternatives to the chosen pipeline, compared with ``--candidates`` (held-out sets only)."""
    chosen = config["pipeline"]

    def replace(pipeline: list[dict[str, Any]], name: str, **changes: Any) -> list[dict[str, Any]]:
        out = copy.deepcopy(pipeline)
        for comp in out:
            if comp["name"] == name:
                comp.update(changes)
        return out

    no_spacy = [c for c in copy.deepcopy(chosen) if c["name"] not in ("SpacyNLP", "SpacyTokenizer")]
    no_spacy.insert(0, {"name": "WhitespaceTokenizer"})
    char_25 = copy.deepcopy(chosen)
    for comp in char_25:
        if comp.get("analyzer") == "char_wb":
            comp.update(min_ngram=2, max_ngram=5)
    return {
        "without spaCy (WhitespaceTokenizer)": no_spacy,
        "char n-grams 2-5": char_25,
        **{
            f"DIET {epochs} epochs": replace(chosen, "DIETClassifier", epochs=epochs)
            for epochs in (30, 50, 100)
            if _epochs(chosen, "DIETClassifier") != epochs
        },
    }


def _epochs(pipeline: list[dict[str, Any]], name: str) -> int | None:
    return next((c.get("epochs") for c in pipeline if c["name"] == name), None)


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.eval",
        description="NLU-benchmark: gekozen pipeline (config.yml) tegen Rasa's standaardpipeline.",
        epilog="Voorbeeld: python -m tools.eval --folds 5",
    )
    parser.add_argument("--folds", type=int, default=5, help="aantal folds voor cross-validatie (0 = geen)")
    parser.add_argument("--no-baseline", action="store_true", help="sla de standaardpipeline over")
    parser.add_argument(
        "--baseline-cv", action="store_true", help="ook cross-validatie voor de standaardpipeline (+5 trainingen)"
    )
    parser.add_argument("--candidates", action="store_true", help="vergelijk ook alternatieve pipelines")
    parser.add_argument(
        "--no-subanswers", action="store_true", help="sla de meting van de deelantwoorden over (-1 training)"
    )
    parser.add_argument("--write-typos", action="store_true", help="schrijf alleen tests/nlu/test_set_typos.yml")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="map voor nlu.json en nlu.md")
    args = parser.parse_args(argv)

    test = load_examples([TEST_SET])
    if args.write_typos:
        TYPO_SET.write_text(typo_file_text(test), encoding="utf-8")
        print(f"Geschreven: {TYPO_SET.relative_to(ROOT)} ({len(test)} zinnen).")
        return 0

    set_eval_environment(os.environ)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    try:  # Rasa 3.6 logs every parse with structlog at debug level
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except Exception:  # noqa: BLE001 - only cosmetic
        pass
    typos = load_examples([TYPO_SET]) if TYPO_SET.exists() else typo_examples(test)
    train_examples = load_examples(sorted(NLU_DIR.glob("*.yml")))
    train_yaml = nlu_training_yaml()
    config = load_config()
    started = time.monotonic()
    results: list[PipelineResult] = []
    with tempfile.TemporaryDirectory(prefix="gemeentetolk-eval-") as tmp:
        work = Path(tmp)
        chosen = evaluate_pipeline(
            "chosen (config.yml)", with_pipeline(config, config["pipeline"]), train_yaml,
            train_examples, test, typos, args.folds, work / "chosen",
        )  # fmt: skip
        results.append(chosen)
        baseline = None
        if not args.no_baseline:
            baseline = evaluate_pipeline(
                "baseline (rasa init)", baseline_config(config), train_yaml,
                train_examples, test, typos, args.folds if args.baseline_cv else 0, work / "baseline",
            )  # fmt: skip
            results.append(baseline)
        subanswers = None
        if not args.no_subanswers:
            subanswers = evaluate_subanswers(
                with_pipeline(config, config["pipeline"], keep_response_selector=True),
                train_examples, work / "subanswers",
            )  # fmt: skip
        if args.candidates:
            for i, (name, pipeline) in enumerate(candidate_pipelines(config).items()):
                results.append(
                    evaluate_pipeline(
                        name, with_pipeline(config, pipeline), train_yaml,
                        train_examples, test, typos, 0, work / f"candidate{i}",
                    )  # fmt: skip
                )
    checks = target_check(chosen, baseline)
    meta = {
        "train_examples": len(train_examples),
        "test_examples": len(test),
        "folds": args.folds,
        "typo_seed": TYPO_SEED,
        "minutes": (time.monotonic() - started) / 60,
        "subanswers": subanswers,
    }
    report = {"meta": meta, "targets": checks, "pipelines": {r.name: result_json(r) for r in results}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "nlu.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    md = markdown_report(results, checks, meta)
    (args.out / "nlu.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"Rapport: {args.out / 'nlu.md'} en {args.out / 'nlu.json'} ({meta['minutes']:.1f} minuten).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
