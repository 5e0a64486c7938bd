"""The process's caches of member text, in one place: each bounded by bytes, with named invalidators.

The compiled statements the pages run (`functools.cache` on their builders) are bounded by the
code itself: one per scope or dialect. What grows with the members' writing lives here instead.
Hiding, editing, removing or erasing a post calls `forget_texts`, so its old words leave memory too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

# Rendered posts kept per process: a few thousand typical posts, however long any one of them is.
MARKDOWN_CACHE_BYTES = 16 * 2**20


class BytesLRU:
    """A least-recently-used map whose keys and values together stay under `max_bytes` (of text)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def get_or_make(self, key: str, make: Callable[[str], str]) -> str:
        """The cached value for key, made (and kept, when it fits) on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make(key)
        size = _size(key, value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self.bytes += size
            while self.bytes > self.max_bytes:
                old_key, old_value = self._items.popitem(last=False)
                self.bytes -= _size(old_key, old_value)
        return value

    def forget(self, key: str) -> None:
        with self._lock:
            value = self._items.pop(key, None)
            if value is not None:
                self.bytes -= _size(key, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


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
