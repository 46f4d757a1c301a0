"""bot.plugins.patches must behave exactly like the Rasa code it replaces."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.plugins import patches
from bot.services.settings import KNOWN_PATCHES, load_settings

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "topic", "value": "subsidy"}], "responses": [{"text": "Hoi"}]},
    {"events": [{"event": "followup", "name": "action_answer"}]},
    {},
]
BAD = [
    {"events": [{"event": "slot"}]},  # a slot event without a name
    {"events": "geen lijst"},
    {"responses": ["tekst in plaats van een object"]},
    {"events": [{"event": "bestaat_niet"}]},
]


@pytest.fixture
def rasa_original():
    patches.uninstall()
    yield
    patches.install()


def _outcome(result: dict) -> str:
    try:
        return str(RemoteAction("action_x", None)._validate_action_result(result))
    except ValidationError as e:
        return "invalid: " + e.message


@pytest.mark.parametrize("result", GOOD + BAD)
def test_action_result_validation_matches_rasa(result, rasa_original) -> None:
    expected = _outcome(result)
    patches.install()
    assert RemoteAction._validate_action_result is patches.validate_action_result
    assert _outcome(result) == expected


def test_bad_action_results_are_still_rejected() -> None:
    patches.install()
    for result in BAD:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            RemoteAction("action_x", None)._validate_action_result(result)
    assert RemoteAction("action_x", None)._validate_action_result(GOOD[1]) is True


def test_the_validator_is_built_once() -> None:
    assert patches.action_result_validator() is patches.action_result_validator()


def test_only_the_action_validator_is_patched() -> None:
    """The removed speed-ups (event_lookup, eager_build) leave Rasa's own code in place."""
    from rasa.shared.core.events import Event as RasaEvent
    from rasa.utils.tensorflow.models import RasaModel

    patches.install()
    assert RasaEvent.resolve_by_type.__module__ == "rasa.shared.core.events"
    assert RasaModel.__dict__["load"].__func__.__module__ == "rasa.utils.tensorflow.models"


def test_patches_refuse_any_rasa_but_the_pinned_release(project_root) -> None:
    """The pin in pyproject.toml, the installed Rasa and the patches' RASA_VERSION agree;
    another version is refused and nothing is patched."""
    import re

    import rasa

    pin = re.search(r'"rasa\[spacy\]==([0-9.]+)"', (project_root / "pyproject.toml").read_text())
    assert pin and pin.group(1) == patches.RASA_VERSION == rasa.__version__
    patches.uninstall()
    try:
        with pytest.raises(patches.UnsupportedRasaVersion):
            patches.install(rasa_version="3.6.20")
        assert RemoteAction._validate_action_result is patches._ORIGINAL_VALIDATE  # nothing patched
        assert RemoteAction._validate_action_result is patches._ORIGINAL_VALIDATE
        assert patches.install(["action_validator"]) == ["action_validator"]
    finally:
        patches.install()


def test_the_settings_know_the_same_patches() -> None:
    assert KNOWN_PATCHES == patches.PATCHES
    assert load_settings(env={"GEMEENTETOLK_PATCHES": "none"}).patches == ()
    assert load_settings(env={"GEMEENTETOLK_PATCHES": "action_validator"}).patches == ("action_validator",)
    assert load_settings(env={}).patches == ("action_validator",)
    with pytest.raises(ValueError, match="GEMEENTETOLK_PATCHES"):
        load_settings(env={"GEMEENTETOLK_PATCHES": "turbo"})
