"""Rate limits and button memory in Redis (the scaled profile), against a real Redis server."""

from __future__ import annotations

import itertools

import pytest

from bot.services import shared_state
from bot.services.guard import ButtonMemory
from bot.services.websecurity import RateLimiter

_names = itertools.count()


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(redis_url):
    return shared_state.redis_client(redis_url)


def _limiter(client, limit=3, clock=None) -> shared_state.RedisRateLimiter:
    return shared_state.RedisRateLimiter(client, f"t{next(_names)}", limit, 60.0, clock=clock or Clock())


def test_redis_limiter_allows_limit_then_refuses_then_recovers(client) -> None:
    clock = Clock()
    limiter = _limiter(client, 3, clock)
    assert [limiter.hit("s1") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 10
    wait = limiter.hit("s1")
    assert 49.9 < wait <= 50.0  # the oldest hit leaves the window after 50 more seconds
    clock.now += 50.01
    assert limiter.hit("s1") == 0.0


def test_two_instances_share_one_window(redis_url) -> None:
    """Two Rasa instances each have their own limiter object and client: one window."""
    import redis

    clock = Clock()
    name = f"shared{next(_names)}"
    one = shared_state.RedisRateLimiter(redis.Redis.from_url(redis_url), name, 4, 60.0, clock=clock)
    two = shared_state.RedisRateLimiter(redis.Redis.from_url(redis_url), name, 4, 60.0, clock=clock)
    assert [one.hit("s"), two.hit("s"), one.hit("s"), two.hit("s")] == [0.0] * 4
    assert one.hit("s") > 0 and two.hit("s") > 0


def test_refused_hit_is_not_counted_and_keys_are_separate(client) -> None:
    clock = Clock()
    limiter = _limiter(client, 1, clock)
    assert limiter.hit("a", "b") == 0.0
    assert limiter.hit("a") > 0
    assert limiter.hit("c", "b") > 0  # b is full, so c is not counted either
    assert limiter.hit("c") == 0.0


def test_same_answers_as_the_memory_limiter(client) -> None:
    """The Redis limiter is a drop-in: the same sequence of hits gets the same verdicts."""
    clock = Clock()
    ours = _limiter(client, 2, clock)
    memory = RateLimiter(2, 60.0, clock=clock)
    for step, keys in enumerate([("a",), ("a", "b"), ("a",), ("b",), ("b", "c"), ("c",)] * 2):
        clock.now += 7
        assert (ours.hit(*keys) > 0) == (memory.hit(*keys) > 0), step


def test_button_memory_is_shared_and_replaced(redis_url) -> None:
    import redis

    name = f"b{next(_names)}"
    one = shared_state.RedisButtonMemory(redis.Redis.from_url(redis_url), name)
    two = shared_state.RedisButtonMemory(redis.Redis.from_url(redis_url), name)
    one.record("s1", ["/affirm", "/deny", 3])
    assert two.offered("s1", "/affirm") and two.offered("s1", "/deny")
    assert not two.offered("s2", "/affirm")
    two.record("s1", ["/cancel"])
    assert not one.offered("s1", "/affirm") and one.offered("s1", "/cancel")
    one.record("s1", [])  # nothing offered: the last buttons stay, as in ButtonMemory
    assert one.offered("s1", "/cancel")
    ttl = redis.Redis.from_url(redis_url).ttl(f"gt:buttons:{name}:s1")
    assert 0 < ttl <= shared_state.BUTTON_TTL_S


def test_factories_choose_by_the_setting(redis_url) -> None:
    assert isinstance(shared_state.rate_limiter("", "x", 5), RateLimiter)
    assert isinstance(shared_state.button_memory("", "x"), ButtonMemory)
    assert isinstance(shared_state.rate_limiter(redis_url, "x", 5), shared_state.RedisRateLimiter)
    assert isinstance(shared_state.button_memory(redis_url, "x"), shared_state.RedisButtonMemory)


def test_redis_away_is_one_clear_error_and_recovery_is_automatic(tmp_path) -> None:
    """A stopped Redis raises SharedStateUnavailable (the channels answer in Dutch); when it
    is back on the same port the same objects work again, without a restart."""
    from bot.cli.services import Services

    services = Services(tmp_path, tmp_path / "logs")
    try:
        url = services.start_redis()
        client = shared_state.redis_client(url)
        limiter = shared_state.RedisRateLimiter(client, "down", 5, 60.0)
        buttons = shared_state.RedisButtonMemory(client, "down")
        assert limiter.hit("s") == 0.0
        services.stop_one("redis")
        with pytest.raises(shared_state.SharedStateUnavailable):
            limiter.hit("s")
        with pytest.raises(shared_state.SharedStateUnavailable):
            buttons.offered("s", "/affirm")
        services.start_redis(port=services.ports["redis"])
        assert limiter.hit("s") == 0.0
        buttons.record("s", ["/affirm"])
        assert buttons.offered("s", "/affirm")
    finally:
        services.stop()
