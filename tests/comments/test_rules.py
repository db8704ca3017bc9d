"""forum/comments/rules.py: who may edit, delete and moderate a comment."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forum.comments import rules
from forum.comments.models import Comment
from tests.factories import CommentFactory, UserFactory

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
