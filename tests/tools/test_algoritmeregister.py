"""docs/algoritmeregister.md is generated from the real config, retention and eval report."""

from __future__ import annotations

import json

import yaml

from bot.services.contact import DEFAULT_RETENTION_DAYS
from tools import algoritmeregister as reg


def test_committed_file_equals_the_generated_one():
    assert reg.OUT.read_text(encoding="utf-8") == reg.render(), (
        "docs/algoritmeregister.md is out of date: run python -m tools.algoritmeregister"
    )


def test_every_component_in_config_is_described_and_none_is_generative():
    config = yaml.safe_load(reg.CONFIG.read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"] + config.get("policies", [])]
    assert set(names) <= set(reg.COMPONENTS_NL), set(names) - set(reg.COMPONENTS_NL)
    text = reg.render()
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    assert f"drempel {fallback['threshold']}" in text
    assert "Geen generatief model" in text


def test_retention_and_measured_figures_come_from_their_sources():
    text = reg.render()
    assert f"na {DEFAULT_RETENTION_DAYS} dagen" in text
    report = json.loads(reg.REPORT.read_text(encoding="utf-8"))
    for key in ("final_accuracy", "final_typos_accuracy", "final_oos_recall"):
        assert reg._pct(report["targets"][key]["value"]) in text
    assert f"{report['meta']['final_set_runs']} keer gemeten" in text


def test_pct_is_dutch():
    assert reg._pct(0.9512) == "95,1%"
    assert reg._pct(None) == "-"
