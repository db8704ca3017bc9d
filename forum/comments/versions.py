"""Every article's discussion has a version in the shared cache, and whatever is cached from the discussion
(whole anonymous pages today) is keyed by it. Each write that changes what the discussion shows bumps the
version at once and again when its transaction commits, so no host serves what was cached before the write,
and nothing rendered from the old rows outlives the commit. Old entries are never looked up again and
expire by themselves.
"""

from time import time_ns

from django.core.cache import cache
from django.db import transaction


def _key(article_id: int) -> str:
    return f"discussion-version:{article_id}"


def discussion_version(article_id: int) -> int:
    """The current version: nanoseconds since the epoch at the last change (so also the time of it)."""
    key = _key(article_id)
    version = cache.get(key)
    if version is None:
        # A new discussion or a flushed cache: start from the clock, never from a number that a page cached
        # before the flush could still carry.
        now = time_ns()
        cache.add(key, now, timeout=None)
        version = cache.get(key)
        if version is None:  # the cache is down (forum/lib/cache.py): a version that matches no stored page
            version = now
    return version


def discussion_changed(*article_ids: int) -> None:
    """Bump the versions of these articles' discussions now, and again when the current transaction commits:
    a page rendered in between from the rows as they were before the commit is retired by the second bump."""

    def bump() -> None:
        now = time_ns()
        cache.set_many({_key(article_id): now for article_id in article_ids}, timeout=None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)
