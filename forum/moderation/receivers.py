"""Moderation's answers to events (connected in ModerationConfig.ready). Its rules for readers' writes are
not here but in policies.py, which posting.py calls explicitly."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from forum.comments.versions import discussion_changed
from forum.moderation.models import DiscussionSettings


@receiver(post_save, sender=DiscussionSettings, dispatch_uid="moderation.discussion_settings_changed")
def discussion_settings_changed(sender, instance: DiscussionSettings, **kwargs) -> None:
    """A new auto-close period can open or close the discussion: cached pages of it are out of date."""
    discussion_changed(instance.article_id)
