import pytest
from django.db import DatabaseError, connection, transaction

from forum.moderation import services
from forum.moderation.models import AppendOnly, ModerationAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(comment, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    return ModerationAction.objects.get()


def test_an_entry_cannot_be_saved_again(entry):
    entry.note = "Rewritten history"

    with pytest.raises(AppendOnly):
        entry.save()

    assert ModerationAction.objects.get().note == ""


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnly):
        entry.delete()

    assert ModerationAction.objects.count() == 1


def test_the_queryset_refuses_update_and_delete(entry):
    with pytest.raises(AppendOnly):
        ModerationAction.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(AppendOnly):
        ModerationAction.objects.all().delete()

    assert ModerationAction.objects.get().note == ""


def test_entries_survive_the_deletion_of_what_they_are_about(entry, comment, reader, article):
    comment_id, reader_id = comment.pk, reader.pk

    article.delete()
    reader.delete()

    kept = ModerationAction.objects.get()
    assert (kept.comment_id, kept.target_user_id, kept.target_name) == (comment_id, reader_id, "alice")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE moderation_moderationaction SET note = 'x'",
        "DELETE FROM moderation_moderationaction",
    ],
)
def test_postgresql_refuses_update_and_delete_below_the_orm(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert ModerationAction.objects.get().note == ""


def test_the_admin_shows_the_log_read_only(client, entry, moderator):
    client.force_login(moderator)

    listing = client.get("/admin/moderation/moderationaction/")
    detail = client.get(f"/admin/moderation/moderationaction/{entry.pk}/change/")
    change = client.post(f"/admin/moderation/moderationaction/{entry.pk}/change/", {"note": "x"})
    delete = client.post(f"/admin/moderation/moderationaction/{entry.pk}/delete/", {"post": "yes"})
    add = client.get("/admin/moderation/moderationaction/add/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [entry]
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert ModerationAction.objects.get().note == ""


def test_the_superusers_admin_is_read_only_too(client, entry, superuser):
    client.force_login(superuser)

    response = client.post(f"/admin/moderation/moderationaction/{entry.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ModerationAction.objects.count() == 1


def test_editors_do_not_read_the_log(client, entry, editor):
    client.force_login(editor)

    response = client.get("/admin/moderation/moderationaction/")

    assert response.status_code == 403
