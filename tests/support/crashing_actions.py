"""An action package for tests of the action server: one action that always fails, with a
message that must never reach the caller or the log (it stands for personal data)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action

SECRET_TEXT = "Pien Privé pien.prive@voorbeeld.example"


class ActionCrash(Action):
    def name(self) -> str:
        return "action_crash"

    def run(self, dispatcher: Any, tracker: Any, domain: dict[str, Any]) -> list[dict[str, Any]]:
        raise RuntimeError(SECRET_TEXT)
