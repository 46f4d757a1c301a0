"""`make bench` (second part): what each Rasa speed-up in bot/plugins/patches.py gains on its own.

One action server; the Rasa server is started once per setting of ``GEMEENTETOLK_PATCHES``
(``none``, each patch alone, ``all``), always with the current model, and measured the same
way in the same run:

- **CPU per turn**: Rasa server process CPU time (psutil) over topic, glossary and small-talk
  turns, one at a time, in new conversations of four turns;
- **full read**: CPU per read of a 100-turn conversation through Rasa's HTTP API (Rasa's own
  tracker read: every event deserialised; the path where the event-class lookup matters).

- **start**: seconds from starting the Rasa server until it answered its first message
  (loading the model; where ``eager_build`` matters).

A patch pays when it lowers the CPU per turn by more than the noise between two runs of the
same setting (``none`` is measured twice), or shortens the start by more than a fifth (against
the second ``none`` start: the first also reads the model from a cold disk cache). Writes
reports/patches.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bot.cli.stack import Stack, http_get, post_json
from bot.services.settings import KNOWN_PATCHES, load_settings

TEXTS = [
    "hoe schrijf ik me in op een tender van de gemeente",
    "wat betekent aanbesteding",
    "hallo",
    "ik zoek subsidie voor mijn buurtproject",
    "wat betekent loonkostensubsidie",
    "bedankt",
    "heb ik een vergunning nodig voor een terras",
    "wat dekt de no-riskpolis als mijn werknemer ziek wordt",
]


def _cpu(pid: int) -> float:
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def _send(stack: Stack, sender: str, text: str) -> None:
    status, body = post_json(f"{stack.settings.rasa_url}/webhooks/rest/webhook",
                             {"sender": sender, "message": text,
                              "metadata": {"municipality": "dijkstede"}})
    if status != 200 or not body:
        raise RuntimeError(f"geen antwoord op {text!r} ({status})")


def measure(stack: Stack, label: str, turns: int, long_sender: str) -> dict:
    pid = stack.procs["rasa"].pid
    for text in TEXTS:  # warm-up: first-use caches and TensorFlow's first call
        _send(stack, f"warm-{label}-{time.time_ns()}", text)
    start = _cpu(pid)
    sender = ""
    for i in range(turns):
        if i % 4 == 0:
            sender = f"patch-{label}-{i}-{time.time_ns()}"
        _send(stack, sender, TEXTS[i % len(TEXTS)])
    per_turn = (_cpu(pid) - start) * 1000 / turns
    url = (f"{stack.settings.rasa_url}/conversations/{long_sender}/tracker"
           f"?token={stack.api_token}")
    http_get(url, timeout=30)
    start = _cpu(pid)
    reads = 10
    for _ in range(reads):
        status, _ = http_get(url, timeout=30)
        if status != 200:
            raise RuntimeError(f"tracker niet leesbaar ({status})")
    return {"patches": label, "cpu_ms_per_turn": round(per_turn, 2),
            "cpu_ms_per_full_read_100_turns": round((_cpu(pid) - start) * 1000 / reads, 2)}


def restart_rasa(stack: Stack, patches: str, timeout: float = 600) -> float:
    """Start the Rasa server with ``patches``; the seconds until it answered its first message."""
    proc = stack.procs.pop("rasa", None)
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=30)
    started = time.monotonic()
    stack.start_rasa(extra_env={"GEMEENTETOLK_PATCHES": patches})
    stack.wait_ready(timeout)
    _send(stack, f"start-{patches}-{time.time_ns()}", "hallo")
    return round(time.monotonic() - started, 1)


def pays(gain_ms: float, noise_ms: float, gain_start_s: float, base_start_s: float) -> bool:
    """A patch pays when it lowers the CPU per turn by more than the noise between the two
    unpatched runs, or shortens the start by more than a fifth."""
    return gain_ms > max(noise_ms, 0.5) or gain_start_s > 0.2 * base_start_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Wat levert elke Rasa-versnelling op?")
    parser.add_argument("--turns", type=int, default=48)
    parser.add_argument("--out", default="reports/patches.json")
    args = parser.parse_args(argv)
    settings = load_settings()
    stack = Stack(settings, enable_api=True)
    variants = ["none", *KNOWN_PATCHES, "all", "none"]
    rows = []
    print("Versnellingen meten: de stack start met het huidige model...")
    try:
        stack.start_actions()
        first_start = restart_rasa(stack, variants[0])
        long_sender = f"patch-long-{time.time_ns()}"
        for i in range(100):
            _send(stack, long_sender, TEXTS[i % len(TEXTS)])
        for n, variant in enumerate(variants):
            start_s = restart_rasa(stack, variant) if n else first_start
            rows.append({**measure(stack, variant, args.turns, long_sender), "start_s": start_s})
            print(f"  {variant:<18} {rows[-1]['cpu_ms_per_turn']:>7} ms CPU per beurt, "
                  f"{rows[-1]['cpu_ms_per_full_read_100_turns']:>7} ms per volledig gelezen gesprek, "
                  f"start {start_s} s")
    finally:
        stack.stop()

    none = [r for r in rows if r["patches"] == "none"]
    base = sum(r["cpu_ms_per_turn"] for r in none) / len(none)
    noise = abs(none[0]["cpu_ms_per_turn"] - none[-1]["cpu_ms_per_turn"])
    base_read = sum(r["cpu_ms_per_full_read_100_turns"] for r in none) / len(none)
    # The first 'none' start also reads the model from a cold disk cache: the second is the base.
    base_start = none[-1]["start_s"]
    gains = {}
    for r in rows:
        if r["patches"] == "none":
            continue
        gain = base - r["cpu_ms_per_turn"]
        gain_start = base_start - r["start_s"]
        gains[r["patches"]] = {
            "cpu_ms_per_turn": r["cpu_ms_per_turn"],
            "gain_ms_per_turn": round(gain, 2),
            "gain_percent": round(100 * gain / base, 1) if base else None,
            "gain_ms_per_full_read": round(base_read - r["cpu_ms_per_full_read_100_turns"], 2),
            "start_s": r["start_s"],
            "gain_start_s": round(gain_start, 1),
            "pays": pays(gain, noise, gain_start, base_start),
        }
    report = {"date": time.strftime("%Y-%m-%d"), "turns_per_setting": args.turns,
              "none_cpu_ms_per_turn": round(base, 2), "noise_ms": round(noise, 2),
              "none_start_s": base_start,
              "runs": rows, "gains": gains,
              "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nZonder versnellingen: {report['none_cpu_ms_per_turn']} ms CPU per beurt "
          f"(verschil tussen twee metingen: {report['noise_ms']} ms).")
    for name, g in gains.items():
        print(f"  {name:<18} {g['gain_ms_per_turn']:>6} ms ({g['gain_percent']} %) per beurt, "
              f"start {g['gain_start_s']} s sneller: {'loont' if g['pays'] else 'loont NIET'}")
    print(f"Geschreven: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
