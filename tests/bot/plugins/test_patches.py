"""bot.plugins.patches must behave exactly like the Rasa code it replaces."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered

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


@pytest.mark.parametrize("name", ["user", "action", "slot", "session_started", "bot", "followup"])
def test_event_types_resolve_like_rasa(name, rasa_original) -> None:
    expected = Event.resolve_by_type(name)
    patches.install()
    assert Event.resolve_by_type(name) is expected


def test_unknown_event_types_keep_rasas_handling() -> None:
    patches.install()
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nieuw", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("nieuw")


def test_event_classes_defined_later_are_found() -> None:
    patches.install()
    Event.resolve_by_type("user")  # fills the cache

    class LateEvent(ActionExecuted):
        type_name = "gemeentetolk_late_event"

    assert Event.resolve_by_type("gemeentetolk_late_event") is LateEvent


def test_events_round_trip_through_the_cached_lookup() -> None:
    patches.install()
    events = [SessionStarted(timestamp=1.0), UserUttered("hallo", {"name": "greet"}, timestamp=2.0),
              SlotSet("topic", "permit", timestamp=3.0)]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


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
        assert Event.resolve_by_type is patches._ORIGINAL_RESOLVE  # nothing patched
        assert RemoteAction._validate_action_result is patches._ORIGINAL_VALIDATE
        assert patches.install(["event_lookup"]) == ["event_lookup"]
    finally:
        patches.install()


def test_the_settings_know_the_same_patches() -> None:
    assert KNOWN_PATCHES == patches.PATCHES
    assert load_settings(env={"GEMEENTETOLK_PATCHES": "none"}).patches == ()
    assert load_settings(env={"GEMEENTETOLK_PATCHES": "event_lookup"}).patches == ("event_lookup",)
    assert load_settings(env={}).patches == ("action_validator", "event_lookup")
    with pytest.raises(ValueError, match="GEMEENTETOLK_PATCHES"):
        load_settings(env={"GEMEENTETOLK_PATCHES": "turbo"})
