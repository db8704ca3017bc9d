"""The fail-safe Redis cache, against a port where nothing listens (Redis down) and the real Redis."""

import logging
import os

import pytest

from forum.lib.cache import FailSafeRedisCache

CLOSED = "redis://127.0.0.1:1/0"


@pytest.fixture
def down():
    return FailSafeRedisCache(CLOSED, {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_reads_miss_while_redis_is_down(down):
    assert down.get("k") is None
    assert down.get("k", "fallback") == "fallback"
    assert down.get_many(["a", "b"]) == {}
    assert down.has_key("k") is False
    assert down.get_or_set("k", "computed") == "computed"


def test_writes_are_dropped_without_an_error(down):
    assert down.set("k", 1) is None
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert down.delete("k") is False
    assert down.touch("k") is False


def test_counters_fail_open(down):
    """A limit built on add/incr lets the reader through, as on its first request."""
    assert down.add("limit:reader", 1, 30) is True
    assert down.incr("limit:reader") == 1
    assert down.incr("limit:reader", 5) == 5


def test_the_outage_is_logged_once(down, caplog):
    down.RETRY_SECONDS = 0  # try Redis on every call
    with caplog.at_level(logging.WARNING, logger="forum.lib.cache"):
        for _ in range(5):
            down.get("k")
    assert [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()] != []
    assert len(caplog.records) == 1


class Client:
    """Stands in for the Redis client behind the backend."""

    def __init__(self, get):
        self.get = get


def test_redis_is_left_alone_between_retries(down, monkeypatch):
    down.get("k")
    monkeypatch.setattr(down, "_cache", Client(lambda *a: pytest.fail("Redis was tried again at once")))
    assert down.get("k", "miss") == "miss"


def test_errors_that_are_not_an_outage_still_raise(down, monkeypatch):
    def wrong(*args):
        raise TypeError("a bug, not an outage")

    monkeypatch.setattr(down, "_cache", Client(wrong))
    with pytest.raises(TypeError):
        down.get("k")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the PostgreSQL pass)")
def test_with_redis_up_it_is_the_redis_cache(settings):
    cache = FailSafeRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-fail-safe"})
    try:
        cache.set("k", "v", 10)
        assert cache.get("k") == "v"
        assert cache.add("n", 1, 10) is True
        assert cache.add("n", 1, 10) is False
        assert cache.incr("n") == 2
    finally:
        cache.delete_many(["k", "n"])


def test_cache_calls_share_one_redis_client_per_connection_pool(down):
    first = down._cache.get_client("a")
    second = down._cache.get_client("b", write=True)

    assert first is second
    assert first.connection_pool is down._cache._get_connection_pool(False)


def test_the_setting_uses_it_when_redis_is_configured():
    from django.conf import settings

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the cache is local memory")
    assert settings.CACHES["default"]["BACKEND"] == "forum.lib.cache.FailSafeRedisCache"


def test_discussion_versions_do_not_match_a_stored_page_while_the_cache_is_down(settings):
    from forum.comments.versions import discussion_version

    settings.CACHES = {"default": {"BACKEND": "forum.lib.cache.FailSafeRedisCache", "LOCATION": CLOSED}}
    first = discussion_version(1)
    assert isinstance(first, int)
    assert discussion_version(1) > first
