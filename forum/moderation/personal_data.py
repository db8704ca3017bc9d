"""What moderation holds about a reader: the reports they filed, their appeals, their suspensions and the
log's entries about them. Called by forum/accounts/personal_data.py (export, account deletion)."""

from forum.comments.models import DELETED_ACCOUNT_NAME
from forum.moderation.models import Appeal, ModerationAction, Report, Suspension


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "reports_filed": [
            {
                "comment": report.comment_id,
                "reason": report.reason,
                "law": report.law,
                "note": report.note,
                "status": report.status,
                "created_at": _when(report.created_at),
                "decided_at": _when(report.decided_at),
            }
            for report in Report.objects.filter(reporter=user).order_by("created_at", "pk")
        ],
        "appeals": [
            {
                "comment": appeal.comment_id,
                "text": appeal.text,
                "status": appeal.status,
                "created_at": _when(appeal.created_at),
                "decided_at": _when(appeal.decided_at),
                "decision_reason": appeal.decision_reason,
            }
            for appeal in Appeal.objects.filter(author=user).order_by("created_at", "pk")
        ],
        "suspensions": [
            {
                "reason": suspension.reason,
                "created_at": _when(suspension.created_at),
                "ends_at": _when(suspension.ends_at),
                "lifted_at": _when(suspension.lifted_at),
            }
            for suspension in Suspension.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "moderation_actions_concerning_you": [
            {
                "kind": action.kind,
                "comment": action.comment_id,
                "reason": action.reason,
                "created_at": _when(action.created_at),
                "status_before": action.status_before,
                "status_after": action.status_after,
                # A moderator's edit of their comment: their text, and what it became.
                **(
                    {"text_before": action.text_before, "text_after": action.text_after}
                    if action.kind == ModerationAction.Kind.EDIT
                    else {}
                ),
            }
            for action in ModerationAction.objects.filter(target_user=user).order_by("created_at", "pk")
        ],
    }


def forget_user(user) -> None:
    """Their reports, appeals and suspensions go; the log keeps its entries without their name, their
    appeals' text or the texts of moderators' edits of their comments."""
    Report.objects.filter(reporter=user).delete()
    Appeal.objects.filter(author=user).delete()
    Suspension.objects.filter(user=user).delete()
    ModerationAction.objects.forget_names(user, DELETED_ACCOUNT_NAME)
