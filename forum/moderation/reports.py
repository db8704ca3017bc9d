"""Readers' reports, weighed by the reporter's record.

A reader's weight is 2 × (upheld + 1) / (decided + 2): the share of their past reports that moderators upheld,
smoothed so that a reader without a record weighs 1, one whose reports are always upheld approaches 2 and one
whose reports are always dismissed approaches 0. Accounts younger than MODERATION_NEW_ACCOUNT_DAYS weigh
NEW_ACCOUNT_WEIGHT whatever their record, and all new accounts' reports on a comment together count for at
most NEW_ACCOUNTS_SHARE of the threshold, so that fresh accounts alone never hide a comment.

When the weighted total of a published comment's open reports reaches MODERATION_REPORT_THRESHOLD, the comment
is hidden (status "hidden", logged as "auto_hide" with the most frequent reason) until a moderator decides. A
comment a moderator has already approved is not hidden again by reports: they wait in the queue. Approval
covers the text approved: once its author edits it, reports hide it again.
"""

from collections import Counter
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.comments import rules
from forum.comments.models import Comment
from forum.moderation.models import REPORT_REASONS, ModerationAction, Report
from forum.moderation.services import change_status, clean_note, clean_reason, lock_comment
from forum.moderation.signals import report_filed
from forum.moderation.suspensions import check_not_suspended

NEW_ACCOUNT_WEIGHT = 0.25
NEW_ACCOUNTS_SHARE = 0.5
Kind = ModerationAction.Kind


def is_new_account(user, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return user.date_joined > now - timezone.timedelta(days=settings.MODERATION_NEW_ACCOUNT_DAYS)


def report_weight(user, now: datetime | None = None) -> float:
    if is_new_account(user, now):
        return NEW_ACCOUNT_WEIGHT
    record = Report.objects.filter(reporter=user).aggregate(
        upheld=Count("pk", filter=Q(status=Report.Status.UPHELD)),
        decided=Count("pk", filter=Q(status__in=[Report.Status.UPHELD, Report.Status.DISMISSED])),
    )
    return 2 * (record["upheld"] + 1) / (record["decided"] + 2)


def weighted_score(reports) -> float:
    """The weighted total of these (open) reports, with new accounts' share capped."""
    established = sum(report.weight for report in reports if not report.from_new_account)
    fresh = sum(report.weight for report in reports if report.from_new_account)
    return established + min(fresh, settings.MODERATION_REPORT_THRESHOLD * NEW_ACCOUNTS_SHARE)


def moderator_approved(comment: Comment) -> bool:
    """Whether a moderator approved the comment's current text: an approval covers the text it approved,
    so after an edit reports weigh again as on a new comment."""
    approvals = ModerationAction.objects.filter(
        comment_id=comment.pk, kind__in=[Kind.APPROVE, Kind.UNHIDE, Kind.APPEAL_GRANTED]
    )
    if comment.edited_at is not None:
        approvals = approvals.filter(created_at__gte=comment.edited_at)
    return approvals.exists()


def check_can_report(comment: Comment, reporter) -> None:
    """Who may report at all (PermissionDenied): the reader's part of rules.can_report, and no suspension. The
    comment's state, the rest of the rule, and one report per reader are checked when the report is filed."""
    if not rules.is_logged_in(reporter):
        raise PermissionDenied(_("Log in to report a comment."))
    check_not_suspended(reporter)
    if comment.is_written_by(reporter):
        raise PermissionDenied(_("You cannot report your own comment."))


def report(*, comment: Comment, reporter, reason: str, law: str = "", note: str = "") -> Report:
    """File a reader's report. One per reader and comment; never on one's own comment."""
    check_can_report(comment, reporter)
    reason = clean_reason(reason, REPORT_REASONS)
    note = clean_note(note)
    filed = Report(comment=comment, reporter=reporter, reason=reason, law=(law or "").strip(), note=note)
    filed.full_clean(
        exclude=["comment", "reporter", "weight"], validate_unique=False, validate_constraints=False
    )

    with transaction.atomic():
        target = lock_comment(comment)
        # The reporter passed check_can_report: what the rule can still refuse is the comment's state.
        if not rules.can_report(target, reporter):
            raise ValidationError(
                _("This comment is not on show; there is nothing to report."), code="not_public"
            )
        if Report.objects.filter(comment=target, reporter=reporter).exists():
            raise ValidationError(_("You have already reported this comment."), code="duplicate")
        filed.comment = target
        filed.weight = report_weight(reporter)
        filed.from_new_account = is_new_account(reporter)
        try:
            with transaction.atomic():
                filed.save()
        except IntegrityError:  # the same reader, twice at once
            raise ValidationError(_("You have already reported this comment."), code="duplicate") from None
        hide_if_over_threshold(target)
        report_filed.send(sender=Report, report=filed)
    comment.status = target.status
    return filed


def hide_if_over_threshold(comment: Comment) -> ModerationAction | None:
    """Inside the report's transaction, on the locked comment."""
    if comment.status != Comment.Status.PUBLISHED or moderator_approved(comment):
        return None
    reports = list(Report.objects.open().filter(comment=comment))
    score = weighted_score(reports)
    if score < settings.MODERATION_REPORT_THRESHOLD:
        return None
    reason = Counter(report.reason for report in reports).most_common(1)[0][0]
    return change_status(
        comment,
        status=Comment.Status.HIDDEN,
        kind=Kind.AUTO_HIDE,
        actor=None,
        reason=reason,
        note=_("%(count)s reports, weighted score %(score).2f.") % {"count": len(reports), "score": score},
    )
