"""Both paths of the Dutch pipeline choice: nl_core_news_sm installed, and the local pipeline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import spacy

from bot.services import nlp as nlp_module
from bot.services.nlp import LOCAL_PIPELINE, MARKER, pipeline_in_use, prepare_pipeline


def test_local_pipeline_when_model_missing(tmp_path: Path, capsys) -> None:
    target = tmp_path / "spacy" / "nl"
    choice = prepare_pipeline(target, model_name="nl_model_that_does_not_exist")
    assert choice.source == LOCAL_PIPELINE
    assert choice.built
    assert "local-nl" in choice.message
    assert pipeline_in_use(target) == LOCAL_PIPELINE
    loaded = spacy.load(target)
    assert loaded.lang == "nl"
    lemmas = [t.lemma_ for t in loaded("De aanbestedingen werden gegund")]
    assert lemmas[1] == "aanbesteding"
    assert lemmas[3] == "gunnen"


def test_second_prepare_reuses_existing_pipeline(tmp_path: Path) -> None:
    target = tmp_path / "nl"
    prepare_pipeline(target, model_name="nl_model_that_does_not_exist")
    again = prepare_pipeline(target, model_name="nl_model_that_does_not_exist")
    assert not again.built
    forced = prepare_pipeline(target, model_name="nl_model_that_does_not_exist", force=True)
    assert forced.built


@pytest.fixture
def fake_model_package(tmp_path: Path, monkeypatch):
    """A small Dutch pipeline saved as an installable-style package directory."""
    name = "nl_fake_news_sm"
    pkg = tmp_path / "site" / name
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "fake_news_sm"  # spaCy names the package <lang>_<name>
    nlp.meta["version"] = "0.0.1"
    data_dir = pkg / f"{name}-0.0.1"
    pkg.mkdir(parents=True)
    nlp.to_disk(data_dir)
    (pkg / "__init__.py").write_text(
        "from pathlib import Path\n"
        "from spacy.util import load_model_from_init_py\n"
        "def load(**overrides):\n"
        "    return load_model_from_init_py(__file__, **overrides)\n",
        encoding="utf-8",
    )
    (pkg / "meta.json").write_text(json.dumps(nlp.meta), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    yield name
    sys.modules.pop(name, None)


def test_installed_model_is_used(tmp_path: Path, fake_model_package: str) -> None:
    assert nlp_module.model_installed(fake_model_package)
    target = tmp_path / "nl"
    choice = prepare_pipeline(target, model_name=fake_model_package)
    assert choice.source == fake_model_package
    marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    assert marker["source"] == fake_model_package
    loaded = spacy.load(target)
    assert "sentencizer" in loaded.pipe_names
    assert "lemmatizer" not in loaded.pipe_names


def test_config_names_the_fixed_path(project_root: Path) -> None:
    import yaml

    config = yaml.safe_load((project_root / "config.yml").read_text(encoding="utf-8"))
    assert config["language"] == "nl"
    spacy_nlp = [c for c in config["pipeline"] if c["name"] == "SpacyNLP"]
    assert spacy_nlp and spacy_nlp[0]["model"] == "var/spacy/nl"
