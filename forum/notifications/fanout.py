"""Who hears about a comment event, and the notifications (and e-mail outbox rows) that tell them.

Runs inside a worker (NotificationJob), in one transaction: either every notification of the event and its
e-mail rows exist, or none do. Unique constraints make a rerun create nothing twice.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from forum.comments import rules
from forum.comments.models import Comment
from forum.lib import outbox
from forum.moderation.models import Appeal
from forum.notifications import following, summaries
from forum.notifications.models import (
    DEFAULT_EMAIL,
    PUBLIC_KINDS,
    EmailDelivery,
    EmailMode,
    Kind,
    Notification,
    NotificationJob,
    Preference,
)

# A username as Django allows it (letters, digits and @.+-_), after an @ that does not end a word (so that
# e-mail addresses are not mentions).
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.+-]*\w)")
MAX_MENTIONS = 10


def mentioned_usernames(body: str) -> list[str]:
    seen: dict[str, str] = {}
    for name in MENTION_RE.findall(body or ""):
        seen.setdefault(name.lower(), name)
        if len(seen) == MAX_MENTIONS:
            break
    return list(seen.values())


def public_comment_recipients(comment: Comment) -> dict[int, str]:
    """Readers to tell about a newly public comment, each with the most specific reason that applies."""
    recipients: dict[int, str] = {}

    def add(user_ids, kind: str) -> None:
        for user_id in user_ids:
            if user_id is not None:
                recipients.setdefault(user_id, kind)

    names = mentioned_usernames(comment.body)
    if names:
        by_name = Q()
        for name in names:
            by_name |= Q(username__iexact=name)
        add(get_user_model().objects.filter(by_name).values_list("pk", flat=True), Kind.MENTION)
    if comment.parent_id:
        add(
            [Comment.objects.filter(pk=comment.parent_id).values_list("author_id", flat=True).first()],
            Kind.REPLY,
        )
        add(following.thread_followers(following.thread_root(comment).pk), Kind.THREAD)
    add(following.article_followers(comment.article), Kind.ARTICLE)
    recipients.pop(comment.author_id, None)  # never about one's own comment
    return recipients


def recipients_for(job: NotificationJob, comment: Comment) -> dict[int, str]:
    """Recipients of a job, or nothing when the comment is no longer in the state the event was about."""
    Event, Status = NotificationJob.Event, Comment.Status
    if job.event == Event.PUBLISHED:
        return public_comment_recipients(comment) if comment.status == Status.PUBLISHED else {}
    if job.event == Event.HELD:
        if comment.status != Status.PENDING:
            return {}
        return dict.fromkeys(rules.moderator_ids() - {comment.author_id}, Kind.HELD)
    if job.event == Event.HIDDEN:
        if comment.status != Status.HIDDEN or comment.author_id is None or comment.author_id == job.actor_id:
            return {}
        return {comment.author_id: Kind.HIDDEN}
    if job.event == Event.APPEAL_DECIDED:
        appeal = Appeal.objects.filter(comment=comment).exclude(status=Appeal.Status.OPEN).first()
        if appeal is None or appeal.author_id == job.actor_id:
            return {}
        return {appeal.author_id: Kind.APPEAL}
    if job.event == Event.REPORTED:
        # Neither the reporter nor the comment's author (who must never learn who reported).
        return dict.fromkeys(rules.moderator_ids() - {job.actor_id, comment.author_id}, Kind.REPORT)
    return {}


def create_notifications(
    comment: Comment, recipients: dict[int, str], *, actor_id: int | None, reason: str = ""
) -> list[Notification]:
    """Create the notifications that do not exist yet, with their e-mail rows; return the new ones."""
    active = set(
        get_user_model().objects.filter(pk__in=recipients, is_active=True).values_list("pk", flat=True)
    )
    existing = Notification.objects.filter(comment=comment, recipient_id__in=active)
    taken = {
        (recipient_id, kind if kind not in PUBLIC_KINDS else "public")
        for recipient_id, kind in existing.values_list("recipient_id", "kind")
    }
    wanted = {
        user_id: kind
        for user_id, kind in recipients.items()
        if user_id in active and (user_id, kind if kind not in PUBLIC_KINDS else "public") not in taken
    }
    if not wanted:
        return []
    modes = {
        (user_id, kind): email
        for user_id, kind, email in Preference.objects.filter(user_id__in=wanted).values_list(
            "user_id", "kind", "email"
        )
    }
    created = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            kind=kind,
            comment=comment,
            actor_id=actor_id,
            reason=reason,
            email=modes.get((user_id, kind), DEFAULT_EMAIL[kind]),
        )
        for user_id, kind in sorted(wanted.items())
    )
    immediate = summaries.hold_back(comment, [n for n in created if n.email == EmailMode.IMMEDIATE])
    if immediate:
        # About a new public comment, e-mail waits a little: its spam check may still pull it.
        delay = settings.NOTIFICATIONS_EMAIL_DELAY
        now = timezone.now()
        deliveries = EmailDelivery.objects.bulk_create(
            EmailDelivery(
                notification=n,
                created_at=now,
                available_at=now + timedelta(seconds=delay if n.kind in PUBLIC_KINDS else 0),
            )
            for n in immediate
        )
        for delivery, n in zip(deliveries, immediate, strict=True):
            outbox.enqueue_on_commit(EmailDelivery, delivery.pk, delay if n.kind in PUBLIC_KINDS else None)
    return created


def run_job(job: NotificationJob, last_attempt: bool = False) -> dict:
    comment = Comment.objects.select_related("article", "author").filter(pk=job.comment_id).first()
    if comment is None:
        return {"notified": 0}
    if job.event in (job.Event.PUBLISHED, job.Event.HELD):
        actor_id = comment.author_id
    elif job.event in (job.Event.HIDDEN, job.Event.APPEAL_DECIDED):
        actor_id = job.actor_id
    else:
        actor_id = None  # a report does not say who filed it
    created = create_notifications(
        comment, recipients_for(job, comment), actor_id=actor_id, reason=job.reason
    )
    return {"notified": len(created)}
