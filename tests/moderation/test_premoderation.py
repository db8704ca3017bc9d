import pytest

from forum.comments import posting
from forum.comments.models import Comment
from forum.moderation import services
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db
Status = Comment.Status


def test_comments_are_published_by_default(article, reader):
    comment = posting.post_comment(article=article, author=reader, body="Hello")

    assert comment.status == Status.PUBLISHED


def test_all_holds_every_comment(article, reader, settings):
    settings.MODERATION_PREMODERATION = "all"
    CommentFactory(article=article, author=reader)  # an earlier published comment does not matter

    comment = posting.post_comment(article=article, author=reader, body="Hello")

    assert comment.status == Status.PENDING
    article.refresh_from_db()
    assert article.comment_count == 1  # the earlier one only


def test_first_holds_the_first_comment_of_an_account(article, reader, settings):
    settings.MODERATION_PREMODERATION = "first"

    comment = posting.post_comment(article=article, author=reader, body="My first")

    assert comment.status == Status.PENDING


def test_first_holds_until_a_moderator_approves_one(article, reader, moderator, settings):
    settings.MODERATION_PREMODERATION = "first"
    first = posting.post_comment(article=article, author=reader, body="My first")
    second = posting.post_comment(article=article, author=reader, body="My second")
    assert second.status == Status.PENDING

    services.approve(comment=first, actor=moderator)
    third = posting.post_comment(article=article, author=reader, body="My third")

    assert third.status == Status.PUBLISHED


def test_first_lets_readers_with_a_published_comment_through(article, reader, settings):
    settings.MODERATION_PREMODERATION = "first"
    CommentFactory(article=article, author=reader)

    comment = posting.post_comment(article=article, author=reader, body="Again")

    assert comment.status == Status.PUBLISHED


@pytest.mark.parametrize("mode", ["first", "all"])
def test_moderators_are_never_held(article, moderator, settings, mode):
    settings.MODERATION_PREMODERATION = mode

    comment = posting.post_comment(article=article, author=moderator, body="Welcome, everyone")

    assert comment.status == Status.PUBLISHED


def test_a_held_comment_is_visible_to_its_author_and_moderators_only(
    article, reader, other_reader, moderator, settings
):
    from django.contrib.auth.models import AnonymousUser

    settings.MODERATION_PREMODERATION = "all"
    held = posting.post_comment(article=article, author=reader, body="Held")

    assert list(Comment.objects.visible_to(reader)) == [held]
    assert list(Comment.objects.visible_to(moderator)) == [held]
    assert list(Comment.objects.visible_to(other_reader)) == []
    assert list(Comment.objects.visible_to(AnonymousUser())) == []
