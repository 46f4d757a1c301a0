"""Publiceren: regenerate the NLU data from the approved glossary, train in the background
and switch the running assistant to the new model (Rasa's ``PUT /model``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Publisher:
    rasa_urls: list[str] = field(default_factory=list)
    token: str = ""

    @classmethod
    def from_settings(cls, settings) -> Publisher:
        return cls(rasa_urls=[settings.rasa_url], token=settings.workspace.rasa_api_token)
