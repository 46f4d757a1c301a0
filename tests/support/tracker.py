"""A tracker store database shaped like Rasa's SQLTrackerStore (table ``events``), for tests of
the code that reads conversations without starting Rasa. The event dicts are the ones Rasa
writes (``Event.as_dict()``); ``Conversation`` builds them turn by turn."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine

_meta = MetaData()
EVENTS = Table(
    "events", _meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def write(url: str, sender: str, events: list[dict[str, Any]]) -> None:
    engine = create_engine(url, future=True)
    _meta.create_all(engine)
    with engine.begin() as conn:
        for event in events:
            conn.execute(EVENTS.insert().values(
                sender_id=sender, type_name=event["event"], timestamp=event["timestamp"],
                intent_name=((event.get("parse_data") or {}).get("intent") or {}).get("name"),
                action_name=event.get("name") if event["event"] == "action" else None,
                data=json.dumps(event)))
    engine.dispose()


@dataclass
class Conversation:
    """Events of one conversation, in Rasa's dict form, with increasing timestamps."""

    start: float = 1_764_576_000.0  # 2025-12-01 08:00 UTC
    municipality: str | None = "dijkstede"
    events: list[dict[str, Any]] = field(default_factory=list)

    def _ts(self) -> float:
        self.start += 1.5
        return self.start

    def user(self, text: str, intent: str, confidence: float = 0.95, response: str | None = None,
             ranking: list[tuple[str, float]] | None = None) -> Conversation:
        parse: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": confidence},
                                 "entities": [],
                                 "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [])]}
        if response:
            parse["response_selector"] = {"default": {"response": {"intent_response_key": response,
                                                                    "confidence": 0.9}}}
        meta = {"municipality": self.municipality} if self.municipality else {}
        self.events.append({"event": "user", "timestamp": self._ts(), "text": text,
                            "parse_data": parse, "metadata": meta, "input_channel": "website"})
        return self

    def action(self, name: str) -> Conversation:
        self.events.append({"event": "action", "timestamp": self._ts(), "name": name})
        return self

    def slot(self, name: str, value: Any) -> Conversation:
        self.events.append({"event": "slot", "timestamp": self._ts(), "name": name, "value": value})
        return self

    def loop(self, name: str | None) -> Conversation:
        self.events.append({"event": "active_loop", "timestamp": self._ts(), "name": name})
        return self

    def bot(self, text: str, custom: dict | None = None) -> Conversation:
        self.events.append({"event": "bot", "timestamp": self._ts(), "text": text,
                            "data": {"custom": custom} if custom else {}})
        return self

    def answer(self, text: str, topic: str, subtopic: str, marker: dict | None = None) -> Conversation:
        """A topic question answered by action_answer (with the slots it sets)."""
        self.user(text, f"ask_{topic}", response=f"ask_{topic}/{subtopic}")
        self.action("action_answer")
        self.bot("Het antwoord.", {"feedback": marker} if marker else None)
        self.slot("topic", topic).slot("subtopic", subtopic)
        if self.municipality:
            self.slot("municipality", self.municipality)
        return self.action("action_listen")
