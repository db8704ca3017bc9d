"""Suspensions: a suspended reader can neither post, edit, vote nor report until the suspension ends by itself
(its end time passes) or a moderator lifts it. Posting, editing and voting are refused by posting.py,
which asks policies.refuse_suspended; reports check here directly. Deleting one's own comment stays
allowed: a reader may always withdraw their own words.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from forum.comments import rules
from forum.moderation.models import ModerationAction, Suspension
from forum.moderation.permissions import check_moderator

Kind = ModerationAction.Kind
REASON_MAX_LENGTH = 300
# The suspension in force that ends last: one for good first.
LONGEST_FIRST = (F("ends_at").desc(nulls_first=True), "-pk")


def active_suspension(user) -> Suspension | None:
    """The reader's suspension in force that ends last (one for good first), or None."""
    if not rules.is_logged_in(user):
        return None
    return Suspension.objects.active().filter(user=user).order_by(*LONGEST_FIRST).first()


def suspension_message(suspension: Suspension) -> str:
    if suspension.ends_at is None:
        return _("Your account is suspended: %(reason)s") % {"reason": suspension.reason}
    until = formats.date_format(timezone.localtime(suspension.ends_at), "j F Y, H:i")
    return _("Your account is suspended until %(until)s: %(reason)s") % {
        "until": until,
        "reason": suspension.reason,
    }


def check_not_suspended(user) -> None:
    # Asked before every post, edit and vote, and nearly always answered "no": a plain EXISTS first, the
    # suspension (for its message) only for a reader who has one.
    if (
        user is None
        or not user.is_authenticated
        or not Suspension.objects.active().filter(user=user).exists()
    ):
        return
    suspension = active_suspension(user)
    if suspension is not None:
        raise PermissionDenied(suspension_message(suspension))


def check_can_suspend(actor, target) -> None:
    """rules.can_suspend, refused part by part with the reason for each."""
    check_moderator(actor)
    if rules.is_self(actor, target):
        raise PermissionDenied(_("You cannot suspend yourself."))
    if rules.can_moderate(target):
        raise PermissionDenied(_("Moderators cannot be suspended; remove them from the moderators first."))


def suspend(*, user, duration: str, reason: str, actor, comment=None) -> Suspension:
    """Suspend a reader for 1, 7 or 30 days or for good; `comment` is the one that led to it, if any."""
    check_can_suspend(actor, user)
    if duration not in Suspension.Duration.values:
        raise ValidationError(
            {"duration": _("Choose how long the suspension lasts.")}, code="invalid_duration"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason; the reader will see it.")}, code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason can be at most %(max)s characters long.") % {"max": REASON_MAX_LENGTH}},
            code="too_long",
        )
    now = timezone.now()
    ends_at = None if duration == Suspension.Duration.FOREVER else now + timedelta(days=int(duration))
    with transaction.atomic():
        suspension = Suspension.objects.create(
            user=user, reason=reason, created_at=now, ends_at=ends_at, created_by=actor
        )
        ModerationAction.record(
            Kind.SUSPEND,
            actor=actor,
            comment=comment,
            target_user=user,
            note=f"{Suspension.Duration(duration).label}: {reason}",
        )
    return suspension


def lift_suspension(*, suspension: Suspension, actor, note: str = "") -> Suspension:
    check_moderator(actor)
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().select_related("user").get(pk=suspension.pk)
        if not suspension.is_active():
            raise ValidationError(_("This suspension is no longer in force."), code="unchanged")
        suspension.lifted_at = timezone.now()
        suspension.lifted_by = actor
        suspension.save(update_fields=["lifted_at", "lifted_by"])
        ModerationAction.record(Kind.LIFT_SUSPENSION, actor=actor, target_user=suspension.user, note=note)
    return suspension
