"""`make load`: the assistant under users that read and type, measured with Locust.

One run, on the scaled profile's engines (PostgreSQL, Redis, nginx; bot/cli/scaled.py):

1. one Rasa instance and one action server: the cold start (start to first answer), the CPU
   per turn of each kind (process CPU time of the Rasa and action server divided by turns,
   psutil), and turn 1 against turn 200 of one long conversation;
2. the capacity of that one instance: Locust users (tools/locustfile.py) that wait for each
   answer and then pause (exponential, mean 10 s), stepped up until p95 > 300 ms;
3. the same for stock Rasa: the same instance restarted with ``GEMEENTETOLK_PATCHES=none``;
4. two Rasa instances and two action servers behind nginx (the scaled profile): capacity;
5. one of the two instances killed (``kill -9``) while users talk: failed answers, how long
   users of the killed instance waited, and whether any stored conversation lost or
   duplicated an event.

Prints a table and writes reports/load.json and reports/load.png. Method and figures:
docs/development.md, "Performance".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bot.cli.scaled import ScaledStack
from bot.cli.services import free_port
from bot.cli.stack import http_get, post_json
from bot.services.settings import load_settings

THINK_S = 10.0
P95_LIMIT_MS = 300.0
STEP_S = 15.0
# Each ramp starts with this many seconds at its first step's user count, not measured: the
# instances' first-use caches and connections (a real service is warm when users come).
WARMUP_S = 30.0
# Users per step. A step shorter than the think time still gets about 1.5 messages per user:
# at 300 users, some 450 answers per step for its p95. Locust stops after two steps in a row
# over the p95 limit (tools/locustfile.py, StepShape).
STEPS = [25, 50, 75, 100, 125, 150, 175, 200, 225, 250, 275, 300, 325, 350, 400, 450, 500, 600]
TARGETS = {"topic_cpu_ms": 15.0, "two_instances_users": 300, "scaleout_ratio": 1.6,
           "cold_start_s": 20.0}
KIND_TEXTS = {
    "topic": ["hoe schrijf ik me in op een tender van de gemeente",
              "ik zoek subsidie voor mijn buurtproject",
              "heb ik een vergunning nodig voor een terras",
              "wat dekt de no-riskpolis als mijn werknemer ziek wordt"],
    "small_talk": ["hallo", "bedankt", "goedemiddag", "dank je wel"],
    "glossary": ["wat betekent aanbesteding", "wat is een inschrijving",
                 "wat betekent loonkostensubsidie", "wat betekent gunning"],
}
# Load-test users all come from 127.0.0.1; the per-address limit is for real visitors.
RASA_ENV = {"GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE": "1000000",
            "GEMEENTETOLK_WEB_SESSIONS_PER_MINUTE": "1000000"}


def log(line: str) -> None:
    print(line, flush=True)


# --- CPU -------------------------------------------------------------------------------------
def cpu_s(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            continue
    return total


def rest(port: int, sender: str, text: str) -> tuple[int, Any]:
    return post_json(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                     {"sender": sender, "message": text, "metadata": {"municipality": "dijkstede"}})


def cpu_per_kind(stack: ScaledStack, turns: int = 40, per_conversation: int = 4) -> dict:
    """CPU ms per turn of each kind: turns of only that kind, one at a time, on one
    instance; new conversations every few turns (as real users start one)."""
    pids = stack.pids()
    rasa, actions = [pids["rasa-1"]], [pids["actions-1"]]
    port = stack.rasa_ports[0]
    out: dict[str, dict[str, float]] = {}
    for kind, texts in KIND_TEXTS.items():
        for text in texts:  # warm up this kind (first-use caches)
            rest(port, f"warm-{kind}", text)
        r0, a0 = cpu_s(rasa), cpu_s(actions)
        sender = ""
        for i in range(turns):
            if i % per_conversation == 0:
                sender = f"cpu-{kind}-{i}-{time.time_ns()}"
            status, body = rest(port, sender, texts[i % len(texts)])
            if status != 200 or not body:
                raise RuntimeError(f"geen antwoord op {texts[i % len(texts)]!r} ({status})")
        r1, a1 = cpu_s(rasa), cpu_s(actions)
        out[kind] = {"rasa_ms": round((r1 - r0) * 1000 / turns, 2),
                     "actions_ms": round((a1 - a0) * 1000 / turns, 2),
                     "total_ms": round(((r1 - r0) + (a1 - a0)) * 1000 / turns, 2)}
    return out


def nlu_cpu(stack: ScaledStack, turns: int = 40) -> float:
    """CPU ms of Rasa's NLU alone (/model/parse): the part of a turn no dialogue change can
    remove."""
    assert stack.stack is not None
    pid = [stack.pids()["rasa-1"]]
    url = f"http://127.0.0.1:{stack.rasa_ports[0]}/model/parse?token={stack.stack.api_token}"
    texts = KIND_TEXTS["topic"]
    for text in texts:
        post_json(url, {"text": text})
    start = cpu_s(pid)
    for i in range(turns):
        post_json(url, {"text": texts[i % len(texts)]})
    return round((cpu_s(pid) - start) * 1000 / turns, 2)


def long_conversation(stack: ScaledStack, turns: int = 200, window: int = 20) -> dict:
    """One conversation of ``turns`` turns (topic, glossary and small talk in turn): CPU per
    turn of the first and the last ``window`` turns (psutil counts in 10 ms ticks, so one
    turn alone is too coarse)."""
    pids = stack.pids()
    procs = [pids["rasa-1"], pids["actions-1"]]
    port = stack.rasa_ports[0]
    texts = [t for group in zip(*KIND_TEXTS.values(), strict=True) for t in group]
    sender = f"long-{time.time_ns()}"
    per_window: list[float] = []
    start = cpu_s(procs)
    for i in range(turns):
        status, body = rest(port, sender, texts[i % len(texts)])
        if status != 200 or not body:
            raise RuntimeError(f"geen antwoord in beurt {i + 1} ({status})")
        if (i + 1) % window == 0:
            now = cpu_s(procs)
            per_window.append(round((now - start) * 1000 / window, 2))
            start = now
    return {"turns": turns, "window": window, "turn_1_cpu_ms": per_window[0],
            "turn_200_cpu_ms": per_window[-1], "cpu_ms_per_window": per_window,
            "growth_ratio": round(per_window[-1] / per_window[0], 2) if per_window[0] else None}


# --- Locust ------------------------------------------------------------------------------------
def run_locust(host: str, origin: str, steps: list[int], step_s: float, think_s: float,
               out: Path, conversations: bool = False, timeout: float = 900,
               warmup_s: float = 0.0) -> dict:
    env = {**os.environ, "GT_LOAD_STEPS": ",".join(map(str, steps)), "GT_LOAD_STEP_S": str(step_s),
           "GT_LOAD_WARMUP_S": str(warmup_s),
           "GT_LOAD_THINK_S": str(think_s), "GT_LOAD_OUT": str(out),
           "GT_LOAD_P95_LIMIT_MS": "0" if conversations else str(P95_LIMIT_MS),
           "GT_LOAD_CONVERSATIONS": "1" if conversations else "0",
           "GT_LOAD_ORIGIN": origin}
    locust = str(Path(sys.executable).with_name("locust"))
    cmd = [locust, "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
           "--host", host, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if not out.exists():
        raise RuntimeError(f"Locust schreef geen resultaten: {done.stderr[-800:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def origin(stack: ScaledStack) -> str:
    """The demo page's origin, which the website channel of these instances allows."""
    assert stack.settings is not None
    return f"http://localhost:{stack.settings.web_port}"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def step_table(result: dict) -> list[dict]:
    rows = []
    for i, users in enumerate(result["steps"]):
        recs = [r for r in result["records"] if r[0] == i]
        ms = [r[2] for r in recs if r[4]]
        if not recs:
            break
        rows.append({"users": users, "answers": len(ms), "failed": len(recs) - len(ms),
                     "p50_ms": round(percentile(ms, 50), 1) if ms else None,
                     "p95_ms": round(percentile(ms, 95), 1) if ms else None,
                     "p99_ms": round(percentile(ms, 99), 1) if ms else None,
                     "answers_per_s": round(len(ms) / result["step_s"], 1)})
    return rows


def capacity(rows: list[dict]) -> int:
    """The most users of a step at p95 <= limit (and no failures), before the first failing step."""
    best = 0
    for row in rows:
        ok = row["p95_ms"] is not None and row["p95_ms"] <= P95_LIMIT_MS and row["failed"] == 0
        if not ok:
            break
        best = row["users"]
    return best


def ramp(stack: ScaledStack, label: str, workdir: Path) -> dict:
    assert stack.settings is not None
    log(f"Capaciteit meten: {label} (eerst {WARMUP_S:.0f} s opwarmen, stappen van {STEP_S:.0f} s, "
        f"denktijd {THINK_S:.0f} s)...")
    result = run_locust(stack.settings.rasa_url, origin(stack), STEPS, STEP_S, THINK_S,
                        workdir / f"{label}.json", warmup_s=WARMUP_S)
    rows = step_table(result)
    cap = capacity(rows)
    for row in rows:
        log(f"  {row['users']:>4} gebruikers: p50 {row['p50_ms']} / p95 {row['p95_ms']} / "
            f"p99 {row['p99_ms']} ms, {row['answers_per_s']}/s, mislukt {row['failed']}")
    log(f"  capaciteit: {cap} gebruikers")
    return {"steps": rows, "capacity_users": cap}


# --- a lost instance ------------------------------------------------------------------------
def instance_lost(stack: ScaledStack, workdir: Path, users: int = 60, seconds: float = 45.0,
                  kill_at: float = 15.0, think_s: float = 3.0) -> dict:
    """kill -9 of rasa-1 while ``users`` talk; then compare every conversation with its
    stored tracker."""
    assert stack.settings is not None
    out = workdir / "lost.json"
    steps = [users] * int(seconds // 5)
    killed_at: list[float] = []

    def killer() -> None:
        time.sleep(kill_at)
        killed_at.append(time.time())
        stack.kill("rasa-1")

    thread = threading.Thread(target=killer)
    thread.start()
    result = run_locust(stack.settings.rasa_url, origin(stack), steps, 5.0, think_s, out,
                        conversations=True)
    thread.join()
    kill_t = killed_at[0]
    records = result["records"]
    failed = [r for r in records if not r[4]]
    # Messages in flight at the kill or sent in the 10 s after it: the slowest answer is how
    # long a user of the killed instance waited before the other instance answered.
    around = [r for r in records if kill_t - 2 <= r[5] + r[2] / 1000 and r[5] <= kill_t + 10]
    slowest = max((r[2] for r in around if r[4]), default=0.0) / 1000
    normal = [r[2] for r in records if r[4] and r[5] < kill_t - 2]
    check = compare_trackers(stack, result["conversations"])
    return {"users": users, "think_s": think_s, "killed_after_s": kill_at,
            "messages": len(records), "failed_answers": len(failed),
            "messages_around_kill": len(around),
            "longest_wait_after_kill_s": round(slowest, 2),
            "p95_before_kill_ms": round(percentile(normal, 95), 1) if normal else None,
            **check}


def compare_trackers(stack: ScaledStack, conversations: list[dict]) -> dict:
    """Every answered message is in the stored conversation once, in the order sent."""
    assert stack.stack is not None
    port = stack.rasa_ports[-1]  # the instance that lives
    lost = duplicated = out_of_order = checked = 0
    for conv in conversations:
        session_id = conv["token"].split(".")[1]
        status, body = http_get(f"http://127.0.0.1:{port}/conversations/{session_id}/tracker"
                                f"?token={stack.stack.api_token}", timeout=10)
        if status != 200:
            continue
        checked += 1
        stored = [e.get("text") for e in json.loads(body)["events"] if e.get("event") == "user"]
        answered = [m["text"] for m in conv["messages"] if m["answered"]]
        position = 0
        for text in answered:
            try:
                position = stored.index(text, position) + 1
            except ValueError:
                if text in stored:
                    out_of_order += 1
                else:
                    lost += 1
        sent = [m["text"] for m in conv["messages"]]
        duplicated += max(0, len(stored) - len(sent))
    return {"conversations_checked": checked, "events_lost": lost,
            "events_duplicated": duplicated, "events_out_of_order": out_of_order}


# --- the report -------------------------------------------------------------------------
def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    styles = {"one_instance": "tab:blue", "stock_rasa": "tab:gray", "two_instances": "tab:green"}
    for key, color in styles.items():
        rows = [r for r in report["ramps"][key]["steps"] if r["p95_ms"] is not None]
        users = [r["users"] for r in rows]
        ax.plot(users, [r["p95_ms"] for r in rows], "-o", color=color, label=f"{key} p95")
        ax.plot(users, [r["p50_ms"] for r in rows], "--", color=color, alpha=0.6,
                label=f"{key} p50")
        ax.plot(users, [r["p99_ms"] for r in rows], ":", color=color, alpha=0.6)
    ax.axhline(P95_LIMIT_MS, color="tab:red", linewidth=1, label="p95 limit 300 ms")
    ax.set_yscale("log")
    ax.set_xlabel(f"users (think time exponential, mean {THINK_S:.0f} s)")
    ax.set_ylabel("latency (ms, log scale); dotted: p99")
    ax.set_title("Gemeentetolk under load (make load)")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_table(report: dict) -> None:
    c = report["capacity"]
    print("\nCPU per beurt (Rasa + actie-server, ms):")
    for kind, v in report["per_turn_cpu_detail"].items():
        print(f"  {kind:<11} {v['total_ms']:>6} (Rasa {v['rasa_ms']}, acties {v['actions_ms']})")
    lc = report["long_conversation"]
    print(f"  (waarvan NLU alleen, /model/parse: {report['nlu_parse_cpu_ms']} ms)")
    print(f"Lang gesprek: beurt 1 {lc['turn_1_cpu_ms']} ms, beurt 200 {lc['turn_200_cpu_ms']} ms CPU")
    print(f"Koude start: {report['cold_start_s']} s")
    print(f"\n{'profiel':<16}{'capaciteit':>11}  (p95 <= {c['p95_limit_ms']:.0f} ms, "
          f"denktijd {c['think_s']:.0f} s)")
    print(f"{'1 instantie':<16}{c['one_instance_users']:>11}")
    print(f"{'Rasa zonder':<16}{c['stock_rasa_users']:>11}   (GEMEENTETOLK_PATCHES=none)")
    print(f"{'2 instanties':<16}{c['two_instances_users']:>11}")
    print(f"Schaalfactor 2/1: {report['scaleout_ratio']}")
    lost = report["instance_lost"]
    print(f"Instantie weg onder last: {lost['failed_answers']} mislukte antwoorden van "
          f"{lost['messages']}, langste wachttijd {lost['longest_wait_after_kill_s']} s, "
          f"verloren events {lost['events_lost']}, dubbel {lost['events_duplicated']}")
    for key, ok in report["targets_met"].items():
        print(f"Doel {key}: {'gehaald' if ok else 'NIET gehaald'}")


def main(argv: list[str] | None = None) -> int:
    global STEPS, STEP_S, WARMUP_S
    parser = argparse.ArgumentParser(description="Loadtest met Locust (make load).")
    parser.add_argument("--out", default="reports/load.json")
    default_steps = ",".join(map(str, STEPS))
    parser.add_argument("--steps", help=f"users per step, comma-separated (default: {default_steps})")
    parser.add_argument("--step-s", type=float, default=STEP_S, help="seconds per step")
    parser.add_argument("--warmup-s", type=float, default=WARMUP_S,
                        help="seconds of warm-up before each ramp's steps (not measured)")
    parser.add_argument("--quick", action="store_true",
                        help="a short trial run (few turns, two steps): checks the set-up only")
    args = parser.parse_args(argv)
    if args.steps:
        STEPS = [int(x) for x in args.steps.split(",") if x.strip()]
    STEP_S, WARMUP_S = args.step_s, args.warmup_s
    quick = args.quick
    if quick:
        STEPS, STEP_S, WARMUP_S = [10, 20], 8.0, 4.0
    started = time.monotonic()
    base = load_settings(env={**os.environ, "GEMEENTETOLK_RASA_PORT": str(free_port()),
                              "GEMEENTETOLK_ACTION_PORT": str(free_port()),
                              "GEMEENTETOLK_WEB_PORT": str(free_port())})
    workdir = Path(tempfile.mkdtemp(prefix="gt-load-"))
    workdir.chmod(0o755)  # PostgreSQL runs as the 'postgres' user and must reach its data
    stack = ScaledStack(base, rasa_instances=1, action_servers=1, with_web=False,
                        enable_api=True, var=workdir / "scaled", log_dir=workdir / "logs",
                        rasa_env=dict(RASA_ENV), log=log)
    report: dict[str, Any] = {"machine": {"cpus": os.cpu_count(),
                                          "load_average_1min_at_start": round(os.getloadavg()[0], 2)}}
    from bot.cli.supervisor import stop_signals

    with stop_signals():  # SIGTERM stops every server this run started, as Ctrl-C does
        return _run(stack, report, workdir, quick, started, args.out)


def _run(stack: ScaledStack, report: dict, workdir: Path, quick: bool, started: float,
         out_name: str) -> int:
    try:
        log("Start: PostgreSQL, Redis, nginx, 1 Rasa-instantie en 1 actie-server...")
        stack.start(timeout=400)
        status, _ = rest(stack.rasa_ports[0], "cold", "hallo")
        report["cold_start_s"] = round(time.monotonic() - stack.spawned_at["rasa-1"], 1)
        log(f"Koude start (Rasa gestart tot eerste antwoord): {report['cold_start_s']} s")

        log("CPU per beurt meten...")
        detail = cpu_per_kind(stack, turns=8 if quick else 40)
        report["per_turn_cpu_detail"] = detail
        report["per_turn_cpu_ms"] = {k: v["total_ms"] for k, v in detail.items()}
        report["nlu_parse_cpu_ms"] = nlu_cpu(stack, turns=8 if quick else 40)
        log("Lang gesprek (200 beurten)...")
        report["long_conversation"] = (long_conversation(stack, turns=40, window=10) if quick
                                       else long_conversation(stack))

        ramps: dict[str, Any] = {"one_instance": ramp(stack, "one_instance", workdir)}
        log("Rasa zonder de versnellingen (GEMEENTETOLK_PATCHES=none)...")
        stack.kill("rasa-1")
        stack.rasa_env["GEMEENTETOLK_PATCHES"] = "none"
        stack.restart("rasa-1")
        stack.wait_ready(400, {"rasa-1"})
        report["stock_rasa_per_turn_cpu"] = cpu_per_kind(stack, turns=8 if quick else 20)
        ramps["stock_rasa"] = ramp(stack, "stock_rasa", workdir)

        log("Twee instanties en twee actie-servers achter nginx...")
        stack.kill("rasa-1")
        stack.rasa_env.pop("GEMEENTETOLK_PATCHES")
        stack.restart("rasa-1")
        stack.wait_ready(400, {"rasa-1"})
        stack.scale_to(2, 2)
        ramps["two_instances"] = ramp(stack, "two_instances", workdir)
        report["ramps"] = ramps

        log("Een instantie uitschakelen (kill -9) terwijl gebruikers praten...")
        report["instance_lost"] = (instance_lost(stack, workdir, users=10, seconds=20, kill_at=8)
                                   if quick else instance_lost(stack, workdir))
    finally:
        stack.stop()

    one = ramps["one_instance"]["capacity_users"]
    two = ramps["two_instances"]["capacity_users"]
    report["capacity"] = {"one_instance_users": one, "two_instances_users": two,
                          "stock_rasa_users": ramps["stock_rasa"]["capacity_users"],
                          "think_time_s": THINK_S, "think_s": THINK_S,
                          "p95_limit_ms": P95_LIMIT_MS, "step_s": STEP_S, "warmup_s": WARMUP_S,
                          "steps": STEPS}
    report["scaleout_ratio"] = round(two / one, 2) if one else None
    report["targets"] = TARGETS
    report["targets_met"] = {
        "topic_cpu_ms": report["per_turn_cpu_ms"]["topic"] <= TARGETS["topic_cpu_ms"],
        "two_instances_users": two >= TARGETS["two_instances_users"],
        "scaleout_ratio": bool(report["scaleout_ratio"]) and report["scaleout_ratio"] >= TARGETS["scaleout_ratio"],
        "cold_start_s": report["cold_start_s"] <= TARGETS["cold_start_s"],
    }
    report["machine"]["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    report["duration_s"] = round(time.monotonic() - started, 1)
    report["date"] = time.strftime("%Y-%m-%d")
    out = Path(out_name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    plot(report, out.with_suffix(".png"))
    print_table(report)
    print(f"\nGeschreven: {out} en {out.with_suffix('.png')} ({report['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
