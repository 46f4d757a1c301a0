"""PostgreSQL, Redis and nginx for the scaled profile, as child processes with data under var/.

Used by ``gemeentetolk run-scaled`` (``make run-scaled``), ``make load`` and the scaled
tests. Every server runs in the foreground as our child (its own process group), on a free
port on 127.0.0.1, with its data, logs and configuration in one folder (default
``var/scaled/``). ``ensure_packages`` installs the Debian packages when they are missing.
Servers named by the settings (``GEMEENTETOLK_DB_URL``/``GEMEENTETOLK_TRACKER_DB_URL`` on
PostgreSQL, ``GEMEENTETOLK_REDIS_URL``) are used as they are and not started here.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = {"postgres": "postgresql", "redis-server": "redis-server", "nginx": "nginx"}
PG_USER = "gemeentetolk"
APP_DB = "gemeentetolk"
TRACKER_DB = "gemeentetolk_tracker"


class ServiceError(RuntimeError):
    """A server could not be installed or started (the message is Dutch)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def postgres_bin(name: str) -> str | None:
    """A PostgreSQL program: Debian keeps them in /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return found[-1] if found else shutil.which(name)


def _program(name: str) -> str | None:
    if name == "postgres":
        return postgres_bin("postgres")
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )


def missing_packages(names: tuple[str, ...] = tuple(PACKAGES)) -> list[str]:
    return [PACKAGES[n] for n in names if _program(n) is None]


def ensure_packages(names: tuple[str, ...] = tuple(PACKAGES), log=print) -> None:
    """apt-get install the Debian packages of the servers that are missing (idempotent)."""
    missing = missing_packages(names)
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ServiceError(
            f"Nodig maar niet geïnstalleerd: {', '.join(missing)}. Installeer ze met "
            f"'sudo apt-get install -y {' '.join(missing)}' en probeer het opnieuw."
        )
    log(f"Installeren met apt-get: {', '.join(missing)} (eenmalig)...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Debian's packages start their own servers through invoke-rc.d; we start ours, so not.
    policy = Path("/usr/sbin/policy-rc.d")
    added = not policy.exists()
    if added:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        for attempt in ("install", "update-and-install"):
            if attempt == "update-and-install":
                subprocess.run(["apt-get", "update"], env=env, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            done = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *missing],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
            if done.returncode == 0:
                break
        else:
            raise ServiceError(f"apt-get kon {', '.join(missing)} niet installeren: "
                               f"{done.stderr.strip()[-300:]}")
    finally:
        if added:
            policy.unlink(missing_ok=True)
    still = missing_packages(names)
    if still:
        raise ServiceError(f"Na apt-get ontbreekt nog: {', '.join(still)}.")


def _pg_account() -> tuple[int, int] | None:
    """PostgreSQL refuses to run as root: then run it as Debian's 'postgres' user."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        raise ServiceError("PostgreSQL draait niet als root en de gebruiker 'postgres' "
                           "bestaat niet. Installeer het pakket postgresql.") from None
    return entry.pw_uid, entry.pw_gid


@dataclass
class Services:
    """The servers of the scaled profile, started as children, data under ``base``."""

    base: Path
    log_dir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    fast_unsafe: bool = False  # tests: PostgreSQL without fsync (data may go on a crash)

    def __post_init__(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)

    # --- helpers ------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], account: tuple[int, int] | None = None) -> None:
        log = open(self.log_dir / f"{name}.log", "a", encoding="utf-8")  # noqa: SIM115
        extra: dict = {}
        if account:
            extra = {"user": account[0], "group": account[1], "extra_groups": []}
        self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, cwd=self.base, **extra)

    def _wait_port(self, name: str, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not port_open(port):
            proc = self.procs[name]
            if proc.poll() is not None:
                raise ServiceError(f"{name} is gestopt (code {proc.returncode}). "
                                   f"Zie {self.log_dir / (name + '.log')}.")
            if time.monotonic() > deadline:
                raise ServiceError(f"{name} is niet op tijd gestart (poort {port}).")
            time.sleep(0.1)

    def _secret(self, name: str) -> str:
        path = self.base / f"{name}.secret"
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        value = secrets.token_hex(16)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(value + "\n")
        return value

    # --- PostgreSQL ---------------------------------------------------------------
    @property
    def pg_data(self) -> Path:
        return self.base / "postgres"

    def _check_reachable(self, account: tuple[int, int] | None) -> None:
        """The 'postgres' user must be able to walk to the data folder."""
        if not account:
            return
        for folder in [self.base, *self.base.parents]:
            if not os.stat(folder).st_mode & 0o001:
                raise ServiceError(f"De gebruiker 'postgres' kan niet in {folder} (rechten "
                                   f"{oct(os.stat(folder).st_mode & 0o777)}). Kies een map "
                                   "die iedereen mag openen, zoals var/scaled in het project.")

    def _init_postgres(self, account: tuple[int, int] | None, password: str) -> None:
        self._check_reachable(account)
        if (self.pg_data / "PG_VERSION").exists():
            return
        initdb = postgres_bin("initdb")
        if not initdb:
            raise ServiceError("initdb niet gevonden: installeer het pakket postgresql.")
        self.pg_data.mkdir(parents=True, exist_ok=True)
        pwfile = self.base / "postgres.pwfile"
        pwfile.write_text(password + "\n", encoding="ascii")
        if account:
            os.chown(self.pg_data, *account)
            os.chown(pwfile, *account)
        os.chmod(self.pg_data, 0o700)
        os.chmod(pwfile, 0o600)
        extra: dict = {"user": account[0], "group": account[1], "extra_groups": []} if account else {}
        try:
            done = subprocess.run(
                [initdb, "-D", str(self.pg_data), "-U", PG_USER, f"--pwfile={pwfile}",
                 "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync"],
                capture_output=True, text=True, cwd=self.base, **extra)
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode != 0:
            shutil.rmtree(self.pg_data, ignore_errors=True)
            raise ServiceError(f"initdb is mislukt: {done.stderr.strip()[-300:]}")

    def start_postgres(self, port: int | None = None, timeout: float = 60.0) -> dict[str, str]:
        """Start PostgreSQL; returns the URLs of the assistant's and the tracker's database."""
        account = _pg_account()
        password = self._secret("postgres")
        self._init_postgres(account, password)
        port = port or self.ports.get("postgres") or free_port()
        self.ports["postgres"] = port
        sockets = self.base / "postgres-socket"
        sockets.mkdir(exist_ok=True)
        if account:
            os.chown(sockets, *account)
        cmd = [postgres_bin("postgres") or "postgres", "-D", str(self.pg_data), "-p", str(port),
               "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sockets}",
               "-c", "max_connections=200", "-c", "shared_buffers=64MB"]
        if self.fast_unsafe:
            cmd += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self._spawn("postgres", cmd, account)
        self._wait_port("postgres", port, timeout)
        urls = {name: f"postgresql://{PG_USER}:{password}@127.0.0.1:{port}/{name}"
                for name in (APP_DB, TRACKER_DB)}
        self._create_databases(port, password, timeout)
        return {"db_url": urls[APP_DB], "tracker_db_url": urls[TRACKER_DB]}

    def _create_databases(self, port: int, password: str, timeout: float) -> None:
        import psycopg2

        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=port, user=PG_USER,
                                        password=password, dbname="postgres", connect_timeout=2)
                break
            except psycopg2.OperationalError:  # still starting ("the database system is starting up")
                if time.monotonic() > deadline:
                    raise ServiceError("PostgreSQL neemt geen verbindingen aan.") from None
                time.sleep(0.2)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for name in (APP_DB, TRACKER_DB):
                    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                    if cur.fetchone() is None:
                        cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()

    # --- Redis ------------------------------------------------------------------------
    def start_redis(self, port: int | None = None, timeout: float = 30.0) -> str:
        """Start Redis (no persistence: locks, rate limits and buttons are short-lived)."""
        port = port or self.ports.get("redis") or free_port()
        self.ports["redis"] = port
        data = self.base / "redis"
        data.mkdir(exist_ok=True)
        self._spawn("redis", [_program("redis-server") or "redis-server", "--port", str(port),
                              "--bind", "127.0.0.1", "--dir", str(data), "--save", "",
                              "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"])
        self._wait_port("redis", port, timeout)
        return f"redis://127.0.0.1:{port}/0"

    # --- nginx --------------------------------------------------------------------------
    def start_nginx(self, rasa_port: int, rasa_upstreams: list[int], action_port: int,
                    action_upstreams: list[int], timeout: float = 30.0) -> Path:
        """nginx in front of the Rasa instances (``rasa_port``) and the action servers."""
        home = self.base / "nginx"
        for sub in ("tmp", "logs"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        conf = home / "nginx.conf"
        conf.write_text(nginx_config(home, rasa_port, rasa_upstreams, action_port,
                                     action_upstreams), encoding="utf-8")
        nginx = _program("nginx") or "nginx"
        check = subprocess.run([nginx, "-t", "-q", "-p", str(home), "-c", str(conf)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise ServiceError(f"nginx-configuratie klopt niet: {check.stderr.strip()[-300:]}")
        self._spawn("nginx", [nginx, "-p", str(home), "-c", str(conf)])
        self.ports.update({"nginx": rasa_port, "nginx-actions": action_port})
        self._wait_port("nginx", rasa_port, timeout)
        self._wait_port("nginx", action_port, timeout)
        return conf

    def reload_nginx(self, rasa_port: int, rasa_upstreams: list[int], action_port: int,
                     action_upstreams: list[int]) -> None:
        """New upstreams without dropping a connection (nginx -s reload)."""
        home = self.base / "nginx"
        conf = home / "nginx.conf"
        conf.write_text(nginx_config(home, rasa_port, rasa_upstreams, action_port,
                                     action_upstreams), encoding="utf-8")
        nginx = _program("nginx") or "nginx"
        done = subprocess.run([nginx, "-s", "reload", "-p", str(home), "-c", str(conf)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ServiceError(f"nginx herladen lukte niet: {done.stderr.strip()[-300:]}")

    # --- stopping -------------------------------------------------------------------------
    def stop_one(self, name: str, timeout: float = 8.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        stop_processes({name: proc}, timeout)

    def stop(self, timeout: float = 8.0) -> None:
        stop_processes(self.procs, timeout)
        self.procs.clear()


def stop_processes(procs: dict[str, subprocess.Popen], timeout: float = 8.0) -> None:
    """SIGTERM to every process group at once, SIGKILL to what still runs after ``timeout``."""
    for proc in procs.values():
        if proc.poll() is None:
            try:
                # PostgreSQL: SIGTERM is "smart" shutdown (waits for clients); SIGINT is fast.
                os.killpg(proc.pid, signal.SIGINT if _is_postgres(proc) else signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def _is_postgres(proc: subprocess.Popen) -> bool:
    args = proc.args if isinstance(proc.args, list) else [str(proc.args)]
    return bool(args) and Path(str(args[0])).name in ("postgres", "postmaster")


def nginx_config(home: Path, rasa_port: int, rasa_upstreams: list[int], action_port: int,
                 action_upstreams: list[int]) -> str:
    """The nginx configuration of the scaled profile (see docs/operations.md, "Scaling").

    Rasa instances: a POST that could not be delivered, or whose instance died before it
    answered, goes to the next instance (``non_idempotent``: the lock store makes the second
    attempt wait until the dead instance's ticket is dropped). A 503 of the channel itself
    (Redis away) is an answer, not a failed instance. Action servers: only a call that never
    reached a server is retried (a contact request must not be stored twice).
    """
    def servers(ports: list[int]) -> str:
        return "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)

    proxy = """
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      proxy_buffering on;"""
    return f"""# Written by gemeentetolk run-scaled (bot/cli/services.py); rewritten at every start.
daemon off;
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  server_tokens off;
  client_max_body_size 64k;
  client_body_temp_path {home}/tmp/body;
  proxy_temp_path {home}/tmp/proxy;
  fastcgi_temp_path {home}/tmp/fastcgi;
  uwsgi_temp_path {home}/tmp/uwsgi;
  scgi_temp_path {home}/tmp/scgi;
  upstream rasa {{
    least_conn;
{servers(rasa_upstreams)}
    keepalive 64;
  }}
  upstream actions {{
    least_conn;
{servers(action_upstreams)}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{rasa_port};
    location / {{
      proxy_pass http://rasa;{proxy}
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout non_idempotent;
      proxy_next_upstream_tries 2;
    }}
  }}
  server {{
    listen 127.0.0.1:{action_port};
    location / {{
      proxy_pass http://actions;{proxy}
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout;
    }}
  }}
}}
"""


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.cli.services install``: the Makefile's check before the scaled profile."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args != ["install"]:
        print("Gebruik: python -m bot.cli.services install", file=sys.stderr)
        return 2
    try:
        ensure_packages()
    except ServiceError as err:
        print(f"Fout: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["Services", "ServiceError", "ensure_packages", "free_port", "nginx_config",
           "stop_processes"]
