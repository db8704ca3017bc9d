"""Everyone's permissions share one version in the shared cache, and each account's permission set is cached
under it (`cached_permissions`, read by forum/accounts/backends.py), so that a logged-in page spends no query
on "may this reader moderate?" once warm.

Every change that can change anyone's permissions (receivers.py) bumps the version at once and again when its
transaction commits, as forum/comments/versions.py does for discussions: no process reads a set cached before
the change, and a set read from the rows as they were before the commit is retired by the second bump. Old
sets are never looked up again and expire by themselves.

A user's own flags need no bump: the key holds `is_superuser`, `is_active` is read from the user row that each
request loads before the cache is asked, and `is_staff` is no input of the set (the admin reads it itself). So
`QuerySet.update(is_active=False)` shows at once too, and a log-in (a save of `last_login`) keeps every set.
"""

from collections.abc import Callable
from threading import Event
from time import time_ns

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "permissions-version"

# How long a cached set may be read: the bound on a change that sends no signal (QuerySet.update or raw SQL on
# the group tables) or whose bump the cache dropped in a process that ended before the cache came back. It
# costs one query per reader per period.
CACHE_SECONDS = 10 * 60

# Set when the cache dropped a bump (it was down, forum/lib/cache.py): this process bumps again as soon as it
# next reads the version, so that sets cached before the outage are not read after it.
_bump_lost = Event()


def permissions_version() -> int | None:
    """The current version (nanoseconds since the epoch at the last change), or None while the cache is down:
    then nothing may be read or stored under it."""
    if _bump_lost.is_set():
        _bump()
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use or a flushed cache: start from the clock, never from a number a set was cached under.
        cache.add(VERSION_KEY, time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def permissions_changed() -> None:
    """Bump the version now, and again when the current transaction commits."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)


def _bump() -> None:
    # set_many names the keys it could not store: only the fail-safe cache's fallback names any.
    if cache.set_many({VERSION_KEY: time_ns()}, timeout=None):
        _bump_lost.set()
    else:
        _bump_lost.clear()


def cached_permissions(user, load: Callable[[], set[str]]) -> set[str]:
    """The user's permission set from the shared cache, else `load()`, stored for the next request. While the
    cache is down, `load()` every time (one query, as without the cache)."""
    version = permissions_version()
    if version is None:
        return load()
    key = f"permissions:{version}:{user.pk}:{int(user.is_superuser)}"
    perms = cache.get(key)
    if perms is None:
        perms = load()
        cache.set(key, perms, CACHE_SECONDS)
    return perms
