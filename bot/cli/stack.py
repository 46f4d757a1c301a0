"""Start and stop the running parts: action server, Rasa server (and the website when present).

Used by ``gemeentetolk run``, ``gemeentetolk shell``, the benchmark and the integration tests.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.settings import Settings

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
            "GEMEENTETOLK_DB_URL": settings.db_url,
            # Rasa's tracker store (bot/endpoints.yml) and `gemeentetolk purge` share this.
            "GEMEENTETOLK_TRACKER_DB_URL": settings.tracker_db_url,
            "PYTHONUNBUFFERED": "1",
            # The website channel inside the Rasa server allows these page origins.
            "GEMEENTETOLK_WEB_PORT": str(settings.web_port),
            "GEMEENTETOLK_ALLOWED_ORIGINS": ",".join(settings.allowed_origins),
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

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        log_dir = self.log_dir or self.settings.var_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(
            cmd,
            cwd=self.settings.root,
            env=env or child_env(self.settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_actions(self, port: int | None = None, name: str = "actions") -> None:
        """An action server (``port`` default: the settings' action port)."""
        s = self.settings
        self._spawn(
            name,
            [bin_path("rasa"), "run", "actions", "--actions", "actions",
             "--port", str(port or s.action_port)],
        )  # fmt: skip

    def start_rasa(self, port: int | None = None, name: str = "rasa",
                   extra_env: dict[str, str] | None = None) -> None:
        """A Rasa server (``port`` default: the settings' Rasa port), with the speed-ups."""
        s = self.settings
        cmd = [*rasa_server_command(), "run", "--model", str(s.model_dir),
               "--port", str(port or s.rasa_port), "--interface", s.host, *RASA_FILES]  # fmt: skip
        if self.enable_api:
            cmd += ["--enable-api", f"--auth-token={self.api_token}"]
        self._spawn(name, cmd, {**rasa_env(s), **(extra_env or {})})

    def start_web(self) -> None:
        """The demo page with the chat widget (bot/web/server.py) on settings.web_port."""
        s = self.settings
        self._spawn(
            "web",
            [sys.executable, "-m", "bot.web.server", "--host", s.host,
             "--port", str(s.web_port), "--rasa-url", s.rasa_url,
             "--municipality", s.municipality or "dijkstede"],
        )  # fmt: skip

    def start_workspace(self) -> None:
        """The workspace for editors and civil servants (bot/workspace) on its port."""
        s = self.settings
        env = child_env(s)
        if self.enable_api:
            env["GEMEENTETOLK_RASA_API_TOKEN"] = self.api_token
        self._spawn(
            "workspace",
            [sys.executable, "-m", "bot.workspace.server", "--host", s.host,
             "--port", str(s.workspace.port), "--rasa-url", s.rasa_url],
            env,
        )  # fmt: skip

    def start(self, timeout: float = 180.0) -> float:
        """Start everything and wait until the assistant answers. Returns the seconds it took."""
        self.started_at = time.monotonic()
        self.start_actions()
        self.start_rasa()
        if self.with_web:
            self.start_web()
        if self.with_workspace:
            self.start_workspace()
        self.wait_ready(timeout)
        return time.monotonic() - self.started_at

    def wait_ready(self, timeout: float) -> None:
        s = self.settings
        deadline = time.monotonic() + timeout
        checks = {
            "actions": f"http://{s.host}:{s.action_port}/health",
            "rasa": f"http://{s.host}:{s.rasa_port}/webhooks/rest/",
            "web": f"http://{s.host}:{s.web_port}/health",
            "workspace": f"http://{s.host}:{s.workspace.port}/health",
        }
        pending = {k: v for k, v in checks.items() if k in self.procs}
        while pending:
            for name, url in list(pending.items()):
                proc = self.procs[name]
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} is gestopt (code {proc.returncode}). Zie var/logs/{name}.log."
                    )
                try:
                    status, _ = http_get(url)
                except OSError:
                    status = 0
                if status == 200:
                    del pending[name]
            if time.monotonic() > deadline:
                raise TimeoutError(f"Niet op tijd gestart: {', '.join(pending)}.")
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

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
