"""Moderation's refusals, with their messages. The questions themselves live in the one rules module,
forum.comments.rules: "may moderate" (hiding, unhiding, approving, marking as spam, deleting for good,
suspending and lifting, deciding appeals, the queue, moderation in the admin) and "may close" (closing an
article's comments, locking a thread), re-exported here. Readers' reports and appeals are refused in
reports.py and appeals.py, which ask the rules module first and add what moderation's tables know."""

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
