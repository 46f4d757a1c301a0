"""The scaled profile on real engines: PostgreSQL, Redis, two Rasa instances and two action
servers behind nginx (bot/cli/scaled.py). Slow: marked integration, in `make test`.

The tests share one stack and run in file order: the ones that stop PostgreSQL or Redis, or
kill an instance, come last and leave the stack as they found it where they can.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.cli.stack import http_get, post_json
from bot.services import websecurity as sec

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
FAILED_TEXTS = {sec.MSG_FAILED}


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    from bot.cli.scaled import ScaledStack
    from bot.cli.services import free_port
    from bot.services.settings import load_settings

    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("Geen getraind model in models/. Draai eerst 'make train'.")
    import shutil
    import tempfile

    base_dir = Path(tempfile.mkdtemp(prefix="gt-test-stack-"))  # reachable for 'postgres'
    base_dir.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GEMEENTETOLK_") or k == "GEMEENTETOLK_WEB_SECRET"}
    env.update({"GEMEENTETOLK_RASA_PORT": str(free_port()),
                "GEMEENTETOLK_ACTION_PORT": str(free_port()),
                "GEMEENTETOLK_WEB_PORT": str(free_port())})
    stack = ScaledStack(load_settings(env=env), with_web=False, enable_api=True,
                        var=base_dir / "var", log_dir=ROOT / "var" / "logs" / "test-scaled",
                        fast_unsafe=True, rasa_env={"GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE": "100000", "GEMEENTETOLK_WEB_SESSIONS_PER_MINUTE": "100000"},
                        log=lambda line: None)
    try:
        stack.start(timeout=600)
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


def _rest(port: int, sender: str, text: str, municipality: str = "dijkstede"):
    return post_json(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                     {"sender": sender, "message": text, "metadata": {"municipality": municipality}},
                     timeout=60)


def _texts(body) -> list[str]:
    return [m.get("text") or "" for m in body] if isinstance(body, list) else []


def _tracker(scaled, sender: str) -> dict:
    assert scaled.stack is not None
    status, body = http_get(f"{scaled.settings.rasa_url}/conversations/{sender}/tracker"
                            f"?token={scaled.stack.api_token}", timeout=20)
    assert status == 200, body
    return json.loads(body)


def _user_texts(tracker: dict) -> list[str]:
    return [e["text"] for e in tracker["events"] if e.get("event") == "user"]


# --- the widget's path and the engines ---------------------------------------------------
def test_the_widget_talks_through_nginx_to_both_instances(scaled) -> None:
    s = scaled.settings
    origin = f"http://localhost:{s.web_port}"
    url = f"{s.rasa_url}/webhooks/website"
    status, body = post_json(f"{url}/session", {}, headers={"Origin": origin})
    assert status == 201
    auth = {"Origin": origin, "Authorization": f"Bearer {body['session']}"}
    replies = []
    for _ in range(4):  # nginx spreads them over the instances (least connections)
        status, body = post_json(f"{url}/webhook", {"message": "hoe schrijf ik me in op een "
                                 "tender van de gemeente", "metadata": {"municipality": "dijkstede"}},
                                 headers=auth)
        assert status == 200
        replies.append(" ".join(m.get("text", "") for m in body["messages"]))
    assert all("TenderNed" in r and "14 089" in r for r in replies)
    for port in scaled.rasa_ports:  # both instances are up behind nginx
        assert http_get(f"http://127.0.0.1:{port}/webhooks/website/")[0] == 200


def test_conversations_and_contact_requests_live_in_postgres(scaled) -> None:
    import sqlalchemy as sa

    sender = f"pg-{uuid.uuid4().hex[:8]}"
    email = f"{sender}@voorbeeld.example"
    port = scaled.rasa_ports[0]
    for text in ["ik wil iemand spreken", "Ik wil meedoen met opdrachten voor groenonderhoud",
                 "ja", "Test Persoon", email, "geen", "dinsdagochtend"]:
        status, body = _rest(port, sender, text)
        assert status == 200 and body
    assert "referentienummer" in " ".join(_texts(body))
    engine = sa.create_engine(scaled.settings.db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM contact_requests WHERE email = :e"),
                            {"e": email}).scalar()
    engine.dispose()
    assert rows == 1
    assert scaled.settings.tracker_db_url.startswith("postgresql://")
    assert "dinsdagochtend" in _user_texts(_tracker(scaled, sender))


# --- the lock store on two instances ----------------------------------------------------
def test_many_messages_of_one_conversation_on_both_instances_at_once(scaled) -> None:
    """Issue #12 item 2: every message answered, the stored events complete and in order,
    nothing duplicated, while both instances get the same conversation at the same time."""
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    texts = [f"wat betekent aanbesteding {i}" if i % 2 else f"hallo {i}" for i in range(24)]
    ports = scaled.rasa_ports
    assert len(ports) == 2

    def send(i: int):
        return _rest(ports[i % 2], sender, texts[i])

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(send, range(len(texts))))
    for status, body in results:
        assert status == 200 and body and not FAILED_TEXTS & set(_texts(body))
    events = _tracker(scaled, sender)["events"]
    users = _user_texts({"events": events})
    assert sorted(users) == sorted(texts)  # complete, nothing duplicated
    # in order: each user message's turn ends (action_listen) before the next one starts
    turn_open = False
    for e in events:
        if e.get("event") == "user":
            assert not turn_open, "two turns of one conversation ran at the same time"
            turn_open = True
        elif e.get("event") == "action" and e.get("name") == "action_listen":
            turn_open = False
    timestamps = [e["timestamp"] for e in events]
    assert timestamps == sorted(timestamps)


def test_rate_limits_hold_across_instances(scaled) -> None:
    """20 messages a minute per conversation, wherever they land (shared in Redis)."""
    s = scaled.settings
    origin = f"http://localhost:{s.web_port}"
    status, body = post_json(f"http://127.0.0.1:{scaled.rasa_ports[0]}/webhooks/website/session",
                             {}, headers={"Origin": origin})
    auth = {"Origin": origin, "Authorization": f"Bearer {body['session']}"}
    statuses = []
    for i in range(21):
        port = scaled.rasa_ports[i % 2]
        statuses.append(post_json(f"http://127.0.0.1:{port}/webhooks/website/webhook",
                                  {"message": "hoi"}, headers=auth)[0])
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


# --- faults ------------------------------------------------------------------------------
def test_postgres_stopped_during_a_contact_request(scaled) -> None:
    """Issue #13 item 4 (scaled): the user is told in Dutch that saving did not work and gets
    the phone route; nothing half-written; after recovery the same request is stored once."""
    import sqlalchemy as sa

    sender = f"pgdown-{uuid.uuid4().hex[:8]}"
    email = f"{sender}@voorbeeld.example"
    port = scaled.rasa_ports[1]
    for text in ["ik wil iemand spreken", "Ik wil meedoen met opdrachten voor groenonderhoud",
                 "ja", "Test Persoon", email, "geen"]:
        assert _rest(port, sender, text)[0] == 200
    before = _tracker(scaled, sender)["events"]
    scaled.services.stop_one("postgres")
    try:
        status, body = _rest(port, sender, "dinsdagochtend")
        text = " ".join(_texts(body))
        assert status == 200
        assert sec.MSG_NOT_SAVED in text
        assert "14 089" in text  # Dijkstede's own number, not a generic text
        assert "referentienummer" not in text
    finally:
        scaled.restart("postgres")
    engine = sa.create_engine(scaled.settings.db_url)
    count = sa.text("SELECT count(*) FROM contact_requests WHERE email = :e")
    with engine.connect() as conn:
        assert conn.execute(count, {"e": email}).scalar() == 0
    assert _tracker(scaled, sender)["events"] == before  # nothing half-written
    status, body = _rest(port, sender, "dinsdagochtend")  # the same answer again
    assert status == 200 and "referentienummer" in " ".join(_texts(body))
    with engine.connect() as conn:
        assert conn.execute(count, {"e": email}).scalar() == 1
    engine.dispose()


def test_redis_stopped_gives_a_dutch_reply_and_recovers(scaled) -> None:
    s = scaled.settings
    origin = f"http://localhost:{s.web_port}"
    url = f"{s.rasa_url}/webhooks/website"
    token = post_json(f"{url}/session", {}, headers={"Origin": origin})[1]["session"]
    auth = {"Origin": origin, "Authorization": f"Bearer {token}"}
    sender = f"redisdown-{uuid.uuid4().hex[:8]}"
    scaled.services.stop_one("redis")
    try:
        status, body = post_json(f"{url}/webhook", {"message": "hallo"}, headers=auth)
        assert status == 503 and body["message"].startswith("Sorry") and "14" in body["message"]
        status, body = _rest(scaled.rasa_ports[0], sender, "hallo")  # REST: no rate limits
        assert status == 200 and body and all(t.startswith("Sorry") for t in _texts(body))
    finally:
        scaled.restart("redis")
    deadline = time.monotonic() + 15
    while True:  # recovers by itself: no restart of Rasa
        status, body = post_json(f"{url}/webhook", {"message": "hallo"}, headers=auth)
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200 and body["messages"]
    status, body = _rest(scaled.rasa_ports[0], sender, "hoe schrijf ik me in op een tender")
    assert status == 200 and "TenderNed" in " ".join(_texts(body))


def test_an_instance_lost_under_load(scaled, tmp_path) -> None:
    """Issue #13 item 5: kill -9 of one of the two Rasa instances while Locust users talk.
    No conversation loses an event; users of the killed instance go on at the other within a
    few seconds."""
    out = tmp_path / "locust.json"
    env = {**os.environ, "GT_LOAD_STEPS": "12,12,12,12,12,12,12,12", "GT_LOAD_STEP_S": "4",
           "GT_LOAD_THINK_S": "2", "GT_LOAD_OUT": str(out), "GT_LOAD_CONVERSATIONS": "1",
           "GT_LOAD_ORIGIN": f"http://localhost:{scaled.settings.web_port}"}
    locust = [str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "tools" / "locustfile.py"),
              "--headless", "--host", scaled.settings.rasa_url, "--only-summary",
              "--loglevel", "WARNING", "--stop-timeout", "10"]
    proc = subprocess.Popen(locust, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    killed_at: list[float] = []

    def kill() -> None:
        time.sleep(10)
        killed_at.append(time.time())
        scaled.kill("rasa-1")

    killer = threading.Thread(target=kill)
    killer.start()
    try:
        _, err = proc.communicate(timeout=180)
    finally:
        killer.join()
        if proc.poll() is None:
            proc.kill()
    result = json.loads(out.read_text(encoding="utf-8"))
    records = result["records"]
    after = [r for r in records if r[5] > killed_at[0] + 1]
    assert len(after) > 20, err  # users kept talking after the kill
    assert all(r[4] for r in after[len(after) // 4:]), "later messages must all be answered"
    slowest = max(r[2] for r in records if r[4] and r[5] >= killed_at[0] - 5)
    assert slowest < 8000  # the other instance took over within a few seconds
    # every answered message is stored once, in order
    checked = 0
    for conv in result["conversations"]:
        answered = [m["text"] for m in conv["messages"] if m["answered"]]
        if not answered:
            continue
        session_id = conv["token"].split(".")[1]
        stored = _user_texts(_tracker(scaled, session_id))
        position = 0
        for text in answered:
            assert text in stored[position:], (session_id, text, stored)
            position = stored.index(text, position) + 1
        assert len(stored) <= len(conv["messages"])  # nothing stored twice
        checked += 1
    assert checked >= 12


def test_run_scaled_stops_everything_on_sigterm() -> None:
    """Issue #13 item 2 for `make run-scaled`: SIGTERM stops every process it started within
    10 s, and no port stays open."""
    import psutil

    from bot.cli.services import free_port, port_open

    ports = {"GEMEENTETOLK_RASA_PORT": free_port(), "GEMEENTETOLK_ACTION_PORT": free_port(),
             "GEMEENTETOLK_WEB_PORT": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMEENTETOLK_")}
    env.update({k: str(v) for k, v in ports.items()})
    import shutil
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(prefix="gt-test-run-scaled-"))
    tmp_path.chmod(0o755)
    log = tmp_path / "run-scaled.log"
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("gemeentetolk")), "run-scaled",
                                 "--rasa-instances", "1", "--action-servers", "1",
                                 "--data-dir", str(tmp_path / "data")],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600
        while "Klaar in" not in log.read_text(encoding="utf-8"):
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "run-scaled did not start"
            time.sleep(1)
        children = psutil.Process(proc.pid).children(recursive=True)
        listening = {c.laddr.port for p in children for c in _listening(p)}
        assert set(ports.values()) <= listening
        assert len(listening) >= 6  # + PostgreSQL, Redis, one Rasa, one action server
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        proc.wait(timeout=15)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(tmp_path, ignore_errors=True)
    assert took <= 10, f"stopping took {took:.1f} s"
    assert not [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not [port for port in listening if port_open(port)]


def _listening(process):
    import psutil

    try:
        conns = getattr(process, "net_connections", None) or process.connections
        return [c for c in conns(kind="tcp") if c.status == psutil.CONN_LISTEN]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []
