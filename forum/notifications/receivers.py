"""Comment and moderation events → notification jobs. The events arrive inside the write's transaction: the
job row is stored with it (or not at all), and its task is enqueued once the transaction commits."""

from django.dispatch import receiver
from django.utils import timezone, translation

from forum.comments.models import Comment
from forum.comments.signals import comment_edited, comment_posted, comment_status_changed
from forum.lib import outbox
from forum.lib.outbox import State
from forum.moderation.signals import appeal_decided, report_filed
from forum.notifications.models import NotificationJob

Event = NotificationJob.Event


def record_job(
    comment: Comment, event: str, *, actor=None, reason: str = "", again: bool = False, new: bool = False
) -> None:
    """Store the job for this comment event and enqueue it after the commit. With `again`, a job that already
    ran runs once more (the comment became public again, or gained a mention): notifications that exist are
    not created twice. `new` says the comment was just posted, so that its job is inserted first rather than
    looked for (outbox.record_once); other events often find their job, and a failed insert costs more."""
    defaults = {"actor": actor, "reason": reason or ""}
    if new:
        job, created = outbox.record_once(NotificationJob, defaults, comment=comment, event=event)
    else:
        job, created = NotificationJob.objects.get_or_create(comment=comment, event=event, defaults=defaults)
    if not created:
        if not again:
            return
        NotificationJob.objects.filter(pk=job.pk).update(
            state=State.PENDING,
            available_at=timezone.now(),
            claimed_by="",
            finished_at=None,
            actor=actor,
            reason=reason or "",
        )
    outbox.enqueue_on_commit(NotificationJob, job.pk)


@receiver(comment_posted, dispatch_uid="notifications.comment_posted")
def comment_posted_received(sender, comment: Comment, **kwargs) -> None:
    if comment.status == Comment.Status.PUBLISHED:
        record_job(comment, Event.PUBLISHED, new=True)
    elif comment.status == Comment.Status.PENDING:
        record_job(comment, Event.HELD, new=True)


@receiver(comment_edited, dispatch_uid="notifications.comment_edited")
def comment_edited_received(sender, comment: Comment, **kwargs) -> None:
    # An edit may add an @mention; those already notified are not notified again.
    if comment.status == Comment.Status.PUBLISHED:
        record_job(comment, Event.PUBLISHED, again=True)


@receiver(comment_status_changed, dispatch_uid="notifications.comment_status_changed")
def comment_status_changed_received(
    sender, comment: Comment, old_status: str, new_status: str, actor=None, reason: str = "", **kwargs
) -> None:
    if new_status == Comment.Status.PUBLISHED:
        # Approved, un-hidden, or cleared of spam: now readers may hear about it.
        record_job(comment, Event.PUBLISHED, again=True)
    elif new_status == Comment.Status.PENDING:
        record_job(comment, Event.HELD, again=True)
    elif new_status == Comment.Status.HIDDEN:
        # By a moderator, or by readers' reports (no actor); moderation passes the reason in words.
        record_job(comment, Event.HIDDEN, actor=actor, reason=reason, again=True)


@receiver(report_filed, dispatch_uid="notifications.report_filed")
def report_filed_received(sender, report, **kwargs) -> None:
    """Moderators hear of the first report on a comment (their queue has the others)."""
    if report.comment_id is None:
        return
    with translation.override(None):  # stored untranslated: each recipient reads it in their language
        reason = report.get_reason_display()
    record_job(report.comment, Event.REPORTED, actor=report.reporter, reason=reason)


@receiver(appeal_decided, dispatch_uid="notifications.appeal_decided")
def appeal_decided_received(sender, appeal, **kwargs) -> None:
    """The author hears how their appeal was decided, and why (the moderator wrote the reason for them)."""
    record_job(appeal.comment, Event.APPEAL_DECIDED, actor=appeal.decided_by, reason=appeal.decision_reason)
