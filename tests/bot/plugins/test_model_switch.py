"""The model switch route: the new model loads in a worker thread while the server keeps
answering, then it is swapped in; without the right token nothing happens."""

from __future__ import annotations

import threading
import time

import pytest

from bot.plugins import model_switch
from tests.support.testing import ChannelServer

TOKEN = "switch-token-" + "x" * 20


@pytest.fixture
def server(monkeypatch, tmp_path):
    monkeypatch.setenv("GEMEENTETOLK_RASA_API_TOKEN", TOKEN)
    loaded: list[str] = []

    class Processor:
        def __init__(self, path: str) -> None:
            self.model_path = path
            self.domain = None

    def slow_build(agent, path):
        time.sleep(1.5)  # TensorFlow building the graphs
        loaded.append(path)
        return Processor(path)

    def install(agent, processor):
        agent.processor = processor

    monkeypatch.setattr(model_switch, "build_processor", slow_build)
    monkeypatch.setattr(model_switch, "install", install)
    srv = ChannelServer(b"s" * 40, channel=model_switch.ModelSwitchInput())
    srv.start()
    srv.loaded = loaded
    model = tmp_path / "20261201-nieuw.tar.gz"
    model.write_bytes(b"model")
    srv.model = model
    yield srv
    srv.stop()


def test_switch_loads_in_a_thread_while_the_server_answers(server) -> None:
    result: dict = {}

    def switch():
        result["response"] = server.request("POST", f"/switch?token={TOKEN}", {"model_file": str(server.model)},
                                            prefix="/webhooks/model")

    thread = threading.Thread(target=switch)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, body, _ = server.request("GET", f"/?token={TOKEN}", prefix="/webhooks/model")
    answered_in = time.monotonic() - started
    thread.join(10)
    assert status == 200 and answered_in < 1.0  # not blocked by the loading model
    assert result["response"][0] == 200 and server.loaded == [str(server.model)]
    assert server.agent.processor.model_path == str(server.model)


def test_wrong_or_missing_token_and_bad_model_are_refused(server, tmp_path) -> None:
    body = {"model_file": str(server.model)}
    assert server.request("POST", "/switch?token=fout", body, prefix="/webhooks/model")[0] == 403
    assert server.request("POST", "/switch", body, prefix="/webhooks/model")[0] == 403
    missing = {"model_file": str(tmp_path / "bestaat-niet.tar.gz")}
    assert server.request("POST", f"/switch?token={TOKEN}", missing, prefix="/webhooks/model")[0] == 400
    assert server.loaded == []


def test_without_a_token_setting_the_route_is_closed(server, monkeypatch) -> None:
    monkeypatch.delenv("GEMEENTETOLK_RASA_API_TOKEN")
    status, _, _ = server.request("POST", "/switch?token=", {"model_file": str(server.model)},
                                  prefix="/webhooks/model")
    assert status == 403 and server.loaded == []
