"""POST /webhooks/website/feedback: "Had je hier iets aan?" through the website channel (same
origin, session and rate-limit checks as the other routes), with a fake agent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services import inbox, websecurity
from bot.services.db import make_engine, session_factory, unit_of_work
from bot.services.learning_models import AnswerFeedback
from tests.support.db import migrated_sqlite
from tests.support.testing import ChannelServer

SECRET = b"f" * 40


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return migrated_sqlite(tmp_path_factory.mktemp("feedback") / "gt.db")


@pytest.fixture(scope="module")
def server(db):
    srv = ChannelServer(secret=SECRET, address_messages_per_minute=10_000, sessions_per_minute=10_000,
                        feedback_db_url=db)
    srv.start()
    yield srv
    srv.stop()


def _session(server) -> str:
    status, body, _ = server.request("POST", "/session")
    assert status == 201
    return body["session"]


def _answer(server, token: str) -> dict:
    status, body, _ = server.send(token, {"message": "antwoord", "metadata": {"municipality": "dijkstede"}})
    assert status == 200
    [msg] = body["messages"]
    assert msg["text"].startswith("Zo schrijf je in") and msg["feedback"]["answer"] == "procurement/bidding"
    return msg["feedback"]


def _rows(db):
    engine = make_engine(db)
    with unit_of_work(session_factory(engine)) as session:
        rows = list(session.scalars(select(AnswerFeedback)))
    engine.dispose()
    return rows


def test_yes_no_once_per_answer_then_one_comment(server, db):
    token = _session(server)
    marker = _answer(server, token)
    status, body, _ = server.request("POST", "/feedback", {"ref": marker["ref"], "helpful": False}, token=token)
    assert (status, body["message"]) == (201, "Dank je wel voor je reactie.")
    status, body, _ = server.request("POST", "/feedback", {"ref": marker["ref"], "helpful": True}, token=token)
    assert status == 409 and "al gereageerd" in body["message"]
    status, _, _ = server.request("POST", "/feedback", {"ref": marker["ref"], "comment": "Te vaag, bel 0612345678"},
                                  token=token)
    assert status == 200
    assert server.request("POST", "/feedback", {"ref": marker["ref"], "comment": "nog eens"}, token=token)[0] == 409
    [row] = [r for r in _rows(db) if not r.helpful]
    assert (row.topic, row.subtopic, row.municipality) == ("procurement", "bidding", "dijkstede")
    assert row.comment == "Te vaag, bel [telefoonnummer]"
    engine = make_engine(db)
    [group] = inbox.groups(session_factory(engine))
    engine.dispose()
    assert group.text == "antwoord" and group.reasons == {"feedback_no": 1}


def test_feedback_only_on_answers_of_this_conversation(server):
    mine, other = _session(server), _session(server)
    marker = _answer(server, mine)
    status, body, _ = server.request("POST", "/feedback", {"ref": marker["ref"], "helpful": True}, token=other)
    assert status == 404 and body["message"] == "Dit antwoord kan ik niet (meer) vinden. Je reactie is niet opgeslagen."
    assert server.request("POST", "/feedback", {"ref": "x" * 24, "helpful": True}, token=mine)[0] == 404


@pytest.mark.parametrize("kwargs, status", [
    (dict(body={"ref": "r" * 24, "helpful": True}), 401),  # no session
    (dict(body={"ref": "r" * 24, "helpful": True}, origin="https://evil.example", with_token=True), 403),
    (dict(body={"ref": "r" * 24, "helpful": "ja"}, with_token=True), 400),
    (dict(body={"ref": "<script>", "helpful": True}, with_token=True), 400),
    (dict(raw=b"{kapot", with_token=True), 400),
    (dict(raw=b'{"ref": "' + b"r" * 20000 + b'"}', with_token=True), 413),
])
def test_bad_feedback_requests_get_a_dutch_refusal(server, kwargs, status):
    token = _session(server) if kwargs.pop("with_token", False) else None
    code, body, _ = server.request("POST", "/feedback", token=token, **kwargs)
    assert code == status and isinstance(body["message"], str) and "Traceback" not in body["message"]


def test_feedback_is_rate_limited_per_session(server):
    token = _session(server)
    statuses = [server.request("POST", "/feedback", {"ref": "r" * 24, "helpful": True}, token=token)[0]
                for _ in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429


def test_history_keeps_the_feedback_marker_with_its_answer():
    events = [
        {"event": "user", "text": "hoe schrijf ik in"},
        {"event": "bot", "text": "Zo schrijf je in.", "data": {}},
        {"event": "bot", "text": None, "data": {"custom": {"feedback": {"answer": "procurement/bidding",
                                                                         "ref": "a" * 24}}}},
    ]
    messages = websecurity.history_from_events(events)
    assert messages[-1] == {"from": "bot", "text": "Zo schrijf je in.",
                            "feedback": {"answer": "procurement/bidding", "ref": "a" * 24}}
