"""The website channel: pure parts without Rasa, then the blueprint in a small Sanic app that is
configured like Rasa's own server (same CORS set-up, same channel registration), with a fake
agent instead of a trained model."""

from __future__ import annotations

import json

import pytest

from bot.services import websecurity as sec
from tests.support.testing import ORIGIN, ChannelServer

SECRET = b"k" * 40


# --- signing ----------------------------------------------------------------
def test_issued_token_verifies_to_its_session_id():
    signer = sec.SessionSigner(SECRET)
    session_id, token = signer.issue()
    assert signer.verify(token) == session_id
    assert len(session_id) == 22


def test_session_ids_are_unique():
    signer = sec.SessionSigner(SECRET)
    ids = {signer.issue()[0] for _ in range(200)}
    assert len(ids) == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "v1" + t[2:],  # other version (v1 tokens had no time: refused)
        lambda t: t.rsplit(".", 1)[0],  # no signature
        lambda t: "",
        lambda t: None,
        lambda t: 12345,
        lambda t: t + "." + t,
        lambda t: "x" * 5000,
    ],
)
def test_forged_or_broken_tokens_are_refused(mangle):
    signer = sec.SessionSigner(SECRET)
    _, token = signer.issue()
    assert signer.verify(mangle(token)) is None


def test_token_with_swapped_session_id_is_refused():
    signer = sec.SessionSigner(SECRET)
    sid_a, token_a = signer.issue()
    sid_b, _ = signer.issue()
    forged = token_a.replace(sid_a, sid_b)
    assert signer.verify(forged) is None


def test_token_from_another_secret_is_refused():
    _, token = sec.SessionSigner(b"a" * 32).issue()
    assert sec.SessionSigner(b"b" * 32).verify(token) is None


def test_short_secret_is_rejected():
    with pytest.raises(ValueError):
        sec.SessionSigner(b"short")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("", None),
        (None, None),
        ("Bearer ", None),
    ],
)
def test_bearer_token(header, expected):
    assert sec.bearer_token(header) == expected


# --- rate limiter -------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_limit_then_refuses_then_recovers():
    clock = Clock()
    limiter = sec.RateLimiter(limit=20, window=60, clock=clock)
    for _ in range(20):
        assert limiter.hit("s") == 0
        clock.now += 1
    wait = limiter.hit("s")
    assert 0 < wait <= 60
    clock.now += wait
    assert limiter.hit("s") == 0


def test_rate_limiter_counts_keys_separately_and_refusal_is_not_counted():
    clock = Clock()
    limiter = sec.RateLimiter(limit=2, window=60, clock=clock)
    assert limiter.hit("session:a", "address:x") == 0
    assert limiter.hit("session:b", "address:x") == 0
    # the address is full, so session c is refused and nothing is counted for it
    assert limiter.hit("session:c", "address:x") > 0
    assert limiter.hit("session:c", "address:y") == 0
    assert limiter.hit("session:c", "address:z") == 0
    assert limiter.hit("session:c", "address:w") > 0


def test_rate_limiter_forgets_old_keys_beyond_max():
    limiter = sec.RateLimiter(limit=1, window=60, clock=Clock(), max_keys=3)
    for key in "abcd":
        assert limiter.hit(key) == 0
    assert limiter.hit("a") == 0  # "a" was evicted
    assert limiter.hit("d") > 0


# --- origins ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        ("http://localhost:8080", True),
        ("HTTP://LOCALHOST:8080", True),
        ("http://127.0.0.1:8080/", True),
        ("http://localhost:8081", False),
        ("https://localhost:8080", False),
        ("http://evil.example", False),
        ("http://localhost:8080.evil.example", False),
        ("null", False),
        ("", False),
        (None, False),
        ("http://localhost:8080/path", False),
    ],
)
def test_origin_policy(origin, ok):
    policy = sec.OriginPolicy(["http://localhost:8080", "http://127.0.0.1:8080"])
    assert policy.allows(origin) is ok


# --- outgoing messages -------------------------------------------------------------
def test_terms_only_message_is_attached_to_the_text_before_it():
    out = sec.merge_messages(
        [
            {"text": "Een aanbesteding is ..."},
            {
                "custom": {
                    "terms": [{"term": "aanbesteding", "plain": "opdracht", "id": "x", "bad": 1}]
                }
            },
        ]
    )
    assert out == [
        {
            "from": "bot",
            "text": "Een aanbesteding is ...",
            "terms": [{"term": "aanbesteding", "plain": "opdracht"}],
        }
    ]


def test_bot_message_keeps_only_plain_strings():
    msg = sec.clean_bot_message(
        {
            "text": "<b>hi</b>",
            "buttons": [
                {"title": "Ja", "payload": "/affirm"},
                {"title": 3, "payload": "/x"},
                "junk",
            ],
            "custom": {
                "terms": [
                    {"term": "a", "plain": {"x": 1}},
                    {"term": "b", "plain": "p", "definition": "d"},
                ]
            },
            "image": "javascript:alert(1)",
        }
    )
    assert msg == {
        "from": "bot",
        "text": "<b>hi</b>",  # still text: the widget never renders it as HTML
        "buttons": [{"title": "Ja", "payload": "/affirm"}],
        "terms": [{"term": "b", "plain": "p", "definition": "d"}],
    }
    assert sec.clean_bot_message({"image": "x"}) is None


def test_history_shows_button_titles_and_merges_terms():
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "hallo"},
        {
            "event": "bot",
            "text": "Wil je meer weten?",
            "data": {"buttons": [{"title": "Ja graag", "payload": "/affirm"}]},
        },
        {"event": "user", "text": "/affirm"},
        {"event": "bot", "text": "Uitleg", "data": {}},
        {
            "event": "bot",
            "text": None,
            "data": {"custom": {"terms": [{"term": "t", "plain": "p"}]}},
        },
        {"event": "user", "text": "/ask_contact"},
    ]
    out = sec.history_from_events(events)
    assert [m["from"] for m in out] == ["user", "bot", "user", "bot", "user"]
    assert out[2]["text"] == "Ja graag"
    assert out[3]["terms"] == [{"term": "t", "plain": "p"}]
    assert out[4]["text"] == sec.CONTACT_TITLE
    assert sec.last_offered_payloads(out) == ["/affirm"]


# --- settings -------------------------------------------------------------------------
def test_settings_secret_file_is_created_private_and_reused(tmp_path):
    from bot.services.settings import load_settings

    settings = load_settings(env={}, root=tmp_path)
    first = settings.web_secret
    path = tmp_path / "var" / "web_secret"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(first) >= 32
    assert load_settings(env={}, root=tmp_path).web_secret == first


def test_settings_secret_and_origins_from_env(tmp_path):
    from bot.services.settings import load_settings

    env = {
        "GEMEENTETOLK_WEB_SECRET": "s" * 40,
        "GEMEENTETOLK_ALLOWED_ORIGINS": "https://www.Gemeente.nl/, http://localhost:9000",
    }
    settings = load_settings(env=env, root=tmp_path)
    assert settings.web_secret == b"s" * 40
    assert settings.allowed_origins == ("https://www.gemeente.nl", "http://localhost:9000")
    assert not (tmp_path / "var" / "web_secret").exists()


def test_settings_default_origins_follow_web_port(tmp_path):
    from bot.services.settings import load_settings

    settings = load_settings(env={"GEMEENTETOLK_WEB_PORT": "9090"}, root=tmp_path)
    assert settings.allowed_origins == ("http://localhost:9090", "http://127.0.0.1:9090")


@pytest.mark.parametrize(
    "env",
    [
        {"GEMEENTETOLK_WEB_SECRET": "short"},
        {"GEMEENTETOLK_ALLOWED_ORIGINS": "javascript:alert(1)"},
        {"GEMEENTETOLK_ALLOWED_ORIGINS": "https://www.gemeente.nl/pad"},
    ],
)
def test_settings_bad_values_give_a_dutch_error(env, tmp_path):
    from bot.services.settings import load_settings

    with pytest.raises(ValueError, match="GEMEENTETOLK_"):
        load_settings(env=env, root=tmp_path)


# --- the blueprint, mounted like Rasa mounts it ---------------------------------------
@pytest.fixture(scope="module")
def server():
    srv = ChannelServer(
        secret=SECRET,
        address_messages_per_minute=10_000,
        sessions_per_minute=10_000,
    )
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def session(server):
    status, body, _ = server.request("POST", "/session")
    assert status == 201
    return body["session"]


def test_health(server):
    status, body, _ = server.request("GET", "/", origin=None)
    assert (status, body) == (200, {"status": "ok"})


def test_conversation_round_trip_with_metadata(server, session):
    status, body, headers = server.send(
        session, {"message": "hallo", "metadata": {"municipality": "Zuiderwaard"}}
    )
    assert status == 200
    assert body["messages"][0] == {"from": "bot", "text": "echo: hallo"}
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    last = server.agent.received[-1]
    assert last.metadata == {"municipality": "zuiderwaard"}
    assert last.input_channel == "website"


def test_missing_session_is_401(server):
    status, body, _ = server.request("POST", "/webhook", {"message": "hallo"})
    assert status == 401
    assert "gesprek" in body["message"]


def test_forged_session_is_401(server, session):
    forged = session[:-2] + ("AA" if not session.endswith("AA") else "BB")
    status, body, _ = server.send(forged, {"message": "hallo"})
    assert status == 401
    fake_id = "v2.AAAAAAAAAAAAAAAAAAAAAA.tpdxf5." + "A" * 43
    assert server.send(fake_id, {"message": "hallo"})[0] == 401
    assert server.request("GET", "/history", token=fake_id)[0] == 401


def test_sessions_are_isolated(server):
    _, a, _ = server.request("POST", "/session")
    _, b, _ = server.request("POST", "/session")
    server.send(a["session"], {"message": "geheim van A"})
    _, hist_b, _ = server.request("GET", "/history", token=b["session"])
    assert all("geheim" not in m.get("text", "") for m in hist_b["messages"])
    _, hist_a, _ = server.request("GET", "/history", token=a["session"])
    assert any(m.get("text") == "geheim van A" for m in hist_a["messages"])


def test_slash_command_is_text(server, session):
    status, body, _ = server.send(session, {"message": '/ask_contact{"municipality": "x"}'})
    assert status == 200
    assert server.agent.received[-1].text == 'ask_contact{"municipality": "x"}'


def test_offered_button_payload_passes_and_unknown_payload_falls_back_to_title(server, session):
    server.send(session, {"message": "knoppen"})
    server.send(session, {"payload": "/affirm", "title": "Ja"})
    assert server.agent.received[-1].text == "/affirm"
    server.send(session, {"payload": '/set_slot{"topic": "x"}', "title": "Ja"})
    assert server.agent.received[-1].text == "Ja"
    status, body, _ = server.send(session, {"payload": "/deny"})
    assert status == 200 and body["messages"][0]["text"] == sec.MSG_OLD_BUTTON


def test_contact_action_maps_to_intent(server, session):
    server.send(session, {"action": "contact"})
    assert server.agent.received[-1].text == "/ask_contact"


def test_terms_are_attached_to_the_answer(server, session):
    _, body, _ = server.send(session, {"message": "begrip"})
    assert body["messages"] == [
        {
            "from": "bot",
            "text": "echo: begrip",
            "terms": [{"term": "aanbesteding", "plain": "een opdracht"}],
        }
    ]


def test_failing_or_silent_bot_still_answers(server, session):
    for text in ("crash", "stil"):
        status, body, _ = server.send(session, {"message": text})
        assert status == 200
        reply = body["messages"][0]["text"]
        assert reply.startswith("Sorry, er ging aan mijn kant iets mis.")
        assert "14 met daarachter het netnummer" in reply  # no municipality known: the general route


def test_silent_bot_gives_the_municipalitys_own_route(server, session):
    """No answer from Rasa (the action server is down): the page's municipality's own phone."""
    status, body, _ = server.send(session, {"message": "stil", "metadata": {"municipality": "dijkstede"}})
    assert status == 200
    reply = body["messages"][0]["text"]
    assert "Gemeente Dijkstede" in reply and "14 089" in reply and "netnummer" not in reply
    assert "open" in reply.lower() or "gesloten" in reply.lower()  # the opening hours


def test_overlong_and_empty_text_get_a_dutch_reply(server, session):
    status, body, _ = server.send(session, {"message": "a" * 1001})
    assert status == 200 and "te lang" in body["messages"][0]["text"]
    status, body, _ = server.send(session, {"message": "   "})
    assert status == 200 and "leeg" in body["messages"][0]["text"]


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b'{"message": "hallo"}', "text/plain", 415),
        (b'{"message": "hallo"}', None, 415),
        (b'{"message": "' + b"a" * 20000 + b'"}', "application/json", 413),
        (b'{"text": "hallo"}', "application/json", 400),
    ],
)
def test_bad_bodies(server, session, raw, content_type, status):
    got, body, _ = server.request(
        "POST", "/webhook", raw=raw, content_type=content_type, token=session
    )
    assert got == status
    assert isinstance(body["message"], str) and body["message"]


def test_foreign_origin_is_refused_also_in_preflight(server, session):
    for origin in ("http://evil.example", None):
        status, body, headers = server.send(session, {"message": "hallo"}, origin=origin)
        assert status == 403
        assert "Access-Control-Allow-Origin" not in headers
        assert "website van de gemeente" in body["message"]
    status, _, headers = server.request(
        "OPTIONS",
        "/webhook",
        origin="http://evil.example",
        extra={"Access-Control-Request-Method": "POST"},
    )
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert server.request("POST", "/session", origin="http://evil.example")[0] == 403


def test_preflight_for_allowed_origin(server):
    status, _, headers = server.request(
        "OPTIONS",
        "/webhook",
        extra={
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Authorization" in headers["Access-Control-Allow-Headers"]


def test_rate_limit_per_session(server):
    _, body, _ = server.request("POST", "/session")
    token = body["session"]
    statuses = [server.send(token, {"message": f"bericht {i}"})[0] for i in range(21)]
    assert statuses[:20] == [200] * 20
    status, body, headers = server.send(token, {"message": "nog een"})
    assert status == 429
    assert body["message"].startswith("Rustig aan")
    assert int(headers["Retry-After"]) >= 1


def test_history_after_reload_contains_the_conversation(server, session):
    server.send(session, {"message": "knoppen"})
    _, body, _ = server.request("GET", "/history", token=session)
    texts = [(m["from"], m.get("text")) for m in body["messages"]]
    assert ("user", "knoppen") in texts
    assert body["messages"][-1]["buttons"] == [{"title": "Ja", "payload": "/affirm"}]


def test_no_stack_traces_in_any_refusal(server, session):
    bodies = [
        server.request(
            "POST", "/webhook", raw=b"\x00" * 10, content_type="application/json", token=session
        )[1],
        server.request("POST", "/webhook", {"message": "x"}, token="Bearer Bearer")[1],
        server.request("GET", "/history", token=None)[1],
    ]
    for body in bodies:
        text = json.dumps(body)
        assert "Traceback" not in text and 'File "' not in text


def test_rate_limit_per_address_and_for_new_sessions():
    srv = ChannelServer(secret=SECRET, address_messages_per_minute=3, sessions_per_minute=2)
    srv.start()
    try:
        tokens = [srv.request("POST", "/session")[1]["session"] for _ in range(2)]
        status, body, _ = srv.request("POST", "/session")
        assert status == 429 and body["message"].startswith("Rustig aan")
        # three messages from one address over two sessions, then the address is refused
        assert [srv.send(tokens[i % 2], {"message": "hoi"})[0] for i in range(3)] == [200] * 3
        assert srv.send(tokens[1], {"message": "hoi"})[0] == 429
    finally:
        srv.stop()


def test_the_channel_adds_no_terms_of_its_own_from_the_slot(server, session):
    """Terms travel with the action's message; a slot alone adds nothing (no tracker re-read)."""
    _, body, _ = server.send(session, {"message": "slotterm"})
    assert body["messages"] == [
        {"from": "bot", "text": "Bij een aanbesteding mag iedereen bieden."},
        {"from": "bot", "text": "Tweede deel."},
    ]
    _, hist, _ = server.request("GET", "/history", token=session)
    assert all("terms" not in m for m in hist["messages"])


def test_history_takes_terms_from_the_answer_message_only():
    term = {"term": "aanbesteding", "plain": "een opdracht"}
    events = [
        {"event": "slot", "name": "explained_terms", "value": ["aanbesteding"]},
        {"event": "user", "text": "vraag 1"},
        {"event": "bot", "text": "Over de aanbesteding.", "data": {"custom": {"terms": [term]}}},
        {"event": "bot", "text": "Nog iets.", "data": {}},
    ]
    out = sec.history_from_events(events)
    assert out[1] == {"from": "bot", "text": "Over de aanbesteding.", "terms": [term]}
    assert "terms" not in out[2]


# --- stack and CLI ------------------------------------------------------------------------
def test_child_processes_get_the_web_settings(tmp_path):
    from bot.cli.stack import child_env
    from bot.services.settings import load_settings

    env = {"GEMEENTETOLK_WEB_PORT": "9191", "GEMEENTETOLK_WEB_SECRET": "z" * 40}
    child = child_env(load_settings(env=env, root=tmp_path))
    assert child["GEMEENTETOLK_ALLOWED_ORIGINS"] == "http://localhost:9191,http://127.0.0.1:9191"
    assert child["GEMEENTETOLK_WEB_PORT"] == "9191"
    assert child["GEMEENTETOLK_WEB_SECRET"] == "z" * 40


def test_run_prints_the_website_url(monkeypatch, capsys):
    import bot.cli.stack
    import bot.cli.supervisor
    from bot.cli import core

    class FakeStack:
        def __init__(self, settings, with_web=False, **options):
            assert with_web  # `gemeentetolk run` starts the demo page too
            assert options.get("with_workspace")  # ... and the workspace (Beheer)

        def start(self, timeout=180.0):
            return 1.0

    class FakeSupervisor:
        def __init__(self, stack):
            pass

        def run_forever(self):
            return 0

    monkeypatch.setenv("GEMEENTETOLK_WEB_PORT", "8181")
    monkeypatch.setattr(bot.cli.stack, "Stack", FakeStack)
    monkeypatch.setattr(bot.cli.supervisor, "Supervisor", FakeSupervisor)
    assert core.cmd_run(None) == 0
    out = capsys.readouterr().out
    assert "Website met chatwidget: http://localhost:8181/" in out
    assert "Werkruimte (Beheer):    http://localhost:8081/" in out


def test_only_the_rasa_server_gets_the_tensorflow_thread_settings(tmp_path, monkeypatch):
    from bot.cli.stack import child_env, rasa_env
    from bot.services.settings import load_settings

    monkeypatch.delenv("TF_INTRA_OP_PARALLELISM_THREADS", raising=False)
    monkeypatch.setenv("TF_INTER_OP_PARALLELISM_THREADS", "4")
    settings = load_settings(env={}, root=tmp_path)
    rasa = rasa_env(settings)
    assert rasa["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    assert rasa["TF_INTER_OP_PARALLELISM_THREADS"] == "4"
    # Set, they make Rasa import TensorFlow; the action server does not need it.
    actions = child_env(settings)
    assert "TF_INTRA_OP_PARALLELISM_THREADS" not in actions
    assert "TF_INTER_OP_PARALLELISM_THREADS" not in actions
