"""Template hooks: the header's unread count and the follow buttons. Each costs at most one query per page
(the thread buttons share one query for the whole page)."""

from django import template
from django.urls import reverse

from forum.notifications import following
from forum.notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_nav.html", takes_context=True)
def notifications_nav(context) -> dict:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": Notification.objects.for_inbox(user).unread().count()}


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_article_button(context, article) -> dict:
    request = context["request"]
    return {
        "show": request.user.is_authenticated,
        "following": following.follows_article(request.user, article),
        "follow_url": reverse("notifications:follow_article", args=[article.pk]),
        "unfollow_url": reverse("notifications:unfollow_article", args=[article.pk]),
        "target": "article",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_thread_button(context, comment) -> dict:
    """For a top-level comment. The reader's followed threads on the article are loaded once per request."""
    request = context["request"]
    if not request.user.is_authenticated:
        return {"show": False}
    cache = request.__dict__.setdefault("_followed_threads", {})
    if comment.article_id not in cache:
        cache[comment.article_id] = following.followed_threads(request.user, comment.article_id)
    return {
        "show": True,
        "following": comment.pk in cache[comment.article_id],
        "follow_url": reverse("notifications:follow_thread", args=[comment.pk]),
        "unfollow_url": reverse("notifications:unfollow_thread", args=[comment.pk]),
        "target": "thread",
        "csrf_token": context.get("csrf_token"),
    }
