"""Comment events → spam checks and filter training, stored with the comment, enqueued after the commit."""

from django.dispatch import receiver
from django.utils import timezone

from forum.comments.models import Comment
from forum.comments.rules import can_moderate
from forum.comments.signals import comment_edited, comment_posted, comment_status_changed
from forum.lib import outbox
from forum.lib.outbox import State
from forum.lib.privacy import BROWSER_FAMILIES, IP_HASH_PREFIX, OTHER_BROWSER
from forum.spam.models import SpamCheck, Training


def clean_context(context: dict | None) -> dict:
    """Keep only what the checks read, and only values of the expected types (the row stores it as JSON).
    A raw address or user agent is never kept, whoever sends it (forum/lib/privacy.py)."""
    cleaned: dict = {}
    for key, value in (context or {}).items():
        if key == "honeypot" and isinstance(value, bool):
            cleaned[key] = value
        elif key == "ip_hash" and isinstance(value, str) and value.startswith(IP_HASH_PREFIX):
            cleaned[key] = value[:80]
        elif key == "browser" and isinstance(value, str):
            cleaned[key] = value if value in BROWSER_FAMILIES else OTHER_BROWSER
        elif key == "seconds_to_submit" and isinstance(value, int | float) and not isinstance(value, bool):
            cleaned[key] = float(value)
    return cleaned


def queue_check(comment: Comment, key: str, context: dict | None = None) -> None:
    # Each key names one version of the text, so the row is nearly always new: inserted first.
    check, created = outbox.record_once(
        SpamCheck, {"comment": comment, "context": clean_context(context)}, key=key
    )
    if created:
        outbox.enqueue_on_commit(SpamCheck, check.pk)


@receiver(comment_posted, dispatch_uid="spam.comment_posted")
def comment_posted_received(sender, comment: Comment, context: dict | None = None, **kwargs) -> None:
    queue_check(comment, f"{comment.pk}:posted", context)


@receiver(comment_edited, dispatch_uid="spam.comment_edited")
def comment_edited_received(sender, comment: Comment, actor=None, **kwargs) -> None:
    if actor is not None:
        # A moderator's revision keeps the author's "edited" time: it is a version of its own.
        queue_check(comment, f"{comment.pk}:revised:{timezone.now().isoformat()}")
        return
    version = (comment.edited_at or timezone.now()).isoformat()
    queue_check(comment, f"{comment.pk}:edited:{version}")


def decision_label(old_status: str, new_status: str) -> str | None:
    if new_status == Comment.Status.SPAM:
        return Training.Label.SPAM
    if new_status == Comment.Status.PUBLISHED and old_status in (Comment.Status.SPAM, Comment.Status.PENDING):
        return Training.Label.HAM
    return None


@receiver(comment_status_changed, dispatch_uid="spam.comment_status_changed")
def comment_status_changed_received(
    sender, comment: Comment, old_status: str, new_status: str, actor=None, **kwargs
) -> None:
    """A moderator marking a comment as spam, or approving one, teaches the learning filter."""
    if not can_moderate(actor):
        return
    label = decision_label(old_status, new_status)
    if label is None:
        return
    now = timezone.now()
    training, created = Training.objects.get_or_create(
        comment=comment, defaults={"label": label, "decided_at": now}
    )
    if not created:
        if training.label == label:
            # The same decision again (after an edit, say): it now covers the current text.
            Training.objects.filter(pk=training.pk).update(decided_at=now)
            return
        Training.objects.filter(pk=training.pk).update(
            label=label,
            decided_at=now,
            state=State.PENDING,
            available_at=now,
            claimed_by="",
            finished_at=None,
        )
    outbox.enqueue_on_commit(Training, training.pk)
