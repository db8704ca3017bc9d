"""Closing discussions: editors and moderators close an article's comments or lock the replies below a
comment; comments also close by themselves a number of days after publication (COMMENTS_CLOSE_AFTER_DAYS,
off by default, overridden per article by DiscussionSettings.close_after_days). The posting code refuses
closed articles and locked threads itself; the automatic close is refused by posting.py, which asks
policies.refuse_after_close.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article
from forum.comments import rules
from forum.comments.models import Comment
from forum.comments.posting import set_comments_open, set_replies_locked
from forum.moderation.models import DiscussionSettings, ModerationAction, Suspension
from forum.moderation.permissions import check_can_close
from forum.moderation.services import clean_note, lock_comment
from forum.moderation.suspensions import LONGEST_FIRST, suspension_message

Kind = ModerationAction.Kind


def close_after_days(article: Article) -> int:
    """Days after publication when comments close by themselves; 0 means never. One query per article
    instance at most (the answer is kept on it, a missing override included)."""
    override = getattr(article, "_close_after_days_override", Ellipsis)
    if override is Ellipsis:
        override = (
            DiscussionSettings.objects.filter(article_id=article.pk)
            .values_list("close_after_days", flat=True)
            .first()
        )
        article._close_after_days_override = override
    return settings.COMMENTS_CLOSE_AFTER_DAYS if override is None else override


def auto_close_time(article: Article) -> datetime | None:
    days = close_after_days(article)
    return article.published_at + timedelta(days=days) if days else None


def is_auto_closed(article: Article, now: datetime | None = None) -> bool:
    closes = auto_close_time(article)
    return closes is not None and closes <= (now or timezone.now())


def auto_close_message(article: Article) -> str:
    days = close_after_days(article)
    return ngettext(
        "Comments closed on %(date)s, %(days)s day after publication.",
        "Comments closed on %(date)s, %(days)s days after publication.",
        days,
    ) % {"date": formats.date_format(timezone.localtime(auto_close_time(article)), "j F Y"), "days": days}


def check_not_auto_closed(article: Article) -> None:
    if is_auto_closed(article):
        raise PermissionDenied(auto_close_message(article))


def lock_replies(*, comment: Comment, actor, note: str = "") -> ModerationAction:
    """No new replies below this comment (the posting code refuses them)."""
    return _set_replies_locked(comment, actor, note, locked=True)


def unlock_replies(*, comment: Comment, actor, note: str = "") -> ModerationAction:
    return _set_replies_locked(comment, actor, note, locked=False)


def _set_replies_locked(comment: Comment, actor, note: str, *, locked: bool) -> ModerationAction:
    check_can_close(actor)
    note = clean_note(note)
    with transaction.atomic():
        target = lock_comment(comment)
        if target.replies_locked == locked:
            raise ValidationError(
                _("Replies below this comment are already locked.")
                if locked
                else _("Replies below this comment are not locked."),
                code="unchanged",
            )
        set_replies_locked(comment=target, locked=locked)
        record = ModerationAction.record(
            Kind.LOCK if locked else Kind.UNLOCK, actor=actor, comment=target, note=note
        )
    comment.replies_locked = locked
    return record


def close_comments(*, article: Article, actor, note: str = "") -> ModerationAction:
    check_can_close(actor)
    note = clean_note(note)
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if not current.comments_open:
            raise ValidationError(_("Comments are already closed on this article."), code="unchanged")
        set_comments_open(article=current, is_open=False)
        record = ModerationAction.record(Kind.CLOSE, actor=actor, article=current, note=note)
    article.comments_open = False
    return record


def reopen_comments(*, article: Article, actor, note: str = "") -> ModerationAction:
    """Open the comments again; if they had closed by themselves, the article stops closing by itself."""
    check_can_close(actor)
    note = clean_note(note)
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        auto_closed = is_auto_closed(current)
        if current.comments_open and not auto_closed:
            raise ValidationError(_("Comments are already open on this article."), code="unchanged")
        set_comments_open(article=current, is_open=True)
        if auto_closed:
            DiscussionSettings.objects.update_or_create(article=current, defaults={"close_after_days": 0})
        record = ModerationAction.record(Kind.REOPEN, actor=actor, article=current, note=note)
    article.comments_open = True
    article.__dict__.pop("_close_after_days_override", None)
    return record


def posting_refusal(article: Article, user) -> str:
    """Why this reader may not post on this article now, or "" (for templates: the form gives way).

    One query for the article's override and whether the reader is suspended, so that the article page
    stays within its budget (a suspended reader's page reads the suspension too); none for anonymous
    readers, who are offered to log in (the server refuses their posts anyway, and tells them why once they
    are logged in)."""
    if rules.comments_closed(article):
        return _("Comments are closed on this article.")
    if not rules.is_logged_in(user):
        return ""
    suspension = load_discussion_state(article, user)
    if is_auto_closed(article):
        return auto_close_message(article)
    if suspension is not None:
        return suspension_message(suspension)
    return ""


def load_discussion_state(article: Article, user) -> Suspension | None:
    """Read the article's close-after override (kept on the instance for close_after_days) and the reader's
    suspension in force, if any, in one query (and a second for a suspended reader: the suspension's row)."""
    columns = {
        "override": Subquery(
            DiscussionSettings.objects.filter(article_id=OuterRef("pk")).values("close_after_days")[:1]
        )
    }
    if rules.is_logged_in(user):
        suspended = Suspension.objects.active().filter(user_id=user.pk).order_by(*LONGEST_FIRST)
        columns["suspension_id"] = Subquery(suspended.values("pk")[:1])
    state = Article.objects.filter(pk=article.pk).values(**columns).first() or {"override": None}
    article._close_after_days_override = state["override"]
    if not state.get("suspension_id"):
        return None
    return Suspension.objects.only("pk", "user_id", "ends_at", "reason").get(pk=state["suspension_id"])
