"""Who may do what with a comment, as plain predicates (the views, templates and posting share them)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from forum.comments.models import Comment


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)


def can_edit(comment: Comment, user) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status in Comment.EDITABLE_STATUSES
        and timezone.now() - comment.created_at <= edit_window()
    )


def can_delete(comment: Comment, user) -> bool:
    return user.is_authenticated and comment.author_id == user.pk and comment.status != Comment.Status.DELETED


def can_moderate(user) -> bool:
    return user.is_authenticated and user.has_perm("comments.moderate_comment")
