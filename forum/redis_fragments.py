"""Rendered page fragments in Redis, shared by every worker (see forum/caches.py for the in-process store).

A module of its own so that redis-py (3.6 MB and 45 ms at import) loads only in a process whose
FRAGMENT_CACHE_URI names Redis: the application factory imports it then, and nothing else does.
"""

from __future__ import annotations

import logging

import redis

from forum.caches import FRAGMENT_TTL_SECONDS, register_store

log = logging.getLogger(__name__)

# A fragment larger than this is rendered every time rather than sent to Redis and back.
REDIS_FRAGMENT_MAX_BYTES = 512 * 2**10
# A slow or unreachable Redis must cost a page little: it is then rendered as without a cache.
REDIS_TIMEOUT_SECONDS = 0.05


class RedisFragments:
    """Fragments in Redis, shared by every worker: one hash per group, one field per slot, with a TTL.

    Memory is bounded per fragment here, by the TTL, and overall by Redis's own maxmemory
    (docs/deploy.md, section 7). Redis failing only turns hits into misses.
    """

    def __init__(self, url: str, prefix: str = "", ttl: int = FRAGMENT_TTL_SECONDS):
        pool = redis.ConnectionPool.from_url(url)
        # The rate limits' URL may carry longer timeouts; a fragment is not worth waiting for.
        pool.connection_kwargs.update(
            socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self._redis = redis.Redis(connection_pool=pool)
        self.prefix = f"{prefix}fragments:"
        self.ttl = ttl
        register_store(self)

    def get(self, group: str, part: str, digest: str) -> str | None:
        try:
            value = self._redis.hget(self.prefix + group, part)
        except redis.RedisError as error:
            log.warning("fragment cache unavailable: %s", type(error).__name__)
            return None
        if value is None:
            return None
        kept_digest, _, html = value.decode().partition("\n")
        return html if kept_digest == digest else None

    def put(self, group: str, part: str, digest: str, html: str) -> None:
        value = f"{digest}\n{html}".encode()
        name = self.prefix + group
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                if len(value) > REDIS_FRAGMENT_MAX_BYTES:
                    pipe.hdel(name, part)
                else:
                    pipe.hset(name, part, value)
                    pipe.expire(name, self.ttl)
                pipe.execute()
        except redis.RedisError as error:
            log.warning("fragment cache unavailable: %s", type(error).__name__)

    def forget(self, *groups: str) -> None:
        if not groups:
            return
        try:
            self._redis.delete(*(self.prefix + group for group in groups))
        except redis.RedisError as error:
            log.warning("fragment cache unavailable: %s", type(error).__name__)

    def clear(self) -> None:
        try:
            for name in self._redis.scan_iter(match=self.prefix + "*", count=500):
                self._redis.delete(name)
        except redis.RedisError as error:
            log.warning("fragment cache unavailable: %s", type(error).__name__)
