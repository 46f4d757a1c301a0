"""Database set-up for the glossary: create its tables and load the curated terms.

Used by ``gemeentetolk setup`` (bot/bootstrap.py SETUP_STEPS) and by tests. Idempotent:
only curated entries whose file content changed since the last load are written, so edits
made with the CLI and the whole history stay; an entry changed in the database (the one
source of truth) is never overwritten by a changed file.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from glossary.io import read_yaml
from glossary.store import Store

TERMS_DIR = Path(__file__).resolve().parent / "terms"
CURATED_BY = "redactie (glossary/terms)"


def load_curated(engine: Engine, terms_dir: Path = TERMS_DIR) -> dict:
    store = Store(engine)  # the tables come from the migrations (gemeentetolk setup)
    return store.load_curated(read_yaml(terms_dir), by=CURATED_BY)


def setup_step(engine: Engine, settings: object) -> str:
    """SETUP_STEP for bot/bootstrap.py (settings is unused; the terms ship with the package)."""
    counts = load_curated(engine)
    line = (
        f"Woordenlijst klaar: {counts['nieuw']} nieuw, {counts['bijgewerkt']} bijgewerkt, "
        f"{counts['ongewijzigd']} ongewijzigd"
    )
    if counts.get("bewaard"):
        line += f", {counts['bewaard']} bewaard (in de database bewerkt, bestand niet overgenomen)"
    return line + "."
