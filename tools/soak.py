"""`make soak`: a bounded soak run through the website channel (not part of `make test`).

Starts the action server and the Rasa server on free ports (fresh conversations, a copy of the
database), then sends ``--messages`` (10,000) messages through ``/webhooks/website/webhook`` as
the widget does, from ``--concurrency`` (12) conversations at a time, within ``--max-minutes``
(15). Each conversation is a short scripted talk (greeting, topic questions, a glossary word, a
thank-you); one in twenty fills in the contact form.

Rate limits: the channel's real limits stay on. Conversations come from a pool of loopback
source addresses (127.0.0.2 ... 127.0.0.65), and all threads together send at most ``--rate``
messages a second (default: the messages spread over 80 % of ``--max-minutes``, about 14 a
second), so the per-address limits (20 messages and 20 new conversations a minute) are not
reached, as with many visitors; a conversation sends at most a dozen messages.

Reports the memory (RSS, psutil) of each process at launch, at the start (after a warm-up of
``--warmup`` messages: the first message of each kind loads caches, which is not growth) and at
the end, the error count (any status other than 200, a timeout, or the "something went wrong"
reply) and the latencies. Targets: 0 errors, memory growth under 10 % per process. Writes
``reports/soak.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "soak.json"
TARGETS = {"errors": 0, "memory_growth_pct": 10.0, "max_minutes": 15.0}
ADDRESSES = [f"127.0.0.{i}" for i in range(2, 66)]
FAILURE_MARK = "Sorry, er ging aan mijn kant iets mis"

TALKS = [
    ["hallo", "hoe kan ik meedoen met een aanbesteding van de gemeente", "wat betekent inschrijving",
     "wat is social return?", "bedankt"],
    ["goedemiddag", "ik zoek subsidie voor mijn buurtproject", "hoe lang duurt een besluit op mijn aanvraag",
     "en als ik het niet eens ben met het besluit?", "dank je wel"],
    ["hoi", "ik wil iemand met een uitkering in dienst nemen", "wat dekt de no-riskpolis",
     "wat is loonkostensubsidie", "top, bedankt"],
    ["hallo", "heb ik een vergunning nodig voor een terras", "hoe lang duurt dat",
     "wat betekent omgevingsvergunning", "fijn"],
    ["dag", "ik wil een sociale onderneming starten, hoe begin ik", "moet ik me inschrijven bij de KVK",
     "zijn er netwerken voor sociaal ondernemers in de buurt", "bedankt voor je hulp"],
    ["hallo", "hoe beslist de gemeenteraad over nieuw beleid", "hoe kan ik inspreken bij de gemeenteraad",
     "wat kun je?", "doei"],
]
CONTACT_TALK = ["ik wil iemand spreken", "Ik wil graag meedoen met opdrachten voor groenonderhoud",
                "ja", "Soak Tester", "soak.tester@voorbeeld.example", "geen", "dinsdagochtend"]


@dataclasses.dataclass
class Result:
    latency: float
    ok: bool
    kind: str = ""  # why not ok: "http 429", "timeout", "failure reply", ...


def talk(number: int) -> list[str]:
    """The messages of conversation ``number`` (every 20th fills in the contact form)."""
    if number % 20 == 19:
        return CONTACT_TALK
    return TALKS[number % len(TALKS)]


class Client:
    """One conversation over one keep-alive connection from one loopback address."""

    def __init__(self, host: str, port: int, origin: str, source: str, timeout: float = 60) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
        self.origin = origin
        self.token: str | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Origin": self.origin}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.conn.request(method, "/webhooks/website" + path, data, headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            return resp.status, json.loads(raw or b"{}")
        except ValueError:
            return resp.status, {}

    def close(self) -> None:
        self.conn.close()


class Pacer:
    """At most ``rate`` calls of ``wait`` a second over all threads (evenly spaced)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.lock = threading.Lock()
        self.next_at = clock()

    def wait(self) -> None:
        with self.lock:
            now = self.clock()
            at = max(self.next_at, now)
            self.next_at = at + self.interval
        if at > now:
            self.sleep(at - now)


def default_rate(messages: int, max_minutes: float) -> float:
    """Messages a second that spread ``messages`` over 80 % of the time allowed."""
    return messages / (0.8 * max_minutes * 60)


def one_message(client: Client, text: str) -> Result:
    began = time.perf_counter()
    try:
        if client.token is None:
            status, body = client.call("POST", "/session", {})
            if status != 201:
                return Result(time.perf_counter() - began, False, f"session http {status}")
            client.token = body["session"]
        status, body = client.call("POST", "/webhook", {"message": text, "metadata": {"municipality": "dijkstede"}})
    except TimeoutError:
        return Result(time.perf_counter() - began, False, "timeout")
    except (OSError, http.client.HTTPException) as err:
        return Result(time.perf_counter() - began, False, type(err).__name__)
    latency = time.perf_counter() - began
    if status != 200:
        return Result(latency, False, f"http {status}")
    client.token = body.get("session") or client.token
    texts = " ".join(m.get("text", "") for m in body.get("messages") or [])
    if not texts or FAILURE_MARK in texts:
        return Result(latency, False, "failure reply")
    return Result(latency, True)


def run_messages(send_talk: Callable[[int, int], list[Result]], total: int, concurrency: int,
                 deadline: float, results: list[Result] | None = None) -> list[Result]:
    """Run conversations on ``concurrency`` threads until ``total`` messages or the deadline.
    ``results`` (a list the caller can read while it fills, for progress) collects them."""
    results = [] if results is None else results
    lock = threading.Lock()
    numbers = itertools.count()

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                left = total - len(results)
                if left <= 0:
                    return
                number = next(numbers)
            for result in send_talk(number, left):
                with lock:
                    results.append(result)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results[:total]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def growth_pct(start: float, end: float) -> float:
    return round((end - start) / start * 100, 1) if start else 0.0


def summarize(results: list[Result], seconds: float, memory: dict[str, dict[str, float]],
              wanted: int, max_minutes: float) -> dict:
    errors = [r for r in results if not r.ok]
    ms = [r.latency * 1000 for r in results] or [0.0]
    growth = {name: growth_pct(m["start_mb"], m["end_mb"]) for name, m in memory.items()}
    met = {
        "errors": len(errors) == TARGETS["errors"],
        "memory_growth": all(g < TARGETS["memory_growth_pct"] for g in growth.values()),
        "all_messages_sent": len(results) == wanted,
        "within_time": seconds <= max_minutes * 60,
    }
    return {
        "messages": len(results),
        "messages_wanted": wanted,
        "seconds": round(seconds, 1),
        "messages_per_s": round(len(results) / seconds, 1) if seconds else 0.0,
        "errors": len(errors),
        "errors_by_kind": dict(Counter(r.kind for r in errors)),
        "latency_ms": {"p50": round(statistics.median(ms), 1), "p95": round(percentile(ms, 95), 1),
                       "max": round(max(ms), 1)},
        "memory_mb": {name: {**m, "growth_pct": growth[name]} for name, m in memory.items()},
        "targets": {"errors": TARGETS["errors"], "memory_growth_pct_below": TARGETS["memory_growth_pct"],
                    "max_minutes": max_minutes},
        "targets_met": met,
    }


def rss(procs: dict) -> dict[str, float]:
    import psutil

    out = {}
    for name, proc in procs.items():
        try:
            out[name] = round(psutil.Process(proc.pid).memory_info().rss / 2**20, 1)
        except psutil.NoSuchProcess:
            out[name] = 0.0
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.soak", description=__doc__.split("\n\n")[0],
                                     epilog="Voorbeeld: make soak  (of: python -m tools.soak --messages 2000)")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--max-minutes", type=float, default=TARGETS["max_minutes"])
    parser.add_argument("--rate", type=float, default=None,
                        help="berichten per seconde, alle gesprekken samen (standaard: verspreid over 80%% van de tijd)")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)

    import socket

    from bot.cli.stack import Stack
    from bot.services.settings import load_settings

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    tmp = Path(tempfile.mkdtemp(prefix="gt-soak-"))
    db = tmp / "gemeentetolk.db"
    if (ROOT / "var" / "gemeentetolk.db").exists():
        shutil.copy(ROOT / "var" / "gemeentetolk.db", db)
    web_port = free_port()
    settings = dataclasses.replace(
        load_settings(), db_url=f"sqlite:///{db}", tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
        action_port=free_port(), rasa_port=free_port(), web_port=web_port,
        allowed_origins=(f"http://localhost:{web_port}",), log_dir_env=str(tmp / "logs"),
    )
    stack = Stack(settings, report=lambda line: print(line, flush=True))
    origin = settings.allowed_origins[0]
    addresses = itertools.cycle(ADDRESSES)
    address_lock = threading.Lock()
    rate = args.rate or default_rate(args.messages, args.max_minutes)
    pacer = Pacer(rate)

    def paced(client: Client, text: str) -> Result:
        pacer.wait()
        return one_message(client, text)

    def send_talk(number: int, left: int) -> list[Result]:
        with address_lock:
            source = next(addresses)
        client = Client(settings.host, settings.rasa_port, origin, source)
        try:
            return [paced(client, text) for text in talk(number)[:left]]
        finally:
            client.close()

    print(f"Soak: {args.messages} berichten via het websitekanaal, {args.concurrency} gesprekken tegelijk, "
          f"hooguit {args.max_minutes:g} minuten, {rate:.1f} berichten per seconde. De stack start...",
          flush=True)
    load_before = os.getloadavg()
    try:
        stack.start(timeout=600)
        launch = rss(stack.procs)
        began = time.monotonic()
        deadline = began + args.max_minutes * 60
        warm = run_messages(send_talk, args.warmup, args.concurrency, deadline)
        start = rss(stack.procs)
        print(f"Opwarmen klaar ({len(warm)} berichten); geheugen bij de start: {start}", flush=True)
        results: list[Result] = []
        reporter_stop = threading.Event()

        def progress() -> None:
            while not reporter_stop.wait(30):
                done = len(warm) + len(results)
                print(f"  {done}/{args.messages} berichten, {time.monotonic() - began:.0f} s", flush=True)

        threading.Thread(target=progress, daemon=True).start()
        results = run_messages(send_talk, args.messages - len(warm), args.concurrency, deadline,
                               results)
        reporter_stop.set()
        seconds = time.monotonic() - began
        end = rss(stack.procs)
    finally:
        stack.stop()
    memory = {name: {"launch_mb": launch[name], "start_mb": start[name], "end_mb": end[name]}
              for name in launch}
    report = summarize(warm + results, seconds, memory, args.messages, args.max_minutes)
    report.update({
        "command": "make soak",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "concurrency": args.concurrency,
        "rate_per_s": round(rate, 2),
        "warmup_messages": len(warm),
        "memory_note": "start = after the warm-up; growth = (end - start) / start",
        "source_addresses": len(ADDRESSES),
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "cpu_count": os.cpu_count(),
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_report(report, args.out)
    if report["errors"]:
        print(f"Logboeken van deze run: {tmp / 'logs'}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(report["targets_met"].values()) else 1


def print_report(report: dict, out: Path) -> None:
    print(f"\nSoak: {report['messages']}/{report['messages_wanted']} berichten in {report['seconds']:.0f} s "
          f"({report['messages_per_s']} per seconde), {report['errors']} fouten {report['errors_by_kind'] or ''}")
    print(f"Latentie p50/p95/max: {report['latency_ms']['p50']} / {report['latency_ms']['p95']} / "
          f"{report['latency_ms']['max']} ms")
    print(f"{'proces':<10}{'bij launch':>12}{'start':>10}{'eind':>10}{'groei':>9}")
    for name, m in report["memory_mb"].items():
        print(f"{name:<10}{m['launch_mb']:>10.0f}MB{m['start_mb']:>8.0f}MB{m['end_mb']:>8.0f}MB"
              f"{m['growth_pct']:>8.1f}%")
    met = report["targets_met"]
    print("Doelen: " + ", ".join(f"{k}: {'gehaald' if v else 'NIET gehaald'}" for k, v in met.items()))
    print(f"Rapport: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
