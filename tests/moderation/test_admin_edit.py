"""A moderator's change to a comment's text in the admin: logged with the text it replaces, shown to readers
as "edited by a moderator"; otherwise the admin changes nothing about a comment."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from forum.accounts.personal_data import delete_account
from forum.comments import posting
from forum.comments.models import DELETED_ACCOUNT_NAME, Comment
from forum.moderation import services
from forum.moderation.models import ModerationAction
from tests.factories import CommentFactory, UserFactory
from tests.moderation.conftest import refresh

pytestmark = pytest.mark.django_db

BEFORE = "Call me on 555-0100 about the truce."
AFTER = "Call me [phone number removed by a moderator] about the truce."
LABEL = '<span class="comment-edited comment-edited--moderator">edited by a moderator</span>'


@pytest.fixture
def comment(article, reader) -> Comment:
    return CommentFactory(article=article, author=reader, body=BEFORE)


def change_page(comment: Comment) -> str:
    return f"/admin/comments/comment/{comment.pk}/change/"


def admin_edit(user, comment: Comment, body: str, **extra):
    client = Client()
    client.force_login(user)
    return client.post(change_page(comment), {"body": body, **extra})


def stored(comment: Comment) -> tuple:
    comment = refresh(comment)
    return (comment.body, comment.edited_by_moderator, comment.status, comment.edited_at)


def test_a_moderators_edit_is_logged_once_with_the_text_before_and_after(comment, moderator, reader):
    response = admin_edit(moderator, comment, AFTER)

    assert (response.status_code, response["Location"]) == (302, "/admin/comments/comment/")
    entries = list(
        ModerationAction.objects.values_list(
            "kind", "actor_id", "comment_id", "target_user_id", "text_before", "text_after"
        )
    )
    assert entries == [("edit", moderator.pk, comment.pk, reader.pk, BEFORE, AFTER)]


def test_a_moderators_edit_changes_the_text_and_marks_the_comment(comment, moderator):
    admin_edit(moderator, comment, AFTER)

    comment = refresh(comment)
    assert (comment.body, comment.edited_by_moderator, comment.edited_at) == (AFTER, True, None)
    assert "[phone number removed by a moderator]" in comment.body_html
    assert "555-0100" not in comment.body_html


def test_the_cached_anonymous_page_shows_the_new_text_and_the_label(client, article, comment, moderator):
    page = article.get_absolute_url()
    before = client.get(page).content.decode()
    assert BEFORE in before and "edited by a moderator" not in before

    admin_edit(moderator, comment, AFTER)

    after = client.get(page).content.decode()
    assert "555-0100" not in after
    assert AFTER in after
    assert after.count(LABEL) == 1


def test_the_permalink_shows_the_label(client, article, comment, moderator):
    admin_edit(moderator, comment, AFTER)

    html = client.get(f"/articles/{article.slug}/comments/{comment.pk}/").content.decode()

    assert LABEL in html
    assert '<span class="comment-edited">edited</span>' not in html


def test_a_ukrainian_reader_reads_the_label_in_ukrainian(article, comment, moderator):
    admin_edit(moderator, comment, AFTER)

    html = Client(headers={"accept-language": "uk"}).get(article.get_absolute_url()).content.decode()

    assert '<span class="comment-edited comment-edited--moderator">змінено модератором</span>' in html


def test_an_unedited_comment_has_no_label(client, article, comment):
    html = client.get(article.get_absolute_url()).content.decode()

    assert BEFORE in html
    assert "comment-edited" not in html


def test_posting_the_same_text_logs_nothing(comment, moderator):
    response = admin_edit(moderator, comment, f"  {BEFORE}\r\n")

    assert response.status_code == 302
    assert not ModerationAction.objects.exists()
    assert stored(comment) == (BEFORE, False, "published", None)


def test_the_service_logs_nothing_for_a_text_that_cleans_to_the_same(comment, moderator):
    result = services.revise(comment=comment, actor=moderator, body=f"{BEFORE}\n\n")

    assert result is None
    assert not ModerationAction.objects.exists()
    assert refresh(comment).edited_by_moderator is False


def test_an_empty_text_is_a_clear_form_error_and_nothing_is_stored(comment, moderator):
    response = admin_edit(moderator, comment, "  \r\n ")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "A comment cannot be left without text: to take it down, hide it or delete it for good."
    ]
    assert stored(comment) == (BEFORE, False, "published", None)
    assert not ModerationAction.objects.exists()
    assert not LogEntry.objects.exists()


def test_the_service_refuses_an_empty_text(comment, moderator):
    with pytest.raises(ValidationError, match="Write something"):
        services.revise(comment=comment, actor=moderator, body=" ")

    assert stored(comment) == (BEFORE, False, "published", None)
    assert not ModerationAction.objects.exists()


def test_an_editor_who_does_not_moderate_cannot_change_the_text(comment, editor):
    response = admin_edit(editor, comment, AFTER)

    assert response.status_code == 403
    assert stored(comment) == (BEFORE, False, "published", None)
    assert not ModerationAction.objects.exists()
    assert not LogEntry.objects.exists()


def test_the_editors_change_page_is_read_only(client, comment, editor):
    client.force_login(editor)

    response = client.get(change_page(comment))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert BEFORE in html
    assert 'name="_save"' not in html and "<textarea" not in html


def test_the_service_refuses_a_reader(comment, other_reader):
    with pytest.raises(PermissionDenied):
        services.revise(comment=comment, actor=other_reader, body=AFTER)

    assert stored(comment) == (BEFORE, False, "published", None)


def test_the_moderators_form_has_the_text_and_nothing_else(client, comment, moderator):
    client.force_login(moderator)

    form = client.get(change_page(comment)).context["adminform"].form

    assert list(form.fields) == ["body"]


def test_a_moderators_post_changes_nothing_but_the_text(comment, moderator, other_reader, article):
    other = CommentFactory(article=article, body="Another thread.")
    tree = refresh(comment)

    admin_edit(
        moderator,
        comment,
        AFTER,
        status="hidden",
        author=other_reader.pk,
        author_name="Someone else",
        parent=other.pk,
        article=other.article_id,
        replies_locked="on",
        score="99",
        tree_id=other.tree_id,
        lft="7",
        level="3",
        edited_by_moderator="",
    )

    comment = refresh(comment)
    assert (comment.body, comment.status, comment.author_id, comment.author_name) == (
        AFTER,
        "published",
        tree.author_id,
        "",
    )
    assert (comment.parent_id, comment.replies_locked, comment.score) == (None, False, 0)
    assert (comment.tree_id, comment.lft, comment.rght, comment.level) == (
        tree.tree_id,
        tree.lft,
        tree.rght,
        0,
    )
    assert comment.edited_by_moderator is True


def test_nobody_deletes_a_comment_in_the_admin(comment, reply, superuser):
    client = Client()
    client.force_login(superuser)

    page = client.get(f"/admin/comments/comment/{comment.pk}/delete/")
    client.post(f"/admin/comments/comment/{comment.pk}/delete/", {"post": "yes"})

    assert page.status_code == 403
    assert Comment.objects.filter(pk__in=[comment.pk, reply.pk]).count() == 2


def test_a_deleted_comment_has_no_text_to_edit(article, reader, moderator):
    placeholder = CommentFactory(article=article, author=reader, body="", status="deleted")
    CommentFactory(parent=placeholder, body="A reply that holds it.")
    client = Client()
    client.force_login(moderator)

    form = client.get(change_page(placeholder)).context["adminform"].form
    client.post(change_page(placeholder), {"body": "Text brought back"})

    assert "body" not in form.fields
    assert stored(placeholder) == ("", False, "deleted", None)
    with pytest.raises(ValidationError, match="deleted"):
        services.revise(comment=placeholder, actor=moderator, body="Text brought back")
    assert not ModerationAction.objects.exists()


def test_the_authors_own_later_edit_clears_the_label(client, article, comment, moderator, reader):
    admin_edit(moderator, comment, AFTER)
    client.force_login(reader)

    client.post(f"/articles/{article.slug}/comments/{comment.pk}/edit/", {"body": "Ask me for my number."})

    body, flagged, _status, edited_at = stored(comment)
    assert (body, flagged, edited_at is not None) == ("Ask me for my number.", False, True)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert '<span class="comment-edited">edited</span>' in html
    assert "edited by a moderator" not in html


def test_a_later_moderators_edit_is_logged_with_the_authors_text(comment, moderator, reader):
    admin_edit(moderator, comment, AFTER)
    posting.edit_comment(comment=refresh(comment), user=reader, body="My number is 555-0100.")

    admin_edit(moderator, comment, AFTER)

    assert list(ModerationAction.objects.order_by("pk").values_list("text_before", "text_after")) == [
        (BEFORE, AFTER),
        ("My number is 555-0100.", AFTER),
    ]
    assert refresh(comment).edited_by_moderator is True


def test_the_queue_shows_the_text_before_the_edit(client, comment, moderator):
    admin_edit(moderator, comment, AFTER)
    services.hide(comment=comment, actor=moderator, reason="personal_data")
    client.force_login(moderator)

    html = client.get("/moderation/?tab=hidden").content.decode()

    assert "Text edited" in html
    assert (
        '<blockquote class="queue-log-text__before" dir="auto">Call me on 555-0100 about the truce.' in html
    )
    assert f'<blockquote class="queue-log-text__after" dir="auto">{AFTER}' in html


def test_the_log_in_the_admin_shows_both_texts(client, comment, moderator):
    admin_edit(moderator, comment, AFTER)
    entry = ModerationAction.objects.get()
    client.force_login(moderator)

    html = client.get(f"/admin/moderation/moderationaction/{entry.pk}/change/").content.decode()

    assert BEFORE in html and AFTER in html
    assert "Text before" in html and "Text after" in html


def test_the_authors_export_holds_the_edit(client, comment, moderator, reader):
    admin_edit(moderator, comment, AFTER)
    client.force_login(reader)

    data = client.get("/accounts/profile/export/").json()

    edits = [a for a in data["moderation_actions_concerning_you"] if a["kind"] == "edit"]
    assert [(a["comment"], a["text_before"], a["text_after"]) for a in edits] == [(comment.pk, BEFORE, AFTER)]


def test_deleting_the_authors_account_forgets_both_texts_and_the_name(comment, moderator, reader):
    admin_edit(moderator, comment, AFTER)

    delete_account(reader)

    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.target_name, entry.text_before, entry.text_after, entry.actor_name) == (
        "edit",
        DELETED_ACCOUNT_NAME,
        "",
        "",
        moderator.username,
    )
    assert list(LogEntry.objects.values_list("object_id", "object_repr")) == [
        (str(comment.pk), DELETED_ACCOUNT_NAME)
    ]


def test_deleting_another_account_keeps_the_texts(comment, moderator):
    admin_edit(moderator, comment, AFTER)

    delete_account(UserFactory())

    entry = ModerationAction.objects.get()
    assert (entry.text_before, entry.text_after) == (BEFORE, AFTER)
