"""Publiceren: the job runs in the background, its state is in the database, it writes the
NLU data from the approved glossary, trains and switches the Rasa server (a fake one here;
the real one is in tests/web/test_workspace_browser.py)."""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.services import publish
from tests.support.testing import free_port

ROOT = Path(__file__).resolve().parents[3]


class FakeRasa:
    """PUT /model and GET /status with a token, like Rasa's HTTP API, and (``switch_route``)
    the non-blocking POST /webhooks/model/switch of bot.plugins.model_switch."""

    def __init__(self, token: str, switch_route: bool = True) -> None:
        self.token = token
        self.switch_route = switch_route
        self.model = "old.tar.gz"
        self.calls: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _ok_token(self) -> bool:
                return f"token={outer.token}" in self.path

            def do_POST(self) -> None:  # noqa: N802
                if not outer.switch_route or not self.path.startswith("/webhooks/model/switch"):
                    self.send_response(404)
                    self.end_headers()
                    return
                self.do_PUT(ok=200)

            def do_PUT(self, ok: int = 204) -> None:  # noqa: N802
                outer.calls.append(self.path)
                if not self._ok_token():
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.model = body["model_file"]
                self.send_response(ok)
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802
                data = json.dumps({"model_file": outer.model}).encode()
                self.send_response(200 if self._ok_token() else 401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def fake_training(code: int = 0):
    """A 'rasa train' that writes a model file and prints Rasa's last line."""

    def command(publisher: publish.Publisher, previous):
        script = (
            "import pathlib, sys, time\n"
            f"out = pathlib.Path({str(publisher.models_dir)!r})\n"
            "out.mkdir(parents=True, exist_ok=True)\n"
            "print('Epochs: 100%', flush=True)\n"
            f"if {code}: print('InvalidConfigException: kapot', flush=True); sys.exit({code})\n"
            "p = out / ('%d-new.tar.gz' % time.time_ns())\n"
            "p.write_bytes(b'model')\n"
            "print(f\"Your Rasa model is trained and saved at '{p}'.\", flush=True)\n"
        )
        return [sys.executable, "-c", script]

    return command


@pytest.fixture(params=[True, False], ids=["switch-route", "put-model"])
def rasa(request):
    server = FakeRasa("geheim-token", switch_route=request.param)
    yield server
    server.stop()


@pytest.fixture
def publisher(ws_settings, rasa):
    return publish.Publisher(rasa_urls=[rasa.url], token="geheim-token", root=ws_settings.root,
                             nlu_path=ws_settings.root / "data" / "nlu" / "glossary.yml",
                             models_dir=ws_settings.root / "models", train_command=fake_training())


@pytest.fixture
def pub_app(app, publisher):
    app.extensions["gemeentetolk"].publisher = publisher
    return app


def wait_done(factory, job_id: int, timeout: float = 30) -> publish.JobView:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = publish.get_job(factory, job_id)
        if not job.running:
            return job
        time.sleep(0.1)
    raise AssertionError("publish job did not finish")


def test_publish_writes_nlu_trains_and_switches_the_model(pub_app, browser_for, factory, rasa, ws_settings) -> None:
    b = browser_for("beoordelaar")
    response = b.post("/publiceren/start", page="/publiceren")
    assert response.status_code == 303
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    job = wait_done(factory, job_id)
    assert job.status == "klaar", job.message
    assert Path(rasa.model).parent == ws_settings.root / "models"
    route = "/webhooks/model/switch" if rasa.switch_route else "/model"
    assert rasa.calls[-1].startswith(route + "?token=")
    assert "aanbesteding" in (ws_settings.root / "data" / "nlu" / "glossary.yml").read_text(encoding="utf-8")
    page = b.get(f"/publiceren/{job_id}").get_data(as_text=True)
    assert "Klaar" in page and "seconden" in page and Path(rasa.model).name in page
    assert b.get(f"/publiceren/{job_id}.json").get_json()["status"] == "klaar"


def test_failed_training_gives_a_readable_reason_and_keeps_the_old_model(pub_app, publisher, factory, rasa) -> None:
    publisher.train_command = fake_training(code=1)
    job = publisher.start(factory, pub_app.extensions["gemeentetolk"].store, "p.devries", wait=True)
    assert job.status == "mislukt"
    job = publish.get_job(factory, job.id)
    assert "De training is mislukt" in job.message and "kapot" in job.message
    assert rasa.model == "old.tar.gz" and rasa.calls == []


def test_wrong_token_is_a_readable_reason(pub_app, publisher, factory, rasa) -> None:
    publisher.token = "fout"
    job = publisher.start(factory, pub_app.extensions["gemeentetolk"].store, "p.devries", wait=True)
    job = publish.get_job(factory, job.id)
    assert job.status == "mislukt" and "API-token klopt niet" in job.message
    assert rasa.model == "old.tar.gz"


def test_without_token_the_model_is_trained_and_the_page_says_what_to_do(pub_app, publisher, factory) -> None:
    publisher.token = ""
    job = publisher.start(factory, pub_app.extensions["gemeentetolk"].store, "p.devries", wait=True)
    job = publish.get_job(factory, job.id)
    assert job.status == "mislukt" and "make run" in job.message and job.model_file


def test_one_job_at_a_time(pub_app, publisher, factory, browser_for) -> None:
    from bot.services.db import unit_of_work
    from bot.services.workspace_models import PublishJob

    with unit_of_work(factory) as session:
        session.add(PublishJob(created_at=publish.utcnow(), started_by="r.smit", status="bezig", step="train",
                               step_started_at=publish.utcnow(), message="", log_tail=""))
    b = browser_for("redacteur")
    b.post("/publiceren/start", page="/publiceren")
    page = b.get("/publiceren").get_data(as_text=True)
    assert "Er loopt al een publicatie" in page and "r.smit" in page


def test_files_button_writes_terms_and_edited_profiles(pub_app, browser_for, ws_settings, app) -> None:
    from glossary.io import read_yaml

    store = app.extensions["gemeentetolk"].store
    store.update("offerte", {"plain": "een aanbod met een prijs"}, by="a.jansen")
    b = browser_for("redacteur")
    assert b.post("/publiceren/bestanden", page="/publiceren").status_code == 303
    terms = read_yaml(ws_settings.root / "glossary" / "terms")
    assert len(terms) == 177
    assert next(e for e in terms if e.id == "offerte").plain == "een aanbod met een prijs"


def test_medewerker_cannot_publish(pub_app, browser_for) -> None:
    assert browser_for("medewerker").post("/publiceren/start", page="/start").status_code == 403


def test_nothing_to_train_when_only_explanations_changed(pub_app, publisher, factory, rasa, ws_settings) -> None:
    store = pub_app.extensions["gemeentetolk"].store
    first = publisher.start(factory, store, "p.devries", wait=True)
    assert publish.get_job(factory, first.id).status == "klaar"
    store.update("offerte", {"plain": "een aanbod met een prijs"}, by="a.jansen")  # no new words
    calls = len(rasa.calls)
    second = publish.get_job(factory, publisher.start(factory, store, "p.devries", wait=True).id)
    assert second.status == "klaar" and "niets nieuws te trainen" in second.message
    assert len(rasa.calls) == calls  # no training, no switch
    store.update("offerte", {"alt_labels": ["prijsopgave"]}, by="a.jansen")  # a new word: train again
    third = publish.get_job(factory, publisher.start(factory, store, "p.devries", wait=True).id)
    assert third.status == "klaar" and len(rasa.calls) == calls + 1


def with_training_data(root: Path) -> Path:
    """The project's NLU data and domain in the test's project root (the inbox checks read them)."""
    import shutil

    shutil.copytree(ROOT / "data" / "nlu", root / "data" / "nlu", dirs_exist_ok=True)
    shutil.copytree(ROOT / "bot" / "domain", root / "bot" / "domain")
    return root


def test_a_question_linked_in_the_inbox_is_trained_at_the_next_publish(pub_app, publisher, factory, rasa,
                                                                         ws_settings, browser_for) -> None:
    """The glossary's words did not change, but an editor linked a question (data/nlu/inbox.yml):
    Publiceren must train, or the question stays misunderstood (the CI failure of stop 16)."""
    from bot.services import training

    root = with_training_data(ws_settings.root)
    store = pub_app.extensions["gemeentetolk"].store
    assert publish.get_job(factory, publisher.start(factory, store, "p.devries", wait=True).id).status == "klaar"
    calls = len(rasa.calls)
    editor = browser_for("redacteur")
    assert "nog niet geleerd" not in editor.get("/publiceren").get_data(as_text=True)
    time.sleep(1.1)  # the database keeps whole seconds
    [(_, added)] = training.add(factory, root, [("mag mijn poffertjeskraam op de kermis staan",
                                                 "ask_permit/events")], by="a.jansen")
    assert added.ok, added.reason
    page = editor.get("/publiceren").get_data(as_text=True)
    assert "nog niet geleerd: 1 vraag: &ldquo;mag mijn poffertjeskraam" in page  # the editor sees it waits
    time.sleep(1.1)
    job = publish.get_job(factory, publisher.start(factory, store, "p.devries", wait=True).id)
    assert job.status == "klaar" and "niets nieuws" not in job.message, job.message
    assert len(rasa.calls) == calls + 1  # trained and switched
    assert "nog niet geleerd" not in editor.get("/publiceren").get_data(as_text=True)


def test_before_the_first_publication_the_newest_model_tells_what_is_learned(pub_app, publisher, factory,
                                                                            ws_settings, browser_for) -> None:
    import os

    from bot.services import training

    root = with_training_data(ws_settings.root)
    training.add(factory, root, [("mag mijn poffertjeskraam op de kermis staan", "ask_permit/events"),
                                 ("waar vraag ik een standplaats op de weekmarkt aan", "ask_permit/events")],
                 by="a.jansen")
    editor = browser_for("redacteur")
    page = editor.get("/publiceren").get_data(as_text=True)
    assert "nog niet geleerd: 2 vragen, bijvoorbeeld" in page  # no model yet
    model = Path(publisher.models_dir) / "20261202-000000-made-by-make.tar.gz"
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_bytes(b"model")
    os.utime(model, (time.time() + 5, time.time() + 5))  # trained after the questions were linked
    assert "nog niet geleerd" not in editor.get("/publiceren").get_data(as_text=True)
    os.utime(model, (time.time() - 3600, time.time() - 3600))  # trained before
    assert "nog niet geleerd: 2 vragen" in editor.get("/publiceren").get_data(as_text=True)


def test_progress_line_from_rasas_training_output() -> None:
    from datetime import datetime

    tail = ("Training...\nEpochs:   3%|▎ | 1/30 [00:51<24:44]  Epochs:  47%|████▋     | 14/30 "
            "[04:00<04:26, 16.66s/it, t_loss=2.95]")
    job = publish.JobView(1, datetime(2026, 12, 1), "x", "bezig", "train", None, None, "", None, tail)
    assert job.progress == "47% van de rondes (14/30)"
    assert publish.JobView(1, datetime(2026, 12, 1), "x", "bezig", "nlu", None, None, "", None, "").progress == ""


def test_the_publish_figures_in_the_docs_are_the_reports() -> None:
    from tests.support.reports import report_and_quote

    report, section = report_and_quote("publish.json", "operations.md", "**Measured** (`make bench-publish`")
    m = report["measured"]
    wanted = [report["date"][:10], f"**{m['explained_s']} s**", f"**{m['live_s']} s**", f"{m['train_s']} s training",
              f"{m['switch_s']} s loading", f"The 300 s target is {'met' if report['met'] else 'not met'}."]
    assert [w for w in wanted if w not in section] == []
