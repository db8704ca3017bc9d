"""The editorial desk's writes: publishing, unpublishing, and saving an edit with its history and images.
The admin calls these; so would an API."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from articles import images
from articles.models import Article, Revision

TRACKED_FIELDS = ("title", "standfirst", "body")


def can_publish(user: AbstractBaseUser) -> bool:
    """Editors publish, schedule and unpublish; writers draft and submit for review."""
    return user.is_active and user.has_perm("articles.publish_article")


def publish_articles(queryset) -> int:
    """Publish the articles not yet published: each now, or at the future time an editor chose."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for article in queryset.exclude(status=Article.Status.PUBLISHED).select_for_update(of=("self",)):
            article.publish(now)
            article.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
    return count


def unpublish_articles(queryset) -> int:
    return queryset.exclude(status=Article.Status.DRAFT).update(
        status=Article.Status.DRAFT, updated_at=timezone.now()
    )


def save_article(article: Article, *, by: AbstractBaseUser, image_changed: bool = False) -> None:
    """Save an article from the desk. A published article keeps the text it had before the edit (a
    Revision) and shows "Updated" when its body changed; a new lead image gets its renditions."""
    previous = Article.objects.filter(pk=article.pk).first() if article.pk else None
    with transaction.atomic():
        if previous is not None:
            if previous.status != Article.Status.PUBLISHED and article.status == Article.Status.PUBLISHED:
                article.publish()
            if previous.is_published() and any(
                getattr(previous, field) != getattr(article, field) for field in TRACKED_FIELDS
            ):
                Revision.objects.create(
                    article=article,
                    title=previous.title,
                    standfirst=previous.standfirst,
                    body=previous.body,
                    saved_by=by,
                )
                article.note_body_change(previous.body)
        elif article.status == Article.Status.PUBLISHED:
            article.publish()
        old_renditions = previous.lead_image_renditions if previous is not None else {}
        if image_changed or (previous is not None and not article.lead_image and previous.lead_image):
            article.lead_image_renditions = {}
        article.save()
        if image_changed and article.lead_image:
            article.lead_image_renditions = images.make_renditions(article.lead_image)
            article.save(update_fields=["lead_image_renditions"])
    if old_renditions and old_renditions != article.lead_image_renditions:
        transaction.on_commit(lambda: images.delete_renditions(article.lead_image.storage, old_renditions))
