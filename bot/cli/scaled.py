"""The scaled profile on one machine: ``gemeentetolk run-scaled`` (``make run-scaled``).

PostgreSQL (the assistant's database and Rasa's tracker store), Redis (lock store, rate
limits, button memory), two Rasa instances and two action servers behind nginx, and the demo
page. The servers come from ``bot.cli.services``; the Rasa and action processes from
``bot.cli.stack.Stack``. The public addresses are the same settings as ``gemeentetolk run``
(``GEMEENTETOLK_RASA_PORT``, ``GEMEENTETOLK_ACTION_PORT``, ``GEMEENTETOLK_WEB_PORT``): nginx
listens there, the instances on free ports behind it. A part that dies is started again
(with a back-off); SIGINT and SIGTERM stop everything this command started.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.cli.services import (
    ServiceError,
    Services,
    ensure_packages,
    free_port,
    port_open,
    stop_processes,
)
from bot.cli.stack import Stack, http_get
from bot.services.settings import Settings, load_settings

EXAMPLE = "gemeentetolk run-scaled --rasa-instances 2 --action-servers 2"
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


class Stopped(Exception):
    """SIGTERM arrived: stop as on Ctrl-C."""


def _postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgresql+psycopg2://", "postgres://"))


@dataclass
class ScaledStack:
    """Every part of the scaled profile; ``start()`` returns the seconds until it answers."""

    base: Settings
    rasa_instances: int = 2
    action_servers: int = 2
    with_web: bool = True
    enable_api: bool = False
    var: Path | None = None  # data of PostgreSQL/Redis/nginx (default var/scaled)
    log_dir: Path | None = None
    fast_unsafe: bool = False  # tests: PostgreSQL without fsync
    rasa_env: dict[str, str] = field(default_factory=dict)  # e.g. GEMEENTETOLK_PATCHES
    log: Callable[[str], None] = print
    settings: Settings | None = None
    services: Services | None = None
    stack: Stack | None = None
    rasa_ports: list[int] = field(default_factory=list)
    action_ports: list[int] = field(default_factory=list)
    redis_url: str = ""
    spawned_at: dict[str, float] = field(default_factory=dict)  # monotonic, per part
    _restarts: dict[str, tuple[int, float]] = field(default_factory=dict)

    # --- start ------------------------------------------------------------------------
    def start(self, timeout: float = 300.0) -> float:
        started = time.monotonic()
        try:
            self._start(timeout)
        except BaseException:
            self.stop()  # a start that fails halfway leaves nothing running
            raise
        return time.monotonic() - started

    def _start(self, timeout: float) -> None:
        b = self.base
        var = self.var or b.var_dir / "scaled"
        logs = self.log_dir or b.var_dir / "logs" / "scaled"
        need_pg = not (_postgres(b.db_url) and _postgres(b.tracker_db_url))
        need_redis = not b.redis_url
        wanted = tuple(n for n, needed in (("postgres", need_pg), ("redis-server", need_redis),
                                           ("nginx", True)) if needed)
        ensure_packages(wanted, log=self.log)
        for port, setting in ((b.rasa_port, "GEMEENTETOLK_RASA_PORT"),
                              (b.action_port, "GEMEENTETOLK_ACTION_PORT"),
                              (b.web_port, "GEMEENTETOLK_WEB_PORT")):
            if port_open(port) and (setting != "GEMEENTETOLK_WEB_PORT" or self.with_web):
                raise ServiceError(f"Poort {port} is al in gebruik. Kies een andere met {setting}.")
        self.services = Services(var, logs, fast_unsafe=self.fast_unsafe)
        env: dict[str, str] = {}
        if need_pg:
            self.log(f"PostgreSQL start (data in {var / 'postgres'})...")
            urls = self.services.start_postgres()
            env["GEMEENTETOLK_DB_URL"] = urls["db_url"]
            env["GEMEENTETOLK_TRACKER_DB_URL"] = urls["tracker_db_url"]
        if need_redis:
            self.log("Redis start...")
            env["GEMEENTETOLK_REDIS_URL"] = self.services.start_redis()
        settings = load_settings(env={**os.environ, **env,
                                      "GEMEENTETOLK_RASA_PORT": str(b.rasa_port),
                                      "GEMEENTETOLK_ACTION_PORT": str(b.action_port),
                                      "GEMEENTETOLK_WEB_PORT": str(b.web_port)},
                                 root=b.root)
        self.settings = settings
        self.redis_url = settings.redis_url
        self.log("Database klaarzetten (migraties, begrippenlijst, gemeenten)...")
        self._setup_database(settings)

        self.stack = Stack(settings, enable_api=self.enable_api, log_dir=logs,
                           with_web=self.with_web)
        self.action_ports = [free_port() for _ in range(self.action_servers)]
        self.rasa_ports = [free_port() for _ in range(self.rasa_instances)]
        for i, port in enumerate(self.action_ports, 1):
            self.stack.start_actions(port=port, name=f"actions-{i}")
        for i in range(1, self.rasa_instances + 1):
            self._start_rasa(i)
        self.log(f"nginx start voor {self.rasa_instances} Rasa-instanties en "
                 f"{self.action_servers} actie-servers...")
        self.services.start_nginx(settings.rasa_port, self.rasa_ports, settings.action_port,
                                  self.action_ports)
        if self.with_web:
            self.stack.start_web()
        self.wait_ready(timeout)

    def rasa_extra_env(self) -> dict[str, str]:
        assert self.settings is not None
        return {
            "GEMEENTETOLK_REDIS_URL": self.settings.redis_url,
            "GEMEENTETOLK_DB_URL": self.settings.db_url,
            "GEMEENTETOLK_TRACKER_DB_URL": self.settings.tracker_db_url,
            # Behind nginx: the client's address is the last X-Forwarded-For entry (rate limits).
            "SANIC_PROXIES_COUNT": "1",
            **self.rasa_env,
        }

    def _start_rasa(self, i: int) -> None:
        assert self.stack is not None
        self.spawned_at[f"rasa-{i}"] = time.monotonic()
        self.stack.start_rasa(port=self.rasa_ports[i - 1], name=f"rasa-{i}",
                              extra_env=self.rasa_extra_env())

    def _setup_database(self, settings: Settings) -> None:
        from bot.services.bootstrap import run_setup
        from bot.services.db import make_engine

        engine = make_engine(settings.db_url)
        try:
            for line in run_setup(engine, settings):
                self.log(f"  {line}")
        finally:
            engine.dispose()

    def health_urls(self) -> dict[str, str]:
        assert self.settings is not None
        urls = {f"actions-{i}": f"http://127.0.0.1:{p}/health"
                for i, p in enumerate(self.action_ports, 1)}
        urls.update({f"rasa-{i}": f"http://127.0.0.1:{p}/webhooks/rest/"
                     for i, p in enumerate(self.rasa_ports, 1)})
        urls["nginx"] = f"{self.settings.rasa_url}/webhooks/rest/"
        if self.with_web:
            urls["web"] = f"http://127.0.0.1:{self.settings.web_port}/health"
        return urls

    def wait_ready(self, timeout: float, names: set[str] | None = None) -> None:
        pending = {k: v for k, v in self.health_urls().items() if names is None or k in names}
        deadline = time.monotonic() + timeout
        while pending:
            for name, url in list(pending.items()):
                proc = self.process(name)
                if proc is not None and proc.poll() is not None:
                    raise ServiceError(f"{name} is gestopt (code {proc.returncode}). "
                                       f"Zie de logs in var/logs/scaled/{name}.log.")
                try:
                    status, _ = http_get(url, timeout=2)
                except OSError:
                    status = 0
                if status == 200:
                    del pending[name]
            if time.monotonic() > deadline:
                raise TimeoutError(f"Niet op tijd gestart: {', '.join(pending)}.")
            time.sleep(0.25)

    def scale_to(self, rasa_instances: int, action_servers: int, timeout: float = 300.0) -> None:
        """Start more Rasa instances and action servers and put them behind nginx."""
        assert self.stack is not None and self.services is not None and self.settings
        names = set()
        while len(self.action_ports) < action_servers:
            self.action_ports.append(free_port())
            name = f"actions-{len(self.action_ports)}"
            self.stack.start_actions(port=self.action_ports[-1], name=name)
            names.add(name)
        while len(self.rasa_ports) < rasa_instances:
            self.rasa_ports.append(free_port())
            self._start_rasa(len(self.rasa_ports))
            names.add(f"rasa-{len(self.rasa_ports)}")
        self.rasa_instances, self.action_servers = len(self.rasa_ports), len(self.action_ports)
        self.wait_ready(timeout, names)
        self.services.reload_nginx(self.settings.rasa_port, self.rasa_ports,
                                   self.settings.action_port, self.action_ports)

    # --- parts ------------------------------------------------------------------------
    def process(self, name: str):
        for procs in (self.stack.procs if self.stack else {},
                      self.services.procs if self.services else {}):
            if name in procs:
                return procs[name]
        return None

    def pids(self) -> dict[str, int]:
        out = {}
        for procs in (self.stack.procs if self.stack else {},
                      self.services.procs if self.services else {}):
            out.update({name: p.pid for name, p in procs.items() if p.poll() is None})
        return out

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one part at once (fault tests, the load test's lost instance)."""
        proc = self.process(name)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait()

    def restart(self, name: str) -> None:
        """Start a part that stopped again, on the same port."""
        assert self.stack is not None and self.services is not None and self.settings
        if name.startswith("rasa-"):
            self._start_rasa(int(name.split("-")[1]))
        elif name.startswith("actions-"):
            i = int(name.split("-")[1])
            self.stack.start_actions(port=self.action_ports[i - 1], name=name)
        elif name == "web":
            self.stack.start_web()
        elif name == "postgres":
            self.services.start_postgres(port=self.services.ports["postgres"])
        elif name == "redis":
            self.services.start_redis(port=self.services.ports["redis"])
        elif name == "nginx":
            self.services.start_nginx(self.settings.rasa_port, self.rasa_ports,
                                      self.settings.action_port, self.action_ports)

    def supervise_once(self) -> list[str]:
        """Restart the parts that died, each with its own back-off. Returns log lines."""
        lines = []
        now = time.monotonic()
        for procs in (self.stack.procs if self.stack else {},
                      self.services.procs if self.services else {}):
            for name, proc in list(procs.items()):
                if proc.poll() is None:
                    continue
                count, not_before = self._restarts.get(name, (0, 0.0))
                if now < not_before:
                    continue
                wait = BACKOFF_S[min(count, len(BACKOFF_S) - 1)]
                self._restarts[name] = (count + 1, now + wait)
                lines.append(f"{name} is gestopt (code {proc.returncode}); opnieuw gestart "
                             f"(poging {count + 1}, volgende niet binnen {wait:.0f} s).")
                try:
                    self.restart(name)
                except (ServiceError, OSError) as err:
                    lines.append(f"{name} opnieuw starten lukte niet: {err}")
        return lines

    # --- stop -------------------------------------------------------------------------
    def stop(self) -> None:
        """Everything this stack started, within 10 s: the app first, then the servers."""
        if self.stack is not None:
            stop_processes(self.stack.procs, timeout=5.0)
            self.stack.procs.clear()
        if self.services is not None:
            self.services.stop(timeout=3.5)

    def __enter__(self) -> ScaledStack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _raise_stopped(signum: int, frame: object) -> None:
    raise Stopped()


def cmd_run_scaled(args: argparse.Namespace) -> int:
    from bot.cli import CommandError

    try:
        base = load_settings()
    except ValueError as err:
        raise CommandError(str(err)) from err
    scaled = ScaledStack(base, rasa_instances=args.rasa_instances,
                         action_servers=args.action_servers,
                         var=Path(args.data_dir).resolve() if args.data_dir else None)
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    print(f"Gemeentetolk start geschaald op: {args.rasa_instances} Rasa-instanties, "
          f"{args.action_servers} actie-servers, PostgreSQL, Redis en nginx "
          "(dit duurt ongeveer een minuut)...")
    try:
        seconds = scaled.start()
        s = scaled.settings
        assert s is not None
        print(f"Klaar in {seconds:.0f} s.")
        print(f"- Website met chatwidget: {s.web_url}")
        print(f"- Rasa-server:   {s.rasa_url} (REST: /webhooks/rest/webhook; nginx voor "
              f"{len(scaled.rasa_ports)} instanties)")
        print(f"- Actie-server:  http://{s.host}:{s.action_port} (nginx voor "
              f"{len(scaled.action_ports)} actie-servers)")
        print(f"- Logs: {s.var_dir / 'logs' / 'scaled'}")
        print("Praat met de assistent, bijvoorbeeld:")
        print(f"  curl -s {s.rasa_url}/webhooks/rest/webhook "
              "-H 'Content-Type: application/json' "
              '-d \'{"sender": "test", "message": "hallo"}\'')
        print("Stoppen: Ctrl-C")
        while True:
            time.sleep(0.5)
            for line in scaled.supervise_once():
                print(line, flush=True)
    except (ServiceError, TimeoutError) as err:
        raise CommandError(str(err)) from err
    except (KeyboardInterrupt, Stopped):
        print("\nGemeentetolk stopt...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        scaled.stop()
        signal.signal(signal.SIGTERM, previous)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run-scaled",
        help="geschaald starten: PostgreSQL, Redis, nginx, meerdere Rasa- en actie-servers",
        description=(
            "Start het geschaalde profiel op deze machine: PostgreSQL en Redis (met hun data "
            "in var/scaled/, geïnstalleerd met apt-get als ze ontbreken), twee Rasa-instanties "
            "en twee actie-servers achter nginx, en de demopagina. Dezelfde adressen als "
            "'gemeentetolk run'. Ctrl-C of SIGTERM stopt alles."
        ),
        epilog=f"Voorbeeld: {EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--rasa-instances", type=int, default=2, choices=range(1, 9),
                   metavar="N", help="aantal Rasa-instanties (standaard 2)")
    p.add_argument("--action-servers", type=int, default=2, choices=range(1, 9),
                   metavar="N", help="aantal actie-servers (standaard 2)")
    p.add_argument("--data-dir", metavar="MAP",
                   help="map voor de data van PostgreSQL, Redis en nginx (standaard var/scaled)")
    p.set_defaults(func=cmd_run_scaled)


__all__ = ["ScaledStack", "register"]
