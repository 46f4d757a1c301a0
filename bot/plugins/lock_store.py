"""A Redis lock store whose every change is atomic: a drop-in for Rasa 3.6's ``LockStore``.

Rasa serialises the messages of one conversation with a ticket lock: each message takes a
ticket, waits until its number is the lowest unexpired one, and gives it back when done.
Rasa's ``RedisLockStore`` keeps the whole lock as one JSON value and changes it by read,
modify, write: two Rasa instances that issue a ticket at the same moment read the same
lock, both take number ``last + 1`` and both believe they are served, or one overwrites the
other's ticket. Then two messages of one conversation run at once and the tracker gets
duplicated or lost events.

Here each conversation has three Redis keys: a counter (ticket numbers come from ``INCR``),
a sorted set of the tickets that are waiting or served (score: expiry time in Redis' clock)
and a hash naming the Rasa instance that holds each ticket. Every operation is one Lua
script, so Redis runs it at once for all instances; expiry uses Redis' clock, so instances
on machines whose clocks differ agree.

An instance that dies (``kill -9``, a lost machine) cannot give its tickets back. Rasa's
tickets live 60 s, so that conversation would hang for a minute. Each instance therefore
keeps a heartbeat key alive (a thread renews it every second, it expires after
``HEARTBEAT_TTL_MS``); the ticket first in line whose instance has no heartbeat is dropped,
and the conversation goes on at another instance within a few seconds.

``bot/endpoints.yml`` names ``LockStoreFromSettings``: the in-memory lock store of Rasa
(one process, the default) or this one when ``GEMEENTETOLK_REDIS_URL`` is set.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore

from bot.services.settings import load_settings

log = logging.getLogger(__name__)

KEY_PREFIX = "gt:lock:"
HEARTBEAT_PREFIX = "gt:lock-owner:"
HEARTBEAT_TTL_MS = 3000  # a dead instance's tickets are dropped after this
HEARTBEAT_EVERY_S = 1.0
# How often a waiting message looks again (Rasa's default is a whole second).
POLL_S = 0.02
# The counter outlives every ticket by far, so a number is never issued twice even when a
# served message finishes long after its ticket expired.
COUNTER_TTL_S = 24 * 3600

# Redis' own clock, in seconds (float): the same for every instance.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# KEYS: counter, tickets, owners. ARGV: lifetime (s), counter ttl (s), owner id, heartbeat
# key, heartbeat ttl (ms). Returns the new ticket number.
_ISSUE = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local number = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), number)
redis.call('HSET', KEYS[3], number, ARGV[3])
redis.call('SET', ARGV[4], '1', 'PX', tonumber(ARGV[5]))
local ttl = math.ceil(tonumber(ARGV[1])) + 1
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
return number
"""

# KEYS: tickets, owners. ARGV: heartbeat key prefix. Drops expired tickets and, while the
# first in line belongs to an instance without heartbeat, that ticket. Returns
# {number, seconds left, ...}.
_READ = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
while true do
  local items = redis.call('ZRANGE', KEYS[1], 0, -1)
  local first = nil
  for i = 1, #items do
    local n = tonumber(items[i])
    if first == nil or n < first then first = n end
  end
  if first == nil then break end
  local owner = redis.call('HGET', KEYS[2], first)
  if owner and redis.call('EXISTS', ARGV[1] .. owner) == 1 then break end
  redis.call('ZREM', KEYS[1], first)
  redis.call('HDEL', KEYS[2], first)
end
local items = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for i = 1, #items, 2 do
  table.insert(out, items[i])
  table.insert(out, tostring(tonumber(items[i + 1]) - now))
end
return out
"""

# KEYS: tickets, owners. ARGV: ticket number. Gives the ticket back; the keys go with the
# last ticket (Redis deletes an empty set or hash), in the same step.
_FINISH = _NOW + """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
"""

# KEYS: counter, tickets, owners. ARGV: counter ttl, owner id, heartbeat key, heartbeat ttl
# (ms), then number, seconds left, ... Replaces the tickets with the given ones (Rasa's
# save_lock), owned by this instance, and keeps the counter above all of them.
_SAVE = _NOW + """
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SET', ARGV[3], '1', 'PX', tonumber(ARGV[4]))
local top = tonumber(redis.call('GET', KEYS[1]) or '0')
local longest = 0
for i = 5, #ARGV, 2 do
  local number = tonumber(ARGV[i])
  local left = tonumber(ARGV[i + 1])
  if left > 0 then
    redis.call('ZADD', KEYS[2], now + left, number)
    redis.call('HSET', KEYS[3], number, ARGV[2])
    if left > longest then longest = left end
  end
  if number > top then top = number end
end
redis.call('SET', KEYS[1], top, 'EX', tonumber(ARGV[1]))
if longest > 0 then
  redis.call('EXPIRE', KEYS[2], math.ceil(longest) + 1)
  redis.call('EXPIRE', KEYS[3], math.ceil(longest) + 1)
end
return top
"""


class AtomicRedisLockStore(LockStore):
    """Rasa's ticket lock with every step atomic in Redis (see the module docstring)."""

    def __init__(
        self,
        url: str | None = None,
        client: Any = None,
        key_prefix: str = KEY_PREFIX,
        poll_s: float = POLL_S,
        endpoint_config: Any = None,
    ) -> None:
        if client is None:
            from bot.services.shared_state import redis_client

            url = url or getattr(endpoint_config, "url", None)
            if not url:
                raise ValueError("AtomicRedisLockStore needs a Redis URL.")
            client = redis_client(url)
        self.red = client
        self.key_prefix = key_prefix
        self.poll_s = poll_s
        # This instance, as the owner of its tickets.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._heartbeat_key = HEARTBEAT_PREFIX + self.owner
        self._heartbeat: threading.Thread | None = None
        self._stopped = threading.Event()
        self._issue = client.register_script(_ISSUE)
        self._read = client.register_script(_READ)
        self._finish = client.register_script(_FINISH)
        self._save = client.register_script(_SAVE)
        super().__init__()

    def _keys(self, conversation_id: str) -> list[str]:
        base = self.key_prefix + conversation_id
        return [base + ":n", base + ":q", base + ":o"]

    # --- the heartbeat ---------------------------------------------------------------
    def _beat(self) -> None:
        while not self._stopped.wait(HEARTBEAT_EVERY_S):
            try:
                self.red.set(self._heartbeat_key, "1", px=HEARTBEAT_TTL_MS)
            except Exception as err:  # noqa: BLE001 - Redis away: try again next beat
                log.debug("Lock heartbeat failed: %s", type(err).__name__)

    def _ensure_heartbeat(self) -> None:
        if self._heartbeat is None or not self._heartbeat.is_alive():
            self._heartbeat = threading.Thread(target=self._beat, name="lock-heartbeat",
                                               daemon=True)
            self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        """Stop renewing (tests: an instance that 'died'); its tickets go after the TTL."""
        self._stopped.set()

    # --- Rasa's LockStore interface ----------------------------------------------------
    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            self._ensure_heartbeat()
            return int(self._issue(keys=self._keys(conversation_id),
                                   args=[float(lock_lifetime), COUNTER_TTL_S, self.owner,
                                         self._heartbeat_key, HEARTBEAT_TTL_MS]))
        except Exception as err:  # same contract as Rasa's: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{err}") from err

    def _read_tickets(self, conversation_id: str) -> list:
        return self._read(keys=self._keys(conversation_id)[1:], args=[HEARTBEAT_PREFIX])

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        flat = self._read_tickets(conversation_id)
        if not flat:
            return None
        now = time.time()
        tickets = sorted(
            (Ticket(int(flat[i]), now + float(flat[i + 1])) for i in range(0, len(flat), 2)),
            key=lambda t: t.number,
        )  # the lowest number is served first (the set is ordered by expiry)
        return TicketLock(conversation_id, deque(tickets))

    def save_lock(self, lock: TicketLock) -> None:
        self._ensure_heartbeat()
        now = time.time()
        args: list[Any] = [COUNTER_TTL_S, self.owner, self._heartbeat_key, HEARTBEAT_TTL_MS]
        for ticket in lock.tickets:
            args += [int(ticket.number), max(0.0, ticket.expires - now)]
        self._save(keys=self._keys(lock.conversation_id), args=args)

    def delete_lock(self, conversation_id: str) -> None:
        deleted = self.red.delete(*self._keys(conversation_id)[1:])
        self._log_deletion(conversation_id, bool(deleted))

    def update_lock(self, conversation_id: str) -> None:
        """Expired tickets are dropped by every read; nothing to write."""
        self._read_tickets(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._finish(keys=self._keys(conversation_id)[1:], args=[int(ticket_number)])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back. The waiting set disappears with its last ticket, atomically
        (Rasa's read-then-delete could delete a ticket another instance had just taken)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except Exception as err:  # noqa: BLE001 - the ticket then expires by itself
            log.warning("Could not give back a lock ticket: %s", type(err).__name__)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return bool(self._read_tickets(conversation_id))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``lock``, polling every ``poll_s`` instead of every second by default."""
        wait = self.poll_s if wait_time_in_seconds is None else wait_time_in_seconds
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire(conversation_id, ticket, wait)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _acquire(self, conversation_id: str, ticket: int, wait: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None or ticket not in {t.number for t in lock.tickets}:
                # Our ticket expired while we waited (an earlier message took over a minute).
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait)


class LockStoreFromSettings(LockStore):
    """What ``bot/endpoints.yml`` names (Rasa wants a class there): making one gives the
    atomic Redis lock store when ``GEMEENTETOLK_REDIS_URL`` is set (the scaled profile),
    otherwise Rasa's own in-memory lock store (one process, the default)."""

    def __new__(cls, endpoint_config: Any = None, **kwargs: Any) -> LockStore:  # type: ignore[misc]
        settings = load_settings()
        if settings.redis_url:
            return AtomicRedisLockStore(settings.redis_url)
        return InMemoryLockStore()


__all__ = ["AtomicRedisLockStore", "LockStoreFromSettings"]
