"""No e-mail floods: after an e-mail to a reader in a stream, the stream's next ones wait and go out as one.

A stream is the moderators' work (new reports and held comments) or one thread (the kinds about a new public
comment in it). When an immediate e-mail goes out in a stream, a window opens for its reader: an
`EmailSummary` row due N minutes later (NOTIFICATIONS_MODERATOR_EMAIL_MINUTES or
NOTIFICATIONS_THREAD_EMAIL_MINUTES).
Until then, the stream's immediate notifications for that reader join the window instead of getting their own
`EmailDelivery`. When it is due the sweep enqueues it: if anything came in, one e-mail counts it by kind and a
new window opens; if nothing did, the window closes and the next notification is e-mailed at once again. The
inbox gets every notification either way.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.notifications import emails, following
from forum.notifications.delivery import still_relevant
from forum.notifications.models import (
    MODERATOR_KINDS,
    PUBLIC_KINDS,
    EmailMode,
    EmailSummary,
    Notification,
    Preference,
)

Stream = EmailSummary.Stream


def window_minutes(stream: str) -> float:
    if stream == Stream.MODERATION:
        return settings.NOTIFICATIONS_MODERATOR_EMAIL_MINUTES
    return settings.NOTIFICATIONS_THREAD_EMAIL_MINUTES


def stream_of(kind: str, comment: Comment) -> tuple[str, int | None] | None:
    """The stream a notification's e-mail belongs to, as (stream, thread id); None when it is not bounded."""
    if kind in MODERATOR_KINDS:
        stream, thread_id = Stream.MODERATION, None
    elif kind in PUBLIC_KINDS:
        stream, thread_id = Stream.THREAD, following.thread_root(comment).pk
    else:
        return None  # hidden comments and appeal decisions are about one's own comment, and rare
    if window_minutes(stream) <= 0:
        return None
    return stream, thread_id


def open_window(recipient_id: int, stream: str, thread_id: int | None, now=None) -> EmailSummary:
    now = now or timezone.now()
    return EmailSummary.objects.create(
        recipient_id=recipient_id,
        stream=stream,
        thread_id=thread_id,
        created_at=now,
        available_at=now + timedelta(minutes=window_minutes(stream)),
    )


def hold_back(comment: Comment, immediate: list[Notification]) -> list[Notification]:
    """Attach to their reader's open window the notifications whose stream had an e-mail a moment ago, open a
    window for the others, and return those others: they are e-mailed at once. Runs in the fan-out's
    transaction; the open windows are locked, so a summary is not claimed while notifications join it."""
    by_stream: dict[tuple[str, int | None], list[Notification]] = {}
    unbounded = []
    for notification in immediate:
        stream = stream_of(notification.kind, comment)
        if stream is None:
            unbounded.append(notification)
        else:
            by_stream.setdefault(stream, []).append(notification)
    now = timezone.now()
    at_once = list(unbounded)
    for (stream, thread_id), notifications in by_stream.items():
        windows = {
            window.recipient_id: window
            for window in EmailSummary.objects.select_for_update()
            .filter(
                stream=stream,
                thread_id=thread_id,
                recipient_id__in=[n.recipient_id for n in notifications],
                state=State.PENDING,
            )
            .order_by("available_at")
        }
        joining = []
        for notification in notifications:
            window = windows.get(notification.recipient_id)
            if window is None:
                open_window(notification.recipient_id, stream, thread_id, now)
                at_once.append(notification)
            else:
                notification.email_summary = window
                joining.append(notification)
        Notification.objects.bulk_update(joining, ["email_summary"])
    return at_once


def counts_by_kind(notifications: list[Notification]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for notification in notifications:
        counts[notification.kind] = counts.get(notification.kind, 0) + 1
    return counts


def send_summary(summary: EmailSummary, last_attempt: bool = False) -> dict:
    """The outbox work of a due window (see forum.notifications.delivery for why things are checked again)."""
    recipient = summary.recipient
    modes = Preference.objects.modes_for(recipient)
    notifications = [
        n
        for n in summary.notifications.select_related(
            "actor", "comment__article", "comment__author", "comment__appeal"
        ).order_by("created_at", "pk")
        if still_relevant(n) and modes[n.kind] == EmailMode.IMMEDIATE
    ]
    if not notifications:
        return {"note": "nothing came in"}
    if not emails.can_email(recipient):
        return {"note": "no verified e-mail address"}
    emails.send(emails.summary_message(summary, notifications, counts_by_kind(notifications)))
    still_open = EmailSummary.objects.filter(
        recipient=recipient, stream=summary.stream, thread_id=summary.thread_id, state=State.PENDING
    )
    if not still_open.exists():  # a fan-out may have opened one while this was being sent
        open_window(recipient.pk, summary.stream, summary.thread_id)
    return {"sent_at": timezone.now(), "note": ""}
