"""What other apps change that a discussion shows: the article around it (title, body, open or closed) and its
authors' names. The comments app's own writes mark their discussion as changed in posting.py."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.models import Article
from forum.comments.models import Comment
from forum.comments.versions import discussion_changed

# What a discussion shows of its authors: their name, and the staff badge (Comment.by_staff).
NAME_FIELDS = {"display_name", "username", "is_staff"}


@receiver(post_save, sender=Article, dispatch_uid="comments-article-changed")
def article_changed(sender, instance: Article, **kwargs) -> None:
    discussion_changed(instance.pk)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="comments-author-renamed")
def author_renamed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return  # a log-in's last_login, a password change: nothing a discussion shows
    article_ids = set(Comment.objects.filter(author=instance).values_list("article_id", flat=True))
    if article_ids:
        discussion_changed(*article_ids)
