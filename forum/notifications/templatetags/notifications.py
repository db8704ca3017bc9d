"""The header's unread count (one query per page). The follow buttons of a discussion page are not tags:
following.following_state, composed into the page's viewer by forum/pages.py."""

from django import template

from forum.comments import rules
from forum.notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_nav.html", takes_context=True)
def notifications_nav(context) -> dict:
    user = context.get("user")
    if not rules.is_logged_in(user):
        return {"show": False}
    return {"show": True, "unread": Notification.objects.for_inbox(user).unread().count()}
