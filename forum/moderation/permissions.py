"""Moderation's refusals. The questions themselves ("may moderate", "may close") live in the one rules module,
forum.comments.rules, and are re-exported here."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from forum.comments.rules import can_close, can_moderate

__all__ = ["can_close", "can_moderate", "check_can_close", "check_moderator"]


def check_moderator(user) -> None:
    if not can_moderate(user):
        raise PermissionDenied(_("Only moderators can do that."))


def check_can_close(user) -> None:
    if not can_close(user):
        raise PermissionDenied(_("Only editors and moderators can close a discussion or lock a thread."))
