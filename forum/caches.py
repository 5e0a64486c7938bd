"""The process's caches of member text, in one place: each bounded by bytes, with named invalidators.

The compiled statements the pages run (`functools.cache` on their builders) are bounded by the
code itself: one per scope or dialect. What grows with the members' writing lives here instead.
Hiding, editing, removing or erasing a post calls `forget_texts`, so its old words leave memory too.

Rendered fragments of pages (a topic's posts, a board's topic list) live in a fragment store: in
this process's memory (`MemoryFragments`), or in Redis shared by every worker when FRAGMENT_CACHE_URI
points there (`forum/redis_fragments.py`, imported only then: redis-py costs a worker 3.6 MB).
Each slot (a topic's page 2 in English for guests) holds one version only, checked against a digest
of what the page just read, so a stale fragment is never served and the next render replaces it.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

# Rendered posts kept per process: a few thousand typical posts, however long any one of them is.
MARKDOWN_CACHE_BYTES = 16 * 2**20


class BytesLRU:
    """A least-recently-used map whose keys and values together stay under `max_bytes` (of text).

    `size(key, value)` says what an entry weighs: by default the characters of a text key and value.
    """

    def __init__(self, max_bytes: int, size: Callable[[Any, Any], int] | None = None) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._size = size or _size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key) -> bool:
        return key in self._items

    def keys(self) -> list:
        with self._lock:
            return list(self._items)

    def values(self) -> list:
        with self._lock:
            return list(self._items.values())

    def items(self) -> list:
        with self._lock:
            return list(self._items.items())

    def get(self, key):
        """The value kept for key (now the most recently used), or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        """Keep value for key in place of any older one; a value larger than the whole map is not kept."""
        size = self._size(key, value)
        with self._lock:
            self._pop(key)
            if size > self.max_bytes:
                return
            self._items[key] = value
            self.bytes += size
            while self.bytes > self.max_bytes:
                self._pop(next(iter(self._items)))

    def get_or_make(self, key: str, make: Callable[[str], str]) -> str:
        """The cached value for key, made (and kept, when it fits) on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make(key)
        size = self._size(key, value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self.bytes += size
            while self.bytes > self.max_bytes:
                self._pop(next(iter(self._items)))
        return value

    def forget(self, key) -> None:
        with self._lock:
            self._pop(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def _pop(self, key) -> None:
        value = self._items.pop(key, None)
        if value is not None:
            self.bytes -= self._size(key, value)


def _size(key: str, value: str) -> int:
    # Characters stand in for bytes: cheap, and within a small factor for any script.
    return len(key) + len(value)


markdown = BytesLRU(MARKDOWN_CACHE_BYTES)


def forget_texts(*texts: str | None) -> None:
    """A post was edited, hidden, removed or erased: drop its old text's rendering from memory."""
    for text in texts:
        if text:
            markdown.forget(text)


def clear_all() -> None:
    """Empty every cache (tests, and a deliberate reset)."""
    markdown.clear()
    for store in list(_fragment_stores):
        store.clear()


# Rendered page fragments kept per process: some 1,500 topic pages of 20 posts.
FRAGMENT_CACHE_BYTES = 32 * 2**20
# However often a fragment is read, it is rendered again after this long: a text erased while a
# worker held its page leaves that worker's memory (and Redis) within this time even if the page
# is never asked for again.
FRAGMENT_TTL_SECONDS = 600

# Every store of every app in this process, so that `clear_all` empties them all.
_fragment_stores: weakref.WeakSet = weakref.WeakSet()


def topic_fragments(topic_id: int) -> str:
    """The group of a topic's fragments (its pages of posts), for the fragment stores and forget_fragments."""
    return f"topic:{topic_id}"


def board_fragments(board_id: int) -> str:
    """The group of a board's fragments (its pages of topics)."""
    return f"board:{board_id}"


def forget_fragments(*groups: str) -> None:
    """Text was changed or erased on these topics or boards: drop their rendered fragments now.

    The digest check would refuse them anyway; this takes the old words out of memory (and out of
    Redis) at once rather than at the page's next view or after FRAGMENT_TTL_SECONDS.
    Only this app's store: other processes (and, in tests, other apps standing for them) learn of
    the change through the cache epoch (`ErasureWatch`).
    """
    current_app.extensions["forum.fragments"].forget(*groups)


class ErasureWatch:
    """When this process last read the cache epoch (forum.boards.models.CacheEpoch), and its value then.

    `due()` is a clock reading, so most requests run no query; `observe(epoch)` empties this
    process's in-process caches when another process (or this one) has since taken text off a page.
    """

    def __init__(self, store: object, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.interval = interval
        self.epoch: int | None = None
        self._clock = clock
        # A process starts with empty caches: the first reading is due one interval later.
        self._checked = clock()

    def due(self) -> bool:
        return self._clock() - self._checked >= self.interval

    def observe(self, epoch: int | None) -> None:
        """The epoch just read (None: unreadable): if it moved, is the first or unknown, empty the caches."""
        self._checked = self._clock()
        if epoch is not None and epoch == self.epoch:
            return
        self.epoch = epoch
        # Rendered text is kept by text, so which entries showed the erased words is unknown here.
        markdown.clear()
        # Redis is shared and forget_fragments already dropped the groups there.
        if isinstance(self.store, MemoryFragments):
            self.store.clear()


class MemoryFragments:
    """Fragments in this process: one version per slot, least recently used dropped past `max_bytes`."""

    def __init__(self, max_bytes: int = FRAGMENT_CACHE_BYTES, ttl: float = FRAGMENT_TTL_SECONDS, clock=time.monotonic):
        self.ttl = ttl
        self._clock = clock
        # (group, part) -> (digest, html, when rendered)
        self._items = BytesLRU(max_bytes, size=_fragment_size)
        register_store(self)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        return self._items.bytes

    def get(self, group: str, part: str, digest: str) -> str | None:
        """The slot's fragment if it was rendered from the same content (`digest`) and is fresh."""
        key = (group, part)
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] != digest or self._clock() - item[2] > self.ttl:
            # The content changed (or the fragment aged): its old text leaves memory now.
            self._items.forget(key)
            return None
        return item[1]

    def put(self, group: str, part: str, digest: str, html: str) -> None:
        self._items.put((group, part), (digest, html, self._clock()))

    def forget(self, *groups: str) -> None:
        """Drop every fragment of these groups ("topic:12", "board:3")."""
        wanted = set(groups)
        for key in self._items.keys():
            if key[0] in wanted:
                self._items.forget(key)

    def clear(self) -> None:
        self._items.clear()


def _fragment_size(key: tuple[str, str], item: tuple[str, str, float]) -> int:
    return len(key[0]) + len(key[1]) + len(item[0]) + len(item[1])


def register_store(store) -> None:
    """Make `clear_all` reach this store too (the Redis one registers itself)."""
    _fragment_stores.add(store)
