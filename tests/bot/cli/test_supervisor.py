"""The supervisor restarts a part that died (with back-off and a clear line), gives up on a
part that keeps dying, and stops everything on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.cli.stack import Part, PortInUse
from bot.cli.supervisor import StopRequested, Supervisor, backoff, stop_signals


class Proc:
    def __init__(self) -> None:
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


class FakeStack:
    def __init__(self, tmp: Path) -> None:
        self.logs = tmp
        self.parts = {"actions": Part("actions", ["x"], {}), "rasa": Part("rasa", ["y"], {})}
        self.procs = {"actions": Proc(), "rasa": Proc()}
        self.restarts: list[str] = []
        self.stopped = False
        self.port_taken = False
        self.up = True

    def restart(self, name: str) -> Proc:
        if self.port_taken:
            raise PortInUse(f"Poort 5055 is al in gebruik, dus {self.parts[name].title} kan niet starten.")
        self.restarts.append(name)
        self.procs[name] = Proc()
        return self.procs[name]

    def healthy(self, name: str, timeout: float = 2.0) -> bool:
        return self.up

    def stop(self) -> None:
        self.stopped = True


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _supervisor(tmp_path: Path) -> tuple[Supervisor, FakeStack, Clock, list[str]]:
    stack, clock, lines = FakeStack(tmp_path), Clock(), []
    sup = Supervisor(stack, log=lines.append, clock=clock, log_file=tmp_path / "gt.log")
    return sup, stack, clock, lines


def test_a_part_that_died_is_started_again_after_a_back_off_with_a_clear_line(tmp_path: Path) -> None:
    sup, stack, clock, lines = _supervisor(tmp_path)
    assert sup.check() is None and lines == []
    stack.procs["actions"].returncode = -9  # kill -9
    assert sup.check() is None
    assert "De actie-server is gestopt (code -9)" in lines[-1] and "over 1 s" in lines[-1].lower()
    assert stack.restarts == []  # not at once: after the back-off
    clock.now += 1.0
    sup.check()
    assert stack.restarts == ["actions"] and "opnieuw gestart" in lines[-1]
    sup.check()
    assert lines[-1].endswith("De actie-server draait weer.")
    assert stack.procs["rasa"].returncode is None and not stack.stopped  # the rest keeps running
    assert "draait weer" in (tmp_path / "gt.log").read_text(encoding="utf-8")


def test_the_back_off_grows_and_a_part_that_keeps_dying_stops_everything(tmp_path: Path) -> None:
    sup, stack, clock, lines = _supervisor(tmp_path)
    sup.max_failures = 3
    waits = []
    for _ in range(3):
        stack.procs["rasa"].returncode = 1
        sup.check()
        waits.append(sup.watches["rasa"].restart_at - clock.now)
        clock.now = sup.watches["rasa"].restart_at
        sup.check()
    assert waits == [1, 2, 4] and [backoff(n) for n in (5, 6, 7, 50)] == [16, 30, 30, 30]
    stack.procs["rasa"].returncode = 1
    assert sup.check() == 1
    assert "blijft stoppen" in lines[-1] and "rasa.log" in lines[-1]


def test_a_part_that_ran_long_enough_starts_counting_again(tmp_path: Path) -> None:
    sup, stack, clock, _ = _supervisor(tmp_path)
    sup.max_failures = 1
    stack.procs["actions"].returncode = 1
    sup.check()
    clock.now += 1
    sup.check()  # restarted
    clock.now += 120  # up for two minutes
    sup.check()
    stack.procs["actions"].returncode = 1
    assert sup.check() is None  # a fresh failure, not the second in a row


def test_a_taken_port_on_restart_is_said_and_tried_again(tmp_path: Path) -> None:
    sup, stack, clock, lines = _supervisor(tmp_path)
    stack.procs["actions"].returncode = -9
    sup.check()
    stack.port_taken = True
    clock.now += 1
    sup.check()
    assert "Poort 5055 is al in gebruik" in lines[-1] and "Nieuwe poging over 2 s" in lines[-1]
    stack.port_taken = False
    clock.now += 2
    sup.check()
    assert stack.restarts == ["actions"]


def test_sigterm_stops_the_supervisor_and_every_part(tmp_path: Path) -> None:
    sup, stack, _, lines = _supervisor(tmp_path)
    sup.poll_interval = 0.05
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    assert sup.run_forever() == 0
    assert time.monotonic() - started < 5
    assert stack.stopped and "Gemeentetolk stopt (SIGTERM)" in " ".join(lines)
    assert signal.getsignal(signal.SIGTERM) is not None  # the old handler is back


def test_stop_signals_turns_sigterm_into_a_keyboard_interrupt() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt) as caught, stop_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(2)
    assert isinstance(caught.value, StopRequested)
    assert signal.getsignal(signal.SIGTERM) == before


def test_the_parts_die_with_the_launcher_even_after_kill_9(tmp_path: Path) -> None:
    """`gemeentetolk run` starts its parts with a parent-death signal: no orphan keeps a port."""
    script = (
        "import time, sys\n"
        "from bot.cli.stack import Stack, Part\n"
        "from bot.services.settings import load_settings\n"
        f"s = Stack(load_settings(), log_dir=__import__('pathlib').Path({str(tmp_path)!r}), die_with_parent=True)\n"
        "s.start_part(Part('sleeper', [sys.executable, '-c', 'import time; time.sleep(60)'], {}))\n"
        "print(s.procs['sleeper'].pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    launcher = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])})
    child = int(launcher.stdout.readline())
    launcher.kill()
    launcher.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the part outlived its launcher")
