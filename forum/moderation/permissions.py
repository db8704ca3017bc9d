"""Who may do what in moderation. Views, the admin and the services all ask these questions; "may moderate"
itself is forum.comments.rules.can_moderate, re-exported here."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from forum.comments.rules import can_moderate

__all__ = ["can_close", "can_moderate", "check_can_close", "check_moderator"]


def can_close(user) -> bool:
    """Closing an article's comments and locking threads: moderators, and editors who may change articles."""
    return can_moderate(user) or bool(
        user is not None and user.is_authenticated and user.has_perm("articles.change_article")
    )


def check_moderator(user) -> None:
    if not can_moderate(user):
        raise PermissionDenied(_("Only moderators can do that."))


def check_can_close(user) -> None:
    if not can_close(user):
        raise PermissionDenied(_("Only editors and moderators can close a discussion or lock a thread."))
