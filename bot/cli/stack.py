"""Start and stop the running parts: action server, Rasa server (and the website when present).

Used by ``gemeentetolk run``, ``gemeentetolk shell``, the benchmark and the integration tests.
Each part is a ``Part`` (command, environment, port, health URL); ``Stack.start_part`` starts
one, so adding a part is one ``start_<part>`` method and one line in ``start``. A start that
fails halfway stops what it had started; a port that is taken gives one Dutch line that names
the port and the setting to change. ``bot.cli.supervisor`` keeps the parts running.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.services.settings import Settings, connect_host

RASA_FILES = [
    "--endpoints", "bot/endpoints.yml",
    "--credentials", "bot/credentials.yml",
]  # fmt: skip


TF_THREAD_VARS = ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS")


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "GEMEENTETOLK_ACTION_URL": settings.action_url,
            # The Rasa server sends it (bot/endpoints.yml), the action server checks it.
            "GEMEENTETOLK_ACTION_SECRET": settings.action_secret,
            "GEMEENTETOLK_ACTION_HOST": settings.action_host,
            "GEMEENTETOLK_DB_URL": settings.db_url,
            # Rasa's tracker store (bot/endpoints.yml) and `gemeentetolk purge` share this.
            "GEMEENTETOLK_TRACKER_DB_URL": settings.tracker_db_url,
            "PYTHONUNBUFFERED": "1",
            # The website channel inside the Rasa server allows these page origins.
            "GEMEENTETOLK_WEB_PORT": str(settings.web_port),
            "GEMEENTETOLK_ALLOWED_ORIGINS": ",".join(settings.allowed_origins),
            # ... and holds its visitors to these limits.
            "GEMEENTETOLK_WEB_MESSAGES_PER_MINUTE": str(settings.web_messages_per_minute),
            "GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE": str(settings.web_address_messages_per_minute),
            "GEMEENTETOLK_WEB_SESSIONS_PER_MINUTE": str(settings.web_sessions_per_minute),
        }
    )
    # Rasa imports TensorFlow at start-up as soon as one of these is set (+260 MB for the
    # action server, which does not use it). Only the Rasa server gets them: rasa_env().
    for name in TF_THREAD_VARS:
        env.pop(name, None)
    if settings.municipality:
        env["GEMEENTETOLK_MUNICIPALITY"] = settings.municipality
    if settings.web_secret_env:
        env["GEMEENTETOLK_WEB_SECRET"] = settings.web_secret_env
    if settings.today:  # tests only: the date dated facts are judged on
        env["GEMEENTETOLK_TODAY"] = settings.today.isoformat()
    return env


def rasa_env(settings: Settings) -> dict[str, str]:
    """child_env for the Rasa server (run and shell): one TensorFlow thread per op pool.

    The models are small, so a second thread only adds hand-over cost, and one thread leaves
    the other core to the action server (`make bench`: p95 670 -> 520 ms under load). Set the
    variables yourself to override.
    """
    env = child_env(settings)
    for name in TF_THREAD_VARS:
        env[name] = os.environ.get(name) or "1"
    return env


def rasa_server_command() -> list[str]:
    """Rasa's command line with the project's speed-ups (bot.plugins.server)."""
    return [sys.executable, "-m", "bot.plugins.server"]


def action_server_command() -> list[str]:
    """The closed action server (actions/server.py: loopback, shared secret)."""
    return [sys.executable, "-m", "actions.server"]


def bin_path(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def http_get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - localhost only
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def post_json(url: str, payload: dict, timeout: float = 30.0, headers: dict | None = None):
    data = json.dumps(payload).encode("utf-8")
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - localhost only
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        body = err.read()
        try:
            return err.code, json.loads(body or b"null")
        except ValueError:
            return err.code, body.decode("utf-8", "replace")


# Dutch names of the parts, for the lines `gemeentetolk run` prints.
LABELS = {
    "actions": "de actie-server",
    "rasa": "de Rasa-server",
    "web": "de demopagina",
    "workspace": "de werkruimte (Beheer)",
}


class PortInUse(RuntimeError):
    """A part cannot start: its port is taken. The message is one Dutch line."""


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (as our servers bind: reuse on)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def port_message(label: str, port: int, setting: str | None) -> str:
    line = f"Poort {port} is al in gebruik, dus {label} kan niet starten."
    if setting:
        other = port + 1 if port < 65535 else port - 1
        line += (f" Stop het programma dat die poort gebruikt, of kies een andere poort: "
                 f"{setting}={other} make run")
    return line


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the part gets SIGTERM when the launcher dies, even by kill -9."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Part:
    """One process of the stack and how to start it again."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    label: str = ""
    host: str = "127.0.0.1"
    port: int | None = None
    port_setting: str | None = None  # the setting that chooses the port (for the Dutch line)
    health: str | None = None  # a URL that answers 200 when the part is ready

    @property
    def title(self) -> str:
        return self.label or LABELS.get(self.name, self.name)


@dataclass
class Stack:
    settings: Settings
    enable_api: bool = False
    log_dir: Path | None = None
    # Hex, so it never starts with "-" (a token_urlsafe one did, 1 in 64, and `rasa run`
    # then read it as an option); passed as --auth-token=<token> as well.
    api_token: str = field(default_factory=lambda: secrets.token_hex(24))
    # The demo page with the widget: `gemeentetolk run` turns it on; tests and benchmarks that
    # only talk to Rasa leave it off (no clash on the web port).
    with_web: bool = False
    # The workspace (Beheer) on settings.workspace.port: `gemeentetolk run` turns it on. It gets
    # the API token, so "Publiceren" can switch the running Rasa server to a new model.
    with_workspace: bool = False
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    started_at: float = 0.0
    parts: dict[str, Part] = field(default_factory=dict)
    # Where progress lines go ("de Rasa-server is klaar"); None: silent (tests, benchmarks).
    report: Callable[[str], None] | None = None
    # `gemeentetolk run|shell`: the parts get SIGTERM when the launcher itself is killed.
    die_with_parent: bool = False
    stop_timeout: float = 6.0  # SIGTERM, then SIGKILL after this many seconds (all parts)

    # --- parts ----------------------------------------------------------------
    @property
    def logs(self) -> Path:
        return self.log_dir or self.settings.log_dir

    def _say(self, line: str) -> None:
        if self.report:
            self.report(line)

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        """Start a process that is not a Part (no port, no health check)."""
        self.start_part(Part(name, cmd, env or child_env(self.settings)))

    def _launch(self, part: Part, append: bool = False) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{part.name}.log", "a" if append else "w", encoding="utf-8")  # noqa: SIM115
        try:
            proc = subprocess.Popen(
                part.cmd,
                cwd=self.settings.root,
                env=part.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if self.die_with_parent else None,  # noqa: PLW1509
            )
        finally:
            log.close()  # the child has its own copy
        self.procs[part.name] = proc
        return proc

    def start_part(self, part: Part) -> None:
        """Start one part; PortInUse (and nothing started) when its port is taken."""
        if part.port and port_in_use(part.host, part.port):
            raise PortInUse(port_message(part.title, part.port, part.port_setting))
        self.parts[part.name] = part
        self._launch(part)

    def restart(self, name: str) -> subprocess.Popen:
        """Start a part that stopped again, with the same command (its log is continued)."""
        part = self.parts[name]
        old = self.procs.get(name)
        if old is not None and old.poll() is None:
            raise RuntimeError(f"{part.title} draait nog.")
        if part.port and port_in_use(part.host, part.port):
            raise PortInUse(port_message(part.title, part.port, part.port_setting))
        with open(self.logs / f"{name}.log", "a", encoding="utf-8") as log:
            log.write(f"\n--- opnieuw gestart om {time.strftime('%H:%M:%S')} ---\n")
        return self._launch(part, append=True)

    def healthy(self, name: str, timeout: float = 2.0) -> bool:
        part = self.parts.get(name)
        if part is None or not part.health:
            return self.procs.get(name) is not None and self.procs[name].poll() is None
        try:
            status, _ = http_get(part.health, timeout=timeout)
        except OSError:
            return False
        return status == 200

    def start_actions(self, port: int | None = None, name: str = "actions") -> None:
        """An action server (``port`` default: the settings' action port)."""
        s = self.settings
        port = port or s.action_port
        self.start_part(Part(
            name, [*action_server_command(), "--host", s.action_host, "--port", str(port)],
            child_env(s), host=s.action_host, port=port, port_setting="GEMEENTETOLK_ACTION_PORT",
            health=f"http://{connect_host(s.action_host)}:{port}/health",
        ))  # fmt: skip

    def start_rasa(self, port: int | None = None, name: str = "rasa",
                   extra_env: dict[str, str] | None = None) -> None:
        """A Rasa server (``port`` default: the settings' Rasa port), with the speed-ups."""
        s = self.settings
        port = port or s.rasa_port
        cmd = [*rasa_server_command(), "run", "--model", str(s.model_dir),
               "--port", str(port), "--interface", s.host, *RASA_FILES]  # fmt: skip
        env = rasa_env(s)
        if self.enable_api:
            cmd += ["--enable-api", f"--auth-token={self.api_token}"]
            # the same token opens /webhooks/model/switch (bot.plugins.model_switch)
            env["GEMEENTETOLK_RASA_API_TOKEN"] = self.api_token
        self.start_part(Part(
            name, cmd, {**env, **(extra_env or {})}, host=s.host, port=port,
            port_setting="GEMEENTETOLK_RASA_PORT",
            health=f"http://{connect_host(s.host)}:{port}/webhooks/rest/",
        ))  # fmt: skip

    def start_web(self) -> None:
        """The demo page with the chat widget (bot/web/server.py) on settings.web_port."""
        s = self.settings
        self.start_part(Part(
            "web",
            [sys.executable, "-m", "bot.web.server", "--host", s.host,
             "--port", str(s.web_port), "--rasa-url", s.rasa_url,
             "--municipality", s.municipality or "dijkstede"],
            child_env(s), host=s.host, port=s.web_port, port_setting="GEMEENTETOLK_WEB_PORT",
            health=f"http://{connect_host(s.host)}:{s.web_port}/health",
        ))  # fmt: skip

    def start_workspace(self) -> None:
        """The workspace for editors and civil servants (bot/workspace) on its port."""
        s = self.settings
        env = child_env(s)
        if self.enable_api:
            env["GEMEENTETOLK_RASA_API_TOKEN"] = self.api_token
        self.start_part(Part(
            "workspace",
            [sys.executable, "-m", "bot.workspace.server", "--host", s.host,
             "--port", str(s.workspace.port), "--rasa-url", s.rasa_url],
            env, host=s.host, port=s.workspace.port, port_setting="GEMEENTETOLK_WORKSPACE_PORT",
            health=f"http://{connect_host(s.host)}:{s.workspace.port}/health",
        ))  # fmt: skip

    # --- the whole stack ------------------------------------------------------------
    def start(self, timeout: float = 180.0) -> float:
        """Start everything and wait until the assistant answers. Returns the seconds it took.

        When one part fails to start, the parts that did start are stopped again.
        """
        self.started_at = time.monotonic()
        try:
            self.start_actions()
            self.start_rasa()
            if self.with_web:
                self.start_web()
            if self.with_workspace:
                self.start_workspace()
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - self.started_at

    def wait_ready(self, timeout: float) -> None:
        """Wait until every part with a health URL answers; RuntimeError when one stops."""
        begin = time.monotonic()
        deadline = begin + timeout
        pending = [name for name, part in self.parts.items() if part.health and name in self.procs]
        self._say(f"Wachten op: {', '.join(self.parts[n].title for n in pending)}...")
        while pending:
            for name in list(pending):
                part, proc = self.parts[name], self.procs[name]
                if proc.poll() is not None:
                    if part.port and port_in_use(part.host, part.port):
                        raise PortInUse(port_message(part.title, part.port, part.port_setting))
                    raise RuntimeError(
                        f"{part.title} is gestopt (code {proc.returncode}). "
                        f"Zie {self.logs / (name + '.log')}."
                    )
                if self.healthy(name):
                    pending.remove(name)
                    left = f" Nog bezig: {', '.join(self.parts[n].title for n in pending)}." if pending else ""
                    self._say(f"- {part.title} is klaar ({time.monotonic() - begin:.0f} s).{left}")
            if pending and time.monotonic() > deadline:
                raise TimeoutError(
                    f"Niet op tijd gestart: {', '.join(self.parts[n].title for n in pending)}."
                )
            if pending:
                time.sleep(0.25)

    def send(self, sender: str, text: str, metadata: dict | None = None):
        payload: dict = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        return post_json(f"{self.settings.rasa_url}/webhooks/rest/webhook", payload)

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker (needs enable_api=True; uses the token)."""
        from urllib.parse import quote

        url = (
            f"{self.settings.rasa_url}/conversations/{quote(sender, safe='')}/tracker"
            f"?token={self.api_token}"
        )
        status, body = http_get(url, timeout=10)
        if status != 200:
            raise RuntimeError(f"tracker niet beschikbaar ({status})")
        return json.loads(body)

    def stop(self, timeout: float | None = None) -> None:
        """SIGTERM to every part (its whole process group), SIGKILL after ``timeout`` seconds."""
        deadline = time.monotonic() + (self.stop_timeout if timeout is None else timeout)
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs.clear()

    def run_forever(self, **supervisor_options: Any) -> int:
        """Keep the started parts running until SIGINT/SIGTERM (see bot.cli.supervisor)."""
        from bot.cli.supervisor import Supervisor

        return Supervisor(self, **supervisor_options).run_forever()

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
