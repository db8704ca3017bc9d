"""The comments app's one extension point for business rules of other apps: plain functions, named by dotted
path in two settings, loaded once and called in the order listed. This app imports none of them; the site's
settings bring them in (forum/settings.py).

COMMENTS_PERMISSION_POLICIES: each `policy(action, user, article, comment) -> None`, asked before a reader
writes (action "post", "edit", "vote" or "delete"; `comment` is the parent for "post", None for a new thread).
A policy refuses by raising django.core.exceptions.PermissionDenied with a message for the reader; the first
refusal in the list is the one the reader sees, and the policies after it are not asked.

COMMENTS_STATUS_POLICIES: each `policy(comment) -> str | None`, asked with the unsaved comment before it is
stored. It returns Comment.Status.PENDING to hold the comment for review, or None. Every policy is asked;
the strictest answer wins (any PENDING holds it).
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

PermissionPolicy = Callable[..., None]
StatusPolicy = Callable[..., str | None]


@cache
def _load(paths: tuple[str, ...]) -> tuple[Callable, ...]:
    return tuple(import_string(path) for path in paths)


def permission_policies() -> tuple[PermissionPolicy, ...]:
    return _load(tuple(settings.COMMENTS_PERMISSION_POLICIES))


def status_policies() -> tuple[StatusPolicy, ...]:
    return _load(tuple(settings.COMMENTS_STATUS_POLICIES))
