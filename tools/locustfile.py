"""Locust users for ``make load`` (tools/load.py starts Locust headless with this file).

A user is an entrepreneur with the chat widget: it opens a session on the website channel,
has one conversation (a greeting, a few topic and glossary questions, sometimes a contact
request, a thank-you), waits for every answer and then reads and types for a while
(exponential, mean ``GT_LOAD_THINK_S``, default 10 s), and starts a new conversation.

Settings come from the environment (tools/load.py sets them):

- ``GT_LOAD_THINK_S``: mean pause between messages (s);
- ``GT_LOAD_STEPS``, ``GT_LOAD_STEP_S``: the user counts to step through and how long each
  step lasts (the ``StepShape`` below); without them Locust's own ``-u``/``-t`` apply;
- ``GT_LOAD_WARMUP_S``: a warm-up at the first step's user count before the steps, whose
  answers count in no step;
- ``GT_LOAD_OUT``: a JSON file for every answered or failed message (step, kind, latency,
  status), and with ``GT_LOAD_CONVERSATIONS=1`` also each conversation's messages in order
  (the lost-instance test compares them with the stored trackers);
- ``GT_LOAD_ORIGIN``: the page origin the widget runs on.
"""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any

from locust import FastHttpUser, LoadTestShape, events, task

THINK_S = float(os.environ.get("GT_LOAD_THINK_S", "10"))
ORIGIN = os.environ.get("GT_LOAD_ORIGIN", "http://localhost:8080")
OUT = os.environ.get("GT_LOAD_OUT", "")
KEEP_CONVERSATIONS = os.environ.get("GT_LOAD_CONVERSATIONS") == "1"
STEPS = [int(x) for x in os.environ.get("GT_LOAD_STEPS", "").split(",") if x.strip()]
STEP_S = float(os.environ.get("GT_LOAD_STEP_S", "30"))
# Seconds at the first step's user count before the steps start; their answers are recorded
# as step -1 and count in no step (the servers' first-use caches, the first sessions).
WARMUP_S = float(os.environ.get("GT_LOAD_WARMUP_S", "0"))
PREFIX = "/webhooks/website"

GREETINGS = ["hallo", "goedemiddag", "hoi, ik heb een vraag", "goedemorgen"]
THANKS = ["bedankt", "dank je wel", "top, dankjewel", "doei"]
TOPICS = [
    "hoe schrijf ik me in op een tender van de gemeente",
    "ik zoek subsidie voor mijn buurtproject",
    "wat dekt de no-riskpolis als mijn werknemer ziek wordt",
    "heb ik een vergunning nodig voor een terras",
    "hoe kan ik inspreken bij de gemeenteraad",
    "wat is social return bij een opdracht",
    "ik wil een sociale onderneming starten",
    "waar vind ik een netwerk voor startende ondernemers",
    "hoe kom ik aan opdrachten van de gemeente",
    "ik wil iemand met een uitkering in dienst nemen",
    "wanneer hoor ik of mijn subsidie is toegekend",
    "wie beslist er over de begroting van de gemeente",
]
GLOSSARY = [
    "wat betekent aanbesteding",
    "wat is een inschrijving",
    "wat betekent loonkostensubsidie",
    "wat is het doelgroepregister",
    "wat betekent gunning",
    "wat is een omgevingsvergunning",
]
CONTACT = [
    "ik wil iemand spreken",
    "Ik wil meedoen met opdrachten voor groenonderhoud",
    "ja",
    "Test Persoon",
    "test@voorbeeld.example",
    "geen",
    "dinsdagochtend",
]
MUNICIPALITIES = ["dijkstede", "vlietmonde"]

_records: list[list[Any]] = []  # [step, kind, ms, status, answered, sent at (epoch s)]
_conversations: list[dict[str, Any]] = []
_started = time.monotonic()


def conversation_script(rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) of one conversation: the realistic mix."""
    turns = [("small_talk", rng.choice(GREETINGS))]
    for _ in range(rng.randint(2, 4)):
        if rng.random() < 0.7:
            turns.append(("topic", rng.choice(TOPICS)))
        else:
            turns.append(("glossary", rng.choice(GLOSSARY)))
    if rng.random() < 0.15:
        turns += [("contact", text) for text in CONTACT]
    turns.append(("small_talk", rng.choice(THANKS)))
    return turns


def step_at(run_s: float) -> int:
    """The step at ``run_s`` seconds into the run: -1 during the warm-up."""
    if run_s < WARMUP_S:
        return -1
    return int((run_s - WARMUP_S) // STEP_S)


def current_step() -> int:
    if not STEPS:
        return 0
    return min(step_at(time.monotonic() - _started), len(STEPS) - 1)


class Entrepreneur(FastHttpUser):
    """One person with the widget: wait for the answer, read, type, send."""

    def wait_time(self) -> float:
        return random.expovariate(1.0 / THINK_S)

    def on_start(self) -> None:
        self.rng = random.Random()
        # Arrive at a random moment, not all at once when a step starts.
        time.sleep(self.rng.uniform(0, THINK_S))

    def _session(self) -> str | None:
        with self.client.post(f"{PREFIX}/session", headers={"Origin": ORIGIN}, name="session",
                              catch_response=True) as resp:
            if resp.status_code != 201:
                resp.failure(f"session {resp.status_code}")
                _records.append([current_step(), "session", 0.0, resp.status_code or 0, False,
                                 round(time.time(), 3)])
                return None
            return resp.json()["session"]

    @task
    def conversation(self) -> None:
        token = self._session()
        if token is None:
            return
        municipality = self.rng.choice(MUNICIPALITIES)
        log: dict[str, Any] = {"token": token, "messages": []}
        if KEEP_CONVERSATIONS:
            _conversations.append(log)  # now: a run may end in the middle of it
        for kind, text in conversation_script(self.rng):
            body = {"message": text, "metadata": {"municipality": municipality}}
            headers = {"Origin": ORIGIN, "Authorization": f"Bearer {token}"}
            started = time.perf_counter()
            sent_at = time.time()
            answered = False
            status = 0
            with self.client.post(f"{PREFIX}/webhook", json=body, headers=headers, name=kind,
                                  catch_response=True) as resp:
                status = resp.status_code or 0
                try:
                    data = resp.json() if status == 200 else {}
                except ValueError:
                    data = {}
                messages = data.get("messages")
                token = data.get("session") or token  # the widget keeps the fresh token
                answered = bool(messages)
                if not answered:
                    resp.failure(f"{kind}: {status}")
            ms = (time.perf_counter() - started) * 1000
            _records.append([current_step(), kind, round(ms, 2), status, answered,
                             round(sent_at, 3)])
            log["messages"].append({"text": text, "status": status, "answered": answered,
                                    "sent_at": round(sent_at, 3), "ms": round(ms, 2)})
            self.wait()


P95_LIMIT_MS = float(os.environ.get("GT_LOAD_P95_LIMIT_MS", "0"))  # 0: run every step


def step_p95(step: int) -> float | None:
    ms = sorted(r[2] for r in _records if r[0] == step and r[4])
    failed = any(r[0] == step and not r[4] for r in _records)
    if failed:
        return float("inf")
    return ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))] if ms else None


class StepShape(LoadTestShape):
    """After the warm-up, step through GT_LOAD_STEPS users, GT_LOAD_STEP_S seconds each, then stop; with
    GT_LOAD_P95_LIMIT_MS also stop after two steps in a row over the limit (the capacity is
    found, more users only take time)."""

    def tick(self):
        step = step_at(self.get_run_time())
        if step < 0:
            return STEPS[0], max(STEPS[0], 1)
        if step >= len(STEPS):
            return None
        if P95_LIMIT_MS and step >= 2:
            over = [(step_p95(s) or 0) > P95_LIMIT_MS for s in (step - 2, step - 1)]
            if all(over):
                return None
        return STEPS[step], max(STEPS[step], 1)


if not STEPS:  # Locust only picks a shape class up when it exists in the file
    del StepShape


@events.quitting.add_listener
def _write(environment: Any, **kwargs: Any) -> None:
    if not OUT:
        return
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump({"steps": STEPS, "step_s": STEP_S, "think_s": THINK_S, "warmup_s": WARMUP_S,
                   "fields": ["step", "kind", "ms", "status", "answered", "sent_at"],
                   "records": _records, "conversations": _conversations}, fh)
