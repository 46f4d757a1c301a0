"""A clear start: a port that is taken gives one Dutch line naming the port and its setting,
and a start that fails halfway stops the parts that had started."""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
from pathlib import Path

import pytest

from bot.cli import stack as stack_module
from bot.cli.stack import Part, PortInUse, Stack, port_in_use
from bot.services.settings import load_settings
from tests.conftest import free_port


@pytest.fixture
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_port_in_use_is_detected(listener: int) -> None:
    assert port_in_use("127.0.0.1", listener)
    assert not port_in_use("127.0.0.1", free_port())


@pytest.mark.parametrize(("part", "setting"), [
    ("actions", "GEMEENTETOLK_ACTION_PORT"), ("rasa", "GEMEENTETOLK_RASA_PORT"),
    ("web", "GEMEENTETOLK_WEB_PORT"),
])
def test_a_taken_port_gives_one_dutch_line_with_the_port_and_the_setting(
        tmp_path: Path, listener: int, part: str, setting: str) -> None:
    settings = load_settings(env={}, root=tmp_path)
    settings = dataclasses.replace(settings, action_port=listener, rasa_port=listener, web_port=listener)
    stack = Stack(settings, log_dir=tmp_path)
    with pytest.raises(PortInUse) as caught:
        getattr(stack, f"start_{part}")()
    line = str(caught.value)
    assert "\n" not in line and f"Poort {listener} is al in gebruik" in line
    assert f"{setting}={listener + 1}" in line
    assert stack.procs == {}  # nothing was started


def test_a_start_that_fails_halfway_stops_what_it_had_started(tmp_path: Path, listener: int, monkeypatch) -> None:
    """The action server starts, the Rasa server's port is taken: the action server is stopped."""
    monkeypatch.setattr(stack_module, "action_server_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(60)", "--"])
    settings = dataclasses.replace(load_settings(env={}, root=tmp_path), action_port=free_port(),
                                   rasa_port=listener)
    stack = Stack(settings, log_dir=tmp_path)
    started: list[int] = []
    original = Stack.start_rasa

    def remember_then_start(self, *args, **kwargs):
        started.append(self.procs["actions"].pid)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Stack, "start_rasa", remember_then_start)
    with pytest.raises(PortInUse):
        stack.start(timeout=10)
    assert started and not _alive(started[0])
    assert stack.procs == {}


def test_a_part_that_stops_during_the_start_is_named_and_the_others_are_stopped(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(stack_module, "action_server_command",
                        lambda: [sys.executable, "-c", "import sys; sys.exit(3)", "--"])
    monkeypatch.setattr(stack_module, "rasa_server_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(60)", "--"])
    settings = dataclasses.replace(load_settings(env={}, root=tmp_path), action_port=free_port(),
                                   rasa_port=free_port())
    stack = Stack(settings, log_dir=tmp_path)
    with pytest.raises(RuntimeError, match="de actie-server is gestopt \\(code 3\\)") as caught:
        stack.start(timeout=20)
    assert "actions.log" in str(caught.value)
    assert stack.procs == {}


def test_stop_ends_a_part_that_ignores_sigterm_within_the_stop_timeout(tmp_path: Path) -> None:
    import time

    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ok', flush=True); time.sleep(60)"
    stack = Stack(load_settings(env={}, root=tmp_path), log_dir=tmp_path, stop_timeout=1.0)
    stack.start_part(Part("stubborn", [sys.executable, "-c", stubborn], dict(os.environ)))
    pid = stack.procs["stubborn"].pid
    deadline = time.monotonic() + 10
    while "ok" not in (tmp_path / "stubborn.log").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    stack.stop()
    assert time.monotonic() - began < 3 and not _alive(pid)


def test_adding_a_part_is_one_start_method(tmp_path: Path, monkeypatch) -> None:
    """What the workspace (or any new part) needs: a Part with a port, a setting and a health URL."""
    port = free_port()
    stack = Stack(load_settings(env={}, root=tmp_path), log_dir=tmp_path, stop_timeout=2)
    stack.start_part(Part(
        "extra", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        dict(os.environ), label="een extra onderdeel", port=port, port_setting="GEMEENTETOLK_X_PORT",
        health=f"http://127.0.0.1:{port}/",
    ))
    try:
        stack.wait_ready(timeout=20)
        assert stack.healthy("extra")
        with pytest.raises(PortInUse, match="GEMEENTETOLK_X_PORT"):
            stack.start_part(stack.parts["extra"])
    finally:
        stack.stop()
    assert not port_in_use("127.0.0.1", port)
