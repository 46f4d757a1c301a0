"""The atomic Redis lock store (bot/plugins/lock_store.py) against a real Redis server."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, LockError, RedisLockStore

from bot.plugins import lock_store as ls

_ids = itertools.count()


def _conversation() -> str:
    return f"conv-{next(_ids)}-{time.time_ns()}"


@pytest.fixture
def stores(redis_url):
    """Two lock stores with their own clients: two Rasa instances."""
    made = [ls.AtomicRedisLockStore(client=redis.Redis.from_url(redis_url)) for _ in range(2)]
    yield made
    for store in made:
        store.stop_heartbeat()


def test_rasa_redis_lock_store_hands_out_one_number_twice(redis_url) -> None:
    """Why this module exists: Rasa's store reads the lock, adds a ticket and writes it back.
    Two instances that read before either writes take the same number."""
    host, port = redis_url.split("//")[1].split("/")[0].split(":")
    one, two = (RedisLockStore(host=host, port=int(port), db=0) for _ in range(2))
    conv = _conversation()
    lock_one, lock_two = one.get_or_create_lock(conv), two.get_or_create_lock(conv)
    first, second = lock_one.issue_ticket(60), lock_two.issue_ticket(60)
    one.save_lock(lock_one)
    two.save_lock(lock_two)
    assert first == second  # both believe they are next; the second write also drops a ticket
    assert len(one.get_lock(conv).tickets) == 1


def test_tickets_are_unique_and_none_is_lost_under_concurrency(stores) -> None:
    conv = _conversation()
    numbers: list[int] = []
    guard = threading.Lock()

    def take(store) -> None:
        for _ in range(150):
            number = store.issue_ticket(conv)
            with guard:
                numbers.append(number)

    threads = [threading.Thread(target=take, args=(stores[i % 2],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 901))
    lock = stores[0].get_lock(conv)
    assert [t.number for t in lock.tickets] == list(range(1, 901))  # every ticket kept, in order


def test_one_message_at_a_time_in_ticket_order(stores) -> None:
    conv = _conversation()
    inside = 0
    most = 0
    served: list[int] = []

    async def message(i: int) -> None:
        nonlocal inside, most
        async with stores[i % 2].lock(conv) as lock:
            inside += 1
            most = max(most, inside)
            served.append(lock.now_serving)
            await asyncio.sleep(0.002)
            inside -= 1

    async def main() -> None:
        await asyncio.gather(*(message(i) for i in range(40)))

    asyncio.run(main())
    assert most == 1
    assert served == sorted(served) and len(set(served)) == 40


def test_nothing_but_the_counter_stays_behind(stores, redis_url) -> None:
    conv = _conversation()

    async def main() -> None:
        async with stores[0].lock(conv):
            assert stores[1].is_someone_waiting(conv)

    asyncio.run(main())
    assert not stores[1].is_someone_waiting(conv)
    assert stores[1].get_lock(conv) is None
    keys = {k.decode() for k in redis.Redis.from_url(redis_url).keys(f"gt:lock:{conv}*")}
    assert keys == {f"gt:lock:{conv}:n"}


def test_an_expired_ticket_no_longer_blocks(stores) -> None:
    conv = _conversation()
    stores[0].issue_ticket(conv, lock_lifetime=0.3)  # taken and never given back

    async def main() -> float:
        started = time.monotonic()
        async with stores[1].lock(conv):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert 0.2 < waited < 2.0


def test_tickets_of_a_dead_instance_are_dropped_within_seconds(redis_url, stores) -> None:
    """kill -9 of an instance: its heartbeat stops, and its ticket (60 s lifetime) no longer
    holds up the conversation after HEARTBEAT_TTL_MS."""
    dead = ls.AtomicRedisLockStore(client=redis.Redis.from_url(redis_url))
    conv = _conversation()
    dead.issue_ticket(conv)
    dead.stop_heartbeat()

    async def main() -> float:
        started = time.monotonic()
        async with stores[0].lock(conv):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert waited < ls.HEARTBEAT_TTL_MS / 1000 + 2.0
    assert waited > 0.5  # it did wait for the heartbeat to run out, not skip the ticket


def test_a_live_instance_keeps_its_ticket(stores) -> None:
    conv = _conversation()
    held = stores[0].issue_ticket(conv)
    time.sleep(ls.HEARTBEAT_TTL_MS / 1000 + 0.5)  # longer than the heartbeat's TTL
    lock = stores[1].get_lock(conv)
    assert lock is not None and lock.now_serving == held


def test_save_lock_keeps_rasas_contract(stores) -> None:
    """update_lock/save_lock as Rasa's base class uses them: tickets survive, the counter
    never goes back."""
    conv = _conversation()
    a, b = stores[0].issue_ticket(conv), stores[0].issue_ticket(conv)
    lock = stores[1].get_lock(conv)
    lock.remove_ticket_for(a)
    stores[1].save_lock(lock)
    assert [t.number for t in stores[0].get_lock(conv).tickets] == [b]
    assert stores[0].issue_ticket(conv) == b + 1


def test_redis_away_is_a_lock_error(tmp_path) -> None:
    from bot.cli.services import Services

    services = Services(tmp_path, tmp_path / "logs")
    try:
        url = services.start_redis()
        store = ls.AtomicRedisLockStore(client=redis.Redis.from_url(url, socket_timeout=1))
        conv = _conversation()
        assert store.issue_ticket(conv) == 1
        services.stop_one("redis")
        with pytest.raises(LockError):
            store.issue_ticket(conv)
        services.start_redis(port=services.ports["redis"])
        assert store.issue_ticket(conv) >= 1  # back by itself
        store.stop_heartbeat()
    finally:
        services.stop()


def test_endpoints_choose_the_lock_store_by_the_setting(monkeypatch, redis_url) -> None:
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import read_endpoints_from_path

    root = Path(__file__).resolve().parents[3]
    monkeypatch.setenv("GEMEENTETOLK_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("GEMEENTETOLK_TRACKER_DB_URL", "sqlite:///tracker.db")
    monkeypatch.setenv("GEMEENTETOLK_ACTION_SECRET", "s" * 40)  # the action endpoint's header
    endpoints = read_endpoints_from_path(root / "bot" / "endpoints.yml")
    monkeypatch.delenv("GEMEENTETOLK_REDIS_URL", raising=False)
    assert type(LockStore.create(endpoints.lock_store)) is InMemoryLockStore
    monkeypatch.setenv("GEMEENTETOLK_REDIS_URL", redis_url)
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, ls.AtomicRedisLockStore)
    store.stop_heartbeat()
