"""Every "may this user …" of the site, answered in one place: views, templates (through the viewers),
posting, the admin, the other apps and the API to come ask these predicates, and decide nothing on their own.

Where each question lives:
- Here, as plain predicates: every question whose inputs are a comment, its article and the user's own
  permissions. Logged in at all (`is_logged_in`); may edit, delete, reply, vote, report, appeal (`can_*`);
  may comment on an article; the article open (`discussion_open`) or closed by hand (`comments_closed`), a
  thread locked (`thread_locked`); may moderate (hide, unhide, mark as spam, delete for good, suspend,
  decide appeals, see the queue, moderate in the admin), and who the moderators are (`moderator_ids`, for
  telling them); may suspend this reader (`can_suspend`); reads why a comment was taken down
  (`reads_moderation_note`); may close (close an article's comments, lock a thread); is an editor
  (`is_editor`: may change articles, and so the close-after overrides).
- Who reads a comment's text, and so what a page lists: `Comment.TEXT_READERS`, in models.py, beside the
  queryset (`visible_to`) that applies it. Following a thread or an article: any logged-in reader who may
  see it (forum/notifications/views.py asks `visible_to`).
- What lives in moderation's tables is moderation's question, because this app imports nothing of
  moderation: a suspension in force and an article closed by time are refused before every reader's write
  by the functions of COMMENTS_PERMISSION_POLICIES (forum/moderation/policies.py; forum/comments/policies.py
  has the signature), and the article page's "why the form gives way" is closing.posting_refusal, which asks
  `comments_closed` and `is_logged_in` here and adds the time and the suspension. An earlier report or
  appeal is refused by moderation's own checks, which ask the predicates here first:
  forum/moderation/reports.py (`check_can_report`, `report`) and appeals.py (`check_can_appeal`, `appeal`).
  Moderation's refusals with their messages (`check_moderator`, `check_can_close`) are
  forum/moderation/permissions.py, which re-exports `can_moderate` and `can_close`; suspensions.py's
  `check_can_suspend` refuses the parts of `can_suspend`.
- Editors' questions about articles are the articles app's, which forum.comments builds on and so cannot
  be asked from here: `articles.desk.can_publish`, `articles.views.can_preview`. The admin site itself is
  Django's (`is_staff`, model permissions); the comments' and moderation's admin pages ask `can_moderate`
  (the close-after overrides: `is_editor`, or `can_close` to see them).

Allowed and offered. A `can_*` predicate says whether the write is allowed. The functions that refuse it
(posting.py, moderation's `check_*`) test the same parts in order, with the reader's reason for each. A page
decides its controls per comment with no query, from facts computed once per page (`moderator=`), so it
asks the `offers_*` predicates: the part of the rule that the comment and the reader answer. The write
refuses the rest (a closed article, a locked thread, a suspension, an earlier report) and says why.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from forum.comments.models import Comment

MODERATE_PERMISSION = "comments.moderate_comment"
# Taken down by a moderator (or the spam check), with a note that says why.
MODERATED_STATUSES = (Comment.Status.HIDDEN, Comment.Status.SPAM)


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


def comments_closed(article: Article) -> bool:
    """An editor or a moderator closed the article's comments (closing by time is moderation's
    COMMENTS_PERMISSION_POLICIES). An unpublished article is not closed: it is not open yet."""
    return not article.comments_open


def discussion_open(article: Article) -> bool:
    """The article takes new comments, replies and votes: published, comments not closed (closing by time is
    moderation's COMMENTS_PERMISSION_POLICIES)."""
    return article.is_published() and not comments_closed(article)


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


def reads_moderation_note(comment: Comment, user, *, moderator: bool | None = None) -> bool:
    """Who reads why a hidden or spam comment was taken down (and its appeal): moderators every one, the
    author their own. `moderator` as for offers_report."""
    if comment.status not in MODERATED_STATUSES:
        return False
    if moderator is None:
        moderator = can_moderate(user)
    return moderator or comment.is_written_by(user)


def can_moderate(user) -> bool:
    """The one "may moderate": members of "Moderators", and superusers (who hold every permission)."""
    return bool(is_logged_in(user) and user.has_perm(MODERATE_PERMISSION))


def moderator_ids() -> set[int]:
    """The accounts can_moderate says yes to, in one query (for telling moderators, not for refusing): active
    members of a group with the permission, holders of it, and active superusers."""
    User = get_user_model()
    app_label, codename = MODERATE_PERMISSION.split(".")
    permission = Permission.objects.filter(codename=codename, content_type__app_label=app_label).first()
    has_permission = Q(is_superuser=True)
    if permission is not None:
        has_permission |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return set(User.objects.filter(has_permission, is_active=True).values_list("pk", flat=True))


def can_suspend(actor, target) -> bool:
    """A moderator suspends a reader: not themselves, and not another moderator (who is first removed from
    the moderators). Moderation's suspensions.suspend refuses each part with its reason."""
    return can_moderate(actor) and not is_self(actor, target) and not can_moderate(target)


def is_self(actor, target) -> bool:
    return target.pk == actor.pk


def can_close(user) -> bool:
    """Closing an article's comments and locking threads: moderators, and editors who may change articles."""
    return can_moderate(user) or is_editor(user)


def is_editor(user) -> bool:
    """Editors: who may change articles, and so set when an article's comments close by themselves (the
    close-after overrides in the admin)."""
    return bool(is_logged_in(user) and user.has_perm("articles.change_article"))
