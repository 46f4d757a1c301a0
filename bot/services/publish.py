"""Publiceren: make the NLU data from the approved glossary, train a new model in the
background and switch the running assistant to it without dropping a conversation.

Steps of a job (its state lives in the database table ``publish_jobs``, so the page can be
refreshed and any process can read it):

1. ``nlu``: write ``data/nlu/glossary.yml`` from the ``vastgesteld`` entries (glossary.nlu);
2. ``train``: ``rasa train`` in a child process; by default it fine-tunes the newest model
   (``--finetune --epoch-fraction 0.1``), which is much faster than a full training; when that
   fails it trains in full. When the glossary's words did not change and no training input
   (``Publisher.training_inputs``, the inbox's ``data/nlu/inbox.yml`` among them) is newer
   than the newest model, the job ends after step 1: there is nothing to train;
3. ``switch``: ``PUT /model`` on every Rasa server with the API token the launcher set. Rasa
   loads the new model next to the old one and then swaps the agent; conversations live in
   the SQL tracker store and the lock store is handed over, so none is dropped;
4. ``done`` (or ``failed`` with a readable reason).
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services.db import unit_of_work
from bot.services.errors import UserError
from bot.services.workspace_models import PublishJob

logger = logging.getLogger(__name__)

STEPS = {
    "wachtrij": "Wacht op start",
    "nlu": "NLU-gegevens maken uit de vastgestelde begrippen",
    "train": "Het model trainen",
    "switch": "De assistent overzetten op het nieuwe model",
    "done": "Klaar",
}
RUNNING = ("wachtrij", "bezig")
STALE_AFTER = timedelta(minutes=60)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class JobView:
    id: int
    created_at: datetime
    started_by: str
    status: str
    step: str
    step_started_at: datetime | None
    finished_at: datetime | None
    message: str
    model_file: str | None
    log_tail: str

    @property
    def step_label(self) -> str:
        return STEPS.get(self.step, self.step)

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def progress(self) -> str:
        """The last training progress line, e.g. "Epochs: 40% 12/30" (empty when none)."""
        for line in reversed(self.log_tail.splitlines()):
            found = re.findall(r"Epochs:\s*(\d+%)\S*\s*\S*\s*(\d+/\d+)", line)
            if found:
                percent, count = found[-1]
                return f"{percent} van de rondes ({count})"
        return ""

    def elapsed(self, now: datetime | None = None) -> int:
        end = self.finished_at or now or utcnow()
        return max(0, int((end - self.created_at).total_seconds()))

    def step_elapsed(self, now: datetime | None = None) -> int:
        if not self.step_started_at:
            return 0
        end = self.finished_at or now or utcnow()
        return max(0, int((end - self.step_started_at).total_seconds()))


def _view(row: PublishJob) -> JobView:
    return JobView(row.id, row.created_at, row.started_by, row.status, row.step, row.step_started_at,
                   row.finished_at, row.message or "", row.model_file, row.log_tail or "")


def jobs(factory: sessionmaker, limit: int = 10) -> list[JobView]:
    with unit_of_work(factory) as session:
        return [_view(r) for r in session.scalars(select(PublishJob).order_by(PublishJob.id.desc()).limit(limit))]


def get_job(factory: sessionmaker, job_id: int) -> JobView | None:
    with unit_of_work(factory) as session:
        row = session.get(PublishJob, job_id)
        return _view(row) if row else None


def _update(factory: sessionmaker, job_id: int, **values: Any) -> None:
    with unit_of_work(factory) as session:
        row = session.get(PublishJob, job_id)
        for key, value in values.items():
            setattr(row, key, value)


@dataclass
class Publisher:
    """Where to write, how to train and which Rasa servers to switch."""

    rasa_urls: list[str] = field(default_factory=list)
    token: str = ""
    root: Path = Path(".")
    nlu_path: Path = Path("data/nlu/glossary.yml")
    models_dir: Path = Path("models")
    finetune: bool = True
    epoch_fraction: float = 0.1  # share of the epochs when fine-tuning (Rasa's components with epochs; the linear classifier retrains in full)
    train_timeout: float = 3600.0  # a full training on 2 busy cores took more than 30 minutes
    # The training command (tests replace it); gets (publisher, previous model or None).
    train_command: Callable[[Publisher, Path | None], list[str]] | None = None
    threads: list[threading.Thread] = field(default_factory=list, repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> Publisher:
        return cls(rasa_urls=[settings.rasa_url], token=settings.workspace.rasa_api_token,
                   root=settings.root, nlu_path=settings.glossary_nlu_path,
                   models_dir=settings.model_dir, finetune=settings.workspace.finetune)

    # --- starting ------------------------------------------------------------------------
    def start(self, factory: sessionmaker, store: Any, by: str, wait: bool = False) -> JobView:
        """Start a job in a background thread (one at a time). Raises UserError when one
        runs already."""
        now = utcnow()
        with unit_of_work(factory) as session:
            busy = session.scalars(select(PublishJob).where(PublishJob.status.in_(RUNNING))).all()
            for row in busy:
                if (row.step_started_at or row.created_at) < now - STALE_AFTER:
                    row.status, row.finished_at = "mislukt", now
                    row.message = "Afgebroken: deze publicatie gaf een uur lang geen teken van leven."
                else:
                    raise UserError(f"Er loopt al een publicatie (gestart door {row.started_by}). "
                                    "Wacht tot die klaar is.")
            row = PublishJob(created_at=now, started_by=by, status="wachtrij", step="wachtrij",
                             step_started_at=now, message="", log_tail="")
            session.add(row)
            session.flush()
            job_id = row.id
        thread = threading.Thread(target=self.run, args=(factory, store, job_id), daemon=True,
                                  name=f"publish-{job_id}")
        self.threads.append(thread)
        thread.start()
        if wait:
            thread.join()
        return get_job(factory, job_id)  # type: ignore[return-value]

    # --- the job -----------------------------------------------------------------------
    def run(self, factory: sessionmaker, store: Any, job_id: int) -> None:
        log: deque[str] = deque(maxlen=40)
        step = "nlu"
        try:
            _update(factory, job_id, status="bezig", step=step, step_started_at=utcnow())
            from glossary.nlu import export_nlu

            changed = export_nlu(store.active(), self.nlu_path)
            log.append(f"NLU-bestand {'bijgewerkt' if changed else 'ongewijzigd'}: {self.nlu_path}")
            newest = self.newest_model()
            if not changed and newest is not None and newest.stat().st_mtime > self.inputs_changed_at():
                # Only explanations changed: the assistant reads those from the database
                # already. Any other training input newer than the model (a question linked
                # in the inbox, data/nlu/inbox.yml) means: train.
                _update(factory, job_id, status="klaar", step="done", step_started_at=utcnow(),
                        finished_at=utcnow(), log_tail="\n".join(log), model_file=str(newest),
                        message="Er was niets nieuws te trainen: de woorden die de assistent herkent zijn "
                                "niet veranderd. De nieuwe uitleg gebruikt hij al.")
                return
            step = "train"
            _update(factory, job_id, step=step, step_started_at=utcnow(), log_tail="\n".join(log))
            model = self._train(factory, job_id, log)
            step = "switch"
            _update(factory, job_id, step=step, step_started_at=utcnow(), model_file=str(model),
                    log_tail="\n".join(log))
            self._switch(model, log)
            _update(factory, job_id, status="klaar", step="done", step_started_at=utcnow(),
                    finished_at=utcnow(), log_tail="\n".join(log),
                    message=f"De assistent gebruikt nu het model {model.name}.")
        except PublishError as err:
            logger.warning("Publish job %s failed in step %s: %s", job_id, step, err)
            _update(factory, job_id, status="mislukt", finished_at=utcnow(), message=str(err),
                    log_tail="\n".join(log))
        except Exception as err:  # noqa: BLE001 - the page must show a reason, never hang
            logger.exception("Publish job %s failed in step %s", job_id, step)
            _update(factory, job_id, status="mislukt", finished_at=utcnow(), log_tail="\n".join(log),
                    message=f"Er ging iets mis bij de stap '{STEPS.get(step, step)}' ({type(err).__name__}). "
                            "Er is niets veranderd aan de assistent. Probeer het later opnieuw.")

    def training_inputs(self) -> list[Path]:
        """What a training reads (as the Makefile's TRAIN_INPUTS, without the municipality
        profiles, which the assistant reads from the database): config, domain, NLU, rules
        and stories."""
        root = Path(self.root)
        files = [root / "config.yml", self.nlu_path, *sorted((root / "bot" / "domain").glob("*.yml"))]
        for part in ("nlu", "rules", "stories"):
            files += sorted((root / "data" / part).rglob("*.yml"))
        return files

    def inputs_changed_at(self) -> float:
        """The newest modification time of the training inputs (0 when there are none)."""
        return max((p.stat().st_mtime for p in self.training_inputs() if p.is_file()), default=0.0)

    def newest_model(self) -> Path | None:
        models = sorted(Path(self.models_dir).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        return models[-1] if models else None

    def command(self, previous: Path | None) -> list[str]:
        if self.train_command is not None:
            return self.train_command(self, previous)
        cmd = [str(Path(sys.executable).with_name("rasa")), "train", "--config", "config.yml",
               "--domain", "bot/domain", "--data", "data", "--out", str(self.models_dir)]
        if previous is not None:
            cmd += ["--finetune", str(previous), "--epoch-fraction", str(self.epoch_fraction)]
        return cmd

    def _train(self, factory: sessionmaker, job_id: int, log: deque[str]) -> Path:
        before = self.newest_model()
        attempts: list[Path | None] = [before] if (self.finetune and before is not None) else []
        attempts.append(None)
        last_error = ""
        lock_path = Path(self.root) / "var" / "train.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:  # the same lock as `make train`
            fcntl.flock(lock, fcntl.LOCK_EX)
            for previous in attempts:
                started = time.monotonic()
                log.append("Fijn-afstemmen van het vorige model..." if previous else "Volledige training...")
                code, output = self._run_training(self.command(previous), factory, job_id, log)
                log.append(f"Training klaar na {time.monotonic() - started:.0f} s (code {code}).")
                if code == 0:
                    model = _trained_model(output) or self.newest_model()
                    if model is None:
                        raise PublishError("De training gaf geen model. Zie de laatste regels hieronder.")
                    return Path(self.root, model) if not Path(model).is_absolute() else Path(model)
                last_error = _reason(output)
        raise PublishError(f"De training is mislukt: {last_error} Er is niets veranderd aan de assistent.")

    def _run_training(self, cmd: list[str], factory, job_id, log: deque[str]) -> tuple[int, str]:
        env = _training_env()
        proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, bufsize=1)
        lines: deque[str] = deque(maxlen=200)
        last_save = 0.0
        deadline = time.monotonic() + self.train_timeout
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = _clean(raw)
            if not line:
                continue
            lines.append(line)
            if _interesting(line):
                log.append(line[:200])
            if time.monotonic() - last_save > 2:
                last_save = time.monotonic()
                _update(factory, job_id, log_tail="\n".join(log))
            if time.monotonic() > deadline:
                proc.kill()
                raise PublishError("De training duurde te lang en is gestopt.")
        code = proc.wait()
        return code, "\n".join(lines)

    def _switch(self, model: Path, log: deque[str]) -> None:
        if not self.rasa_urls:
            log.append("Geen Rasa-server ingesteld: het model staat klaar voor de volgende start.")
            return
        if not self.token:
            raise PublishError(
                "Het nieuwe model is getraind, maar de assistent kon niet overgezet worden: de "
                "werkruimte kent het API-token van de Rasa-server niet. Start alles met 'make run' "
                f"(of herstart de assistent: die laadt dan {model.name})."
            )
        for url in self.rasa_urls:
            switch_model(url, self.token, model)
            log.append(f"{url}: nieuw model geladen ({model.name}).")


class PublishError(Exception):
    """A step failed; the message says why, in Dutch."""


def switch_model(rasa_url: str, token: str, model: Path, timeout: float = 600.0) -> None:
    """Load ``model`` on a Rasa server while it keeps answering (``POST
    /webhooks/model/switch``, bot.plugins.model_switch), or with Rasa's own ``PUT /model``
    (which pauses the server while it loads) when that route is not there; then check with
    ``GET /status`` that it runs the new model."""
    from urllib.parse import quote

    body = json.dumps({"model_file": str(model)}).encode("utf-8")
    req = urllib.request.Request(f"{rasa_url}/webhooks/model/switch?token={quote(token)}", data=body,
                                 method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - our own server
            if resp.status == 200:
                _check_running(rasa_url, token, model)
                return
    except urllib.error.HTTPError as err:
        if err.code not in (404, 405, 501):  # not there: an older server, use Rasa's route
            raise _refused(rasa_url, err.code) from err
    except OSError as err:
        raise _unreachable(rasa_url, err) from err
    req = urllib.request.Request(f"{rasa_url}/model?token={quote(token)}", data=body, method="PUT",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - our own server
            if resp.status not in (200, 204):
                raise PublishError(f"De Rasa-server op {rasa_url} gaf code {resp.status} bij het overzetten.")
    except urllib.error.HTTPError as err:
        raise _refused(rasa_url, err.code) from err
    except OSError as err:
        raise _unreachable(rasa_url, err) from err
    _check_running(rasa_url, token, model)


def _refused(rasa_url: str, code: int) -> PublishError:
    hint = " (het API-token klopt niet)" if code in (401, 403) else ""
    return PublishError(f"De Rasa-server op {rasa_url} weigerde het nieuwe model: code {code}{hint}. "
                        "De assistent werkt door met het oude model.")


def _unreachable(rasa_url: str, err: OSError) -> PublishError:
    return PublishError(f"De Rasa-server op {rasa_url} is niet bereikbaar ({err}). De assistent "
                        "laadt het nieuwe model bij de volgende start.")


def _check_running(rasa_url: str, token: str, model: Path) -> None:
    running = model_status(rasa_url, token)
    if running and Path(running).name != model.name:
        raise PublishError(f"De Rasa-server op {rasa_url} draait nog {Path(running).name} in plaats van {model.name}.")


def model_status(rasa_url: str, token: str) -> str | None:
    from urllib.parse import quote

    try:
        with urllib.request.urlopen(f"{rasa_url}/status?token={quote(token)}", timeout=10) as resp:  # noqa: S310
            return json.loads(resp.read() or b"{}").get("model_file")
    except (OSError, ValueError):
        return None


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _clean(raw: str) -> str:
    return _ANSI.sub("", raw).replace("\r", " ").strip()


def _interesting(line: str) -> bool:
    return bool(re.search(r"Epochs:|Training|trained|saved|Nothing changed|Error|error|finetun|Restored", line))


def _trained_model(output: str) -> str | None:
    found = re.findall(r"(?:saved at|stored at) '([^']+\.tar\.gz)'", output)
    return found[-1] if found else None


def _reason(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"error|exception|invalid", line, re.I)]
    text = (errors or lines or ["(geen uitvoer)"])[-1]
    return f"'{text[:300]}'."


def _training_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1",
                # Rasa 3.6's domain fingerprint (which --finetune compares) follows set order;
                # a fixed hash seed makes it the same in every run (`make train` sets it too).
                "PYTHONHASHSEED": TRAIN_HASH_SEED})
    return env


TRAIN_HASH_SEED = "0"
