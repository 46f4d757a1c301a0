"""Keep a started Stack running: restart a part that died, stop everything on a signal.

``gemeentetolk run`` (and ``make run-scaled``) call ``Supervisor(stack).run_forever()`` after
``stack.start()``:

- SIGINT (Ctrl-C) and SIGTERM (systemd, a container runtime, a CI timeout, ``make`` passing
  on its own SIGTERM) stop every part within ``stack.stop_timeout`` seconds (default 6 s);
- a part that stops by itself is started again after a back-off (1, 2, 4, ... 30 s), with a
  clear line in the log; after ``max_failures`` quick failures in a row it gives up and stops
  everything (exit code 1), so a part that cannot run does not restart for ever.

``stop_signals()`` is the signal handling alone, for commands that do their own waiting
(``gemeentetolk shell``).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class StopRequested(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) arrived; a KeyboardInterrupt, so Ctrl-C and SIGTERM take one path."""


@contextmanager
def stop_signals() -> Iterator[None]:
    """Inside: SIGTERM and SIGHUP raise StopRequested, like Ctrl-C raises KeyboardInterrupt."""

    def handler(signum: int, _frame: Any) -> None:
        raise StopRequested(signal.Signals(signum).name)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def backoff(attempt: int, steps: tuple[float, ...] = (1, 2, 4, 8, 16, 30)) -> float:
    """Seconds to wait before restart number ``attempt`` (1-based)."""
    return steps[min(attempt, len(steps)) - 1]


@dataclass
class _Watch:
    failures: int = 0  # quick failures in a row
    restart_at: float | None = None  # when a stopped part is due to start again
    up_since: float | None = None  # when it was last started
    ready: bool = True


@dataclass
class Supervisor:
    stack: Any  # bot.cli.stack.Stack (or anything with parts, procs, restart, healthy, stop)
    log: Callable[[str], None] | None = None
    poll_interval: float = 0.5
    healthy_after: float = 60.0  # up this long: the failure count starts again at 0
    max_failures: int = 8
    log_file: Path | None = None
    clock: Callable[[], float] = time.monotonic
    watches: dict[str, _Watch] = field(default_factory=dict)

    def say(self, line: str) -> None:
        stamped = f"[{time.strftime('%H:%M:%S')}] {line}"
        (self.log or (lambda text: print(text, flush=True)))(stamped)
        path = self.log_file or (self.stack.logs / "gemeentetolk.log")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(stamped + "\n")
        except OSError:
            pass

    def run_forever(self) -> int:
        """Watch until a signal (exit 0) or a part that keeps failing (exit 1). Stops all."""
        try:
            with stop_signals():
                return self._loop()
        except KeyboardInterrupt as stop:
            reason = f" ({stop})" if isinstance(stop, StopRequested) else ""
            self.say(f"Gemeentetolk stopt{reason}...")
            return 0
        finally:
            self.stack.stop()
            self.say("Alle onderdelen zijn gestopt.")

    def _loop(self) -> int:
        now = self.clock()
        for name in self.stack.procs:
            self.watches.setdefault(name, _Watch(up_since=now))
        while True:
            result = self.check()
            if result is not None:
                return result
            time.sleep(self.poll_interval)

    def check(self) -> int | None:
        """One round: notice parts that stopped, restart those that are due. None: go on."""
        now = self.clock()
        for name, part in list(self.stack.parts.items()):
            watch = self.watches.setdefault(name, _Watch(up_since=now))
            proc = self.stack.procs.get(name)
            if watch.restart_at is None and proc is not None and proc.poll() is not None:
                if watch.up_since is not None and now - watch.up_since >= self.healthy_after:
                    watch.failures = 0
                watch.failures += 1
                watch.up_since = None
                if watch.failures > self.max_failures:
                    self.say(f"{_cap(part.title)} blijft stoppen (code {proc.returncode}). Zie "
                             f"{self.stack.logs / (name + '.log')}. Gemeentetolk stopt.")
                    return 1
                delay = backoff(watch.failures)
                watch.restart_at = now + delay
                self.say(f"{_cap(part.title)} is gestopt (code {proc.returncode}). "
                         f"Over {delay:.0f} s start ik hem opnieuw (poging {watch.failures}).")
            elif watch.restart_at is not None and now >= watch.restart_at:
                self._restart(name, part, watch, now)
            elif not watch.ready and proc is not None and proc.poll() is None:
                if self.stack.healthy(name, timeout=1.0):
                    watch.ready = True
                    self.say(f"{_cap(part.title)} draait weer.")
        return None

    def _restart(self, name: str, part: Any, watch: _Watch, now: float) -> None:
        from bot.cli.stack import PortInUse

        try:
            self.stack.restart(name)
        except PortInUse as err:
            watch.failures += 1
            delay = backoff(watch.failures)
            watch.restart_at = now + delay
            self.say(f"{err} Nieuwe poging over {delay:.0f} s.")
            return
        watch.restart_at = None
        watch.ready = False
        watch.up_since = now
        self.say(f"{_cap(part.title)} wordt opnieuw gestart...")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
