"""What the spam checks keep about a reader: the request facts of each check (a hash of the address, the
browser family, honeypot, timing) and the filter's record of moderators' decisions on their comments.

Called by forum/accounts/personal_data.py (export, account deletion) and by the periodic purge."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from forum.spam.models import SpamCheck, Training

REQUEST_FACTS = ("ip_hash", "browser")


def export(user) -> dict:
    checks = SpamCheck.objects.filter(comment__author=user).order_by("created_at", "pk")
    return {
        "spam_checks": [
            {
                "comment": check.comment_id,
                "checked": check.key.split(":", 1)[1],
                "created_at": check.created_at.isoformat(),
                "context": check.context,
                "score": check.score,
                "verdict": check.verdict,
            }
            for check in checks
        ]
    }


def forget_author(user, *, keeps_text: bool) -> None:
    """Before their comments are anonymised: the checks' context goes; when the text goes too, so do the
    checks and the filter's training rows, which hold the words of the text (the counts it learnt stay)."""
    checks = SpamCheck.objects.filter(comment__author=user)
    if keeps_text:
        checks.exclude(context={}).update(context={})
    else:
        checks.delete()
        Training.objects.filter(comment__author=user).delete()


def purge_request_data(now=None) -> int:
    """Remove the address hash and browser family from checks older than PRIVACY_RETENTION_DAYS."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PRIVACY_RETENTION_DAYS)
    has_facts = Q()
    for key in REQUEST_FACTS:
        has_facts |= Q(context__has_key=key)
    purged = 0
    while True:
        batch = list(SpamCheck.objects.filter(has_facts, created_at__lt=cutoff).only("pk", "context")[:500])
        if not batch:
            return purged
        for check in batch:
            check.context = {key: value for key, value in check.context.items() if key not in REQUEST_FACTS}
        SpamCheck.objects.bulk_update(batch, ["context"])
        purged += len(batch)
