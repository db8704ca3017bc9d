"""forum/moderation/personal_data.py: the log forgets a deleted account's name, its appeals' text and the
texts of moderators' edits of its comments, and nothing else."""

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


def refused(sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


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
    refused(sql)

    kept = ModerationAction.objects.get()
    assert (kept.target_name, kept.reason, kept.note) == (
        entry.target_name,
        "abuse",
        "Insults another reader.",
    )


@pytest.fixture
def edit_entry(comment, moderator):
    services.revise(comment=comment, actor=moderator, body="Alice's opinion, [name removed].")
    return ModerationAction.objects.get(kind=ModerationAction.Kind.EDIT)


def test_forgetting_the_author_removes_both_texts_of_an_edit(edit_entry, comment):
    forget_user(comment.author)

    kept = ModerationAction.objects.get()
    assert (kept.kind, kept.target_name, kept.actor_name, kept.text_before, kept.text_after) == (
        ModerationAction.Kind.EDIT,
        DELETED_ACCOUNT_NAME,
        edit_entry.actor_name,
        "",
        "",
    )


def test_forgetting_the_moderator_keeps_the_texts_of_their_edit(edit_entry, moderator):
    forget_user(moderator)

    kept = ModerationAction.objects.get()
    assert (kept.actor_name, kept.text_before, kept.text_after) == (
        DELETED_ACCOUNT_NAME,
        "Alice's secret opinion about the truce.",
        "Alice's opinion, [name removed].",
    )


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE moderation_moderationaction SET text_before = 'rewritten'",
        "UPDATE moderation_moderationaction SET text_after = 'rewritten'",
        "UPDATE moderation_moderationaction SET text_before = '', kind = 'hide'",
    ],
)
def test_postgresql_refuses_rewriting_the_texts_of_an_edit(edit_entry, sql):
    refused(sql)

    kept = ModerationAction.objects.get()
    assert (kept.kind, kept.text_before, kept.text_after) == (
        "edit",
        edit_entry.text_before,
        edit_entry.text_after,
    )


@pytest.mark.postgres
def test_postgresql_lets_the_texts_of_an_edit_be_emptied(edit_entry):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_moderationaction SET text_before = '', text_after = ''")

    assert ModerationAction.objects.values_list("text_before", "text_after").get() == ("", "")
