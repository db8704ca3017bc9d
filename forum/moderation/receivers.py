"""Moderation's answers to comment events (connected in ModerationConfig.ready)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from forum.comments.models import Comment
from forum.comments.signals import checking_permission, deciding_status
from forum.comments.versions import discussion_changed
from forum.moderation.closing import check_not_auto_closed
from forum.moderation.models import DiscussionSettings
from forum.moderation.permissions import can_moderate
from forum.moderation.suspensions import check_not_suspended

# A suspended reader may still delete their own comments.
SUSPENDED_ACTIONS = {"post", "edit", "vote"}


@receiver(checking_permission, dispatch_uid="moderation.refuse_suspended")
def refuse_suspended(sender, action: str, user, **kwargs) -> None:
    if action in SUSPENDED_ACTIONS:
        check_not_suspended(user)


@receiver(checking_permission, dispatch_uid="moderation.refuse_after_close")
def refuse_after_close(sender, action: str, article, **kwargs) -> None:
    if action in {"post", "vote"}:
        check_not_auto_closed(article)


@receiver(deciding_status, dispatch_uid="moderation.premoderate")
def premoderate(sender, comment: Comment, **kwargs) -> str | None:
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


@receiver(post_save, sender=DiscussionSettings, dispatch_uid="moderation.discussion_settings_changed")
def discussion_settings_changed(sender, instance: DiscussionSettings, **kwargs) -> None:
    """A new auto-close period can open or close the discussion: cached pages of it are out of date."""
    discussion_changed(instance.article_id)
