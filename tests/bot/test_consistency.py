"""Consistency of the Rasa domain and training data (house style rule 7)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_ACTIONS = {
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_back",
    "action_unlikely_intent", "action_extract_slots",
}  # fmt: skip
BUILTIN_INTENTS = {"nlu_fallback", "restart", "session_start", "back", "out_of_scope"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@cache
def domain() -> dict:
    merged: dict = {"intents": [], "responses": {}, "actions": [], "forms": {}, "slots": {}}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        part = _load(path)
        for intent in part.get("intents", []):
            merged["intents"].append(intent if isinstance(intent, str) else next(iter(intent)))
        merged["responses"].update(part.get("responses") or {})
        for action in part.get("actions") or []:
            # "- action_x: {send_domain: true}" declares action_x with options.
            merged["actions"].append(action if isinstance(action, str) else next(iter(action)))
        merged["forms"].update(part.get("forms") or {})
        merged["slots"].update(part.get("slots") or {})
    return merged


@cache
def training_steps() -> list[dict]:
    steps: list[dict] = []
    for folder in ("rules", "stories"):
        for path in sorted((ROOT / "data" / folder).glob("*.yml")):
            data = _load(path)
            for item in (data.get("rules") or []) + (data.get("stories") or []):
                steps.extend(item.get("steps") or [])
    return steps


@cache
def nlu_intents() -> set[str]:
    intents: set[str] = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for item in _load(path).get("nlu") or []:
            if "intent" in item and (item.get("examples") or "").strip():
                intents.add(item["intent"].split("/")[0])
    return intents


def _used(key: str) -> set[str]:
    found: set[str] = set()
    for step in training_steps():
        if key in step:
            found.add(step[key])
        for option in step.get("or", []) if key == "intent" else []:
            found.add(option.get("intent"))
    return found


def _implemented_actions() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "actions").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "name":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Constant):
                        names.add(ret.value.value)
    return names


def test_every_used_response_or_action_is_in_the_domain() -> None:
    d = domain()
    known = set(d["responses"]) | set(d["actions"]) | set(d["forms"]) | BUILTIN_ACTIONS
    missing = {a for a in _used("action") if a not in known and not a.startswith("utter_")}
    missing |= {a for a in _used("action") if a.startswith("utter_") and a not in d["responses"]}
    assert not missing, f"actions/responses used in rules or stories but not in the domain: {missing}"


def test_every_custom_action_in_the_domain_is_implemented() -> None:
    declared = {a for a in domain()["actions"] if not a.startswith("utter_")}
    declared -= {f"validate_{form}" for form in domain()["forms"]} - _implemented_actions()
    missing = declared - _implemented_actions()
    assert not missing, f"actions declared in the domain without a class in actions/: {missing}"


def test_every_intent_has_examples() -> None:
    missing = set(domain()["intents"]) - nlu_intents() - (BUILTIN_INTENTS - {"out_of_scope"})
    assert not missing, f"intents without NLU examples: {missing}"


def test_every_intent_has_a_rule_or_story() -> None:
    used = {i.split("/")[0] for i in _used("intent") if i}
    missing = set(domain()["intents"]) - used - {"session_start", "restart", "back"}
    assert not missing, f"intents without a rule or story: {missing}"


def test_every_example_intent_is_in_the_domain() -> None:
    unknown = nlu_intents() - set(domain()["intents"])
    assert not unknown, f"NLU examples for intents not in the domain: {unknown}"


# The 18 intents of the design's contract (DESIGN.md, "Intents"): other systems use these names.
CONTRACT_INTENTS = (
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "ask_capabilities",
    "ask_procurement", "ask_social_return", "ask_subsidy", "ask_hiring_support", "ask_permit",
    "ask_starting_business", "ask_network", "ask_municipality_process", "ask_contact",
    "define_term", "out_of_scope",
)  # fmt: skip


@pytest.mark.parametrize("intent", CONTRACT_INTENTS)
def test_contract_intent_is_in_the_domain_and_has_examples(intent: str) -> None:
    assert intent in domain()["intents"]
    examples = {name.split("/", 1)[0] for name in nlu_intents()}
    assert intent in examples


def test_the_contract_has_eighteen_intents() -> None:
    assert len(set(CONTRACT_INTENTS)) == 18
