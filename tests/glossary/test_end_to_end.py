"""An editor adds a term; after export-nlu (and training) the assistant explains it.

Integration test (marker ``integration``): a temporary database and a temporary NLU
project; training uses a small config in a temp dir to keep CI time low.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.glossary import ActionDefineTerm
from glossary import cli as glossary_cli
from glossary import runtime
from glossary.setup import load_curated
from glossary.store import Store

# The glossary package reads no settings: the `glossary` program passes these (bot/cli/glossary.py).
DEFAULTS = glossary_cli.Defaults(
    db_url="sqlite:///:memory:", user="tester", nlu_path=Path("data/nlu/glossary.yml")
)


def main(argv: list[str]) -> int:
    return glossary_cli.main(argv, DEFAULTS)


def build_parser(_env=None):
    return glossary_cli.build_parser(DEFAULTS)

ROOT = Path(__file__).resolve().parents[2]
SMALL_CONFIG = """
recipe: default.v1
language: nl
assistant_id: glossary_e2e
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: DIETClassifier
    epochs: 40
    random_seed: 1
  - name: EntitySynonymMapper
policies: []
"""


def _tracker(parse: dict) -> Tracker:
    return Tracker("e2e", {"explained_terms": None}, parse, [], False, None, {}, "action_listen")


@pytest.mark.integration
def test_new_term_is_explained_after_export_and_training(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'gt.db'}"
    store = Store.from_url(url, create=True)
    load_curated(store.engine)
    monkeypatch.setenv("GEMEENTETOLK_DB_URL", url)
    runtime.clear_cache()

    # 1. An editor adds the term, a colleague sets it vastgesteld.
    assert main([
        "--db", url, "--door", "anna", "add", "kwartaalstaat", "--alt", "kwartaaloverzicht",
        "--definition", "Een kwartaalstaat is een overzicht van je cijfers over drie maanden.",
        "--plain", "een overzicht per drie maanden", "--source", "testbron",
        "--topic", "subsidy", "--example", "Stuur de kwartaalstaat op.", "--status", "voorgesteld",
    ]) == 0  # fmt: skip
    assert main(["--db", url, "--door", "bram", "set-status", "kwartaalstaat", "vastgesteld"]) == 0

    # 2. The action finds it straight away on the raw text (no retraining needed).
    dispatcher = CollectingDispatcher()
    ActionDefineTerm().run(dispatcher, _tracker({"text": "wat is een kwartaaloverzicht?"}), {})
    assert dispatcher.messages[0]["text"].startswith(
        'Jij zegt "kwartaaloverzicht". Bij de gemeente heet dit: kwartaalstaat.'
    )

    # 3. export-nlu puts it in the lookup table and synonyms.
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    nlu_file = project / "data" / "glossary.yml"
    assert main(["--db", url, "export-nlu", "--out", str(nlu_file)]) == 0
    nlu = yaml.safe_load(nlu_file.read_text(encoding="utf-8"))["nlu"]
    assert "- kwartaalstaat" in nlu[0]["examples"].splitlines()
    assert {"synonym": "kwartaalstaat", "examples": "- kwartaaloverzicht\n"} in nlu

    # 4. Train a small NLU model on the exported file + define_term examples, then parse.
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    shutil.copy(ROOT / "data" / "nlu" / "define_term.yml", project / "data" / "define_term.yml")
    shutil.copy(ROOT / "data" / "nlu" / "smalltalk.yml", project / "data" / "smalltalk.yml")
    (project / "config.yml").write_text(SMALL_CONFIG, encoding="utf-8")
    model = train_nlu(
        config=str(project / "config.yml"),
        nlu_data=str(project / "data"),
        output=str(project / "models"),
    )
    agent = Agent.load(model)
    parse = asyncio.run(agent.parse_message("wat betekent kwartaalstaat?"))
    assert parse["intent"]["name"] == "define_term"

    dispatcher = CollectingDispatcher()
    ActionDefineTerm().run(dispatcher, _tracker(parse), {})
    assert dispatcher.messages[0]["text"].startswith("Een kwartaalstaat is een overzicht")
    runtime.clear_cache()
