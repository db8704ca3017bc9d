"""Moderation's rules for readers' writes, called by forum/comments/posting.py through the
COMMENTS_PERMISSION_POLICIES and COMMENTS_STATUS_POLICIES settings (forum/comments/policies.py documents
the signatures; forum/settings.py states the order)."""

from django.conf import settings

from forum.comments.models import Comment
from forum.moderation.closing import check_not_auto_closed
from forum.moderation.permissions import can_moderate
from forum.moderation.suspensions import check_not_suspended

# A suspended reader may still delete their own comments.
SUSPENDED_ACTIONS = {"post", "edit", "vote"}


def refuse_suspended(action: str, user, article, comment: Comment | None) -> None:
    if action in SUSPENDED_ACTIONS:
        check_not_suspended(user)


def refuse_after_close(action: str, user, article, comment: Comment | None) -> None:
    if action in {"post", "vote"}:
        check_not_auto_closed(article)


def premoderate(comment: Comment) -> str | None:
    """Hold comments for review: every one ("all"), or an account's until one is published ("first")."""
    mode = settings.MODERATION_PREMODERATION
    author = comment.author
    if mode == "none" or author is None or can_moderate(author):
        return None
    if mode == "all":
        return Comment.Status.PENDING
    if not Comment.objects.filter(author=author, status=Comment.Status.PUBLISHED).exists():
        return Comment.Status.PENDING
    return None
