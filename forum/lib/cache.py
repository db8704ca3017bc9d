"""The Redis cache, failing safe: while Redis cannot be reached, the site keeps serving as if the cache were
empty, instead of answering 500.

Everything built on the cache (the page cache, the rate limits, locks taken with `add`) then behaves as on a
cold cache that forgets at once: reads miss, writes are dropped, `add` answers "stored" and `incr` counts from
zero, so that a counter-based limit fails open rather than refusing every reader. An outage is logged once
when it starts and once when Redis answers again; in between, Redis is tried again at most every
`RETRY_SECONDS` per process, so that a host that hangs costs one timeout, not one per cache call.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_safe(fallback):
    """Run the Redis operation, or answer `fallback(*args, **kwargs)` while Redis is unreachable."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._is_resting():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._went_down(exc)
                return fallback(*args, **kwargs)
            self._answered()
            return result

        return wrapper

    return decorate


def _first_keyword(name, default):
    """The fallback that answers the operation's `name` argument (e.g. get's default), else `default`."""

    def fallback(key, *args, **kwargs):
        return kwargs.get(name, args[0] if args else default)

    return fallback


class ReusedClients(RedisCacheClient):
    """Django's Redis cache client, keeping one redis.Redis per connection pool instead of building one for
    every cache call (redis-py fills a table of some 170 response callbacks each time: about a fifth of an
    anonymous cached page's time). A redis.Redis over a pool is safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FailSafeRedisCache(RedisCache):
    RETRY_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    def _is_resting(self) -> bool:
        return self._down_since is not None and time.monotonic() < self._retry_at

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            if self._down_since is None:
                self._down_since = now
                logger.warning("cache: Redis is unreachable (%s); serving without the cache", exc)
            self._retry_at = now + self.RETRY_SECONDS

    def _answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is not None:
                logger.warning(
                    "cache: Redis answers again after %.0f s; the cache is back",
                    time.monotonic() - self._down_since,
                )
                self._down_since = None

    get = _fail_safe(_first_keyword("default", None))(RedisCache.get)
    get_many = _fail_safe(lambda keys, *a, **k: {})(RedisCache.get_many)
    has_key = _fail_safe(lambda *a, **k: False)(RedisCache.has_key)
    set = _fail_safe(lambda *a, **k: None)(RedisCache.set)
    add = _fail_safe(lambda *a, **k: True)(RedisCache.add)
    touch = _fail_safe(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_safe(lambda *a, **k: False)(RedisCache.delete)
    incr = _fail_safe(_first_keyword("delta", 1))(RedisCache.incr)
    set_many = _fail_safe(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _fail_safe(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _fail_safe(lambda *a, **k: False)(RedisCache.clear)
