"""Sending notification e-mails: one at a time (EmailDelivery) or as a daily digest (Digest).

Both are outbox rows: the worker that claims one sends the message, then records `sent_at` with its
completion, so a rerun of a finished row sends nothing. Whether to send is decided again at sending time:
the comment may have been pulled as spam, or the reader may have switched e-mail off, since the
notification was created.
"""

from django.db import transaction
from django.utils import timezone

from forum.comments.models import Comment
from forum.lib import outbox
from forum.lib.outbox import State
from forum.notifications import emails
from forum.notifications.models import (
    PUBLIC_KINDS,
    Digest,
    EmailDelivery,
    EmailMode,
    Notification,
    Preference,
)


def still_relevant(notification: Notification) -> bool:
    """A notification about a new comment is only worth reading while the comment is public."""
    return notification.kind not in PUBLIC_KINDS or notification.comment.status == Comment.Status.PUBLISHED


def send_notification_email(delivery: EmailDelivery, last_attempt: bool = False) -> dict:
    notification = Notification.objects.select_related(
        "recipient", "actor", "comment__article", "comment__author", "comment__appeal"
    ).get(pk=delivery.notification_id)
    recipient = notification.recipient
    if not still_relevant(notification):
        return {"note": "the comment is no longer public"}
    mode = Preference.objects.modes_for(recipient)[notification.kind]
    if mode != EmailMode.IMMEDIATE:
        return {"note": f"e-mail for this kind is now {mode}"}
    if not emails.can_email(recipient):
        return {"note": "no verified e-mail address"}
    emails.send(emails.notification_message(notification))
    return {"sent_at": timezone.now(), "note": ""}


def send_digest(digest: Digest, last_attempt: bool = False) -> dict:
    recipient = digest.recipient
    notifications = [
        n
        for n in digest.notifications.select_related(
            "actor", "comment__article", "comment__author", "comment__appeal"
        ).order_by("created_at", "pk")
        if still_relevant(n)
    ]
    if not notifications:
        return {"note": "nothing left to send"}
    if not emails.can_email(recipient):
        return {"note": "no verified e-mail address"}
    emails.send(emails.digest_message(digest, notifications))
    return {"sent_at": timezone.now(), "note": ""}


def prepare_digests(now=None) -> int:
    """Gather each reader's digest notifications so far into today's Digest and enqueue it. Returns how many
    digests were enqueued. Safe to run twice: a reader gets one digest row per day, and notifications
    attached to a digest already sent wait for the next day's."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    waiting = Notification.objects.filter(email=EmailMode.DIGEST, digest__isnull=True, created_at__lte=now)
    enqueued = 0
    for recipient_id in waiting.values_list("recipient_id", flat=True).distinct().order_by("recipient_id"):
        with transaction.atomic():
            digest, _created = Digest.objects.get_or_create(recipient_id=recipient_id, day=day)
            # Locked, so a worker cannot claim it between the check and the attaching below.
            digest = Digest.objects.select_for_update().get(pk=digest.pk)
            if digest.state != State.PENDING:
                continue
            waiting.filter(recipient_id=recipient_id).update(digest=digest)
            outbox.enqueue_on_commit(Digest, digest.pk)
            enqueued += 1
    return enqueued
