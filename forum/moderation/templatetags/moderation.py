"""Moderation's part of the discussion templates (templates/comments/): who may moderate or close, why the
comment form gives way, and what an author or a moderator reads about a hidden comment.

`{% moderation_context discussion as mod %}` costs no query for anonymous readers and for readers without a
hidden comment of their own on the page; otherwise one query (the hiding reasons and the author's appeals),
whatever the number of comments. `{% posting_refusal article as refusal %}` costs one query.
"""

from dataclasses import dataclass
from functools import cached_property

from django import template
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from forum.comments.models import Comment
from forum.moderation.closing import is_auto_closed
from forum.moderation.closing import posting_refusal as refusal_for
from forum.moderation.models import Appeal, ModerationAction
from forum.moderation.permissions import can_close, can_moderate

register = template.Library()

MODERATED = (Comment.Status.HIDDEN, Comment.Status.SPAM)


@dataclass
class HidingNote:
    """What the author (reason) and moderators (reason and who) read about a hidden comment."""

    reason: str
    kind: str = ""
    by: str = ""  # a moderator's name, or "" when readers' reports hid it
    by_reports: bool = False
    appeal_status: str = ""  # the author's appeal, if any: an Appeal.Status value
    appeal_reason: str = ""  # and the reason of its decision
    own: bool = False

    @property
    def can_appeal(self) -> bool:
        return self.own and not self.appeal_status and self.kind != ModerationAction.Kind.SPAM

    @property
    def appeal_label(self) -> str:
        return Appeal.Status(self.appeal_status).label if self.appeal_status else ""


@dataclass
class ModerationView:
    can_moderate: bool = False
    can_close: bool = False

    @cached_property
    def base_url(self) -> str:
        """`/moderation/`: the templates build action URLs from it without a reverse() per comment."""
        return reverse("moderation:queue")


def _viewer(context):
    user = context.get("user")
    if user is None and context.get("request") is not None:
        user = context["request"].user
    return user


@register.simple_tag(takes_context=True)
def moderation_context(context, discussion) -> ModerationView:
    """What this viewer may do, and a `moderation_note` (HidingNote or None) on each moderated comment they
    can read: moderators read every one, authors their own."""
    user = _viewer(context)
    if user is None or not user.is_authenticated:
        return ModerationView()
    view = ModerationView(can_moderate=can_moderate(user), can_close=can_close(user))
    comments = [node.comment for node in getattr(discussion, "nodes", []) if not node.placeholder]
    readable = [
        comment
        for comment in comments
        if comment.status in MODERATED and (view.can_moderate or comment.is_written_by(user))
    ]
    for comment in comments:
        comment.moderation_note = None
    if not readable:
        return view
    notes = {}
    appeal = Appeal.objects.filter(comment_id=OuterRef("comment_id"))
    entries = (
        ModerationAction.objects.filter(
            comment_id__in=[comment.pk for comment in readable],
            kind__in=[
                ModerationAction.Kind.HIDE,
                ModerationAction.Kind.AUTO_HIDE,
                ModerationAction.Kind.SPAM,
            ],
        )
        .order_by("comment_id", "-created_at", "-pk")
        .only("comment_id", "kind", "reason", "actor_name")
        # The author's appeal comes along in the same query.
        .annotate(
            appeal_status=Subquery(appeal.values("status")[:1]),
            appeal_reason=Subquery(appeal.values("decision_reason")[:1]),
        )
    )
    for entry in entries:
        if entry.comment_id not in notes:
            notes[entry.comment_id] = HidingNote(
                reason=entry.get_reason_display() if entry.reason else "",
                kind=entry.kind,
                by=entry.actor_name,
                by_reports=entry.kind == ModerationAction.Kind.AUTO_HIDE,
                appeal_status=entry.appeal_status or "",
                appeal_reason=entry.appeal_reason or "",
            )
    for comment in readable:
        note = notes.get(comment.pk) or HidingNote(reason="")
        note.own = comment.is_written_by(user)
        comment.moderation_note = note
    return view


@register.simple_tag(takes_context=True)
def posting_refusal(context, article) -> str:
    """Why the viewer may not comment on this article now (closed, closed by itself, suspended), or ""."""
    return refusal_for(article, _viewer(context))


@register.simple_tag
def discussion_closed(article) -> bool:
    """Whether the article's comments are closed, by hand or by themselves."""
    return not article.comments_open or is_auto_closed(article)


@register.inclusion_tag("moderation/_nav.html", takes_context=True)
def moderation_nav(context) -> dict:
    """The header's link to the queue, for moderators. Called for staff only (base.html), so that other
    readers' pages do not load permissions just for it."""
    user = _viewer(context)
    return {"show": user is not None and can_moderate(user)}
