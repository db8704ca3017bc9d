"""The header's link to the moderators' queue. Moderation's part of the discussion pages is not a tag: it is
forum/moderation/viewer.py, composed into the page's viewer by forum/pages.py."""

from django import template

from forum.moderation.permissions import can_moderate

register = template.Library()


def _viewer(context):
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = context["request"].user
    return user


@register.inclusion_tag("moderation/_nav.html", takes_context=True)
def moderation_nav(context) -> dict:
    """The header's link to the queue, for moderators. Called for staff only (base.html), so that other
    readers' pages do not load permissions just for it."""
    user = _viewer(context)
    return {"show": user is not None and can_moderate(user)}
