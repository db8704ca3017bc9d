"""Every reader's or moderator's write to comments goes through these functions: views, the admin, the
moderation services and (later) an API.

They validate, take the thread lock that keeps django-mptt's tree consistent, keep the article's comment
count true, and send the events of signals.py inside the write's transaction. The importers are the one
exception: they build whole trees in bulk under the new-thread lock (forum/comments/importers/) and send no
events, so imported comments raise no notifications or spam checks.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from articles.models import Article
from forum.comments import policies, signals
from forum.comments.models import DELETED_ACCOUNT_NAME, MAX_BODY_LENGTH, Comment, Vote
from forum.comments.rules import (
    can_delete,
    can_edit,
    can_moderate,
    comments_closed,
    is_logged_in,
    thread_locked,
)
from forum.comments.versions import discussion_changed


def clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")}, code="empty")
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                "body": _("A comment can be at most %(max)s characters long; this one has %(length)s.")
                % {"max": _grouped(MAX_BODY_LENGTH), "length": _grouped(len(body))}
            },
            code="too_long",
        )
    return body


def _grouped(number: int) -> str:
    """10,000 in English, 10 000 in Ukrainian: the reader's own way of writing large numbers."""
    return number_format(number, force_grouping=True)


def check_permission(action: str, user, article: Article, comment: Comment | None = None) -> None:
    """Refuse a reader's write with a PermissionDenied: first anyone logged out, then whatever the
    COMMENTS_PERMISSION_POLICIES refuse (suspensions, the automatic close), in the order listed."""
    if not is_logged_in(user):
        raise PermissionDenied(_("Log in to take part in the discussion."))
    for policy in policies.permission_policies():
        policy(action, user, article, comment)


def check_article_open(article: Article) -> None:
    if not article.is_published():
        raise PermissionDenied(_("This article is not published."))
    if comments_closed(article):
        raise PermissionDenied(_("Comments are closed on this article."))


def check_parent(article: Article, parent: Comment) -> None:
    if parent.article_id != article.pk:
        raise ValidationError({"parent": _("That comment belongs to another article.")}, code="wrong_article")
    if not parent.is_public:
        raise ValidationError({"parent": _("That comment can no longer be answered.")}, code="not_public")
    check_thread_open(parent)


def check_thread_open(comment: Comment) -> None:
    """Refuse a write below a locked comment (a reply to it or its replies, a vote on them)."""
    if thread_locked(comment):
        raise PermissionDenied(_("This thread is locked: no new replies."))


def decide_status(comment: Comment) -> str:
    """Published, unless one of the COMMENTS_STATUS_POLICIES (pre-moderation) holds it for review."""
    answers = [policy(comment) for policy in policies.status_policies()]
    return Comment.Status.PENDING if Comment.Status.PENDING in answers else Comment.Status.PUBLISHED


def find_duplicate(comment: Comment) -> Comment | None:
    """The reader's comment with the same text posted anywhere within COMMENTS_DUPLICATE_MINUTES: a double
    click, or the same text pasted into thread after thread."""
    window = timedelta(minutes=settings.COMMENTS_DUPLICATE_MINUTES)
    # Asked on every post and nearly always answered "none": the id alone is the cheaper question.
    duplicate_id = (
        Comment.objects.filter(
            author_id=comment.author_id, body=comment.body, created_at__gt=timezone.now() - window
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return None if duplicate_id is None else Comment.objects.get(pk=duplicate_id)


class DuplicateComment(ValidationError):
    def __init__(self, existing: Comment, comment: Comment):
        if existing.article_id == comment.article_id and existing.parent_id == comment.parent_id:
            message = _("You have just posted this comment.")
        else:
            message = _(
                "You posted the same text less than %(minutes)s minutes ago. Write something new, or "
                "link to your earlier comment."
            ) % {"minutes": settings.COMMENTS_DUPLICATE_MINUTES}
        super().__init__({"body": message}, code="duplicate")
        self.existing = existing


def post_comment(
    *, article: Article, author, body: str, parent: Comment | None = None, context: dict | None = None
) -> Comment:
    """Store a new comment or reply. `context` carries facts about the request (a hash of the address, the
    browser family, form timing) for the listeners of comment_posted, such as the spam check."""
    check_permission("post", author, article, parent)
    check_article_open(article)
    comment = Comment(article=article, author=author, parent=parent, body=clean_body(body))
    if parent is not None:
        check_parent(article, parent)
    comment.status = decide_status(comment)

    with transaction.atomic():
        if parent is None:
            Comment.objects.lock_new_thread()
        else:
            Comment.objects.lock_thread(parent.thread_id)
        # Checked under the lock, so two clicks of one button store one comment.
        duplicate = find_duplicate(comment)
        if duplicate is not None:
            raise DuplicateComment(duplicate, comment)
        comment.save()
        refresh_comment_count(article.pk)
        # Inside the transaction: listeners record their work (an outbox row) atomically with the comment
        # and enqueue it with transaction.on_commit.
        signals.comment_posted.send(sender=Comment, comment=comment, context=context or {})
    return comment


def check_can_edit(comment: Comment, user) -> None:
    """rules.can_edit, refused with its reason (PermissionDenied): not theirs, not on show, or too late."""
    if not comment.is_written_by(user):
        raise PermissionDenied(_("You can only edit your own comments."))
    if comment.status not in Comment.EDITABLE_STATUSES:
        raise PermissionDenied(_("This comment is not on show, so it can no longer be edited."))
    if not can_edit(comment, user):
        raise PermissionDenied(
            _(
                "The time to edit this comment has passed. Comments can be edited for %(minutes)s minutes "
                "after posting."
            )
            % {"minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES}
        )


def check_can_delete(comment: Comment, user) -> None:
    """rules.can_delete, refused with its reason (PermissionDenied)."""
    if not comment.is_written_by(user):
        raise PermissionDenied(_("You can only delete your own comments."))
    if not can_delete(comment, user):
        raise PermissionDenied(_("This comment is already deleted."))


def edit_comment(*, comment: Comment, user, body: str) -> Comment:
    if not comment.is_written_by(user):
        raise PermissionDenied(_("You can only edit your own comments."))
    check_permission("edit", user, comment.article, comment)
    check_can_edit(comment, user)
    body = clean_body(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited_at = timezone.now()
    # The author's own words replace a moderator's change: "edited by a moderator" no longer holds.
    comment.edited_by_moderator = False
    with transaction.atomic():
        comment.save(update_fields=["body", "edited_at", "edited_by_moderator"])
        discussion_changed(comment.article_id)
        signals.comment_edited.send(sender=Comment, comment=comment)
    return comment


def delete_comment(*, comment: Comment, user) -> bool:
    """Delete one's own comment. Returns True when the row was removed, False when it became a placeholder."""
    check_can_delete(comment, user)
    check_permission("delete", user, comment.article, comment)
    with transaction.atomic():
        Comment.objects.lock_thread(comment.thread_id)
        comment.refresh_from_db()
        comment_id = comment.pk
        removed = not comment.has_replies
        if removed:
            comment.delete()
            remove_empty_placeholders(comment.parent_id)
        else:
            # The tree stays intact: replies keep their parent, the text goes.
            comment.status = Comment.Status.DELETED
            comment.body = ""
            comment.save(update_fields=["status", "body"])
        refresh_comment_count(comment.article_id)
        signals.comment_deleted.send(
            sender=Comment, comment=comment, comment_id=comment_id, actor=user, removed=removed
        )
    return removed


def remove_comment(*, comment: Comment, actor) -> None:
    """A moderator's delete for good: the row goes, with an author-deleted placeholder that only held it.
    Only a comment without replies can go (one with replies is hidden instead, so the thread stays whole).
    Callers that record more (moderation's audit log) do so in their own transaction around this call."""
    if not can_moderate(actor):
        raise PermissionDenied(_("Only moderators can do that."))
    with transaction.atomic():
        Comment.objects.lock_thread(comment.thread_id)
        comment.refresh_from_db()
        if comment.has_replies:
            raise ValidationError(
                _("This comment has replies; hide it instead, so that the thread stays intact."),
                code="has_replies",
            )
        comment_id = comment.pk
        comment.delete()
        remove_empty_placeholders(comment.parent_id)
        refresh_comment_count(comment.article_id)
        signals.comment_deleted.send(
            sender=Comment, comment=comment, comment_id=comment_id, actor=actor, removed=True
        )


def remove_empty_placeholders(comment_id: int | None) -> None:
    """A deleted comment stays only to hold its replies: once the last one is gone, it goes too (and so on
    up the thread). Called under the thread lock."""
    while comment_id is not None:
        placeholder = Comment.objects.filter(pk=comment_id, status=Comment.Status.DELETED).first()
        if placeholder is None or placeholder.has_replies:
            return
        comment_id = placeholder.parent_id
        placeholder.delete()


def revise_comment(*, comment: Comment, actor, body: str) -> Comment:
    """A moderator's change to someone else's text (the admin). Unlike edit_comment no author or time
    window applies, and the comment keeps its author's "edited" time but is marked `edited_by_moderator`
    (readers see "edited by a moderator"); like it, the body is cleaned and comment_edited goes out, so the
    spam check looks at the new text. An unchanged body changes nothing. Callers that record more
    (moderation's log, with the old text) do so in their own transaction around this call."""
    if not can_moderate(actor):
        raise PermissionDenied(_("Only moderators can do that."))
    body = clean_body(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited_by_moderator = True
    with transaction.atomic():
        comment.save(update_fields=["body", "edited_by_moderator"])
        discussion_changed(comment.article_id)
        signals.comment_edited.send(sender=Comment, comment=comment, actor=actor)
    return comment


def set_replies_locked(*, comment: Comment, locked: bool) -> None:
    """Refuse (or allow again) new replies below this comment; check_parent enforces it. Who may lock is the
    caller's question (moderation's closing.py, which also logs it)."""
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(replies_locked=locked)
        comment.replies_locked = locked
        discussion_changed(comment.article_id)


def set_comments_open(*, article: Article, is_open: bool) -> None:
    """Open or close an article's discussion; check_article_open enforces it. Who may close is the caller's
    question (moderation's closing.py, which also logs it)."""
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(comments_open=is_open)
        article.comments_open = is_open
        discussion_changed(article.pk)


def toggle_vote(*, comment: Comment, user) -> bool:
    """Up-vote a comment, or take the vote back. Returns whether the reader's vote now stands."""
    check_permission("vote", user, comment.article, comment)
    # Refused like posting: a closed article or a locked thread takes no votes either.
    check_article_open(comment.article)
    check_thread_open(comment)
    if comment.is_written_by(user):
        raise PermissionDenied(_("You cannot vote for your own comment."))
    if not comment.is_public:
        raise PermissionDenied(_("Only published comments can be voted on."))
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(comment=comment, user=user).delete()
        if deleted:
            voted = False
        else:
            Vote.objects.create(comment=comment, user=user)
            voted = True
        Comment.objects.filter(pk=comment.pk).update(score=F("score") + (1 if voted else -1))
        discussion_changed(comment.article_id)
    comment.refresh_from_db(fields=["score"])
    return voted


def withdraw_votes(*, user) -> int:
    """Take back every vote of a reader (their account is being deleted): each comment's score loses the
    vote, so scores stay what the remaining votes make them. Returns the number of votes withdrawn."""
    votes = Vote.objects.filter(user=user)
    comment_ids = list(votes.values_list("comment_id", flat=True))
    if not comment_ids:
        return 0
    with transaction.atomic():
        votes.delete()
        Comment.objects.filter(pk__in=comment_ids).update(score=F("score") - 1)
        for article_id in set(
            Comment.objects.filter(pk__in=comment_ids).values_list("article_id", flat=True).distinct()
        ):
            discussion_changed(article_id)
    return len(comment_ids)


def anonymise_author(*, author, keep_text: bool = False) -> int:
    """Detach every comment of an account that is being deleted. They stay in their threads as
    "[deleted account]", so that replies keep their place and nothing is removed from the tree; unless
    `keep_text`, the text goes too and each becomes a "deleted" placeholder. Statuses change without the
    status events: the account's data is being erased, not moderated. Returns the number of comments."""
    comments = Comment.objects.filter(author=author)
    article_ids = set(comments.values_list("article_id", flat=True).distinct())
    changes: dict = {"author": None, "author_name": DELETED_ACCOUNT_NAME}
    if not keep_text:
        changes.update(body="", body_html="", status=Comment.Status.DELETED, spam_score=None, spam_reasons=[])
    with transaction.atomic():
        count = comments.update(**changes)
        for article_id in article_ids:
            refresh_comment_count(article_id)
    return count


def set_status(*, comment: Comment, status: str, actor=None, reason: str = "") -> Comment:
    """Change a comment's visibility (moderation, spam checks). Never touches the tree."""
    old_status = comment.status
    if old_status == status:
        return comment
    with transaction.atomic():
        comment.status = status
        comment.save(update_fields=["status"])
        refresh_comment_count(comment.article_id)
        signals.comment_status_changed.send(
            sender=Comment,
            comment=comment,
            old_status=old_status,
            new_status=status,
            actor=actor,
            reason=reason,
        )
    return comment


def refresh_comment_count(article_id: int) -> None:
    """Called by every write that adds, removes or shows/hides a comment, so it also marks the discussion
    as changed for its caches."""

    # Count and write in one statement. Raw SQL: every post pays for this, and the ORM takes longer to build
    # the subquery than two plain queries take to run. The condition is CommentQuerySet.public().
    def column(model, name: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(name).column)

    table = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Article._meta.db_table)} SET {column(Article, 'comment_count')} = "
            f"(SELECT COUNT(*) FROM {table(Comment._meta.db_table)} "
            f"WHERE {column(Comment, 'article')} = %s AND {column(Comment, 'status')} = %s) "
            f"WHERE {column(Article, 'id')} = %s",
            [article_id, Comment.Status.PUBLISHED, article_id],
        )
    discussion_changed(article_id)
