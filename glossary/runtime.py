"""The matcher as the running assistant uses it: built from vastgesteld entries, cached per
process and rebuilt automatically when the database changes (a cheap revision query)."""

from __future__ import annotations

import gc
import threading

from glossary.matcher import Matcher
from glossary.store import Store

_lock = threading.Lock()
_stores: dict[str, Store] = {}
_cache: dict[str, tuple[tuple, Matcher]] = {}


def get_store(db_url: str) -> Store:
    with _lock:
        store = _stores.get(db_url)
        if store is None:
            store = _stores[db_url] = Store.from_url(db_url, create=False)
        return store


def get_matcher(db_url: str) -> Matcher:
    """The matcher over the vastgesteld entries in ``db_url`` (cached per process)."""
    store = get_store(db_url)
    revision = store.revision()
    cached = _cache.get(db_url)
    if cached and cached[0] == revision:
        return cached[1]
    matcher = Matcher.build(store.active())
    gc.freeze()  # the index is long-lived: keep it out of the garbage collector's scans
    with _lock:
        _cache[db_url] = (revision, matcher)
    return matcher


def clear_cache() -> None:
    with _lock:
        for store in _stores.values():
            store.engine.dispose()
        _stores.clear()
        _cache.clear()
