"""The website channel on two instances sharing Redis (the scaled profile's state).

Two ChannelServers stand for two Rasa instances behind nginx: a conversation's messages may
land on either, so its offered buttons and its rate limits must be the same on both.
"""

from __future__ import annotations

import pytest

from bot.services import shared_state
from bot.services import websecurity as sec
from tests.support.testing import ChannelServer

SECRET = b"s" * 40


@pytest.fixture
def two_instances(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # fresh limits for this test
    servers = [ChannelServer(secret=SECRET, redis_url=redis_url, messages_per_minute=5,
                             address_messages_per_minute=1000, sessions_per_minute=1000)
               for _ in range(2)]
    for srv in servers:
        srv.start()
    yield servers
    for srv in servers:
        srv.stop()


def test_a_button_offered_by_one_instance_works_on_the_other(two_instances) -> None:
    one, two = two_instances
    token = one.request("POST", "/session")[1]["session"]
    status, body, _ = one.send(token, {"message": "knoppen"})
    assert status == 200 and body["messages"][0]["buttons"][0]["payload"] == "/affirm"
    status, _, _ = two.send(token, {"payload": "/affirm", "title": "Ja"})
    assert status == 200 and two.agent.received[-1].text == "/affirm"
    # a payload never offered is still refused as a command there
    two.send(token, {"payload": '/set_slot{"topic": "x"}', "title": "Ja"})
    assert two.agent.received[-1].text == "Ja"


def test_the_rate_limit_counts_messages_on_both_instances(two_instances) -> None:
    one, two = two_instances
    token = one.request("POST", "/session")[1]["session"]
    statuses = [(one if i % 2 else two).send(token, {"message": "hoi"})[0] for i in range(6)]
    assert statuses == [200] * 5 + [429]


def test_redis_stopped_gives_a_dutch_503_and_recovers_by_itself(tmp_path) -> None:
    from bot.cli.services import Services

    services = Services(tmp_path, tmp_path / "logs")
    srv = None
    try:
        url = services.start_redis()
        srv = ChannelServer(secret=SECRET, redis_url=url)
        srv.start()
        token = srv.request("POST", "/session")[1]["session"]
        assert srv.send(token, {"message": "hoi"})[0] == 200
        services.stop_one("redis")
        status, body, headers = srv.send(token, {"message": "hoi"})
        assert status == 503
        assert body["message"].startswith(shared_state.MSG_UNAVAILABLE)
        assert "14" in body["message"] and "Traceback" not in str(body)
        assert headers.get("Access-Control-Allow-Origin")  # the widget can read the message
        assert srv.request("POST", "/session")[0] == 503
        services.start_redis(port=services.ports["redis"])
        status, body, _ = srv.send(token, {"message": "weer terug"})
        assert (status, body["messages"][0]["text"]) == (200, "echo: weer terug")
    finally:
        if srv is not None:
            srv.stop()
        services.stop()


def test_the_channel_reads_the_redis_setting(monkeypatch, redis_url) -> None:
    from bot.plugins.website import WebsiteInput

    monkeypatch.setenv("GEMEENTETOLK_WEB_SECRET", "x" * 40)
    monkeypatch.setenv("GEMEENTETOLK_REDIS_URL", redis_url)
    monkeypatch.setenv("GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE", "500")
    monkeypatch.setenv("GEMEENTETOLK_WEB_SESSIONS_PER_MINUTE", "500")
    channel = WebsiteInput.from_credentials(None)
    assert isinstance(channel.buttons, shared_state.RedisButtonMemory)
    assert isinstance(channel.message_limit, shared_state.RedisRateLimiter)
    assert channel.address_limit.limit == 500 and channel.session_limit.limit == 500
    monkeypatch.delenv("GEMEENTETOLK_REDIS_URL")
    monkeypatch.delenv("GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE")
    monkeypatch.delenv("GEMEENTETOLK_WEB_SESSIONS_PER_MINUTE")
    channel = WebsiteInput.from_credentials(None)
    assert isinstance(channel.message_limit, sec.RateLimiter)
    assert channel.address_limit.limit == 20
