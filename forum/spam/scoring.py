"""The spam score of a comment: heuristics, the learning filter and (optionally) Akismet, combined into one
number from 0 to 1 with the reasons behind it, and the decision that follows from the thresholds."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from forum.comments import posting
from forum.comments.models import Comment
from forum.spam import akismet, bayes
from forum.spam.models import BlockedTerm, Training

RATE_WINDOW = timedelta(minutes=10)
REPEAT_WINDOW = timedelta(days=1)


class Decision:
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"


@dataclass
class Verdict:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def decision(self) -> str:
        if self.score >= settings.SPAM_SPAM_SCORE:
            return Decision.SPAM
        if self.score >= settings.SPAM_HOLD_SCORE:
            return Decision.HOLD
        return Decision.PUBLISH


def link_hosts(text: str) -> list[str]:
    hosts = []
    for url in bayes.URL_RE.findall(text or ""):
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
        if host:
            hosts.append(host.lower().removeprefix("www."))
    return hosts


def normalised(text: str) -> str:
    return " ".join((text or "").lower().split())


def heuristics(comment: Comment, context: dict) -> list[tuple[float, str]]:
    """(weight, reason) for each sign of spam found; a weight is how sure that sign alone makes us."""
    signals: list[tuple[float, str]] = []
    body = comment.body or ""

    hosts = link_hosts(body)
    if len(hosts) > settings.SPAM_MAX_LINKS:
        extra = len(hosts) - settings.SPAM_MAX_LINKS
        signals.append((min(0.3 + 0.15 * (extra - 1), 0.9), _("%(count)d links") % {"count": len(hosts)}))

    terms = list(BlockedTerm.objects.values_list("kind", "value"))
    for kind, value in terms:
        if kind == BlockedTerm.Kind.DOMAIN:
            if any(host == value or host.endswith(f".{value}") for host in hosts):
                signals.append((0.95, _("blocked domain: %(domain)s") % {"domain": value}))
        elif re.search(rf"(?<!\w){re.escape(value)}(?!\w)", body, re.IGNORECASE):
            signals.append((0.6, _("blocked word: %(word)s") % {"word": value}))

    if context.get("honeypot"):
        signals.append((0.99, _("the hidden form field was filled in")))
    seconds = context.get("seconds_to_submit")
    if isinstance(seconds, int | float) and seconds < settings.SPAM_MIN_SECONDS:
        signals.append((0.7, _("sent %(seconds).1f s after the form was shown") % {"seconds": seconds}))

    author = comment.author
    if author is not None:
        recent = Comment.objects.filter(author=author).exclude(pk=comment.pk)
        text = normalised(body)
        repeats = sum(
            1
            for other in recent.filter(created_at__gte=comment.created_at - REPEAT_WINDOW).values_list(
                "body", flat=True
            )[:100]
            if normalised(other) == text
        )
        if repeats:
            signals.append(
                (
                    min(0.4 + 0.2 * (repeats - 1), 0.9),
                    _("same text as %(count)d recent comments") % {"count": repeats},
                )
            )
        rate = (
            recent.filter(
                created_at__gt=comment.created_at - RATE_WINDOW, created_at__lte=comment.created_at
            ).count()
            + 1
        )
        if rate > settings.SPAM_RATE_LIMIT:
            # Alone, a lively reader is not held; the further above the limit, the stronger the sign.
            weight = min(0.35 + 0.05 * (rate - settings.SPAM_RATE_LIMIT - 1), 0.8)
            signals.append((weight, _("%(count)d comments in 10 minutes") % {"count": rate}))
        age = comment.created_at - author.date_joined
        if age < timedelta(hours=settings.SPAM_NEW_ACCOUNT_HOURS):
            signals.append(
                (
                    0.15,
                    _("account created %(minutes)d minutes before") % {"minutes": age.total_seconds() // 60},
                )
            )
    return signals


def score(comment: Comment, context: dict, *, use_akismet: bool = True) -> Verdict:
    signals = heuristics(comment, context)
    reasons = [reason for _weight, reason in signals]
    judgement = bayes.judge(comment.body)
    if judgement.probability is not None and judgement.probability >= 0.5:
        signals.append((2 * (judgement.probability - 0.5), ""))
        reasons.append(_("learning filter: %(p).2f") % {"p": judgement.probability})
    if akismet.enabled():
        if not use_akismet:
            reasons.append(_("Akismet did not answer"))
        elif akismet.comment_check(comment, context):
            signals.append((0.95, ""))
            reasons.append(_("Akismet says spam"))
    clean = 1.0
    for weight, _reason in signals:
        clean *= 1.0 - weight
    value = 1.0 - clean
    if judgement.probability is not None and judgement.probability < 0.2:
        # The filter recognises the site's own kind of comment: soften the heuristics (by half at most).
        value *= 0.5 + judgement.probability
        reasons.append(_("learning filter: %(p).2f (looks legitimate)") % {"p": judgement.probability})
    return Verdict(round(value, 4), reasons)


def apply(comment_id: int, verdict: Verdict) -> str | None:
    """Store the score and reasons on the comment and change its status as the thresholds say: never over a
    moderator's decision about this text (an edit after the decision is acted on like a new comment), and
    never to publish (a comment held by a moderator's rule stays held). Returns the new status when it
    changed."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None:
            return None
        comment.spam_score = verdict.score
        comment.spam_reasons = verdict.reasons
        comment.save(update_fields=["spam_score", "spam_reasons"])
        training = Training.objects.filter(comment_id=comment_id).first()
        if training is not None and training.covers(comment):
            return None  # a moderator has decided about this text of the comment
        reason = _("Spam check: %(reasons)s") % {"reasons": "; ".join(verdict.reasons)}
        decision = verdict.decision
        if decision == Decision.SPAM and comment.status in (Comment.Status.PUBLISHED, Comment.Status.PENDING):
            posting.set_status(comment=comment, status=Comment.Status.SPAM, actor=None, reason=reason)
            return Comment.Status.SPAM
        if decision == Decision.HOLD and comment.status == Comment.Status.PUBLISHED:
            posting.set_status(comment=comment, status=Comment.Status.PENDING, actor=None, reason=reason)
            return Comment.Status.PENDING
    return None
