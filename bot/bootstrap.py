"""Prepare the database: create tables and load curated data (glossary, municipalities).

``gemeentetolk setup`` runs every step in SETUP_STEPS in order; each step is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

from bot import municipalities
from bot.settings import Settings
from glossary import setup as glossary_setup

SetupStep = Callable[[Engine, Settings], str]


def create_schema(engine: Engine, settings: Settings) -> str:
    from bot import models

    models.Base.metadata.create_all(engine)
    return "Database-tabellen klaar."


SETUP_STEPS: list[SetupStep] = [
    create_schema,
    glossary_setup.setup_step,
    municipalities.load_profiles_step,
]


def run_setup(engine: Engine, settings: Settings) -> list[str]:
    return [step(engine, settings) for step in SETUP_STEPS]
