"""`make bench`: latency, throughput, memory and cold start of the running assistant.

Starts the stack with the current model, sends 300 messages from 10 concurrent
conversations through the REST channel, and in the same run the same messages to
Rasa's /model/parse alone (NLU only), so the cost of dialogue and actions is visible.
For context it also sends 50 messages in one conversation on an otherwise idle server: the
latency of one message when nobody queues before it. Writes reports/bench.json. Targets (2-core machine): p95 < 150 ms, cold start < 30 s,
all processes together < 2 GB.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.cli.stack import Stack, post_json
from bot.services.settings import load_settings

MESSAGES = [
    "hallo",
    "wat kun je?",
    "hoe kan ik een klus van de gemeente krijgen?",
    "ik zoek subsidie voor mijn buurtproject",
    "wat betekent aanbesteding",
    "ik wil iemand in dienst nemen met een uitkering",
    "heb ik een vergunning nodig voor een terras",
    "ik wil een sociale onderneming starten",
    "bedankt",
    "wat is social return?",
]
CONVERSATIONS = 10
TOTAL = 300
SINGLE_TOTAL = 50
TARGETS = {"p95_ms": 150.0, "cold_start_s": 30.0, "memory_mb": 2048.0}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def summarize(latencies: list[float], wall: float) -> dict:
    ms = [v * 1000 for v in latencies]
    return {
        "count": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
        "messages_per_s": round(len(ms) / wall, 1),
    }


def run_load(send, conversations: int = CONVERSATIONS, total: int = TOTAL) -> dict:
    """Send `total` messages over `conversations` concurrent conversations; send(conv, text)."""
    per_conv = total // conversations
    errors: list[str] = []

    def conversation(conv: int) -> list[float]:
        latencies = []
        for i in range(per_conv):
            text = MESSAGES[(conv + i) % len(MESSAGES)]
            start = time.perf_counter()
            status, body = send(conv, text)
            latencies.append(time.perf_counter() - start)
            if status != 200 or not body:
                errors.append(f"{status}: {text}")
        return latencies

    start = time.perf_counter()
    with ThreadPoolExecutor(conversations) as pool:
        results = list(pool.map(conversation, range(conversations)))
    wall = time.perf_counter() - start
    summary = summarize([v for r in results for v in r], wall)
    summary["errors"] = len(errors)
    return summary


def main() -> int:
    settings = load_settings()
    stack = Stack(settings, enable_api=True)
    run_id = int(time.time())
    print("Benchmark: de stack start met het huidige model...")
    try:
        started = time.monotonic()
        stack.start(timeout=300)
        status, reply = stack.send(f"bench-cold-{run_id}", "hallo")
        cold_start = time.monotonic() - started
        if status != 200 or not reply:
            print(f"Geen antwoord na het starten ({status}).", file=sys.stderr)
            return 1

        # Warm-up, so that first-call costs do not count in the figures.
        for text in MESSAGES:
            stack.send(f"bench-warm-{run_id}", text)

        def rest_send(conv: int, text: str):
            return stack.send(f"bench-{run_id}-{conv}", text)

        parse_url = f"{settings.rasa_url}/model/parse?token={stack.api_token}"

        def parse_send(conv: int, text: str):
            return post_json(parse_url, {"text": text})

        single = run_load(lambda conv, text: rest_send(100 + conv, text), 1, SINGLE_TOTAL)
        rest = run_load(rest_send)
        parse = run_load(parse_send)
        memory = {name: round(rss_mb(p.pid), 1) for name, p in stack.procs.items()}
    finally:
        stack.stop()

    total_mb = round(sum(memory.values()), 1)
    report = {
        "rest_channel": rest,
        "nlu_parse_only": parse,
        "rest_one_conversation": single,
        "dialogue_and_actions_overhead_p50_ms": round(rest["p50_ms"] - parse["p50_ms"], 1),
        "cold_start_s": round(cold_start, 1),
        "memory_mb": memory,
        "memory_total_mb": total_mb,
        "targets": TARGETS,
        "meets_targets": {
            "p95": rest["p95_ms"] < TARGETS["p95_ms"],
            "cold_start": cold_start < TARGETS["cold_start_s"],
            "memory": total_mb < TARGETS["memory_mb"],
        },
        "messages": TOTAL,
        "conversations": CONVERSATIONS,
    }
    out = settings.root / "reports" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")

    print(f"\n{'':24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'msg/s':>9}{'fouten':>8}")
    rows = (("REST (alles)", rest), ("/model/parse (NLU)", parse), ("REST, 1 gesprek", single))
    for label, s in rows:
        print(
            f"{label:24}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['max_ms']:>9}"
            f"{s['messages_per_s']:>9}{s['errors']:>8}"
        )
    print(f"\nDialoog + acties kosten (p50): {report['dialogue_and_actions_overhead_p50_ms']} ms")
    print(f"Koude start (start tot eerste antwoord): {report['cold_start_s']} s")
    for name, mb in memory.items():
        print(f"Geheugen {name}: {mb} MB")
    print(f"Geheugen samen: {total_mb} MB")
    for key, ok in report["meets_targets"].items():
        print(f"Doel {key}: {'gehaald' if ok else 'NIET gehaald'}")
    print(f"\nGeschreven: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
