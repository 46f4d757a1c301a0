"""State the channels share between Rasa instances: rate limits and button memory.

One Rasa process keeps this state in memory (``websecurity.RateLimiter``,
``guard.ButtonMemory``). With several Rasa instances behind a load balancer a conversation's
messages land on different instances, so the scaled profile keeps the same state in Redis
(``GEMEENTETOLK_REDIS_URL``): the Redis classes here have the same methods as the in-memory
ones, and ``rate_limiter``/``button_memory`` choose by the settings.

Pure Python (the ``redis`` client, no Rasa). When Redis cannot be reached every method raises
``SharedStateUnavailable``; the channels turn that into a Dutch reply (never a 500). The
client reconnects by itself on the next call, so the service recovers when Redis is back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from bot.services.guard import ButtonMemory
from bot.services.websecurity import RateLimiter

log = logging.getLogger(__name__)

KEY_PREFIX = "gt:"
BUTTON_TTL_S = 24 * 3600  # a conversation's offered buttons are forgotten after a day
CONNECT_TIMEOUT_S = 1.0
SOCKET_TIMEOUT_S = 2.0

MSG_UNAVAILABLE = (
    "Sorry, de assistent is even niet bereikbaar. Probeer het over een minuut opnieuw."
)


class SharedStateUnavailable(RuntimeError):
    """Redis (the shared state of the scaled profile) did not answer."""


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def redis_client(url: str) -> Any:
    """One Redis client (with its own connection pool) per URL and process, made lazily."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(
                url,
                socket_connect_timeout=CONNECT_TIMEOUT_S,
                socket_timeout=SOCKET_TIMEOUT_S,
                health_check_interval=30,
            )
            _clients[url] = client
        return client


def _guarded(call: Callable[[], Any]) -> Any:
    import redis

    try:
        return call()
    except (redis.ConnectionError, redis.TimeoutError) as err:
        log.warning("Redis unavailable: %s", type(err).__name__)
        raise SharedStateUnavailable(type(err).__name__) from err


# Sliding window over every key of one hit, atomically: count each key's hits in the last
# `window` seconds; when one key is full, return how long to wait (nothing is counted);
# otherwise record the hit for every key. KEYS: the limiter's keys; ARGV: now, window (s),
# limit, a unique member for this hit.
_RATE_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
return '0'
"""


class RedisRateLimiter:
    """``RateLimiter`` with its windows in Redis, shared by every Rasa instance."""

    def __init__(
        self,
        client: Any,
        name: str,
        limit: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.window = window
        self._client = client
        self._prefix = f"{KEY_PREFIX}rate:{name}:"
        self._clock = clock  # wall clock: the same on every instance (monotonic is not)
        self._script = client.register_script(_RATE_SCRIPT)

    def hit(self, *keys: str) -> float:
        """Count one hit for every key: 0 when allowed, else seconds to wait (not counted)."""
        if not keys:
            return 0.0
        args = [repr(self._clock()), repr(self.window), self.limit, uuid.uuid4().hex]
        result = _guarded(lambda: self._script(keys=[self._prefix + k for k in keys], args=args))
        return float(result)


class RedisButtonMemory:
    """``ButtonMemory`` in Redis: the buttons offered to a conversation, on any instance."""

    def __init__(self, client: Any, name: str, ttl_s: int = BUTTON_TTL_S) -> None:
        self._client = client
        self._prefix = f"{KEY_PREFIX}buttons:{name}:"
        self._ttl = ttl_s

    def record(self, sender_id: str, payloads: Iterable[str]) -> None:
        members = sorted({p for p in payloads if isinstance(p, str)})
        if not members:
            return
        key = self._prefix + sender_id

        def write() -> None:
            pipe = self._client.pipeline(transaction=True)
            pipe.delete(key)
            pipe.sadd(key, *members)
            pipe.expire(key, self._ttl)
            pipe.execute()

        _guarded(write)

    def offered(self, sender_id: str, payload: str) -> bool:
        return bool(_guarded(lambda: self._client.sismember(self._prefix + sender_id, payload)))


def rate_limiter(
    redis_url: str, name: str, limit: int, window: float = 60.0, **kwargs: Any
) -> RateLimiter | RedisRateLimiter:
    """In memory (one process) or in Redis (``redis_url`` set: the scaled profile)."""
    if redis_url:
        return RedisRateLimiter(redis_client(redis_url), name, limit, window, **kwargs)
    return RateLimiter(limit, window, **kwargs)


def button_memory(redis_url: str, name: str) -> ButtonMemory | RedisButtonMemory:
    if redis_url:
        return RedisButtonMemory(redis_client(redis_url), name)
    return ButtonMemory()


__all__ = [
    "MSG_UNAVAILABLE",
    "RedisButtonMemory",
    "RedisRateLimiter",
    "SharedStateUnavailable",
    "button_memory",
    "rate_limiter",
    "redis_client",
]
