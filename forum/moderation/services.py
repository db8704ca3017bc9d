"""Moderators' actions on comments: hide, unhide, approve, mark as spam, delete for good, edit the text, and
bulk actions.

Each action runs in one transaction: it locks the comment's row, changes its status through
`forum.comments.posting.set_status` (which keeps the article's count true and sends comment_status_changed)
or removes it through `posting.remove_comment` (which sends comment_deleted), settles the comment's open
reports and appeal and writes its ModerationAction.
Views, the admin's bulk actions and (later) an API call these functions; none of them holds logic of its own.
Readers' reports live in reports.py, suspensions in suspensions.py, appeals in appeals.py, closing and thread
locks in closing.py.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forum.comments.models import Comment
from forum.comments.posting import remove_comment, revise_comment, set_status
from forum.moderation.models import (
    HIDE_REASONS,
    NOTE_MAX_LENGTH,
    Appeal,
    ModerationAction,
    Reason,
    Report,
)
from forum.moderation.permissions import check_moderator
from forum.moderation.signals import appeal_decided

Status = Comment.Status
Kind = ModerationAction.Kind


def clean_reason(reason: str, choices=HIDE_REASONS) -> str:
    if reason not in {value for value, _label in choices}:
        raise ValidationError({"reason": _("Choose a reason from the list.")}, code="invalid_reason")
    return reason


def clean_note(note: str, max_length: int = NOTE_MAX_LENGTH) -> str:
    note = (note or "").strip()
    if len(note) > max_length:
        raise ValidationError(
            {"note": _("The note can be at most %(max)s characters long.") % {"max": max_length}},
            code="too_long",
        )
    return note


def lock_comment(comment: Comment) -> Comment:
    """Re-read the comment inside the transaction and hold its row until the end of it.

    Two moderators acting at once then see each other's result, and the log's "status before" is true.
    """
    assert transaction.get_connection().in_atomic_block, "lock_comment needs a transaction"
    locked = (
        Comment.objects.select_related("author", "article")
        .select_for_update(of=("self",))
        .filter(pk=comment.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This comment no longer exists."), code="gone")
    return locked


def change_status(
    comment: Comment, *, status: str, kind: str, actor, reason: str = "", note: str = ""
) -> ModerationAction:
    """Inside a transaction, on a locked comment: change its status and log it."""
    before = comment.status
    if before != status:
        # comment_status_changed carries the reason as words (listeners show it to the author); the log
        # keeps the code. The words stay untranslated (the English source), so that each reader's page and
        # e-mail translates them into that reader's language, not the moderator's.
        with translation.override(None):
            label = str(Reason(reason).label) if reason in Reason.values else reason
        set_status(comment=comment, status=status, actor=actor, reason=label)
    return ModerationAction.record(
        kind,
        actor=actor,
        comment=comment,
        reason=reason,
        note=note,
        status_before=before,
        status_after=status,
    )


def decide_reports(comment: Comment, *, upheld: bool, actor) -> int:
    """Settle the comment's open reports; returns how many there were. The reporters' record depends on it."""
    return (
        Report.objects.open()
        .filter(comment=comment)
        .update(
            status=Report.Status.UPHELD if upheld else Report.Status.DISMISSED,
            decided_at=timezone.now(),
            decided_by=actor,
        )
    )


def settle_appeal(comment: Comment, *, granted: bool, actor, reason: str = "") -> Appeal | None:
    """A moderator who shows (or condemns) a comment with an open appeal has decided that appeal too."""
    appeal = Appeal.objects.open().select_for_update().filter(comment=comment).first()
    if appeal is None:
        return None
    appeal.status = Appeal.Status.GRANTED if granted else Appeal.Status.REJECTED
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor
    appeal.decision_reason = reason[:300]
    appeal.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    appeal_decided.send(sender=Appeal, appeal=appeal)
    return appeal


def _sync(original: Comment, locked: Comment) -> None:
    original.status = locked.status
    original.replies_locked = locked.replies_locked


def hide(
    *, comment: Comment, actor, reason: str, note: str = "", subtree: bool = False
) -> list[ModerationAction]:
    """Hide a comment (and, with `subtree`, its published replies). Readers then see a placeholder; the
    replies stay in place. Hiding a comment already hidden by readers' reports confirms it."""
    check_moderator(actor)
    reason = clean_reason(reason)
    note = clean_note(note)
    with transaction.atomic():
        target = lock_comment(comment)
        if target.status == Status.DELETED:
            raise ValidationError(
                _("Its author deleted this comment; there is nothing left to hide."), code="deleted"
            )
        records = []
        open_reports = Report.objects.open().filter(comment=target).exists()
        if target.status != Status.HIDDEN or open_reports:
            records.append(
                change_status(
                    target, status=Status.HIDDEN, kind=Kind.HIDE, actor=actor, reason=reason, note=note
                )
            )
            decide_reports(target, upheld=True, actor=actor)
        if subtree:
            replies = (
                target.replies()
                .filter(status=Status.PUBLISHED)
                .select_related("author", "article")
                .select_for_update(of=("self",))
            )
            for reply in replies:
                records.append(
                    change_status(
                        reply, status=Status.HIDDEN, kind=Kind.HIDE, actor=actor, reason=reason, note=note
                    )
                )
                decide_reports(reply, upheld=True, actor=actor)
        if not records:
            raise ValidationError(_("This comment is already hidden."), code="unchanged")
    _sync(comment, target)
    return records


def unhide(*, comment: Comment, actor, note: str = "") -> ModerationAction:
    """Show a hidden comment again; its open reports are dismissed and an open appeal is granted."""
    check_moderator(actor)
    note = clean_note(note)
    with transaction.atomic():
        target = lock_comment(comment)
        if target.status != Status.HIDDEN:
            raise ValidationError(_("This comment is not hidden."), code="unchanged")
        record = change_status(target, status=Status.PUBLISHED, kind=Kind.UNHIDE, actor=actor, note=note)
        decide_reports(target, upheld=False, actor=actor)
        settle_appeal(target, granted=True, actor=actor, reason=note)
    _sync(comment, target)
    return record


def approve(*, comment: Comment, actor, note: str = "") -> ModerationAction:
    """Publish a held, hidden or spam comment, or keep a reported one: its open reports are dismissed."""
    check_moderator(actor)
    note = clean_note(note)
    with transaction.atomic():
        target = lock_comment(comment)
        if target.status == Status.DELETED:
            raise ValidationError(_("Its author deleted this comment."), code="deleted")
        dismissed = decide_reports(target, upheld=False, actor=actor)
        if target.status == Status.PUBLISHED and not dismissed:
            raise ValidationError(
                _("This comment is already published and nobody reported it."), code="unchanged"
            )
        record = change_status(target, status=Status.PUBLISHED, kind=Kind.APPROVE, actor=actor, note=note)
        settle_appeal(target, granted=True, actor=actor, reason=note)
    _sync(comment, target)
    return record


def mark_spam(*, comment: Comment, actor, note: str = "") -> ModerationAction:
    """Mark a comment as spam: it leaves the discussion (no placeholder) and its reports are upheld."""
    check_moderator(actor)
    note = clean_note(note)
    with transaction.atomic():
        target = lock_comment(comment)
        if target.status == Status.DELETED:
            raise ValidationError(_("Its author deleted this comment."), code="deleted")
        if target.status == Status.SPAM:
            raise ValidationError(_("This comment is already marked as spam."), code="unchanged")
        record = change_status(
            target, status=Status.SPAM, kind=Kind.SPAM, actor=actor, reason=Reason.SPAM, note=note
        )
        decide_reports(target, upheld=True, actor=actor)
        settle_appeal(target, granted=False, actor=actor, reason=note)
    _sync(comment, target)
    return record


def delete_for_good(*, comment: Comment, actor, reason: str = "", note: str = "") -> ModerationAction:
    """Remove a comment without replies from the database. One with replies must be hidden instead: the
    tree stays intact. The log entry keeps the comment's id and author."""
    check_moderator(actor)
    reason = clean_reason(reason, Reason.choices) if reason else ""
    note = clean_note(note)
    with transaction.atomic():
        Comment.objects.lock_thread(comment.thread_id)
        target = lock_comment(comment)
        if target.has_replies:
            raise ValidationError(
                _("This comment has replies; hide it instead, so that the thread stays intact."),
                code="has_replies",
            )
        decide_reports(target, upheld=True, actor=actor)
        record = ModerationAction.record(
            Kind.DELETE,
            actor=actor,
            comment=target,
            reason=reason,
            note=note,
            status_before=target.status,
            status_after="",
        )
        # posting.remove_comment also removes an author-deleted placeholder that only held this reply, keeps
        # the count and sends comment_deleted.
        remove_comment(comment=target, actor=actor)
    return record


def revise(*, comment: Comment, actor, body: str) -> ModerationAction | None:
    """Change a comment's text (the admin's one way to do it): the comment is marked "edited by a moderator"
    and the log keeps the text before and after. A body that cleans to the same text changes nothing and
    logs nothing (None); an empty or overlong one is a ValidationError, as on the site."""
    check_moderator(actor)
    with transaction.atomic():
        target = lock_comment(comment)
        if target.status == Status.DELETED:
            raise ValidationError(_("Its author deleted this comment."), code="deleted")
        before = target.body
        revise_comment(comment=target, actor=actor, body=body)
        if target.body == before:
            return None
        record = ModerationAction.record(
            Kind.EDIT, actor=actor, comment=target, text_before=before, text_after=target.body
        )
    comment.body, comment.body_html = target.body, target.body_html
    comment.edited_by_moderator = target.edited_by_moderator
    return record


@dataclass
class BulkResult:
    done: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (comment id, why)


BULK_ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "hide": gettext_lazy("Hide"),
    "spam": gettext_lazy("Mark as spam"),
    "delete": gettext_lazy("Delete for good"),
}


def bulk(*, comments, action: str, actor, reason: str = "", note: str = "") -> BulkResult:
    """Apply one action to many comments, each in its own transaction; what cannot be done is skipped."""
    check_moderator(actor)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose an action.")}, code="invalid_action")
    if action == "hide":
        clean_reason(reason)
    note = clean_note(note)
    result = BulkResult()
    for comment in comments:
        try:
            if action == "approve":
                approve(comment=comment, actor=actor, note=note)
            elif action == "hide":
                hide(comment=comment, actor=actor, reason=reason, note=note)
            elif action == "spam":
                mark_spam(comment=comment, actor=actor, note=note)
            else:
                delete_for_good(comment=comment, actor=actor, reason=reason, note=note)
        except ValidationError as error:
            result.skipped.append((comment.pk, " ".join(error.messages)))
        else:
            result.done += 1
    return result
