"""Every "may this user …" of the site, answered in one place: views, templates (through the viewers),
posting, the admin, the other apps and the API to come ask these predicates, and decide nothing on their own.

Where each question lives:
- Here, as plain predicates: every question whose inputs are a comment, its article and the user's own
  permissions. May edit, delete, reply, vote, report, appeal (`can_*`); may comment on an article; may
  moderate (hide, unhide, mark as spam, delete for good, suspend, decide appeals, see the queue, moderate in
  the admin); may close (close an article's comments, lock a thread).
- Who reads a comment's text, and so what a page lists: `Comment.TEXT_READERS`, in models.py, beside the
  queryset (`visible_to`) that applies it. Following a thread or an article: any logged-in reader who may
  see it (forum/notifications/views.py asks `visible_to`).
- What lives in moderation's tables is moderation's question, because this app imports nothing of
  moderation: a suspension and an article closed by time are refused before every reader's write by the
  functions of COMMENTS_PERMISSION_POLICIES (forum/moderation/policies.py; forum/comments/policies.py has
  the signature). An earlier report or appeal is refused by moderation's own checks, which ask the
  predicates here first: forum/moderation/reports.py (`check_can_report`, `report`) and appeals.py
  (`check_can_appeal`, `appeal`). Moderation's refusals with their messages (`check_moderator`,
  `check_can_close`) are forum/moderation/permissions.py, which re-exports `can_moderate` and `can_close`.
- Editors' questions about articles are the articles app's, which forum.comments builds on and so cannot
  be asked from here: `articles.desk.can_publish`, `articles.views.can_preview`. The admin site itself is
  Django's (`is_staff`, model permissions); the comments' and moderation's admin pages ask `can_moderate`
  (the close-after overrides: editors who may change articles, or moderators).

Allowed and offered. A `can_*` predicate says whether the write is allowed. The functions that refuse it
(posting.py, moderation's `check_*`) test the same parts in order, with the reader's reason for each. A page
decides its controls per comment with no query, from facts computed once per page (`moderator=`), so it
asks the `offers_*` predicates: the part of the rule that the comment and the reader answer. The write
refuses the rest (a closed article, a locked thread, a suspension, an earlier report) and says why.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from articles.models import Article
from forum.comments.models import Comment


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COMMENTS_EDIT_WINDOW_MINUTES)


def is_logged_in(user) -> bool:
    """Taking part at all (posting, voting, reporting, appealing, following) needs an account."""
    return user is not None and user.is_authenticated


def can_edit(comment: Comment, user, *, own: bool | None = None, now: datetime | None = None) -> bool:
    """Their own comment, not taken down, within the edit window. A page passes `now` once for all its
    comments, and `own` (comment.is_written_by(user)) once per comment, here as to the other predicates."""
    return (
        (own if own is not None else comment.is_written_by(user))
        and comment.status in Comment.EDITABLE_STATUSES
        and (now or timezone.now()) - comment.created_at <= edit_window()
    )


def can_delete(comment: Comment, user, *, own: bool | None = None) -> bool:
    return (
        own if own is not None else comment.is_written_by(user)
    ) and comment.status != Comment.Status.DELETED


def discussion_open(article: Article) -> bool:
    """The article takes new comments, replies and votes: published, comments not closed (closing by time is
    moderation's COMMENTS_PERMISSION_POLICIES)."""
    return article.is_published() and article.comments_open


def thread_locked(comment: Comment) -> bool:
    """A lock on the comment or above it refuses replies to it and votes on it. One query for its ancestors,
    none when the comment itself is locked."""
    return comment.replies_locked or comment.ancestors().filter(replies_locked=True).exists()


def can_comment(article: Article, user) -> bool:
    """A new thread on the article."""
    return is_logged_in(user) and discussion_open(article)


def offers_reply(comment: Comment) -> bool:
    """The page's Reply link, shown to every reader (one logged out is led to log in): a published comment."""
    return comment.is_public


def can_reply(comment: Comment, user) -> bool:
    """Logged in, a published comment, the discussion open, no lock on the comment or above it."""
    return (
        is_logged_in(user)
        and offers_reply(comment)
        and discussion_open(comment.article)
        and not thread_locked(comment)
    )


def someone_elses_published(comment: Comment, user, *, own: bool | None = None) -> bool:
    """What voting and reporting ask of the comment: published, and someone else's, for a logged-in reader."""
    return (
        is_logged_in(user)
        and comment.is_public
        and not (own if own is not None else comment.is_written_by(user))
    )


def offers_vote(comment: Comment, user, *, own: bool | None = None) -> bool:
    """The page's vote button."""
    return someone_elses_published(comment, user, own=own)


def can_vote(comment: Comment, user) -> bool:
    """As replying, and not for one's own comment."""
    return offers_vote(comment, user) and discussion_open(comment.article) and not thread_locked(comment)


def can_report(comment: Comment, user, *, own: bool | None = None) -> bool:
    """Someone else's published comment, for a logged-in reader (moderators too, though they hide instead).
    Moderation refuses a suspended reader and a second report (reports.py)."""
    return someone_elses_published(comment, user, own=own)


def offers_report(comment: Comment, user, *, moderator: bool | None = None, own: bool | None = None) -> bool:
    """The page's Report link: not for moderators, who have Hide. `moderator` spares a permission check per
    comment when the caller knows it (can_moderate, once per page)."""
    if moderator is None:
        moderator = can_moderate(user)
    return not moderator and can_report(comment, user, own=own)


def can_appeal(comment: Comment, user) -> bool:
    """The author of a hidden comment. Moderation allows one appeal per comment (appeals.py)."""
    return comment.is_written_by(user) and comment.status == Comment.Status.HIDDEN


def can_moderate(user) -> bool:
    """The one "may moderate": members of "Moderators", and superusers (who hold every permission)."""
    return bool(is_logged_in(user) and user.has_perm("comments.moderate_comment"))


def can_close(user) -> bool:
    """Closing an article's comments and locking threads: moderators, and editors who may change articles."""
    return can_moderate(user) or bool(is_logged_in(user) and user.has_perm("articles.change_article"))
