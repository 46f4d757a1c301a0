"""SIGTERM and Ctrl-C (SIGINT to the terminal's process group) stop every process that
``make shell`` and ``make run`` started, within 10 s, also while they are still starting."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    shutil.copy(ROOT / "var" / "gemeentetolk.db", tmp / "gt.db")
    env.update({
        "GEMEENTETOLK_DB_URL": f"sqlite:///{tmp / 'gt.db'}",
        "GEMEENTETOLK_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "GEMEENTETOLK_ACTION_PORT": str(free_port()),
        "GEMEENTETOLK_RASA_PORT": str(free_port()),
        "GEMEENTETOLK_WEB_PORT": str(free_port()),
        "GEMEENTETOLK_WORKSPACE_PORT": str(free_port()),
        "GEMEENTETOLK_LOG_DIR": str(tmp / "logs"),
    })
    return env


def _listening(port: int) -> bool:
    return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port
               for c in psutil.net_connections(kind="tcp"))


def _wait(condition, timeout: float, what: str, tree: list[psutil.Process] | None = None,
          output: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            why = f"timed out waiting for {what}"
            if tree:
                why += f"; still running: {_describe(tree)}"
            if output is not None and output.is_file():
                why += "\n" + "\n".join(output.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
            pytest.fail(why)
        time.sleep(0.1)


def _describe(procs: list[psutil.Process]) -> str:
    alive = set(_alive(procs))
    out = []
    for p in procs:
        if p.pid in alive:
            try:
                out.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
            except psutil.NoSuchProcess:
                pass
    return "; ".join(out) or "-"


def _tree(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(procs: list[psutil.Process]) -> list[int]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(target: str, env: dict[str, str], tmp: Path) -> subprocess.Popen:
    out = open(tmp / f"{target}.out", "w", encoding="utf-8")  # noqa: SIM115
    # As in a terminal: Ctrl-C's SIGINT is not ignored (a shell without job control starts its
    # background commands with SIGINT ignored, and children inherit that).
    proc = subprocess.Popen(["make", "--no-print-directory", target], cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=_default_sigint)  # noqa: PLW1509 - only resets one signal
    out.close()
    return proc


def test_sigterm_to_make_shell_stops_the_action_server_and_the_shell(tmp_path: Path) -> None:
    env = _env(tmp_path)
    port = int(env["GEMEENTETOLK_ACTION_PORT"])
    make = _start("shell", env, tmp_path)
    try:
        _wait(lambda: _listening(port), 120, "the action server")
        _wait(lambda: any("bot.plugins.server shell" in " ".join(p.cmdline()) for p in _tree(make.pid)),
              60, "the Rasa shell")
        tree = _tree(make.pid)
        began = time.monotonic()
        make.send_signal(signal.SIGTERM)
        _wait(lambda: not _listening(port) and not _alive(tree), 15, "everything to stop", tree,
              tmp_path / "shell.out")
        assert time.monotonic() - began < 10
        make.wait(10)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)


def test_ctrl_c_during_the_start_of_make_run_stops_what_had_started(tmp_path: Path) -> None:
    env = _env(tmp_path)
    ports = [int(env[k]) for k in ("GEMEENTETOLK_ACTION_PORT", "GEMEENTETOLK_WEB_PORT")]
    make = _start("run", env, tmp_path)
    try:
        _wait(lambda: all(_listening(p) for p in ports), 120, "the action server and the demo page")
        tree = _tree(make.pid)
        began = time.monotonic()
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        _wait(lambda: not any(_listening(p) for p in ports) and not _alive(tree), 15, "everything to stop",
              tree, tmp_path / "run.out")
        assert time.monotonic() - began < 10
        make.wait(10)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
    assert "Traceback" not in (tmp_path / "run.out").read_text(encoding="utf-8")
