"""Prepare the database: create tables and load curated data (glossary, municipalities).

``gemeentetolk setup`` runs every step in SETUP_STEPS in order; each step is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

from bot.services import municipalities, profiles, schema
from bot.services.settings import Settings
from glossary import setup as glossary_setup

SetupStep = Callable[[Engine, Settings], str]


SETUP_STEPS: list[SetupStep] = [
    schema.setup_step,
    glossary_setup.setup_step,
    municipalities.load_profiles_step,
    profiles.setup_step,  # the profile documents editors change in the workspace
]


def run_setup(engine: Engine, settings: Settings) -> list[str]:
    return [step(engine, settings) for step in SETUP_STEPS]
