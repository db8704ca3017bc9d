"""Template hooks: the header's unread count (one query per page) and the follow buttons (one query per page
for all of them)."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from forum.notifications import following
from forum.notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_nav.html", takes_context=True)
def notifications_nav(context) -> dict:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": Notification.objects.for_inbox(user).unread().count()}


def page_following(context, article_id: int) -> tuple[bool | None, set[int]]:
    """What the reader follows on this article, loaded once per request for all the buttons of the page."""
    request = context["request"]
    memo = request.__dict__.setdefault("_tribune_following", {})
    if article_id not in memo:
        memo[article_id] = following.following_on(request.user, article_id)
    return memo[article_id]


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_article_button(context, article) -> dict:
    request = context["request"]
    if not request.user.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "following": following.follows_article(request.user, article, page_following(context, article.pk)[0]),
        "follow_url": reverse("notifications:follow_article", args=[article.pk]),
        "unfollow_url": reverse("notifications:unfollow_article", args=[article.pk]),
        "target": "article",
        "csrf_token": context.get("csrf_token"),
    }


# Ids in the two renders of a thread's button, replaced by each thread's own: no pk is 0.
SENTINEL_PK = 0


@register.simple_tag(takes_context=True)
def follow_thread_button(context, comment) -> str:
    """For a top-level comment. A page has up to 50 threads (all of them on request), so the button is not
    rendered per thread: _follow_button.html is rendered once per state for the request, and each thread's
    copy gets its own id in the two URLs."""
    request = context["request"]
    if not request.user.is_authenticated:
        return ""
    followed = comment.pk in page_following(context, comment.article_id)[1]
    renders = request.__dict__.setdefault("_tribune_thread_buttons", {})
    if followed not in renders:
        renders[followed] = render_to_string(
            "notifications/_follow_button.html",
            {
                "show": True,
                "following": followed,
                "follow_url": reverse("notifications:follow_thread", args=[SENTINEL_PK]),
                "unfollow_url": reverse("notifications:unfollow_thread", args=[SENTINEL_PK]),
                "target": "thread",
                "csrf_token": context.get("csrf_token"),
            },
        )
    return mark_safe(renders[followed].replace(f"/thread/{SENTINEL_PK}/", f"/thread/{int(comment.pk)}/"))
