import pytest

from forum.comments.models import Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderator_sees_comments_as_a_tree_in_the_admin(client, moderator, article):
    root = CommentFactory(article=article, body="Root in admin")
    CommentFactory(parent=root, body="Reply in admin")
    client.force_login(moderator)

    response = client.get("/admin/comments/comment/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Root in admin") < html.index("— Reply in admin")


def test_admin_filters_comments_by_status(client, moderator, article):
    CommentFactory(article=article, body="Visible one")
    CommentFactory(article=article, body="Spammy one", status="spam")
    client.force_login(moderator)

    response = client.get("/admin/comments/comment/?status__exact=spam")

    assert [c.body for c in response.context["cl"].result_list] == ["Spammy one"]


def test_admin_searches_comment_text(client, moderator, article):
    CommentFactory(article=article, body="About the harvest")
    CommentFactory(article=article, body="About the weather")
    client.force_login(moderator)

    response = client.get("/admin/comments/comment/?q=harvest")

    assert [c.body for c in response.context["cl"].result_list] == ["About the harvest"]


def test_reader_cannot_open_the_comment_admin(client):
    client.force_login(UserFactory())

    assert client.get("/admin/comments/comment/").status_code == 302


@pytest.fixture
def withheld(article):
    return [
        CommentFactory(article=article, body=f"Withheld {status} marker", status=status)
        for status in ("pending", "hidden", "spam")
    ]


def test_editor_does_not_read_withheld_text_in_the_comment_list(client, editor, article, withheld):
    CommentFactory(article=article, body="Published marker")
    client.force_login(editor)

    html = client.get("/admin/comments/comment/").content.decode()

    assert "Published marker" in html
    assert "Withheld" not in html
    assert html.count("[text withheld: only moderators read it]") == 3


def test_editor_cannot_search_withheld_text(client, editor, withheld):
    client.force_login(editor)

    response = client.get("/admin/comments/comment/?q=Withheld")

    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("index", [0, 1, 2])
def test_editor_does_not_read_withheld_text_on_the_comment_page(client, editor, withheld, index):
    client.force_login(editor)

    response = client.get(f"/admin/comments/comment/{withheld[index].pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Withheld" not in html
    assert "[text withheld: only moderators read it]" in html


def test_editor_reads_published_text_read_only(client, editor, article):
    comment = CommentFactory(article=article, body="Published marker")
    client.force_login(editor)

    response = client.get(f"/admin/comments/comment/{comment.pk}/change/")

    assert "Published marker" in response.content.decode()
    assert "body" not in response.context["adminform"].form.fields


def test_moderator_reads_withheld_text_in_the_admin(client, moderator, withheld):
    client.force_login(moderator)

    html = client.get("/admin/comments/comment/").content.decode()

    assert all(f"Withheld {status} marker" in html for status in ("pending", "hidden", "spam"))


def test_staff_who_may_change_comments_but_not_moderate_cannot_edit_a_body(client, article):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_comment"))
    comment = CommentFactory(article=article, body="Original words")
    client.force_login(staff)

    response = client.get(f"/admin/comments/comment/{comment.pk}/change/")
    client.post(f"/admin/comments/comment/{comment.pk}/change/", {"body": "Forged words"})

    assert "body" not in response.context["adminform"].form.fields
    comment.refresh_from_db()
    assert comment.body == "Original words"


def admin_change(client, comment, body):
    return client.post(f"/admin/comments/comment/{comment.pk}/change/", {"body": body})


def test_a_body_changed_in_the_admin_is_checked_for_spam_again(client, moderator, article):
    from forum.spam.models import SpamCheck

    comment = CommentFactory(article=article, body="Before")
    client.force_login(moderator)

    response = admin_change(client, comment, "Buy cheap pills")

    comment.refresh_from_db()
    assert response.status_code == 302
    assert (comment.body, "cheap pills" in comment.body_html) == ("Buy cheap pills", True)
    keys = list(SpamCheck.objects.filter(comment=comment).values_list("key", flat=True))
    assert len(keys) == 1
    assert keys[0].startswith(f"{comment.pk}:revised:")


def test_a_revision_after_the_authors_edit_is_checked_for_spam_again(client, moderator, article):
    from django.utils import timezone

    from forum.spam.models import SpamCheck

    comment = CommentFactory(article=article, body="Edited by its author", edited_at=timezone.now())
    SpamCheck.objects.create(comment=comment, key=f"{comment.pk}:edited:{comment.edited_at.isoformat()}")
    client.force_login(moderator)

    admin_change(client, comment, "Revised by a moderator")

    assert SpamCheck.objects.filter(comment=comment, key__contains=":revised:").count() == 1


def test_an_overlong_body_in_the_admin_is_a_form_error(client, moderator, article):
    comment = CommentFactory(article=article, body="Kept")
    client.force_login(moderator)

    response = admin_change(client, comment, "x" * 10_001)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "Ensure this value has at most 10000 characters (it has 10001)."
    ]
    assert Comment.objects.get(pk=comment.pk).body == "Kept"
