from pathlib import Path

import pytest

from bot.services.settings import load_settings


def test_defaults_point_into_var(tmp_path: Path) -> None:
    s = load_settings(env={}, root=tmp_path)
    assert s.db_url == f"sqlite:///{tmp_path / 'var' / 'gemeentetolk.db'}"
    assert (s.action_port, s.rasa_port, s.web_port) == (5055, 5005, 8080)
    assert s.spacy_path == tmp_path / "var" / "spacy" / "nl"
    assert s.action_url == "http://127.0.0.1:5055/webhook"


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "GEMEENTETOLK_DB_URL": "postgresql://u:p@db/gt",
        "GEMEENTETOLK_MUNICIPALITY": "dijkstede",
        "GEMEENTETOLK_RASA_PORT": "6005",
    }
    s = load_settings(env=env, root=tmp_path)
    assert s.db_url == "postgresql://u:p@db/gt"
    assert s.municipality == "dijkstede"
    assert s.rasa_port == 6005
    assert s.rasa_url == "http://127.0.0.1:6005"


@pytest.mark.parametrize("bad", ["abc", "0", "70000", "-1"])
def test_bad_port_gives_dutch_message(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="poortnummer"):
        load_settings(env={"GEMEENTETOLK_ACTION_PORT": bad}, root=tmp_path)
