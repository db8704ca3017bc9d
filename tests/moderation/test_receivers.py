"""forum/moderation/receivers.py: moderation's answers to events."""

import pytest

from forum.comments.versions import discussion_version
from forum.moderation.models import DiscussionSettings

pytestmark = pytest.mark.django_db


def test_a_new_close_after_period_marks_the_discussion_changed(article):
    before = discussion_version(article.pk)

    DiscussionSettings.objects.create(article=article, close_after_days=2)

    assert discussion_version(article.pk) > before
