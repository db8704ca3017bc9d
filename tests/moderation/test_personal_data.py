"""forum/moderation/personal_data.py: the log forgets a deleted account's name and nothing else."""

import pytest
from django.db import DatabaseError, connection, transaction

from forum.comments.models import DELETED_ACCOUNT_NAME
from forum.moderation import services
from forum.moderation.models import ModerationAction
from forum.moderation.personal_data import forget_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(comment, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse", note="Insults another reader.")
    return ModerationAction.objects.get()


def test_forgetting_the_author_renames_them_and_keeps_the_entry(entry, comment):
    forget_user(comment.author)

    kept = ModerationAction.objects.get()
    assert (kept.target_name, kept.actor_name, kept.note, kept.kind) == (
        DELETED_ACCOUNT_NAME,
        entry.actor_name,
        "Insults another reader.",
        ModerationAction.Kind.HIDE,
    )


def test_forgetting_the_moderator_keeps_their_note(entry, moderator):
    forget_user(moderator)

    kept = ModerationAction.objects.get()
    assert (kept.actor_name, kept.note) == (DELETED_ACCOUNT_NAME, "Insults another reader.")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE moderation_moderationaction SET target_name = 'someone else'",
        "UPDATE moderation_moderationaction SET target_name = '[deleted account]', reason = 'spam'",
        "UPDATE moderation_moderationaction SET note = 'rewritten'",
    ],
)
def test_postgresql_still_refuses_any_other_change(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    kept = ModerationAction.objects.get()
    assert (kept.target_name, kept.reason, kept.note) == (
        entry.target_name,
        "abuse",
        "Insults another reader.",
    )
