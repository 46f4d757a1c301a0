"""The one module that reads the environment. Everything else gets a Settings passed in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    root: Path
    db_url: str
    municipality: str
    action_port: int
    rasa_port: int
    web_port: int
    host: str
    spacy_path: Path
    model_dir: Path

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    @property
    def municipalities_dir(self) -> Path:
        return self.root / "data" / "municipalities"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"{name} moet een poortnummer zijn (1-65535), niet {raw!r}.")
    return int(raw)


def load_settings(env: Mapping[str, str] | None = None, root: Path | None = None) -> Settings:
    """Read GEMEENTETOLK_* variables, falling back to defaults under the project root."""
    env = os.environ if env is None else env
    root = root or PROJECT_ROOT
    default_db = f"sqlite:///{root / 'var' / 'gemeentetolk.db'}"
    return Settings(
        root=root,
        db_url=env.get("GEMEENTETOLK_DB_URL") or default_db,
        municipality=env.get("GEMEENTETOLK_MUNICIPALITY") or "",
        action_port=_port(env, "GEMEENTETOLK_ACTION_PORT", 5055),
        rasa_port=_port(env, "GEMEENTETOLK_RASA_PORT", 5005),
        web_port=_port(env, "GEMEENTETOLK_WEB_PORT", 8080),
        host=env.get("GEMEENTETOLK_HOST") or "127.0.0.1",
        spacy_path=root / "var" / "spacy" / "nl",
        model_dir=root / "models",
    )
