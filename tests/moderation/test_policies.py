"""forum/moderation/policies.py: suspensions, automatic closing and pre-moderation, as posting.py asks them
through the settings' policy lists."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from forum.comments import policies, posting
from forum.comments.models import Comment
from forum.moderation.models import Suspension
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def ask(action, user, article, comment=None):
    posting.check_permission(action, user, article, comment)


def held_by(comment):
    """The statuses the status policies answer for this unsaved comment."""
    return [answer for answer in (policy(comment) for policy in policies.status_policies()) if answer]


def test_the_site_lists_moderations_policies_in_order():
    from forum.moderation import policies as moderation

    assert policies.permission_policies() == (moderation.refuse_suspended, moderation.refuse_after_close)
    assert policies.status_policies() == (moderation.premoderate,)


@pytest.fixture
def suspended(reader, moderator):
    Suspension.objects.create(user=reader, reason="Trolling", created_by=moderator)
    return reader


@pytest.mark.parametrize("action", ["post", "edit", "vote"])
def test_a_suspended_reader_is_refused(action, suspended, article):
    with pytest.raises(PermissionDenied, match="Your account is suspended: Trolling"):
        ask(action, suspended, article)


def test_a_suspended_reader_may_still_delete(suspended, article):
    ask("delete", suspended, article)  # no PermissionDenied


def test_a_reader_whose_suspension_ended_is_let_through(reader, moderator, article):
    Suspension.objects.create(
        user=reader, reason="Trolling", created_by=moderator, ends_at=timezone.now() - timedelta(minutes=1)
    )

    ask("post", reader, article)  # no PermissionDenied


def test_posting_after_the_automatic_close_is_refused(reader, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=4))

    with pytest.raises(PermissionDenied, match="Comments closed on"):
        ask("post", reader, article)


def test_editing_after_the_automatic_close_is_let_through(reader, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=4))

    ask("edit", reader, article)  # no PermissionDenied


def test_no_premoderation_holds_nothing(reader, article, settings):
    settings.MODERATION_PREMODERATION = "none"

    assert held_by(Comment(article=article, author=reader, body="Hi")) == []


def test_premoderation_of_all_holds_every_reader(reader, article, settings):
    settings.MODERATION_PREMODERATION = "all"
    CommentFactory(article=article, author=reader)

    assert held_by(Comment(article=article, author=reader, body="Hi")) == [Comment.Status.PENDING]


def test_premoderation_of_first_comments_holds_until_one_is_published(reader, article, settings):
    settings.MODERATION_PREMODERATION = "first"

    before = held_by(Comment(article=article, author=reader, body="Hi"))
    CommentFactory(article=article, author=reader)
    after = held_by(Comment(article=article, author=reader, body="Hi again"))

    assert (before, after) == ([Comment.Status.PENDING], [])


def test_premoderation_spares_moderators_and_imported_comments(moderator, article, settings):
    settings.MODERATION_PREMODERATION = "all"

    by_moderator = held_by(Comment(article=article, author=moderator, body="Hi"))
    imported = held_by(Comment(article=article, author=None, author_name="Guest", body="Hi"))

    assert (by_moderator, imported) == ([], [])
