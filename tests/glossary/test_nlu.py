"""data/nlu/glossary.yml is generated from the glossary and must not be stale."""

from __future__ import annotations

from pathlib import Path

import yaml

from glossary.nlu import nlu_yaml

from .conftest import make_entry

ROOT = Path(__file__).resolve().parents[2]


def test_committed_nlu_file_is_up_to_date(curated) -> None:
    active = [e for e in curated if e.status == "vastgesteld"]
    committed = (ROOT / "data" / "nlu" / "glossary.yml").read_text(encoding="utf-8")
    assert committed == nlu_yaml(active), (
        "data/nlu/glossary.yml is verouderd: run `glossary export-nlu` (after `gemeentetolk setup`)"
    )


def test_lookup_and_synonyms_map_every_label_to_the_preflabel() -> None:
    entries = [
        make_entry("subsidie", "subsidie", alt_labels=["funding"], hidden_labels=["subcidie"]),
        make_entry("sroi", "social return on investment", alt_labels=["SROI"]),
    ]
    data = yaml.safe_load(nlu_yaml(entries))["nlu"]
    lookup = data[0]
    assert lookup["lookup"] == "term"
    assert lookup["examples"].split("\n")[:-1] == [
        "- funding", "- social return on investment", "- SROI", "- subcidie", "- subsidie",
    ]  # fmt: skip
    synonyms = {item["synonym"]: item["examples"].split() for item in data[1:]}
    assert synonyms == {
        "social return on investment": ["-", "SROI"],
        "subsidie": ["-", "funding", "-", "subcidie"],
    }
