"""The work behind the spam tasks: check one comment version, and teach the filter one moderator decision."""

from forum.comments.models import Comment
from forum.lib.outbox import Transient
from forum.spam import akismet, bayes, scoring
from forum.spam.models import SpamCheck, Training


def run_check(check: SpamCheck, last_attempt: bool = False) -> dict:
    comment = Comment.objects.select_related("article", "author").filter(pk=check.comment_id).first()
    if comment is None:
        return {"verdict": "gone"}
    if comment.status not in (Comment.Status.PUBLISHED, Comment.Status.PENDING):
        return {"verdict": "skipped"}  # deleted, hidden or already spam: nothing to decide
    try:
        verdict = scoring.score(comment, check.context)
    except akismet.AkismetUnavailable as exc:
        if not last_attempt:
            raise Transient(f"Akismet: {exc}") from exc
        # Out of retries: decide on the local signals rather than never.
        verdict = scoring.score(comment, check.context, use_akismet=False)
    scoring.apply(comment.pk, verdict)
    return {"score": verdict.score, "reasons": verdict.reasons, "verdict": verdict.decision}


def train(training: Training, last_attempt: bool = False) -> dict:
    """Runs in the outbox's transaction: the counts and the row's `trained_label` change together."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    if training.trained_label == training.label:
        return {}
    tokens = training.tokens
    if training.trained_label:
        bayes.learn(tokens, training.trained_label, -1)
    else:
        body = Comment.objects.filter(pk=training.comment_id).values_list("body", flat=True).first() or ""
        tokens = bayes.tokenize(body)
    bayes.learn(tokens, training.label, 1)
    return {"trained_label": training.label, "tokens": tokens}
