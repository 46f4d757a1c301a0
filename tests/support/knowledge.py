"""Keys as the NLU data and the domain define them, for tests.

Tests never write a sub-answer key from memory: ``sub("municipality_process", "speak_up")``
fails unless the NLU data has examples for ``ask_municipality_process/speak_up`` and the
domain has the response ``utter_ask_municipality_process/speak_up``. So a routing test cannot
pass on a key that the assistant never produces.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
_RETRIEVAL = re.compile(r"^ask_([a-z_]+)/([a-z_]+)$")


@functools.lru_cache(maxsize=1)
def nlu_intents() -> dict[str, list[str]]:
    """intent name -> its example texts (annotations removed), from data/nlu/*.yml."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in item:
                continue
            examples = [re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line[2:]).strip()
                        for line in str(item.get("examples") or "").splitlines() if line.startswith("- ")]
            found.setdefault(item["intent"], []).extend(examples)
    return found


@functools.lru_cache(maxsize=1)
def nlu_subanswers() -> dict[str, set[str]]:
    """topic -> the sub-answer keys the NLU data produces (retrieval intents ask_<topic>/<key>)."""
    out: dict[str, set[str]] = {}
    for intent in nlu_intents():
        m = _RETRIEVAL.match(intent)
        if m:
            out.setdefault(m.group(1), set()).add(m.group(2))
    return out


@functools.lru_cache(maxsize=1)
def domain() -> dict:
    """The merged domain files (bot/domain/*.yml): intents, responses, actions, slots."""
    merged: dict = {"intents": [], "responses": {}, "actions": [], "slots": {}}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["intents"] += data.get("intents") or []
        merged["responses"].update(data.get("responses") or {})
        merged["actions"] += data.get("actions") or []
        merged["slots"].update(data.get("slots") or {})
    return merged


@functools.lru_cache(maxsize=1)
def domain_subanswers() -> dict[str, set[str]]:
    """topic -> the sub-answer keys that have a response utter_ask_<topic>/<key> in the domain."""
    out: dict[str, set[str]] = {}
    for name in domain()["responses"]:
        m = re.match(r"^utter_ask_([a-z_]+)/([a-z_]+)$", name)
        if m:
            out.setdefault(m.group(1), set()).add(m.group(2))
    return out


def sub(topic: str, key: str) -> str:
    """``key``, after checking that the NLU produces ``ask_<topic>/<key>`` and the domain answers it."""
    assert key in nlu_subanswers().get(topic, set()), f"NLU has no ask_{topic}/{key}"
    assert key in domain_subanswers().get(topic, set()), f"domain has no utter_ask_{topic}/{key}"
    return key


def example(topic: str, key: str) -> str:
    """A training example of ``ask_<topic>/<key>`` (a sentence the NLU labels with this key)."""
    return nlu_intents()[f"ask_{topic}/{sub(topic, key)}"][0]
