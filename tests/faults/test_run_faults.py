"""Faults tried on the real stack, started the way an operator starts it: ``make run``.

One ``make run`` (action server, Rasa server, demo page, workspace; free ports, a copy of the database,
fresh conversations, its own log folder) for the whole module, in this order:

1. nothing listens on all interfaces; the action server refuses a call without the secret;
2. ``kill -9`` of the action server mid-conversation: the Rasa server stays up, the next topic
   question for Dijkstede gets Dijkstede's own number (14 089) within 10 s, the supervisor
   starts the action server again and the conversation goes on where it was;
3. the contact form filled through the website channel: no name, e-mail or phone in any log
   of the run, and /history does not show them;
4. SIGTERM to ``make`` (the top of the process tree) leaves no port open within 10 s.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import free_port
from tests.security.cases import http

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NAME, EMAIL, PHONE = "Roos Runtest", "roos.runtest@voorbeeld.example", "06-55501234"


class Run:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.ports = {"actions": free_port(), "rasa": free_port(), "web": free_port(),
                      "workspace": free_port()}
        self.logs = tmp / "logs"
        self.out = tmp / "make-run.out"
        db = tmp / "gemeentetolk.db"
        shutil.copy(ROOT / "var" / "gemeentetolk.db", db)
        self.db = db
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
        self.env.update({
            "GEMEENTETOLK_DB_URL": f"sqlite:///{db}",
            "GEMEENTETOLK_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
            "GEMEENTETOLK_ACTION_PORT": str(self.ports["actions"]),
            "GEMEENTETOLK_RASA_PORT": str(self.ports["rasa"]),
            "GEMEENTETOLK_WEB_PORT": str(self.ports["web"]),
            "GEMEENTETOLK_WORKSPACE_PORT": str(self.ports["workspace"]),
            "GEMEENTETOLK_LOG_DIR": str(self.logs),
        })
        self.env.pop("GEMEENTETOLK_MUNICIPALITY", None)
        self.origin = f"http://localhost:{self.ports['web']}"
        self.make: subprocess.Popen | None = None

    def start(self, timeout: float = 400) -> None:
        out = open(self.out, "w", encoding="utf-8")  # noqa: SIM115
        self.make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=self.env,
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self.wait_for("Klaar in", timeout)

    def output(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float, after: int = 0) -> float:
        began = time.monotonic()
        while text not in self.output()[after:]:
            if self.make.poll() is not None:
                pytest.fail(f"make run stopped:\n{self.output()[-3000:]}")
            if time.monotonic() - began > timeout:
                pytest.fail(f"no {text!r} after {timeout} s:\n{self.output()[-3000:]}")
            time.sleep(0.2)
        return time.monotonic() - began

    def listener(self, port: int) -> psutil.Process | None:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return psutil.Process(conn.pid)
        return None

    def listening(self) -> list[tuple[str, int]]:
        ports = set(self.ports.values())
        return [(c.laddr.ip, c.laddr.port) for c in psutil.net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN and c.laddr.port in ports]

    # --- the website channel, as the widget uses it ---------------------------------------------
    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        headers = {"Origin": self.origin}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        url = f"http://127.0.0.1:{self.ports['rasa']}/webhooks/website{path}"
        status, raw, _ = http(method, url, data, headers, timeout=60)
        return status, json.loads(raw or b"null")

    def new_session(self) -> str:
        status, body = self.call("POST", "/session")
        assert status == 201, body
        return body["session"]

    def say(self, token: str, text: str) -> tuple[str, str]:
        """(reply text, the fresh token)."""
        status, body = self.call("POST", "/webhook", {"message": text, "metadata": {"municipality": "dijkstede"}}, token)
        assert status == 200, body
        return "\n".join(m.get("text", "") for m in body["messages"]), body["session"]

    def stop(self) -> None:
        if self.make and self.make.poll() is None:
            self.make.send_signal(signal.SIGTERM)
            try:
                self.make.wait(30)
            except subprocess.TimeoutExpired:
                self.make.kill()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if not (ROOT / "var" / "gemeentetolk.db").exists() or not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("Eerst 'make setup' (database en model) draaien.")
    running = Run(tmp_path_factory.mktemp("make-run"))
    running.start()
    yield running
    running.stop()
    for port in running.ports.values():  # nothing may be left behind, whatever failed
        proc = running.listener(port)
        if proc is not None:
            proc.kill()


def test_nothing_listens_on_all_interfaces(run: Run) -> None:
    found = run.listening()
    assert {port for _, port in found} == set(run.ports.values()), found
    assert all(ip == "127.0.0.1" for ip, _ in found), found


def test_the_action_server_refuses_a_call_without_the_secret(run: Run) -> None:
    call = {"next_action": "action_submit_contact", "tracker": {"sender_id": "aanvaller", "slots": {
        "contact_consent": True, "contact_summary": "spam", "contact_name": "Spam Bot",
        "contact_email": "spam@voorbeeld.example"}, "events": []}}
    url = f"http://127.0.0.1:{run.ports['actions']}/webhook"
    status, body, _ = http("POST", url, json.dumps(call).encode(), {"Content-Type": "application/json"})
    assert status == 401 and "Geen toegang" in json.loads(body)["message"]
    import sqlite3

    with sqlite3.connect(run.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM contact_requests WHERE name = 'Spam Bot'").fetchone() == (0,)


def test_rasas_own_api_needs_its_token(run: Run) -> None:
    """`make run` enables Rasa's HTTP API for the workspace (switching models); only with the token."""
    base = f"http://127.0.0.1:{run.ports['rasa']}"
    for method, path in (("GET", "/conversations/iemand/tracker"), ("GET", "/status"),
                         ("PUT", "/model"), ("POST", "/model/parse"), ("GET", "/domain")):
        status, body, _ = http(method, base + path, b"{}" if method != "GET" else None,
                               {"Content-Type": "application/json"})
        assert status == 401, (method, path, status, body[:200])
        assert b"Traceback" not in body


def test_kill_9_of_the_action_server_mid_conversation(run: Run) -> None:
    token = run.new_session()
    reply, token = run.say(token, "hoe schrijf ik me in op een tender van de gemeente")
    assert "TenderNed" in reply
    rasa_before = run.listener(run.ports["rasa"]).pid
    actions = run.listener(run.ports["actions"])
    seen = len(run.output())
    actions.kill()  # kill -9
    actions.wait(5)

    began = time.monotonic()
    reply, token = run.say(token, "welke vergunning heb ik nodig voor een terras")
    took = time.monotonic() - began
    assert took < 10, took
    assert "Gemeente Dijkstede" in reply and "14 089" in reply, reply
    assert "netnummer" not in reply  # the municipality's own route, not the generic text
    assert run.listener(run.ports["rasa"]).pid == rasa_before  # the Rasa server stayed up

    run.wait_for("De actie-server is gestopt (code -9)", 15, after=seen)
    run.wait_for("De actie-server draait weer", 60, after=seen)
    assert run.listener(run.ports["actions"]).pid != actions.pid
    # The conversation goes on where it was: a real answer, and the history has every turn.
    reply, token = run.say(token, "hoe vraag ik subsidie aan bij de gemeente")
    assert "14 089" not in reply.split("\n")[0] and "Sorry, er ging" not in reply, reply
    status, history = run.call("GET", "/history", token=token)
    texts = [m.get("text", "") for m in history["messages"] if m["from"] == "user"]
    assert texts == ["hoe schrijf ik me in op een tender van de gemeente",
                     "welke vergunning heb ik nodig voor een terras",
                     "hoe vraag ik subsidie aan bij de gemeente"]


def test_no_personal_data_in_any_log_after_the_contact_form(run: Run) -> None:
    token = run.new_session()
    reply, token = run.say(token, "ik wil iemand spreken")
    assert "Contact bij Gemeente Dijkstede" in reply, reply
    for text in ("Ik wil meedoen met opdrachten voor groenonderhoud in de wijk", "ja", NAME, EMAIL,
                 PHONE):
        reply, token = run.say(token, text)
    reply, token = run.say(token, "donderdagmiddag")
    assert re.search(r"GT-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", reply), reply
    status, history = run.call("GET", "/history", token=token)
    shown = json.dumps(history, ensure_ascii=False)
    assert status == 200 and NAME not in shown and EMAIL not in shown and PHONE not in shown
    logs = [p for p in run.logs.rglob("*") if p.is_file()] + [run.out]
    assert len(logs) >= 5  # actions, rasa, web, workspace, gemeentetolk (supervisor), make's output
    for path in logs:
        text = path.read_text(encoding="utf-8", errors="replace")
        for personal in (NAME, EMAIL, PHONE, "Runtest", "55501234"):
            assert personal not in text, f"{personal!r} in {path.name}"


def test_sigterm_to_make_run_leaves_no_port_open(run: Run) -> None:
    tree = [p.pid for p in psutil.Process(run.make.pid).children(recursive=True)]
    began = time.monotonic()
    run.make.send_signal(signal.SIGTERM)
    while run.listening() and time.monotonic() - began < 15:
        time.sleep(0.1)
    took = time.monotonic() - began
    assert run.listening() == [] and took < 10, (took, run.listening())
    run.make.wait(10)
    alive = [pid for pid in tree if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == []
    assert "Alle onderdelen zijn gestopt" in run.output()
