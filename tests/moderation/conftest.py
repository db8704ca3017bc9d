from datetime import timedelta

import pytest
from django.utils import timezone

from forum.comments.models import Comment
from tests.factories import CommentFactory, UserFactory
from tests.notifications.conftest import post, post_and_fan_out  # noqa: F401  (shared fixtures)


def veteran(**kwargs):
    """A reader whose account is older than MODERATION_NEW_ACCOUNT_DAYS."""
    kwargs.setdefault("date_joined", timezone.now() - timedelta(days=90))
    return UserFactory(**kwargs)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def comment(article, reader) -> Comment:
    """Alice's published comment on the article."""
    return CommentFactory(article=article, author=reader, body="Alice's secret opinion about the truce.")


@pytest.fixture
def reply(comment, other_reader) -> Comment:
    return CommentFactory(parent=comment, author=other_reader, body="Bob answers Alice.")


def refresh(obj):
    obj.refresh_from_db()
    return obj
