"""forum/comments/rules.py: who may edit, delete, reply, vote, report, appeal, comment and moderate."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from forum.comments import posting, rules
from forum.comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(reader):
    return CommentFactory(author=reader)


def test_edit_window_follows_the_setting(settings):
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 5

    assert rules.edit_window() == timedelta(minutes=5)


def test_author_may_edit_within_the_window(comment, reader):
    assert rules.can_edit(comment, reader) is True


def test_author_may_not_edit_after_the_window(comment, reader, settings):
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 15

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        allowed = rules.can_edit(comment, reader)

    assert allowed is False


def test_author_may_edit_a_comment_awaiting_review(reader):
    comment = CommentFactory(author=reader, status=Comment.Status.PENDING)

    assert rules.can_edit(comment, reader) is True


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.SPAM, Comment.Status.DELETED])
def test_author_may_not_edit_a_comment_taken_down(reader, status):
    comment = CommentFactory(author=reader, status=status)

    assert rules.can_edit(comment, reader) is False


def test_another_reader_may_not_edit(comment, other_reader):
    assert rules.can_edit(comment, other_reader) is False


def test_a_moderator_may_not_edit_someone_elses_words(comment, moderator):
    assert rules.can_edit(comment, moderator) is False


def test_anonymous_may_not_edit(comment):
    assert rules.can_edit(comment, AnonymousUser()) is False


def test_an_imported_comment_without_author_is_nobodys_to_edit():
    comment = CommentFactory(author=None, author_name="Guest")

    assert rules.can_edit(comment, UserFactory()) is False


def test_edit_window_is_measured_from_the_time_the_page_passes(comment, reader, settings):
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 15

    late = comment.created_at + timedelta(minutes=16)

    assert (rules.can_edit(comment, reader), rules.can_edit(comment, reader, now=late)) == (True, False)


def test_author_may_delete_after_the_edit_window(comment, reader):
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        allowed = rules.can_delete(comment, reader)

    assert allowed is True


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.HIDDEN, Comment.Status.SPAM])
def test_author_may_delete_a_comment_in_any_state_but_deleted(reader, status):
    comment = CommentFactory(author=reader, status=status)

    assert rules.can_delete(comment, reader) is True


def test_a_deleted_comment_cannot_be_deleted_again(reader):
    comment = CommentFactory(author=reader, status=Comment.Status.DELETED)

    assert rules.can_delete(comment, reader) is False


def test_another_reader_may_not_delete(comment, other_reader):
    assert rules.can_delete(comment, other_reader) is False


def test_anonymous_may_not_delete(comment):
    assert rules.can_delete(comment, AnonymousUser()) is False


def test_moderators_may_moderate(moderator):
    assert rules.can_moderate(moderator) is True


def test_superusers_may_moderate():
    assert rules.can_moderate(UserFactory(is_superuser=True)) is True


def test_readers_and_staff_without_the_permission_may_not_moderate(reader):
    assert (rules.can_moderate(reader), rules.can_moderate(UserFactory(is_staff=True))) == (False, False)


def test_anonymous_may_not_moderate():
    assert rules.can_moderate(AnonymousUser()) is False


NOT_PUBLIC = [Comment.Status.PENDING, Comment.Status.HIDDEN, Comment.Status.SPAM, Comment.Status.DELETED]


@pytest.fixture
def others():
    """Someone else's published comment, as the reader sees it."""
    return CommentFactory(author=UserFactory())


@pytest.fixture
def closed_article():
    return ArticleFactory(comments_open=False)


def test_anonymous_is_not_logged_in():
    assert (rules.is_logged_in(AnonymousUser()), rules.is_logged_in(None)) == (False, False)


def test_a_published_article_with_comments_open_is_open(article):
    assert rules.discussion_open(article) is True


def test_an_article_with_comments_closed_is_not_open(closed_article):
    assert rules.discussion_open(closed_article) is False


def test_a_draft_is_not_open():
    assert rules.discussion_open(ArticleFactory(status=Article.Status.DRAFT)) is False


def test_a_scheduled_article_is_not_open_yet():
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))

    assert rules.discussion_open(article) is False


def test_a_reader_may_comment_on_an_open_article(article, reader):
    assert rules.can_comment(article, reader) is True


def test_anonymous_may_not_comment(article):
    assert rules.can_comment(article, AnonymousUser()) is False


def test_nobody_may_comment_on_a_closed_article(closed_article, moderator):
    assert rules.can_comment(closed_article, moderator) is False


def test_a_comment_without_locks_is_not_locked(others):
    assert rules.thread_locked(others) is False


def test_a_locked_comment_is_locked_without_a_query(django_assert_num_queries):
    comment = CommentFactory(replies_locked=True)

    with django_assert_num_queries(0):
        locked = rules.thread_locked(comment)

    assert locked is True


def test_a_lock_above_locks_the_replies_below():
    root = CommentFactory(replies_locked=True)
    reply = CommentFactory(parent=CommentFactory(parent=root))

    assert rules.thread_locked(reply) is True


def test_a_lock_below_does_not_lock_the_comment_above():
    root = CommentFactory()
    CommentFactory(parent=root, replies_locked=True)

    assert rules.thread_locked(root) is False


def test_a_reader_may_reply_to_a_published_comment(others, reader):
    assert rules.can_reply(others, reader) is True


def test_a_reader_may_reply_to_their_own_comment(comment, reader):
    assert rules.can_reply(comment, reader) is True


def test_anonymous_may_not_reply(others):
    assert rules.can_reply(others, AnonymousUser()) is False


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_nobody_may_reply_to_a_comment_not_on_show(reader, moderator, status):
    comment = CommentFactory(author=reader, status=status)

    assert (rules.can_reply(comment, reader), rules.can_reply(comment, moderator)) == (False, False)


def test_nobody_may_reply_on_a_closed_article(closed_article, reader):
    assert rules.can_reply(CommentFactory(article=closed_article), reader) is False


def test_nobody_may_reply_below_a_lock(reader):
    reply = CommentFactory(parent=CommentFactory(replies_locked=True))

    assert rules.can_reply(reply, reader) is False


def test_the_page_offers_reply_on_a_published_comment(others):
    assert rules.offers_reply(others) is True


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_the_page_offers_no_reply_on_a_comment_not_on_show(status):
    assert rules.offers_reply(CommentFactory(status=status)) is False


def test_a_reader_may_vote_for_someone_elses_comment(others, reader):
    assert rules.can_vote(others, reader) is True


def test_a_moderator_may_vote(others, moderator):
    assert rules.can_vote(others, moderator) is True


def test_a_reader_may_not_vote_for_their_own_comment(comment, reader):
    assert rules.can_vote(comment, reader) is False


def test_anonymous_may_not_vote(others):
    assert rules.can_vote(others, AnonymousUser()) is False


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_nobody_may_vote_for_a_comment_not_on_show(reader, status):
    assert rules.can_vote(CommentFactory(status=status), reader) is False


def test_nobody_may_vote_on_a_closed_article(closed_article, reader):
    assert rules.can_vote(CommentFactory(article=closed_article), reader) is False


def test_nobody_may_vote_for_a_locked_comment(reader):
    assert rules.can_vote(CommentFactory(replies_locked=True), reader) is False


def test_nobody_may_vote_below_a_lock(reader):
    reply = CommentFactory(parent=CommentFactory(replies_locked=True))

    assert rules.can_vote(reply, reader) is False


def test_the_page_offers_the_vote_on_someone_elses_published_comment(others, reader):
    assert rules.offers_vote(others, reader) is True


def test_the_page_offers_no_vote_on_ones_own_comment(comment, reader):
    assert rules.offers_vote(comment, reader) is False


def test_the_page_offers_no_vote_to_anonymous(others):
    assert rules.offers_vote(others, AnonymousUser()) is False


def test_the_page_offers_the_vote_on_a_closed_article_and_the_write_says_why(closed_article, reader):
    comment = CommentFactory(article=closed_article)

    with pytest.raises(PermissionDenied) as refused:
        posting.toggle_vote(comment=comment, user=reader)

    assert (rules.offers_vote(comment, reader), str(refused.value.args[0])) == (
        True,
        "Comments are closed on this article.",
    )


def situation(case: str, reader):
    """The reader (or an anonymous one) and a comment in the situation the case names, below another."""
    user = AnonymousUser() if case == "anonymous" else reader
    article = ArticleFactory(
        comments_open=case != "closed",
        status=Article.Status.DRAFT if case == "draft" else Article.Status.PUBLISHED,
    )
    above = CommentFactory(article=article, replies_locked=case == "below a lock")
    comment = CommentFactory(
        article=article,
        parent=above,
        author=reader if case == "own" else UserFactory(),
        status=Comment.Status.HIDDEN if case == "hidden" else Comment.Status.PUBLISHED,
        replies_locked=case == "locked",
    )
    return user, comment


SITUATIONS = ["allowed", "anonymous", "hidden", "closed", "draft", "locked", "below a lock"]


@pytest.mark.parametrize("case", [*SITUATIONS, "own"])
def test_the_vote_rule_and_the_vote_agree(case, reader):
    user, comment = situation(case, reader)

    try:
        posting.toggle_vote(comment=comment, user=user)
    except PermissionDenied:
        voted = False
    else:
        voted = True

    assert rules.can_vote(comment, user) is voted is (case == "allowed")


@pytest.mark.parametrize("case", SITUATIONS)
def test_the_reply_rule_and_the_reply_agree(case, reader):
    user, parent = situation(case, reader)

    try:
        posting.post_comment(article=parent.article, author=user, body="An answer.", parent=parent)
    except (PermissionDenied, ValidationError):
        posted = False
    else:
        posted = True

    assert rules.can_reply(parent, user) is posted is (case == "allowed")


@pytest.mark.parametrize("case", ["allowed", "anonymous", "closed", "draft"])
def test_the_comment_rule_and_the_new_thread_agree(case, reader):
    user, comment = situation(case, reader)

    try:
        posting.post_comment(article=comment.article, author=user, body="A new thread.")
    except PermissionDenied:
        posted = False
    else:
        posted = True

    assert rules.can_comment(comment.article, user) is posted is (case == "allowed")


def test_a_reader_may_report_someone_elses_comment(others, reader):
    assert rules.can_report(others, reader) is True


def test_a_reader_may_not_report_their_own_comment(comment, reader):
    assert rules.can_report(comment, reader) is False


def test_anonymous_may_not_report(others):
    assert rules.can_report(others, AnonymousUser()) is False


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_nobody_may_report_a_comment_not_on_show(reader, status):
    assert rules.can_report(CommentFactory(status=status), reader) is False


def test_a_moderator_may_report(others, moderator):
    assert rules.can_report(others, moderator) is True


def test_the_page_offers_report_to_a_reader(others, reader):
    assert rules.offers_report(others, reader) is True


def test_the_page_offers_no_report_to_a_moderator(others, moderator):
    assert rules.offers_report(others, moderator) is False


def test_the_page_passes_whether_the_reader_moderates(others, reader, django_assert_num_queries):
    with django_assert_num_queries(0):
        offered = rules.offers_report(others, reader, moderator=True)

    assert offered is False


def test_the_page_offers_no_report_on_ones_own_comment(comment, reader):
    assert rules.offers_report(comment, reader, moderator=False) is False


@pytest.fixture
def hidden(reader):
    return CommentFactory(author=reader, status=Comment.Status.HIDDEN)


def test_the_author_may_appeal_against_a_hiding(hidden, reader):
    assert rules.can_appeal(hidden, reader) is True


def test_another_reader_may_not_appeal(hidden, other_reader):
    assert rules.can_appeal(hidden, other_reader) is False


def test_a_moderator_may_not_appeal_for_the_author(hidden, moderator):
    assert rules.can_appeal(hidden, moderator) is False


def test_anonymous_may_not_appeal(hidden):
    assert rules.can_appeal(hidden, AnonymousUser()) is False


@pytest.mark.parametrize(
    "status", [Comment.Status.PUBLISHED, Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.DELETED]
)
def test_only_a_hidden_comment_is_appealed(reader, status):
    assert rules.can_appeal(CommentFactory(author=reader, status=status), reader) is False


def test_editors_may_close(editor):
    assert rules.can_close(editor) is True


def test_moderators_may_close(moderator):
    assert rules.can_close(moderator) is True


def test_readers_may_not_close(reader):
    assert (rules.can_close(reader), rules.can_close(AnonymousUser())) == (False, False)


def test_editors_are_editors(editor):
    assert rules.is_editor(editor) is True


def test_moderators_are_not_editors(moderator):
    assert rules.is_editor(moderator) is False


def test_readers_are_not_editors(reader):
    assert (rules.is_editor(reader), rules.is_editor(AnonymousUser()), rules.is_editor(None)) == (
        False,
        False,
        False,
    )


def test_an_article_closed_by_hand_has_its_comments_closed(closed_article):
    assert rules.comments_closed(closed_article) is True


def test_an_open_article_has_its_comments_not_closed(article):
    assert rules.comments_closed(article) is False


def test_a_draft_is_not_closed_though_not_open():
    draft = ArticleFactory(status=Article.Status.DRAFT)

    assert (rules.comments_closed(draft), rules.discussion_open(draft)) == (False, False)


def test_a_moderator_may_suspend_a_reader(moderator, reader):
    assert rules.can_suspend(moderator, reader) is True


def test_a_reader_may_not_suspend(other_reader, reader):
    assert rules.can_suspend(other_reader, reader) is False


def test_an_editor_may_not_suspend(editor, reader):
    assert rules.can_suspend(editor, reader) is False


def test_anonymous_may_not_suspend(reader):
    assert rules.can_suspend(AnonymousUser(), reader) is False


def test_a_moderator_may_not_suspend_themselves(moderator):
    assert rules.can_suspend(moderator, moderator) is False


def test_a_moderator_may_not_suspend_another_moderator(moderator):
    assert rules.can_suspend(moderator, ModeratorFactory()) is False


def test_a_moderator_may_not_suspend_a_superuser(moderator):
    assert rules.can_suspend(moderator, UserFactory(is_superuser=True)) is False


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.SPAM])
def test_the_author_reads_why_their_comment_was_taken_down(reader, status):
    comment = CommentFactory(author=reader, status=status)

    assert rules.reads_moderation_note(comment, reader) is True


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.SPAM])
def test_a_moderator_reads_why_any_comment_was_taken_down(moderator, status):
    assert rules.reads_moderation_note(CommentFactory(status=status), moderator) is True


def test_another_reader_does_not_read_the_note(hidden, other_reader):
    assert rules.reads_moderation_note(hidden, other_reader) is False


def test_anonymous_does_not_read_the_note(hidden):
    assert rules.reads_moderation_note(hidden, AnonymousUser()) is False


@pytest.mark.parametrize("status", [Comment.Status.PUBLISHED, Comment.Status.PENDING, Comment.Status.DELETED])
def test_a_comment_not_taken_down_has_no_note_even_for_a_moderator(moderator, reader, status):
    comment = CommentFactory(author=reader, status=status)

    assert (
        rules.reads_moderation_note(comment, moderator),
        rules.reads_moderation_note(comment, reader),
    ) == (
        False,
        False,
    )


def test_the_note_takes_the_pages_moderator_fact_without_a_query(
    hidden, other_reader, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert rules.reads_moderation_note(hidden, other_reader, moderator=True) is True


def test_the_moderators_are_the_moderators_group_and_superusers(moderator, reader, editor):
    superuser = UserFactory(is_superuser=True)

    assert rules.moderator_ids() == {moderator.pk, superuser.pk}


def test_a_reader_given_the_permission_is_a_moderator(reader):
    reader.user_permissions.add(Permission.objects.get(codename="moderate_comment"))

    assert rules.moderator_ids() == {reader.pk}


def test_inactive_accounts_are_not_moderators():
    ModeratorFactory(is_active=False)
    UserFactory(is_superuser=True, is_active=False)

    assert rules.moderator_ids() == set()


def test_the_moderators_are_those_can_moderate_says_yes_to(moderator, reader, editor):
    granted = UserFactory()
    granted.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    users = [
        moderator,
        reader,
        editor,
        granted,
        UserFactory(is_superuser=True),
        ModeratorFactory(is_active=False),
    ]

    ids = rules.moderator_ids()

    assert [user.pk in ids for user in users] == [rules.can_moderate(user) for user in users]
