"""Who may do what with a comment, as plain predicates (the views, templates, posting and the other apps share
them). Who may read what is Comment.TEXT_READERS, in models.py, beside the queryset that applies it."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from forum.comments.models import Comment


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)


def can_edit(comment: Comment, user) -> bool:
    return (
        comment.is_written_by(user)
        and comment.status in Comment.EDITABLE_STATUSES
        and timezone.now() - comment.created_at <= edit_window()
    )


def can_delete(comment: Comment, user) -> bool:
    return comment.is_written_by(user) and comment.status != Comment.Status.DELETED


def can_moderate(user) -> bool:
    """The one "may moderate": members of "Moderators", and superusers (who hold every permission)."""
    return bool(user is not None and user.is_authenticated and user.has_perm("comments.moderate_comment"))


def can_close(user) -> bool:
    """Closing an article's comments and locking threads: moderators, and editors who may change articles."""
    return can_moderate(user) or bool(
        user is not None and user.is_authenticated and user.has_perm("articles.change_article")
    )
