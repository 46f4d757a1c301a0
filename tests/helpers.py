"""Shared test helpers: the domain's responses as an action sees them, and a real Profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.services.municipalities import Contact, Profile

ROOT = Path(__file__).resolve().parents[1]


def domain_responses() -> dict:
    """The merged responses of bot/domain, as rasa_sdk passes them to an action."""
    responses: dict = {}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        responses.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return {"responses": responses}


def sample_profile(**changes: Any) -> Profile:
    """A fictional municipality (Gemeente Testdorp) with only the fields a test sets."""
    fields: dict[str, Any] = {
        "slug": "testdorp",
        "name": "Gemeente Testdorp",
        "fictional": True,
        "aliases": [],
        "general_contact": Contact(),
        "single_contact_point": None,
        "departments": [],
    }
    fields.update(changes)
    return Profile(**fields)
