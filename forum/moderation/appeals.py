"""Appeals: the author of a hidden comment asks once, with a short text, for it to be shown again. The appeal
waits in the queue's Appeals tab; a moderator grants it (the comment is shown again) or rejects it, with a
reason that reaches the author through `appeal_decided`. The log keeps the appeal and the decision.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.comments import rules
from forum.comments.models import Comment
from forum.moderation.models import APPEAL_MAX_LENGTH, Appeal, ModerationAction
from forum.moderation.permissions import check_moderator
from forum.moderation.services import change_status, clean_note, decide_reports, lock_comment
from forum.moderation.signals import appeal_decided

Kind = ModerationAction.Kind
DECISION_MAX_LENGTH = 300


def check_can_appeal(comment: Comment, user) -> None:
    """Who may appeal at all (PermissionDenied): the author. The comment's state, the rest of
    rules.can_appeal, and the one appeal per comment are checked when the appeal is filed."""
    if not comment.is_written_by(user):
        raise PermissionDenied(_("Only the author of a comment can appeal against its hiding."))


def appeal(*, comment: Comment, author, text: str) -> Appeal:
    check_can_appeal(comment, author)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say why the comment should be shown again.")}, code="required")
    if len(text) > APPEAL_MAX_LENGTH:
        raise ValidationError(
            {"text": _("An appeal can be at most %(max)s characters long.") % {"max": APPEAL_MAX_LENGTH}},
            code="too_long",
        )
    with transaction.atomic():
        target = lock_comment(comment)
        # The author passed check_can_appeal: what the rule can still refuse is the comment's state.
        if not rules.can_appeal(target, author):
            raise ValidationError(_("Only a hidden comment can be appealed."), code="not_hidden")
        if Appeal.objects.filter(comment=target).exists():
            raise ValidationError(_("You have already appealed for this comment."), code="duplicate")
        try:
            with transaction.atomic():
                filed = Appeal.objects.create(comment=target, author=author, text=text)
        except IntegrityError:
            raise ValidationError(
                _("You have already appealed for this comment."), code="duplicate"
            ) from None
        ModerationAction.record(
            Kind.APPEAL,
            actor=author,
            comment=target,
            note=text,
            status_before=target.status,
            status_after=target.status,
        )
    return filed


def decide_appeal(*, appeal: Appeal, actor, grant: bool, reason: str) -> Appeal:
    """Grant (show the comment again, dismissing its open reports) or reject (uphold them) an appeal."""
    check_moderator(actor)
    reason = clean_note(reason, DECISION_MAX_LENGTH)
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the decision; the author will read it.")}, code="required"
        )
    with transaction.atomic():
        decided = Appeal.objects.select_for_update().filter(pk=appeal.pk).first()
        if decided is None:
            raise ValidationError(_("This appeal no longer exists."), code="gone")
        if decided.status != Appeal.Status.OPEN:
            raise ValidationError(_("This appeal has already been decided."), code="decided")
        comment = lock_comment(decided.comment)
        if grant:
            change_status(
                comment, status=Comment.Status.PUBLISHED, kind=Kind.APPEAL_GRANTED, actor=actor, note=reason
            )
        else:
            change_status(comment, status=comment.status, kind=Kind.APPEAL_REJECTED, actor=actor, note=reason)
        decide_reports(comment, upheld=not grant, actor=actor)
        decided.status = Appeal.Status.GRANTED if grant else Appeal.Status.REJECTED
        decided.decided_at = timezone.now()
        decided.decided_by = actor
        decided.decision_reason = reason
        decided.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        appeal_decided.send(sender=Appeal, appeal=decided)
    decided.comment = comment
    return decided
